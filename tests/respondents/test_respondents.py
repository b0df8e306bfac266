"""The respondent list and pages: search, filters, paging, invitations with state, e-mail, exclusion."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Invitation, Message, Municipality, Respondent, Response
from app.waves.respondents import import_respondents
from app.waves.service import invite_audience, queue_messages
from tests.conftest import extract_csrf
from tests.waves.factories import T0, add_respondents, add_wave, open_wave_with_invitations, submit_response


@pytest.fixture
def coordinator(client, make_user, login):
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    return uid


def _post(client, path: str, data: dict | None = None):
    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def test_search_filters_and_paging(app, client, coordinator):
    with app.app_context():
        add_respondents({"aalborg": 60, "thisted": 3})
        for person in db.session.scalars(select(Respondent).where(Respondent.email.like("%.thisted@%"))):
            person.team = "Jobcenter Nord"
        db.session.commit()
        thisted = db.session.scalar(select(Municipality.id).where(Municipality.slug == "thisted"))
    first = client.get("/respondenter/").get_data(as_text=True)
    assert "63 respondenter fundet" in first and "Side 1 af 2" in first
    second = client.get("/respondenter/?side=2").get_data(as_text=True)
    assert "Side 2 af 2" in second and "Forrige side" in second
    assert "3 respondenter fundet" in client.get(f"/respondenter/?kommune={thisted}").get_data(as_text=True)
    assert "3 respondenter fundet" in client.get("/respondenter/?team=Jobcenter+Nord").get_data(as_text=True)
    found = client.get("/respondenter/?q=R12.AALBORG").get_data(as_text=True)
    assert "1 respondent fundet" in found and "r12.aalborg@example.dk" in found


def test_the_wave_filter_and_each_persons_invitations_with_state(app, client, coordinator):
    with app.app_context():
        wave, pairs = open_wave_with_invitations({"aalborg": 3})
        (answered, _t1), (opened, _t2), (invited, _t3) = pairs
        opened.opened_at = T0 + timedelta(hours=1)
        submit_response(answered, T0 + timedelta(hours=2))
        add_respondents({"rebild": 2}, prefix="other")
        db.session.commit()
        ids = {"answered": answered.respondent_id, "opened": opened.respondent_id, "invited": invited.respondent_id}
        wave_id = wave.id
    assert "3 respondenter fundet" in client.get(f"/respondenter/?runde={wave_id}").get_data(as_text=True)
    for state, word in (("answered", "Besvaret"), ("opened", "Åbnet"), ("invited", "Inviteret")):
        html = client.get(f"/respondenter/{ids[state]}").get_data(as_text=True)
        assert "Maj 2026" in html
        assert f"<td>{word}</td>" in html, state


def test_a_corrected_address_gets_the_mails_still_waiting(app, client, coordinator):
    with app.app_context():
        wave, pairs = open_wave_with_invitations({"aalborg": 1})
        queue_messages(wave, "reminder-1", T0, only_unanswered=True)
        db.session.commit()
        rid = pairs[0][0].respondent_id
    response = _post(client, f"/respondenter/{rid}/email", {"email": "Ny.Adresse@Example.dk"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Respondent, rid).email == "ny.adresse@example.dk"
        recipients = set(db.session.scalars(select(Message.recipient).where(Message.status == "pending")))
        assert recipients == {"ny.adresse@example.dk"}
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "email_corrected"))
        assert entry.before["email"] == "r1.aalborg@example.dk"


def test_an_address_of_another_respondent_is_refused(app, client, coordinator):
    with app.app_context():
        first, second = add_respondents({"aalborg": 2})
        db.session.commit()
    response = _post(client, f"/respondenter/{first}/email", {"email": "r2.aalborg@example.dk"})
    assert response.status_code == 400 and "tilhører en anden respondent" in response.get_data(as_text=True)


def test_an_excluded_person_keeps_past_answers_and_misses_the_next_wave(app, client, coordinator):
    with app.app_context():
        wave, pairs = open_wave_with_invitations({"aalborg": 2}, municipalities=("aalborg",))
        submit_response(pairs[0][0], T0 + timedelta(hours=1))
        queue_messages(wave, "reminder-1", T0, only_unanswered=False)
        db.session.commit()
        rid = pairs[0][0].respondent_id
    refused = _post(client, f"/respondenter/{rid}/udeluk", {"reason": "  "})
    assert refused.status_code == 400
    assert _post(client, f"/respondenter/{rid}/udeluk", {"reason": "Fratrådt 1. marts"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Response.id).where(Response.invitation_id == pairs[0][0].id)) is not None
        pending = set(db.session.scalars(select(Message.recipient).where(Message.status == "pending")))
        assert pending == {"r2.aalborg@example.dk"}
        # A new import of the same list does not bring the person back.
        csv = "navn,e-mail,kommune\nRådgiver 1 Aalborg,r1.aalborg@example.dk,Aalborg\n".encode()
        assert not import_respondents("liste.csv", csv).errors
        later = add_wave(status="open", opens=T0 + timedelta(days=200), municipalities=("aalborg",), label="Jan 2027")
        invite_audience(later, later.opens_at)
        db.session.commit()
        invited = set(db.session.scalars(select(Invitation.respondent_id).where(Invitation.wave_id == later.id)))
        assert rid not in invited and len(invited) == 1
    html = client.get(f"/respondenter/{rid}").get_data(as_text=True)
    assert "Fratrådt 1. marts" in html
    _post(client, f"/respondenter/{rid}/medtag")
    with app.app_context():
        person = db.session.get(Respondent, rid)
        assert person.active and person.excluded_at is None


def test_a_team_leader_gets_404_for_a_respondent(app, client, make_user, login):
    with app.app_context():
        (rid,) = add_respondents({"aalborg": 1})
        db.session.commit()
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get(f"/respondenter/{rid}").status_code == 404
    token = extract_csrf(client.get("/konto").get_data(as_text=True))
    assert client.post(f"/respondenter/{rid}/udeluk", data={"reason": "x", "csrf_token": token}).status_code == 404
    assert client.get("/respondenter/").status_code == 403


@pytest.mark.parametrize("path", ["email", "udeluk", "medtag"])
def test_respondent_posts_without_csrf_are_refused(app, client, coordinator, path):
    with app.app_context():
        (rid,) = add_respondents({"aalborg": 1})
        db.session.commit()
    response = client.post(f"/respondenter/{rid}/{path}", data={"email": "x@example.dk", "reason": "x"})
    assert response.status_code == 400
    with app.app_context():
        person = db.session.get(Respondent, rid)
        assert person.email == "r1.aalborg@example.dk" and person.excluded_at is None


def test_internal_local_addresses_import_and_other_special_use_names_do_not(app):
    csv = ("navn,e-mail,kommune\nAnna,anna@boelge.local,Aalborg\nBo,Bo@Jammerbugt.Local,Jammerbugt\n"
           "Carl,carl@localhost,Aalborg\nDina,dina@example.invalid,Aalborg\n").encode()
    with app.test_request_context():
        result = import_respondents("liste.csv", csv)
    assert [row["email"] for row in result.rows] == ["anna@boelge.local", "bo@jammerbugt.local"]
    assert [number for number, _message in result.errors] == [4, 5]
