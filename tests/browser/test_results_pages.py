"""Results pages in a real browser: axe-core audit, the chart's accessible name, filter, export and 360 px."""
from __future__ import annotations

import threading

import pytest

from app.worker import start_thread
from tests.results.conftest import SLUG, known_survey  # noqa: F401 - the fixture, shared with tests/results
from tests.support.browser import assert_accessible, chromium, live_server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _log_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_results_pages_pass_axe_and_the_export_finishes_with_a_download(app, known_survey, make_user,
                                                                        chromium_path):
    _id, email, password = make_user("coordinator")
    app.config["EXPORT_POLL_SECONDS"] = 0.2
    stop = threading.Event()
    worker_thread = start_thread(app, stop)  # the export worker the scheduler process runs
    with live_server(app) as base, chromium(chromium_path) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/resultater/")
        assert_accessible(page)
        page.goto(f"{base}/resultater/survey/{SLUG}")
        assert page.locator("svg[role=img] title").count() == 2
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        content = page.evaluate("document.querySelector('main .wrap, main').getBoundingClientRect().width")
        assert content <= 960
        with page.expect_navigation():
            page.click("text=Vis kommunerne")
        assert "kommuner=1" in page.url
        assert page.locator("th[scope=row]", has_text="Jammerbugt").count() > 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert_accessible(page)
        page.uncheck(f"input[name=bolge][value='{known_survey.wave_ids['Januar 2019']}']")
        with page.expect_navigation():
            page.click("form.filter-form button")
        assert page.locator("thead th", has_text="Januar 2019").count() == 0
        assert_accessible(page)
        with page.expect_navigation():
            page.click("form.export-form button")
        page.wait_for_selector("a[href$='fil.xlsx']", timeout=30_000)  # results.js reloads when done
        assert_accessible(page)
        page.goto(f"{base}/resultater/evalueringsskemaer")
        assert_accessible(page)
    stop.set()
    worker_thread.join(10)


def test_results_page_is_usable_at_360_px(app, known_survey, make_user, chromium_path):
    _id, email, password = make_user("team_leader", "aalborg")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": 360, "height": 740}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/resultater/survey/{SLUG}?kommuner=1")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # The chart's text is drawn at 12 px or more on a phone.
        sizes = page.evaluate("[...document.querySelectorAll('svg.chart text')]"
                              ".map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)")
        assert sizes and min(sizes) >= 12
        assert_accessible(page)
