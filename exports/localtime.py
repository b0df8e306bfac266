"""The one conversion of stored UTC moments to wall-clock time in a named zone (sheets, pages, forms)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime | None, zone: str) -> datetime | None:
    """An aware moment as the naive wall-clock time in `zone` (None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
