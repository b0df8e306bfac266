"""Counting failures per key in a time window, stored in the database so all workers share it."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import ThrottleEvent, utcnow


def too_many(scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """True when `key` has failed `limit` times or more within the window."""
    since = utcnow() - timedelta(seconds=window_seconds)
    count = db.session.scalar(
        select(func.count()).select_from(ThrottleEvent).where(
            ThrottleEvent.scope == scope, ThrottleEvent.key == key, ThrottleEvent.at >= since
        )
    )
    return (count or 0) >= limit


def record_failure(scope: str, key: str) -> None:
    db.session.add(ThrottleEvent(scope=scope, key=key))


def clear(scope: str, key: str) -> None:
    db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.scope == scope, ThrottleEvent.key == key))


def prune(older_than_seconds: int, now: datetime | None = None) -> int:
    """Delete events older than the given age; returns how many went."""
    cutoff = (now or utcnow()) - timedelta(seconds=older_than_seconds)
    result = db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.at < cutoff))
    return result.rowcount or 0


def prune_expired(now: datetime | None = None) -> int:
    """Delete events no window counts any more (older than the longest configured window)."""
    cfg = current_app.config
    longest = max(cfg["LOGIN_WINDOW_SECONDS"], cfg["TOKEN_WINDOW_SECONDS"])
    return prune(longest, now)
