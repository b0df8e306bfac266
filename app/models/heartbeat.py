"""Heartbeats: the scheduler records each tick, so the web pages can tell when it has stopped."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class Heartbeat(db.Model):
    """One row per kind of background process ("scheduler"): the last time one of them beat."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    process: Mapped[str] = mapped_column(String(200))  # host:pid of the process that beat last
