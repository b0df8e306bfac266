"""People in a real browser: invite by mail, set a password, sign in with TOTP, be deactivated and thrown
out; respondents and the audit log; axe-core finds nothing on any of these pages at 1280 and 360 px."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import User
from tests.account.helpers import use_clock
from tests.support.browser import CHROMIUM_ARGS, assert_accessible, chromium, live_server
from tests.waves.factories import T0, open_wave_with_invitations, submit_response

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _type_into(page, selector: str, text: str) -> None:
    page.focus(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _enter_code(page, code: str) -> None:
    _type_into(page, "#code", code)
    page.keyboard.press("Enter")


def _password_step(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    _type_into(page, "#email", email)
    _type_into(page, "#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/login/kode")


@contextmanager
def two_pages(executable_path: str):
    """Two separate browser contexts (two people, two sets of cookies) in one Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable_path, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context().new_page(), browser.new_context().new_page()
        finally:
            browser.close()


def _with_totp(app, user_id: int) -> str:
    """Give an account a confirmed second factor directly (this user's enrolment is not under test)."""
    secret = pyotp.random_base32()
    with app.app_context():
        user = db.session.get(User, user_id)
        user.totp_secret, user.totp_confirmed_at = secret, T0
        db.session.commit()
    return secret


def test_invite_mail_password_totp_then_deactivation_throws_the_session_out(app, make_user, smtp_server,
                                                                           chromium_path):
    app.config.update(smtp_server.config())
    app.config["REQUIRE_2FA"] = "all"
    clock = use_clock(app)
    cid, cemail, cpassword = make_user("coordinator")
    csecret = _with_totp(app, cid)
    with live_server(app) as base, two_pages(chromium_path) as (coordinator, invitee):
        _password_step(coordinator, base, cemail, cpassword)
        assert_accessible(coordinator)
        _enter_code(coordinator, pyotp.TOTP(csecret).at(clock()))
        coordinator.wait_for_url(f"{base}/")

        coordinator.click("nav >> text=Brugere")
        coordinator.wait_for_url(f"{base}/brugere/")
        assert_accessible(coordinator)
        coordinator.click("text=Invitér en bruger")
        assert_accessible(coordinator)
        _type_into(coordinator, "#name", "Nina Ny")
        _type_into(coordinator, "#email", "nina.ny@example.dk")
        coordinator.select_option("#role", "team_leader")
        coordinator.select_option("#municipality_id", label="Aalborg")
        coordinator.click("button[type=submit].primary")
        coordinator.wait_for_url(f"{base}/brugere/")
        assert "Nina Ny er inviteret" in coordinator.content()
        assert_accessible(coordinator)

        # The mail arrives through the real SMTP server; its link sets the password.
        assert smtp_server.recipients() == ["nina.ny@example.dk"]
        body = smtp_server.messages[0].get_payload(decode=True).decode()
        path = re.search(r"http://localhost(/brugere/invitation/\S+)", body).group(1)
        invitee.goto(base + path)
        assert_accessible(invitee)
        _type_into(invitee, "#password", "ninas-egen-kode")
        _type_into(invitee, "#confirm", "ninas-egen-kode")
        invitee.keyboard.press("Enter")
        invitee.wait_for_url(f"{base}/login")

        # REQUIRE_2FA=all: the first login leads to enrolment, with the QR code and the key.
        _type_into(invitee, "#email", "nina.ny@example.dk")
        _type_into(invitee, "#password", "ninas-egen-kode")
        invitee.keyboard.press("Enter")
        invitee.wait_for_url(f"{base}/konto/totrinsgodkendelse")
        assert invitee.locator("svg.qr[role=img]").count() == 1
        assert_accessible(invitee)
        secret = invitee.inner_text("#totp-secret")
        _enter_code(invitee, pyotp.TOTP(secret).at(clock()))
        invitee.wait_for_selector("text=Dine gendannelseskoder")
        assert invitee.locator(".recovery-codes li").count() == 10
        assert_accessible(invitee)
        invitee.click("text=Jeg har gemt koderne")
        invitee.wait_for_url(f"{base}/konto")
        assert_accessible(invitee)
        invitee.click("header >> text=Log ud")
        invitee.wait_for_url(f"{base}/login")

        # A later login asks for the code of a later time step.
        clock.step()
        _password_step(invitee, base, "nina.ny@example.dk", "ninas-egen-kode")
        _enter_code(invitee, "000000")
        invitee.wait_for_selector("text=Koden passer ikke")
        assert_accessible(invitee)
        _enter_code(invitee, pyotp.TOTP(secret).at(clock()))
        invitee.wait_for_url(f"{base}/")
        invitee.goto(f"{base}/tilsyn/")
        assert invitee.url == f"{base}/tilsyn/"

        # The coordinator deactivates her; her open page's next request lands on the login page.
        coordinator.click("table a:has-text('Nina Ny')")
        assert_accessible(coordinator)
        coordinator.click("button:has-text('Deaktivér')")
        coordinator.wait_for_selector("text=Nina Ny er deaktiveret og logget ud")
        assert_accessible(coordinator)
        invitee.reload()
        assert invitee.url.startswith(f"{base}/login")

        coordinator.goto(f"{base}/log/")
        assert "deaktiverede Nina Ny" in coordinator.content()
        assert "inviterede Nina Ny (Teamleder, Aalborg)" in coordinator.content()
        assert_accessible(coordinator)


