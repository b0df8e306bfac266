"""The second factor as an attacker tries it: one code used twice, in a row or at once, and guessing."""
from __future__ import annotations

import re
import threading

import pyotp
import requests

from tests.account.helpers import code_step, enrol, password_step, use_clock
from tests.conftest import extract_csrf
from tests.support.browser import live_server


def _enrolled(app, client, make_user, login, role: str = "coordinator"):
    clock = use_clock(app)
    _uid, email, password = make_user(role, "aalborg" if role == "team_leader" else None)
    login(client, email, password)
    secret, codes = enrol(client, clock)
    client.post("/logout", data={"csrf_token": extract_csrf(client.get("/konto").get_data(as_text=True))})
    clock.step()
    return clock, email, password, secret, codes


def test_a_code_used_to_sign_in_is_refused_the_second_time_within_its_window(app, client, make_user, login):
    clock, email, password, secret, _codes = _enrolled(app, client, make_user, login)
    code = pyotp.TOTP(secret).at(clock())
    password_step(client, email, password)
    assert code_step(client, code).status_code == 302
    onlooker = app.test_client()  # saw the code over the shoulder, has the password too
    password_step(onlooker, email, password)
    replay = code_step(onlooker, code)
    assert replay.status_code == 200 and "allerede brugt" in replay.get_data(as_text=True)
    clock.step()  # the next step: the code is still within the one step of drift allowed
    assert "allerede brugt" in code_step(onlooker, code).get_data(as_text=True)
    # An earlier step's code (also within the drift window) is no better once a later one was used.
    earlier = pyotp.TOTP(secret).at(clock.now.timestamp() - 60)
    assert "allerede brugt" in code_step(onlooker, earlier).get_data(as_text=True)
    assert onlooker.get("/konto").status_code == 302


def test_the_same_code_posted_at_once_from_many_browsers_signs_in_one(app, make_user, login):
    client = app.test_client()
    clock, email, password, secret, _codes = _enrolled(app, client, make_user, login)
    code = pyotp.TOTP(secret).at(clock())
    with live_server(app) as base:
        sessions, forms = [], []
        for _n in range(12):
            session = requests.Session()
            page = session.get(f"{base}/login", timeout=10)
            session.post(f"{base}/login", data={"email": email, "password": password,
                                                "csrf_token": extract_csrf(page.text)}, timeout=10)
            step = session.get(f"{base}/login/kode", timeout=10)
            sessions.append(session)
            forms.append({"code": code, "csrf_token": extract_csrf(step.text)})
        barrier, outcomes = threading.Barrier(len(sessions)), []

        def post(session, form):
            barrier.wait()
            response = session.post(f"{base}/login/kode", data=form, allow_redirects=False, timeout=60)
            outcomes.append((response.status_code, response.headers.get("Location", "")))

        threads = [threading.Thread(target=post, args=pair) for pair in zip(sessions, forms)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        signed_in = [s for s in sessions if s.get(f"{base}/konto", allow_redirects=False, timeout=10).status_code == 200]
    assert len(signed_in) == 1, outcomes
    assert all(status in (200, 302, 429) for status, _location in outcomes), outcomes  # no error


def test_wrong_codes_from_many_browsers_add_up_and_block_the_account(app, client, make_user, login):
    clock, email, password, secret, codes = _enrolled(app, client, make_user, login, role="team_leader")
    for n in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        guesser = app.test_client()  # a fresh browser for every guess: nothing to throw away
        password_step(guesser, email, password)
        assert code_step(guesser, f"{n:06d}").status_code == 200
    owner = app.test_client()
    password_step(owner, email, password)
    assert code_step(owner, pyotp.TOTP(secret).at(clock())).status_code == 429
    assert code_step(owner, codes[0]).status_code == 429  # nor does a recovery code get past it
    assert owner.get("/konto").status_code == 302


def test_a_code_of_the_wrong_shape_is_a_counted_failure_not_an_error(app, client, make_user, login):
    _clock, email, password, _secret, _codes = _enrolled(app, client, make_user, login)
    password_step(client, email, password)
    for code in ("", "12345", "1234567", "abcdef", "１２３４５６", "12 34 5x", "0" * 200):
        response = code_step(client, code)
        assert response.status_code in (200, 429), (code, response.status_code)
        assert re.search(r"Koden passer ikke|For mange|kode", response.get_data(as_text=True)), code
    assert client.get("/konto").status_code == 302
