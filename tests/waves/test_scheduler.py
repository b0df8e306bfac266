"""The scheduler against a real SMTP server, with a controlled clock."""
from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

from sqlalchemy import func, select

from app.extensions import db
from app.models import Invitation, Message, Wave
from app.scheduler import tick
from tests.waves.factories import T0, add_respondents, add_wave, submit_response
from tests.waves.mail_promise import wait_for_leases_to_end


def _setup(app, smtp_server, counts=None, **wave_kwargs) -> int:
    app.config.update(smtp_server.config())
    with app.app_context():
        add_respondents(counts or {"aalborg": 3, "rebild": 2, "thisted": 1})
        wave = add_wave(**wave_kwargs)
        db.session.commit()
        return wave.id


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def reminders_in(server) -> list:
    return [m for m in server.messages if subject(m).startswith("Påmindelse")]


def _tick(app, now):
    with app.app_context():
        return tick(now)


def test_wave_opens_when_due_and_each_adviser_gets_one_invitation(app, smtp_server):
    wave_id = _setup(app, smtp_server)
    assert _tick(app, T0 - timedelta(minutes=1)).opened == []
    assert smtp_server.messages == []
    report = _tick(app, T0 + timedelta(seconds=30))
    assert report.opened == ["Maj 2026"] and report.mail.sent == 5
    _tick(app, T0 + timedelta(minutes=5))
    recipients = smtp_server.recipients()
    assert sorted(recipients) == sorted(set(recipients)) and len(recipients) == 5  # thisted is not covered
    body = smtp_server.messages[0].get_payload(decode=True).decode()
    assert "http://localhost/s/" in body and "25.05.2026 09:00" in body  # closing time in Copenhagen time
    with app.app_context():
        wave = db.session.get(Wave, wave_id)
        assert wave.status == "open" and wave.opened_at == T0 + timedelta(seconds=30)
        assert db.session.scalar(select(func.count()).select_from(Message).where(Message.status == "sent")) == 5


def test_reminders_go_only_to_those_who_have_not_submitted(app, smtp_server):
    wave_id = _setup(app, smtp_server)
    _tick(app, T0)
    with app.app_context():
        answered = db.session.scalars(select(Invitation).where(Invitation.wave_id == wave_id)
                                      .order_by(Invitation.id)).first()
        submit_response(answered, T0 + timedelta(days=1))
        answered_email = answered.respondent.email
        db.session.commit()
    _tick(app, T0 + timedelta(days=7) - timedelta(minutes=1))
    assert len(smtp_server.messages) == 5
    _tick(app, T0 + timedelta(days=7))
    _tick(app, T0 + timedelta(days=7, minutes=1))
    reminders = reminders_in(smtp_server)
    assert len(reminders) == 4 and answered_email not in [m["To"] for m in reminders]
    _tick(app, T0 + timedelta(days=14, hours=1))
    assert len(reminders_in(smtp_server)) == 8


def test_a_reminder_due_while_the_scheduler_was_down_is_sent_once(app, smtp_server):
    _setup(app, smtp_server)
    _tick(app, T0)
    _tick(app, T0 + timedelta(days=15))  # down through both reminder dates
    _tick(app, T0 + timedelta(days=15, minutes=1))
    reminders = reminders_in(smtp_server)
    assert len(reminders) == 5 and len({m["To"] for m in reminders}) == 5


def test_smtp_down_leaves_mail_pending_and_sends_it_once_when_up(app, smtp_server):
    _setup(app, smtp_server)
    smtp_server.stop()
    report = _tick(app, T0)
    assert report.mail.sent == 0 and report.mail.deferred == 1
    with app.app_context():
        first = db.session.scalars(select(Message).order_by(Message.id)).first()
        assert first.status == "pending" and first.attempts == 1 and first.next_attempt_at > T0
        assert first.claimed_by is None and first.claimed_until is None  # the failed sender let it go
        assert db.session.scalar(select(func.count()).select_from(Message).where(Message.status == "pending")) == 5
    smtp_server.start()
    # The message that failed backs off; the others were never tried and go now.
    assert _tick(app, T0 + timedelta(seconds=10)).mail.sent == 4
    assert _tick(app, T0 + timedelta(minutes=2)).mail.sent == 1
    _tick(app, T0 + timedelta(minutes=30))
    assert len(smtp_server.recipients()) == 5 == len(set(smtp_server.recipients()))


def test_crash_after_some_sends_then_restart_sends_the_rest_once(app, smtp_server, monkeypatch):
    import app.outbox as outbox

    _setup(app, smtp_server, counts={"aalborg": 12, "rebild": 3})
    real_send, calls = outbox.send, []

    def crashing_send(message, deadline=None):
        if len(calls) == 6:
            raise KeyboardInterrupt("killed")
        calls.append(message["To"])
        real_send(message, deadline)

    app.config["MAIL_CLAIM_SECONDS"] = 4  # long enough for one hand-over on a loaded machine
    monkeypatch.setattr(outbox, "send", crashing_send)
    try:
        _tick(app, T0)
    except KeyboardInterrupt:
        pass
    assert len(smtp_server.messages) == 6
    monkeypatch.setattr(outbox, "send", real_send)
    _tick(app, T0 + timedelta(minutes=1))
    with app.app_context():
        wait_for_leases_to_end()  # the 7th, claimed when the sender died, is taken over after its lease
    _tick(app, T0 + timedelta(minutes=2))
    assert sorted(smtp_server.recipients()) == sorted(set(smtp_server.recipients()))
    assert len(smtp_server.recipients()) == 15


def test_wave_closes_when_due_and_pending_reminders_are_not_sent(app, smtp_server):
    wave_id = _setup(app, smtp_server, reminder_days=(7,))
    _tick(app, T0)
    smtp_server.stop()
    _tick(app, T0 + timedelta(days=7))  # reminders queued, SMTP down
    smtp_server.start()
    report = _tick(app, T0 + timedelta(days=22))
    assert report.closed == ["Maj 2026"] and report.mail.sent == 0
    with app.app_context():
        assert db.session.get(Wave, wave_id).status == "closed"
    assert len(smtp_server.messages) == 5


def test_a_wave_whose_window_passed_while_down_closes_without_mail(app, smtp_server):
    wave_id = _setup(app, smtp_server)
    report = _tick(app, T0 + timedelta(days=30))
    assert report.closed == ["Maj 2026"] and smtp_server.messages == []
    with app.app_context():
        assert db.session.get(Wave, wave_id).status == "closed"


def test_a_mail_queued_with_its_own_text_is_sent_as_stored(app, smtp_server):
    app.config.update(smtp_server.config())
    with app.app_context():
        db.session.add(Message(purpose="password-reset", recipient="a@example.dk", subject="Nulstil", body="Tekst",
                               due_at=T0))
        db.session.commit()
    assert _tick(app, T0).mail.sent == 1
    assert smtp_server.recipients() == ["a@example.dk"]
