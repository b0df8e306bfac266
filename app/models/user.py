"""Users with roles, the audit log and the throttle that slows down guessing."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.reference import Municipality
from app.models.types import UTCDateTime, utcnow

ROLES = ("coordinator", "team_leader")
# The stored hash of an invited account that has not chosen a password: argon2 never matches it.
NO_PASSWORD_YET = "!invited"


class User(UserMixin, db.Model):
    """A coordinator (whole network) or a team leader (one municipality)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('coordinator', 'team_leader')", name="role"),
        CheckConstraint(
            "role = 'coordinator' OR municipality_id IS NOT NULL", name="team_leader_has_municipality"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on logout and password change: every session carrying an older value is refused.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An invited account has no usable password until the invitation link is used; the link names
    # this nonce, so a new invitation or a used one makes every earlier link worthless.
    invite_nonce: Mapped[str | None] = mapped_column(String(64))
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # TOTP second factor (RFC 6238): the shared secret once confirmed, and the last time step used,
    # so a code is accepted only once.
    totp_secret: Mapped[str | None] = mapped_column(String(255))  # sealed (app/auth/sealing.py)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    municipality: Mapped[Municipality | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the session stores id and session version together
        return f"{self.id}:{self.session_version}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None and self.totp_secret is not None

    @property
    def invitation_pending(self) -> bool:
        # A password chosen another way (a reset link) ends the invitation too.
        return self.invite_nonce is not None and self.password_hash == NO_PASSWORD_YET


class AuditEntry(db.Model):
    """Who changed what, when, with the values before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()


class ThrottleEvent(db.Model):
    """A failed login or token guess, counted per key within a time window (shared by all workers)."""

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))  # login | token
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
