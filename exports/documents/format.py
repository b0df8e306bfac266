"""A table cell as a document prints it: by the cell's kind (its column's, or a Typed value's), hidden cells
as the anonymity rule's label, nothing for a figure that does not exist."""
from __future__ import annotations

from typing import Any

from exports.anonymity import SUPPRESSED_LABEL
from exports.documents import numbers
from exports.documents.words import say
from exports.tables import SUPPRESSED, Column, cell_kind

NUMERIC_KINDS = frozenset({"int", "pct", "mean", "pp", "diff", "p"})


def cell_text(column: Column, value: Any, language: str = "da") -> str:
    if value is SUPPRESSED:
        return say(SUPPRESSED_LABEL, language)
    value, kind = cell_kind(column, value)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str):
        return say(value, language)
    if kind == "int":
        return numbers.count(value, language)
    if kind == "pct":
        return numbers.share(value, language)
    if kind == "mean":
        return numbers.mean(value, language)
    if kind == "pp":
        return numbers.points(value, language)
    if kind == "diff":
        return numbers.points(value, language, 2)
    if kind == "p":
        return numbers.mean(value, language)
    if kind == "date":
        return value.strftime("%d.%m.%Y")
    if kind == "datetime":
        return value.strftime("%d.%m.%Y %H:%M")
    return str(value)


def is_numeric(column: Column, value: Any = None) -> bool:
    return cell_kind(column, value)[1] in NUMERIC_KINDS if value is not None else column.kind in NUMERIC_KINDS
