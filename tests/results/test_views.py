"""Results pages and export jobs through the web: access, filters, anonymity, progress and download."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ExportJob, Municipality
from app.worker import run_pending
from tests.conftest import extract_csrf
from tests.exports.builders import question_sheet
from tests.results.conftest import SLUG


def _municipality_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))


def _start_export(client, exporter: str = "survey", slug: str = SLUG):
    page = client.get("/resultater/")
    token = extract_csrf(page.get_data(as_text=True))
    return client.post("/resultater/eksport", data={"csrf_token": token, "exporter": exporter, "slug": slug})


def _wait_done(client, location: str) -> dict:
    """Let a worker run the queued job (the web app only queues it), then read its status."""
    status_url = location.rstrip("/") + "/status"
    assert client.get(status_url).get_json()["status"] == "queued"
    assert run_pending(client.application)
    return client.get(status_url).get_json()


def test_results_page_needs_a_login(client):
    assert client.get("/resultater/").status_code == 302


def test_coordinator_sees_network_tables_with_an_accessible_chart(client, known_survey, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    html = client.get(f"/resultater/survey/{SLUG}").get_data(as_text=True)
    assert html.count('role="img"') == 2 and "<title id=" in html
    assert "Netværket i alt" in html and "Jammerbugt</th>" not in html
    assert "I nogen grad" in html


def test_the_breakdown_by_municipality_is_shown_on_demand_and_hides_small_groups(app, client, known_survey,
                                                                                  make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    html = client.get(f"/resultater/survey/{SLUG}").get_data(as_text=True)
    assert "Jammerbugt</th>" not in html and "Vis kommunerne" in html
    everything = client.get(f"/resultater/survey/{SLUG}?kommuner=1").get_data(as_text=True)
    assert "Jammerbugt</th>" in everything and "Aalborg</th>" in everything
    rebild = re.findall(r"<tr><th scope=\"row\">Rebild</th>(.*?)</tr>", everything)
    assert rebild and all("skjult" in row for row in rebild)


def test_team_leader_sees_only_the_own_municipality_even_with_a_tampered_filter(app, client, known_survey,
                                                                                 make_user, login):
    _id, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    html = client.get(f"/resultater/survey/{SLUG}?kommuner=1&kommune={_municipality_id(app, 'jammerbugt')}"
                      ).get_data(as_text=True)
    assert "Aalborg</th>" in html
    for other in ("Jammerbugt", "Thisted", "Rebild"):
        assert f"{other}</th>" not in html


def test_waves_are_columns_and_each_change_carries_its_marker(client, known_survey, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    html = client.get(f"/resultater/survey/{SLUG}").get_data(as_text=True)
    assert '<th scope="col" class="num">Januar 2019</th><th scope="col" class="num">Sommer 2020</th>' in html
    assert html.count('class="marker') >= 2
    assert "kan skyldes tilfældigheder" in html or "signifikant (p &lt; 0,05)" in html
    assert "ly_forenklet" not in html  # no internal ids in titles or labels
    assert "<h2 id=\"q-1\">1. I hvor høj grad" in html


def test_choosing_one_wave_shows_only_it(client, known_survey, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    wave = known_survey.wave_ids["Sommer 2020"]
    html = client.get(f"/resultater/survey/{SLUG}?bolge={wave}").get_data(as_text=True)
    assert '<th scope="col" class="num">Sommer 2020</th>' in html
    assert '<th scope="col" class="num">Januar 2019</th>' not in html


def test_the_page_in_english_has_english_headers_and_markers(client, known_survey, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    token = extract_csrf(client.get("/resultater/").get_data(as_text=True))
    client.post("/sprog", data={"csrf_token": token, "lang": "en"})
    html = client.get(f"/resultater/survey/{SLUG}?kommuner=1").get_data(as_text=True)
    assert "Option</th>" in html and "Show municipalities" not in html and "Hide municipalities" in html
    assert "could be chance" in html or "significant (p &lt; 0.05)" in html
    assert "kan skyldes" not in html and "Svarmulighed" not in html


def test_export_is_queued_by_the_request_run_by_a_worker_and_offers_the_files(client, known_survey, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    response = _start_export(client)
    assert response.status_code == 303
    location = response.headers["Location"]
    state = _wait_done(client, location)
    assert state["status"] == "done" and set(state["files"]) == {"xlsx", "csv"}
    page = client.get(location).get_data(as_text=True)
    assert "Hent Excel-filen" in page and "http-equiv" not in page
    download = client.get(state["files"]["xlsx"])
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    assert question_sheet(book, 1).startswith("1. I hvor høj grad")


def test_the_older_field_name_kind_still_starts_an_export(client, known_survey, make_user, login):
    """A results page opened before the field was called "exporter" posts "kind"; it still queues the job."""
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    token = extract_csrf(client.get("/resultater/").get_data(as_text=True))
    response = client.post("/resultater/eksport", data={"csrf_token": token, "kind": "survey", "slug": SLUG})
    assert response.status_code == 303
    assert _wait_done(client, response.headers["Location"])["status"] == "done"


def test_team_leader_export_has_only_the_own_municipality(app, client, known_survey, make_user, login):
    _id, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    location = _start_export(client).headers["Location"]
    state = _wait_done(client, location)
    book = openpyxl.load_workbook(io.BytesIO(client.get(state["files"]["xlsx"]).data))
    sheet = book[question_sheet(book, 1)]
    groups = {row[0] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert {"Netværket i alt", "Aalborg"} <= groups
    assert not groups & {"Jammerbugt", "Thisted", "Rebild"}
    data = {row[1] for row in book["Data"].iter_rows(min_row=6, values_only=True)}
    assert data == {"Aalborg"}


def test_another_users_export_is_not_found(app, client, known_survey, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    location = _start_export(client).headers["Location"]
    _wait_done(client, location)
    other = app.test_client()
    _id2, email2, password2 = make_user("team_leader", "aalborg")
    login(other, email2, password2)
    assert other.get(location).status_code == 404
    assert other.get(location + "/fil.xlsx").status_code == 404


def test_progress_page_refreshes_without_javascript_while_running(app, client, make_user, login):
    user_id, email, password = make_user("coordinator")
    login(client, email, password)
    with app.app_context():
        job = ExportJob(exporter="survey", params={"slug": SLUG}, status="running", progress=40, created_by_id=user_id)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    html = client.get(f"/resultater/eksport/{job_id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in html
    assert 'value="40"' in html and "results.js" in html and "<script>" not in html


def test_an_unknown_export_kind_or_questionnaire_is_refused(client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    assert _start_export(client, "survey", "no-such-questionnaire").status_code == 404
    assert _start_export(client, "everything").status_code == 400


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_export_without_csrf_is_refused(client, known_survey, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)
    assert client.post("/resultater/eksport", data={"exporter": "survey", "slug": SLUG}).status_code == 400
