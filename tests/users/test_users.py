"""Coordinators invite, change, deactivate and reactivate accounts; the refusals; 404 and CSRF."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Message, Municipality, User
from tests.conftest import extract_csrf


@pytest.fixture
def coordinator(client, make_user, login):
    uid, email, password = make_user("coordinator")
    login(client, email, password)
    return uid


def _post(client, path: str, data: dict | None = None, page: str = "/brugere/"):
    token = extract_csrf(client.get(page).get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def _municipality_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))


def _invite(app, client, email="ny.leder@example.dk", role="team_leader", municipality="aalborg"):
    data = {"name": "Nina Ny", "email": email, "role": role,
            "municipality_id": _municipality_id(app, municipality) if municipality else ""}
    return _post(client, "/brugere/inviter", data, page="/brugere/inviter")


def _link_in(body: str) -> str:
    match = re.search(r"http://localhost(/brugere/invitation/\S+)", body)
    assert match, body
    return match.group(1)


def test_the_list_shows_every_account_with_role_municipality_and_state(app, client, coordinator, make_user):
    make_user("team_leader", "thisted", email="tove@example.dk")
    html = client.get("/brugere/").get_data(as_text=True)
    assert "tove@example.dk" in html and "Thisted" in html and "Teamleder" in html
    assert "Aktiv" in html and "Aldrig" in html


def test_an_invitation_is_mailed_through_the_outbox_and_sets_a_password_once(app, client, coordinator, smtp_server):
    app.config.update(smtp_server.config())
    response = _invite(app, client)
    assert response.status_code == 302
    with app.app_context():
        message = db.session.scalar(select(Message).where(Message.purpose == "user-invitation"))
        assert message.status == "sent" and message.recipient == "ny.leder@example.dk"
        user = db.session.scalar(select(User).where(User.email == "ny.leder@example.dk"))
        assert user.invitation_pending and user.role == "team_leader"
    assert smtp_server.recipients() == ["ny.leder@example.dk"]
    link = _link_in(smtp_server.messages[0].get_payload(decode=True).decode())

    visitor = app.test_client()
    page = visitor.get(link)
    assert page.status_code == 200 and "Vælg din adgangskode" in page.get_data(as_text=True)
    saved = visitor.post(link, data={"password": "en-god-adgangskode", "confirm": "en-god-adgangskode",
                                     "csrf_token": extract_csrf(page.get_data(as_text=True))})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/login")
    assert visitor.get(link).status_code == 404  # single use
    page = visitor.get("/login")
    signed_in = visitor.post("/login", data={"email": "ny.leder@example.dk", "password": "en-god-adgangskode",
                                             "csrf_token": extract_csrf(page.get_data(as_text=True))})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/")


def test_an_invitation_link_expires(app, client, coordinator, smtp_server):
    app.config.update(smtp_server.config())
    _invite(app, client)
    link = _link_in(smtp_server.messages[0].get_payload(decode=True).decode())
    app.config["USER_INVITATION_MAX_AGE"] = -1
    assert app.test_client().get(link).status_code == 404


def test_a_new_invitation_makes_the_earlier_link_worthless(app, client, coordinator, smtp_server):
    app.config.update(smtp_server.config())
    _invite(app, client)
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.email == "ny.leder@example.dk"))
    _post(client, f"/brugere/{uid}/inviter-igen")
    first, second = (_link_in(m.get_payload(decode=True).decode()) for m in smtp_server.messages)
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_the_invitation_mail_waits_in_the_outbox_while_smtp_is_down(app, client, coordinator):
    _invite(app, client)  # the test config's SMTP port 0 refuses every connection
    with app.app_context():
        message = db.session.scalar(select(Message).where(Message.purpose == "user-invitation"))
        assert message.status == "pending" and message.attempts == 1


def test_inviting_an_address_already_in_use_is_refused(app, client, coordinator, make_user):
    make_user("coordinator", email="karen@example.dk")
    response = _invite(app, client, email="Karen@Example.dk", role="coordinator", municipality=None)
    assert response.status_code == 400
    assert "bruges allerede af en konto" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Message.id)) is None


def test_a_team_leader_invitation_needs_a_municipality(app, client, coordinator):
    response = _invite(app, client, municipality=None)
    assert response.status_code == 400 and "skal høre til en kommune" in response.get_data(as_text=True)


def test_deactivation_throws_out_the_open_session_at_once(app, client, coordinator, make_user, login):
    uid, email, password = make_user("team_leader", "aalborg")
    other = app.test_client()
    login(other, email, password)
    assert other.get("/tilsyn/").status_code == 200
    assert _post(client, f"/brugere/{uid}/deaktiver").status_code == 302
    thrown_out = other.get("/tilsyn/")
    assert thrown_out.status_code == 302 and "/login" in thrown_out.headers["Location"]
    assert login(app.test_client(), email, password).status_code == 200  # "Forkert e-mail eller adgangskode"
    _post(client, f"/brugere/{uid}/aktiver")
    assert login(app.test_client(), email, password).status_code == 302
    with app.app_context():
        actions = [a for a in db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == uid,
                                                                                 AuditEntry.entity == "user"))]
    assert actions == ["deactivate", "reactivate"]


def test_deactivating_yourself_is_refused(app, client, coordinator):
    response = _post(client, f"/brugere/{coordinator}/deaktiver")
    assert response.status_code == 302
    assert "Du kan ikke deaktivere dig selv" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, coordinator).active


def test_the_last_active_coordinator_cannot_be_made_a_team_leader(app, client, coordinator):
    response = _post(client, f"/brugere/{coordinator}",
                     {"role": "team_leader", "municipality_id": _municipality_id(app, "aalborg")})
    assert response.status_code == 400
    assert "den sidste aktive koordinator" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, coordinator).role == "coordinator"


def test_the_last_active_coordinator_cannot_be_deactivated(app, make_user):
    from app.users import service

    first, _e, _p = make_user("coordinator")
    second, _e, _p = make_user("coordinator")
    with app.test_request_context():
        actor, target = db.session.get(User, first), db.session.get(User, second)
        actor.active = False  # e.g. deactivated from another browser a moment ago
        db.session.flush()
        with pytest.raises(service.Refused, match="sidste aktive koordinator"):
            service.deactivate(actor, target)
        db.session.rollback()


def test_changing_role_and_municipality_is_audited_and_ends_their_sessions(app, client, coordinator, make_user, login):
    uid, email, password = make_user("team_leader", "aalborg")
    other = app.test_client()
    login(other, email, password)
    _post(client, f"/brugere/{uid}", {"role": "team_leader", "municipality_id": _municipality_id(app, "thisted")})
    with app.app_context():
        user = db.session.get(User, uid)
        assert user.municipality.slug == "thisted"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "change"))
        assert entry.before["municipality"] == "Aalborg" and entry.after["municipality"] == "Thisted"
    assert other.get("/tilsyn/").status_code == 302


def test_a_team_leader_gets_404_for_any_account_page(app, client, make_user, login):
    target, _e, _p = make_user("coordinator")
    _uid, email, password = make_user("team_leader", "aalborg")
    login(client, email, password)
    assert client.get(f"/brugere/{target}").status_code == 404
    assert client.get("/brugere/999999").status_code == 404
    assert client.get("/brugere/").status_code == 403


@pytest.mark.parametrize("path", ["/brugere/inviter", "/brugere/{uid}", "/brugere/{uid}/deaktiver",
                                  "/brugere/{uid}/aktiver", "/brugere/{uid}/inviter-igen",
                                  "/brugere/{uid}/nulstil-totrin"])
def test_every_post_without_a_csrf_token_is_refused(app, client, coordinator, make_user, path):
    uid, _e, _p = make_user("team_leader", "aalborg")
    response = client.post(path.format(uid=uid), data={"name": "X", "email": "x@example.dk", "role": "coordinator"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, uid).active
        assert db.session.scalar(select(User.id).where(User.email == "x@example.dk")) is None


def test_a_coordinator_resets_a_lost_second_factor(app, client, coordinator, make_user, login):
    from tests.account.helpers import enrol, use_clock

    clock = use_clock(app)
    uid, email, password = make_user("team_leader", "aalborg")
    other = app.test_client()
    login(other, email, password)
    enrol(other, clock)
    _post(client, f"/brugere/{uid}/nulstil-totrin")
    assert other.get("/konto").status_code == 302  # signed out
    with app.app_context():
        assert not db.session.get(User, uid).has_second_factor
    assert login(app.test_client(), email, password).headers["Location"].endswith("/")  # a password again


def test_the_invitation_page_refuses_a_post_without_csrf_and_logs_no_token(app, client, coordinator, smtp_server):
    from app.security import redact

    app.config.update(smtp_server.config())
    _invite(app, client)
    link = _link_in(smtp_server.messages[0].get_payload(decode=True).decode())
    response = app.test_client().post(link, data={"password": "en-god-adgangskode", "confirm": "en-god-adgangskode"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "ny.leder@example.dk")).invitation_pending
    token = link.rsplit("/", 1)[1]
    assert token not in redact(f"GET {link} HTTP/1.1") and token[:6] in redact(link)


def test_a_password_chosen_through_a_reset_link_ends_the_invitation(app, client, coordinator, smtp_server):
    from app.auth.service import set_password

    app.config.update(smtp_server.config())
    _invite(app, client)
    link = _link_in(smtp_server.messages[0].get_payload(decode=True).decode())
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny.leder@example.dk"))
        set_password(user, "valgt-via-nulstilling")
        db.session.commit()
    assert app.test_client().get(link).status_code == 404
    assert "Inviteret" not in client.get("/brugere/").get_data(as_text=True)
