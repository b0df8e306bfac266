"""Formula-safe, typed cell values: text never runs as a formula, control characters never abort."""
from __future__ import annotations

import re
import sys
from datetime import date, datetime
from typing import Any

# Text starting with one of these can be read as a formula by Excel or LibreOffice (CSV too).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "{=")
# The prefix is content, not an Excel "quote prefix" attribute: it survives CSV and copy-paste.
TEXT_PREFIX = "'"
# Characters XML 1.0 does not allow; a spreadsheet library either refuses them or writes a broken file.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
REPLACEMENT = "\ufffd"
EXCEL_MAX_TEXT = 32_767
TRUNCATION_MARK = " […]"


def clean_text(value: str) -> str:
    """Replace characters XML cannot hold (\\x00, \\x0b, ...) by U+FFFD; keep everything else."""
    return _ILLEGAL_XML.sub(REPLACEMENT, value)


def safe_text(value: Any) -> str:
    """Text that is written as text: cleaned, prefixed when it could start a formula, within Excel's limit."""
    text = clean_text(str(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = TEXT_PREFIX + text
    if len(text) > EXCEL_MAX_TEXT:
        text = text[: EXCEL_MAX_TEXT - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' NA/NaT."""
    if value is None:
        return True
    if isinstance(value, (str, bytes)):
        return False
    if isinstance(value, float):
        return value != value
    pd = sys.modules.get("pandas")
    if pd is None:  # only pandas makes NA and NaT: a process that never imported it holds neither
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def excel_value(value: Any) -> Any:
    """A value ready for a cell: numbers stay numbers, dates stay dates, anything else is safe text."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return excel_value(value.item())
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return value
    return safe_text(value)
