"""Supervision rounds, reviewed case records, case lists for sampling, and evaluation schemes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.reference import Municipality
from app.models.types import UTCDateTime, utcnow

round_municipalities = Table(
    "round_municipalities",
    db.Model.metadata,
    Column("round_id", ForeignKey("supervision_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True),
)


class SupervisionRound(db.Model):
    """A round of a supervision questionnaire, e.g. "Juli 2019", for its municipalities."""

    __tablename__ = "supervision_rounds"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint("period_end >= period_start", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    label: Mapped[str] = mapped_column(String(120))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    repeats_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_rounds.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last time it was closed
    # Retention (app/privacy): case references and comments go RETENTION_DAYS after closing.
    retention_postponed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retention_postpone_reason: Mapped[str | None] = mapped_column(String(500))
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questionnaire_version = relationship("QuestionnaireVersion")
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=round_municipalities, order_by=Municipality.name
    )
    repeats: Mapped[SupervisionRound | None] = relationship(remote_side=[id])


class SupervisionRecord(db.Model):
    """One reviewed case: the municipality's own case reference, never a CPR number."""

    __tablename__ = "supervision_records"
    __table_args__ = (UniqueConstraint("round_id", "municipality_id", "case_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("supervision_rounds.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    case_reference: Mapped[str] = mapped_column(String(80))
    comment: Mapped[str | None] = mapped_column(Text)
    # A case reviewed outside the drawn sample counts apart unless a coordinator includes it.
    include_outside: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    round: Mapped[SupervisionRound] = relationship()
    municipality: Mapped[Municipality] = relationship()


class CaseListEntry(db.Model):
    """An imported case reference a round may sample from; `sample_rank` is set when drawn."""

    __tablename__ = "case_list_entries"
    __table_args__ = (UniqueConstraint("round_id", "municipality_id", "case_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("supervision_rounds.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    case_reference: Mapped[str] = mapped_column(String(80))
    sample_rank: Mapped[int | None] = mapped_column(Integer)
    sample_seed: Mapped[str | None] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluationScheme(db.Model):
    """A municipality's ten-point evaluation scheme for an experiment, submitted per phase."""

    __tablename__ = "evaluation_schemes"
    __table_args__ = (UniqueConstraint("experiment_id", "municipality_id", "questionnaire_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    phase1_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phase2_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    experiment = relationship("Experiment")
    municipality: Mapped[Municipality] = relationship()
    questionnaire_version = relationship("QuestionnaireVersion")
