"""XLSForm in and out: every shipped questionnaire makes the round trip through a real .xlsx file unchanged,
a KoboToolbox form becomes a questionnaire, and what Bølge has no place for is refused with sheet, row
and column, all at once, from the command line and in the browser."""
from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import QuestionnaireVersion
from forms.loader import load_catalogue
from tests.conftest import ROOT, extract_csrf

SHIPPED = sorted(p.stem for p in (ROOT / "questionnaires").glob("*.yaml") if p.stem != "scales")


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(QuestionnaireVersion))


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_every_shipped_questionnaire_goes_to_xlsform_and_back_unchanged(runner, tmp_path):
    from pyxform.xls2xform import convert

    app = runner.app
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    before = _versions(app)
    for slug in SHIPPED:
        xlsx = tmp_path / f"{slug}.xlsx"
        out = runner.invoke(args=["questionnaires", "to-xlsform", slug, str(xlsx)])
        assert out.exit_code == 0, out.output
        book = load_workbook(xlsx)
        assert book.sheetnames == ["survey", "choices", "settings"]
        assert book["settings"]["B1"].value == "form_id" and book["settings"]["B2"].value == slug
        xform = convert(xlsx.read_bytes(), file_type=".xlsx").xform  # pyxform makes an XForm of it
        assert "<h:html" in xform and f'id="{slug}"' in xform
        made = tmp_path / f"{slug}.yaml"
        back = runner.invoke(args=["questionnaires", "from-xlsform", str(xlsx), str(made)])
        assert back.exit_code == 0, back.output
        source = next(p for p in folder.glob("*.yaml") if p.stem == slug)
        source.write_text(made.read_text(encoding="utf-8"), encoding="utf-8")
    original = load_catalogue(root=ROOT / "questionnaires")
    again = load_catalogue(root=folder)
    for slug in SHIPPED:
        assert again.questionnaires[slug].fingerprint == original.questionnaires[slug].fingerprint, slug
    loaded = runner.invoke(args=["questionnaires", "load", str(folder)])
    assert loaded.exit_code == 0, loaded.output
    assert "Unchanged" in loaded.output and _versions(app) == before


def test_the_xlsform_carries_conditions_blocks_units_and_both_languages(runner, tmp_path):
    xlsx = tmp_path / "r.xlsx"
    assert runner.invoke(args=["questionnaires", "to-xlsform", "revalidering-tilsyn", str(xlsx)]).exit_code == 0
    survey = list(load_workbook(xlsx)["survey"].iter_rows(values_only=True))
    header = survey[0]
    rows = [dict(zip(header, r)) for r in survey[1:]]
    assert rows[0]["type"] == "begin_group" and rows[0]["bolge_block"] == "lae265"
    egen = next(r for r in rows if r["name"] == "lae265_egen_laege")
    assert egen["relevant"] == "selected(${lae265_uden}, '1')"
    assert egen["label::Dansk (da)"].startswith("Har egen læge været inddraget")
    assert egen["label::English (en)"] and egen["type"] == "select_one yes_no" and egen["bolge_type"] == "yes_no"
    xlsx = tmp_path / "f.xlsx"
    assert runner.invoke(args=["questionnaires", "to-xlsform", "ressourceforloeb-tilsyn", str(xlsx)]).exit_code == 0
    rows = list(load_workbook(xlsx)["survey"].iter_rows(values_only=True))
    numbers = [dict(zip(rows[0], r)) for r in rows[1:] if r[rows[0].index("type")] == "integer"]
    assert numbers and all(n["bolge_unit::Dansk (da)"] for n in numbers)


KOBO = {
    "survey": [
        ["type", "name", "label::English (en)", "label::Danish (da)", "hint::Danish (da)", "required", "relevant",
         "constraint", "appearance"],
        ["start", "start", "", "", "", "", "", "", ""],
        ["begin_group", "forloeb", "The course", "Forløbet", "", "", "", "", ""],
        ["select_one yn", "tilfreds", "Satisfied?", "Er du tilfreds?", "Svar ja eller nej", "yes", "", "", ""],
        ["integer", "moeder", "Meetings", "Hvor mange møder?", "", "", "${tilfreds} = 'yes'", ". >= 0 and . <= 52", ""],
        ["text", "hvorfor", "Why?", "Hvorfor?", "", "", "selected(${tilfreds}, 'no')",
         "string-length(.) <= 300", "multiline"],
        ["select_multiple hjaelp", "hjaelp", "Help", "Hvilken hjælp?", "", "", "", "", ""],
        ["end_group", "", "", "", "", "", "", "", ""],
    ],
    "choices": [
        ["list_name", "name", "label::English (en)", "label::Danish (da)"],
        ["yn", "yes", "Yes", "Ja"], ["yn", "no", "No", "Nej"],
        ["hjaelp", 1, "Talk", "Samtale"], ["hjaelp", 2, "Money", "Penge"],
    ],
    "settings": [["form_title", "form_id", "version", "default_language"],
                 ["Borgerforløb", "borgerforloeb", "3", "Danish (da)"]],
}


