"""Answering through a personal link: session, draft, validation, submission, closed waves, languages."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import Invitation, Wave, utcnow
from tests.answering.helpers import checked, open_wave, post_answers, responses, start


def test_link_starts_a_session_and_redirects_to_a_clean_url(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    response = client.get(f"/s/{token}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/svar")
    assert token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = client.get("/svar")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and token not in html
    assert "I hvor høj grad har fritagelse for revurdering" in html
    assert "<fieldset" in html and "<legend>" in html
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).opened_at is not None


def test_wrong_and_closed_links_get_the_same_page_and_guessing_is_rate_limited(app, client):
    wave_id, [(_id, token), *_] = open_wave(app)
    wrong = client.get("/s/" + "x" * 43)
    with app.app_context():
        db.session.get(Wave, wave_id).status = "closed"
        db.session.commit()
    closed = client.get(f"/s/{token}")
    assert wrong.status_code == closed.status_code == 302
    assert wrong.headers["Location"] == closed.headers["Location"]
    page = client.get(wrong.headers["Location"])
    assert page.status_code == 404 and "Linket virker ikke" in page.get_data(as_text=True)
    app.config["TOKEN_MAX_FAILURES"] = 3
    statuses = [client.get(f"/s/guess{i}").status_code for i in range(3)]
    assert statuses[-1] == 429


def test_draft_keeps_partial_answers_and_resumes_from_the_same_link(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    start(client, token)
    saved = post_answers(client, {"q_ly_forenklet": "4"}, action="draft")
    assert saved.status_code == 302
    assert responses(app) == [(invitation_id, "draft", {"ly_forenklet": 4}, 1)]
    other_device = app.test_client()
    html = start(other_device, token).get_data(as_text=True)
    assert checked(html, "q_ly_forenklet") == ["4"] and checked(html, "q_ly_kvalitet") == []
    assert "gemt kladde" in html


def test_failed_validation_keeps_what_was_typed_and_says_what_to_fix_in_danish(app, client):
    _wave, [(_id, token), *_] = open_wave(app)
    start(client, token)
    response = post_answers(client, {"q_ly_forenklet": "2"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ret venligst dette" in html
    error = html.split('id="q_ly_kvalitet-error"')[1].split("</ul>")[0]
    assert "Besvar" in error or "skal" in error, error
    assert 'aria-describedby="q_ly_kvalitet-error"' in html
    assert checked(html, "q_ly_forenklet") == ["2"]
    assert responses(app) == []


def test_submit_twice_and_change_later_keeps_one_response(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app)
    start(client, token)
    first = post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "2"})
    assert first.status_code == 302 and first.headers["Location"].endswith("/svar/tak")
    assert "Tak for dit svar" in client.get("/svar/tak").get_data(as_text=True)
    post_answers(client, {"q_ly_forenklet": "5", "q_ly_kvalitet": "3"})
    assert responses(app) == [(invitation_id, "submitted", {"ly_forenklet": 5, "ly_kvalitet": 3}, 2)]
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).answered_at is not None


def test_wave_closing_between_loading_and_submitting_shows_the_typed_answers(app, client):
    wave_id, [(_id, token), *_] = open_wave(app)
    page = start(client, token)
    with app.app_context():
        db.session.get(Wave, wave_id).closes_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "2"}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Runden er lukket" in html
    assert "I nogen grad" in html and "ikke gemt" in html
    assert responses(app) == []


def test_a_wave_not_yet_open_gets_a_clear_page(app, client):
    wave_id, [(_id, token), *_] = open_wave(app)
    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        wave.status, wave.opens_at = "scheduled", utcnow() + timedelta(days=2)
        db.session.commit()
    html = start(client, token).get_data(as_text=True)
    assert "Runden er ikke åben endnu" in html


def test_conditions_are_checked_on_the_server(app, client):
    _wave, [(invitation_id, token), *_] = open_wave(app, slug="revalidering-raadgiver")
    start(client, token)
    # "Nej" to the screening question: the follow-ups are hidden, so answers to them are dropped
    # and their required checks do not apply.
    response = post_answers(client, {"q_rv_foer_opstart": "2", "q_rv_smidig": "5"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [(_inv, status, answers, _n)] = responses(app)
    assert status == "submitted" and "rv_smidig" not in answers
    assert 'data-show-if="q_rv_foer_opstart"' in client.get("/svar").get_data(as_text=True)


def test_english_can_be_chosen_on_the_answer_page(app, client):
    _wave, [(_id, token), *_] = open_wave(app)
    page = start(client, token)
    from tests.conftest import extract_csrf

    client.post("/sprog", data={"lang": "en", "next": "/svar", "csrf_token": extract_csrf(page.get_data(as_text=True))})
    html = client.get("/svar").get_data(as_text=True)
    assert "To what extent has the exemption" in html and 'lang="en"' in html


def test_logs_never_hold_a_whole_token(app, caplog):
    import logging

    import requests

    from tests.support.browser import live_server

    _wave, [(_id, token), *_] = open_wave(app)
    with caplog.at_level(logging.INFO, logger="werkzeug"), live_server(app) as base:
        requests.get(f"{base}/s/{token}", allow_redirects=False, timeout=10)
        requests.get(f"{base}/s/{token}x", allow_redirects=False, timeout=10)
    assert "/s/" + token[:6] in caplog.text
    assert token not in caplog.text


def test_gunicorn_access_log_atoms_are_redacted():
    from types import SimpleNamespace

    from app.answering.access_log import RedactingGunicornLogger

    token = "Abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE"
    logger = RedactingGunicornLogger(SimpleNamespace(**{
        "errorlog": "-", "loglevel": "info", "accesslog": None, "syslog": False, "capture_output": False,
        "logconfig": None, "logconfig_dict": {}, "logconfig_json": None, "access_log_format": "%(r)s",
        "syslog_addr": None, "syslog_prefix": None, "syslog_facility": "user", "disable_redirect_access_to_syslog": False,
        "user": 0, "group": 0, "statsd_host": None, "dogstatsd_tags": "", "statsd_prefix": ""}))
    req = SimpleNamespace(method="GET", uri=f"/s/{token}", path=f"/s/{token}", query="", version=(1, 1),
                          headers=[], peer_addr=("127.0.0.1", 1))
    resp = SimpleNamespace(status="302 FOUND", response_length=0, sent=0, headers=[])
    environ = {"REMOTE_ADDR": "127.0.0.1", "RAW_URI": f"/s/{token}", "REQUEST_METHOD": "GET",
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": f"/s/{token}", "QUERY_STRING": ""}
    atoms = logger.atoms(resp, req, environ, __import__("datetime").timedelta(0))
    assert token not in " ".join(str(v) for v in atoms.values())
    assert "/s/Abcdef" in atoms["r"]
    # The error log ("Error handling request /reset/...") is cut short as well.
    record = __import__("logging").LogRecord("gunicorn.error", 40, __file__, 1, "Error handling request %s",
                                             (f"/reset/{token}",), None)
    assert all(f.filter(record) for f in logger.error_log.filters)
    assert token not in record.getMessage() and "/reset/Abcdef" in record.getMessage()
    named = __import__("logging").LogRecord("gunicorn.error", 40, __file__, 1, "%(uri)s", ({"uri": f"/p/{token}"},), None)
    assert all(f.filter(named) for f in logger.error_log.filters) and named.getMessage() == "/p/Abcdef…"
