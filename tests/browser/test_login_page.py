"""The login page in a real browser: keyboard login and the accessibility audit."""
from __future__ import annotations

import pytest

from tests.support.browser import assert_accessible, chromium, live_server


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_login_page_passes_axe_and_logs_in_by_keyboard(app, make_user, chromium_path):
    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path) as page:
        page.goto(f"{base}/login")
        assert_accessible(page)
        page.keyboard.press("Tab")  # skip link
        page.focus("#email")
        page.keyboard.type(email)
        page.keyboard.press("Tab")
        page.keyboard.type(password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        assert "Velkommen" in page.content()
        assert_accessible(page)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_login_page_is_usable_at_360_px(app, chromium_path):
    with live_server(app) as base, chromium(chromium_path, viewport={"width": 360, "height": 740}) as page:
        page.goto(f"{base}/login")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        assert_accessible(page)
