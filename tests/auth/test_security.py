"""Attacks on accounts: guessing, open redirects, replayed sessions, CSRF, headers, password hashing."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User
from tests.conftest import extract_csrf


def _post_login(client, email, password, headers=None, **extra):
    token = extract_csrf(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token, **extra},
                       headers=headers or {})


def test_many_wrong_passwords_throttle_even_the_right_one(app, client, make_user):
    _uid, email, password = make_user("team_leader", "aalborg")
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        assert _post_login(client, email, "forkert-kodeord").status_code == 200
    blocked = _post_login(client, email, password)
    assert blocked.status_code == 429
    assert "For mange forkerte forsøg" in blocked.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in


def test_throttle_is_per_email(app, client, make_user):
    _uid, victim, _pw = make_user("team_leader", "aalborg")
    _oid, other, other_password = make_user("team_leader", "thisted")
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        _post_login(client, victim, "forkert-kodeord")
    assert _post_login(client, other, other_password).status_code == 302


def test_a_right_password_clears_earlier_failures(app, client, make_user):
    _uid, email, password = make_user("coordinator")
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"] - 1):
        _post_login(client, email, "forkert-kodeord")
    assert _post_login(client, email, password).status_code == 302


OFF_SITE = ["//evil.example", "/\\evil.example", "https://evil.example", "http:evil.example", "\\\\evil.example",
            "///evil.example", " //evil.example"]


def test_next_never_redirects_off_site(app, make_user):
    _uid, email, password = make_user("coordinator")
    for target in OFF_SITE:
        client = app.test_client()
        response = client.post("/login", data={
            "email": email, "password": password, "next": target,
            "csrf_token": extract_csrf(client.get("/login", query_string={"next": target}).get_data(as_text=True))})
        assert response.status_code == 302, target
        assert response.headers["Location"] in ("/", "http://localhost/"), target
        # Already logged in: the login page redirects at once, and still never off-site.
        again = client.get("/login", query_string={"next": target})
        assert again.headers["Location"] in ("/", "http://localhost/"), target


def test_next_to_a_local_page_is_followed(app, client, make_user):
    _uid, email, password = make_user("coordinator")
    response = _post_login(client, email, password, next="/tilsyn/")
    assert response.headers["Location"].endswith("/tilsyn/")


def test_logout_ends_the_session_on_the_server(app, client, make_user, login):
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get("/").status_code == 200
    stolen = client.get_cookie("session").value
    token = extract_csrf(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    client.set_cookie("session", stolen)
    replay = client.get("/", follow_redirects=True)
    assert "Log ind" in replay.get_data(as_text=True) and replay.request.path == "/login"


@pytest.mark.parametrize("path", ["/login", "/logout"])
def test_login_and_logout_refuse_posts_without_csrf(app, client, make_user, login, path):
    _uid, email, password = make_user("coordinator")
    if path == "/logout":
        login(client, email, password)
    response = client.post(path, data={"email": email, "password": password})
    assert response.status_code == 400
    if path == "/logout":
        assert client.get("/").status_code == 200  # still logged in
    else:
        assert client.get("/").status_code == 302


def test_security_headers_on_every_page(app, client, make_user, login):
    anonymous = app.test_client()
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    responses = [anonymous.get("/login"), anonymous.get("/glemt-adgangskode"), anonymous.get("/reset/x"),
                 anonymous.get("/tilsyn/")]
    responses += [client.get(p) for p in ("/", "/tilsyn/", "/tilsyn/runder/ny", "/tilsyn/evalueringsskemaer",
                                          "/does-not-exist", "/static/style.css")]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


FOREIGN = [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Origin": "http://localhost.evil.example"},
           {"Origin": "https://localhost"}, {"Referer": "https://evil.example/login"}]


@pytest.mark.parametrize("headers", FOREIGN, ids=lambda h: "-".join(f"{k}:{v}" for k, v in h.items()))
def test_a_post_from_another_site_is_refused_even_with_a_valid_token(app, client, make_user, headers):
    _uid, email, password = make_user("coordinator")
    refused = _post_login(client, email, password, headers=headers)
    assert refused.status_code == 400 and "Siden er udløbet" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in
    own = {"Origin": "http://localhost", "Referer": "http://localhost/login"}
    assert _post_login(client, email, password, headers=own).status_code == 302


def test_the_answer_form_checks_its_own_token_and_refuses_another_site_too(app, client):
    from tests.answering.helpers import open_wave, post_answers, responses, start

    _wave, [(_id, token), *_] = open_wave(app)
    page = start(client, token)
    client.environ_base["HTTP_ORIGIN"] = "https://evil.example"
    assert post_answers(client, {}, action="draft", page=page).status_code == 400
    assert responses(app) == []
    client.environ_base["HTTP_ORIGIN"] = "http://localhost"
    assert post_answers(client, {}, action="draft", page=page).status_code in (200, 302)
    assert len(responses(app)) == 1


def test_over_https_the_token_and_a_same_origin_referer_are_both_still_needed(app, make_user):
    _uid, email, password = make_user("coordinator")
    client = app.test_client()
    site = "https://localhost"
    token = extract_csrf(client.get("/login", base_url=site).get_data(as_text=True))
    form = {"email": email, "password": password}
    same_site = {"Origin": site, "Referer": f"{site}/login"}
    assert client.post("/login", data=form, headers=same_site, base_url=site).status_code == 400
    with_token = {**form, "csrf_token": token}
    assert client.post("/login", data=with_token, headers={"Origin": site}, base_url=site).status_code == 400
    logged_in = client.post("/login", data=with_token, headers=same_site, base_url=site)
    assert logged_in.status_code == 302


def test_session_cookie_is_httponly_and_samesite(app, client, make_user):
    _uid, email, password = make_user("coordinator")
    response = _post_login(client, email, password)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_hsts_is_sent():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE and ProductionConfig.HSTS


def test_passwords_are_argon2id_and_rehashed_when_parameters_change(app, client, make_user, monkeypatch):
    from argon2 import PasswordHasher

    from app.auth import passwords

    uid, email, password = make_user("coordinator")
    with app.app_context():
        old_hash = db.session.get(User, uid).password_hash
    assert old_hash.startswith("$argon2id$")
    stronger = PasswordHasher(time_cost=passwords._hasher.time_cost + 1)
    monkeypatch.setattr(passwords, "_hasher", stronger)
    assert _post_login(client, email, password).status_code == 302
    with app.app_context():
        new_hash = db.session.get(User, uid).password_hash
    assert new_hash != old_hash and new_hash.startswith("$argon2id$")
    assert f"t={stronger.time_cost}" in new_hash
    assert stronger.verify(new_hash, password)


def test_accounts_on_an_internal_domain_can_log_in(app, client, make_user):
    """The demo users live on boelge.local, a special-use domain strict e-mail validators refuse."""
    _uid, email, password = make_user("coordinator", email="koordinator@boelge.local")
    assert _post_login(client, email, password).status_code == 302
    assert client.get("/").status_code == 200


def test_a_malformed_address_is_a_field_error(app, client):
    response = _post_login(client, "ikke-en-adresse", "hvad-som-helst")
    assert response.status_code == 200 and "Skriv en gyldig e-mailadresse" in response.get_data(as_text=True)
