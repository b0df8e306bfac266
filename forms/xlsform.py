"""XLSForm in and out: a questionnaire as the survey/choices/settings sheets KoboToolbox and ODK use.

`to_sheets` turns a questionnaire into the rows of the three sheets (and `write_xlsform` into an .xlsx
that pyxform converts to an XForm); `from_sheets` turns the sheets of an XLSForm, Bølge's own or one
written in KoboToolbox/ODK, into the text of a questionnaire file, reporting every problem at once with
its sheet, row and column. What XLSForm has no column for (the type of a coded question, the shared
block, the phase, the unit, missing options, kind, audience and experiment) travels in columns named
`bolge_…`, which other tools leave alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any, Mapping

import yaml

from forms.definition import Catalogue, Question, Questionnaire, Scale, Text
from forms.problems import CatalogueError, Problem, Problems
from forms.types import question_type, question_types, type_names
from forms.types.base import QuestionType

DA, EN = "Dansk (da)", "English (en)"
SHEETS = ("survey", "choices", "settings")
# Rows that collect nothing from the person answering (the device fills them in): left out, with a warning.
METADATA_TYPES = frozenset({"start", "end", "today", "deviceid", "username", "simserial", "subscriberid",
                            "phonenumber", "audit", "email", "start-geopoint", "background-audio"})
LANGUAGE_NAMES = {"da": "da", "dansk": "da", "danish": "da", "en": "en", "english": "en", "engelsk": "en"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


# -- out -----------------------------------------------------------------------------------------------------
def to_sheets(questionnaire: Questionnaire, catalogue: Catalogue) -> dict[str, list[dict[str, str]]]:
    """The survey, choices and settings rows of `questionnaire` (column name → cell text)."""
    survey: list[dict[str, str]] = []
    lists: dict[str, Scale] = {}
    plain = _is_plain(questionnaire)
    for section in questionnaire.sections:
        if not plain:
            row = {"type": "begin_group", "name": section.id, **_labels("label", section.title)}
            if section.phase is not None:
                row["bolge_phase"] = str(section.phase)
            survey.append(row)
        questions = list(section.questions)
        while questions:
            block = _outer_block(questions, catalogue)
            if block is None:
                survey.append(_question_row(questions.pop(0), lists))
                continue
            survey.append({"type": "begin_group", "name": block, "bolge_block": block,
                           **_labels("label", catalogue.blocks[block].title)})
            for _ in catalogue.blocks[block].questions:
                survey.append(_question_row(questions.pop(0), lists))
            survey.append({"type": "end_group", "name": block})
        if not plain:
            survey.append({"type": "end_group", "name": section.id})
    choices = [{"list_name": scale.id, "name": str(o.code), **_labels("label", o.label),
                **({"bolge_missing": "yes"} if o.missing else {})}
               for scale in lists.values() for o in scale.options]
    settings = {"form_title": questionnaire.title.da, "form_id": questionnaire.id,
                "version": str(questionnaire.version), "default_language": DA,
                "bolge_kind": questionnaire.kind, "bolge_audience": questionnaire.audience,
                "bolge_experiment": questionnaire.experiment or ""}
    if questionnaire.title.en:
        settings[f"bolge_title::{EN}"] = questionnaire.title.en
    settings.update(_labels("bolge_intro", questionnaire.intro))
    return {"survey": survey, "choices": choices, "settings": [settings]}


def _is_plain(questionnaire: Questionnaire) -> bool:
    """True for a file with a plain `questions:` list: one untitled section s1 and no groups in XLSForm."""
    [*rest, last] = questionnaire.sections or [None]
    return not rest and last is not None and (last.id, last.title, last.phase) == ("s1", None, None)


def _outer_block(questions: list[Question], catalogue: Catalogue) -> str | None:
    """The widest shared block whose questions start the list (a block may include another)."""
    first = questions[0]
    if first.block is None:
        return None
    ids = [q.id for q in questions]
    fits = [b for b in catalogue.blocks.values()
            if [q.id for q in b.questions] == ids[:len(b.questions)] and b.questions]
    return max(fits, key=lambda b: len(b.questions)).id if fits else None


def _types_for(xtype: str) -> list[QuestionType]:
    """The registered types written as XLSForm type `xtype`, in registry order."""
    return [t for t in question_types() if t.xlsform is not None and t.xlsform[0] == xtype]


def _plain_type(xtype: str, appearance: str) -> QuestionType | None:
    """The type an XLSForm row of `xtype` with `appearance` is read as when it names none in `bolge_type`."""
    candidates = _types_for(xtype)
    words = appearance.lower().split()
    return (next((t for t in candidates if t.xlsform[1] and t.xlsform[1] in words), None)
            or next((t for t in candidates if not t.xlsform[1]), None))


def _question_row(q: Question, lists: dict[str, Scale]) -> dict[str, str]:
    kind = question_type(q.type)
    if kind.xlsform is None:
        raise ValueError(f"question '{q.id}': type {q.type} has no XLSForm form")
    xtype, appearance = kind.xlsform
    row = {"type": xtype}
    if kind.coded:
        assert q.scale is not None
        lists.setdefault(q.scale.id, q.scale)
        row["type"] = f"{xtype} {q.scale.id}"
    if appearance:
        row["appearance"] = appearance
    if _plain_type(xtype, appearance) is not kind:
        row["bolge_type"] = q.type
    row["name"] = q.id
    row.update(_labels("label", q.text))
    row.update(_labels("hint", q.help))
    if q.required:
        row["required"] = "yes"
    if q.condition is not None:
        row["relevant"] = " or ".join(f"selected(${{{q.condition.question}}}, '{c}')"
                                      for c in sorted(q.condition.codes))
    constraint = _constraint(q)
    if constraint:
        row["constraint"] = constraint
    row.update(_labels("bolge_unit", q.unit))
    return row


def _constraint(q: Question) -> str:
    parts = []
    if q.min is not None:
        parts.append(f". >= {q.min}")
    if q.max is not None:
        parts.append(f". <= {q.max}")
    if q.max_length is not None:
        parts.append(f"string-length(.) <= {q.max_length}")
    return " and ".join(parts)


def _labels(column: str, text: Text | None) -> dict[str, str]:
    if text is None:
        return {}
    return {f"{column}::{DA}": text.da, **({f"{column}::{EN}": text.en} if text.en else {})}


def write_xlsform(sheets: Mapping[str, list[dict[str, str]]], target: str | IO[bytes]) -> None:
    """Write the sheets as an .xlsx; every cell is text (a wording that starts with = stays a wording)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name in SHEETS:
        rows = sheets.get(name, [])
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet = book.create_sheet(name)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(c, "") for c in columns])
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for i, column in enumerate(columns, start=1):
            width = max([len(column)] + [len(str(r.get(column, ""))) for r in rows])
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(60, max(10, width + 2))
        sheet.freeze_panes = "A2"
    book.save(target)


