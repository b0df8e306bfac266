"""The scheduler's housekeeping after each tick: expired throttle counters and personal data past retention."""
from __future__ import annotations

from datetime import datetime

from app import throttle
from app.extensions import db
from app.privacy.retention import apply_retention


def housekeeping(now: datetime) -> None:
    """Prune failure counters no window counts any more, then erase what retention says is due."""
    throttle.prune_expired(now)
    db.session.commit()
    apply_retention(now)
