"""The second-factor secret is stored sealed: a copy of the database does not give the codes."""
from __future__ import annotations

import base64
import zlib

import pyotp
from sqlalchemy import select, update

from app.auth import sealing
from app.extensions import db
from app.models import User
from tests.account.helpers import code_step, enrol, password_step, recovery_codes_on, secret_on, use_clock
from tests.conftest import extract_csrf


def _stored(app, uid: int) -> str:
    with app.app_context():
        return db.session.scalar(select(User.totp_secret).where(User.id == uid))


def _log_out(client) -> None:
    client.post("/logout", data={"csrf_token": extract_csrf(client.get("/konto").get_data(as_text=True))})


def _signs_in_with_a_code(client, email, password, secret, clock) -> bool:
    _log_out(client)
    clock.step()
    password_step(client, email, password)
    done = code_step(client, pyotp.TOTP(secret).at(clock()))
    return done.status_code == 302 and client.get("/konto").status_code == 200


def test_the_database_holds_no_readable_secret_and_the_codes_still_work(app, client, make_user, login):
    clock = use_clock(app)
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    secret, _codes = enrol(client, clock)
    stored = _stored(app, uid)
    assert stored.startswith(sealing.PREFIX) and secret not in stored
    assert secret.encode() not in base64.urlsafe_b64decode(stored[len(sealing.PREFIX):] + "==")
    assert _signs_in_with_a_code(client, email, password, secret, clock)


def test_a_secret_stored_before_sealing_still_works_and_is_sealed_at_its_use(app, client, make_user, login):
    clock = use_clock(app)
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    secret, _codes = enrol(client, clock)
    with app.app_context():
        db.session.execute(update(User).where(User.id == uid).values(totp_secret=secret))  # as stored before
        db.session.commit()
    assert _signs_in_with_a_code(client, email, password, secret, clock)
    assert _stored(app, uid).startswith(sealing.PREFIX)


def test_a_replaced_secret_key_still_opens_it_while_it_is_a_fallback(app, client, make_user, login):
    clock = use_clock(app)
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    secret, _codes = enrol(client, clock)
    before = _stored(app, uid)
    old = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="a-new-secret-key-for-this-installation-0123456789", SECRET_KEY_FALLBACKS=[old])
    assert _signs_in_with_a_code(client, email, password, secret, clock)
    after = _stored(app, uid)
    assert after != before  # sealed again under the new key
    with app.app_context():
        assert sealing.unseal(after) == (secret, False)


def test_without_the_old_key_the_code_is_refused_and_a_recovery_code_still_signs_in(app, client, make_user,
                                                                                     login):
    clock = use_clock(app)
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    secret, codes = enrol(client, clock)
    _log_out(client)
    app.config.update(SECRET_KEY="a-new-secret-key-for-this-installation-0123456789", SECRET_KEY_FALLBACKS=[])
    clock.step()
    password_step(client, email, password)
    assert "Koden passer ikke" in code_step(client, pyotp.TOTP(secret).at(clock())).get_data(as_text=True)
    assert code_step(client, codes[0]).status_code == 302
    assert client.get("/konto").status_code == 200


def _cookie_payload(client) -> bytes:
    """The session cookie as anyone holding it can read it: the signed payload, decoded, no key needed."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    data = cookie.value
    compressed = data.startswith(".")
    payload = data.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return zlib.decompress(raw) if compressed else raw


def test_the_secret_being_enrolled_is_not_readable_from_the_session_cookie(app, client, make_user, login):
    clock = use_clock(app)
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    page = client.get("/konto/totrinsgodkendelse").get_data(as_text=True)
    secret = secret_on(page)
    assert secret.encode() not in _cookie_payload(client)

    done = client.post("/konto/totrinsgodkendelse",
                       data={"code": pyotp.TOTP(secret).at(clock()), "csrf_token": extract_csrf(page)})
    assert done.status_code == 200 and len(recovery_codes_on(done.get_data(as_text=True))) == 10
