"""Responses and answers: every filled-in form, whatever its context, in one shape."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Response(db.Model):
    """A filled-in form for one questionnaire version, made in exactly one context.

    The context is an invitation (adviser), an anonymous browser in a wave (citizen), a reviewed
    case (supervision record) or a municipality's evaluation scheme. Each has a unique constraint
    so that a double submit can never create a second response.
    """

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("invitation_id"),
        UniqueConstraint("wave_id", "browser_key"),
        UniqueConstraint("supervision_record_id"),
        UniqueConstraint("scheme_id"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        Index("ix_responses_version_status", "questionnaire_version_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    browser_key: Mapped[str | None] = mapped_column(String(64))
    supervision_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_records.id", ondelete="CASCADE")
    )
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_schemes.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )
    questionnaire_version = relationship("QuestionnaireVersion")
    municipality = relationship("Municipality")
    wave = relationship("Wave")
    invitation = relationship("Invitation")


class Answer(db.Model):
    """One answer value; a multiple-choice question has one row per chosen option."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_response_question", "response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    option_code: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    date_value: Mapped[date | None] = mapped_column(Date)

    response: Mapped[Response] = relationship(back_populates="answers")
