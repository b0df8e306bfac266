"""Seed C: Forenkling af bevillingsgrundlaget for revalidering (Vesthimmerland, Thisted, Jammerbugt, Aalborg): the
adviser survey half a year after the start, its themes asked only after the screening question, and the shared
LÆ265 supervision section answered per reviewed case in all four municipalities."""
from __future__ import annotations

from tests.seeds.harness import SurveyPlan, answer_survey, check_survey


def test_seed_c_adviser_survey_with_screening(app, client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    plan = answer_survey(app, client, SurveyPlan("revalidering-raadgiver", {
        "Januar 2019": {"vesthimmerland": (8, 7), "thisted": (7, 6), "jammerbugt": (6, 4), "aalborg": (14, 12)}},
        seed=3))
    checked = check_survey(app, client, plan)
    assert checked.figures > 100 and checked.hidden > 10, vars(checked)
