"""After "Afslut" nothing posted from that browser reaches the response, and answer pages are never cached."""
from __future__ import annotations

import pytest

from tests.answering.helpers import open_wave, post_answers, responses, start
from tests.conftest import extract_csrf


def _finish(client):
    thanks = client.get("/svar/tak")
    assert thanks.status_code == 200
    return client.post("/svar/afslut", data={"csrf_token": extract_csrf(thanks.get_data(as_text=True))})


@pytest.mark.parametrize("path", ["/svar", "/svar/tak"])
def test_answer_pages_tell_the_browser_never_to_store_them(app, client, path):
    _wave, [(_id, token), *_] = open_wave(app)
    start(client, token)
    post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "3"})
    assert "no-store" in client.get(path).headers["Cache-Control"]
    assert "no-store" in client.get(f"/s/{token}").headers["Cache-Control"]


def test_logged_in_pages_tell_the_browser_never_to_store_them(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    for path in ("/", "/runder/", "/resultater/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path


def test_static_files_may_still_be_cached(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")


def test_a_cached_form_posted_again_after_afslut_reaches_no_response(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    start(client, token)
    post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "3"})
    cached = client.get("/svar")  # the page the back button would show
    assert _finish(client).status_code == 200
    replay = post_answers(client, {"q_ly_forenklet": "1", "q_ly_kvalitet": "1"}, page=cached)
    html = replay.get_data(as_text=True)
    assert replay.status_code == 403
    assert 'name="respondent_ref"' not in html  # no fresh form to press again
    # Nor does a second try with whatever the refusal page holds.
    again = post_answers(client, {"q_ly_forenklet": "1", "q_ly_kvalitet": "1"}, page=cached)
    assert again.status_code == 403
    assert responses(app) == [(invitation_id, "submitted", {"ly_forenklet": 4, "ly_kvalitet": 3}, 2)]
    assert client.get("/svar").status_code == 403 and client.get("/svar/tak").status_code == 403


def test_the_link_opened_again_after_afslut_answers_as_before(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    start(client, token)
    post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "3"})
    _finish(client)
    start(client, token)
    assert post_answers(client, {"q_ly_forenklet": "2", "q_ly_kvalitet": "3"}).status_code == 302
    assert responses(app) == [(invitation_id, "submitted", {"ly_forenklet": 2, "ly_kvalitet": 3}, 2)]


def test_afslut_ends_only_that_browser(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    start(client, token)
    post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "3"})
    other_device = app.test_client()
    start(other_device, token)
    _finish(client)
    assert post_answers(other_device, {"q_ly_forenklet": "5", "q_ly_kvalitet": "3"}).status_code == 302
    assert responses(app)[0][2] == {"ly_forenklet": 5, "ly_kvalitet": 3}