def to_xform(sheets: Mapping[str, list[dict[str, str]]]) -> str:
    """The XForm pyxform makes of the sheets (raises pyxform's error when it cannot)."""
    from pyxform.xls2xform import convert

    return convert({name: [dict(r) for r in rows] for name, rows in sheets.items()}).xform


# -- in ------------------------------------------------------------------------------------------------------
@dataclass
class _Row:
    sheet: str
    number: int  # the spreadsheet's own row number (the header is row 1)
    cells: dict[str, str]


@dataclass
class _Reader:
    name: str
    catalogue: Catalogue
    problems: Problems = field(default_factory=Problems)

    def where(self, row: _Row) -> tuple[str, int]:
        return f"{self.name} [{row.sheet}]", row.number

    def error(self, template: str, row: _Row, column: str, **params: object) -> None:
        self.problems.error(template, *self.where(row), column, **params)

    def warn(self, template: str, row: _Row, column: str, **params: object) -> None:
        self.problems.warn(template, *self.where(row), column, **params)


def read_sheets(tables: Mapping[str, list[list[str]]]) -> dict[str, list[dict[str, str]]]:
    """Rows of cells (first row the header) as rows of column → text; empty rows are dropped."""
    out = {}
    for name, table in tables.items():
        header = [h.strip() for h in (table[0] if table else [])]
        rows = [{h: str(row[i]).strip() for i, h in enumerate(header)
                 if h and i < len(row) and row[i] is not None and str(row[i]).strip()} for row in table[1:]]
        out[name] = [row for row in rows if row]  # an empty cell is no cell, as pyxform reads a file
    return out


