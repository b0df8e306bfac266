"""One browser, two open links: each form stores on its own respondent, whatever the session says."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Invitation, utcnow
from app.waves.service import invite_audience
from app.waves.tokens import invitation_token
from tests.answering.helpers import open_wave, post_answers, responses, start
from tests.waves.factories import add_wave


def _second_wave_for_the_same_people(app, slug: str = "mentor-raadgiver"):
    """[(invitation id, token, respondent id)] of a second open wave for the respondents already invited."""
    with app.app_context():
        wave = add_wave(slug=slug, status="open", opens=utcnow() - timedelta(days=1),
                        closes=utcnow() + timedelta(days=20), label="Juni 2026")
        invite_audience(wave, wave.opens_at)
        db.session.commit()
        invitations = db.session.scalars(select(Invitation).where(Invitation.wave_id == wave.id)
                                         .order_by(Invitation.id)).all()
        return [(inv.id, invitation_token(inv.token_nonce), inv.respondent_id) for inv in invitations]


def _respondent_of(app, invitation_id: int) -> int:
    with app.app_context():
        return db.session.get(Invitation, invitation_id).respondent_id


def _answered_at(app, invitation_id: int):
    with app.app_context():
        return db.session.get(Invitation, invitation_id).answered_at


def test_the_first_tab_stores_on_its_own_invitation_after_a_second_link_was_opened(app, client):
    _wave, [(first_id, first_token), *_] = open_wave(app)
    adviser = _respondent_of(app, first_id)
    second_id, second_token = next((i, t) for i, t, r in _second_wave_for_the_same_people(app) if r == adviser)
    first_tab = start(client, first_token)  # its HTML is what the first tab keeps showing
    second_tab = start(client, second_token).get_data(as_text=True)
    assert "mentor" in second_tab.lower()

    saved = post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "2"}, page=first_tab)

    assert saved.status_code == 302 and saved.headers["Location"].endswith("/svar/tak")
    assert responses(app) == [(first_id, "submitted", {"ly_forenklet": 4, "ly_kvalitet": 2}, 2)]
    assert _answered_at(app, first_id) is not None and _answered_at(app, second_id) is None
    # The thanks page and the form now speak of the respondent just saved.
    assert "Tak for dit svar" in client.get("/svar/tak").get_data(as_text=True)
    assert "ly_forenklet" in client.get("/svar").get_data(as_text=True)


def test_a_draft_from_the_first_tab_leaves_the_second_tab_untouched(app, client):
    _wave, [(first_id, first_token), (second_id, second_token), *_] = open_wave(app)
    first_tab = start(client, first_token)
    second_tab = start(client, second_token)
    assert post_answers(client, {"q_ly_forenklet": "3"}, action="draft", page=first_tab).status_code == 302
    assert post_answers(client, {"q_ly_forenklet": "5"}, action="draft", page=second_tab).status_code == 302
    assert responses(app) == [(first_id, "draft", {"ly_forenklet": 3}, 1),
                              (second_id, "draft", {"ly_forenklet": 5}, 1)]


def test_a_tampered_reference_stores_nothing_and_never_falls_back_to_the_session(app, client):
    _wave, [(first_id, first_token), *_] = open_wave(app)
    html = start(client, first_token).get_data(as_text=True)
    ref = re.search(r'name="respondent_ref" value="([^"]+)"', html).group(1)
    tampered = html.replace(ref, ref[:-3] + ("AAA" if not ref.endswith("AAA") else "BBB"))
    response = post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "2"},
                            page=app.response_class(tampered))
    assert response.status_code == 302 and response.headers["Location"].endswith("/svar/ugyldigt-link")
    assert "Linket virker ikke" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert responses(app) == []
    assert _answered_at(app, first_id) is None


def test_a_reference_signed_for_something_else_is_refused(app, client):
    from itsdangerous import URLSafeTimedSerializer

    _wave, [(first_id, first_token), (second_id, _token), *_] = open_wave(app)
    html = start(client, first_token).get_data(as_text=True)
    forged = URLSafeTimedSerializer("not the secret", salt="respondent-ref").dumps({"i": second_id, "v": 1})
    ref = re.search(r'name="respondent_ref" value="([^"]+)"', html).group(1)
    response = post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "2"},
                            page=app.response_class(html.replace(ref, forged)))
    assert response.status_code == 302 and response.headers["Location"].endswith("/svar/ugyldigt-link")
    assert responses(app) == []


def test_an_old_reference_is_honoured_only_while_the_session_names_the_same_respondent(app, client, monkeypatch):
    import app.answering.identity as identity

    _wave, [(first_id, first_token), (second_id, second_token), *_] = open_wave(app)
    first_tab = start(client, first_token)
    monkeypatch.setattr(identity, "REF_MAX_AGE", -1)  # every reference is now past its age
    other_tab = start(client, second_token)
    refused = post_answers(client, {"q_ly_forenklet": "4", "q_ly_kvalitet": "2"}, page=first_tab)
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/svar/ugyldigt-link")
    assert responses(app) == []
    saved = post_answers(client, {"q_ly_forenklet": "5", "q_ly_kvalitet": "3"}, page=other_tab)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/svar/tak")
    assert [(r[0], r[2]) for r in responses(app)] == [(second_id, {"ly_forenklet": 5, "ly_kvalitet": 3})]
    assert first_id != second_id
