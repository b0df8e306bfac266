"""Answering in a real browser: keyboard only, draft, resume, submit, conditions, 360 px, axe on every page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import utcnow
from tests.answering.helpers import open_wave, responses
from tests.support.browser import assert_accessible, chromium, live_server
from tests.waves.factories import add_wave

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
def test_answer_by_keyboard_save_a_draft_resume_and_submit(app, chromium_path):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    with live_server(app) as base, chromium(chromium_path) as page:
        page.goto(f"{base}/s/{token}")
        page.wait_for_url(f"{base}/svar")
        assert_accessible(page)
        page.focus("#q_ly_forenklet-0")
        page.keyboard.press("Space")
        for _ in range(3):
            page.keyboard.press("ArrowDown")  # moves the choice within the group: code 4
        page.focus("button[value=submit]")
        page.keyboard.press("Enter")  # the second required question is missing
        page.wait_for_selector("#error-summary")
        assert page.is_checked("#q_ly_forenklet-3")
        assert_accessible(page)
        page.focus("button[value=draft]")
        page.keyboard.press("Enter")
        page.wait_for_selector(".flash-success")
        assert_accessible(page)
        assert responses(app) == [(invitation_id, "draft", {"ly_forenklet": 4}, 1)]

        page.goto("about:blank")
        page.goto(f"{base}/s/{token}")  # resume from the same link
        page.wait_for_url(f"{base}/svar")
        assert page.is_checked("#q_ly_forenklet-3")
        page.focus("#q_ly_kvalitet-0")
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
        page.focus("button[value=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/svar/tak")
        assert "Tak for dit svar" in page.content()
        assert_accessible(page)
    assert responses(app) == [(invitation_id, "submitted", {"ly_forenklet": 4, "ly_kvalitet": 2}, 2)]


@SQLITE
def test_conditional_questions_follow_the_answers_in_the_browser(app, chromium_path):
    _wave, [(_id, token), *_] = open_wave(app, slug="revalidering-raadgiver")
    with live_server(app) as base, chromium(chromium_path) as page:
        page.goto(f"{base}/s/{token}")
        expect(page.locator("#question-rv_smidig")).to_be_hidden()  # shown only after "Ja" to the screening question
        page.check("#q_rv_foer_opstart-1")  # "Nej"
        expect(page.locator("#question-rv_smidig")).to_be_hidden()
        page.check("#q_rv_foer_opstart-0")  # "Ja"
        expect(page.locator("#question-rv_smidig")).to_be_visible()
        assert_accessible(page)


@SQLITE
def test_answer_page_at_360_px_and_in_english(app, chromium_path):
    _wave, [(_id, token), *_] = open_wave(app)
    with live_server(app) as base, chromium(chromium_path, viewport={"width": 360, "height": 740}) as page:
        page.goto(f"{base}/s/{token}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(page)
        page.click("button[name=lang][value=en]")
        page.wait_for_selector("html[lang=en]")
        assert "To what extent has the exemption" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(page)


@SQLITE
def test_link_error_and_closed_pages_pass_axe(app, chromium_path):
    with app.app_context():
        wave = add_wave(slug="borgertilfredshed", status="open", opens=utcnow() - timedelta(days=1),
                        closes=utcnow() + timedelta(days=3), municipalities=())
        from app.waves.service import public_token

        link = f"/p/{public_token(wave)}"
        db.session.commit()
    with live_server(app) as base, chromium(chromium_path) as page:
        page.goto(f"{base}/s/not-a-real-token-at-all")
        assert "Linket virker ikke" in page.content()
        assert_accessible(page)
        page.goto(f"{base}{link}")
        page.wait_for_url(f"{base}/svar")
        assert "Dine svar er anonyme" in page.content()
        assert_accessible(page)


@SQLITE
def test_coordinator_wave_pages_pass_axe(app, make_user, chromium_path):
    from tests.waves.factories import open_wave_with_invitations

    _id, email, password = make_user("coordinator")
    with app.app_context():
        wave, _inv = open_wave_with_invitations()
        db.session.commit()
        wave_id = wave.id
    with live_server(app) as base, chromium(chromium_path) as page:
        page.goto(f"{base}/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.press("#password", "Enter")
        page.wait_for_url(f"{base}/")
        for path in ("/runder/", "/runder/ny", f"/runder/{wave_id}", f"/runder/{wave_id}/forhaandsvisning",
                     "/runder/respondenter"):
            page.goto(f"{base}{path}")
            assert_accessible(page)
