"""One comparability rule: a question of the shared LÆ265 block reworded between two versions is not compared
in any output of a survey or of a supervision questionnaire that includes the block; its unchanged
neighbours still are."""
from __future__ import annotations

import io
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import docx
import pytest

from app.extensions import db
from app.questionnaires.service import latest_version, read_catalogue, store_catalogue
from tests.results.conftest import read_table
from tests.results.factory import add_records, add_responses, make_round, make_wave, municipality_ids
from tests.results.test_anonymous_answers import _download

ROOT = Path(__file__).resolve().parents[2]
TILSYN, SURVEY = "revalidering-tilsyn", "lae265-survey"
OLD = "Skønnes der tvivl om, hvorvidt det lægelige dokumentationsgrundlag er tilstrækkeligt"
NEW = "Er der tvivl om, hvorvidt det lægelige grundlag er tilstrækkeligt"
SURVEY_YAML = """questionnaire:
  id: lae265-survey
  version: 1
  kind: survey
  audience: adviser
  experiment: revalidering-bevillingsgrundlag
  title: {da: "Rådgivernes vurdering af LÆ265", en: "The advisers' view of LÆ265"}
questions:
  - include: lae265
"""
CASE = {"lae265_uden": 1, "lae265_egen_laege": 1, "lae265_tvivl": 2, "lae265_forlaenget": 2,
        "lae265_indhentet": 2}
SECOND = {"lae265_uden": 2, "lae265_tvivl": 1, "lae265_forlaenget": 1, "lae265_indhentet": 1}


@pytest.fixture
def reworded(app, tmp_path):
    """Round Juli 2019 and wave Januar 2019 on version 1; the block reworded; Juli 2020 and Sommer 2020 on 2."""
    copy = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", copy)
    (copy / f"{SURVEY}.yaml").write_text(SURVEY_YAML, encoding="utf-8")
    app.config["QUESTIONNAIRES_DIR"] = copy
    with app.app_context():
        store_catalogue(read_catalogue())
        ids = municipality_ids()
        places = [ids["aalborg"], ids["thisted"]]
        first = make_round(TILSYN, "Juli 2019", date(2019, 7, 1), date(2019, 7, 31), places)
        wave = make_wave(SURVEY, "Januar 2019", datetime(2019, 1, 7, tzinfo=timezone.utc), places)
        for m in places:
            add_records(TILSYN, first, m, [CASE] * 3 + [SECOND] * 3)
            add_responses(wave, m, [CASE] * 3 + [SECOND] * 3, slug=SURVEY)
        db.session.commit()
    block = copy / "shared" / "lae265-tilsyn.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace(OLD, NEW, 1), encoding="utf-8")
    with app.app_context():
        store_catalogue(read_catalogue())
        assert latest_version(TILSYN).version == 2 and latest_version(SURVEY).version == 2
        second = make_round(TILSYN, "Juli 2020", date(2020, 7, 1), date(2020, 7, 31), places)
        wave = make_wave(SURVEY, "Sommer 2020", datetime(2020, 6, 1, tzinfo=timezone.utc), places,
                         version=latest_version(SURVEY))
        for m in places:
            add_records(TILSYN, second, m, [CASE] * 1 + [SECOND] * 5)
            add_responses(wave, m, [CASE] * 1 + [SECOND] * 5, slug=SURVEY, version=latest_version(SURVEY))
        db.session.commit()


def _sheet(book_path: Path, number: int) -> str:
    import openpyxl

    return next(n for n in openpyxl.load_workbook(book_path, read_only=True).sheetnames if n.startswith(f"{number}. "))


def _notes(book_path: Path, sheet: str) -> str:
    import openpyxl

    rows = openpyxl.load_workbook(book_path, read_only=True)[sheet].iter_rows(max_row=12, values_only=True)
    return " ".join(str(r[0]) for r in rows if r and r[0])


