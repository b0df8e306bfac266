"""Reading scales, options, conditions and questions from YAML into definition objects."""
from __future__ import annotations

from dataclasses import dataclass, field

from forms.definition import CODED_TYPES, QUESTION_TYPES, Condition, Option, Question, Scale, Text
from forms.schema import Source, describe, is_int
from forms.yaml_source import LineDict, LineList

COMMON_KEYS = ("id", "type", "text", "help", "required", "show_if")
TYPE_KEYS = {
    "likert": ("scale",), "single_choice": ("scale", "options"),
    "multiple_choice": ("scale", "options"), "yes_no": ("scale",),
    "number": ("min", "max", "unit"), "text": ("max_length",), "textarea": ("max_length",),
    "date": (),
}
ALL_KEYS = COMMON_KEYS + tuple(dict.fromkeys(k for keys in TYPE_KEYS.values() for k in keys))
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 5000}
SCALE_KEYS = ("title", "ordinal", "top2", "options")
OPTION_KEYS = ("code", "da", "en", "missing")


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


def parse_options(src: Source, seq: LineList, key: str, where: str) -> tuple[Option, ...]:
    """Read a list of options; codes must be whole numbers, unique in the list."""
    options: list[Option] = []
    first_line: dict[int, int] = {}
    if not seq:
        src.error("empty_options", seq.line, key)
    for item, line in zip(seq, seq.item_lines):
        if not src.is_mapping(item, key, line, "an option mapping {code, da, en}"):
            continue
        src.check_keys(item, OPTION_KEYS, ("code",), f"an option of {where}")
        code = src.integer(item, "code")
        label = _option_label(src, item)
        if code is None:
            continue
        if code in first_line:
            src.error("duplicate_option", item.value_line("code"), "code", code=code,
                      where=where, first=first_line[code])
            continue
        first_line[code] = item.value_line("code")
        if label is not None:
            options.append(Option(code, label, src.boolean(item, "missing", False)))
    return tuple(options)


def _option_label(src: Source, item: LineDict) -> Text | None:
    code = item.get("code")
    key = f"option {code}" if is_int(code) else "option"
    da, en = item.get("da"), item.get("en")
    for lang, text in (("da", da), ("en", en)):
        if text is not None and not isinstance(text, str):
            src.error("wrong_type", item.value_line(lang), lang, expected="a text",
                      actual=describe(text))
            return None
    if en is None or not en.strip():
        src.warn("missing_english", item.line, key)
    if da is None or not da.strip():
        src.error("missing_danish", item.line, key)
        return None
    return Text(da.strip(), en.strip() if en and en.strip() else None)


def parse_scale(src: Source, scale_id: str, m: LineDict) -> Scale | None:
    """Read one scale from scales.yaml; top2 defaults to the two highest non-missing codes."""
    where = f"scale '{scale_id}'"
    src.check_keys(m, SCALE_KEYS, ("options",), where)
    title = src.text(m, "title") or Text(scale_id)
    ordinal = src.boolean(m, "ordinal", True)
    seq = src.sequence(m, "options", "a list of options")
    if seq is None:
        return None
    options = parse_options(src, seq, "options", where)
    valid = [o.code for o in options if not o.missing]
    top2_seq = src.sequence(m, "top2", "a list of option codes")
    if top2_seq is None:
        top2 = tuple(sorted(valid)[-2:]) if ordinal else ()
    else:
        top2 = tuple(c for c, line in zip(top2_seq, top2_seq.item_lines)
                     if _top2_code_ok(src, c, line, valid, scale_id))
    return Scale(scale_id, title, options, ordinal, top2)


def _top2_code_ok(src: Source, code: object, line: int, valid: list[int], scale_id: str) -> bool:
    if not is_int(code):
        src.error("wrong_type", line, "top2", expected="a whole number", actual=describe(code))
        return False
    if code not in valid:
        src.error("top2_unknown_code", line, "top2", code=code, scale=scale_id)
        return False
    return True


def parse_question(src: Source, m: LineDict, scales: dict[str, Scale],
                   block: str | None) -> Located | None:
    """Read one question; None when it lacks a usable id or type (problems are recorded)."""
    qtype = _question_type(src, m)
    for key in m:
        if key in ALL_KEYS and qtype and key not in COMMON_KEYS + TYPE_KEYS[qtype]:
            src.error("key_not_for_type", m.key_line(key), key, type=qtype)
    where = f"question '{m['id']}'" if isinstance(m.get("id"), str) else "question"
    src.check_keys(m, ALL_KEYS, ("id", "type", "text"), where)
    qid = src.ident(m, "id", "question id")
    text = src.text(m, "text")
    help_text = src.text(m, "help")
    required = src.boolean(m, "required", False)
    condition, cond_line, code_lines = _parse_condition(src, m)
    if qid is None or qtype is None:
        return None
    scale, complete = _question_scale(src, m, qid, qtype, text, scales)
    minimum, maximum, unit = (src.integer(m, "min"), src.integer(m, "max"), src.text(m, "unit")) \
        if qtype == "number" else (None, None, None)
    if minimum is not None and maximum is not None and minimum > maximum:
        src.error("min_above_max", m.key_line("min"), "min", min=minimum, max=maximum)
    max_length = None
    if qtype in DEFAULT_MAX_LENGTH:
        max_length = src.integer(m, "max_length", DEFAULT_MAX_LENGTH[qtype])
    question = Question(qid, qtype, text or Text(""), help_text, required, scale, minimum,
                        maximum, unit, max_length, condition, block)
    return Located(question, src.path, m.key_line("id"), cond_line, code_lines,
                   complete and text is not None)


def _question_type(src: Source, m: LineDict) -> str | None:
    qtype = src.string(m, "type")
    if qtype is not None and qtype not in QUESTION_TYPES:
        src.error("unknown_type", m.value_line("type"), "type", value=qtype,
                  choices=", ".join(QUESTION_TYPES))
        return None
    return qtype


def _question_scale(src: Source, m: LineDict, qid: str, qtype: str, text: Text | None,
                    scales: dict[str, Scale]) -> tuple[Scale | None, bool]:
    """The question's scale and whether it could be resolved."""
    if qtype not in CODED_TYPES:
        return None, True
    if "scale" in m and "options" in m:
        src.error("either_key", m.key_line("options"), "options", first="scale",
                  second="options", where=f"question '{qid}'")
        return None, False
    if "options" in m:
        seq = src.sequence(m, "options", "a list of options")
        if seq is None:
            return None, False
        options = parse_options(src, seq, "options", f"question '{qid}'")
        return Scale(f"{qid}__options", text or Text(qid), options, False, ()), bool(options)
    if "scale" not in m and qtype != "yes_no":
        if qtype == "likert":
            src.error("missing_key", m.line, "scale", where=f"question '{qid}'")
        else:
            src.error("scale_or_options", m.key_line("type"), "type", type=qtype)
        return None, False
    scale_id = src.string(m, "scale") if "scale" in m else "yes_no"
    if scale_id is None:
        return None, False
    if scale_id not in scales:
        line = m.value_line("scale") if "scale" in m else m.value_line("type")
        src.error("unknown_scale", line, "scale", value=scale_id)
        return None, False
    return scales[scale_id], True


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