def from_sheets(tables: Mapping[str, list[list[str]]], name: str,
                catalogue: Catalogue) -> tuple[str, list[Problem]]:
    """The text of a questionnaire file made from an XLSForm's sheets (`tables`: sheet name → rows of cells).

    Returns the YAML and its warnings; raises CatalogueError naming sheet, row and column of every
    problem when the form uses what Bølge has no place for.
    """
    reader = _Reader(name, catalogue)
    sheets = {key.strip().lower(): value for key, value in tables.items()}
    if "survey" not in sheets:
        reader.problems.error("xlsform_no_sheet", name, None, None, sheet="survey")
        raise CatalogueError(reader.problems.all)
    survey = _rows("survey", sheets["survey"])
    choices = _rows("choices", sheets.get("choices", []))
    settings = _rows("settings", sheets.get("settings", []))
    setting = settings[0] if settings else _Row("settings", 2, {})
    default = _language(setting.cells.get("default_language", "")) or "da"
    lists = _choice_lists(reader, choices, default)
    header = _header(reader, setting, default, name)
    body = _Body(reader, lists, default).read(survey)
    if not reader.problems.errors:
        _pyxform_check(reader, read_sheets({k: v for k, v in sheets.items() if k in SHEETS}))
    if reader.problems.errors:
        raise CatalogueError(reader.problems.all)
    document = {"questionnaire": header, **body}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110), reader.problems.warnings


def _pyxform_check(reader: _Reader, sheets: dict[str, list[dict[str, str]]]) -> None:
    """What pyxform, the XLSForm reference converter, refuses in the form (its own words, in English)."""
    from pyxform.errors import PyXFormError

    try:
        to_xform(sheets)
    except PyXFormError as exc:
        reader.problems.error("xlsform_pyxform", reader.name, None, None, detail=str(exc).strip())


def _rows(sheet: str, table: list[list[str]]) -> list[_Row]:
    if not table:
        return []
    header = [str(h).strip() for h in table[0]]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        row = {h: str(cells[i]).strip() for i, h in enumerate(header) if h and i < len(cells)
               and cells[i] is not None and str(cells[i]).strip()}
        if row:
            rows.append(_Row(sheet, number, row))
    return rows


def _language(text: str) -> str | None:
    """"Dansk (da)" → "da", "English" → "en"; None for any other language."""
    found = re.search(r"\(([A-Za-z-]+)\)\s*$", text)
    word = (found.group(1) if found else text).strip().lower().split("-")[0]
    return LANGUAGE_NAMES.get(word)


def _text(row: _Row, column: str, default: str) -> Text | None:
    """The Danish and English wording of `column` (`label`, `label::Dansk (da)`, `label::English`)."""
    found: dict[str, str] = {}
    for key, value in row.cells.items():
        base, _, lang = key.partition("::")
        if base.strip().lower() != column:
            continue
        code = _language(lang) if lang else default
        if code and value:
            found.setdefault(code, value)
    if not found:
        return None
    return Text(found.get("da", ""), found.get("en"))


def _text_dict(text: Text | None) -> dict[str, str] | None:
    if text is None:
        return None
    return {"da": text.da, **({"en": text.en} if text.en else {})}


def _header(reader: _Reader, setting: _Row, default: str, name: str) -> dict[str, Any]:
    cells = setting.cells
    form_id = cells.get("form_id") or re.sub(r"[^a-z0-9-]+", "-", name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                                                 .lower()).strip("-")
    version = cells.get("version", "1")
    title = _text(setting, "bolge_title", default)
    da_title = cells.get("form_title") or (title.da if title else "") or form_id
    header: dict[str, Any] = {"id": form_id, "version": int(version) if version.isdigit() else 1,
                              "kind": cells.get("bolge_kind", "survey"),
                              "audience": cells.get("bolge_audience", "adviser")}
    if not version.isdigit():
        reader.warn("xlsform_version", setting, "version", value=version)
    if cells.get("bolge_experiment"):
        header["experiment"] = cells["bolge_experiment"]
    header["title"] = {"da": da_title, **({"en": title.en} if title and title.en else {})}
    intro = _text(setting, "bolge_intro", default)
    if intro is not None:
        header["intro"] = _text_dict(intro)
    return header


