"""The accessibility statement in a real browser: axe-clean at desktop and phone widths, in both languages."""
from __future__ import annotations

import pytest

from tests.support.browser import assert_accessible, chromium, live_server


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_the_statement_passes_axe_in_danish_and_english(app, chromium_path, width):
    with live_server(app) as base, chromium(chromium_path, viewport={"width": width, "height": 800}) as page:
        page.goto(f"{base}/login")
        page.click("footer a[href='/tilgaengelighed']")
        page.wait_for_url(f"{base}/tilgaengelighed")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        page.click("button[name='lang']")
        page.wait_for_url(f"{base}/tilgaengelighed")
        assert page.locator("html").get_attribute("lang") == "en"
        assert_accessible(page)
