"""Before and after one late answer: two exports of a wave still open must not differ by that answer.

A coordinator exports while the wave is open, one more adviser answers, and they export again. When the late
answer belongs to a hidden municipality (or to one that only its answer makes visible), every figure both
exports show must be the same: otherwise the difference of the two is the late answer, code by code (and
the respondents' register says who answered in between). The attacker reads back the workbook's question
tables and Data sheet, the long CSV, Bilag 2's tables and the results page (a coordinator, with the
municipalities), and compares each figure shown in both.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import docx
import openpyxl
import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Wave
from tests.results.conftest import SLUG
from tests.results.factory import add_responses, make_wave, municipality_ids

SIZES = {"aalborg": 40, "jammerbugt": 15, "thisted": 6, "rebild": 4, "laesoe": 2}
QUESTIONS = ("ly_forenklet", "ly_kvalitet")
HIDDEN = "skjult"
LATE = {"ly_forenklet": 5, "ly_kvalitet": 1}
# (where the late answer comes from, the plan's sizes): a hidden municipality, and one the late answer makes
# reach the threshold
CASES = {"hidden": ("laesoe", SIZES), "becomes-visible": ("thisted", {**SIZES, "thisted": 4})}


def _answers(n: int, offset: int) -> list[dict]:
    return [{"ly_forenklet": [1, 2, 3, 4, 9][(i + offset) % 5], "ly_kvalitet": [2, 3, 4][(i + offset) % 3]}
            for i in range(n)]


def _read(xlsx, document) -> dict:
    """Every figure one export shows, keyed by where it stands."""
    figures: dict = {}
    book = openpyxl.load_workbook(xlsx, read_only=True)
    for name in book.sheetnames:
        if not re.match(r"\d+\. ", name):
            continue
        rows = list(book[name].iter_rows(values_only=True))
        at = next(i for i, r in enumerate(rows) if r and r[0] == "Gruppe")
        header = rows[at]
        for r in rows[at + 1:]:
            for column, value in zip(header, r):
                if column and column not in ("Gruppe", "Svarmulighed", "Kode"):
                    figures[("table", name, r[0], r[1], column)] = value
    rows = list(book["Data"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Bølge")
    header = rows[at]
    data = [dict(zip(header, r)) for r in rows[at + 1:] if any(v is not None for v in r)]
    book.close()
    for question in QUESTIONS:
        for place in {r["Kommune"] for r in data}:
            values = [r[question] for r in data if r["Kommune"] == place]
            if HIDDEN not in values:
                figures[("data", question, place)] = Counter(values)
    with open(xlsx.with_name(f"{xlsx.stem}-svar.csv"), encoding="utf-8-sig", newline="") as f:
        long = list(csv.DictReader(f, delimiter=";"))
    for question in QUESTIONS:
        for place in {r["kommune"] for r in long}:
            figures[("csv", question, place)] = Counter(r["kode"] for r in long
                                                        if r["spørgsmål"] == question and r["kommune"] == place)
    for t, table in enumerate(docx.Document(document).tables):
        for i, row in enumerate(table.rows):
            for j, cell in enumerate(row.cells):
                figures[("bilag", t, row.cells[0].text, row.cells[1].text if len(row.cells) > 1 else "", i, j)] = \
                    cell.text
    return figures


def _page(html: str) -> dict:
    figures = {}
    for q, section in enumerate(html.split('<section class="result-question"')[1:]):
        for t, table in enumerate(re.findall(r'<table class="result-table">(.*?)</table>', section, re.S)):
            for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table):
                for j, cell in enumerate(re.findall(r'<td class="num">(.*?)</td>', cells)):
                    figures[("page", q, t, label, j)] = re.sub(r"<[^>]+>", "", cell)
    return figures


def _shown(value) -> bool:
    return value not in (None, "", HIDDEN, "hidden") and not (isinstance(value, str) and HIDDEN in value)


@pytest.fixture(params=sorted(CASES))
def two_exports(request, app, runner, make_user, login, tmp_path):
    late_in, sizes = CASES[request.param]
    with app.app_context():
        ids = municipality_ids()
        wave_id = make_wave(SLUG, "Efterår 2026", datetime(2020, 9, 1, 6, tzinfo=timezone.utc),
                            [ids[m] for m in SIZES])
        # still taking answers: closes long after any run of this test
        db.session.execute(update(Wave).where(Wave.id == wave_id).values(
            status="open", closes_at=datetime(2020, 9, 1, 6, tzinfo=timezone.utc) + timedelta(days=365 * 80)))
        for offset, (slug, n) in enumerate(sizes.items()):
            add_responses(wave_id, ids[slug], _answers(n, offset))
        db.session.commit()
    browser = app.test_client()
    _id, email, password = make_user("coordinator")
    login(browser, email, password)

    def export(name: str) -> dict:
        out, document = tmp_path / f"{name}.xlsx", tmp_path / f"{name}.docx"
        for args in (["export", "survey", "--questionnaire", SLUG, "-o", str(out)],
                     ["export", "report", "survey", "--questionnaire", SLUG, "-o", str(document)]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        figures = _read(out, document)
        response = browser.get(f"/resultater/survey/{SLUG}?kommuner=1")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "En bølge er stadig åben" in html  # the page says why its network total is hidden
        figures.update(_page(html))
        return figures

    before = export("before")
    with app.app_context():
        add_responses(wave_id, municipality_ids()[late_in], [LATE])
        db.session.commit()
    return request.param, before, export("after")


def test_no_figure_shown_before_and_after_one_late_answer_differs(two_exports):
    name, before, after = two_exports
    # (Bilag 2's first two tables are the waves and the response rates: the network's count of responses
    # grows by one, which says that an answer came, not what it was)
    compared = [key for key in before.keys() & after.keys() if not (key[0] == "bilag" and key[1] < 2)]
    changed = [(key, before[key], after[key]) for key in compared
               if _shown(before[key]) and _shown(after[key]) and before[key] != after[key]]
    assert not changed, (name, changed[:10])
    # and the comparison had something to compare: the visible municipalities are shown in both
    assert sum(1 for key in compared if _shown(before[key]) and before[key] == after[key]) > 50
