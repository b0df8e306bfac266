"""The scheduler's heartbeat: each tick records one; coordinator pages warn when ticks have stopped."""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Heartbeat, utcnow

SCHEDULER = "scheduler"
MISSED_INTERVALS = 3  # the pages warn once this many ticks in a row have not happened


def process_name() -> str:
    """Who is beating: host and process id, so an operator can find the process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def record(now: datetime | None = None, name: str = SCHEDULER) -> None:
    """Record that a tick is running now (an upsert: two schedulers starting at once never clash). Commits."""
    values = {"name": name, "beat_at": now or utcnow(), "process": process_name(),
              "interval_seconds": int(current_app.config["SCHEDULER_INTERVAL_SECONDS"])}
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Heartbeat).values(**values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[Heartbeat.name], set_={k: statement.excluded[k] for k in values if k != "name"}))
    db.session.commit()


@dataclass(frozen=True)
class Stopped:
    """The scheduler has missed MISSED_INTERVALS ticks; `last` is its last heartbeat (None: never ran)."""

    last: datetime | None


def scheduler_stopped(now: datetime | None = None) -> Stopped | None:
    """None while the scheduler ticks on time; otherwise what the warning shows."""
    row = db.session.get(Heartbeat, SCHEDULER)
    if row is None:
        return Stopped(None)
    interval = row.interval_seconds or int(current_app.config["SCHEDULER_INTERVAL_SECONDS"])
    if row.beat_at < (now or utcnow()) - timedelta(seconds=MISSED_INTERVALS * interval):
        return Stopped(row.beat_at)
    return None


def init_app(app: Flask) -> None:
    """Coordinator pages get `scheduler_stopped`; other users' pages (and respondents') cost nothing."""

    @app.context_processor
    def inject_scheduler_state() -> dict:
        from flask_login import current_user

        if not (current_user.is_authenticated and current_user.is_coordinator):
            return {}
        return {"scheduler_stopped": scheduler_stopped()}