def test_a_kobotoolbox_form_becomes_a_questionnaire_with_codes_for_its_choice_names(runner, tmp_path):
    from forms.loader import parse_questionnaire_text

    source = tmp_path / "kobo.xlsx"
    source.write_bytes(_workbook(KOBO))
    target = tmp_path / "kobo.yaml"
    result = runner.invoke(args=["questionnaires", "from-xlsform", str(source), str(target)])
    assert result.exit_code == 0, result.output
    assert "kobo.xlsx [survey]:2: warning" in result.output  # `start` collects no answer
    assert "the codes 1 to 2" in result.output
    catalogue = load_catalogue(root=ROOT / "questionnaires")
    questionnaire, _warnings = parse_questionnaire_text(target.read_text(encoding="utf-8"), "kobo.yaml", catalogue)
    assert questionnaire.id == "borgerforloeb" and questionnaire.version == 3
    assert [s.id for s in questionnaire.sections] == ["forloeb"]
    assert questionnaire.sections[0].title.da == "Forløbet"
    tilfreds, moeder, hvorfor, hjaelp = questionnaire.questions
    assert (tilfreds.type, tilfreds.required, tilfreds.help.da) == ("single_choice", True, "Svar ja eller nej")
    assert [(o.code, o.label.da, o.label.en) for o in tilfreds.options] == [(1, "Ja", "Yes"), (2, "Nej", "No")]
    assert (moeder.type, moeder.min, moeder.max, moeder.condition.codes) == ("number", 0, 52, frozenset({1}))
    assert (hvorfor.type, hvorfor.max_length, hvorfor.condition.codes) == ("textarea", 300, frozenset({2}))
    assert hjaelp.type == "multiple_choice" and [o.code for o in hjaelp.options] == [1, 2]


def test_what_bolge_has_no_place_for_is_named_by_sheet_row_and_column_all_at_once(runner, tmp_path):
    sheets = {
        "survey": [
            ["type", "name", "label", "relevant", "calculation"],
            ["geopoint", "sted", "Hvor?", "", ""],
            ["calculate", "sum", "", "", "1 + 1"],
            ["begin_repeat", "boern", "Børn", "", ""],
            ["select_one yn or_other", "valg", "Valg", "", ""],
            ["select_one findes_ikke", "valg2", "Valg 2", "", ""],
            ["integer", "alder", "Alder", "${sted} != ''", ""],
            ["text", "Forkert-Navn", "Tekst", "", ""],
            ["note", "note1", "Bemærk", "", ""],
        ],
        "choices": [["list_name", "name", "label"], ["yn", "1", "Ja"]],
    }
    source = tmp_path / "bad.xlsx"
    source.write_bytes(_workbook(sheets))
    target = tmp_path / "bad.yaml"
    result = runner.invoke(args=["questionnaires", "from-xlsform", str(source), str(target)])
    assert result.exit_code == 1 and not target.exists()
    output = result.output
    for row, column, words in [(2, "type", "geopoint"), (3, "type", "calculate"), (4, "type", "begin_repeat"),
                               (5, "type", "or_other"), (6, "type", "findes_ikke"), (7, "relevant", "${sted}"),
                               (8, "name", "Forkert-Navn"), (9, "type", "note")]:
        line = next((x for x in output.splitlines() if x.startswith(f"bad.xlsx [survey]:{row}:")), "")
        assert f"column '{column}'" in line and words in line, (row, output)
    assert "error(s); nothing written" in output


def _upload(client, data: bytes, name: str):
    csrf = extract_csrf(client.get("/spoergeskemaer/").get_data(as_text=True))
    return client.post("/spoergeskemaer/upload", data={"csrf_token": csrf, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_an_uploaded_xlsform_opens_in_the_editor_and_a_version_downloads_as_xlsform(app, coordinator):
    page = coordinator.get("/spoergeskemaer/mentor-raadgiver").get_data(as_text=True)
    assert "Hent v1 som XLSForm" in page
    download = coordinator.get("/spoergeskemaer/mentor-raadgiver/v1.xlsx")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert 'filename="mentor-raadgiver-v1.xlsx"' in download.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.data))
    assert book["settings"]["B2"].value == "mentor-raadgiver"
    # reworded in the spreadsheet, uploaded: the editor opens on the stored file with the new wording
    sheet = book["survey"]
    label = [c.value for c in sheet[1]].index("label::Dansk (da)")
    first = next(r for r in sheet.iter_rows(min_row=2) if r[0].value.startswith("select"))
    first[label].value = "=HYPERLINK(\"https://evil.example\")"  # a formula stays the text it is
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(coordinator, buffer.getvalue(), "mentor-raadgiver-v1.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert 'name="path" value="mentor-raadgiver.yaml"' in html
    assert "=HYPERLINK(&#34;https://evil.example&#34;)" in html or "=HYPERLINK(&quot;https://evil.example&quot;)" in html
    assert _versions(app) == 10  # nothing stored until published


def test_an_uploaded_xlsform_with_problems_lists_them_and_stores_nothing(app, coordinator):
    data = _workbook({"survey": [["type", "name", "label"], ["geopoint", "sted", "Hvor?"],
                                 ["range", "skala", "Skala"]]})
    response = _upload(coordinator, data, "kobo.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2 fejl: intet er gemt" in html
    assert "kobo.xlsx [survey]:2" in html and "kobo.xlsx [survey]:3" in html
    assert "svarer ikke til nogen spørgsmålstype i Bølge" in html
    assert _versions(app) == 10


@pytest.mark.parametrize("attack", ["rows", "bomb", "not_a_workbook"])
def test_an_uploaded_xlsform_gets_the_limits_of_every_upload(app, coordinator, attack):
    if attack == "rows":
        rows = [["type", "name", "label"]] + [["text", f"q{i}", "Tekst"] for i in range(10_001)]
        data, expected = _workbook({"survey": rows}), "mere end 10.000 rækker"
    elif attack == "bomb":  # a small file whose sheet unpacks to far more than may be read
        data, expected = _zip_bomb(), "for stort til at blive læst"
    else:
        data, expected = b"PK\x03\x04 not really", "kan ikke læses som et Excel-ark"
    assert len(data) < 1024 * 1024
    response = _upload(coordinator, data, "form.xlsx")
    assert response.status_code == 302
    assert expected in coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert _versions(app) == 10


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + " " * (40 * 1024 * 1024) + "</worksheet>")
    return buffer.getvalue()