def test_a_reworded_block_question_is_compared_nowhere(app, client, reworded, make_user, login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    # -- supervision: workbook ------------------------------------------------------------------------
    book = tmp_path / "tilsyn.xlsx"
    book.write_bytes(_download(client, "supervision", TILSYN)["xlsx"])
    change = "Ændring Juli 2019 → Juli 2020 (procentpoint)"
    compare = read_table(book, "Sammenligning", "Spørgsmål")
    tvivl = compare[compare["Spørgsmål"].str.startswith("3. ")]
    options = tvivl[tvivl["Kode"].notna()]
    assert len(options) and set(options[change]) == {"ikke sammenlignelig"}
    assert options["Signifikant Juli 2019 → Juli 2020"].isna().all()
    uden = compare[compare["Spørgsmål"].str.startswith("1. ") & compare["Kode"].notna()]
    assert uden[change].map(lambda v: isinstance(v, (int, float))).all()  # unchanged: compared
    notes = _notes(book, "Sammenligning")
    assert "fra og med Juli 2020 (før: Juli 2019)" in notes
    sheet = _sheet(book, 3)
    assert sheet.startswith("3. Er der tvivl")
    sheet_notes = _notes(book, sheet)
    assert OLD in sheet_notes and NEW in sheet_notes and "(Juli 2019)" in sheet_notes and "(Juli 2020)" in sheet_notes
    assert "fra og med Juli 2020" in sheet_notes
    comparability = read_table(book, "Sammenlignelighed", "Spørgsmål").set_index("Spørgsmål")
    assert [v for k, v in comparability["Sammenlignelig"].items() if k.startswith("3. ")] == ["Nej"]
    assert [v for k, v in comparability["Sammenlignelig"].items() if k.startswith("1. ")] == ["Ja"]
    codebook = read_table(book, "Kodebog", "Nr.")
    wording = set(codebook.loc[codebook["Variabel"] == "lae265_tvivl", "Spørgsmål"])
    assert len(wording) == 1 and OLD in wording.pop()
    # -- supervision: page ----------------------------------------------------------------------------
    page = client.get(f"/resultater/tilsyn/{TILSYN}").get_data(as_text=True)
    section = page.split('id="q-3"')[1].split("</section>")[0]
    assert "ikke sammenlignelig" in section and "fra og med Juli 2020 (før: Juli 2019)" in section
    assert "ikke sammenlignelig" not in page.split('id="q-1"')[1].split("</section>")[0]
    # -- supervision: Bilag 1 -------------------------------------------------------------------------
    report = docx.Document(io.BytesIO(_download(client, "report-supervision", TILSYN)["docx"]))
    text = "\n".join(p.text for p in report.paragraphs)
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    assert "fra og med Juli 2020 (før: Juli 2019)" in text
    assert "ikke sammenlignelig" in cells
    # -- survey: workbook, page, Bilag 2 --------------------------------------------------------------
    survey = tmp_path / "survey.xlsx"
    survey.write_bytes(_download(client, "survey", SURVEY)["xlsx"])
    wave_change = "Ændring Januar 2019 → Sommer 2020 (procentpoint)"
    table = read_table(survey, _sheet(survey, 3), "Gruppe")
    assert set(table[wave_change].dropna()) == {"ikke sammenlignelig"}
    assert "fra og med Sommer 2020 (før: Januar 2019)" in _notes(survey, _sheet(survey, 3))
    same = read_table(survey, _sheet(survey, 1), "Gruppe")
    assert "ikke sammenlignelig" not in set(same[wave_change].dropna())
    survey_page = client.get(f"/resultater/survey/{SURVEY}").get_data(as_text=True)
    assert "fra og med Sommer 2020 (før: Januar 2019)" in survey_page
    bilag2 = docx.Document(io.BytesIO(_download(client, "report-survey", SURVEY)["docx"]))
    assert "fra og med Sommer 2020 (før: Januar 2019)" in "\n".join(p.text for p in bilag2.paragraphs)
