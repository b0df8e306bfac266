"""Two senders never send one message: the scheduler lock survives path aliases, and a message is claimed."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Message
from app.scheduler import scheduler_lock
from app.outbox import drain
from tests.conftest import make_app
from tests.waves.factories import T0, open_wave_with_invitations
from tests.waves.mail_promise import wait_for_leases_to_end
from tests.waves.smtp_gate import GatedSMTPServer


def test_the_sqlite_scheduler_lock_is_one_lock_through_a_symlinked_path(tmp_path):
    real = tmp_path / "data"
    real.mkdir()
    (real / "boelge.db").touch()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "link.db").symlink_to(real / "boelge.db")
    (tmp_path / "dirlink").symlink_to(real, target_is_directory=True)
    direct = make_app(f"sqlite:///{real / 'boelge.db'}", tmp_path)
    through_file_link = make_app(f"sqlite:///{tmp_path / 'elsewhere' / 'link.db'}", tmp_path)
    through_folder_link = make_app(f"sqlite:///{tmp_path / 'dirlink' / 'boelge.db'}", tmp_path)
    with direct.app_context(), scheduler_lock() as first:
        assert first
        for other in (through_file_link, through_folder_link):
            with other.app_context(), scheduler_lock() as second:
                assert second is False


def _queue(app, counts) -> int:
    with app.app_context():
        _wave, invitations = open_wave_with_invitations(counts=counts, opens=T0, closes=T0 + timedelta(days=20))
        db.session.commit()
        return len(invitations)


def test_two_senders_draining_one_outbox_at_once_send_each_message_once(app):
    """Even with no scheduler lock at all, a message is claimed (committed) before it is sent."""
    total = _queue(app, {"aalborg": 8, "rebild": 4})
    with GatedSMTPServer(delay=0.03) as server:
        app.config.update({"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port})
        barrier, reports, errors = threading.Barrier(2), [], []

        def sender():
            try:
                with app.app_context():
                    barrier.wait()
                    reports.append(drain(T0 + timedelta(minutes=1)))
                    db.session.remove()
            except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
        assert sorted(server.recipients_seen) == sorted(set(server.recipients_seen))
        assert len(server.recipients_seen) == total
    assert sum(r.sent for r in reports) == total
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message).where(Message.status == "sent")) == total


def test_a_claimed_message_is_not_sent_by_another_sender(app, smtp_server):
    from app.models import utcnow

    _queue(app, {"aalborg": 1})
    app.config.update(smtp_server.config())
    with app.app_context():
        message = db.session.scalar(select(Message))
        message.status, message.claimed_by = "sending", "elsewhere:1:live"  # another sender has it
        message.claimed_until = utcnow() + timedelta(hours=1)
        db.session.commit()
        report = drain(T0 + timedelta(minutes=1))
    assert report.sent == 0 and smtp_server.messages == []


def test_a_mail_repeated_after_a_crash_carries_the_same_message_id(app, smtp_server, monkeypatch):
    """The documented window: killed after the SMTP server accepted a mail and before it was marked sent."""
    import app.outbox as outbox
    from app.scheduler import tick

    _queue(app, {"aalborg": 3})
    app.config.update(smtp_server.config())
    real_send = outbox.send

    def accepted_then_killed(message, deadline=None):
        real_send(message, deadline)
        if len(smtp_server.messages) == 2:
            raise KeyboardInterrupt("killed before the commit")

    app.config["MAIL_CLAIM_SECONDS"] = 4  # long enough for one hand-over on a loaded machine
    monkeypatch.setattr(outbox, "send", accepted_then_killed)
    with app.app_context():
        try:
            tick(T0 + timedelta(minutes=1))
        except KeyboardInterrupt:
            pass
    monkeypatch.setattr(outbox, "send", real_send)
    with app.app_context():
        tick(T0 + timedelta(minutes=2))
        wait_for_leases_to_end()
        tick(T0 + timedelta(minutes=3))
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 4 and len(set(ids)) == 3  # the one repeat has its first copy's id
    repeated = [m for m in smtp_server.messages if m["Message-ID"] == smtp_server.messages[1]["Message-ID"]]
    assert len(repeated) == 2 and repeated[0]["To"] == repeated[1]["To"]


def test_message_ids_differ_per_invitation_and_kind_and_reveal_no_ids(app, smtp_server):
    from app.scheduler import tick

    _queue(app, {"aalborg": 2})
    app.config.update(smtp_server.config())
    with app.app_context():
        tick(T0 + timedelta(minutes=1))
        tick(T0 + timedelta(days=7, minutes=1))  # the first reminder
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert all(i.startswith("<") and i.endswith("@boelge.local>") and len(i) > 40 for i in ids)


def test_a_tick_leaves_a_web_workers_live_claim_alone_and_takes_over_one_whose_lease_ended(app, smtp_server):
    from app.models import utcnow
    from app.scheduler import tick

    app.config.update(smtp_server.config())
    with app.app_context():
        recent = Message(purpose="stored", recipient="nu@example.dk", subject="S", body="B", due_at=T0,
                         status="sending", claimed_by="web:1:a", claimed_until=utcnow() + timedelta(minutes=1))
        old = Message(purpose="stored", recipient="foer@example.dk", subject="S", body="B", due_at=T0,
                      status="sending", claimed_by="web:2:b", claimed_until=utcnow() - timedelta(minutes=1))
        db.session.add_all([recent, old])
        db.session.commit()
        tick(T0 + timedelta(minutes=1))
        assert smtp_server.recipients() == ["foer@example.dk"]
        statuses = {m.recipient: m.status for m in db.session.scalars(select(Message))}
    assert statuses == {"nu@example.dk": "sending", "foer@example.dk": "sent"}
