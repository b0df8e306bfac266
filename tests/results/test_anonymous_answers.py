"""Anonymous answers count: seven citizens answer a municipality's anonymous link over HTTP, and every output
(results page, each workbook sheet, the long CSV, Bilag 2, the wave page's response figures) says N 7 for
the network and for the municipality of the link."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import docx
import openpyxl
import pytest

from app.extensions import db
from app.models import utcnow
from tests.answering.helpers import post_answers
from tests.conftest import extract_csrf
from tests.results.test_views import _wait_done
from tests.waves.factories import add_wave

SLUG = "borgertilfredshed"
CODES = [5, 4, 4, 3, 5, 2, 4]  # bt_forloeb of the seven citizens


@pytest.fixture
def citizens_answered(app, client, make_user, login):
    """An open citizen wave in Frederikshavn and Læsø; seven browsers answer Frederikshavn's link."""
    with app.app_context():
        wave = add_wave(slug=SLUG, status="open", opens=utcnow() - timedelta(days=1),
                        closes=utcnow() + timedelta(days=5), municipalities=("frederikshavn", "laesoe"),
                        label="Borgere 2020")
        wave_id = wave.id
        db.session.commit()
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get(f"/runder/{wave_id}").get_data(as_text=True)
    links = dict(re.findall(r'data-municipality="([^"]+)"[^>]*>\s*<code class="link">[^<]*(/p/[^<]+)</code>', page))
    assert set(links) == {"Frederikshavn", "Læsø"}, page
    for code in CODES:
        browser = app.test_client()  # a browser of its own: its own cookie, its own response
        assert browser.get(links["Frederikshavn"]).status_code == 302
        answer = {"q_bt_forloeb": str(code), "q_bt_indsatsplan": "3", "q_bt_kommentar": "Godt forløb"}
        assert post_answers(browser, answer).status_code == 302
    return wave_id


def _download(client, kind: str, slug: str = SLUG) -> dict[str, bytes]:
    """The files of an export job started from the results page, once a worker ran it."""
    page = client.get("/resultater/")
    started = client.post("/resultater/eksport", data={"csrf_token": extract_csrf(page.get_data(as_text=True)),
                                                       "kind": kind, "slug": slug})
    assert started.status_code == 303
    status = _wait_done(client, started.headers["Location"])
    assert status["status"] == "done", status
    return {ext: client.get(url).data for ext, url in status["files"].items()}


def _n_rows(sheet) -> dict[str, list]:
    """{group: [the N cells of that group's "N (besvarelser)" row]} of a question sheet."""
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[:2] == ["Gruppe", "Svarmulighed"])
    return {r[0]: r[3:4] for r in rows[header + 1:] if r[1] == "N (besvarelser)"}


def test_anonymous_answers_count_in_every_output(app, client, citizens_answered):
    wave_page = client.get(f"/runder/{citizens_answered}").get_data(as_text=True)
    assert "Frederikshavn" in wave_page and "7 sendt" in wave_page

    page = client.get(f"/resultater/survey/{SLUG}?kommuner=1").get_data(as_text=True)
    assert re.search(r"N[^<]*</t[hd]>\s*<td[^>]*>7<", page), page
    assert "Frederikshavn</th>" in page

    files = _download(client, "survey")
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    overview = [[c.value for c in row] for row in book["Oversigt"].iter_rows()]
    answered = {r[4]: r[6] for r in overview if r[0] == "Borgere 2020"}
    assert answered["Frederikshavn"] == 7 and answered["Netværket i alt"] == 7
    question_sheets = [s for s in book.sheetnames if s[0].isdigit()]
    assert len(question_sheets) == 2
    for name in question_sheets:
        n = _n_rows(book[name])
        assert n["Netværket i alt"] == [7] and n["Frederikshavn"] == [7], (name, n)
    data = [[c.value for c in row] for row in book["Data"].iter_rows()]
    header = next(i for i, r in enumerate(data) if r and r[0] == "Bølge")
    body = [r for r in data[header + 1:] if r[0]]
    assert len(body) == 7 and {r[1] for r in body} == {"Frederikshavn"}

    rows = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig")), delimiter=";"))
    assert len({r["besvarelse"] for r in rows}) == 7 and {r["kommune"] for r in rows} == {"Frederikshavn"}
    assert sorted(int(r["kode"]) for r in rows if r["spørgsmål"] == "bt_forloeb") == sorted(CODES)

    report = docx.Document(io.BytesIO(_download(client, "report-survey")["docx"]))
    n_rows = [[c.text for c in row.cells] for table in report.tables for row in table.rows
              if any(c.text.startswith("N (") for c in row.cells)]
    assert len(n_rows) >= 4 and all("7" in cells for cells in n_rows), n_rows  # network and Frederikshavn, 2 questions
