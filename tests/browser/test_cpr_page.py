"""The page of stored CPR numbers passes axe at both widths, with findings and after they are removed."""
from __future__ import annotations

import pytest

from tests.browser.test_supervision import _log_in
from tests.privacy.test_cpr_scan import NUMBERS, stored  # noqa: F401  (fixture)
from tests.support.browser import assert_accessible, chromium, live_server


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_the_cpr_page_lists_masked_numbers_removes_them_and_passes_axe(app, make_user, stored, chromium_path, width):  # noqa: F811
    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": width, "height": 800}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/personoplysninger/")
        page.click("text=Søg efter CPR-numre")
        page.wait_for_selector("#cpr-caption")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        assert not any(n in page.content() for n in NUMBERS)
        page.click("button.primary")
        page.wait_for_selector("text=Der er ingen CPR-numre i de gemte tekster.")
        assert_accessible(page)
