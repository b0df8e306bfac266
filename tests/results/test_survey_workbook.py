"""The survey workbook read back with openpyxl and pandas, every figure checked against an independent count."""
from __future__ import annotations

import openpyxl
import pytest

from tests.exports.builders import question_sheet
from tests.results.conftest import HIDDEN, NUMBERS, SLUG, read_table

EXTENT = {1: "Slet ikke", 2: "I mindre grad", 3: "Hverken eller", 4: "I nogen grad", 5: "I høj grad",
          9: "Ved ikke (manglende værdi)"}
QUALITY = {1: "af dårligere kvalitet", 2: "af samme kvalitet", 3: "i nogen grad af højere kvalitet",
           4: "af meget højere kvalitet", 9: "Ved ikke (manglende værdi)"}
WAVES = ["Januar 2019", "Sommer 2020"]


def _expected(answers: list[dict], question: str, codes: dict[int, str]) -> dict:
    values = [a[question] for a in answers]
    valid = [v for v in values if v != 9]
    return {
        "n": len(values),
        "counts": {c: values.count(c) for c in codes},
        "shares": {c: values.count(c) / len(values) for c in codes},
        "mean": sum(valid) / len(valid),
        "top2": sum(1 for v in valid if v in ((4, 5) if question == "ly_forenklet" else (3, 4))) / len(valid),
    }


def _group_answers(known, wave: str, group: str) -> list[dict]:
    if group == "Netværket i alt":
        return [a for answers in known.answers[wave].values() for a in answers]
    return known.answers[wave][group]


