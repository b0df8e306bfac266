"""Scheduler processes: killed mid-batch with SIGKILL, two at once, the lock, and `flask scheduler tick`."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Message
from app.scheduler import scheduler_lock
from tests.waves.factories import T0, add_respondents, add_wave
from tests.waves.mail_promise import wait_for_leases_to_end
from tests.waves.smtp_gate import GatedSMTPServer

ROOT = Path(__file__).resolve().parents[2]
NOW = (T0.replace(microsecond=0)).isoformat()


def _env(app, server: GatedSMTPServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "MAIL_"))}
    env.update(server.env())
    env.update({"BOELGE_ENV": "development", "FLASK_APP": "app:create_app",
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"],
                "SERVER_BASE_URL": "http://localhost"})
    return env


def _tick_process(app, server, **settings: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "tick", "--now", NOW], cwd=ROOT,
                            env={**_env(app, server), **settings}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _setup(app, counts) -> None:
    with app.app_context():
        add_respondents(counts)
        add_wave(municipalities=tuple(counts))
        db.session.commit()


def _sent_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Message).where(Message.status == "sent"))


def test_scheduler_killed_mid_batch_and_restarted_sends_everyone_exactly_one_mail(app):
    _setup(app, {"aalborg": 10, "rebild": 5})
    with GatedSMTPServer(hold_from=7) as server:
        process = _tick_process(app, server)
        assert server.holding.wait(60), process.communicate()[0] if process.poll() is not None else "no 7th mail"
        process.kill()  # SIGKILL while the 7th message is being handed over
        process.wait(10)
        server.released.set()
        assert len(server.messages) == 6 and _sent_count(app) == 6
        sent = 0
        for _restart in range(2):  # the 7th, claimed by the dead process, goes once its claim's lease ended
            restarted = _tick_process(app, server, MAIL_CLAIM_SECONDS="3")
            output = restarted.communicate(timeout=60)[0]
            assert restarted.returncode == 0, output
            sent += int(re.search(r"mail sent (\d+)", output).group(1))
            with app.app_context():
                wait_for_leases_to_end()
        assert sent == 9
        assert len(server.recipients_seen) == 15 == len(set(server.recipients_seen))
    assert _sent_count(app) == 15


def test_a_second_scheduler_does_nothing_while_the_first_holds_the_lock(app):
    _setup(app, {"aalborg": 3})
    with GatedSMTPServer() as server:
        with app.app_context(), scheduler_lock() as acquired:
            assert acquired
            blocked = _tick_process(app, server)
            output = blocked.communicate(timeout=60)[0]
            assert "Another scheduler is running" in output, output
        assert server.messages == []
        free = _tick_process(app, server)
        assert "mail sent 3" in free.communicate(timeout=60)[0]
    assert len(server.recipients_seen) == 3


def test_two_schedulers_started_together_send_each_mail_once(app):
    _setup(app, {"aalborg": 12, "jammerbugt": 8})
    with GatedSMTPServer(delay=0.02) as server:
        first, second = _tick_process(app, server), _tick_process(app, server)
        outputs = [p.communicate(timeout=90)[0] for p in (first, second)]
        assert all(p.returncode == 0 for p in (first, second)), outputs
        time.sleep(0.05)
        assert len(server.recipients_seen) == 20 == len(set(server.recipients_seen)), outputs
    assert _sent_count(app) == 20


def test_scheduler_run_ticks_on_its_own_until_stopped(app):
    import signal

    _setup(app, {"rebild": 2})
    with app.app_context():
        from datetime import timedelta

        from app.models import Wave, utcnow

        wave = db.session.scalar(select(Wave))
        wave.opens_at, wave.closes_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(days=1)
        db.session.commit()
    with GatedSMTPServer() as server:
        env = {**_env(app, server), "SCHEDULER_INTERVAL_SECONDS": "1"}
        process = subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while len(server.recipients_seen) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0]
        assert sorted(server.recipients_seen) == ["r1.rebild@example.dk", "r2.rebild@example.dk"], output
        assert "Scheduler running every 1 s" in output
