"""Coordinator pages: plan, schedule, repeat, edit rules, preview, rates, manual reminders, links."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import Message, Municipality, Respondent, Wave
from app.questionnaires.service import latest_version
from tests.conftest import extract_csrf
from tests.waves.factories import add_respondents, add_wave, open_wave_with_invitations, submit_response


def _coordinator(client, make_user, login):
    _id, email, password = make_user("coordinator")
    login(client, email, password)


def _ids(app, *slugs):
    with app.app_context():
        return [m.id for m in db.session.scalars(select(Municipality).where(Municipality.slug.in_(slugs)))]


def test_plan_a_wave_in_copenhagen_time_and_schedule_it(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        version_id = latest_version("ledighedsydelse-raadgiver").id
    page = client.get("/runder/ny")
    assert page.status_code == 200
    response = client.post("/runder/ny", data={
        "csrf_token": extract_csrf(page.get_data(as_text=True)), "version_id": version_id, "label": "Januar 2027",
        "opens_local": "2027-01-11T09:00", "closes_local": "2027-07-01T12:00",
        "municipality_ids": _ids(app, "aalborg", "thisted"), "reminder_days": "14, 7"})
    assert response.status_code == 302
    with app.app_context():
        wave = db.session.scalar(select(Wave))
        assert wave.opens_at == datetime(2027, 1, 11, 8, 0, tzinfo=timezone.utc)   # winter time, UTC+1
        assert wave.closes_at == datetime(2027, 7, 1, 10, 0, tzinfo=timezone.utc)  # summer time, UTC+2
        assert wave.reminder_days == [7, 14] and wave.status == "draft"
        wave_id = wave.id
    detail = client.get(f"/runder/{wave_id}").get_data(as_text=True)
    assert "11.01.2027 09:00" in detail and "Kladde" in detail
    client.post(f"/runder/{wave_id}/planlaeg", data={"csrf_token": extract_csrf(detail)})
    with app.app_context():
        assert db.session.get(Wave, wave_id).status == "scheduled"
    assert "Planlagt" in client.get("/runder/").get_data(as_text=True)


def test_form_errors_are_shown_in_danish(app, client, make_user, login):
    _coordinator(client, make_user, login)
    page = client.get("/runder/ny")
    response = client.post("/runder/ny", data={"csrf_token": extract_csrf(page.get_data(as_text=True)),
                                               "label": "", "opens_local": "2027-01-11T09:00",
                                               "closes_local": "2027-01-01T09:00", "reminder_days": "syv"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv et navn." in html and "Lukketidspunktet skal ligge efter" in html and "hele dage" in html


def test_repeat_a_wave_keeps_questions_and_audience(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        first = add_wave(status="closed", municipalities=("aalborg", "rebild"))
        db.session.commit()
        first_id, version_id = first.id, first.questionnaire_version_id
    page = client.get(f"/runder/ny?gentag={first_id}")
    html = page.get_data(as_text=True)
    assert "Gentager" in html and "checked" in html
    response = client.post(f"/runder/ny?gentag={first_id}", data={
        "csrf_token": extract_csrf(html), "version_id": version_id, "label": "Sommer 2027",
        "opens_local": "2027-06-01T09:00", "closes_local": "2027-06-30T16:00",
        "municipality_ids": _ids(app, "aalborg", "rebild"), "reminder_days": "7"})
    assert response.status_code == 302
    with app.app_context():
        second = db.session.scalar(select(Wave).where(Wave.label == "Sommer 2027"))
        assert second.repeats_id == first_id and second.questionnaire_version_id == version_id
        assert {m.slug for m in second.municipalities} == {"aalborg", "rebild"}


def test_an_open_wave_cannot_be_edited(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        wave = add_wave(status="open")
        db.session.commit()
        wave_id, label = wave.id, wave.label
    page = client.get(f"/runder/{wave_id}")
    response = client.post(f"/runder/{wave_id}/rediger", data={"csrf_token": extract_csrf(page.get_data(as_text=True)),
                                                               "label": "Ændret"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Wave, wave_id).label == label


def test_rates_preview_manual_reminder_and_links(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        add_respondents({"aalborg": 1}, prefix="farlig")
        db.session.scalar(select(Respondent).where(Respondent.email.like("farlig%"))).name = "=HYPERLINK(\"x\")"
        wave, invitations = open_wave_with_invitations({"aalborg": 2, "rebild": 2})
        submit_response(invitations[0][0], wave.opens_at)
        invitations[1][0].opened_at = wave.opens_at
        db.session.commit()
        wave_id, first_email = wave.id, invitations[0][0].respondent.email
    html = client.get(f"/runder/{wave_id}").get_data(as_text=True)
    assert "Aalborg" in html and "Rebild" in html and "I alt" in html
    total_row = html.split('class="total"')[1].split("</tr>")[0]
    assert [int(n) for n in __import__("re").findall(r'class="num">(\d+)<', total_row)] == [5, 2, 1]
    preview = client.get(f"/runder/{wave_id}/forhaandsvisning").get_data(as_text=True)
    assert "I hvor høj grad har fritagelse" in preview and "<legend>" in preview
    client.post(f"/runder/{wave_id}/paamindelse", data={"csrf_token": extract_csrf(html)})
    client.post(f"/runder/{wave_id}/paamindelse", data={"csrf_token": extract_csrf(html)})
    with app.app_context():
        kinds = db.session.execute(select(Message.purpose, func.count()).where(Message.purpose.like("manual-%"))
                                   .group_by(Message.purpose)).all()
        assert sorted(kinds) == [("manual-1", 4), ("manual-2", 4)]
        assert first_email not in set(db.session.scalars(select(Message.recipient).where(Message.purpose == "manual-1")))
    download = client.get(f"/runder/{wave_id}/links.xlsx")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Navn", "E-mail", "Kommune", "Personligt link") and len(rows) == 6
    assert all(r[3].startswith("http://localhost/s/") for r in rows[1:])
    assert "'=HYPERLINK(\"x\")" in [r[0] for r in rows]
    assert sum(1 for r in rows[1:] if r[4] == "ja") == 1


def test_waves_pages_are_for_coordinators_only(app, client, make_user, login):
    _id, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get("/runder/").status_code == 403
    assert client.get("/runder/respondenter").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/runder/").status_code in (302, 401)


def test_a_scheduled_wave_opening_in_the_past_cannot_be_scheduled_when_already_closed(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        wave = add_wave(status="draft", opens=datetime(2020, 1, 1, tzinfo=timezone.utc),
                        closes=datetime(2020, 2, 1, tzinfo=timezone.utc))
        db.session.commit()
        wave_id = wave.id
    page = client.get(f"/runder/{wave_id}").get_data(as_text=True)
    response = client.post(f"/runder/{wave_id}/planlaeg", data={"csrf_token": extract_csrf(page)}, follow_redirects=True)
    assert "Lukketidspunktet er allerede passeret" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Wave, wave_id).status == "draft"
        assert db.session.get(Wave, wave_id).closes_at - db.session.get(Wave, wave_id).opens_at == timedelta(days=31)


def test_planning_a_wave_outside_the_questionnaires_experiment_asks_for_confirmation(app, client, make_user, login):
    # Ledighedsydelse runs in Aalborg, Jammerbugt, Thisted and Rebild; Læsø is outside it.
    _coordinator(client, make_user, login)
    with app.app_context():
        version_id = latest_version("ledighedsydelse-raadgiver").id
    page = client.get("/runder/ny")
    form = {"csrf_token": extract_csrf(page.get_data(as_text=True)), "version_id": version_id, "label": "Januar 2027",
            "opens_local": "2027-01-11T09:00", "closes_local": "2027-02-01T12:00",
            "municipality_ids": _ids(app, "aalborg", "laesoe"), "reminder_days": ""}
    warned = client.post("/runder/ny", data=form)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 200 and "Læsø deltager ikke i spørgeskemaets forsøg." in html
    assert "Aalborg deltager" not in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Wave)) == 0
    confirmed = client.post("/runder/ny", data={**form, "confirm_outside": "1"})
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Wave)) == 1


def test_planning_inside_the_experiment_needs_no_confirmation(app, client, make_user, login):
    _coordinator(client, make_user, login)
    with app.app_context():
        version_id = latest_version("ledighedsydelse-raadgiver").id
    page = client.get("/runder/ny")
    response = client.post("/runder/ny", data={
        "csrf_token": extract_csrf(page.get_data(as_text=True)), "version_id": version_id, "label": "Januar 2027",
        "opens_local": "2027-01-11T09:00", "closes_local": "2027-02-01T12:00",
        "municipality_ids": _ids(app, "aalborg", "rebild"), "reminder_days": ""})
    assert response.status_code == 302
