"""The demo's workbooks hold the same cell values as the snapshot committed with them.

The snapshot (`snapshots/demo_workbooks.json`) was written from the demo network before question types
and exporters moved into their registries; any change to a figure, label or layout shows here. Run this
module with BOELGE_WRITE_SNAPSHOT=1 to write the snapshot anew after a deliberate change.
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Wave

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_workbooks.json"
HISTORICAL_WAVES = ("Januar 2019", "Sommer 2020")


def _cell(value: object) -> object:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 9)
    return value


def _workbook_cells(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                for sheet in book.worksheets}
    finally:
        book.close()


def _demo_workbooks(runner, app, tmp_path: Path) -> dict[str, dict]:
    assert runner.invoke(args=["demo", "--seed", "2019"]).exit_code == 0
    with app.app_context():
        ids = db.session.scalars(select(Wave.id).where(Wave.label.in_(HISTORICAL_WAVES))
                                 .order_by(Wave.opens_at)).all()
    commands = {
        "survey": ["export", "survey", "--questionnaire", "ledighedsydelse-raadgiver",
                   "--waves", ",".join(map(str, ids))],
        "survey-aalborg": ["export", "survey", "--questionnaire", "ledighedsydelse-raadgiver",
                           "--waves", ",".join(map(str, ids)), "--municipality", "aalborg"],
        "supervision": ["export", "supervision", "--questionnaire", "revalidering-tilsyn"],
    }
    books = {}
    for name, args in commands.items():
        output = tmp_path / f"{name}.xlsx"
        result = runner.invoke(args=[*args, "-o", str(output)])
        assert result.exit_code == 0, result.output
        books[name] = _workbook_cells(output)
        csv = output.with_name(f"{output.stem}-svar.csv")
        if csv.exists():
            books[name]["(csv)"] = [[line] for line in csv.read_text(encoding="utf-8-sig").splitlines()]
    return books


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_demo_workbooks_match_the_snapshot(runner, app, tmp_path):
    books = _demo_workbooks(runner, app, tmp_path)
    if os.environ.get("BOELGE_WRITE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(books, ensure_ascii=False, indent=0), encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(books) == sorted(expected)
    for name, sheets in expected.items():
        assert list(books[name]) == list(sheets), name
        for sheet, rows in sheets.items():
            assert books[name][sheet] == rows, f"{name} / {sheet}"
