"""Retention: the scheduler erases personal data RETENTION_DAYS after closing and keeps the answers."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import (Answer, AuditEntry, CaseListEntry, Invitation, Message, Respondent, Response,
                        SupervisionRecord, SupervisionRound, ThrottleEvent, Wave)
from app.scheduler import tick
from tests.conftest import extract_csrf
from tests.supervision.conftest import log_case, make_round  # noqa: F401  (fixture)
from tests.waves.factories import T0, add_wave, open_wave_with_invitations, submit_response

CLOSED = T0 + timedelta(days=21)


def _closed_wave_with_answers(app, counts=None, label="Maj 2026") -> tuple[int, list[str]]:
    """A wave closed at CLOSED, every invitation with a submitted response and one answer, and a sent mail."""
    with app.app_context():
        wave, invitations = open_wave_with_invitations(counts=counts or {"aalborg": 2, "rebild": 1},
                                                       opens=T0, closes=CLOSED, label=label)
        for invitation, _token in invitations:
            submit_response(invitation, T0 + timedelta(days=1))
            response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
            db.session.add(Answer(response_id=response.id, question_id="ly_forenklet", option_code=4))
        wave.status, wave.closed_at = "closed", CLOSED
        db.session.commit()
        return wave.id, [token for _inv, token in invitations]


def _people(app) -> list[tuple[str, str]]:
    with app.app_context():
        return sorted((r.name, r.email) for r in db.session.scalars(select(Respondent)))


def _tick(app, now):
    with app.app_context():
        return tick(now)


def test_personal_data_stays_until_retention_then_the_tick_erases_it_and_keeps_the_answers(app, client):
    days = app.config["RETENTION_DAYS"]
    wave_id, tokens = _closed_wave_with_answers(app)
    before = _people(app)
    _tick(app, CLOSED + timedelta(days=days) - timedelta(minutes=1))
    assert _people(app) == before
    _tick(app, CLOSED + timedelta(days=days, minutes=1))
    with app.app_context():
        people = list(db.session.scalars(select(Respondent)))
        assert all(p.name == "(slettet)" and p.email.endswith("@slettet.invalid") and not p.active for p in people)
        assert not {email for _n, email in before} & {p.email for p in people}
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0
        assert all(i.token_nonce == "" for i in db.session.scalars(select(Invitation)))
        wave = db.session.get(Wave, wave_id)
        assert wave.personal_data_erased_at is not None
        # The answers stay, per municipality, for the statistics.
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 3
        assert sorted(r.municipality.slug for r in db.session.scalars(select(Response))) == ["aalborg", "aalborg",
                                                                                                "rebild"]
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "erase_personal_data"))
        assert entry.entity == "wave" and entry.after["invitations"] == 3
    for token in tokens:  # the personal links are dead
        assert client.get(f"/s/{token}").headers["Location"].endswith("/svar/ugyldigt-link")


def test_someone_in_a_later_wave_keeps_their_data_but_loses_the_link_to_the_old_answers(app):
    old_wave, _tokens = _closed_wave_with_answers(app, counts={"aalborg": 1})
    with app.app_context():
        person = db.session.scalar(select(Respondent))
        later = add_wave(status="scheduled", opens=T0 + timedelta(days=400), label="Maj 2027",
                         municipalities=("aalborg",))
        db.session.add(Invitation(wave_id=later.id, respondent_id=person.id, municipality_id=person.municipality_id,
                                  token_nonce="n" * 22, token_hash="h" * 64))
        db.session.commit()
        person_id, name = person.id, person.name
    _tick(app, CLOSED + timedelta(days=app.config["RETENTION_DAYS"] + 1))
    with app.app_context():
        person = db.session.get(Respondent, person_id)
        assert person.name == name and person.active
        old = db.session.scalar(select(Invitation).where(Invitation.wave_id == old_wave))
        assert old.respondent_id != person_id and old.respondent.name == "(slettet)"
        assert db.session.scalar(select(func.count()).select_from(Response).where(Response.wave_id == old_wave)) == 1


def test_a_wave_not_yet_closed_is_never_erased(app):
    with app.app_context():
        open_wave_with_invitations(opens=T0, closes=T0 + timedelta(days=5000))
        db.session.commit()
    before = _people(app)
    _tick(app, T0 + timedelta(days=app.config["RETENTION_DAYS"] + 10))
    assert _people(app) == before


def test_the_tick_prunes_throttle_counters_no_window_counts_any_more(app):
    now = T0
    with app.app_context():
        window = max(app.config["LOGIN_WINDOW_SECONDS"], app.config["TOKEN_WINDOW_SECONDS"])
        db.session.add_all([ThrottleEvent(scope="link", key="10.0.0.1", at=now - timedelta(seconds=window + 60)),
                            ThrottleEvent(scope="login", key="email:a@b.dk", at=now - timedelta(seconds=window + 1)),
                            ThrottleEvent(scope="link", key="10.0.0.2", at=now - timedelta(seconds=60))])
        db.session.commit()
    _tick(app, now)
    with app.app_context():
        assert [e.key for e in db.session.scalars(select(ThrottleEvent))] == ["10.0.0.2"]


def test_a_closed_rounds_case_references_and_comments_go_and_its_answers_stay(app, make_user, login, make_round):
    _uid, email, password = make_user("team_leader", "aalborg")
    leader = app.test_client()
    login(leader, email, password)
    round_id = make_round()
    assert log_case(leader, round_id, "AAL-2019-77", comment="Borgeren Jens ringede").status_code == 302
    with app.app_context():
        round_ = db.session.get(SupervisionRound, round_id)
        db.session.add(CaseListEntry(round_id=round_id, municipality_id=round_.municipalities[0].id,
                                     case_reference="AAL-2019-78"))
        round_.status, round_.closed_at = "closed", CLOSED
        db.session.commit()
    _tick(app, CLOSED + timedelta(days=app.config["RETENTION_DAYS"] + 1))
    with app.app_context():
        [record] = db.session.scalars(select(SupervisionRecord))
        assert record.case_reference.startswith("slettet-") and record.comment is None
        assert [e.case_reference for e in db.session.scalars(select(CaseListEntry))][0].startswith("slettet-")
        logged = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "supervision_record")).all()
        assert logged and all("AAL-2019-77" not in str(e.before) + str(e.after) for e in logged)
        assert all("Jens" not in str(e.before) + str(e.after) for e in logged)
        response = db.session.scalar(select(Response).where(Response.supervision_record_id == record.id))
        assert db.session.scalar(select(func.count()).select_from(Answer).where(
            Answer.response_id == response.id)) > 0
        assert db.session.get(SupervisionRound, round_id).personal_data_erased_at is not None


def test_closing_a_round_records_when_it_closed(app, make_user, login, make_round):
    from app.supervision.service import set_status

    round_id = make_round()
    with app.app_context():
        round_ = db.session.get(SupervisionRound, round_id)
        set_status(None, round_, "closed")
        db.session.commit()
        assert round_.closed_at is not None
        set_status(None, round_, "open")
        db.session.commit()
        assert round_.closed_at is None


def _postpone(client, kind, subject_id, until: str, reason: str):
    url = f"/personoplysninger/{kind}/{subject_id}/udskyd"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={"csrf_token": extract_csrf(page.get_data(as_text=True)), "until": until,
                                  "reason": reason})


def test_a_postponed_erasure_waits_for_its_new_date_and_the_postponement_is_audited(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    wave_id, _tokens = _closed_wave_with_answers(app)
    days = app.config["RETENTION_DAYS"]
    new_date = (CLOSED + timedelta(days=days + 30)).date()
    response = _postpone(client, "runde", wave_id, new_date.isoformat(), "Klagesag verserer")
    assert response.status_code == 302
    before = _people(app)
    _tick(app, CLOSED + timedelta(days=days + 1))
    assert _people(app) == before
    _tick(app, CLOSED + timedelta(days=days + 31))
    assert all(name == "(slettet)" for name, _e in _people(app))
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "postpone_erasure"))
        assert entry.entity == "wave" and entry.entity_id == wave_id and entry.user_id == _uid
        assert entry.after["reason"] == "Klagesag verserer"


def test_a_postponement_needs_a_reason_and_a_later_date(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    wave_id, _tokens = _closed_wave_with_answers(app)
    no_reason = _postpone(client, "runde", wave_id, "2099-01-01", "")
    assert no_reason.status_code == 400 and "Skriv en begrundelse" in no_reason.get_data(as_text=True)
    earlier = _postpone(client, "runde", wave_id, CLOSED.date().isoformat(), "Vent")
    assert earlier.status_code == 400 and "efter den planlagte sletning" in earlier.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Wave, wave_id).retention_postponed_until is None
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "postpone_erasure")) == 0


def test_coordinators_see_what_will_be_erased_and_when(app, client, make_user, login):
    _uid, email, password = make_user("coordinator")
    login(client, email, password)
    wave_id, _tokens = _closed_wave_with_answers(app, label="Januar 2019")
    due = (CLOSED + timedelta(days=app.config["RETENTION_DAYS"])).astimezone().strftime("%d.%m.%Y")
    page = client.get("/personoplysninger/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Januar 2019" in html and due in html and "3 personlige links" in html
    assert f"/personoplysninger/runde/{wave_id}/udskyd" in html


def test_the_personal_data_pages_are_for_coordinators_only(app, make_user, login):
    wave_id, _tokens = _closed_wave_with_answers(app)
    _uid, email, password = make_user("team_leader", "aalborg")
    leader = app.test_client()
    login(leader, email, password)
    assert leader.get("/personoplysninger/").status_code == 403
    assert leader.get(f"/personoplysninger/runde/{wave_id}/udskyd").status_code == 403
    assert app.test_client().get("/personoplysninger/").status_code == 302  # to the login page


def test_an_active_adviser_stays_registered_for_a_wave_still_to_come_in_their_municipality(app):
    _closed_wave_with_answers(app, counts={"aalborg": 1, "rebild": 1})
    with app.app_context():
        add_wave(status="scheduled", opens=T0 + timedelta(days=500), label="Sommer 2027", municipalities=("aalborg",))
        db.session.commit()
    _tick(app, CLOSED + timedelta(days=app.config["RETENTION_DAYS"] + 1))
    with app.app_context():
        by_place = {r.municipality.slug: r for r in db.session.scalars(select(Respondent).where(
            Respondent.email.not_like("%@slettet.invalid")))}
        assert list(by_place) == ["aalborg"] and by_place["aalborg"].active  # Rebild's has no wave to come
        assert db.session.scalar(select(func.count()).select_from(Invitation).join(Respondent).where(
            Respondent.email.not_like("%@slettet.invalid"))) == 0  # the old answers are no longer theirs
