"""The mail promise: nobody missed, at most one repeat per killed sender and with the first copy's
Message-ID; a claim is honoured until its lease ends, whoever else sends, and its holder stops by then."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Message, utcnow
from app.scheduler import tick
from app.outbox import drain
from tests.waves.factories import T0, add_respondents, add_wave, open_wave_with_invitations
from tests.waves.mail_promise import assert_mail_promise, wait_for_leases_to_end
from tests.waves.smtp_gate import GatedSMTPServer
from tests.waves.test_scheduler_processes import NOW, ROOT, _env

LEASE = 8  # seconds a claim is honoured in these tests (MAIL_CLAIM_SECONDS)


def _queue(app, counts) -> list[str]:
    with app.app_context():
        _wave, invitations = open_wave_with_invitations(counts=counts, opens=T0, closes=T0 + timedelta(days=20),
                                                   municipalities=tuple(counts))
        db.session.commit()
        return [invitation.respondent.email for invitation, _token in invitations]


def _smtp(server: GatedSMTPServer) -> dict:
    return {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port}


def _statuses(app) -> dict[str, str]:
    with app.app_context():
        return {m.recipient: m.status for m in db.session.scalars(select(Message))}


def test_a_live_senders_claim_is_left_alone_by_a_tick_and_the_sender_stops_when_its_lease_ends(app):
    """A sender stuck in the SMTP conversation (a slow server, a process paused) beside a scheduler."""
    everyone = _queue(app, {"aalborg": 4})
    with GatedSMTPServer(hold_from=1, hold_one=True) as server:
        app.config.update({**_smtp(server), "MAIL_CLAIM_SECONDS": LEASE})
        reports = []

        def stuck_sender():
            with app.app_context():
                reports.append(drain(T0 + timedelta(minutes=1)))
                db.session.remove()

        thread = threading.Thread(target=stuck_sender)
        thread.start()
        assert server.holding.wait(30)
        with app.app_context():
            tick(T0 + timedelta(minutes=1))  # the scheduler sends the rest and leaves the claimed one
        assert len(server.messages) == len(everyone) - 1
        thread.join(120)
        assert not thread.is_alive() and reports[0].deferred == 1  # cut off as its lease ended: not handed over
        server.released.set()
        time.sleep(0.2)  # the held conversation ends on the server's side
        assert len(server.messages) == len(everyone) - 1
        assert sorted(_statuses(app).values()) == ["pending", "sent", "sent", "sent"]
        with app.app_context():
            tick(T0 + timedelta(hours=2))  # past its backoff
    assert assert_mail_promise(server.messages, everyone, kills=0) == 0


def test_a_claim_whose_holder_died_is_taken_over_after_its_lease_by_one_of_two_senders(app):
    everyone = _queue(app, {"aalborg": 6, "rebild": 2})
    with app.app_context():
        messages = db.session.scalars(select(Message).order_by(Message.id)).all()
        for message in messages[:3]:  # a killed sender's claims: one still within its lease, two ran out
            message.status, message.attempts, message.claimed_by = "sending", 1, "elsewhere:4242:dead"
        messages[0].claimed_until = utcnow() + timedelta(hours=1)
        messages[1].claimed_until = messages[2].claimed_until = utcnow() - timedelta(seconds=1)
        still_claimed, taken_over = messages[0].recipient, [m.recipient for m in messages[1:3]]
        db.session.commit()
    with GatedSMTPServer(delay=0.03) as server:
        app.config.update(_smtp(server))
        barrier, errors = threading.Barrier(2), []

        def sender():
            try:
                with app.app_context():
                    barrier.wait()
                    drain(T0 + timedelta(minutes=1))
                    db.session.remove()
            except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
    assert_mail_promise(server.messages, [e for e in everyone if e != still_claimed], kills=0)
    assert len(server.messages) == len(everyone) - 1
    with app.app_context():
        rows = {m.recipient: m for m in db.session.scalars(select(Message))}
        assert rows[still_claimed].status == "sending" and rows[still_claimed].claimed_by == "elsewhere:4242:dead"
        assert [rows[r].attempts for r in taken_over] == [2, 2]
        assert all(m.status == "sent" and m.claimed_by is None for r, m in rows.items() if r != still_claimed)


def _setup(app, counts) -> list[str]:
    with app.app_context():
        add_respondents(counts)
        add_wave(municipalities=tuple(counts))
        db.session.commit()
    return [f"r{i + 1}.{slug}@example.dk" for slug, count in counts.items() for i in range(count)]


def _tick(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "tick", "--now", NOW], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _sent_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Message).where(Message.status == "sent"))


def test_a_scheduler_killed_after_the_server_took_a_mail_repeats_only_that_one_after_the_lease(app):
    """SIGKILL in the one window no sender can close: the server has the 7th mail, the outbox does not know."""
    everyone = _setup(app, {"aalborg": 10, "rebild": 5})
    with GatedSMTPServer(hold_from=7, hold_at="data") as server:
        env = {**_env(app, server), "MAIL_CLAIM_SECONDS": "30"}
        process = _tick(env)
        assert server.holding.wait(60), process.communicate()[0] if process.poll() is not None else "no 7th mail"
        process.kill()
        process.wait(10)
        server.released.set()
        assert len(server.messages) == 7 and _sent_count(app) == 6
        restarted = _tick(env)
        output = restarted.communicate(timeout=60)[0]
        assert restarted.returncode == 0, output
        assert "mail sent 8" in output, output  # the 7th is the dead process's until its lease ends
        assert len(server.messages) == 15
        with app.app_context():
            wait_for_leases_to_end()
        after_lease = _tick(env)
        output = after_lease.communicate(timeout=60)[0]
        assert "mail sent 1," in output, output
        time.sleep(0.1)
    assert assert_mail_promise(server.messages, everyone, kills=1) == 1
    assert server.messages[6]["Message-ID"] == server.messages[-1]["Message-ID"]
    assert _sent_count(app) == 15


DRAIN = ("import sys; from datetime import datetime; from app import create_app; from app.outbox import drain; "
         "app = create_app(); app.app_context().push(); print(drain(datetime.fromisoformat(sys.argv[1])))")


def test_three_sender_processes_draining_one_outbox_without_the_scheduler_lock_send_each_mail_once(app):
    everyone = _queue(app, {"aalborg": 12, "jammerbugt": 8, "thisted": 6})
    with GatedSMTPServer(delay=0.02) as server:
        env = _env(app, server)
        senders = [subprocess.Popen([sys.executable, "-c", DRAIN, NOW], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True) for _ in range(3)]
        outputs = [p.communicate(timeout=120)[0] for p in senders]
        assert all(p.returncode == 0 for p in senders), outputs
        time.sleep(0.1)
    assert assert_mail_promise(server.messages, everyone, kills=0) == 0
    assert sum(int(o.split("sent=")[1].split(",")[0]) for o in outputs) == len(everyone)
    assert _sent_count(app) == len(everyone)


def test_a_reset_mail_the_web_app_is_sending_after_its_response_is_not_sent_again_by_a_scheduler_tick(
        app, make_user):
    from tests.auth.test_password_reset import _request_reset

    _uid, email, _pw = make_user("coordinator")
    with GatedSMTPServer(hold_from=1, hold_one=True) as server:
        app.config.update(_smtp(server))
        thread = threading.Thread(target=lambda: _request_reset(app.test_client(), email))
        thread.start()
        assert server.holding.wait(30), "the web app sent nothing after its response"
        with app.app_context():
            tick(utcnow() + timedelta(minutes=5))  # the scheduler finds the reset mail claimed
        server.released.set()
        thread.join(60)
        time.sleep(0.1)
    assert [m["To"] for m in server.messages] == [email]
    with app.app_context():
        assert [m.status for m in db.session.scalars(select(Message))] == ["sent"]
