"""A user's own page: change password (current one required), end other sessions, recent logins."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.passwords import verify_password
from app.extensions import db
from app.models import LoginEvent, User
from tests.conftest import extract_csrf


def _csrf(client) -> str:
    return extract_csrf(client.get("/konto").get_data(as_text=True))


def test_changing_the_password_needs_the_current_one(app, client, make_user, login):
    uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    response = client.post("/konto/adgangskode", data={
        "current": "ikke-den-rigtige", "password": "ny-og-lang-kode", "confirm": "ny-og-lang-kode",
        "csrf_token": _csrf(client)})
    assert response.status_code == 400 and "nuværende adgangskode er forkert" in response.get_data(as_text=True)
    with app.app_context():
        assert verify_password(db.session.get(User, uid).password_hash, password)[0]


def test_a_new_password_keeps_this_session_and_ends_the_others(app, client, make_user, login):
    uid, email, password = make_user("coordinator")
    other = app.test_client()
    login(client, email, password)
    login(other, email, password)
    response = client.post("/konto/adgangskode", data={
        "current": password, "password": "ny-og-lang-kode", "confirm": "ny-og-lang-kode",
        "csrf_token": _csrf(client)})
    assert response.status_code == 302
    assert client.get("/konto").status_code == 200
    assert other.get("/konto").status_code == 302
    with app.app_context():
        stored = db.session.get(User, uid).password_hash
        assert stored.startswith("$argon2id$") and verify_password(stored, "ny-og-lang-kode")[0]


def test_logging_out_every_other_session(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    other = app.test_client()
    login(client, email, password)
    login(other, email, password)
    assert client.post("/konto/andre-sessioner", data={"csrf_token": _csrf(client)}).status_code == 302
    assert client.get("/konto").status_code == 200
    assert other.get("/konto").status_code == 302


def test_the_own_page_lists_recent_logins(app, client, make_user, login):
    uid, email, password = make_user("team_leader", "thisted")
    for _n in range(2):
        login(app.test_client(), email, password)
    login(client, email, password)
    html = client.get("/konto").get_data(as_text=True)
    assert html.count("<td>Adgangskode</td>") == 3 and "127.0.0.1" in html
    with app.app_context():
        assert db.session.scalar(select(LoginEvent.method).where(LoginEvent.user_id == uid)) == "password"


def test_a_failed_login_is_not_listed(app, client, make_user, login):
    uid, email, password = make_user("coordinator")
    login(app.test_client(), email, "forkert-forkert")
    with app.app_context():
        assert db.session.scalar(select(LoginEvent.id).where(LoginEvent.user_id == uid)) is None


@pytest.mark.parametrize("path", ["/konto/adgangskode", "/konto/andre-sessioner", "/konto/gendannelseskoder",
                                  "/konto/totrinsgodkendelse", "/konto/totrinsgodkendelse/slaa-fra", "/login/kode"])
def test_own_account_posts_without_csrf_are_refused(app, client, make_user, login, path):
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    version = None
    with app.app_context():
        version = db.session.get(User, uid).session_version
    response = client.post(path, data={"current": password, "password": "ny-og-lang-kode",
                                       "confirm": "ny-og-lang-kode", "code": "123456"})
    assert response.status_code == 400
    with app.app_context():
        user = db.session.get(User, uid)
        assert user.session_version == version and verify_password(user.password_hash, password)[0]
