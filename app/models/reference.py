"""Municipalities and experiments: the network's reference data."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

experiment_municipalities = Table(
    "experiment_municipalities",
    db.Model.metadata,
    Column("experiment_id", ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True),
)


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[int] = mapped_column(unique=True)  # the official municipality number, e.g. 851
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"


class Experiment(db.Model):
    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=experiment_municipalities, order_by=Municipality.name
    )

    def title(self, lang: str = "da") -> str:
        return (self.title_en if lang == "en" and self.title_en else self.title_da)
