"""The evaluation-scheme compilation as a document: per experiment the ten points, under each point every
participating municipality's answer in turn, the before-start and after phases marked (seed 002's shape)."""
from __future__ import annotations

from exports.base import Progress, register
from exports.documents.base import DocumentExporter
from exports.documents.document import ReportDocument
from exports.schemes import ExperimentSchemes, SchemesExporter
from forms import Text

TITLE = "Evalueringsskemaer samlet"
PHASES = {1: "Før forsøgets start (punkt 1-5)", 2: "Efter forsøget (punkt 6-10)"}
NOT_FILLED = "(ikke udfyldt)"


@register
class SchemesReportExporter(DocumentExporter):
    identifier = "report-schemes"
    command = ("report", "schemes")
    name = "Evalueringsskemaer (dokument)"
    label = Text("Word-dokument", "Word document")
    subject = Text("evalueringsskemaer", "evaluation schemes")
    help = "The evaluation schemes compiled point by point as a Word document, one chapter per experiment."

    def __init__(self, experiments: list[ExperimentSchemes], **kwargs) -> None:
        super().__init__(**kwargs)
        self.experiments = experiments

    def tables(self):
        """The workbook's compilation tables (the same entries the document lists)."""
        return SchemesExporter(self.experiments).tables()

    def build(self, progress: Progress | None = None) -> tuple[ReportDocument, list[str]]:
        document = ReportDocument(TITLE)
        document.title(TITLE, "Punkt for punkt, hver kommunes svar")
        if not self.experiments:
            document.paragraph("Ingen skemaer endnu.", italic=True)
        for i, experiment in enumerate(self.experiments, start=1):
            document.heading(experiment.title, 1)
            phase = None
            for point, entries in experiment.compiled():
                if point.phase != phase:
                    phase = point.phase
                    if phase in PHASES:
                        document.heading(PHASES[phase], 2)
                document.heading(point.text.da, 3)
                for municipality, text, submitted in entries:
                    state = (f"indsendt {submitted:%d.%m.%Y}" if submitted else "ikke indsendt")
                    document.paragraph(f"{municipality} ({state})", bold=True)
                    document.paragraph(text if text else NOT_FILLED, italic=not text)
            if progress is not None:
                progress(i, len(self.experiments))
        return document, [e.title for e in self.experiments]
