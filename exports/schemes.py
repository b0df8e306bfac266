"""The evaluation-scheme compilation: point by point, each municipality's answer (as in seed 002)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from exports.base import Exporter, register
from exports.tables import Column, Table
from exports.workbook import SheetNames
from forms import Question, Text


@dataclass(frozen=True)
class SchemeAnswer:
    municipality: str
    question_id: str
    text: str | None
    submitted_at: datetime | None


@dataclass
class ExperimentSchemes:
    """One experiment's schemes: the points in order and every municipality's answers."""

    title: str
    points: list[Question]
    municipalities: list[str]
    answers: list[SchemeAnswer]
    title_en: str | None = None  # the experiment's English title, when it has one

    def compiled(self) -> list[tuple[Question, list[tuple[str, str | None, datetime | None]]]]:
        """Point by point: (point, [(municipality, answer, submitted), ...]) in municipality order."""
        found = {(a.question_id, a.municipality): a for a in self.answers}
        result = []
        for point in self.points:
            entries = []
            for municipality in self.municipalities:
                answer = found.get((point.id, municipality))
                entries.append((municipality, answer.text if answer else None,
                                answer.submitted_at if answer else None))
            result.append((point, entries))
        return result


@register
class SchemesExporter(Exporter):
    identifier = "schemes"
    source = "schemes"
    name = "Evalueringsskemaer"
    help = "The evaluation schemes compiled point by point, one sheet per experiment."
    subject = Text("evalueringsskemaer", "evaluation schemes")

    def __init__(self, experiments: list[ExperimentSchemes], **kwargs) -> None:
        super().__init__(**kwargs)
        self.experiments = experiments

    def tables(self) -> Iterator[Table]:
        names = SheetNames()
        columns = [Column("Punkt", "text", 40), Column("Kommune", "text", 20), Column("Svar", "text", 100),
                   Column("Fase indsendt", "datetime", 17)]
        if not self.experiments:
            yield Table("Evalueringsskemaer", "Evalueringsskemaer", columns, [], ["Ingen skemaer endnu."])
        for experiment in self.experiments:
            rows = [[point.text.da, municipality, text if text else "(ikke udfyldt)", submitted]
                    for point, entries in experiment.compiled() for municipality, text, submitted in entries]
            yield Table(names.make(experiment.title), experiment.title, columns, rows,
                        ["Punkt for punkt, hver kommunes svar. Punkt 1-5 før forsøgets start, 6-10 efter."])
