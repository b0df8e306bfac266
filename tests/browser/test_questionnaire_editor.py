"""The questionnaire editor in Chromium: break, see the line, fix, preview with conditions, read the diff,
publish and plan a wave on the new version; axe-core on every page state at 1280 and 360 px."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.support.browser import assert_accessible, chromium, live_server
from tests.waves.factories import add_wave

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SLUG = "ledighedsydelse-raadgiver"
OLD = "forenklet sagsbehandlingen på området?"


def _log_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def _check_page(page, width: int) -> None:
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def _press(page, label: str) -> None:
    with page.expect_navigation():
        page.click(f"form.editor-form button:has-text('{label}')")


@pytest.mark.parametrize("width", [1280, 360])
def test_break_fix_preview_diff_publish_and_plan_a_wave(app, make_user, chromium_path, width):
    with app.app_context():
        add_wave(label="Januar 2019")
        db.session.commit()
    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": width, "height": 900}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/spoergeskemaer/")
        _check_page(page, width)
        page.click(f"#q-{SLUG} a")
        page.wait_for_url(f"{base}/spoergeskemaer/{SLUG}")
        _check_page(page, width)
        with page.expect_navigation():
            page.click("a.button:has-text('Rediger')")
        _check_page(page, width)
        original = page.input_value("#yaml")
        # the text fills its frame (inside the frame's 2 px border), so long lines are not cut short
        frame_right, text_right = page.evaluate("""[document.querySelector('.editor'), document.querySelector('#yaml')]
            .map(e => e.getBoundingClientRect().right)""")
        assert frame_right - text_right <= 3, (frame_right, text_right)
        assert page.locator(".gutter").inner_text().split()[:3] == ["1", "2", "3"]

        broken = original.replace("scale: extent5", "scale: extent7", 1)
        page.fill("#yaml", broken)
        _press(page, "Kontrollér")
        line = broken.splitlines().index("    scale: extent7") + 1
        problem = page.locator(f"a.goto-line[data-line='{line}']")
        assert problem.count() == 1
        assert "extent7" in page.locator(".problems").inner_text()
        assert page.input_value("#yaml") == broken  # typed text kept after the error
        _check_page(page, width)
        problem.click()
        assert page.evaluate("document.activeElement.id") == "yaml"
        selected = page.evaluate("(() => { const a = document.getElementById('yaml'); "
                                 "return a.value.substring(a.selectionStart, a.selectionEnd); })()")
        assert selected == "    scale: extent7"

        fixed = original.replace(OLD, "forenklet <em>sagsbehandlingen</em>?")
        page.fill("#yaml", fixed)
        page.select_option("#preview_lang", "en")
        _press(page, "Forhåndsvis")
        preview = page.locator("section.preview")
        assert preview.get_attribute("lang") == "en"
        assert "To what extent" in preview.inner_text()
        _check_page(page, width)
        page.select_option("#preview_lang", "da")
        _press(page, "Forhåndsvis")
        assert "<em>sagsbehandlingen</em>" in page.locator("section.preview").inner_text()  # shown as text
        assert page.locator("section.preview em").count() == 0
        _check_page(page, width)

        _press(page, "Hvad ændres")
        consequence = page.locator("li.change .consequence").first.inner_text()
        assert consequence == "ly_forenklet vil ikke længere blive sammenlignet med Januar 2019."
        assert page.locator(".side-by-side").count() == 1
        _check_page(page, width)

        _press(page, "Offentliggør")
        assert page.url == f"{base}/spoergeskemaer/{SLUG}"
        assert "Offentliggjort" in page.locator(".flashes").inner_text()
        assert page.get_by_role("link", name="Hent v2", exact=True).count() == 1
        assert page.get_by_role("link", name="Hent v2 som XLSForm", exact=True).count() == 1
        _check_page(page, width)

        page.goto(f"{base}/runder/ny")
        option = page.locator("#version_id option", has_text="(v2)")
        assert option.count() == 1
        page.select_option("#version_id", option.get_attribute("value"))
        page.fill("#label", "Sommer 2020")
        page.fill("#opens_local", "2030-06-01T09:00")
        page.fill("#closes_local", "2030-06-21T16:00")
        page.locator("input[name=municipality_ids]").first.check()
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "Sommer 2020" in page.content()
        page.goto(f"{base}/spoergeskemaer/{SLUG}")
        assert "Sommer 2020" in page.locator("table").inner_text()


def test_conditions_work_in_the_preview_at_phone_width(app, make_user, chromium_path):
    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": 360, "height": 800}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/spoergeskemaer/rediger?sti=revalidering-tilsyn.yaml")
        _press(page, "Forhåndsvis")
        follow_up = page.locator("#question-lae265_egen_laege")
        expect(follow_up).to_be_hidden()
        page.locator("#question-lae265_uden input[value='1']").check()
        expect(follow_up).to_be_visible()
        _check_page(page, 360)
        page.locator("#question-lae265_uden input[value='2']").check()
        expect(follow_up).to_be_hidden()


def test_typed_text_left_without_publishing_is_offered_back_when_the_file_is_opened_again(app, make_user,
                                                                                         chromium_path):
    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/spoergeskemaer/rediger?sti={SLUG}.yaml")
        typed = page.input_value("#yaml").replace(OLD, "forenklet, ikke gemt?")
        page.fill("#yaml", typed)
        page.goto(f"{base}/spoergeskemaer/")
        page.goto(f"{base}/spoergeskemaer/rediger?sti={SLUG}.yaml")
        assert page.input_value("#yaml") != typed
        offer = page.locator("p.restore")
        expect(offer).to_have_count(1)
        assert_accessible(page)
        offer.locator("button").click()
        assert page.input_value("#yaml") == typed


@pytest.mark.parametrize("width", [1280, 360])
def test_several_files_uploaded_at_once_are_checked_together(app, make_user, chromium_path, tmp_path, width):
    from tests.conftest import ROOT

    scales = (ROOT / "questionnaires" / "scales.yaml").read_text(encoding="utf-8")
    (tmp_path / "scales.yaml").write_text(scales.replace('"af samme kvalitet"', '"af omtrent samme kvalitet"', 1),
                                          encoding="utf-8")
    (tmp_path / "ny-blok.yaml").write_text(
        'block:\n  id: ny_blok\n  questions:\n    - id: nb_ok\n      type: yes_no\n'
        '      text: {da: "Er alt i orden?", en: "Is everything fine?"}\n', encoding="utf-8")
    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": width, "height": 900}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/spoergeskemaer/")
        page.set_input_files("#file", [str(tmp_path / "scales.yaml"), str(tmp_path / "ny-blok.yaml")])
        with page.expect_navigation():
            page.click("form.upload-form button")
        expect(page.locator(".check-ok")).to_have_count(1)
        assert page.locator("li.change").count() > 0
        _check_page(page, width)
        with page.expect_navigation():
            page.click("form.bundle-form button.primary")
        assert "Offentliggjort" in page.locator(".flashes").inner_text()
        _check_page(page, width)


@pytest.mark.parametrize("width", [1280, 360])
def test_a_conflicting_publish_shows_what_the_other_changed_and_keeps_the_text(app, make_user, login,
                                                                              chromium_path, width):
    from tests.questionnaires.conftest import open_editor, post_editor

    _id, email, password = make_user("coordinator")
    with live_server(app) as base, chromium(chromium_path, viewport={"width": width, "height": 900}) as page:
        _log_in(page, base, email, password)
        page.goto(f"{base}/spoergeskemaer/rediger?sti={SLUG}.yaml")
        mine = page.input_value("#yaml").replace(OLD, "forenklet efter min mening?")
        page.fill("#yaml", mine)
        other = app.test_client()
        _oid, other_email, other_password = make_user("coordinator")
        login(other, other_email, other_password)
        _html, text, token = open_editor(other)
        assert post_editor(other, text.replace(OLD, "forenklet efter en andens mening?"), "publish", token).status_code == 302
        _press(page, "Offentliggør")
        expect(page.locator("section.conflict")).to_have_count(1)
        assert "forenklet efter en andens mening?" in page.locator("section.conflict").inner_text()
        assert page.input_value("#yaml") == mine
        _check_page(page, width)