def _pages(app, cid: int) -> tuple[list[str], str]:
    with app.app_context():
        _wave, pairs = open_wave_with_invitations({"aalborg": 2})
        submit_response(pairs[0][0], T0 + timedelta(hours=1))
        rid = pairs[0][0].respondent_id
        db.session.commit()
    return ["/brugere/", "/brugere/inviter", f"/brugere/{cid}", "/konto", "/respondenter/",
            f"/respondenter/{rid}", "/log/", "/brugere/invitation/forkert"], f"/respondenter/{rid}"


@pytest.mark.parametrize("width", [1280, 360])
def test_every_new_page_passes_axe(app, make_user, chromium_path, width):
    clock = use_clock(app)
    cid, email, password = make_user("coordinator")
    paths, respondent = _pages(app, cid)
    viewport = {"viewport": {"width": width, "height": 800}}
    with live_server(app) as base, chromium(chromium_path, **viewport) as page:
        page.goto(f"{base}/login")
        _type_into(page, "#email", email)
        _type_into(page, "#password", password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        for path in paths:
            page.goto(base + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            assert_accessible(page)
        # Forms with their error messages showing.
        page.goto(base + respondent)
        _type_into(page, "#email", "ikke-en-adresse")
        page.click("button:has-text('Gem adressen')")
        page.wait_for_selector(".field-errors")
        assert_accessible(page)
        page.goto(f"{base}/konto/totrinsgodkendelse")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        secret = page.inner_text("#totp-secret")
        _enter_code(page, pyotp.TOTP(secret).at(clock()))
        page.wait_for_selector(".recovery-codes")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        page.goto(f"{base}/konto")
        assert_accessible(page)
        page.click("header >> text=Log ud")
        clock.step()
        _password_step(page, base, email, password)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)


def test_a_coordinator_finds_a_respondent_excludes_them_and_reads_it_in_the_log(app, make_user, chromium_path):
    _cid, email, password = make_user("coordinator")
    with app.app_context():
        _wave, pairs = open_wave_with_invitations({"aalborg": 3, "rebild": 2})
        submit_response(pairs[0][0], T0 + timedelta(hours=1))
        db.session.commit()
    with live_server(app) as base, chromium(chromium_path, accept_downloads=True) as page:
        page.goto(f"{base}/login")
        _type_into(page, "#email", email)
        _type_into(page, "#password", password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        page.click("nav >> text=Respondenter")
        page.select_option("#kommune", label="Aalborg")
        _type_into(page, "#q", "r1.")
        page.click("form.filters button[type=submit]")
        page.wait_for_selector("text=1 respondent fundet")
        assert_accessible(page)
        page.click("table a:has-text('Rådgiver 1 Aalborg')")
        expect(page.locator("td", has_text="Besvaret")).to_have_count(1)
        _type_into(page, "#reason", "Fratrådt 1. marts")
        page.click("button:has-text('Udeluk')")
        page.wait_for_selector("text=er udelukket fra kommende runder")
        assert_accessible(page)

        page.click("nav >> text=Ændringslog")
        page.select_option("#type", "respondents")
        page.click("form.filters button[type=submit]")
        page.wait_for_selector("text=udelukkede Rådgiver 1 Aalborg fra kommende runder: Fratrådt 1. marts")
        assert_accessible(page)
        with page.expect_download() as download:
            page.click("text=Hent som CSV")
        text = open(download.value.path(), encoding="utf-8-sig").read()
        assert "Fratrådt 1. marts" in text and text.count("\n") == 2
