"""Seed E: citizens' yearly satisfaction, answered anonymously, and the caseworker survey of "Fleksibelt
kontaktforløb for integrationsborgere" (Vesthimmerland).

Citizens answer the municipality links the coordinator's wave page hands out; some answered the wave's old
one link while the wave had two municipalities, so their answers name no municipality: they count in the
network total and as the group "Uden kommune", under the same anonymity rule (4 such answers are hidden,
6 are shown)."""
from __future__ import annotations

import io

import docx

from tests.conftest import extract_csrf
from tests.seeds.harness import NETWORK, NO_MUNICIPALITY, SurveyPlan, answer_survey, check_survey, download


def _coordinator(client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)


def test_seed_e_citizen_satisfaction_yearly_with_answers_of_no_municipality(app, client, make_user, login):
    _coordinator(client, make_user, login)
    plan = answer_survey(app, client, SurveyPlan("borgertilfredshed", {
        "Borgere 2019": {"vesthimmerland": (0, 9), "frederikshavn": (0, 3)},
        "Borgere 2020": {"vesthimmerland": (0, 11), "frederikshavn": (0, 5)}},
        seed=5, wave_wide={"Borgere 2019": 4, "Borgere 2020": 6}))
    assert len(plan.answers["Borgere 2019"][NO_MUNICIPALITY]) == 4
    assert len(plan.answers["Borgere 2020"][NETWORK]) == 22
    checked = check_survey(app, client, plan)
    assert checked.figures > 150 and checked.hidden > 20, vars(checked)

    # in English the group is "No municipality", on the page and in Bilag 2
    page = client.get("/resultater/").get_data(as_text=True)
    client.post("/sprog", data={"lang": "en", "csrf_token": extract_csrf(page), "next": "/resultater/"})
    html = client.get("/resultater/survey/borgertilfredshed?kommuner=1").get_data(as_text=True)
    assert "No municipality</th>" in html and NO_MUNICIPALITY not in html
    report = docx.Document(io.BytesIO(download(client, "report-survey", plan.slug, plan.wave_ids.values())["docx"]))
    cells = {c.text for t in report.tables for row in t.rows for c in row.cells}
    assert "No municipality" in cells and NO_MUNICIPALITY not in cells


def test_seed_e_citizens_of_the_flexible_contact_course(app, client, make_user, login):
    _coordinator(client, make_user, login)
    plan = answer_survey(app, client, SurveyPlan("kontaktforloeb-borger", {
        "Borgere 2019": {"vesthimmerland": (0, 8)}, "Borgere 2020": {"vesthimmerland": (0, 12)}}, seed=6))
    checked = check_survey(app, client, plan)
    assert checked.figures > 100, vars(checked)


def test_seed_e_caseworkers_of_the_flexible_contact_course(app, client, make_user, login):
    _coordinator(client, make_user, login)
    plan = answer_survey(app, client, SurveyPlan("kontaktforloeb-sagsbehandler", {
        "Januar 2019": {"vesthimmerland": (9, 7)}, "Januar 2020": {"vesthimmerland": (9, 8)}}, seed=7))
    checked = check_survey(app, client, plan)
    assert checked.figures > 100, vars(checked)
