"""Seed D: Forlængelse af ressourceforløbssager (Frederikshavn, Læsø): every exempted case reviewed once a year,
July 2019, 2020 and 2021, with a case reviewed outside the drawn sample that is listed but not counted."""
from __future__ import annotations

from tests.seeds.harness import SupervisionPlan, check_supervision, log_supervision


def test_seed_d_supervision_three_rounds(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = log_supervision(app, make_user, login, SupervisionPlan("ressourceforloeb-tilsyn", {
        "Juli 2019": {"frederikshavn": (6, 1), "laesoe": (3, 0)},
        "Juli 2020": {"frederikshavn": (7, 0), "laesoe": (2, 1)},
        "Juli 2021": {"frederikshavn": (5, 1), "laesoe": (3, 0)}}, seed=4))
    checked, _html, _report = check_supervision(app, client, plan)
    assert checked.figures > 300, vars(checked)
