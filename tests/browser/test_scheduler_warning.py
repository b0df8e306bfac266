"""The scheduler warning in a real browser: announced as an alert, axe-clean, and readable at 360 px."""
from __future__ import annotations

import pytest

from tests.support.browser import assert_accessible, chromium, live_server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.mark.parametrize("width", [1280, 360])
def test_the_scheduler_warning_passes_axe_at_both_widths(app, make_user, chromium_path, width):
    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": width, "height": 800}) as page:
        page.goto(f"{base}/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        for path in ("/", "/runder/"):
            page.goto(f"{base}{path}")
            alert = page.get_by_role("alert")
            assert "Planlæggeren kører ikke" in alert.inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert_accessible(page)
