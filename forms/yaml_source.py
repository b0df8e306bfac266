"""Line-tracking YAML reader: plain values whose mappings and lists remember the line of each entry."""
from __future__ import annotations

import re
from typing import Any

import yaml

from forms.problems import Problem, make_problem

# Bounds on a document, checked on the parser's events before anything is built: nesting deeper than
# MAX_DEPTH would exhaust the composer's recursion, and aliases can make a small text stand for
# billions of values ("billion laughs"), so the values the document stands for are counted with every
# alias expanded. A real questionnaire is a few levels deep and a few thousand values large.
MAX_DEPTH = 40
MAX_NODES = 200_000


class LineDict(dict):
    """A YAML mapping; `line` is where it starts, `key_lines`/`value_lines` where each entry is."""

    line: int
    key_lines: dict[Any, int]
    value_lines: dict[Any, int]

    def key_line(self, key: Any) -> int:
        """Line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)

    def value_line(self, key: Any) -> int:
        """Line of the value of `key`, or of the mapping itself when the key is absent."""
        return self.value_lines.get(key, self.line)


def empty_mapping(line: int = 1) -> LineDict:
    """An empty LineDict standing in for a mapping that is absent or wrong."""
    mapping = LineDict()
    mapping.line, mapping.key_lines, mapping.value_lines = line, {}, {}
    return mapping


class LineList(list):
    """A YAML sequence; `line` is where it starts, `item_lines[i]` where item i is."""

    line: int
    item_lines: list[int]


def read_yaml(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document with the safe loader; return (value, problems).

    The value is None when the document is empty or has a syntax error.
    """
    try:
        loader = yaml.SafeLoader(text)  # the reader refuses control characters here, before parsing
    except yaml.reader.ReaderError as exc:
        return None, [_unprintable(text, path, exc)]
    problems: list[Problem] = []
    try:
        refused = _refuse_unbounded(text, path)
        if refused is not None:
            return None, [refused]
        node = loader.get_single_node()
        value = None if node is None else _build(loader, node, path, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
        line = mark.line + 1 if mark else None
        return None, [make_problem("yaml_syntax", path, line, detail=detail)]
    except yaml.YAMLError as exc:
        return None, [make_problem("yaml_syntax", path, None, detail=str(exc))]
    finally:
        loader.dispose()
    return value, problems


# A key at the start of a line ("  title:", "- id:", '"a b":'), as far as its colon.
_LINE_KEY = re.compile(r"""[ \t]*(?:-[ \t]+)*(?:"([^"]+)"|'([^']+)'|([^\s"'#:\-?][^:#]*?))[ \t]*:""")


def _unprintable(text: str, path: str, exc: yaml.reader.ReaderError) -> Problem:
    """The reader's refusal of a control character, at its line and column, with the key of that line."""
    position = exc.position if isinstance(exc.position, int) and 0 <= exc.position <= len(text) else 0
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line_text = text[start:] if end < 0 else text[start:end]
    match = _LINE_KEY.match(line_text)
    key = None
    if match and match.end() <= position - start:  # the character is after the key, not in it
        key = next(group for group in match.groups() if group is not None).strip()
    character = exc.character if isinstance(exc.character, int) else ord(text[position:position + 1] or "\0")
    return make_problem("yaml_character", path, text.count("\n", 0, position) + 1, key,
                        character=f"U+{character:04X}", column=position - start + 1)


def _refuse_unbounded(text: str, path: str) -> Problem | None:
    """A problem when the document nests deeper than MAX_DEPTH or expands past MAX_NODES values."""
    sizes: dict[str, int] = {}  # anchor -> number of values it stands for
    stack: list[list] = []  # open collections: [anchor, size so far]
    total = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                return make_problem("yaml_too_deep", path, line, limit=MAX_DEPTH)
            stack.append([event.anchor, 1])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor, 1)
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if stack:
            stack[-1][1] += size
        else:
            total += size
        if total + sum(s for _a, s in stack) > MAX_NODES:
            return make_problem("yaml_too_large", path, line, limit=MAX_NODES)
    return None


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: str, problems: list[Problem]) -> Any:
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(loader, node, path, problems)
    if isinstance(node, yaml.SequenceNode):
        items = LineList(_build(loader, item, path, problems) for item in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items
    return loader.construct_object(node, deep=True)


def _build_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, path: str,
                   problems: list[Problem]) -> LineDict:
    loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines, mapping.value_lines = {}, {}
    for key_node, value_node in node.value:
        key = _build(loader, key_node, path, problems)
        line = key_node.start_mark.line + 1
        if isinstance(key, (dict, list)):
            problems.append(make_problem("wrong_type", path, line, "key",
                                         expected="a plain name", actual="a mapping or list"))
            continue
        if key in mapping:
            problems.append(make_problem("duplicate_yaml_key", path, line, str(key),
                                         first=mapping.key_lines[key]))
            continue
        mapping[key] = _build(loader, value_node, path, problems)
        mapping.key_lines[key] = line
        mapping.value_lines[key] = value_node.start_mark.line + 1
    return mapping
