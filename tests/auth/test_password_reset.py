"""Password reset by e-mail link: sent through real SMTP, expires, works once, and reveals no accounts."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import ThrottleEvent, User
from tests.conftest import extract_csrf


def _request_reset(client, email):
    token = extract_csrf(client.get("/glemt-adgangskode").get_data(as_text=True))
    response = client.post("/glemt-adgangskode", data={"email": email, "csrf_token": token})
    response.close()  # as a WSGI server does once the response is sent: the queued mail goes then
    return response


def _link_from(message) -> str:
    body = message.get_payload(decode=True).decode("utf-8")
    return re.search(r"http://localhost(/reset/\S+)", body).group(1)


def _set_new_password(client, path, password):
    token = extract_csrf(client.get(path).get_data(as_text=True))
    return client.post(path, data={"password": password, "confirm": password, "csrf_token": token})


def test_reset_link_is_mailed_and_works_once(app, client, make_user, login, smtp_server):
    app.config.update(smtp_server.config())
    uid, email, old_password = make_user("team_leader", "aalborg")
    other_session = app.test_client()
    login(other_session, email, old_password)
    assert _request_reset(client, email).status_code == 302
    [message] = smtp_server.messages
    assert message["To"] == email
    path = _link_from(message)
    assert _set_new_password(client, path, "en-helt-ny-adgangskode").status_code == 302
    assert login(client, email, "en-helt-ny-adgangskode").status_code == 302
    assert other_session.get("/").status_code == 302  # every old session ended
    # The same link a second time: refused.
    second = client.get(path)
    assert second.status_code == 404 and "udløbet eller allerede brugt" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, uid).password_hash.startswith("$argon2id$")


def test_reset_link_expires(app, client, make_user, smtp_server):
    app.config.update(smtp_server.config())
    _uid, email, _pw = make_user("coordinator")
    _request_reset(client, email)
    path = _link_from(smtp_server.messages[0])
    app.config["PASSWORD_RESET_MAX_AGE"] = -1  # every link is now older than allowed
    response = _set_new_password(client, path, "en-helt-ny-adgangskode")
    assert response.status_code == 404


def test_tampered_token_is_refused(app, client, make_user, smtp_server):
    app.config.update(smtp_server.config())
    _uid, email, _pw = make_user("coordinator")
    _request_reset(client, email)
    path = _link_from(smtp_server.messages[0])
    assert client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB")).status_code == 404
    assert client.get("/reset/not-a-token").status_code == 404


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client, smtp_server):
    app.config.update(smtp_server.config())
    response = _request_reset(client, "ingen@example.dk")
    assert response.status_code == 302
    assert "Hvis adressen har en konto" in client.get("/login").get_data(as_text=True)
    assert smtp_server.messages == []


def test_reset_requests_are_throttled(app, client, make_user, smtp_server):
    app.config.update(smtp_server.config())
    _uid, email, _pw = make_user("coordinator")
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        assert _request_reset(client, email).status_code == 302
    assert _request_reset(client, email).status_code == 429
    assert len(smtp_server.messages) == app.config["LOGIN_MAX_ATTEMPTS"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ThrottleEvent).where(ThrottleEvent.scope == "reset")) > 0


def test_mail_server_down_still_answers_the_same(app, client, make_user):
    app.config.update({"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": 1, "SMTP_TIMEOUT": 2})
    _uid, email, _pw = make_user("coordinator")
    assert _request_reset(client, email).status_code == 302


def test_mismatched_confirmation_keeps_the_password(app, client, make_user, login, smtp_server):
    app.config.update(smtp_server.config())
    _uid, email, password = make_user("coordinator")
    _request_reset(client, email)
    path = _link_from(smtp_server.messages[0])
    token = extract_csrf(client.get(path).get_data(as_text=True))
    response = client.post(path, data={"password": "en-helt-ny-adgangskode", "confirm": "noget-andet-helt",
                                       "csrf_token": token})
    assert response.status_code == 200 and "ikke ens" in response.get_data(as_text=True)
    assert login(app.test_client(), email, password).status_code == 302
