"""Workbooks written without an app or a database: injection, control characters, types, limits, names."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from exports.survey import SurveyExporter
from exports.tables import Column, Table
from exports.workbook import SheetNames, WorkbookWriter
from tests.exports.builders import question_sheet, respondents, survey, wave

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "\t=1", "{=1+1}"]


def _find(sheet, first: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == first)


@pytest.fixture
def injected(tmp_path):
    answers = [{"grad": 4, "kanal": [1], "maaneder": -5, "kommentar": text} for text in INJECTIONS]
    answers += [{"grad": 5, "kanal": [2, 3], "maaneder": 3, "kommentar": "styr\x0bpå\x00det"}]
    data = survey(respondents(1, 1, 1, answers))
    path = tmp_path / "injected.xlsx"
    SurveyExporter(data).write_xlsx(path)
    return path


def test_formula_like_answers_come_out_as_text_with_every_character_kept(injected):
    sheet = openpyxl.load_workbook(injected)["Fritekst"]
    header = _find(sheet, "Spørgsmål")
    cells = [sheet.cell(r, 4) for r in range(header + 1, sheet.max_row + 1)]
    texts = {c.value for c in cells}
    assert all(c.data_type == "s" for c in cells)
    for text in INJECTIONS:
        assert "'" + text in texts
    assert "styr\ufffdpå\ufffddet" in texts


def test_data_sheet_keeps_numbers_as_numbers_and_text_as_text(injected):
    sheet = openpyxl.load_workbook(injected)["Data"]
    header = _find(sheet, "Bølge")
    names = [c.value for c in sheet[header]]
    months = [sheet.cell(r, names.index("maaneder") + 1) for r in range(header + 1, sheet.max_row + 1)]
    assert sorted(c.value for c in months).count(-5) == len(INJECTIONS)  # rows are shuffled: count them
    assert all(c.data_type == "n" for c in months)
    comments = [sheet.cell(r, names.index("kommentar") + 1) for r in range(header + 1, sheet.max_row + 1)]
    assert all(c.data_type == "s" for c in comments)
    assert {c.value for c in comments} >= {"'" + t for t in INJECTIONS}


def test_no_cell_anywhere_holds_a_formula(injected):
    book = openpyxl.load_workbook(injected)
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_long_csv_is_formula_safe_too(injected, tmp_path):
    (csv,) = SurveyExporter(survey(respondents(1, 1, 1, [{"kommentar": t} for t in INJECTIONS]))).write_csvs(
        tmp_path / "x.xlsx")
    frame = pd.read_csv(csv, sep=";", encoding="utf-8-sig", keep_default_na=False)
    assert set(frame["tekst"]) == {"'" + t for t in INJECTIONS}


def test_multiple_choice_shares_are_of_respondents_and_number_questions_get_a_mean(tmp_path):
    answers = [{"kanal": [1, 2], "maaneder": 2}, {"kanal": [1], "maaneder": 6}, {"kanal": [3], "maaneder": 4},
               {"kanal": [1, 3], "maaneder": 9}, {"kanal": [2], "maaneder": 4}]
    data = survey(respondents(1, 1, 1, answers))
    path = tmp_path / "mc.xlsx"
    SurveyExporter(data).write_xlsx(path)
    book = openpyxl.load_workbook(path)
    sheet = book[question_sheet(book, 2)]
    header = _find(sheet, "Gruppe")
    rows = {sheet.cell(r, 2).value: [sheet.cell(r, c).value for c in (4, 5)] for r in range(header + 1, header + 5)}
    assert rows["Telefon"] == [3, pytest.approx(3 / 5)]
    assert rows["Mail"] == [2, pytest.approx(2 / 5)]
    assert rows["Møde"] == [2, pytest.approx(2 / 5)]
    months = book[question_sheet(book, 3)]
    header = _find(months, "Gruppe")
    means = {months.cell(r, 2).value: months.cell(r, 5).value for r in range(header + 1, header + 3)}
    assert means["Gennemsnit"] == pytest.approx(5.0)
    data_sheet = book["Data"]
    header = _find(data_sheet, "Bølge")
    names = [c.value for c in data_sheet[header]]
    chosen = {tuple(data_sheet.cell(header + r, names.index(n) + 1).value for n in ("kanal_1", "kanal_2", "kanal_3"))
              for r in range(1, 6)}
    assert (1, 1, 0) in chosen  # answered the question, did not choose Møde: 0, not empty (rows are shuffled)


def test_a_question_with_too_few_answers_is_hidden_even_when_the_wave_is_large_enough(tmp_path):
    answers = [{"grad": 4, "maaneder": 3}, {"grad": 4, "maaneder": 5}] + [{"grad": 2}] * 6
    path = tmp_path / "few.xlsx"
    SurveyExporter(survey(respondents(1, 1, 1, answers))).write_xlsx(path)
    book = openpyxl.load_workbook(path)
    months = book[question_sheet(book, 3)]
    header = _find(months, "Gruppe")
    assert months.cell(header + 1, 4).value == "skjult"  # N
    assert months.cell(header + 2, 5).value == "skjult"  # mean
    grad = book[question_sheet(book, 1)]
    header = _find(grad, "Gruppe")
    assert grad.cell(header + 4, 4).value == 2  # "I nogen grad": the wave's own table still shows


def test_a_table_longer_than_a_sheet_continues_on_new_sheets_with_every_row(tmp_path):
    rows = [[i, f"række {i}"] for i in range(25)]
    table = Table("Data", "Data", [Column("Nr", "int"), Column("Tekst")], rows)
    path = tmp_path / "split.xlsx"
    writer = WorkbookWriter(path, max_rows=10)  # title, blank row, header: 7 data rows per sheet
    names = writer.add_table(table)
    writer.close()
    assert names == ["Data", "Data (2)", "Data (3)", "Data (4)"]
    book = openpyxl.load_workbook(path)
    seen = []
    for name in names:
        sheet = book[name]
        assert sheet.max_row <= 10
        assert sheet.freeze_panes == "A4"
        seen += [sheet.cell(r, 1).value for r in range(4, sheet.max_row + 1)]
    assert seen == list(range(25))


def test_whole_numbers_show_as_written_and_the_rest_keep_their_number_format(tmp_path):
    rows = [[3, 3, 0.25], [-7, 123_456_789_012, 0.5], [2.5, 0, 1], [None, 10**11 - 1, 0]]
    table = Table("Tal", "Tal", [Column("Kode", "int"), Column("Antal", "int"), Column("Andel", "pct")], rows)
    path = tmp_path / "tal.xlsx"
    writer = WorkbookWriter(path)
    writer.add_table(table)
    writer.close()
    sheet = openpyxl.load_workbook(path)["Tal"]
    cells = [[sheet.cell(r, c) for c in (1, 2, 3)] for r in range(4, 8)]
    assert [[cell.value for cell in row] for row in cells] == rows
    # A code or count shows the same in the General format; a fraction or a 12-digit number keeps "0",
    # and a share keeps its percent format even when it is a whole number.
    assert [[cell.number_format for cell in row] for row in cells] == [
        ["General", "General", "0.0%"], ["General", "0", "0.0%"], ["0", "General", "0.0%"],
        ["General", "General", "0.0%"]]


def test_the_overview_says_when_the_data_sheet_was_split(tmp_path):
    data = survey(respondents(1, 1, 1, [{"grad": 3}] * 30))
    exporter = SurveyExporter(data, max_rows=12)
    path = tmp_path / "split.xlsx"
    names = exporter.write_xlsx(path)
    assert "Data (2)" in names
    overview = openpyxl.load_workbook(path)["Oversigt"]
    notes = " ".join(str(overview.cell(r, 1).value) for r in range(1, 6))
    assert "delt over" in notes and "CSV" in notes


def test_sheet_names_are_valid_and_unique():
    names = SheetNames()
    made = [names.make(n) for n in ["Data", "data", "a/b:c*d?[e]\\f", "x" * 40, "x" * 40, "'quoted'"]]
    assert made[0] == "Data" and made[1] == "data (2)"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in made)
    assert len({n.lower() for n in made}) == len(made)


def test_libreoffice_opens_a_workbook_with_injections_and_control_characters(injected, tmp_path):
    from tests.conftest import skip_or_fail

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        skip_or_fail("LibreOffice (soffice) is not installed")
    out = tmp_path / "lo"
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "csv", "--outdir", str(out), str(injected)], capture_output=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    assert (out / "injected.csv").stat().st_size > 0


def test_a_failing_export_leaves_no_file_behind(tmp_path, monkeypatch):
    from exports import workbook
    from exports.base import Exporter

    class Simple(Exporter):
        def tables(self):
            yield Table("Ok", "Ok", [Column("A")], [["a"]])

    def broken_close(self) -> None:
        Path(self.book.filename).write_bytes(b"PK\x03\x04 half a zip")  # as a full disk would leave it
        raise OSError("No space left on device")

    monkeypatch.setattr(workbook.WorkbookWriter, "close", broken_close)
    path = tmp_path / "broken.xlsx"
    with pytest.raises(OSError):
        Simple().write_xlsx(path)
    assert list(tmp_path.iterdir()) == []


def test_a_number_questions_change_in_mean_gets_welchs_test(tmp_path):
    from statistics import mean, stdev

    from scipy import stats

    first = [2, 4, 3, 5, 4, 3, 2, 4, 3, 5]
    second = [6, 7, 5, 8, 6, 9, 7, 6, 8, 7]
    rows = respondents(1, 1, 1, [{"maaneder": m} for m in first])
    rows += respondents(2, 1, 100, [{"maaneder": m} for m in second])
    data = survey(rows, waves=[wave(1, "Bølge 1"), wave(2, "Bølge 2")])
    path = tmp_path / "welch.xlsx"
    SurveyExporter(data).write_xlsx(path)
    sheet = openpyxl.load_workbook(path)[question_sheet(openpyxl.load_workbook(path), 3)]
    header = _find(sheet, "Gruppe")
    names = [c.value for c in sheet[header]]
    row = next(r for r in range(header + 1, sheet.max_row + 1) if sheet.cell(r, 2).value == "Gennemsnit")
    p = sheet.cell(row, names.index("p-værdi Bølge 1 → Bølge 2") + 1).value
    reference = stats.ttest_ind(first, second, equal_var=False).pvalue
    assert p == pytest.approx(reference, rel=1e-9)
    assert stats.ttest_ind_from_stats(mean(first), stdev(first), 10, mean(second), stdev(second), 10,
                                      equal_var=False).pvalue == pytest.approx(reference)
    assert sheet.cell(row, names.index("Vurdering Bølge 1 → Bølge 2") + 1).value == "signifikant (p < 0,05)"


def test_rows_written_whole_are_the_same_cells_as_rows_written_cell_by_cell(tmp_path):
    """`Table.ready` rows go to the sheet as one row: the sheet's XML is the same byte for byte."""
    import zipfile

    from exports.tables import SUPPRESSED

    rows = [["Bølge 1", "Aalborg", 1, 3, None, 0, 10**10], ["Bølge 1", "Øvrige (skjult)", 2, None, 9, 1, -7],
            ["Bølge 2", "Thisted", 3, SUPPRESSED, 2, None, 10**12], ["Bølge 2", "=Læsø", 4, 1, 2.5, 1, 3]]
    columns = [Column("Bølge"), Column("Kommune"), Column("Besvarelse", "int"),
               *(Column(f"q{i}", "int") for i in range(4))]
    written = []
    for ready in (None, lambda row: row[1] != "=Læsø" and row[3] is not SUPPRESSED and type(row[4]) is not float):
        path = tmp_path / f"{'whole' if ready else 'cells'}.xlsx"
        writer = WorkbookWriter(path)
        writer.add_table(Table("Data", "Data", columns, rows, ["En note."], ready=ready))
        writer.close()
        with zipfile.ZipFile(path) as book:
            written.append(book.read("xl/worksheets/sheet1.xml"))
    assert written[0] == written[1]
    assert b"Aalborg" in written[0] and b"'=L" in written[0]
