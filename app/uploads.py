"""Reading an uploaded table (CSV or Excel) into rows of text, the same for every import.

Every upload is read within fixed bounds, whatever the file claims about itself: at most MAX_ROWS
rows besides the header and MAX_COLUMNS columns. An .xlsx sheet's own `<dimension>` is ignored (a
1.6 KB file claiming A1:XFD1048576 would otherwise be padded to 17 billion cells), and the parts of
the workbook that are read whole are refused above a size that keeps reading within 50 MB.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from flask_babel import format_number
from flask_babel import gettext as _

MAX_ROWS = 20_000  # data rows, besides the header
MAX_COLUMNS = 50
# Uncompressed sizes of workbook parts: the shared strings are held in memory whole, and a worksheet
# is parsed a row at a time (a row's cells at once).
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
MAX_SHEET_BYTES = 32 * 1024 * 1024


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """The cells of an uploaded .xlsx or .csv (UTF-8; comma, semicolon or tab) file as stripped text.

    Raises ValueError with a message for the user when the file cannot be read or exceeds the bounds.
    """
    if filename.lower().endswith(".xlsx"):
        return _bounded(_xlsx_rows(content))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("Filen skal være en CSV-fil i UTF-8 eller et Excel-ark (.xlsx).")) from exc
    first_line = text.split("\n", 1)[0]
    # The header decides the delimiter; a one-column list (no delimiter at all) reads as commas.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return _bounded(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_workbook(content: bytes, names: Iterable[str], max_rows: int = MAX_ROWS) -> dict[str, list[list[str]]]:
    """The sheets `names` (any case) of an uploaded .xlsx by their names, each within the bounds of `read_table`.

    A formula is read as the text it is written with (`=1+1`), never as a value Excel worked out; a whole
    number typed as a number reads as `1`, not `1.0`. Other sheets are not read. Raises ValueError with a
    message for the user when the file cannot be read or exceeds the bounds.
    """
    wanted = {name.lower() for name in names}
    book = _open_xlsx(content, data_only=False)
    return {sheet.title: _bounded((tuple(_whole(v) for v in row) for row in _sheet_rows(sheet)), max_rows)
            for sheet in book.worksheets if sheet.title.strip().lower() in wanted}


def _whole(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _bounded(rows: Iterable, max_rows: int = MAX_ROWS) -> list[list[str]]:
    """Rows as stripped text, refused as soon as they pass max_rows + 1 or hold a value past MAX_COLUMNS."""
    table: list[list[str]] = []
    for row in rows:
        if len(table) > max_rows:
            raise ValueError(_("Filen har mere end %(n)s rækker ud over overskriften.", n=format_number(max_rows)))
        cells = ["" if v is None else str(v).strip() for v in row]
        if any(cells[MAX_COLUMNS:]):
            raise ValueError(_("Filen har mere end %(n)s kolonner.", n=format_number(MAX_COLUMNS)))
        table.append(cells[:MAX_COLUMNS])
    while table and not any(table[-1]):
        table.pop()  # empty rows at the end are no rows
    return table


def _xlsx_rows(content: bytes) -> Iterable:
    return _sheet_rows(_open_xlsx(content, data_only=True).worksheets[0])


def _open_xlsx(content: bytes, data_only: bool):
    from openpyxl import load_workbook

    unreadable = _("Filen kan ikke læses som et Excel-ark.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sizes = {item.filename: item.file_size for item in archive.infolist()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(unreadable) from exc
    if sizes.get("xl/sharedStrings.xml", 0) > MAX_SHARED_STRINGS_BYTES or any(
            size > MAX_SHEET_BYTES for name, size in sizes.items() if name.startswith("xl/worksheets/")):
        raise ValueError(_("Excel-arket er for stort til at blive læst. Gem det som CSV, eller del det op."))
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for an unreadable file
        raise ValueError(unreadable) from exc
    if not book.worksheets:
        raise ValueError(unreadable)
    return book


def _sheet_rows(sheet) -> Iterable:
    sheet.reset_dimensions()  # what the sheet claims is not read
    too_wide = ValueError(_("Filen har mere end %(n)s kolonner.", n=format_number(MAX_COLUMNS)))
    fit_row = sheet._get_row  # openpyxl 3.1 (pinned): widens each parsed row to max_col

    def bounded_row(cells, min_col=1, max_col=None, values_only=False):
        if any(cell["column"] > MAX_COLUMNS and cell["value"] not in (None, "") for cell in cells):
            raise too_wide  # seen before the row is widened, wherever in the row the value is
        return fit_row([c for c in cells if c["column"] <= MAX_COLUMNS], min_col, max_col, values_only)

    sheet._get_row = bounded_row
    return (_trimmed(row) for row in sheet.iter_rows(values_only=True))


def _trimmed(row: tuple) -> tuple:
    end = len(row)
    while end and row[end - 1] in (None, ""):
        end -= 1
    return row[:end]
