"""A team leader logs three cases and edits one in a real browser; every page passes axe, also at 360 px."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from tests.support.browser import assert_accessible, chromium, live_server
from tests.supervision.conftest import make_round  # noqa: F401  (fixture)

ANSWERS = {"lae265_uden": 0, "lae265_egen_laege": 1, "lae265_tvivl": 1, "lae265_forlaenget": 2, "lae265_indhentet": 1}


def _log_in(page, base, email, password):
    page.goto(f"{base}/login")
    page.focus("#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def _fill_case(page, reference: str, comment: str, answers: dict[str, int]) -> None:
    page.focus("#case_reference")
    page.keyboard.press("Control+A")
    page.keyboard.type(reference)
    for question, index in answers.items():
        page.focus(f"#q_{question}-{index}")
        page.keyboard.press("Space")
    page.focus("#comment")
    page.keyboard.press("Control+A")
    page.keyboard.type(comment)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_team_leader_logs_three_cases_and_edits_one(app, make_user, make_round, chromium_path):
    round_id = make_round(municipalities=("aalborg", "thisted"),
                          listed=("AAL-REV-2019-001", "AAL-REV-2019-002", "AAL-REV-2019-003"))
    _uid, email, password = make_user("team_leader", "aalborg")
    with live_server(app) as base, chromium(chromium_path) as page:
        _log_in(page, base, email, password)
        assert_accessible(page)
        page.click("text=Ledelsestilsyn")
        page.wait_for_url(f"{base}/tilsyn/")
        assert_accessible(page)
        page.click("text=Juli 2019")
        assert_accessible(page)
        for n in (1, 2, 3):
            page.click("text=Registrér en sag")
            page.wait_for_url(f"{base}/tilsyn/runder/{round_id}/sager/ny")
            if n == 1:
                assert_accessible(page)
            _fill_case(page, f"AAL-REV-2019-00{n}", f"Gennemgået sag {n}", ANSWERS)
            page.focus("button[type=submit].primary")
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/tilsyn/runder/{round_id}")
            assert f"Sagen AAL-REV-2019-00{n} er registreret" in page.content()
        assert_accessible(page)

        # A refused case reference shows a field error, keeps the answers, and passes axe.
        page.click("text=Registrér en sag")
        _fill_case(page, "010203-1234", "Skal ikke gemmes", ANSWERS)
        page.click("button[type=submit].primary")
        page.wait_for_selector("text=ligner et CPR-nummer")
        assert page.is_checked("#q_lae265_tvivl-1")
        assert_accessible(page)
        page.goto(f"{base}/tilsyn/runder/{round_id}")

        # Conditions work in the browser too: "Nej" to the first question hides the own-doctor question.
        page.click("text=Registrér en sag")
        expect(page.locator("#q_lae265_egen_laege-0")).to_be_hidden()
        page.focus("#q_lae265_uden-0")
        page.keyboard.press("Space")
        expect(page.locator("#q_lae265_egen_laege-0")).to_be_visible()
        page.focus("#q_lae265_uden-1")
        page.keyboard.press("Space")
        expect(page.locator("#q_lae265_egen_laege-0")).to_be_hidden()
        page.goto(f"{base}/tilsyn/runder/{round_id}")

        page.click("text=AAL-REV-2019-002")
        assert page.input_value("#case_reference") == "AAL-REV-2019-002"
        assert page.is_checked("#q_lae265_uden-0")
        assert_accessible(page)
        _fill_case(page, "AAL-REV-2019-002", "Rettet efter samtale", {"lae265_tvivl": 0})
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{base}/tilsyn/runder/{round_id}")
        assert "Sagen AAL-REV-2019-002 er gemt" in page.content()
        assert "Rettet efter samtale" in page.content()
        assert_accessible(page)

        page.goto(f"{base}/tilsyn/runder/{round_id}/stikproeve")
        assert_accessible(page)
        page.goto(f"{base}/tilsyn/evalueringsskemaer")
        assert_accessible(page)
        page.click("text=Aalborg")
        assert_accessible(page)

    from app.models import SupervisionRecord

    with app.app_context():
        records = list(db.session.scalars(select(SupervisionRecord).order_by(SupervisionRecord.case_reference)))
        assert [r.case_reference for r in records] == ["AAL-REV-2019-001", "AAL-REV-2019-002", "AAL-REV-2019-003"]
        assert records[1].comment == "Rettet efter samtale"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_supervision_pages_are_usable_at_360_px(app, make_user, make_round, chromium_path):
    from app.models import Experiment

    round_id = make_round()
    with app.app_context():
        experiment = db.session.scalar(select(Experiment).where(Experiment.slug == "revalidering-bevillingsgrundlag"))
        scheme_paths = [f"/tilsyn/evalueringsskemaer/{experiment.id}/samlet",
                        f"/tilsyn/evalueringsskemaer/{experiment.id}/{experiment.municipalities[0].id}"]
    _cid, cemail, cpassword = make_user("coordinator")
    _uid, email, password = make_user("team_leader", "aalborg")
    viewport = {"viewport": {"width": 360, "height": 740}}
    with live_server(app) as base:
        with chromium(chromium_path, **viewport) as page:
            _log_in(page, base, email, password)
            for path in (f"/tilsyn/runder/{round_id}", f"/tilsyn/runder/{round_id}/sager/ny",
                         f"/tilsyn/runder/{round_id}/stikproeve"):
                page.goto(base + path)
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
                assert_accessible(page)
        with chromium(chromium_path, **viewport) as page:
            _log_in(page, base, cemail, cpassword)
            for path in ("/tilsyn/", "/tilsyn/runder/ny", f"/tilsyn/runder/{round_id}", f"/tilsyn/runder/{round_id}/log",
                         f"/tilsyn/runder/{round_id}/gentag", "/tilsyn/evalueringsskemaer", *scheme_paths):
                page.goto(base + path)
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
                assert_accessible(page)
