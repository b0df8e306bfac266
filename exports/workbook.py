"""Writers from tables to .xlsx (XlsxWriter, constant memory) and .csv; the only place that knows file formats."""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from exports.anonymity import SUPPRESSED_LABEL
from exports.cells import excel_value, is_missing, safe_text
from exports.tables import SUPPRESSED, Column, Table, Typed

EXCEL_MAX_ROWS = 1_048_576
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
FORMATS = {
    "int": {"num_format": "0"},
    "pct": {"num_format": "0.0%"},
    "mean": {"num_format": "0.00"},
    "diff": {"num_format": "+0.00;-0.00;0.00"},
    "pp": {"num_format": "+0.0;-0.0;0.0"},
    "p": {"num_format": "0.000"},
    "date": {"num_format": "dd-mm-yyyy"},
    "datetime": {"num_format": "dd-mm-yyyy hh:mm"},
}


# Integers below this show in full in Excel's General format, so "int" cells need no "0" format.
PLAIN_INT = 10**11


class SheetNames:
    """Valid, unique sheet names: at most 31 characters, none of []:*?/\\, unique ignoring case."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def make(self, wanted: str) -> str:
        base = _BAD_SHEET_CHARS.sub("_", wanted).strip().strip("'") or "Ark"
        name = base[:SHEET_NAME_MAX]
        number = 2
        while name.lower() in self._taken:
            suffix = f" ({number})"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            number += 1
        self._taken.add(name.lower())
        return name


def sheets_needed(table: Table, max_rows: int = EXCEL_MAX_ROWS) -> int:
    """How many sheets the table fills (it continues on a new sheet when one is full)."""
    capacity = max_rows - _header_row(table) - 1
    return max(1, -(-len(table) // capacity))


def _header_row(table: Table) -> int:
    return 2 + len(table.notes)  # title, notes, a blank row, then the header


class WorkbookWriter:
    """Writes tables as sheets, row by row (XlsxWriter's constant-memory mode needs row order)."""

    def __init__(self, path: str | Path, max_rows: int = EXCEL_MAX_ROWS) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "nan_inf_to_errors": True, "remove_timezone": True,
        })
        self.max_rows = max_rows
        self.names = SheetNames()
        self.formats = {kind: self.book.add_format(spec) for kind, spec in FORMATS.items()}
        self.title_format = self.book.add_format({"bold": True, "font_size": 13})
        self.header_format = self.book.add_format({"bold": True, "bg_color": "#DCE6F1", "text_wrap": True,
                                                   "valign": "top", "bottom": 1})
        self.suppressed_format = self.book.add_format({"italic": True, "font_color": "#595959",
                                                       "align": "right"})
        self.note_format = self.book.add_format({"italic": True})

    def add_table(self, table: Table, progress: Callable[[int], None] | None = None) -> list[str]:
        """Write the table; returns the sheet names it used (more than one when it passes the row limit)."""
        header = _header_row(table)
        capacity = self.max_rows - header - 1
        widths = _widths(table)
        writers = [self._cell_writer(column) for column in table.columns]
        plain = [column.kind == "int" or column.kind not in self.formats for column in table.columns]
        write_number = None
        names: list[str] = []
        sheet = None
        row_index = -1
        part = 0
        ready = table.ready
        write_row = None
        for row_index, row in enumerate(table.rows):
            if row_index % capacity == 0:
                part += 1
                sheet = self._start_sheet(table, part, widths, names, row_index, capacity)
                write_number, write_row = sheet.write_number, sheet.write_row
            r = header + 1 + row_index % capacity
            if ready is not None and ready(row):
                write_row(r, 0, row)  # the data sheet's rows: as the cell by cell path would write them
            else:
                for c, value in enumerate(row):
                    if type(value) is int and plain[c] and -PLAIN_INT < value < PLAIN_INT:
                        write_number(r, c, value)  # the hot path: a code shows the same without a number format
                    else:
                        writers[c](sheet, r, c, value)
            if progress is not None and row_index % 10_000 == 9_999:
                progress(10_000)
        if sheet is None:
            sheet = self._start_sheet(table, 1, widths, names, 0, capacity)
        last = header + ((row_index % capacity) + 1 if row_index >= 0 else 0)
        sheet.autofilter(header, 0, last, len(table.columns) - 1)
        if table.chart is not None and len(names) == 1:
            self._chart(sheet, names[0], table, header)
        return names

    def _start_sheet(self, table: Table, part: int, widths: list[float], names: list[str], first: int,
                     capacity: int):
        if names:  # close the autofilter of the full sheet before moving on
            self.book.get_worksheet_by_name(names[-1]).autofilter(
                _header_row(table), 0, _header_row(table) + capacity, len(table.columns) - 1)
        name = self.names.make(table.name if part == 1 else f"{table.name} ({part})")
        names.append(name)
        sheet = self.book.add_worksheet(name)
        title = table.title if part == 1 else f"{table.title} (fortsat, række {first + 1} og frem)"
        sheet.write_string(0, 0, safe_text(title), self.title_format)
        for i, note in enumerate(table.notes, start=1):
            sheet.write_string(i, 0, safe_text(note), self.note_format)
        header = _header_row(table)
        for c, column in enumerate(table.columns):
            sheet.write_string(header, c, safe_text(column.header), self.header_format)
            sheet.set_column(c, c, widths[c])
        sheet.set_row(header, 32)
        sheet.freeze_panes(header + 1, 0)
        return sheet

    def _cell_writer(self, column: Column) -> Callable[[Any, int, int, Any], None]:
        default = column.kind
        formats = self.formats

        def write(sheet, r: int, c: int, value: Any) -> None:
            kind = default
            if type(value) is Typed:
                value, kind = value.value, value.kind
            if value is None:
                return
            plain = type(value)
            if plain is int or plain is float:  # the hot path: codes and figures
                if value == value:  # NaN is empty
                    sheet.write_number(r, c, value, formats.get(kind))
                return
            if value is SUPPRESSED:
                sheet.write_string(r, c, SUPPRESSED_LABEL, self.suppressed_format)
                return
            if is_missing(value):
                return
            if kind in ("date", "datetime") and isinstance(value, (date, datetime)):
                sheet.write_datetime(r, c, excel_value(value), formats[kind])
                return
            cell = excel_value(value)
            if isinstance(cell, str):
                sheet.write_string(r, c, cell)
            elif isinstance(cell, (date, datetime)):
                sheet.write_datetime(r, c, cell, formats["date"])
            else:
                sheet.write_number(r, c, cell, formats.get(kind))

        return write

    def _chart(self, sheet, name: str, table: Table, header: int) -> None:
        spec = table.chart
        options = {"type": "bar"}
        if spec.kind == "percent_stacked":
            options["subtype"] = "percent_stacked"
        chart = self.book.add_chart(options)
        for index in spec.series_rows:
            r = header + 1 + index
            chart.add_series({
                "name": [name, r, spec.name_column],
                "categories": [name, header, spec.first_column, header, spec.last_column],
                "values": [name, r, spec.first_column, r, spec.last_column],
            })
        chart.set_title({"name": spec.title[:250], "name_font": {"size": 11}})
        chart.set_legend({"position": "bottom"})
        if spec.kind == "percent_stacked":
            chart.set_x_axis({"num_format": "0%"})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 620, "height": 120 + 48 * (spec.last_column - spec.first_column + 1)})
        sheet.insert_chart(header, len(table.columns) + 1, chart)

    def close(self) -> None:
        self.book.close()


