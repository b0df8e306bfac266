"""Helpers for second-factor tests: a controlled clock and enrolment through the real pages."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp

from tests.conftest import extract_csrf


class Clock:
    """The moment the app checks codes at; tests move it on by whole TOTP steps."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def step(self, n: int = 1) -> None:
        self.now += timedelta(seconds=30 * n)


def use_clock(app) -> Clock:
    clock = Clock()
    app.config["TOTP_CLOCK"] = clock
    return clock


def secret_on(html: str) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7]+)<', html)
    assert match, "no secret on the enrolment page"
    return match.group(1)


def recovery_codes_on(html: str) -> list[str]:
    return re.findall(r"<li><code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code></li>", html)


def enrol(client, clock: Clock) -> tuple[str, list[str]]:
    """Set up TOTP for the signed-in client; returns (secret, recovery codes)."""
    page = client.get("/konto/totrinsgodkendelse").get_data(as_text=True)
    secret = secret_on(page)
    code = pyotp.TOTP(secret).at(clock())
    done = client.post("/konto/totrinsgodkendelse", data={"code": code, "csrf_token": extract_csrf(page)})
    assert done.status_code == 200, done.status_code
    codes = recovery_codes_on(done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def password_step(client, email: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": extract_csrf(page.get_data(as_text=True))})


def code_step(client, code: str):
    page = client.get("/login/kode")
    return client.post("/login/kode", data={"code": code, "csrf_token": extract_csrf(page.get_data(as_text=True))})
