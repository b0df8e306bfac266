"""Seed B: Lempede mentorregler in two municipalities: the adviser survey in January 2019 and at the end of the
experiment (identical questions), and the case review of exempted cases in each municipality."""
from __future__ import annotations

from tests.seeds.harness import SurveyPlan, answer_survey, check_survey


def test_seed_b_adviser_survey_two_waves(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = answer_survey(app, client, SurveyPlan("mentor-raadgiver", {
        "Januar 2019": {"hjoerring": (10, 8), "morsoe": (5, 4)},
        "Forsøgets afslutning": {"hjoerring": (10, 9), "morsoe": (5, 5)}}, seed=2))
    checked = check_survey(app, client, plan)
    assert checked.figures > 200 and checked.hidden > 10, vars(checked)
