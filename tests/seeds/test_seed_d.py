"""Seed D: Forlængelse af ressourceforløbssager (Frederikshavn, Læsø): every exempted case reviewed once a year,
July 2019, 2020 and 2021, with a case reviewed outside the drawn sample that is listed but not counted."""
from __future__ import annotations

import io

import docx

from tests.conftest import extract_csrf
from tests.seeds.harness import SupervisionPlan, check_supervision, download, log_supervision

SLUG = "ressourceforloeb-tilsyn"


def test_seed_d_supervision_three_rounds(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = log_supervision(app, make_user, login, SupervisionPlan(SLUG, {
        "Juli 2019": {"frederikshavn": (6, 1), "laesoe": (3, 0)},
        "Juli 2020": {"frederikshavn": (7, 0), "laesoe": (2, 1)},
        "Juli 2021": {"frederikshavn": (5, 1), "laesoe": (3, 0)}}, seed=4))
    checked, _html, _report = check_supervision(app, client, plan)
    assert checked.figures > 300, vars(checked)

    # the English Bilag 1 heads the number question's table in English, its unit included
    page = client.get("/resultater/").get_data(as_text=True)
    client.post("/sprog", data={"lang": "en", "csrf_token": extract_csrf(page), "next": "/resultater/"})
    report = docx.Document(io.BytesIO(download(client, "report-supervision", SLUG)["docx"]))
    number = next(t for t in report.tables if any("(months)" in c.text for c in t.rows[0].cells))
    header = [c.text for c in number.rows[0].cells]
    assert header[4:9] == ["Mean (months)", "Median (months)", "Minimum (months)", "Maximum (months)",
                           "Change in the mean from the previous round (months)"], header
    assert not any("måneder" in h or "Gennemsnit" in h for h in header), header
