"""Row-level outputs reveal no order and no lone response; free text and charts follow the same rule."""
from __future__ import annotations

import csv

import openpyxl
from scipy.stats import spearmanr

from exports.chart_style import describe
from exports.survey import SurveyExporter
from tests.exports.builders import question_sheet, respondents, survey, wave


def _rows(path, sheet: str, first: str) -> list[dict]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    at = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return [dict(zip(rows[at], r)) for r in rows[at + 1:] if any(v is not None for v in r)]


def _export(tmp_path, data, name="rows"):
    path = tmp_path / f"{name}.xlsx"
    exporter = SurveyExporter(data)
    exporter.write_xlsx(path)
    exporter.write_csvs(path)
    with open(path.with_name(f"{name}-svar.csv"), encoding="utf-8-sig", newline="") as f:
        return path, list(csv.DictReader(f, delimiter=";"))


def test_data_and_csv_rows_do_not_follow_the_order_of_answering(tmp_path):
    # 100 responses answered in this order (ids rising); the answers rise with time too, so that a sheet
    # sorted by its answers would give the order away as well.
    answers = [{"grad": 1 + i * 5 // 100, "maaneder": i % 37, "kommentar": f"svar {i:03d}"} for i in range(100)]
    # the two municipalities' advisers answer in turn (a municipality is a column: its block is no secret)
    rows = [row for i, a in enumerate(answers) for row in respondents(1, 1 if i % 3 else 3, i + 1, [a])]
    path, long = _export(tmp_path, survey(rows))
    data = _rows(path, "Data", "Bølge")
    assert len(data) == 100
    submitted = [int(r["kommentar"].split()[1]) for r in data]
    rho = spearmanr(range(len(submitted)), submitted).statistic
    assert abs(rho) < 0.3, rho
    texts = [(int(r["besvarelse"]), int(r["tekst"].split()[1])) for r in long if r["spørgsmål"] == "kommentar"]
    numbers, order = zip(*sorted(texts))
    assert abs(spearmanr(numbers, order).statistic) < 0.3
    within = [int(r["kommentar"].split()[1]) for r in data if r["Kommune"] == "Aalborg"]
    assert abs(spearmanr(range(len(within)), within).statistic) < 0.3  # not even within a municipality


def test_a_lone_response_never_appears_at_row_level(tmp_path):
    one = respondents(1, 1, 1, [{"grad": 5, "maaneder": 17, "kommentar": "kun mig"}])
    path, long = _export(tmp_path, survey(one), "one")
    assert _rows(path, "Data", "Bølge") == []
    assert long == []
    assert all(r["Svar"] != "kun mig" for r in _rows(path, "Fritekst", "Spørgsmål"))
    table = _rows(path, question_sheet(openpyxl.load_workbook(path, read_only=True), 1), "Gruppe")
    assert {r["Bølge 1 (antal)"] for r in table if r["Gruppe"] == "Netværket i alt"} <= {"skjult", None}


def test_a_lone_response_of_a_wave_stays_out_while_the_other_wave_is_listed(tmp_path):
    rows = respondents(1, 1, 1, [{"grad": 3}] * 6) + respondents(2, 1, 50, [{"grad": 5, "kommentar": "alene"}])
    path, long = _export(tmp_path, survey(rows, waves=[wave(1, "Bølge 1"), wave(2, "Bølge 2")]), "two")
    data = _rows(path, "Data", "Bølge")
    assert {r["Bølge"] for r in data} == {"Bølge 1"} and len(data) == 6
    assert {r["bølge"] for r in long} == {"Bølge 1"}


def test_free_text_of_a_group_under_the_threshold_for_the_question_is_not_under_its_name(tmp_path):
    # Aalborg and Thisted have 8 responses each; only 2 in Thisted write a comment, 6 in Aalborg.
    rows = (respondents(1, 1, 1, [{"grad": 3, "kommentar": f"a{i}"} for i in range(6)] + [{"grad": 3}] * 2)
            + respondents(1, 3, 100, [{"grad": 4, "kommentar": "thisted-tekst"}] * 2 + [{"grad": 4}] * 6)
            + respondents(1, 4, 200, [{"grad": 2, "kommentar": f"h{i}"} for i in range(7)] + [{"grad": 2}]))
    path, long = _export(tmp_path, survey(rows), "text")
    texts = _rows(path, "Fritekst", "Spørgsmål")
    assert {r["Kommune"] for r in texts if r["Svar"] == "thisted-tekst"} == {"Øvrige (skjult)"}
    assert {r["kommune"] for r in long if r["tekst"] == "thisted-tekst"} == set()
    data = _rows(path, "Data", "Bølge")
    assert {r["kommentar"] for r in data if r["Kommune"] == "Thisted"} == {"skjult"}
    assert len([r for r in texts if r["Kommune"] == "Hjørring"]) == 7  # large enough: under its name


def test_an_empty_wave_reads_apart_from_a_hidden_one_in_a_charts_description():
    text = describe(["Bølge 1", "Bølge 2", "Bølge 3"], [("Slet ikke", [0.5, None, "hidden"])], "skjult",
                    lambda v: f"{v * 100:.0f} %")
    assert text == "Bølge 1: Slet ikke 50 %; Bølge 2: Slet ikke –; Bølge 3: Slet ikke skjult"
