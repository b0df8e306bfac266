"""Seed D, forlængelse af ressourceforløbssager: Frederikshavn's and Læsø's team leaders review the exempted
cases once a year, July 2019 to July 2021, end to end.

Each team leader uploads the municipality's case list, logs the reviews through the record form and, in
2020, Frederikshavn draws a sample of four of its six cases and reviews one more outside it (not counted).
The plan covers the yes/no questions, the duration in months (mean, median, range and its change between
rounds) and the income basis asked only when the case went to the rehabilitation team.
"""
from __future__ import annotations

from datetime import date

from tests.seeds.harness import SupervisionCheck, SupervisionRound, run_supervision, team_leader

SLUG = "ressourceforloeb-tilsyn"


def _case(wanted: int, months: int, considered: int, presented: int, income: int | None = None) -> dict:
    answers = {"rf_oensket": wanted, "rf_varighed": months, "rf_fleksjob_fp": considered, "rf_forelagt": presented}
    if income:  # asked only when the case went to the rehabilitation team (rf_forelagt = 1)
        answers["rf_forsoergelse"] = income
    return answers


def _cases(prefix: str, cases: list[tuple]) -> dict[str, dict]:
    return {f"{prefix}-{i:02d}": _case(*c) for i, c in enumerate(cases, start=1)}


ROUNDS = [
    SupervisionRound("Juli 2019", date(2019, 7, 1), {
        "frederikshavn": _cases("FRE-2019", [(1, 6, 1, 1, 2), (2, 12, 1, 2), (1, 9, 2, 1, 3), (1, 24, 1, 2)]),
        "laesoe": _cases("LAE-2019", [(1, 3, 1, 2), (2, 4, 2, 1, 1)]),
    }),
    SupervisionRound("Juli 2020", date(2020, 7, 1), {
        "frederikshavn": _cases("FRE-2020", [(1, 3, 1, 1, 2), (2, 9, 1, 2), (1, 9, 2, 1, 3), (1, 12, 1, 1, 7),
                                             (2, 60, 1, 2), (1, 4, 2, 1, 2)]),
        "laesoe": _cases("LAE-2020", [(1, 5, 1, 1, 6), (1, 7, 2, 2), (2, 2, 1, 2)]),
    }, sample={"frederikshavn": 4}, outside={"frederikshavn": 1}),
    SupervisionRound("Juli 2021", date(2021, 7, 1), {
        "frederikshavn": _cases("FRE-2021", [(2, 2, 1, 2), (2, 3, 1, 1, 4), (1, 5, 1, 1, 2), (2, 10, 2, 2)]),
        "laesoe": _cases("LAE-2021", [(2, 2, 1, 1, 5), (2, 2, 1, 2)]),
    }),
]


def test_seed_d_end_to_end(app, client, runner, make_user, login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    run_supervision(app, make_user, login, SLUG, ROUNDS)
    # the files the coordinator downloads from the results page, made by a worker
    check = SupervisionCheck(app, client, runner, tmp_path / "side", SLUG, ROUNDS, via="page")
    assert check.everything() > 400
    # and the same files written by `flask export`
    check = SupervisionCheck(app, client, runner, tmp_path / "cli", SLUG, ROUNDS)
    assert check.everything() > 400
    # Læsø's team leader: the network and Læsø in the page and the files, no case records
    leader = team_leader(app, make_user, login, "laesoe")
    check = SupervisionCheck(app, leader, runner, tmp_path / "laesoe", SLUG, ROUNDS, via="page", own="Læsø")
    assert check.everything() > 200


def test_a_plan_the_outputs_do_not_match_is_caught_by_every_check(app, client, runner, make_user, login, tmp_path):
    """The checks can fail: with one review's duration changed in the plan (not in what was logged), every
    check that reads answers finds the difference."""
    import copy

    import pytest

    _id, email, password = make_user("coordinator")
    login(client, email, password)
    run_supervision(app, make_user, login, SLUG, ROUNDS)
    wrong = copy.deepcopy(ROUNDS)
    for plan in wrong:  # the counted reviews are the list's own answers, as in the plan
        for municipality, cases in plan.counted.items():
            plan.counted[municipality] = {ref: plan.cases[municipality][ref] for ref in cases}
    wrong[2].cases["laesoe"]["LAE-2021-01"]["rf_varighed"] = 30  # 2 was logged
    check = SupervisionCheck(app, client, runner, tmp_path, SLUG, wrong)
    for step in (check.question_sheets, check.records, check.report, check.page):
        with pytest.raises(AssertionError):
            step()
