"""The report appendices laid out by LibreOffice for the seeds' real shapes: seed D's 7-option question over
three rounds and four municipalities, the survey's longest wordings over three waves. Read back page by page
with pdftotext: every word whole, every heading on the page of its table's first row."""
from __future__ import annotations

import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from app.extensions import db
from tests.results.factory import add_records, add_responses, make_round, make_wave, municipality_ids
from tests.support.documents import (
    broken_words,
    flat,
    headings_and_first_rows,
    pdf_pages,
    tables_by_section,
)

pytestmark = pytest.mark.libreoffice
ROOT = Path(__file__).resolve().parents[2]

RESSOURCE = "ressourceforloeb-tilsyn"
ROUNDS = [("Juli 2019", date(2019, 7, 1)), ("Juli 2020", date(2020, 7, 1)), ("Juli 2021", date(2021, 7, 1))]
FOUR = ["frederikshavn", "laesoe", "mariagerfjord", "vesthimmerland"]
# per round and municipality the income basis (rf_forsoergelse, codes 1-7) of each reviewed case; Læsø's
# 2019 cases all have a flexjob, so a share of 100,0 % stands in the widest column
INCOME = {
    "Juli 2019": {"frederikshavn": [1, 2, 3, 4, 5, 6, 7, 5], "laesoe": [2, 2], "mariagerfjord": [5, 5, 1, 3],
                  "vesthimmerland": [7, 6, 5, 4, 3]},
    "Juli 2020": {"frederikshavn": [5, 5, 5, 2, 1, 1], "laesoe": [3, 5, 7], "mariagerfjord": [4, 4, 2, 6],
                  "vesthimmerland": [1, 2, 3, 5, 5, 5, 6]},
    "Juli 2021": {"frederikshavn": [2, 2, 3, 5, 6, 7, 1, 1, 4], "laesoe": [6], "mariagerfjord": [5, 1, 2],
                  "vesthimmerland": [3, 3, 4, 5, 7]},
}


@pytest.fixture
def seed_d(app):
    with app.app_context():
        ids = municipality_ids()
        for label, start in ROUNDS:
            round_id = make_round(RESSOURCE, label, start, start.replace(day=31), [ids[s] for s in FOUR])
            for slug, codes in INCOME[label].items():
                add_records(RESSOURCE, round_id, ids[slug], [
                    {"rf_oensket": 1 + k % 2, "rf_varighed": 3 + 2 * k, "rf_fleksjob_fp": 1 + (k % 3 == 0),
                     "rf_forelagt": 1, "rf_forsoergelse": code} for k, code in enumerate(codes)])
        db.session.commit()


NAMES = ["Frederikshavn", "Læsø", "Mariagerfjord", "Vesthimmerland", "Netværket i alt"]
INCOME_LABELS = ["Ressourceforløb", "Fleksjob", "Førtidspension", "Jobafklaringsforløb",
                 "Kontanthjælp/uddannelseshjælp", "Selvforsørgende", "Andet"]


