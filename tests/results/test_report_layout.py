"""The report appendices laid out by LibreOffice for the seeds' real shapes: seed D's 7-option question over
three rounds and four municipalities, the survey's longest wordings over three waves. Read back page by page
with pdftotext: every word whole, every heading on the page of its table's first row."""
from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from tests.results.factory import add_records, make_round, municipality_ids
from tests.support.documents import (
    broken_words,
    flat,
    headings_and_first_rows,
    pdf_pages,
    tables_by_section,
)

pytestmark = pytest.mark.libreoffice

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
        found = [k for k, page in enumerate(pages) if flat(heading) in flat(page)]
        assert found, heading
        lines = {flat(line) for line in rows[found[0]].splitlines()}
        assert first in lines, f"page {found[0] + 1}: {heading!r} without its table's first row {first!r}"
    for _landscape, room, widths in tables_by_section(path):
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