@pytest.fixture
def workbook(runner, known_survey, tmp_path):
    out = tmp_path / "survey.xlsx"
    result = runner.invoke(args=["export", "survey", "--questionnaire", SLUG, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("question,codes", [("ly_forenklet", EXTENT), ("ly_kvalitet", QUALITY)])
def test_every_count_share_mean_top2_and_change_matches_an_independent_computation(workbook, known_survey,
                                                                                   question, codes):
    table = read_table(workbook, question, "Gruppe")
    checked = 0
    for group in ["Netværket i alt", "Aalborg", "Jammerbugt", "Thisted", "Rebild"]:
        rows = table[table["Gruppe"] == group].set_index("Svarmulighed")
        expected = {w: _expected(_group_answers(known_survey, w, group), question, codes) for w in WAVES}
        for wave in WAVES:
            if group in HIDDEN[wave]:
                continue
            e = expected[wave]
            for code, label in codes.items():
                assert rows.loc[label, f"{wave} (antal)"] == e["counts"][code]
                assert rows.loc[label, f"{wave} (andel)"] == pytest.approx(e["shares"][code])
                checked += 2
            assert rows.loc["N (besvarelser)", f"{wave} (antal)"] == e["n"]
            assert rows.loc["Gennemsnit", f"{wave} (andel)"] == pytest.approx(e["mean"])
            top2 = next(label for label in rows.index if str(label).startswith("Top-2"))
            assert rows.loc[top2, f"{wave} (andel)"] == pytest.approx(e["top2"])
            checked += 3
        change = "Ændring Januar 2019 → Sommer 2020 (procentpoint)"
        if group in HIDDEN["Januar 2019"]:
            assert set(rows[change].dropna()) == {"skjult"}
            continue
        a, b = expected["Januar 2019"], expected["Sommer 2020"]
        for code, label in codes.items():
            assert rows.loc[label, change] == pytest.approx((b["shares"][code] - a["shares"][code]) * 100)
        assert rows.loc["Gennemsnit", change] == pytest.approx(b["mean"] - a["mean"])
        top2 = next(label for label in rows.index if str(label).startswith("Top-2"))
        assert rows.loc[top2, change] == pytest.approx((b["top2"] - a["top2"]) * 100)
    assert checked > 100


def test_small_municipality_and_its_complement_are_hidden_in_tables_and_data(workbook, known_survey):
    table = read_table(workbook, "ly_forenklet", "Gruppe")
    for group in ("Thisted", "Rebild"):
        cells = table.loc[table["Gruppe"] == group, ["Januar 2019 (antal)", "Januar 2019 (andel)"]]
        assert set(cells.stack().astype(str)) == {"skjult"}
    data = read_table(workbook, "Data", "Bølge")
    wave1 = data[data["Bølge"] == "Januar 2019"]
    assert set(wave1["Kommune"]) == {"Aalborg", "Jammerbugt", "Øvrige (skjult)"}
    assert (wave1["Kommune"] == "Øvrige (skjult)").sum() == 3 + 6
    assert set(data.loc[data["Bølge"] == "Sommer 2020", "Kommune"]) == {"Aalborg", "Jammerbugt", "Thisted", "Rebild"}


def test_no_hidden_count_can_be_worked_out_from_the_total_and_the_visible_cells(workbook, known_survey):
    table = read_table(workbook, "ly_forenklet", "Gruppe")
    wave = "Januar 2019 (antal)"
    for label in EXTENT.values():
        rows = table[table["Svarmulighed"] == label].set_index("Gruppe")[wave]
        hidden = [g for g, v in rows.items() if v == "skjult"]
        visible = sum(int(v) for g, v in rows.items() if g != "Netværket i alt" and v != "skjult")
        # What a reader can derive is only the hidden groups' sum, never a single one of them.
        assert len(hidden) >= 2
        derived = int(rows["Netværket i alt"]) - visible
        assert derived == sum(a["ly_forenklet"] == k for g in hidden for a in known_survey.answers["Januar 2019"][g]
                              for k, v in EXTENT.items() if v == label)
    sizes = {g: len(a) for g, a in known_survey.answers["Januar 2019"].items()}
    assert sum(sizes[g] for g in HIDDEN["Januar 2019"]) >= 5


def test_overview_has_invited_answered_and_rate_per_municipality_and_total(workbook, known_survey):
    overview = read_table(workbook, "Oversigt", "Bølge")
    for wave in WAVES:
        rows = overview[overview["Bølge"] == wave].set_index("Kommune")
        for group, answers in known_survey.answers[wave].items():
            assert rows.loc[group, "Inviterede"] == known_survey.invited[wave][group]
            if group in HIDDEN[wave]:  # a hidden municipality's count would split the merged group's figures
                assert rows.loc[group, "Besvarelser"] == rows.loc[group, "Svarprocent"] == "skjult"
                continue
            assert rows.loc[group, "Besvarelser"] == len(answers)
            assert rows.loc[group, "Svarprocent"] == pytest.approx(len(answers) / known_survey.invited[wave][group])
        total = sum(len(a) for a in known_survey.answers[wave].values())
        assert rows.loc["Netværket i alt", "Besvarelser"] == total
    book = openpyxl.load_workbook(workbook)
    sheet = book["Oversigt"]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Bølge")
    assert sheet.cell(header + 1, 3).is_date  # opening time is a real date
    assert sheet.cell(header + 1, 3).value.hour == 8  # 07:00 UTC is 08:00 in Copenhagen in January
    assert sheet.cell(header + 1, 8).number_format == "0.0%"


def test_sheets_have_frozen_headers_filters_valid_names_and_a_chart_per_question(workbook):
    book = openpyxl.load_workbook(workbook)
    names = book.sheetnames
    assert names[0] == "Oversigt" and {"Sammenlignelighed", "Anonymitet", "Data", "Kodebog"} <= set(names)
    assert len({n.lower() for n in names}) == len(names)
    for sheet in book:
        assert len(sheet.title) <= 31 and not set(sheet.title) & set("[]:*?/\\")
        assert sheet.freeze_panes is not None
        assert sheet.auto_filter.ref
    for question in ("ly_forenklet", "ly_kvalitet"):
        charts = book[question_sheet(book, NUMBERS[question])]._charts
        assert len(charts) == 1
        assert charts[0].grouping == "percentStacked"
    data = read_table(workbook, "Kodebog", "Variabel")
    assert set(data["Variabel"]) == {"ly_forenklet", "ly_kvalitet"}
    assert "I høj grad" in set(data["Svarmulighed"])


def test_long_csv_has_one_row_per_answer(workbook, known_survey):
    import pandas as pd

    csv = pd.read_csv(workbook.with_name("survey-svar.csv"), sep=";", encoding="utf-8-sig")
    total = sum(len(a) for wave in known_survey.answers.values() for a in wave.values())
    assert len(csv) == total * 2
    assert set(csv.loc[csv["bølge"] == "Januar 2019", "kommune"]) == {"Aalborg", "Jammerbugt", "Øvrige (skjult)"}


def test_team_leader_extract_has_only_the_own_municipality_and_the_network(runner, known_survey, tmp_path):
    out = tmp_path / "aalborg.xlsx"
    result = runner.invoke(args=["export", "survey", "--questionnaire", SLUG, "--municipality", "aalborg",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = read_table(out, "ly_forenklet", "Gruppe")
    assert set(table["Gruppe"]) == {"Netværket i alt", "Aalborg"}
    data = read_table(out, "Data", "Bølge")
    assert set(data["Kommune"]) == {"Aalborg"}
    assert len(data) == 12 + 10


def test_libreoffice_opens_the_workbook(workbook, tmp_path):
    import shutil
    import subprocess

    from tests.conftest import skip_or_fail

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        skip_or_fail("LibreOffice (soffice) is not installed")
    out = tmp_path / "lo"
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "csv", "--outdir", str(out), str(workbook)],
                          capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    converted = out / "survey.csv"
    assert converted.exists() and converted.stat().st_size > 0


def test_unknown_questionnaire_is_a_clear_error_and_writes_nothing(runner, tmp_path):
    out = tmp_path / "none.xlsx"
    result = runner.invoke(args=["export", "survey", "--questionnaire", "findes-ikke", "-o", str(out)])
    assert result.exit_code != 0 and "findes-ikke" in result.output
    assert not out.exists()
