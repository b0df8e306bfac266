"""Seed A: Ledighedsydelse, adviser survey in Aalborg, Jammerbugt, Thisted and Rebild, January 2019 and summer 2020:
two identical waves, Rebild under the anonymity threshold in both."""
from __future__ import annotations

from tests.seeds.harness import SurveyPlan, answer_survey, check_survey

SLUG = "ledighedsydelse-raadgiver"


def test_seed_a_adviser_survey_two_waves(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = answer_survey(app, client, SurveyPlan(SLUG, {
        "Januar 2019": {"aalborg": (12, 9), "jammerbugt": (8, 6), "thisted": (6, 5), "rebild": (4, 3)},
        "Sommer 2020": {"aalborg": (12, 10), "jammerbugt": (8, 7), "thisted": (6, 6), "rebild": (4, 4)}}, seed=1))
    checked = check_survey(app, client, plan)
    assert checked.figures > 300 and checked.hidden > 50, vars(checked)
