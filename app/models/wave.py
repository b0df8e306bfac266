"""Waves, respondents, invitations and the outbox of messages the scheduler drains."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.reference import Municipality
from app.models.types import UTCDateTime, utcnow

WAVE_STATUSES = ("draft", "scheduled", "open", "closed")

wave_municipalities = Table(
    "wave_municipalities",
    db.Model.metadata,
    Column("wave_id", ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True),
)


class Wave(db.Model):
    """One distribution of a questionnaire version: a label, an opening and closing time, an audience."""

    __tablename__ = "waves"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'scheduled', 'open', 'closed')", name="status"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    label: Mapped[str] = mapped_column(String(120))
    # The label on English pages and documents ("January 2019"); without one the Danish label is shown.
    label_en: Mapped[str | None] = mapped_column(String(120))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    reminder_days: Mapped[list] = mapped_column(JSON, default=list)  # e.g. [7, 14] days after opening
    repeats_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    public_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the scheduler opened it
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Retention (app/privacy): personal data goes RETENTION_DAYS after closing, unless postponed.
    retention_postponed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retention_postpone_reason: Mapped[str | None] = mapped_column(String(500))
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questionnaire_version = relationship("QuestionnaireVersion")
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=wave_municipalities, order_by=Municipality.name
    )
    repeats: Mapped[Wave | None] = relationship(remote_side=[id])
    invitations: Mapped[list[Invitation]] = relationship(back_populates="wave")

    def label_in(self, lang: str) -> str:
        return (self.label_en or self.label) if lang == "en" else self.label

    def __repr__(self) -> str:
        return f"<Wave {self.id} {self.label!r} {self.status}>"


class Respondent(db.Model):
    """A person who answers surveys; persists across waves so a repeated wave reaches the same people."""

    __tablename__ = "respondents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(120))
    team: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Excluded from future waves by a coordinator (past answers stay); a new import does not undo it.
    excluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    excluded_reason: Mapped[str | None] = mapped_column(Text)

    municipality: Mapped[Municipality] = relationship()


class Invitation(db.Model):
    """A respondent's place in a wave, with the hash of their personal link's token."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("wave_id", "respondent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    # The link's token is HMAC(SECRET_KEY, nonce): the database alone never reveals a working link,
    # yet the scheduler can rebuild the link when it sends a reminder.
    token_nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    wave: Mapped[Wave] = relationship(back_populates="invitations")
    respondent: Mapped[Respondent] = relationship()
    municipality: Mapped[Municipality] = relationship()


class Message(db.Model):
    """One e-mail to send: the outbox row that makes sending idempotent across restarts."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("invitation_id", "kind"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column("kind", String(40))  # invitation | reminder-1 | reminder-2 | manual-<n> | password-reset
    recipient: Mapped[str] = mapped_column(String(254))
    # Invitation mails are rendered when sent (they carry the link); other mails keep their text here.
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A "sending" message's claim: who holds it, and until when (its lease) no other sender may take it.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invitation: Mapped[Invitation | None] = relationship()
