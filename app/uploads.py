"""Reading an uploaded table (CSV or Excel) into rows of text, the same for every import."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """The cells of an uploaded .xlsx or .csv (UTF-8; comma, semicolon or tab) file as stripped text."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for an unreadable file
            raise ValueError(_("Filen kan ikke læses som et Excel-ark.")) from exc
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("Filen skal være en CSV-fil i UTF-8 eller et Excel-ark (.xlsx).")) from exc
    first_line = text.split("\n", 1)[0]
    # The header decides the delimiter; a one-column list (no delimiter at all) reads as commas.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
