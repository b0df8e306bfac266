"""Wave times: stored in UTC, planned and shown in the configured zone (Europe/Copenhagen)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app

from exports.localtime import local_time


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_to_utc(naive: datetime) -> datetime:
    """A wall-clock time in the zone as an aware UTC datetime.

    A time that does not exist (the spring-forward gap) is read with the offset before the change,
    so 02:30 becomes 03:30 summer time; a time that occurs twice (the autumn fold) means its first
    occurrence. Either way one instant, so the scheduler opens the wave once.
    """
    return naive.replace(tzinfo=zone(), fold=0).astimezone(timezone.utc)


def utc_to_local(moment: datetime) -> datetime:
    """An aware datetime as a naive wall-clock time in the zone (for datetime-local inputs)."""
    return local_time(moment, current_app.config["TIMEZONE"])


def days_after(moment: datetime, days: int) -> datetime:
    """`days` calendar days after `moment` at the same wall-clock time in the zone (DST-proof)."""
    return local_to_utc(utc_to_local(moment) + timedelta(days=days))
