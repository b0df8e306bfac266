"""Seed C: Forenkling af bevillingsgrundlaget for revalidering (Vesthimmerland, Thisted, Jammerbugt, Aalborg): the
adviser survey half a year after the start, its themes asked only after the screening question, and the shared
LÆ265 supervision section answered per reviewed case in all four municipalities."""
from __future__ import annotations

from tests.seeds.harness import SupervisionPlan, SurveyPlan, answer_survey, check_supervision, check_survey, log_supervision


def test_seed_c_adviser_survey_with_screening(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = answer_survey(app, client, SurveyPlan("revalidering-raadgiver", {
        "Januar 2019": {"vesthimmerland": (8, 7), "thisted": (7, 6), "jammerbugt": (6, 4), "aalborg": (14, 12)}},
        seed=3))
    checked = check_survey(app, client, plan)
    assert checked.figures > 100 and checked.hidden > 10, vars(checked)


def test_seed_c_shared_lae265_supervision_in_four_municipalities(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = log_supervision(app, make_user, login, SupervisionPlan("revalidering-tilsyn", {
        "Juli 2019": {"vesthimmerland": (4, 0), "thisted": (3, 1), "jammerbugt": (3, 0), "aalborg": (6, 0)},
        "Juli 2020": {"vesthimmerland": (3, 0), "thisted": (4, 0), "jammerbugt": (2, 0), "aalborg": (5, 1)}},
        seed=9))
    checked, _html, _report = check_supervision(app, client, plan)
    assert checked.figures > 300, vars(checked)
