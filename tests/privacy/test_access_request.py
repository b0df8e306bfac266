"""Access requests: a coordinator downloads everything held about one respondent as one file."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Answer, AuditEntry, Response
from tests.conftest import extract_csrf
from tests.waves.factories import T0, open_wave_with_invitations, submit_response


def _respondent_with_an_answer(app) -> str:
    with app.app_context():
        _wave, invitations = open_wave_with_invitations(counts={"aalborg": 2}, opens=T0,
                                                        closes=T0 + timedelta(days=20), label="Januar 2019")
        invitation = invitations[0][0]
        submit_response(invitation, T0 + timedelta(days=1))
        response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
        db.session.add(Answer(response_id=response.id, question_id="ly_forenklet", option_code=4))
        db.session.commit()
        return invitation.respondent.email


def _request(client, email):
    page = client.get("/personoplysninger/")
    return client.post("/personoplysninger/indsigt",
                       data={"csrf_token": extract_csrf(page.get_data(as_text=True)), "email": email})


def test_the_access_file_holds_the_person_their_invitations_mails_and_answers(app, client, make_user, login):
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    address = _respondent_with_an_answer(app)
    response = _request(client, address.upper())
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    report = json.loads(response.get_data())
    assert report["respondent"]["email"] == address and report["respondent"]["municipality"] == "Aalborg"
    [invitation] = report["invitations"]
    assert invitation["wave"] == "Januar 2019" and invitation["response"]["status"] == "submitted"
    assert invitation["mails"][0]["kind"] == "invitation" and invitation["mails"][0]["to"] == address
    [answer] = invitation["response"]["answers"]
    assert answer["question"].startswith("I hvor høj grad har fritagelse") and answer["answer"] == "I nogen grad"
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_request"))
        assert entry.user_id == uid


def test_the_file_holds_nobody_else(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    address = _respondent_with_an_answer(app)
    body = _request(client, address).get_data(as_text=True)
    assert "r2.aalborg@example.dk" not in body and "Rådgiver 2" not in body


def test_an_unknown_address_gets_a_clear_message(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    response = _request(client, "ingen@example.dk")
    assert response.status_code == 404
    assert "Der er ingen respondent med den e-mailadresse" in response.get_data(as_text=True)


def test_only_coordinators_may_ask_and_only_by_post_with_csrf(app, make_user, login):
    address = _respondent_with_an_answer(app)
    _uid, email, password = make_user("team_leader", "aalborg")
    leader = app.test_client()
    login(leader, email, password)
    assert leader.post("/personoplysninger/indsigt", data={"email": address}).status_code in (400, 403)
    assert leader.get("/personoplysninger/indsigt").status_code == 405
    _cid, cemail, cpassword = make_user("coordinator")
    coordinator = app.test_client()
    login(coordinator, cemail, cpassword)
    assert coordinator.post("/personoplysninger/indsigt", data={"email": address}).status_code == 400
