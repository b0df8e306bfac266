"""Questionnaire and shared-block files: structure, include expansion and cross-question checks."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from forms.definition import KINDS, AUDIENCES, Block, Question, Questionnaire, Scale, Section, Text
from forms.problems import Problems
from forms.questions import Include, Located, parse_question
from forms.yaml_values import Source
from forms.yaml_source import LineDict, LineList, empty_mapping

TOP_KEYS = ("questionnaire", "sections", "questions")
HEADER_KEYS = ("id", "version", "kind", "audience", "experiment", "title", "intro")
HEADER_REQUIRED = ("id", "version", "kind", "audience", "title")
SECTION_KEYS = ("id", "title", "phase", "questions")
BLOCK_KEYS = ("id", "title", "questions")
Item = Located | Include


@dataclass(frozen=True)
class BlockSource:
    """A shared block as written: its items still hold unexpanded includes."""

    id: str
    title: Text | None
    path: str
    line: int | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Context:
    """What a questionnaire file is checked against: scales, shared blocks, experiment slugs."""

    scales: dict[str, Scale]
    blocks: dict[str, BlockSource]
    experiments: frozenset[str]


def parse_items(src: Source, seq: LineList, scales: dict[str, Scale],
                block: str | None) -> list[Item]:
    """Read a question list: questions and `include` items, in order."""
    items: list[Item] = []
    for item, line in zip(seq, seq.item_lines):
        if not src.is_mapping(item, "questions", line, "a question or an include"):
            continue
        if "include" in item:
            src.check_keys(item, ("include",), (), "an include")
            name = src.string(item, "include")
            if name is not None:
                items.append(Include(name, src.path, item.value_line("include")))
            continue
        located = parse_question(src, item, scales, block)
        if located is not None:
            items.append(located)
    return items


def parse_block(src: Source, doc: Any, scales: dict[str, Scale]) -> BlockSource | None:
    """Read a shared block file (`block: {id, title, questions}`)."""
    if not src.is_mapping(doc, "block", 1, "a mapping with the key 'block'"):
        return None
    src.check_keys(doc, ("block",), ("block",), "a shared block file")
    m = doc.get("block")
    if m is None or not src.is_mapping(m, "block", doc.value_line("block")):
        return None
    src.check_keys(m, BLOCK_KEYS, ("id", "questions"), "'block'")
    block_id = src.ident(m, "id", "block id")
    title = src.text(m, "title")
    seq = src.sequence(m, "questions", "a list of questions")
    if block_id is None or seq is None:
        return None
    return BlockSource(block_id, title, src.path, m.key_line("id"),
                       tuple(parse_items(src, seq, scales, block_id)))


class Expander:
    """Expands includes, reporting unknown blocks and each include cycle once."""

    def __init__(self, blocks: dict[str, BlockSource], problems: Problems):
        self.blocks = blocks
        self.problems = problems
        self._cycles: set[frozenset[tuple[str, str]]] = set()

    def expand(self, items: tuple[Item, ...] | list[Item],
               stack: tuple[str, ...] = ()) -> list[Located]:
        """The questions of `items` with every include replaced by its block's questions."""
        out: list[Located] = []
        for item in items:
            if isinstance(item, Located):
                out.append(item)
            elif item.block not in self.blocks:
                self.problems.error("unknown_block", item.path, item.line, "include",
                                    block=item.block)
            elif item.block in stack:
                self._report_cycle(item, stack[stack.index(item.block):] + (item.block,))
            else:
                inner = self.expand(self.blocks[item.block].items, stack + (item.block,))
                out.extend(replace(loc, via=item) for loc in inner)
        return out

    def _report_cycle(self, item: Include, cycle: tuple[str, ...]) -> None:
        edges = frozenset(zip(cycle, cycle[1:]))
        if edges not in self._cycles:
            self._cycles.add(edges)
            self.problems.error("include_cycle", item.path, item.line, "include",
                                cycle=" -> ".join(cycle))


def check_questions(problems: Problems, located: list[Located], standalone: bool = False) -> None:
    """Report duplicate ids and dangling conditions.

    `standalone` is for a shared block checked on its own: a condition on a question outside the
    block is then left for the questionnaires that include it.
    """
    first: dict[str, Located] = {}
    for loc in located:
        q = loc.question
        if q.id in first:
            where = _location(first[q.id])
            if loc.via is not None:
                problems.error("duplicate_question_include", loc.via.path, loc.via.line,
                               "include", id=q.id, block=loc.via.block, first=where)
            else:
                problems.error("duplicate_question", loc.path, loc.id_line, "id", id=q.id,
                               first=where)
            continue
        if q.condition is not None:
            _check_condition(problems, loc, first, {x.question.id for x in located}, standalone)
        first[q.id] = loc


def _location(loc: Located) -> str:
    return loc.path if loc.id_line is None else f"{loc.path}:{loc.id_line}"


