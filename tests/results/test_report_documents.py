"""The report appendices as Word documents: opened by LibreOffice, their text read back and checked against
a known answer plan; well made (headings, header rows, language, page numbers, alt text, no internal ids)."""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import datetime, timezone

import docx
import openpyxl
import docx.enum.section
import docx.shared
import pytest

from app.extensions import db
from exports.documents import numbers
from tests.conftest import extract_csrf
from tests.results.factory import add_responses, add_scheme, make_wave, municipality_ids
from tests.results.test_supervision_and_schemes import CASES, TILSYN, supervision_round  # noqa: F401
from tests.results.test_views import _wait_done
from tests.support.documents import flat, pdf_text

pytestmark = pytest.mark.libreoffice

SLUG = "ledighedsydelse-raadgiver"
WORDINGS = {  # every question of the questionnaire, as the document must show it
    "ly_forenklet": "I hvor høj grad har fritagelse for revurdering efter 12 måneder på Ledighedsydelse indenfor "
                    "18 måneder forenklet sagsbehandlingen på området?",
}
# wave 1: Rebild (3) under the threshold, Thisted (6) hidden with it; every hidden answer is "I høj grad" (5) in
# Rebild and "Slet ikke" (1) in Thisted, so their shares (100,0 %) and means (5,00, 1,00) are figures no
# visible group has. Wave 2: nobody hidden.
PLAN = {
    "Januar 2019": {"aalborg": [1, 2, 3, 3, 4, 4, 4, 5, 5, 9, 2, 3], "jammerbugt": [2, 3, 3, 4, 5, 9, 4, 4],
                    "thisted": [1] * 6, "rebild": [5] * 3},
    "Sommer 2020": {"aalborg": [4, 4, 5, 5, 5, 3, 2, 9, 4, 4], "jammerbugt": [1, 2, 3, 4, 5, 4, 4],
                    "thisted": [2, 3, 4, 4, 5, 5, 9, 1, 3], "rebild": [3, 4, 4, 5, 2, 9]},
}
NAMES = {"aalborg": "Aalborg", "jammerbugt": "Jammerbugt", "thisted": "Thisted", "rebild": "Rebild"}
HIDDEN = {("Januar 2019", "thisted"), ("Januar 2019", "rebild")}


@pytest.fixture
def planned_survey(app):
    with app.app_context():
        ids = municipality_ids()
        waves = {}
        for label, opens in (("Januar 2019", datetime(2019, 1, 7, 7, tzinfo=timezone.utc)),
                             ("Sommer 2020", datetime(2020, 6, 1, 6, tzinfo=timezone.utc))):
            waves[label] = make_wave(SLUG, label, opens, [ids[s] for s in NAMES])
            for slug, codes in PLAN[label].items():
                add_responses(waves[label], ids[slug], [{"ly_forenklet": c, "ly_kvalitet": (1, 2, 3, 4, 9)[i % 5]}
                                                        for i, c in enumerate(codes)], not_answered=1)
        db.session.commit()
    return waves


def _questions(app) -> list:
    from app.questionnaires.service import definition_of, latest_version

    with app.app_context():
        return list(definition_of(latest_version(SLUG)).questions)


