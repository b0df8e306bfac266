"""The evaluation-scheme compilation as a document: per experiment the ten points, under each point every
participating municipality's answer in turn, the before-start and after phases marked (seed 002's shape)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from exports.base import Progress, register
from exports.documents.base import DocumentExporter
from exports.documents.words import say
from exports.schemes import ExperimentSchemes, SchemesExporter
from forms import Text

if TYPE_CHECKING:  # python-docx is imported by the document, when one is built
    from exports.documents.document import ReportDocument

TITLE = "Evalueringsskemaer samlet"
PHASES = {1: "Før forsøgets start (punkt 1-5)", 2: "Efter forsøget (punkt 6-10)"}
NOT_FILLED = "(ikke udfyldt)"


@register
class SchemesReportExporter(DocumentExporter):
    identifier = "report-schemes"
    source = "schemes"
    command = ("report", "schemes")
    name = "Evalueringsskemaer (dokument)"
    label = Text("Word-dokument", "Word document")
    subject = Text("evalueringsskemaer", "evaluation schemes")
    help = "The evaluation schemes compiled point by point as a Word document, one chapter per experiment."

    def __init__(self, experiments: list[ExperimentSchemes], language: str = "da", **kwargs) -> None:
        super().__init__(**kwargs)
        self.experiments = experiments
        points = [p for e in experiments for p in e.points]
        self.language = self.language_for(language, points, "" if all(e.title_en for e in experiments) else None)

    def tables(self):
        """The workbook's compilation tables (the same entries the document lists)."""
        return SchemesExporter(self.experiments).tables()

    def build(self, progress: Progress | None = None) -> tuple[ReportDocument, list[str]]:
        from exports.documents.document import ReportDocument

        lang = self.language
        document = ReportDocument(say(TITLE, lang), lang, (say("Side", lang), say("af", lang)))
        document.title(say(TITLE, lang), say("Punkt for punkt, hver kommunes svar", lang))
        if not self.experiments:
            document.paragraph(say("Ingen skemaer endnu.", lang), italic=True)
        titles = []
        for i, experiment in enumerate(self.experiments, start=1):
            titles.append(experiment.title_en if lang == "en" else experiment.title)
            document.heading(titles[-1], 1)
            phase = None
            for point, entries in experiment.compiled():
                if point.phase != phase:
                    phase = point.phase
                    if phase in PHASES:
                        document.heading(say(PHASES[phase], lang), 2)
                document.heading(point.text.get(lang), 3)
                for municipality, text, submitted in entries:
                    state = (say("indsendt {date}", lang, date=f"{submitted:%d.%m.%Y}") if submitted
                             else say("ikke indsendt", lang))
                    document.paragraph(f"{municipality} ({state})", bold=True)
                    document.paragraph(text if text else say(NOT_FILLED, lang), italic=not text)
            if progress is not None:
                progress(i, len(self.experiments))
        return document, titles
