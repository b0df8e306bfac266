"""A municipality under the threshold for one question only: its answers to that question stay hidden."""
from __future__ import annotations

import openpyxl
import pandas as pd

from exports.survey import SurveyExporter
from tests.exports.builders import question_sheet, respondents, survey


def _data_sheet(path) -> pd.DataFrame:
    book = openpyxl.load_workbook(path, read_only=True)
    header = next(i for i, row in enumerate(book["Data"].iter_rows(values_only=True)) if row[0] == "Bølge")
    book.close()
    return pd.read_excel(path, sheet_name="Data", header=header)


def _export(tmp_path):
    # Aalborg: 6 responses, only 3 give a number of months; Thisted and Hjørring: 6 each, all answer.
    aalborg = [{"grad": 4, "maaneder": m} for m in (30, 31, 32)] + [{"grad": 2}] * 3
    others = [{"grad": 3, "maaneder": 5}] * 6
    rows = respondents(1, 1, 1, aalborg) + respondents(1, 3, 100, others) + respondents(1, 4, 200, others)
    path = tmp_path / "few.xlsx"
    exporter = SurveyExporter(survey(rows))
    exporter.write_xlsx(path)
    exporter.write_csvs(path)
    return path


def test_the_question_table_hides_the_municipality(tmp_path):
    path = _export(tmp_path)
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[question_sheet(book, 3)].iter_rows(values_only=True))
    aalborg = [r for r in rows if r[0] == "Aalborg"]
    assert aalborg and all("skjult" in r for r in aalborg)


def test_the_data_sheet_does_not_show_its_answers_to_that_question(tmp_path):
    data = _data_sheet(_export(tmp_path))
    aalborg = data[data["Kommune"] == "Aalborg"]
    assert len(aalborg) == 6
    assert set(aalborg["maaneder"]) == {"skjult"}  # answered or not: the count of answers is hidden too
    assert set(aalborg["grad"]) == {4, 2}  # the wave's other questions still show
    # The complementary group for this question is hidden the same way; the third stays.
    assert (data.loc[data["Kommune"] != "Aalborg", "maaneder"] == "skjult").sum() == 6
    assert (data["maaneder"] == 5).sum() == 6


def test_the_long_csv_leaves_out_those_answers(tmp_path):
    path = _export(tmp_path)
    csv = pd.read_csv(path.with_name("few-svar.csv"), sep=";", encoding="utf-8-sig")
    months = csv[csv["spørgsmål"] == "maaneder"]
    assert "Aalborg" not in set(months["kommune"])
    assert not set(months["tal"]) & {30, 31, 32}
    assert len(csv[(csv["spørgsmål"] == "grad") & (csv["kommune"] == "Aalborg")]) == 6


def test_free_text_of_the_merged_group_is_in_alphabetical_order_not_by_municipality(tmp_path):
    # Læsø (2) and Thisted (3) are hidden; Læsø's texts would come first if listed by municipality.
    rows = (respondents(1, 1, 1, [{"grad": 3}] * 8) + respondents(1, 2, 50, [{"kommentar": t} for t in ("x", "y")])
            + respondents(1, 3, 60, [{"kommentar": t} for t in ("a", "m", "b", "z")]))
    path = tmp_path / "text.xlsx"
    SurveyExporter(survey(rows)).write_xlsx(path)
    book = openpyxl.load_workbook(path, read_only=True)
    listed = [r for r in book["Fritekst"].iter_rows(values_only=True) if r[2] == "Øvrige (skjult)"]
    assert [r[3] for r in listed] == ["a", "b", "m", "x", "y", "z"]
    assert {r[0] for r in listed} == {4}  # the question's number, not its id


def test_the_long_csv_writes_codes_and_numbers_as_integers(tmp_path):
    rows = respondents(1, 1, 1, [{"grad": 5, "maaneder": 3, "kanal": [1]}] * 6)
    path = tmp_path / "codes.xlsx"
    SurveyExporter(survey(rows)).write_csvs(path)
    lines = path.with_name("codes-svar.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1:4] == ["Bølge 1;Aalborg;1;grad;5;;;", "Bølge 1;Aalborg;1;kanal;1;;;", "Bølge 1;Aalborg;1;maaneder;;3;;"]


def test_a_wave_without_responses_reads_zero_for_the_network_as_for_the_municipalities(tmp_path):
    from tests.exports.builders import wave

    data = survey(respondents(1, 1, 1, [{"grad": 4}] * 6), waves=[wave(1, "Bølge 1"), wave(2, "Bølge 2")])
    table = next(SurveyExporter(data).question_tables())
    n_rows = {row[0]: row[3:5] for row in table.rows if row[1] == "N (besvarelser)"}
    assert n_rows["Netværket i alt"] == [6, 0]
    assert n_rows["Aalborg"] == [6, 0]
