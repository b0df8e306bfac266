"""Seed F: the evaluation scheme (Vejledning til evalueringsskemaet), ten points filled in per experiment and
municipality, points 1-5 before the start and 6-10 after. Team leaders fill in and submit their own municipality's
scheme through the form; the coordinator's workbook, document and both compiled pages show each municipality's
answer under each point, and mark a draft as one."""
from __future__ import annotations

import io
import re

import docx
import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.models import Experiment
from tests.seeds.harness import _table, download, rows_of
from tests.supervision.conftest import post_form

EXPERIMENT = "revalidering-bevillingsgrundlag"  # Aalborg, Jammerbugt, Thisted, Vesthimmerland
DRAFT = "Kladde, ikke indsendt"


def _text(slug: str, point: int) -> str:
    return f"{slug.capitalize()} om punkt {point}: egne erfaringer"


# per municipality: (points saved, phases submitted)
PLAN = {"aalborg": (range(1, 11), 2), "thisted": (range(1, 8), 1), "jammerbugt": (range(1, 4), 0),
        "vesthimmerland": (range(0), 0)}


def _submitted(slug: str, point: int) -> bool:
    points, phases = PLAN[slug]
    return point in points and (point <= 5 and phases >= 1 or phases >= 2)


def test_seed_f_evaluation_schemes_compiled_point_by_point(app, client, make_user, login):
    with app.app_context():
        experiment = db.session.scalar(select(Experiment).where(Experiment.slug == EXPERIMENT))
        experiment_id, places = experiment.id, {m.slug: m.id for m in experiment.municipalities}
        names = {m.slug: m.name for m in experiment.municipalities}
    for slug, (points, phases) in PLAN.items():
        if not points:
            continue
        _id, email, password = make_user("team_leader", slug)
        leader = app.test_client()
        login(leader, email, password)
        url = f"/tilsyn/evalueringsskemaer/{experiment_id}/{places[slug]}"
        first = {f"q_p{i:02d}": _text(slug, i) for i in points if i <= 5}
        second = {f"q_p{i:02d}": _text(slug, i) for i in points if i > 5}
        assert post_form(leader, url, {**first, "action": "submit" if phases >= 1 else "save"}).status_code == 302
        if second:
            assert post_form(leader, url, {**second, "action": "submit" if phases >= 2 else "save"}).status_code == 302
    _id, email, password = make_user("coordinator")
    login(client, email, password)

    # the workbook: one row per point and municipality, the submission time empty for a draft
    book = openpyxl.load_workbook(io.BytesIO(download(client, "schemes")["xlsx"]))
    sheet = next(name for name in book.sheetnames if name.startswith("Forenkling"))
    _h, body = _table(rows_of(book[sheet]), ("Punkt", "Kommune"))
    started = [s for s, (points, _p) in PLAN.items() if points]  # a municipality that has not started is left out
    assert len(body) == 10 * len(started) and {r[1] for r in body} == {names[s] for s in started}
    for i, row in enumerate(body):
        point, slug = i // len(started) + 1, next(s for s in PLAN if names[s] == row[1])
        assert row[0].startswith(f"{point}. ")
        expected = _text(slug, point) if point in PLAN[slug][0] else "(ikke udfyldt)"
        assert row[2] == expected, (row, expected)
        assert (row[3] is not None) == _submitted(slug, point), row

    # the document: each municipality's answer under each point, "(ikke indsendt)" for a draft
    paragraphs = [p.text for p in docx.Document(io.BytesIO(download(client, "report-schemes")["docx"])).paragraphs]
    for slug, (points, _phases) in PLAN.items():
        for point in points:
            at = paragraphs.index(_text(slug, point))
            assert paragraphs[at - 1].startswith(names[slug])
            assert ("ikke indsendt" in paragraphs[at - 1]) != _submitted(slug, point), paragraphs[at - 1]

    # both compiled pages mark a draft; a submitted answer and an empty point are no drafts
    results = client.get("/resultater/evalueringsskemaer").get_data(as_text=True)
    answers = re.findall(r'<dd class="scheme-answer">(.*?)</dd>', results, re.S)
    compiled = client.get(f"/tilsyn/evalueringsskemaer/{experiment_id}/samlet").get_data(as_text=True)
    for slug, (points, _phases) in PLAN.items():
        for point in points:
            shown = next(a for a in answers if _text(slug, point) in a)
            assert (DRAFT in shown) != _submitted(slug, point), shown
            block = compiled[:compiled.index(_text(slug, point))]
            block = block[block.rindex(f"<h3>{names[slug]}</h3>"):]
            assert (DRAFT in block) != _submitted(slug, point), block
    assert sum(DRAFT in a for a in answers) == sum(
        1 for slug, (points, _p) in PLAN.items() for point in points if not _submitted(slug, point))