def _check_condition(problems: Problems, loc: Located, earlier: dict[str, Located],
                     all_ids: set[str], standalone: bool) -> None:
    q, c = loc.question, loc.question.condition
    key = "show_if.question"
    target = earlier.get(c.question)
    if target is None:
        if c.question in all_ids:
            problems.error("condition_later_question", loc.path, loc.condition_line, key,
                           id=q.id, question=c.question)
        elif not standalone:
            problems.error("condition_unknown_question", loc.path, loc.condition_line, key,
                           question=c.question)
    elif not target.question.is_coded:
        problems.error("condition_not_coded", loc.path, loc.condition_line, key,
                       question=c.question, type=target.question.type)
    elif target.complete:
        codes = target.question.scale.codes
        for code in sorted(c.codes - set(codes)):
            problems.error("condition_unknown_code", loc.path,
                           loc.code_lines.get(code, loc.condition_line), "show_if", code=code,
                           question=c.question, codes=", ".join(map(str, codes)))


def expand_block(block: BlockSource, expander: Expander, problems: Problems) -> Block:
    """The block with includes expanded, checked on its own."""
    located = expander.expand(block.items, (block.id,))
    check_questions(problems, located, standalone=True)
    return Block(block.id, block.title, tuple(loc.question for loc in located))


def parse_questionnaire(src: Source, doc: Any, ctx: Context,
                        expander: Expander) -> tuple[Questionnaire | None, int | None]:
    """Read and check a questionnaire file; returns the questionnaire and the line of its id."""
    if not src.is_mapping(doc, "questionnaire", 1, "a mapping with the key 'questionnaire'"):
        return None, None
    src.check_keys(doc, TOP_KEYS, ("questionnaire",), "a questionnaire file")
    header = doc.get("questionnaire")
    if header is None or not src.is_mapping(header, "questionnaire",
                                            doc.value_line("questionnaire")):
        header = empty_mapping()
    else:
        src.check_keys(header, HEADER_KEYS, HEADER_REQUIRED, "'questionnaire'")
    qid = src.ident(header, "id", "questionnaire id")
    version = src.integer(header, "version")
    kind = src.choice(header, "kind", KINDS)
    audience = src.choice(header, "audience", AUDIENCES)
    experiment = src.ident(header, "experiment", "slug")
    if experiment is not None and experiment not in ctx.experiments:
        src.error("unknown_experiment", header.value_line("experiment"), "experiment",
                  value=experiment)
    title, intro = src.text(header, "title"), src.text(header, "intro")
    sections = _sections(src, doc, ctx, expander)
    if None in (qid, version, kind, audience, title) or sections is None:
        return None, None
    return (Questionnaire(qid, version, kind, audience, experiment, title, intro, sections),
            header.key_line("id"))


def _sections(src: Source, doc: LineDict, ctx: Context,
              expander: Expander) -> tuple[Section, ...] | None:
    if "sections" in doc and "questions" in doc:
        src.error("either_key", doc.key_line("questions"), "questions", first="sections",
                  second="questions", where="a questionnaire file")
        return None
    if "questions" in doc:
        seq = src.sequence(doc, "questions", "a list of questions")
        raw = [] if seq is None else [(empty_mapping(seq.line), "s1", seq)]
    else:
        seq = src.sequence(doc, "sections", "a list of sections")
        if seq is None and "sections" not in doc:
            src.error("missing_key", doc.line, "sections", where="a questionnaire file "
                      "(or a top-level 'questions' list)")
        raw = [] if seq is None else _raw_sections(src, seq)
    parsed, located, first_line = [], [], {}
    for m, sid, items_seq in raw:
        if sid in first_line:
            src.error("duplicate_section", m.value_line("id"), "id", id=sid, first=first_line[sid])
        first_line.setdefault(sid, m.value_line("id") if "id" in m else None)
        title, phase = src.text(m, "title"), src.integer(m, "phase")
        section_located = expander.expand(parse_items(src, items_seq, ctx.scales, None))
        located.extend(section_located)
        parsed.append((sid, title, phase, section_located))
    check_questions(src.problems, located)
    return tuple(Section(sid, title, phase, tuple(_place(loc.question, sid, phase)
                                                  for loc in locs))
                 for sid, title, phase, locs in parsed)


def _raw_sections(src: Source, seq: LineList) -> list[tuple[LineDict, str, LineList]]:
    raw = []
    for n, (m, line) in enumerate(zip(seq, seq.item_lines), start=1):
        if not src.is_mapping(m, "sections", line, "a section mapping"):
            continue
        src.check_keys(m, SECTION_KEYS, ("questions",), f"section {n}")
        sid = src.ident(m, "id", "section id") or f"s{n}"
        items_seq = src.sequence(m, "questions", "a list of questions")
        if items_seq is not None:
            raw.append((m, sid, items_seq))
    return raw


def _place(question: Question, section: str, phase: int | None) -> Question:
    return replace(question, section=section, phase=phase)
