"""Reading questions and their conditions from YAML into definition objects; each type reads its own keys."""
from __future__ import annotations

from dataclasses import dataclass, field

from forms.definition import Condition, Question, Scale, Text
from forms.types import question_type, question_types, type_names
from forms.types.base import QuestionType
from forms.yaml_source import LineDict
from forms.yaml_values import Source, describe, is_int

COMMON_KEYS = ("id", "type", "text", "help", "required", "show_if")


def all_keys() -> tuple[str, ...]:
    """Every key a question may have: the common ones, then each type's own."""
    return COMMON_KEYS + tuple(dict.fromkeys(k for t in question_types() for k in t.keys))


@dataclass(frozen=True)
class Include:
    """An `include: <block>` item, where it was written."""

    block: str
    path: str
    line: int


@dataclass(frozen=True)
class Located:
    """A question with where it was written, so later checks can point at it."""

    question: Question
    path: str
    id_line: int | None
    condition_line: int | None = None
    code_lines: dict[int, int] = field(default_factory=dict, compare=False)
    complete: bool = True  # False when its scale could not be resolved
    via: Include | None = None  # the include (in the file being checked) that brought it in


def parse_question(src: Source, m: LineDict, scales: dict[str, Scale],
                   block: str | None) -> Located | None:
    """Read one question; None when it lacks a usable id or type (problems are recorded)."""
    qtype = _question_type(src, m)
    keys = all_keys()
    for key in m:
        if key in keys and qtype and key not in COMMON_KEYS + qtype.keys:
            src.error("key_not_for_type", m.key_line(key), key, type=qtype.name)
    where = f"question '{m['id']}'" if isinstance(m.get("id"), str) else "question"
    src.check_keys(m, keys, ("id", "type", "text"), where)
    qid = src.ident(m, "id", "question id")
    text = src.text(m, "text")
    help_text = src.text(m, "help")
    required = src.boolean(m, "required", False)
    condition, cond_line, code_lines = _parse_condition(src, m)
    if qid is None or qtype is None:
        return None
    parts = qtype.parse(src, m, qid, text, scales)
    question = Question(qid, qtype.name, text or Text(""), help_text, required, parts.scale, parts.min,
                        parts.max, parts.unit, parts.max_length, condition, block)
    return Located(question, src.path, m.key_line("id"), cond_line, code_lines,
                   parts.complete and text is not None)


def _question_type(src: Source, m: LineDict) -> QuestionType | None:
    name = src.string(m, "type")
    if name is None:
        return None
    try:
        return question_type(name)
    except KeyError:
        src.error("unknown_type", m.value_line("type"), "type", value=name, choices=", ".join(type_names()))
        return None


def _parse_condition(src: Source, m: LineDict) -> tuple[Condition | None, int | None,
                                                        dict[int, int]]:
    """Read `show_if`; returns the condition, the line of its question and the line of each code."""
    if "show_if" not in m:
        return None, None, {}
    c = m["show_if"]
    if not src.is_mapping(c, "show_if", m.value_line("show_if"),
                          "a mapping {question, equals} or {question, in}"):
        return None, None, {}
    ok = src.check_keys(c, ("question", "equals", "in"), ("question",), "'show_if'")
    if "equals" in c and "in" in c:
        src.error("either_key", c.key_line("in"), "in", first="equals", second="in",
                  where="'show_if'")
        return None, None, {}
    if "equals" not in c and "in" not in c:
        src.error("missing_key", c.line, "equals", where="'show_if'")
        return None, None, {}
    target = src.string(c, "question")
    code_lines = _condition_codes(src, c)
    if not ok or target is None or code_lines is None:
        return None, None, {}
    return Condition(target, frozenset(code_lines)), c.value_line("question"), code_lines


def _condition_codes(src: Source, c: LineDict) -> dict[int, int] | None:
    if "equals" in c:
        code = src.integer(c, "equals")
        return None if code is None else {code: c.value_line("equals")}
    seq = src.sequence(c, "in", "a list of option codes")
    if seq is None:
        return None
    if not seq:
        src.error("empty_options", seq.line, "in")
        return None
    codes: dict[int, int] = {}
    for code, line in zip(seq, seq.item_lines):
        if not is_int(code):
            src.error("wrong_type", line, "in", expected="a whole number", actual=describe(code))
            return None
        codes.setdefault(code, line)
    return codes
