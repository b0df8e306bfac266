"""Accessibility found by a newcomer's run: scrollable tables at 360 px, error summaries and their focus."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.answering.helpers import open_wave
from tests.browser.test_supervision import _log_in
from tests.supervision.conftest import make_round  # noqa: F401  (fixture)
from tests.support.browser import assert_accessible, chromium, live_server

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
@pytest.mark.parametrize("width", [1280, 360])
def test_coordinator_wave_and_personal_data_pages_pass_axe_with_data(app, make_user, chromium_path, width):
    from tests.waves.factories import open_wave_with_invitations

    _id, email, password = make_user("coordinator")
    with app.app_context():
        wave, _inv = open_wave_with_invitations(counts={"aalborg": 3, "rebild": 2, "thisted": 1},
                                                municipalities=("aalborg", "rebild", "thisted"))
        db.session.commit()
        wave_id = wave.id
    with live_server(app) as base, chromium(chromium_path, viewport={"width": width, "height": 800}) as page:
        _log_in(page, base, email, password)
        for path in ("/runder/", f"/runder/{wave_id}", "/personoplysninger/", f"/personoplysninger/runde/{wave_id}/udskyd"):
            page.goto(f"{base}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            assert_accessible(page)


@SQLITE
def test_a_failed_answer_submit_moves_focus_to_the_error_summary(app, chromium_path):
    _wave, [(_id, token), *_] = open_wave(app)
    with live_server(app) as base, chromium(chromium_path) as page:
        page.goto(f"{base}/s/{token}")
        page.wait_for_url(f"{base}/svar")
        page.click("button[value='submit']")
        page.wait_for_selector("#error-summary")
        assert page.evaluate("document.activeElement.id") == "error-summary"
        assert page.locator("#error-summary li a").count() >= 1
        assert_accessible(page)


@SQLITE
def test_a_failed_record_submit_lists_the_errors_and_moves_focus_to_them(app, make_user, make_round, chromium_path):
    round_id = make_round()
    _uid, email, password = make_user("team_leader", "aalborg")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": 360, "height": 740}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/tilsyn/runder/{round_id}/sager/ny")
        page.fill("#case_reference", "010203\u20131234")  # a CPR number typed with an en dash
        page.click("button.primary")
        page.wait_for_selector("#error-summary")
        assert page.evaluate("document.activeElement.id") == "error-summary"
        links = page.locator("#error-summary li a")
        texts = [links.nth(i).inner_text() for i in range(links.count())]
        assert any("Sagsnummer" in t and "CPR-nummer" in t for t in texts), texts
        assert len(texts) >= 2  # the unanswered required questions too
        links.first.click()
        assert page.evaluate("location.hash") == "#case_reference"
        assert_accessible(page)
