"""Reading scales and option lists from YAML: codes unique per list, labels in Danish and English."""
from __future__ import annotations

from forms.definition import Option, Scale, Text
from forms.yaml_source import LineDict, LineList
from forms.yaml_values import Source, describe, is_int

SCALE_KEYS = ("title", "ordinal", "top2", "options")
OPTION_KEYS = ("code", "da", "en", "missing")


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
