"""The scheduler: one tick opens due waves, queues due reminders, drains the outbox and closes due waves.

It runs as its own process (`flask scheduler run`), never inside web workers. Every decision is read
from the database, so a tick can be killed at any point and the next one carries on. Only one tick
runs at a time across processes: on PostgreSQL a session advisory lock held on a dedicated
connection, on SQLite an exclusive `flock` on a lock file next to the database file. Either lock is
released by the operating system or the server when the process dies.
"""
from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select, text

from app import heartbeat
from app.extensions import db
from app.housekeeping import housekeeping
from app.models import Wave, utcnow
from app.results.jobs import prune_exports
from app.outbox import DrainReport, drain
from app.waves.service import invite_audience, queue_due_reminders

log = logging.getLogger("boelge.scheduler")
JOB_ID = "boelge-scheduler-tick"
_memory_lock = threading.Lock()
# One lock per database schema, so separate databases on one server never wait for each other.
_PG_KEY = "hashtext('boelge-scheduler:' || current_database() || '.' || current_schema())"


@dataclass
class TickReport:
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    invitations: int = 0
    reminders: int = 0
    mail: DrainReport = field(default_factory=DrainReport)

    def summary(self) -> str:
        return (f"opened {len(self.opened)}, closed {len(self.closed)}, invitations {self.invitations}, "
                f"reminders queued {self.reminders}, mail sent {self.mail.sent}, deferred {self.mail.deferred}, "
                f"failed {self.mail.failed}, skipped {self.mail.skipped}")


@contextmanager
def scheduler_lock() -> Iterator[bool]:
    """Yields True when this process may act; False when another scheduler holds the lock."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            acquired = bool(connection.execute(text(f"SELECT pg_try_advisory_lock({_PG_KEY})")).scalar())
            connection.commit()
            try:
                yield acquired
            finally:
                if acquired:
                    connection.execute(text(f"SELECT pg_advisory_unlock({_PG_KEY})"))
                    connection.commit()
        return
    database = engine.url.database
    if database in (None, "", ":memory:"):
        acquired = _memory_lock.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                _memory_lock.release()
        return
    # The resolved path: a symlink, "..", or a relative path to the same file means the same lock.
    resolved = Path(database).resolve()
    with open(resolved.with_name(resolved.name + ".scheduler-lock"), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def tick(now: datetime | None = None) -> TickReport | None:
    """One scheduler run; None when another scheduler is acting. `now` is injectable for tests."""
    heartbeat.record()  # real time, even with an injected `now`; even a tick that finds the lock held shows a scheduler is alive
    with scheduler_lock() as acquired:
        if not acquired:
            log.info("another scheduler holds the lock; nothing done")
            return None
        report = run_tick(now or utcnow())
    log.info("tick: %s", report.summary())
    return report


def run_tick(now: datetime) -> TickReport:
    """The tick's work; the caller must hold the scheduler lock."""
    report = TickReport()
    _open_due_waves(now, report)
    for wave_id in _wave_ids("open"):
        wave = db.session.get(Wave, wave_id)
        report.reminders += queue_due_reminders(wave, now)
        db.session.commit()
    report.mail = drain(now)
    for wave_id in _wave_ids("open"):
        wave = db.session.get(Wave, wave_id)
        if wave.closes_at <= now:
            _close(wave, now, report)
    prune_exports(now)  # housekeeping: delete export files past their retention
    housekeeping(now)  # throttle counters, personal data past retention
    db.session.commit()
    return report


def _wave_ids(status: str) -> list[int]:
    ids = list(db.session.scalars(select(Wave.id).where(Wave.status == status).order_by(Wave.opens_at, Wave.id)))
    db.session.commit()
    return ids


def _open_due_waves(now: datetime, report: TickReport) -> None:
    for wave_id in _wave_ids("scheduled"):
        wave = db.session.get(Wave, wave_id)
        if wave.status != "scheduled" or wave.opens_at > now:
            db.session.commit()
            continue
        if wave.closes_at <= now:
            _close(wave, now, report)
            continue
        wave.status, wave.opened_at = "open", now
        if not wave.anonymous:
            report.invitations += invite_audience(wave, now)
        db.session.commit()  # opening and its invitations are one transaction: all or nothing
        report.opened.append(wave.label)


def _close(wave: Wave, now: datetime, report: TickReport) -> None:
    wave.status, wave.closed_at = "closed", now
    db.session.commit()
    report.closed.append(wave.label)


def run_forever(app: Flask, exports: bool = True) -> None:
    """Run a tick every SCHEDULER_INTERVAL_SECONDS with APScheduler until interrupted; with `exports`,
    an export worker runs beside it in a thread of this process (app/worker.py)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    def job() -> None:
        with app.app_context():
            try:
                tick()
            except Exception:  # noqa: BLE001 - a failed tick is logged; the next one retries
                db.session.rollback()
                log.exception("scheduler tick failed")
            finally:
                db.session.remove()

    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(job, "interval", id=JOB_ID, seconds=app.config["SCHEDULER_INTERVAL_SECONDS"],
                      next_run_time=utcnow(), max_instances=1, coalesce=True, replace_existing=True)
    stop_worker = threading.Event()
    if exports:
        from app.worker import start_thread

        start_thread(app, stop_worker)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
    finally:
        stop_worker.set()