@dataclass
class _List:
    name: str
    row: _Row
    options: list[dict[str, Any]]
    names: list[str] = field(default_factory=list)  # the choice names as written, in order


def _choice_lists(reader: _Reader, choices: list[_Row], default: str) -> dict[str, _List]:
    lists: dict[str, _List] = {}
    for row in choices:
        list_name = row.cells.get("list_name") or row.cells.get("list name", "")
        label = _text(row, "label", default)
        if not list_name:
            reader.error("xlsform_missing_cell", row, "list_name")
            continue
        if label is None or not label.da:
            reader.error("xlsform_missing_danish", row, "label")
            label = label or Text("")
        option = {"code": row.cells.get("name", ""), "da": label.da, **({"en": label.en} if label.en else {})}
        if row.cells.get("bolge_missing", "").lower() in ("yes", "true", "1", "ja"):
            option["missing"] = True
        chosen = lists.setdefault(list_name, _List(list_name, row, []))
        chosen.options.append(option)
        chosen.names.append(option["code"])
    for chosen in lists.values():
        codes = [o["code"] for o in chosen.options]
        if all(re.fullmatch(r"-?\d+", c) for c in codes):
            for o in chosen.options:
                o["code"] = int(o["code"])
        else:  # names like "yes", "no": codes in the order listed
            reader.warn("xlsform_choice_codes", chosen.row, "name", value=chosen.name, n=len(codes))
            for n, o in enumerate(chosen.options, start=1):
                o["code"] = n
    return lists


_CODE = r"""(?:'(-?\w+)'|"(-?\w+)"|(-?\d+))"""
_EQUALS = re.compile(r"^\$\{(\w+)\}\s*=\s*" + _CODE + "$")
_SELECTED = re.compile(r"^selected\(\s*\$\{(\w+)\}\s*,\s*" + _CODE + r"\s*\)$")
_BOUND = re.compile(r"^\.\s*(>=|<=|>|<)\s*(-?\d+)$")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*(<=|<)\s*(\d+)$")


