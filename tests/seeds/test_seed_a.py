"""Seed A, ledighedsydelse: the adviser survey of Aalborg, Jammerbugt, Thisted and Rebild in January 2019 and
summer 2020, answered through personal links; every output recomputed from the plan.

In January 2019 Rebild (3 answers) is under the threshold, so Thisted, the next smallest, is hidden with it;
in summer 2020 nothing is hidden. The answers lean to the top two boxes in 2020 (the ministry's reading of
this survey is a top-2-box statement), and "Ved ikke" answers count in N but not in the mean.
"""
from __future__ import annotations

from tests.seeds.harness import SurveyCheck, SurveyWave, run_survey, team_leader

SLUG = "ledighedsydelse-raadgiver"
PEOPLE = {"aalborg": 9, "jammerbugt": 8, "thisted": 6, "rebild": 5}


def _answers(pairs: list[tuple[int, int]]) -> list[dict]:
    return [{"ly_forenklet": a, "ly_kvalitet": b} for a, b in pairs]


WAVES = [
    SurveyWave("Januar 2019", {
        "aalborg": _answers([(2, 2), (3, 2), (3, 3), (4, 3), (4, 9), (2, 1), (1, 2), (9, 3)]),
        "jammerbugt": _answers([(3, 2), (4, 3), (2, 2), (2, 9), (3, 3), (4, 4), (1, 1)]),
        "thisted": _answers([(4, 4), (3, 3), (2, 2), (5, 3), (1, 1), (3, 2)]),
        "rebild": _answers([(5, 4), (4, 3), (9, 9)]),
    }, hidden={"Thisted", "Rebild"}),
    SurveyWave("Sommer 2020", {
        "aalborg": _answers([(4, 3), (5, 4), (4, 3), (5, 3), (3, 2), (4, 9), (9, 3)]),
        "jammerbugt": _answers([(4, 3), (4, 4), (5, 3), (3, 2), (4, 3), (2, 2)]),
        "thisted": _answers([(5, 4), (4, 3), (4, 3), (3, 3), (9, 9)]),
        "rebild": _answers([(4, 3), (5, 4), (4, 4), (2, 2), (5, 3)]),
    }),
]


def test_seed_a_end_to_end(app, client, runner, make_user, login, tmp_path):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    run_survey(app, client, SLUG, WAVES, PEOPLE)
    # the files the coordinator downloads from the results page, made by a worker
    check = SurveyCheck(app, client, runner, tmp_path / "side", SLUG, WAVES, PEOPLE, via="page")
    assert check.everything() > 300
    # and the same files written by `flask export`
    check = SurveyCheck(app, client, runner, tmp_path / "cli", SLUG, WAVES, PEOPLE)
    assert check.everything() > 300
    # a team leader's page and files: the network and their own municipality, Rebild's hidden in January 2019
    for own, name in (("aalborg", "Aalborg"), ("rebild", "Rebild")):
        leader = team_leader(app, make_user, login, own)
        check = SurveyCheck(app, leader, runner, tmp_path / own, SLUG, WAVES, PEOPLE, via="page", own=name)
        assert check.everything() > 150


def test_a_plan_the_outputs_do_not_match_is_caught_by_every_check(app, client, runner, make_user, login, tmp_path):
    """The checks can fail: with one adviser's answer changed in the plan (not in what was answered), every
    check that reads answers finds the difference."""
    import copy

    import pytest

    _id, email, password = make_user("coordinator")
    login(client, email, password)
    run_survey(app, client, SLUG, WAVES, PEOPLE)
    wrong = copy.deepcopy(WAVES)
    wrong[1].answers["jammerbugt"][0]["ly_forenklet"] = 1  # 4 was answered
    check = SurveyCheck(app, client, runner, tmp_path, SLUG, wrong, PEOPLE)
    for step in (check.tables, check.data_rows, check.long_csv, check.report, check.page):
        with pytest.raises(AssertionError):
            step()
