"""Seed B: Lempede mentorregler in two municipalities: the adviser survey in January 2019 and at the end of the
experiment (identical questions), and the case review of exempted cases in each municipality."""
from __future__ import annotations

from tests.seeds.harness import SupervisionPlan, SurveyPlan, answer_survey, check_supervision, check_survey, log_supervision


def test_seed_b_adviser_survey_two_waves(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = answer_survey(app, client, SurveyPlan("mentor-raadgiver", {
        "Januar 2019": {"hjoerring": (10, 8), "morsoe": (5, 4)},
        "Forsøgets afslutning": {"hjoerring": (10, 9), "morsoe": (5, 5)}}, seed=2))
    checked = check_survey(app, client, plan)
    assert checked.figures > 200 and checked.hidden > 10, vars(checked)


def test_seed_b_case_review_with_free_texts(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = log_supervision(app, make_user, login, SupervisionPlan("mentor-sagsgennemgang", {
        "Januar 2019": {"hjoerring": (5, 1), "morsoe": (4, 1)}}, seed=8))
    checked, _html, _report = check_supervision(app, client, plan)  # free texts outside the sample marked
    assert checked.figures > 30, vars(checked)
