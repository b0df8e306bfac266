"""The scheduler heartbeat: each tick records one; coordinator pages warn after three missed intervals."""
from __future__ import annotations

from datetime import timedelta

from app import heartbeat
from app.extensions import db
from app.models import Heartbeat, utcnow
from app.scheduler import tick
from tests.conftest import extract_csrf

WARNING_DA = "Planlæggeren kører ikke: runder åbner ikke, og mails bliver ikke sendt"
WARNING_EN = "The scheduler is not running: waves do not open and mails are not sent"


def _log_in(client, make_user, login, role: str = "coordinator", municipality: str | None = None) -> None:
    _id, email, password = make_user(role, municipality)
    login(client, email, password)


def _beat(app, age: timedelta) -> None:
    with app.app_context():
        heartbeat.record(utcnow() - age)


def test_a_scheduler_that_never_ran_is_shown_on_coordinator_pages(client, make_user, login):
    _log_in(client, make_user, login)
    for path in ("/", "/runder/", "/resultater/"):
        html = client.get(path).get_data(as_text=True)
        assert WARNING_DA in html and "Den har ikke kørt endnu." in html, path


def test_a_tick_records_a_heartbeat_and_the_warning_goes(app, client, make_user, login):
    _log_in(client, make_user, login)
    with app.app_context():
        assert tick(utcnow()) is not None
        row = db.session.get(Heartbeat, heartbeat.SCHEDULER)
        assert row.interval_seconds == app.config["SCHEDULER_INTERVAL_SECONDS"] and ":" in row.process
    assert WARNING_DA not in client.get("/").get_data(as_text=True)


def test_the_warning_comes_after_three_missed_intervals_and_not_before(app, client, make_user, login):
    _log_in(client, make_user, login)
    interval = app.config["SCHEDULER_INTERVAL_SECONDS"]
    _beat(app, timedelta(seconds=2 * interval))
    assert WARNING_DA not in client.get("/").get_data(as_text=True)
    _beat(app, timedelta(seconds=3 * interval + 5))
    html = client.get("/").get_data(as_text=True)
    assert WARNING_DA in html and "Seneste kørsel:" in html and 'role="alert"' in html


def test_the_warning_uses_the_interval_the_scheduler_runs_with(app, client, make_user, login):
    """A scheduler started with a longer interval than the web app's setting is not reported as stopped."""
    _log_in(client, make_user, login)
    app.config["SCHEDULER_INTERVAL_SECONDS"] = 300
    _beat(app, timedelta(minutes=10))
    app.config["SCHEDULER_INTERVAL_SECONDS"] = 30
    assert WARNING_DA not in client.get("/").get_data(as_text=True)


def test_a_second_record_updates_the_one_row(app):
    with app.app_context():
        heartbeat.record(utcnow() - timedelta(hours=1))
        heartbeat.record(utcnow())
        assert db.session.query(Heartbeat).count() == 1
        assert heartbeat.scheduler_stopped() is None


def test_the_warning_is_in_english_too(client, make_user, login):
    _log_in(client, make_user, login)
    token = extract_csrf(client.get("/").get_data(as_text=True))
    client.post("/sprog", data={"csrf_token": token, "lang": "en", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert WARNING_EN in html and WARNING_DA not in html and "It has not run yet." in html


def test_team_leaders_and_respondents_are_not_shown_the_warning(client, make_user, login):
    assert WARNING_DA not in client.get("/login").get_data(as_text=True)
    _log_in(client, make_user, login, "team_leader", "aalborg")
    assert WARNING_DA not in client.get("/").get_data(as_text=True)