class _Body:
    """Reads the survey sheet into sections and questions."""

    def __init__(self, reader: _Reader, lists: dict[str, _List], default: str):
        self.reader, self.lists, self.default = reader, lists, default
        self.codes: dict[str, dict[str, int]] = {}  # question → choice name → code, for conditions

    def read(self, survey: list[_Row]) -> dict[str, Any]:
        sections: list[dict[str, Any]] = []
        loose: list[Any] = []  # questions outside any group, before the next group
        current: dict[str, Any] | None = None
        block: tuple[_Row, str, list[dict[str, Any]]] | None = None
        grouped = any(self._type(r)[0] == "begin_group" and not r.cells.get("bolge_block") for r in survey)
        for row in survey:
            xtype, arg = self._type(row)
            if xtype == "begin_group":
                if row.cells.get("bolge_block"):
                    if block is not None:
                        self.reader.error("xlsform_nested_group", row, "type")
                    block = (row, row.cells["bolge_block"], [])
                elif current is not None:
                    self.reader.error("xlsform_nested_group", row, "type")
                else:
                    if loose:
                        sections.append({"questions": loose})
                        loose = []
                    current = self._section(row)
            elif xtype == "end_group":
                if block is not None:
                    self._include(*block, current["questions"] if current is not None else loose)
                    block = None
                elif current is not None:
                    sections.append(current)
                    current = None
                else:
                    self.reader.error("xlsform_unmatched_end", row, "type")
            elif xtype in METADATA_TYPES:
                self.reader.warn("xlsform_metadata", row, "type", value=row.cells.get("type", ""))
            else:
                question = self._question(row, xtype, arg)
                if question is None:
                    continue
                target = block[2] if block is not None else (current["questions"] if current is not None
                                                             else loose)
                target.append(question)
        if block is not None:
            self.reader.error("xlsform_unclosed_group", block[0], "type", value=block[1])
        if current is not None:
            self.reader.error("xlsform_unclosed_group", survey[-1], "type", value=current.get("id", ""))
            sections.append(current)
        if not grouped:
            return {"questions": loose}
        if loose:
            sections.append({"questions": loose})
        return {"sections": sections}

    def _type(self, row: _Row) -> tuple[str, str]:
        words = row.cells.get("type", "").strip().lower().split()
        if words[:2] in (["begin", "group"], ["end", "group"]):
            return f"{words[0]}_group", ""
        if words[:2] in (["begin", "repeat"], ["end", "repeat"]):
            return f"{words[0]}_repeat", ""
        if words[:2] in (["select", "one"], ["select", "multiple"]):
            words = [f"select_{words[1]}", *words[2:]]
        return (words[0], " ".join(words[1:])) if words else ("", "")

    def _section(self, row: _Row) -> dict[str, Any]:
        section: dict[str, Any] = {}
        name = row.cells.get("name", "")
        if name:
            section["id"] = name
        title = _text(row, "label", self.default)
        if title is not None:
            section["title"] = _text_dict(title)
        phase = row.cells.get("bolge_phase", "")
        if phase.isdigit():
            section["phase"] = int(phase)
        section["questions"] = []
        return section

    def _include(self, row: _Row, block_id: str, questions: list[dict[str, Any]], target: list[Any]) -> None:
        block = self.reader.catalogue.blocks.get(block_id)
        if block is None:
            self.reader.error("xlsform_unknown_block", row, "bolge_block", value=block_id)
            return
        if [q.get("id") for q in questions] != [q.id for q in block.questions]:
            self.reader.error("xlsform_block_differs", row, "bolge_block", value=block_id)
        target.append({"include": block_id})

    def _kind(self, row: _Row, xtype: str) -> QuestionType | None:
        named = row.cells.get("bolge_type")
        if named:
            kind = question_type(named) if named in type_names() else None
            if kind is None or kind.xlsform is None or kind.xlsform[0] != xtype:
                self.reader.error("xlsform_bad_cell", row, "bolge_type", value=named)
            return kind
        kind = _plain_type(xtype, row.cells.get("appearance", ""))
        if kind is None:
            read = sorted({t.xlsform[0] for t in question_types() if t.xlsform} | {"begin_group", "end_group"})
            self.reader.error("xlsform_unsupported_type", row, "type", value=row.cells.get("type", ""),
                              choices=", ".join(read))
        return kind

    def _question(self, row: _Row, xtype: str, arg: str) -> dict[str, Any] | None:
        qid = row.cells.get("name", "")
        kind = self._kind(row, xtype)
        if kind is None:
            return None
        if not _ID.match(qid):
            self.reader.error("xlsform_bad_name", row, "name", value=qid)
        out: dict[str, Any] = {"id": qid, "type": kind.name}
        if kind.coded:
            kind = self._options(row, out, kind, arg)
        elif arg:
            self.reader.error("xlsform_unsupported_type", row, "type", value=row.cells.get("type", ""),
                              choices=xtype)
        text = _text(row, "label", self.default)
        if text is None or not text.da:
            self.reader.error("xlsform_missing_danish", row, "label")
        out["text"] = _text_dict(text) or {"da": ""}
        hint = _text(row, "hint", self.default)
        if hint is not None:
            out["help"] = _text_dict(hint)
        required = row.cells.get("required", "").lower()
        if required in ("yes", "true", "true()", "1", "ja"):
            out["required"] = True
        elif required not in ("", "no", "false", "false()", "0", "nej"):
            self.reader.error("xlsform_bad_cell", row, "required", value=row.cells["required"])
        if row.cells.get("relevant"):
            self._condition(row, out)
        if row.cells.get("constraint"):
            self._constraint(row, out, kind)
        unit = _text(row, "bolge_unit", self.default)
        if unit is not None:
            out["unit"] = _text_dict(unit)
        for column in ("calculation", "repeat_count", "choice_filter"):
            if row.cells.get(column):
                self.reader.error("xlsform_unsupported_column", row, column, value=row.cells[column])
        return out

    def _options(self, row: _Row, out: dict[str, Any], kind: QuestionType, arg: str) -> QuestionType:
        """Read the choice list of a coded question; the type it ends up with (a scale's or its own options)."""
        words = arg.split()
        xtype = kind.xlsform[0] if kind.xlsform else ""
        if len(words) != 1:
            self.reader.error("xlsform_unsupported_type", row, "type", value=row.cells.get("type", ""),
                              choices=f"{xtype} LIST")
            return kind
        chosen = self.lists.get(words[0])
        if chosen is None:
            self.reader.error("xlsform_unknown_list", row, "type", value=words[0])
            return kind
        self.codes[out["id"]] = {name: o["code"] for name, o in zip(chosen.names, chosen.options)}
        scale = self.reader.catalogue.scales.get(chosen.name)
        if scale is not None and chosen.name != f"{out['id']}__options":
            if _options_of(scale) != chosen.options:
                self.reader.error("xlsform_scale_differs", chosen.row, "list_name", value=chosen.name)
            if getattr(kind, "default_scale", None) != chosen.name:
                out["scale"] = chosen.name
            return kind
        if "options" not in kind.keys:  # a type that takes only scales: the plain type of its XLSForm type
            plain = next((t for t in _types_for(xtype) if "options" in t.keys), kind)
            self.reader.warn("xlsform_own_options", row, "type", value=words[0], type=kind.name, plain=plain.name)
            out["type"], kind = plain.name, plain
        out["options"] = [dict(o) for o in chosen.options]
        return kind

    def _condition(self, row: _Row, out: dict[str, Any]) -> None:
        expression = row.cells["relevant"].strip()
        question, codes = None, []
        for part in re.split(r"\s+or\s+", expression):
            part = part.strip().strip("()") if part.count("(") != part.count(")") else part.strip()
            found = _EQUALS.match(part) or _SELECTED.match(part)
            if found is None or (question is not None and found.group(1) != question):
                self.reader.error("xlsform_bad_relevant", row, "relevant", value=expression)
                return
            question = found.group(1)
            name = next(g for g in found.groups()[1:] if g is not None)
            code = self.codes.get(question, {}).get(name)
            if code is None and re.fullmatch(r"-?\d+", name) and question not in self.codes:
                code = int(name)  # a question not (yet) read: the check of the file reports it
            if code is None:
                self.reader.error("xlsform_bad_relevant", row, "relevant", value=expression)
                return
            codes.append(code)
        out["show_if"] = ({"question": question, "equals": codes[0]} if len(codes) == 1
                          else {"question": question, "in": codes})

    def _constraint(self, row: _Row, out: dict[str, Any], kind: QuestionType) -> None:
        expression = row.cells["constraint"].strip()
        for part in re.split(r"\s+and\s+", expression):
            bound, length = _BOUND.match(part.strip()), _LENGTH.match(part.strip())
            if bound and "min" in kind.keys:
                op, value = bound.group(1), int(bound.group(2))
                key = "min" if op.startswith(">") else "max"
                out[key] = value + (1 if op == ">" else -1 if op == "<" else 0)
            elif length and "max_length" in kind.keys:
                out["max_length"] = int(length.group(2)) - (1 if length.group(1) == "<" else 0)
            else:
                self.reader.error("xlsform_bad_constraint", row, "constraint", value=expression)
                return


def _options_of(scale: Scale) -> list[dict[str, Any]]:
    return [{"code": o.code, "da": o.label.da, **({"en": o.label.en} if o.label.en else {}),
             **({"missing": True} if o.missing else {})} for o in scale.options]


def sheet_tables(rows: Mapping[str, list[dict[str, str]]]) -> dict[str, list[list[str]]]:
    """Rows of column → text (as `to_sheets` gives them) as tables with a header row, as a file reads."""
    tables = {}
    for name, sheet in rows.items():
        columns = list(dict.fromkeys(key for row in sheet for key in row))
        tables[name] = [columns] + [[row.get(c, "") for c in columns] for row in sheet]
    return tables
