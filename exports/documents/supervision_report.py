"""Bilag 1, the supervision appendix: the rounds and the sample's coverage, then per question the counts and
shares per municipality and round with the number of reviewed cases, and the rounds compared."""
from __future__ import annotations

from exports.base import Progress, register
from exports.documents.base import DocumentExporter
from exports.documents.document import ReportDocument
from exports.documents.format import cell_text, is_numeric
from exports.round_change import MARKER
from exports.supervision import SupervisionData, SupervisionExporter
from exports.survey_data import NETWORK_LABEL
from exports.tables import Table
from forms import Text
from forms.types.base import Tabulation

TITLE = "Bilag 1: resultat fra ledelsestilsyn"


@register
class SupervisionReportExporter(DocumentExporter):
    identifier = "report-supervision"
    command = ("report", "supervision")
    name = "Bilag 1 (ledelsestilsyn)"
    label = Text("Word-bilag (bilag 1)", "Word appendix (appendix 1)")
    help = "Bilag 1: the supervision appendix as a Word document (per question the tallies per round)."
    questionnaire_kind = "supervision"
    selects = "rounds"

    def __init__(self, data: SupervisionData, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data = data
        self.workbook = SupervisionExporter(data)

    def tables(self):
        """The workbook's overview, coverage and question tables, which the document lays out."""
        yield self.workbook.overview_table()
        yield self.workbook.coverage_table()
        for question in self.data.questions:
            if question.kind.tabulated:
                yield self.workbook.question_table(question, question.id)

    def build(self, progress: Progress | None = None) -> tuple[ReportDocument, list[str]]:
        data = self.data
        document = ReportDocument(TITLE)
        document.title(TITLE, f"{data.title}: {', '.join(r.label for r in data.rounds)}")
        document.heading("Metode", 1)
        document.paragraph("Ledelsestilsynet gennemgår sager udvalgt ved en stikprøve (hele sagslisten, hvor der "
                           "ikke er trukket en stikprøve). Tallene omfatter stikprøvens sager og de sager udenfor "
                           "stikprøven, som en koordinator har medtaget. Andel = antal / N, hvor N er de sager, hvor "
                           "spørgsmålet er besvaret. Tallene beskriver sager, ikke personer.")
        self._table(document, self.workbook.overview_table(), "Gennemgåede sager pr. runde og kommune.")
        document.heading("Stikprøvens dækning", 2)
        self._table(document, self.workbook.coverage_table(), "Sager på listen, i stikprøven og gennemgået.")
        document.heading("Resultater", 1)
        counted = [q for q in data.questions if q.kind.tabulated]
        if not len(self.workbook.records):
            document.paragraph("Der er endnu ingen gennemgåede sager i de valgte runder; tabellerne viser 0.",
                               italic=True)
        for i, question in enumerate(data.questions, start=1):
            document.heading(f"{i}. {question.text.da}", 2)
            if question in counted:
                table = self.workbook.question_table(question, question.id)
                document.paragraph(table.notes[1], small=True)
                if question.condition is not None:
                    document.paragraph(self._condition(question), small=True)
                self._table(document, table, None)
                if question.kind.tabulation is Tabulation.OPTIONS and len(data.rounds) > 1:
                    self._comparison(document, question)
            else:
                document.paragraph("Fritekst tælles ikke; den står på resultatsiden for koordinatorer.", italic=True,
                                   small=True)
            if progress is not None:
                progress(i, len(data.questions))
        return document, ["Metode", "Resultater"]

    def _condition(self, question) -> str:
        """When a conditional question is asked, by the other question's number and option labels."""
        condition = question.condition
        numbers = {q.id: i for i, q in enumerate(self.data.questions, start=1)}
        asked = next((q for q in self.data.questions if q.id == condition.question), None)
        labels = [o.label.da for o in asked.options if o.code in condition.codes] if asked else []
        return (f"Stilles kun, når spørgsmål {numbers.get(condition.question, '?')} er besvaret med "
                + " eller ".join(f"\"{label}\"" for label in labels or map(str, sorted(condition.codes))) + ".")

    @staticmethod
    def _table(document: ReportDocument, table: Table, caption: str | None) -> None:
        columns = table.columns
        document.table([c.header for c in columns], [[cell_text(c, v) for c, v in zip(columns, row)]
                                                     for row in table.rows],
                       [is_numeric(c) for c in columns], caption=caption)

    def _comparison(self, document: ReportDocument, question) -> None:
        """The network's rounds side by side with the change and its marker (the Sammenligning sheet)."""
        columns = self.workbook.comparison_columns()
        rows = [row for row in self.workbook.comparison_rows(question) if row[0] == NETWORK_LABEL]
        keep = [i for i in range(1, len(columns)) if i != 2]  # without the group (network only) and the code
        document.table([columns[i].header for i in keep],
                       [[cell_text(columns[i], row[i]) for i in keep] for row in rows],
                       [is_numeric(columns[i]) for i in keep],
                       caption=f"Netværket i alt, runderne sammenlignet. {MARKER}: ændringen er større, end "
                               "tilfældet kan forklare (test af to andele, 5 % niveau).")
