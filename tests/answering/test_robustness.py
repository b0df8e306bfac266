"""Nothing lost, nothing doubled: parallel submits, expired CSRF tokens and sessions, anonymous links."""
from __future__ import annotations

import re
import threading
import time

import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import Response
from app.waves.service import public_token
from tests.answering.helpers import checked, open_wave, post_answers, responses, start
from tests.conftest import extract_csrf
from tests.support.browser import live_server
from tests.waves.factories import add_wave


def test_twenty_identical_submissions_in_parallel_store_one_response(app):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    with live_server(app) as base:
        browser = requests.Session()
        page = browser.get(f"{base}/s/{token}", timeout=10)
        html = page.text
        form = {"csrf_token": extract_csrf(html), "action": "submit", "q_ly_forenklet": "4", "q_ly_kvalitet": "3",
                "respondent_ref": re.search(r'name="respondent_ref" value="([^"]+)"', html).group(1)}
        barrier, statuses = threading.Barrier(20), []

        def submit():
            session = requests.Session()
            session.cookies.update(browser.cookies)
            barrier.wait()
            response = session.post(f"{base}/svar", data=form, allow_redirects=False, timeout=60)
            statuses.append((response.status_code, response.text[:300]))

        threads = [threading.Thread(target=submit) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
    assert [s for s, _ in statuses] == [302] * 20, [t for s, t in statuses if s != 302][:2]
    assert responses(app) == [(invitation_id, "submitted", {"ly_forenklet": 4, "ly_kvalitet": 3}, 2)]


def test_an_expired_csrf_token_keeps_every_answer_and_stores_on_the_next_press(app, client):
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    _wave, [(invitation_id, token), *_] = open_wave(app)
    page = start(client, token)
    time.sleep(2.1)  # the form stays open longer than the token lives
    stale = post_answers(client, {"q_ly_forenklet": "5", "q_ly_kvalitet": "2"}, page=page)
    html = stale.get_data(as_text=True)
    assert stale.status_code == 400 and "tryk på knappen igen" in html
    assert checked(html, "q_ly_forenklet") == ["5"] and checked(html, "q_ly_kvalitet") == ["2"]
    assert responses(app) == []
    again = post_answers(client, {"q_ly_forenklet": "5", "q_ly_kvalitet": "2"}, page=stale)
    assert again.status_code == 302
    assert responses(app) == [(invitation_id, "submitted", {"ly_forenklet": 5, "ly_kvalitet": 2}, 2)]


def test_a_lost_session_keeps_the_answers_and_stores_once_the_link_is_opened_again(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    page = start(client, token)
    client.delete_cookie("session")  # the browser was closed, or the session expired
    kept = post_answers(client, {"q_ly_forenklet": "3", "q_ly_kvalitet": "4"}, page=page)
    html = kept.get_data(as_text=True)
    assert kept.status_code == 403 and checked(html, "q_ly_forenklet") == ["3"]
    assert responses(app) == []
    assert post_answers(client, {"q_ly_forenklet": "3", "q_ly_kvalitet": "4"}, page=kept).status_code == 403
    assert responses(app) == []  # pressing again is not enough: the form is no key
    client.get(f"/s/{token}")
    assert post_answers(client, {"q_ly_forenklet": "3", "q_ly_kvalitet": "4"}, page=kept).status_code == 302
    assert responses(app) == [(invitation_id, "submitted", {"ly_forenklet": 3, "ly_kvalitet": 4}, 2)]


def test_nothing_is_stored_without_a_valid_csrf_token(app, client):
    _wave, [(_id, token), *_] = open_wave(app)
    start(client, token)
    for forged in ("forged", ""):
        response = client.post("/svar", data={"csrf_token": forged, "action": "submit", "q_ly_forenklet": "3",
                                              "q_ly_kvalitet": "4"})
        assert response.status_code == 400
    assert responses(app) == []


def test_the_anonymous_link_allows_one_response_per_browser(app):
    with app.app_context():
        from app.models import utcnow
        from datetime import timedelta

        wave = add_wave(slug="borgertilfredshed", status="open", opens=utcnow() - timedelta(days=1),
                        closes=utcnow() + timedelta(days=5), municipalities=())
        link, wave_id = f"/p/{public_token(wave)}", wave.id
        db.session.commit()
    first, second = app.test_client(), app.test_client()
    for browser, code in ((first, "4"), (first, "5"), (second, "2")):
        assert browser.get(link).status_code == 302
        answer = {"q_bt_forloeb": code, "q_bt_indsatsplan": "3", "q_bt_kommentar": "Fint forløb"}
        assert post_answers(browser, answer).status_code == 302
    with app.app_context():
        rows = db.session.execute(select(Response.browser_key, func.count()).where(Response.wave_id == wave_id)
                                  .group_by(Response.browser_key)).all()
        assert len(rows) == 2 and all(n == 1 for _key, n in rows)
    codes = sorted(a["bt_forloeb"] for _i, _s, a, _n in responses(app))
    assert codes == [2, 5]


def test_a_cpr_number_in_free_text_is_refused(app):
    with app.app_context():
        from app.models import utcnow
        from datetime import timedelta

        wave = add_wave(slug="borgertilfredshed", status="open", opens=utcnow() - timedelta(days=1),
                        closes=utcnow() + timedelta(days=5), municipalities=())
        link = f"/p/{public_token(wave)}"
        db.session.commit()
    browser = app.test_client()
    browser.get(link)
    response = post_answers(browser, {"q_bt_forloeb": "4", "q_bt_indsatsplan": "3",
                                      "q_bt_kommentar": "Mit cpr er 010190-1234"})
    assert response.status_code == 422 and "010190-1234" in response.get_data(as_text=True)
    for typed in ("010190\u20131234", "\uff10\uff11\uff10\uff11\uff19\uff10 1234", "01 01 90 1234"):
        refused = post_answers(browser, {"q_bt_forloeb": "4", "q_bt_indsatsplan": "3",
                                         "q_bt_kommentar": f"Mit cpr er {typed}"})
        assert refused.status_code == 422, typed
    assert responses(app) == []


def test_cpr_numbers_typed_other_ways_are_refused_in_a_personal_answer_and_look_alikes_pass(app):
    from tests.forms.test_cpr import ATTACK_VARIANTS, HARMLESS_NUMBERS

    _wave, [(_invitation, token), *_] = open_wave(app, slug="revalidering-raadgiver")
    browser = app.test_client()
    start(browser, token)
    for typed in ATTACK_VARIANTS:
        refused = post_answers(browser, {"q_rv_foer_opstart": "1", "q_rv_bemaerkninger": f"Borgeren {typed} ringede"},
                               action="draft")
        assert refused.status_code == 422 and "CPR-nummer" in refused.get_data(as_text=True), typed
    assert responses(app) == []
    harmless = "; ".join(HARMLESS_NUMBERS)
    assert post_answers(browser, {"q_rv_foer_opstart": "1", "q_rv_bemaerkninger": harmless},
                        action="draft").status_code in (200, 302)
    ((_i, _status, answers, _n),) = responses(app)
    assert answers["rv_bemaerkninger"] == harmless
