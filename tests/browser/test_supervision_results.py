"""The supervision results page in a real browser: axe at 1280 px, no sideways scrolling at 928 and 360 px."""
from __future__ import annotations

import pytest

from tests.results.supervision_plan import SLUG
from tests.results.supervision_plan import three_rounds  # noqa: F401  (fixture)
from tests.support.browser import assert_accessible, chromium, live_server
from tests.supervision.conftest import make_round  # noqa: F401  (fixture)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
CODED_QUESTIONS = 4  # rf_oensket, rf_fleksjob_fp, rf_forelagt, rf_forsoergelse


def _log_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def _fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_coordinator_finds_the_page_beside_the_survey_results_and_it_passes_axe(
        app, three_rounds, make_user, chromium_path):
    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": 1280, "height": 900}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/resultater/")
        with page.expect_navigation():
            page.click("text=Ledelsestilsyn – forlængelse af ressourceforløb")
        assert page.url.endswith(f"/resultater/tilsyn/{SLUG}")
        assert page.locator("svg[role=img] title").count() == CODED_QUESTIONS
        assert_accessible(page)
        page.select_option("#kommune", label="Frederikshavn")
        with page.expect_navigation():
            page.click("form.filter-form button")
        assert page.locator("th[scope=row]", has_text="Frederikshavn").count() > 0
        assert "4 (80,0 %)" in page.content()
        assert_accessible(page)
        page.select_option("#kommune", label="Alle kommuner")
        with page.expect_navigation():
            page.click("form.filter-form button")
        assert_accessible(page)
        page.set_viewport_size({"width": 928, "height": 900})
        assert _fits(page, 928)
        page.goto(f"{base}/tilsyn/runder/{next(iter(three_rounds[0].values()))}")
        assert_accessible(page)


def test_the_page_is_readable_at_360_px_in_both_languages(app, three_rounds, make_user, chromium_path):
    _id, email, password = make_user("team_leader", "frederikshavn")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": 360, "height": 740}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/resultater/tilsyn/{SLUG}")
        assert _fits(page, 360)
        assert_accessible(page)
        page.click("text=English")
        page.wait_for_selector("html[lang=en]")
        page.goto(f"{base}/resultater/tilsyn/{SLUG}")
        assert "Sample coverage" in page.content()
        assert _fits(page, 360)
        assert_accessible(page)


def test_the_record_form_with_a_unit_and_an_outside_mark_passes_axe_at_360_px(app, make_round, make_user,
                                                                                chromium_path):
    from app.extensions import db
    from app.models import CaseListEntry

    round_id = make_round(municipalities=("frederikshavn", "laesoe"), slug=SLUG, listed=("FRE-1", "FRE-2"))
    with app.app_context():
        entry = db.session.query(CaseListEntry).filter_by(round_id=round_id, case_reference="FRE-1").first()
        entry.sample_rank, entry.sample_seed = 1, "s"
        db.session.commit()
    _id, email, password = make_user("team_leader", "frederikshavn")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": 360, "height": 740}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/tilsyn/runder/{round_id}/sager/ny")
        assert page.locator(".unit", has_text="måneder").count() == 1
        assert page.locator("#outside_sample").count() == 1
        assert _fits(page, 360)
        assert_accessible(page)
        page.fill("#case_reference", "FRE-2")
        page.fill("#q_rf_varighed", "61")
        page.click("button[type=submit].primary")
        page.wait_for_selector("text=Angiv et helt antal måneder mellem 1 og 60.")
        assert _fits(page, 360)
        assert_accessible(page)
