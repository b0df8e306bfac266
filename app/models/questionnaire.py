"""Stored questionnaire versions (the definition as loaded, never changed once stored) and catalogue files."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class QuestionnaireVersion(db.Model):
    """One version of a questionnaire; a new row whenever any question's fingerprint changes."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # survey | supervision | evaluation_scheme
    audience: Mapped[str] = mapped_column(String(20))
    experiment_id: Mapped[int | None] = mapped_column(ForeignKey("experiments.id"))
    title: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)
    source_path: Mapped[str | None] = mapped_column(String(300))  # relative to the catalogue root
    # The exact YAML text the version was loaded from (None for versions stored before it was kept).
    source_text: Mapped[str | None] = mapped_column(Text, active_history=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    questions: Mapped[list[QuestionFingerprint]] = relationship(
        back_populates="questionnaire_version",
        order_by="QuestionFingerprint.position",
        cascade="all, delete-orphan",
    )
    experiment = relationship("Experiment")
    published_by = relationship("User")

    def __repr__(self) -> str:
        return f"<QuestionnaireVersion {self.slug} v{self.version}>"


class QuestionFingerprint(db.Model):
    """A question of a stored version with the fingerprint of its wording, type and scale."""

    __tablename__ = "question_fingerprints"
    __table_args__ = (UniqueConstraint("questionnaire_version_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id", ondelete="CASCADE")
    )
    question_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(30))
    fingerprint: Mapped[str] = mapped_column(String(64))

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(back_populates="questions")


class CatalogueFile(db.Model):
    """One stored text of a catalogue file that is not a questionnaire: scales, a shared block, reference data.

    Rows are only ever added; the newest row of a path is the stored catalogue's file.
    """

    __tablename__ = "catalogue_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200), index=True)  # relative to the catalogue root
    text: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stored_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    stored_by = relationship("User")


@event.listens_for(QuestionnaireVersion, "before_update")
def _versions_are_immutable(_mapper, _connection, target: QuestionnaireVersion) -> None:
    state = db.inspect(target)
    for attr in ("definition", "fingerprint", "slug", "version", "source_text"):
        if attr == "source_text" and not any(v is not None for v in state.attrs[attr].history.deleted):
            continue  # a version stored before texts were kept may be given its text once
        if state.attrs[attr].history.has_changes():
            raise ValueError(f"a stored questionnaire version is never changed ({attr})")