def _export(runner, tmp_path, *args: str):
    out = tmp_path / "bilag.docx"
    result = runner.invoke(args=["export", "report", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _readable(path, tmp_path) -> tuple[list[str], list[str]]:
    """The checks every appendix passes: no word broken, every heading on its table's first row's page,
    every table inside its page."""
    pages, rows = pdf_pages(path, tmp_path)
    assert broken_words(path, pages) == []
    pairs = headings_and_first_rows(path)
    assert pairs
    for heading, first in pairs:
        # a free-text question's heading stands in the results too (pointing to the free texts), without a table
        found = [k for k, page in enumerate(pages) if flat(heading) in flat(page)]
        assert found, heading
        assert any(any(flat(line).startswith(first) for line in rows[k].splitlines()) for k in found), \
            f"pages {[k + 1 for k in found]}: {heading!r} without its table's first row {first!r}"
    sections = tables_by_section(path)
    assert any(widths for _landscape, _room, widths in sections)  # some table was measured
    for _landscape, room, widths in sections:
        assert all(width <= room for width in widths)
    return pages, rows


def test_seed_d_income_question_over_three_rounds_and_four_municipalities_is_readable(runner, seed_d, tmp_path):
    path = _export(runner, tmp_path, "supervision", "--questionnaire", RESSOURCE)
    pages, rows = _readable(path, tmp_path)
    text = flat(" ".join(pages))
    for name in NAMES + INCOME_LABELS + [label for label, _start in ROUNDS]:
        assert name in text or name.replace("/", "/ ") in text, name
    # the 7-option table stands in a landscape section of its own, with its heading and its notes
    sections = tables_by_section(path)
    assert [landscape for landscape, _room, _widths in sections] == [False, True]
    page = next(k for k, p in enumerate(pages) if "Hvilket forsørgelsesgrundlag" in p)
    assert "Stilles kun, når spørgsmål 4 er besvaret med" in flat(pages[page])
    # Læsø's flexjob share of 2019 on one line, in its row: round, municipality, cases, N, then per option
    # the count and the share
    assert "Juli 2019 Læsø 2 2 0 0,0 % 2 100,0 % 0 0,0 % 0 0,0 % 0 0,0 % 0 0,0 % 0 0,0 %" in {
        flat(line) for line in rows[page].splitlines()}


def test_the_number_question_has_no_share_note_and_the_method_names_its_tests(runner, seed_d, tmp_path):
    path = _export(runner, tmp_path, "supervision", "--questionnaire", RESSOURCE)
    pages, _rows = pdf_pages(path, tmp_path)
    text = flat(" ".join(pages))
    start = text.index("2. Hvad er varigheden af forlængelsen?", text.index("Resultater"))
    number_part = text[start:text.index("3. Har rådgiver forholdt sig", start)]
    assert "Andel" not in number_part and "procentpoint" not in number_part
    assert "Gennemsnit, median, minimum og maksimum af svarene i måneder" in number_part
    method = text[:text.index("Resultater")]
    assert "Welchs t-test" in method and "χ²-testen af to andele" in method and "Fishers eksakte test" in method


SURVEY_PLACES = ["frederikshavn", "vesthimmerland", "mariagerfjord", "broenderslev"]
WAVES = [("Januar 2019", datetime(2019, 1, 7, 7, tzinfo=timezone.utc)),
         ("Sommer 2020", datetime(2020, 6, 1, 6, tzinfo=timezone.utc)),
         ("Vinter 2021", datetime(2021, 1, 11, 7, tzinfo=timezone.utc))]


def _survey(slug: str, waves: int) -> list:
    """Every question answered by 6-9 advisers per municipality and wave, every option chosen somewhere,
    free texts included; returns the questions."""
    from app.questionnaires.service import definition_of, latest_version

    questions = list(definition_of(latest_version(slug)).questions)
    ids = municipality_ids()
    for w, (label, opens) in enumerate(WAVES[:waves]):
        wave = make_wave(slug, label, opens, [ids[s] for s in SURVEY_PLACES])
        for m, place in enumerate(SURVEY_PLACES):
            answers = []
            for k in range(6 + (w + m) % 4):
                answer = {}
                for q, question in enumerate(questions):
                    if question.options:
                        codes = [o.code for o in question.options]
                        answer[question.id] = codes[(k + q + w + m) % len(codes)]
                    elif question.question_type.tabulated:  # a number: more cases, the later the wave
                        answer[question.id] = 5 + 3 * k + 4 * w + m
                    else:
                        answer[question.id] = f"Bemærkning {k} fra {place} i {label}"
                answers.append(answer)
            add_responses(wave, ids[place], answers, not_answered=2, slug=slug)
    db.session.commit()
    return questions


@pytest.mark.parametrize("waves", [2, 3])
@pytest.mark.parametrize("slug", ["ledighedsydelse-raadgiver", "revalidering-raadgiver"])
def test_the_survey_appendix_with_its_longest_wordings_is_readable(app, runner, tmp_path, slug, waves):
    with app.app_context():
        questions = _survey(slug, waves)
    path = _export(runner, tmp_path, "survey", "--questionnaire", slug)
    pages, _rows = _readable(path, tmp_path)
    text = flat(" ".join(pages))
    for question in questions:
        assert flat(question.text.da) in text
        for option in question.options:
            assert option.label.da in text
    assert "Vesthimmerland" in text and "Brønderslev" in text and "(procentpoint)" in text
    assert "Whitney" in text and "Fishers eksakte test" in text and "Welch" not in text  # no number question
    listed = [q for q in questions if not q.question_type.tabulated]
    if listed:
        # the free texts in a section of their own, after the results
        assert text.index("Fritekstsvar", text.index("Resultater")) < text.index("Bemærkning 0 fra frederikshavn")


MENTOR = "mentor-sagsgennemgang"
# (case, in the sample?, included by a coordinator?, what characterises the citizen, the measures instead)
MENTOR_CASES = [("A-1", True, False, "Unge under 25 med misbrug", "Fleksibel mentor hver måned"),
                ("A-2", True, False, "Borgere med angst", "Samtaler hos psykolog"),
                ("A-3", False, False, "Enlige forsørgere udenfor stikprøven", "Praktik i en virksomhed"),
                ("A-4", False, True, "Borgere i ressourceforløb, medtaget", "Mentor ved opstart i job")]


@pytest.fixture
def seed_b(app):
    from sqlalchemy import insert

    from app.models import Answer, CaseListEntry, Response, SupervisionRecord
    from app.questionnaires.service import definition_of, latest_version
    from app.responses import answer_rows

    with app.app_context():
        ids = municipality_ids()
        round_id = make_round(MENTOR, "Januar 2019", date(2019, 1, 1), date(2019, 1, 31), [ids["frederikshavn"]])
        version = latest_version(MENTOR)
        for rank, (case, sampled, included, kendetegn, indsatser) in enumerate(MENTOR_CASES, start=1):
            db.session.add(CaseListEntry(round_id=round_id, municipality_id=ids["frederikshavn"], case_reference=case,
                                         sample_rank=rank if sampled else None, sample_seed="plan"))
            record = db.session.execute(insert(SupervisionRecord).values(
                round_id=round_id, municipality_id=ids["frederikshavn"], case_reference=case,
                include_outside=included)).inserted_primary_key[0]
            response = db.session.execute(insert(Response).values(
                questionnaire_version_id=version.id, municipality_id=ids["frederikshavn"],
                supervision_record_id=record, status="submitted")).inserted_primary_key[0]
            db.session.execute(insert(Answer), answer_rows(response, definition_of(version), {
                "ms_kendetegn": kendetegn, "ms_indsatser": indsatser, "ms_rettidigt": 1 + rank % 2}))
        db.session.commit()


def test_seed_b_free_texts_stand_in_a_section_of_their_own_marked_when_outside_the_sample(runner, seed_b, tmp_path):
    path = _export(runner, tmp_path, "supervision", "--questionnaire", MENTOR)
    pages, rows = _readable(path, tmp_path)
    text = flat(" ".join(pages))
    section = text.index("Fritekstsvar", text.index("Resultater"))
    lines = [flat(line) for page in rows for line in page.splitlines()]
    for _case, sampled, included, kendetegn, indsatser in MENTOR_CASES:
        scope = "i stikprøven" if sampled else (
            "udenfor stikprøven, medtaget" if included else "udenfor stikprøven, ikke talt med")
        for answer in (kendetegn, indsatser):
            assert text.index(answer) > section
            assert f"Januar 2019 Frederikshavn {scope} {answer}" in lines
    assert "A-1" not in text and "A-3" not in text  # no case references


NUMBER_QUESTION = """
  - id: ly_sager
    type: number
    required: true
    min: 0
    max: 500
    unit: {da: "sager", en: "cases"}
    text:
      da: "Hvor mange sager om ledighedsydelse har du behandlet det seneste år?"
      en: "How many unemployment benefit cases have you handled in the last year?"
"""


def test_a_survey_number_question_has_its_unit_and_welchs_test_and_no_share_or_percentage_points(app, runner,
                                                                                                 tmp_path):
    from app.questionnaires.service import read_catalogue, store_catalogue

    copy = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", copy)
    path = copy / "ledighedsydelse-raadgiver.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n" + NUMBER_QUESTION, encoding="utf-8")
    app.config["QUESTIONNAIRES_DIR"] = copy
    with app.app_context():
        store_catalogue(read_catalogue())
        db.session.commit()
        questions = _survey("ledighedsydelse-raadgiver", 2)
        assert questions[-1].id == "ly_sager"
    out = _export(runner, tmp_path, "survey", "--questionnaire", "ledighedsydelse-raadgiver")
    pages, _rows = _readable(out, tmp_path)
    text = flat(" ".join(pages))
    start = text.index("3. Hvor mange sager om ledighedsydelse", text.index("Resultater"))
    part = text[start:]
    assert "Andel" not in part and "procentpoint" not in part and "andel" not in part
    assert "Gennemsnit af svarene i sager; ændringen i gennemsnit testes med Welchs t-test." in part
    assert "(sager)" in part and "Gennemsnit" in part
    method = text[:text.index("Resultater")]
    assert "Welchs t-test" in method and "Fishers eksakte test" in method
