"""The notes above a survey question's table name only the figures the table has."""
from __future__ import annotations

import openpyxl

from exports.survey import SurveyExporter
from tests.exports.builders import question_sheet, respondents, survey

ANSWERS = [{"grad": 4, "maaneder": 6}, {"grad": 5, "maaneder": 12}, {"grad": 9, "maaneder": 3},
           {"grad": 2, "maaneder": 9}, {"grad": 4, "maaneder": 1}]


def _notes(path, number: int) -> list[str]:
    sheet = openpyxl.load_workbook(path)[question_sheet(openpyxl.load_workbook(path), number)]
    rows = [r[0] for r in sheet.iter_rows(values_only=True)]
    return [r for r in rows[2:rows.index("Gruppe")] if r]


def test_a_number_question_gets_no_share_note_and_a_scale_keeps_it(tmp_path):
    path = tmp_path / "noter.xlsx"
    SurveyExporter(survey(respondents(1, 1, 1, ANSWERS))).write_xlsx(path)
    scale, number = _notes(path, 1), _notes(path, 3)
    assert any(n.startswith("Andel = antal / N") for n in scale), scale
    assert not any("Andel" in n for n in number), number