def _widths(table: Table) -> list[float]:
    """Readable widths from the header and a sample of rows (between 8 and 60 characters)."""
    widths = [min(max(len(c.header) * 0.9, 8), 40) if c.width is None else c.width for c in table.columns]
    sample = table.rows[:200] if isinstance(table.rows, Sequence) else []
    for row in sample:
        for c, value in enumerate(row):
            if table.columns[c].width is not None:
                continue
            if isinstance(value, Typed):
                value = value.value
            shown = len(str(value)) if isinstance(value, str) else 10
            widths[c] = min(max(widths[c], shown + 2), 60)
    return widths


def write_csv(path: str | Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> int:
    """Write a semicolon-separated UTF-8 CSV (with BOM, so Danish Excel opens it); returns the row count."""
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([safe_text(c.header) for c in columns])
        for row in rows:
            writer.writerow([csv_value(v) for v in row])
            count += 1
    return count


BOM = "\ufeff"  # so that Danish Excel reads the file as UTF-8


def write_rows_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows whose cells are ready (`tables.CsvRows`) as the same CSV dialect, each line ending in a bare
    newline: the csv module writes them as they come, with no conversion per cell."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(BOM)  # by hand: Python's utf-8-sig encoder is called per write, in Python
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow([safe_text(h) for h in header])
        writer.writerows(rows)


def csv_value(value: Any) -> Any:
    """A cell as a CSV holds it: formula-safe text, "skjult" for a hidden cell, ISO dates, "" for empty."""
    if isinstance(value, Typed):
        value = value.value
    if value is SUPPRESSED:
        return SUPPRESSED_LABEL
    cell = excel_value(value)
    if cell is None:
        return ""
    if isinstance(cell, (date, datetime)):
        return cell.isoformat()
    return cell
