"""A saved copy of the answer form is no key: an answer needs the session the respondent's link started.

The attack: the form's fields (its CSRF token and signed respondent reference) are saved from browser
A's page and posted from another browser that never opened the link. That must store nothing, however
often it is pressed; while the respondent whose own session was lost keeps every word typed, opens the
link again and stores with the same page.
"""
from __future__ import annotations

import html as html_lib
import re

import requests

from tests.answering.helpers import checked, open_wave, post_answers, responses, start
from tests.support.browser import live_server


def form_fields(html: str) -> dict[str, str]:
    """The answer form's fields as a browser would post them: hidden inputs and checked choices."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or not value:
            continue
        if 'type="hidden"' in tag or re.search(r"\bchecked\b", tag):
            fields[name.group(1)] = html_lib.unescape(value.group(1))
    return fields


def test_a_saved_page_posted_from_a_browser_without_the_link_stores_nothing(app):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    browser_a = app.test_client()
    start(browser_a, token)
    assert post_answers(browser_a, {"q_ly_forenklet": "4"}, action="draft").status_code == 302
    saved = form_fields(browser_a.get("/svar").get_data(as_text=True))
    assert saved["respondent_ref"] and saved["csrf_token"] and saved["q_ly_forenklet"] == "4"

    other = app.test_client()  # a fresh browser: no cookies, never opened the link
    forged = {**saved, "q_ly_forenklet": "1", "q_ly_kvalitet": "1", "action": "submit"}
    for attempt in range(3):
        response = other.post("/svar", data=forged)
        html = response.get_data(as_text=True)
        assert response.status_code == 403, (attempt, response.status_code)
        assert "Åbn dit personlige link" in html, attempt
        assert "ikke gemt" in html
        forged = {**form_fields(html), "q_ly_forenklet": "1", "q_ly_kvalitet": "1", "action": "submit"}
    assert responses(app) == [(invitation_id, "draft", {"ly_forenklet": 4}, 1)]
    # The refusal shows nothing of what was stored: not the draft's time, not its answers.
    assert "gemt kladde fra" not in html and checked(html, "q_ly_forenklet") == ["1"]
    assert other.get("/svar").status_code == 403


def test_the_same_attack_through_a_real_server_with_its_cookies(app):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    with live_server(app) as base:
        browser_a = requests.Session()
        page = browser_a.get(f"{base}/s/{token}", timeout=10)
        saved = form_fields(page.text)
        fresh = requests.Session()
        forged = {**saved, "q_ly_forenklet": "2", "q_ly_kvalitet": "2", "action": "submit"}
        for _attempt in range(2):
            response = fresh.post(f"{base}/svar", data=forged, allow_redirects=False, timeout=10)
            assert response.status_code == 403
            forged = {**form_fields(response.text), "q_ly_forenklet": "2", "q_ly_kvalitet": "2", "action": "submit"}
        assert responses(app) == []
        # Browser A, which opened the link, still answers with the page it has.
        mine = {**saved, "q_ly_forenklet": "5", "q_ly_kvalitet": "3", "action": "submit"}
        assert browser_a.post(f"{base}/svar", data=mine, allow_redirects=False, timeout=10).status_code == 302
    assert responses(app) == [(invitation_id, "submitted", {"ly_forenklet": 5, "ly_kvalitet": 3}, 2)]


def test_an_anonymous_respondents_saved_page_is_no_key_either(app):
    from datetime import timedelta

    from app.extensions import db
    from app.models import utcnow
    from app.waves.service import public_token
    from tests.waves.factories import add_wave

    with app.app_context():
        wave = add_wave(slug="borgertilfredshed", status="open", opens=utcnow() - timedelta(days=1),
                        closes=utcnow() + timedelta(days=5), municipalities=())
        link = f"/p/{public_token(wave)}"
        db.session.commit()
    citizen = app.test_client()
    citizen.get(link)
    answer = {"q_bt_forloeb": "4", "q_bt_indsatsplan": "3", "q_bt_kommentar": "Fint forløb"}
    assert post_answers(citizen, answer).status_code == 302
    saved = form_fields(citizen.get("/svar").get_data(as_text=True))
    other = app.test_client()
    for _attempt in range(2):
        response = other.post("/svar", data={**saved, "q_bt_forloeb": "1", "action": "submit"})
        assert response.status_code == 403 and "Åbn linket igen i denne browser" in response.get_data(as_text=True)
        saved = form_fields(response.get_data(as_text=True))
    ((_i, _status, answers, _n),) = responses(app)
    assert answers["bt_forloeb"] == 4


def test_a_lost_session_keeps_every_word_and_the_link_opened_again_stores_the_same_page(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app, slug="revalidering-raadgiver")
    page = start(client, token)
    typed = {"q_rv_foer_opstart": "1", "q_rv_bemaerkninger": "En lang tekst, skrevet over en time.\nLinje to."}
    client.delete_cookie("session")  # the browser was closed, or the session was lost
    kept = post_answers(client, typed, action="draft", page=page)
    html = kept.get_data(as_text=True)
    assert kept.status_code == 403 and "Åbn dit personlige link" in html
    assert "En lang tekst, skrevet over en time.\nLinje to." in html_lib.unescape(html)
    assert checked(html, "q_rv_foer_opstart") == ["1"]
    assert responses(app) == []
    assert client.get(f"/s/{token}").status_code == 302  # the link from the mail, in another tab
    stored = post_answers(client, typed, action="draft", page=kept)  # the kept page, pressed again
    assert stored.status_code == 302, stored.get_data(as_text=True)[:500]
    ((_i, status, answers, _n),) = responses(app)
    assert status == "draft" and answers["rv_bemaerkninger"] == "En lang tekst, skrevet over en time.\nLinje to."
    assert invitation_id
