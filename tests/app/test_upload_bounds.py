"""Uploaded tables are read within bounded rows, columns and memory, whatever the file claims."""
from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from app import create_app
from app.uploads import MAX_COLUMNS, MAX_ROWS, read_table

MEMORY_BUDGET = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def bare_app():
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        yield app


def _xlsx(rows, dimension: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    # Rewrite the sheet's claimed dimension, as the attack file did.
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>'.encode(), data)
                assert dimension.encode() in data
            target.writestr(item, data)
    return out.getvalue()


def _peak_bytes(function) -> tuple[object, int]:
    tracemalloc.start()
    try:
        try:
            result = function()
        except ValueError as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_tiny_file_claiming_the_whole_sheet_is_read_as_what_it_holds(bare_app):
    content = _xlsx([["sagsnummer"], ["AAL-1"], ["AAL-2"]], dimension="A1:XFD1048576")
    assert len(content) < 10_000
    table, peak = _peak_bytes(lambda: read_table("liste.xlsx", content))
    assert table == [["sagsnummer"], ["AAL-1"], ["AAL-2"]]
    assert peak < MEMORY_BUDGET


def test_a_file_with_more_rows_than_the_limit_is_refused_with_a_clear_message(bare_app):
    content = _xlsx([["sagsnummer"]] + [[f"AAL-{i}"] for i in range(MAX_ROWS + 1)])
    result, peak = _peak_bytes(lambda: read_table("liste.xlsx", content))
    assert isinstance(result, ValueError) and f"{MAX_ROWS:,}".replace(",", ".") in str(result)
    assert peak < MEMORY_BUDGET


def test_a_file_at_the_row_limit_is_read_whole(bare_app):
    content = _xlsx([["sagsnummer"]] + [[f"AAL-{i}"] for i in range(MAX_ROWS)])
    table = read_table("liste.xlsx", content)
    assert len(table) == MAX_ROWS + 1 and table[-1] == [f"AAL-{MAX_ROWS - 1}"]


def test_rows_far_apart_are_refused_without_reading_the_gap(bare_app):
    book = Workbook()
    book.active["A1"] = "sagsnummer"
    book.active["A1000000"] = "AAL-1"
    buffer = io.BytesIO()
    book.save(buffer)
    result, peak = _peak_bytes(lambda: read_table("liste.xlsx", buffer.getvalue()))
    assert isinstance(result, ValueError) and peak < MEMORY_BUDGET


def test_a_value_beyond_the_column_limit_is_refused(bare_app):
    content = _xlsx([["sagsnummer"] + [""] * MAX_COLUMNS + ["skjult"]])
    with pytest.raises(ValueError, match="kolonner"):
        read_table("liste.xlsx", content)


def test_a_csv_with_too_many_rows_or_columns_is_refused(bare_app):
    with pytest.raises(ValueError, match="rækker"):
        read_table("liste.csv", ("sagsnummer\n" + "AAL\n" * (MAX_ROWS + 1)).encode())
    with pytest.raises(ValueError, match="kolonner"):
        read_table("liste.csv", ("sagsnummer" + ",x" * MAX_COLUMNS + "\n").encode())
