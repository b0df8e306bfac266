"""TOTP as a second factor: enrolment, the login step, replay, throttling, recovery codes, REQUIRE_2FA."""
from __future__ import annotations

import hashlib

import pyotp
import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import AuditEntry, RecoveryCode, User
from tests.account.helpers import code_step, enrol, password_step, use_clock


def _signed_in(client) -> bool:
    response = client.get("/konto")
    return response.status_code == 200 and "Min konto" in response.get_data(as_text=True)


def test_enrolled_user_needs_the_current_code_after_the_password(app, client, make_user, login):
    clock = use_clock(app)
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    secret, _codes = enrol(client, clock)
    client.post("/logout", data={"csrf_token": _csrf(client)})

    clock.step()
    first = password_step(client, email, password)
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/kode")
    assert client.get("/konto").status_code == 302  # the password alone does not sign in
    done = code_step(client, pyotp.TOTP(secret).at(clock()))
    assert done.status_code == 302 and done.headers["Location"].endswith("/")
    assert _signed_in(client)


def _csrf(client) -> str:
    from tests.conftest import extract_csrf

    return extract_csrf(client.get("/konto").get_data(as_text=True))


def test_a_wrong_or_stale_code_is_refused(app, client, make_user, login):
    clock = use_clock(app)
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    secret, _codes = enrol(client, clock)
    client.post("/logout", data={"csrf_token": _csrf(client)})
    clock.step(10)
    password_step(client, email, password)
    old = pyotp.TOTP(secret).at(clock.now.timestamp() - 30 * 5)
    refused = code_step(client, old)
    assert refused.status_code == 200 and "Koden passer ikke" in refused.get_data(as_text=True)
    assert not _signed_in(client)


def test_a_used_code_cannot_be_replayed(app, client, make_user, login):
    clock = use_clock(app)
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    secret, _codes = enrol(client, clock)  # uses the code of this time step
    client.post("/logout", data={"csrf_token": _csrf(client)})
    password_step(client, email, password)
    replay = code_step(client, pyotp.TOTP(secret).at(clock()))
    assert "Koden passer ikke, eller den er allerede brugt" in replay.get_data(as_text=True)
    clock.step()
    assert code_step(client, pyotp.TOTP(secret).at(clock())).status_code == 302


def test_wrong_codes_are_throttled_like_passwords(app, client, make_user, login):
    clock = use_clock(app)
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    secret, _codes = enrol(client, clock)
    client.post("/logout", data={"csrf_token": _csrf(client)})
    clock.step()
    password_step(client, email, password)
    for _n in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        assert code_step(client, "000000").status_code == 200
    blocked = code_step(client, pyotp.TOTP(secret).at(clock()))  # even the right code now waits
    assert blocked.status_code == 429
    assert not _signed_in(client)


def test_recovery_codes_are_stored_hashed_and_work_once(app, client, make_user, login):
    clock = use_clock(app)
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    _secret, codes = enrol(client, clock)
    with app.app_context():
        stored = set(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == uid)))
    assert len(stored) == 10
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert hashlib.sha256(codes[0].replace("-", "").encode()).hexdigest() in stored

    client.post("/logout", data={"csrf_token": _csrf(client)})
    password_step(client, email, password)
    assert code_step(client, codes[0].lower()).status_code == 302
    assert _signed_in(client)
    client.post("/logout", data={"csrf_token": _csrf(client)})
    password_step(client, email, password)
    assert "Koden passer ikke" in code_step(client, codes[0]).get_data(as_text=True)
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "user")))
    assert "recovery_code_used" in actions and "totp_enabled" in actions


def test_enrolment_refuses_a_wrong_code_and_keeps_the_factor_off(app, client, make_user, login):
    use_clock(app)
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get("/konto/totrinsgodkendelse").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    from tests.conftest import extract_csrf

    response = client.post("/konto/totrinsgodkendelse", data={"code": "123456", "csrf_token": extract_csrf(page)})
    assert "Koden passer ikke" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, uid).totp_confirmed_at is None


def test_require_2fa_coordinator_sends_a_coordinator_to_enrolment_first(app, client, make_user, login):
    app.config["REQUIRE_2FA"] = "coordinator"
    clock = use_clock(app)
    _cid, email, password = make_user("coordinator")
    login(client, email, password)
    assert client.get("/runder/").headers["Location"].endswith("/konto/totrinsgodkendelse")
    enrol(client, clock)
    assert client.get("/runder/").status_code == 200
    # Once it is required it cannot be switched off by the user.
    from tests.conftest import extract_csrf

    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    client.post("/konto/totrinsgodkendelse/slaa-fra", data={"password": password, "csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == email)).has_second_factor


def test_require_2fa_coordinator_leaves_team_leaders_with_a_password(app, client, make_user, login):
    app.config["REQUIRE_2FA"] = "coordinator"
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get("/tilsyn/").status_code == 200


def test_require_2fa_all_includes_team_leaders(app, client, make_user, login):
    app.config["REQUIRE_2FA"] = "all"
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get("/tilsyn/").headers["Location"].endswith("/konto/totrinsgodkendelse")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_production_requires_coordinators_and_development_nobody(database_url, monkeypatch):
    monkeypatch.delenv("REQUIRE_2FA", raising=False)
    import config

    assert config.ProductionConfig.REQUIRE_2FA == "coordinator"
    assert config.DevelopmentConfig.REQUIRE_2FA == "none"
    with pytest.raises(RuntimeError, match="REQUIRE_2FA"):
        create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url, "REQUIRE_2FA": "sometimes"})


def test_user_switches_the_factor_off_with_the_password(app, client, make_user, login):
    clock = use_clock(app)
    uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    enrol(client, clock)
    from tests.conftest import extract_csrf

    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    client.post("/konto/totrinsgodkendelse/slaa-fra", data={"password": "forkert-kode-123", "csrf_token": token})
    with app.app_context():
        assert db.session.get(User, uid).has_second_factor
    client.post("/konto/totrinsgodkendelse/slaa-fra", data={"password": password, "csrf_token": token})
    with app.app_context():
        user = db.session.get(User, uid)
        assert not user.has_second_factor
        assert db.session.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == uid)) is None


def test_reloading_the_enrolment_page_keeps_the_key_already_scanned(app, client, make_user, login):
    from tests.account.helpers import secret_on
    from tests.conftest import extract_csrf

    clock = use_clock(app)
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    scanned = secret_on(client.get("/konto/totrinsgodkendelse").get_data(as_text=True))
    again = client.get("/konto/totrinsgodkendelse").get_data(as_text=True)  # reloaded after scanning
    assert secret_on(again) == scanned
    done = client.post("/konto/totrinsgodkendelse",
                       data={"code": pyotp.TOTP(scanned).at(clock()), "csrf_token": extract_csrf(again)})
    assert done.status_code == 200 and "Koden passer ikke" not in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, uid).totp_confirmed_at is not None