def _export(runner, tmp_path, *args: str):
    out = tmp_path / "bilag.docx"
    result = runner.invoke(args=["export", "report", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _expected_figures(codes: list[int]) -> list[str]:
    n, valid = len(codes), [c for c in codes if c != 9]
    figures = [numbers.share(codes.count(c) / n) for c in (1, 2, 3, 4, 5, 9)]
    figures += [numbers.mean(sum(valid) / len(valid)), numbers.share(sum(c in (4, 5) for c in valid) / len(valid))]
    return figures


def test_survey_appendix_holds_every_question_and_the_known_figures_and_no_hidden_one(app, runner, planned_survey,
                                                                                     tmp_path):
    text = flat(pdf_text(_export(runner, tmp_path, "survey", "--questionnaire", SLUG), tmp_path))
    assert "Bilag 2: surveyresultater fra medarbejdersurvey" in text
    for question in _questions(app):
        assert flat(question.text.da) in text, question.text.da
    for label, groups in PLAN.items():
        network = [c for codes in groups.values() for c in codes]
        for figure in _expected_figures(network):
            assert figure in text, (label, "network", figure)
        for slug, codes in groups.items():
            if (label, slug) not in HIDDEN:
                for figure in _expected_figures(codes):
                    assert figure in text, (label, slug, figure)
    # the hidden groups' own figures appear nowhere; the notes say what is hidden
    for figure in ("100,0 %", "5,00", "1,00"):
        assert figure not in text
    assert "Skjult efter anonymitetsreglen: Rebild (Januar 2019); Thisted (Januar 2019)" in text
    # the method section: invited, answered and the response rate per municipality, the threshold
    assert numbers.share(12 / 13) in text and "Anonymitetsgrænse: 5 besvarelser" in text


def test_survey_appendix_is_a_well_made_document(app, runner, planned_survey, tmp_path):
    path = _export(runner, tmp_path, "survey", "--questionnaire", SLUG)
    document = docx.Document(str(path))
    styles = [p.style.name for p in document.paragraphs]
    assert "Title" in styles and "Heading 1" in styles and styles.count("Heading 2") >= len(_questions(app))
    assert document.core_properties.language == "da-DK"
    assert len(document.tables) >= len(_questions(app))  # every table is checked, and there are tables
    assert all(t.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None for t in document.tables)
    with zipfile.ZipFile(path) as package:
        body = package.read("word/document.xml").decode()
        styles_xml = package.read("word/styles.xml").decode()
        footer = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/footer"))
        images = [n for n in package.namelist() if n.startswith("word/media/")]
    assert 'w:val="da-DK"' in styles_xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert images and body.count("descr=\"Søjlediagram for spørgsmål") == len(images)
    # no internal ids: neither question ids, nor the questionnaire's slug, nor database ids
    for question in _questions(app):
        assert question.id not in body
    assert SLUG not in body and "wave_id" not in body


def test_supervision_appendix_holds_every_question_and_the_known_tallies(app, runner, supervision_round, tmp_path):
    path = _export(runner, tmp_path, "supervision", "--questionnaire", TILSYN)
    text = flat(pdf_text(path, tmp_path))
    rows = [flat(line) for line in pdf_text(path, tmp_path, layout=True).splitlines()]
    assert "Bilag 1: resultat fra ledelsestilsyn" in text
    from app.questionnaires.service import definition_of, latest_version

    with app.app_context():
        questions = list(definition_of(latest_version(TILSYN)).questions)
    for question in questions:
        assert flat(question.text.da) in text
    # lae265_uden: Aalborg 3 Ja / 1 Nej of 4 cases, Thisted 1 / 1 of 2, the network 4 / 2 of 6
    # (round, municipality, cases, N, Ja count and share, Nej count and share), each row on its line
    assert "Juli 2019 Aalborg 4 4 3 75,0 % 1 25,0 %" in rows
    assert "Juli 2019 Thisted 2 2 1 50,0 % 1 50,0 %" in rows
    assert any(row.startswith("Juli 2019 Netværket i") and row.endswith("6 6 4 66,7 % 2 33,3 %") for row in rows)
    assert "lae265" not in text and "SAG-" not in text  # no question ids, no case references


@pytest.fixture
def hard_schemes(app):
    with app.app_context():
        ids = municipality_ids()
        when = datetime(2018, 6, 1, 10, tzinfo=timezone.utc)
        long_text = " ".join(f"Afsnit {i}: forsøget har ændret sagsbehandlingen." for i in range(1500))
        add_scheme("revalidering-bevillingsgrundlag", ids["aalborg"],
                   {"p01": "=HYPERLINK(\"http://x\")", "p02": long_text + " SLUTNING"}, when)
        add_scheme("revalidering-bevillingsgrundlag", ids["thisted"],
                   {"p01": "Thisteds <b>beskrivelse</b> \x0b & <script>"}, None)
        db.session.commit()


def test_scheme_compilation_lists_every_point_and_answer_as_text(app, runner, hard_schemes, tmp_path):
    text = flat(pdf_text(_export(runner, tmp_path, "schemes"), tmp_path))
    from app.questionnaires.service import definition_of, latest_version

    with app.app_context():
        points = list(definition_of(latest_version("evalueringsskema")).questions)
    assert len(points) == 10
    for point in points:
        assert flat(point.text.da) in text
    assert "Før forsøgets start (punkt 1-5)" in text and "Efter forsøget (punkt 6-10)" in text
    assert '=HYPERLINK("http://x")' in text and "Thisteds <b>beskrivelse</b>" in text and "& <script>" in text
    assert "SLUTNING" in text and "Afsnit 1499" in text  # a very long answer is there whole
    assert text.count("(ikke udfyldt)") == 8 + 9  # Aalborg left 8 points empty, Thisted 9
    assert "Aalborg (indsendt 01.06.2018)" in text and "Thisted (ikke indsendt)" in text


def test_survey_appendix_builds_without_responses_and_with_every_group_hidden(app, runner, tmp_path):
    with app.app_context():
        ids = municipality_ids()
        make_wave(SLUG, "Tom bølge", datetime(2021, 1, 4, 7, tzinfo=timezone.utc), [ids["aalborg"]])
        few = make_wave(SLUG, "Få svar", datetime(2022, 1, 4, 7, tzinfo=timezone.utc),
                        [ids["aalborg"], ids["thisted"]])
        add_responses(few, ids["aalborg"], [{"ly_forenklet": 5}, {"ly_forenklet": 4}], not_answered=3)
        add_responses(few, ids["thisted"], [{"ly_forenklet": 1}], not_answered=3)
        db.session.commit()
    text = flat(pdf_text(_export(runner, tmp_path, "survey", "--questionnaire", SLUG), tmp_path))
    for question in _questions(app):
        assert flat(question.text.da) in text
    assert "Netværket i alt (Få svar)" in text  # the network total itself is hidden in that wave
    assert "100,0 %" not in text and "4,50" not in text and "50,0 %" not in text


def test_an_unknown_questionnaire_is_refused_with_a_message(runner, tmp_path):
    result = runner.invoke(args=["export", "report", "survey", "--questionnaire", "findes-ikke",
                                 "-o", str(tmp_path / "x.docx")])
    assert result.exit_code != 0 and "findes-ikke" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_the_appendix_of_the_waves_shown_is_a_download_through_an_export_job(client, planned_survey, make_user,
                                                                           login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    chosen = planned_survey["Sommer 2020"]
    page = client.get(f"/resultater/survey/{SLUG}?bolge={chosen}").get_data(as_text=True)
    assert 'value="report-survey"' in page
    response = client.post("/resultater/eksport", data={
        "csrf_token": extract_csrf(page), "exporter": "report-survey", "slug": SLUG, "selected": [str(chosen), "999999"]})
    assert response.status_code == 303
    state = _wait_done(client, response.headers["Location"])
    assert state["status"] == "done" and set(state["files"]) == {"docx"}
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hent Word-dokumentet" in job_page
    download = client.get(state["files"]["docx"])
    assert download.status_code == 200
    path = tmp_path / "download.docx"
    path.write_bytes(download.data)
    document = docx.Document(io.BytesIO(download.data))
    assert any("Sommer 2020" in p.text for p in document.paragraphs)
    assert not any("Januar 2019" in p.text for p in document.paragraphs)  # only the wave shown
    assert "Sommer 2020" in pdf_text(path, tmp_path)


def test_survey_appendix_in_english_where_the_questionnaire_has_english_texts(app, runner, planned_survey, tmp_path):
    path = _export(runner, tmp_path, "survey", "--questionnaire", SLUG, "--language", "en")
    text = flat(pdf_text(path, tmp_path))
    assert "Appendix 2: results of the adviser survey" in text and "Network total" in text
    for question in _questions(app):
        assert flat(question.text.en) in text
    network = [c for codes in PLAN["Sommer 2020"].values() for c in codes]
    assert numbers.share(network.count(4) / len(network), "en") in text  # "29.4 %": English decimals
    assert "Hidden by the anonymity rule: Rebild (Januar 2019); Thisted (Januar 2019)" in text
    assert docx.Document(str(path)).core_properties.language == "en-GB"


def test_the_english_page_queues_the_english_appendix(client, planned_survey, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    token = extract_csrf(client.get("/resultater/").get_data(as_text=True))
    client.post("/sprog", data={"csrf_token": token, "lang": "en"})
    page = client.get(f"/resultater/survey/{SLUG}").get_data(as_text=True)
    assert "Download Word appendix (appendix 2)" in page
    response = client.post("/resultater/eksport", data={
        "csrf_token": extract_csrf(page), "exporter": "report-survey", "slug": SLUG})
    state = _wait_done(client, response.headers["Location"])
    document = docx.Document(io.BytesIO(client.get(state["files"]["docx"]).data))
    assert document.paragraphs[0].text == "Appendix 2: results of the adviser survey"


def test_a_team_leaders_appendix_has_only_the_own_municipality_and_the_network(client, planned_survey, make_user,
                                                                             login, tmp_path):
    _id, email, password = make_user("team_leader", "jammerbugt")
    login(client, email, password)
    page = client.get("/resultater/").get_data(as_text=True)
    response = client.post("/resultater/eksport", data={
        "csrf_token": extract_csrf(page), "exporter": "report-survey", "slug": SLUG, "municipality_id": "1"})
    state = _wait_done(client, response.headers["Location"])
    path = tmp_path / "teamleder.docx"
    path.write_bytes(client.get(state["files"]["docx"]).data)
    text = flat(pdf_text(path, tmp_path))
    assert "Jammerbugt" in text and "Netværket i alt" in text
    for other in ("Aalborg", "Thisted", "Rebild"):
        assert other not in text
    own = PLAN["Sommer 2020"]["jammerbugt"]
    assert numbers.share(own.count(4) / len(own)) in text


def test_more_than_two_waves_are_laid_out_in_landscape_and_every_table_fits_the_page(app, runner, planned_survey,
                                                                                     tmp_path):
    with app.app_context():
        ids = municipality_ids()
        third = make_wave(SLUG, "Vinter 2021", datetime(2021, 1, 11, 7, tzinfo=timezone.utc),
                          [ids[s] for s in NAMES])
        for slug in NAMES:
            add_responses(third, ids[slug], [{"ly_forenklet": c, "ly_kvalitet": 3} for c in (1, 2, 3, 4, 5, 4)])
        db.session.commit()
    path = _export(runner, tmp_path, "survey", "--questionnaire", SLUG)
    document = docx.Document(str(path))
    section = document.sections[0]
    assert section.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        widths = [int(c.get(docx.oxml.ns.qn("w:w"))) for c in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
        assert sum(widths) <= docx.shared.Emu(text_width).twips + 1
    # LibreOffice lays it out on landscape A4 pages, with every wave's column
    text = flat(pdf_text(path, tmp_path))
    assert all(label in text for label in ("Januar 2019", "Sommer 2020", "Vinter 2021"))
    pdf = next((tmp_path / "pdf").glob("*.pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert round(width) == 842 and round(height) == 595


REVALIDERING = "revalidering-raadgiver"
# Aalborg (6) is shown; Thisted (3) falls under the threshold and Jammerbugt (5), the smallest other
# municipality, is hidden with it: their remarks stand together under "Øvrige (skjult)", by the answer.
REMARKS = {"aalborg": [f"Aalborg bemærkning {k}" for k in range(6)],
           "thisted": ["Zeta fra Thisted", "Alfa fra Thisted", "Mu fra Thisted"],
           "jammerbugt": ["Beta fra Jammerbugt", "Ypsilon fra Jammerbugt", "Delta fra Jammerbugt",
                          "Omega fra Jammerbugt", "Gamma fra Jammerbugt"]}


@pytest.fixture
def remarks_survey(app):
    with app.app_context():
        ids = municipality_ids()
        wave = make_wave(REVALIDERING, "Januar 2019", datetime(2019, 1, 7, 7, tzinfo=timezone.utc),
                         [ids[s] for s in REMARKS])
        # submitted in mixed order, so the database's order says nothing about the municipality
        for k in range(6):
            for slug, texts in REMARKS.items():
                if k < len(texts):
                    add_responses(wave, ids[slug], [{"rv_foer_opstart": 1, "rv_bemaerkninger": texts[k]}],
                                  slug=REVALIDERING)
        db.session.commit()
    return wave


def test_the_survey_appendix_lists_the_free_texts_as_the_workbook_does(app, runner, remarks_survey, tmp_path):
    path = _export(runner, tmp_path, "survey", "--questionnaire", REVALIDERING)
    text = flat(pdf_text(path, tmp_path))
    for texts in REMARKS.values():
        for remark in texts:
            assert remark in text
    document = docx.Document(str(path))
    listed = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows
              if any("bemærkning" in cell.text or " fra " in cell.text for cell in row.cells)]
    shown = [row for row in listed if row[1] == "Aalborg"]
    merged = [row for row in listed if row[1] == "Øvrige (skjult)"]
    assert [row[2] for row in shown] == sorted(REMARKS["aalborg"])
    assert [row[2] for row in merged] == sorted(REMARKS["thisted"] + REMARKS["jammerbugt"])
    assert len(listed) == 14 and "Thisted" not in {row[1] for row in listed}
    assert "Svarene står, som de er skrevet (14); de tælles ikke." in text

    # the same rows as the workbook's Fritekst sheet
    workbook = tmp_path / "svar.xlsx"
    assert runner.invoke(args=["export", "survey", "--questionnaire", REVALIDERING, "-o", str(workbook)]).exit_code == 0
    sheet = openpyxl.load_workbook(workbook, read_only=True)["Fritekst"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    number = rows[0][0]
    assert [[r[1], r[2], r[3]] for r in rows if r[0] == number and r[3] in
            {t for texts in REMARKS.values() for t in texts}] == listed


def test_an_unanswered_free_text_question_says_so_in_english_too(app, runner, remarks_survey, tmp_path):
    path = _export(runner, tmp_path, "survey", "--questionnaire", REVALIDERING, "--language", "en")
    text = flat(pdf_text(path, tmp_path))
    assert "Nobody answered the question in the chosen waves." in text
    assert "Others (hidden)" in text and "Zeta fra Thisted" in text
