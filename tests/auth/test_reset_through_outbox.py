"""Forgot-password answers alike for known and unknown addresses: the mail goes through the outbox."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Message, utcnow
from app.scheduler import tick
from tests.auth.test_password_reset import _link_from, _request_reset, _set_new_password
from tests.support.smtp import RecordingSMTPServer


def _outbox(app) -> list[Message]:
    with app.app_context():
        return list(db.session.scalars(select(Message).order_by(Message.id)))


def test_a_known_address_answers_exactly_like_an_unknown_one_and_sends_no_mail_inside_the_request(
        app, make_user):
    server = RecordingSMTPServer()  # configured, but not started: sending inside the request would fail
    app.config.update({"MAIL_BACKEND": "smtp", "SMTP_HOST": server.host, "SMTP_PORT": server.port})
    _uid, email, _pw = make_user("coordinator")
    answers = []
    for address in (email, "ukendt@example.dk"):
        client = app.test_client()
        response = _request_reset(client, address)
        page = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"],
                        re.sub(r'value="[^"]+"', "", page.get_data(as_text=True))))
    assert answers[0] == answers[1]
    [queued] = _outbox(app)
    assert queued.recipient == email and queued.status == "pending" and queued.purpose.startswith("password-reset")
    assert queued.body is None and queued.subject is None  # no working link is ever stored


def test_a_reset_mail_queued_while_smtp_was_down_is_sent_by_the_scheduler_and_works(app, make_user):
    server = RecordingSMTPServer()
    app.config.update({"MAIL_BACKEND": "smtp", "SMTP_HOST": server.host, "SMTP_PORT": server.port})
    _uid, email, _pw = make_user("team_leader", "aalborg")
    client = app.test_client()
    assert _request_reset(client, email).status_code == 302
    server.start()
    try:
        with app.app_context():
            tick(utcnow() + timedelta(minutes=5))
        [message] = server.messages
        assert message["To"] == email
        path = _link_from(message)
    finally:
        server.stop()
    assert _set_new_password(client, path, "en-helt-ny-adgangskode").status_code == 302
    assert [m.status for m in _outbox(app)] == ["sent"]


def test_the_reset_mail_is_written_in_the_language_it_was_asked_for(app, make_user, smtp_server):
    from tests.conftest import extract_csrf

    app.config.update(smtp_server.config())
    _uid, email, _pw = make_user("coordinator")
    client = app.test_client()
    token = extract_csrf(client.get("/login").get_data(as_text=True))
    client.post("/sprog", data={"lang": "en", "next": "/login", "csrf_token": token})
    _request_reset(client, email)
    with app.app_context():
        tick(utcnow())
    [message] = smtp_server.messages
    body = message.get_payload(decode=True).decode("utf-8")
    assert "asked to reset your" in body and "/reset/" in body
