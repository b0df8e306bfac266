"""Bilag 1, the supervision appendix: the rounds and the sample's coverage, then per question the counts and
shares per municipality and round with the number of reviewed cases, and the rounds compared."""
from __future__ import annotations

from typing import TYPE_CHECKING

from exports import comparability
from exports.base import Progress, register
from exports.documents.base import DocumentExporter
from exports.documents.format import cell_text, is_numeric
from exports.round_change import MARKER
from exports.supervision import SupervisionData, SupervisionExporter
from exports.survey_data import NETWORK_LABEL
from exports.tables import Table
from forms import Question, Text
from forms.types.base import Tabulation

if TYPE_CHECKING:  # python-docx is imported by the document, when one is built
    from exports.documents.document import ReportDocument

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

    def __init__(self, data: SupervisionData, language: str = "da", **kwargs) -> None:
        super().__init__(**kwargs)
        self.data = data
        self.workbook = SupervisionExporter(data)
        self.language = self.language_for(language, data.questions, data.title_en)

    def tables(self):
        """The workbook's overview, coverage and question tables, which the document lays out."""
        yield self.workbook.overview_table()
        yield self.workbook.coverage_table()
        for question in self.data.questions:
            if question.kind.tabulated:
                yield self.workbook.question_table(question, question.id)

    def build(self, progress: Progress | None = None) -> tuple[ReportDocument, list[str]]:
        from exports.documents.document import ReportDocument

        data, lang = self.data, self.language
        title = self.say(TITLE)
        document = ReportDocument(title, lang, (self.say("Side"), self.say("af")))
        questionnaire = data.title_en if lang == "en" else data.title
        document.title(title, f"{questionnaire}: {', '.join(r.label for r in data.rounds)}")
        document.heading(self.say("Metode"), 1)
        document.paragraph(self.say(
            "Ledelsestilsynet gennemgår sager udvalgt ved en stikprøve (hele sagslisten, hvor der ikke er trukket en "
            "stikprøve). Tallene omfatter stikprøvens sager og de sager udenfor stikprøven, som en koordinator har "
            "medtaget. Andel = antal / N, hvor N er de sager, hvor spørgsmålet er besvaret. Tallene beskriver sager, "
            "ikke personer."))
        self._table(document, self.workbook.overview_table(), self.say("Gennemgåede sager pr. runde og kommune."))
        document.heading(self.say("Stikprøvens dækning"), 2)
        self._table(document, self.workbook.coverage_table(), self.say("Sager på listen, i stikprøven og gennemgået."))
        document.heading(self.say("Resultater"), 1)
        if not len(self.workbook.records):
            document.paragraph(self.say("Der er endnu ingen gennemgåede sager i de valgte runder; tabellerne viser 0."),
                               italic=True)
        for i, question in enumerate(data.questions, start=1):
            document.heading(f"{i}. {question.text.get(lang)}", 2)
            if question.kind.tabulated:
                document.paragraph(self.say("Andel = antal / N (sager, hvor spørgsmålet er besvaret)."), small=True)
                if question.condition is not None:
                    document.paragraph(self._condition(question), small=True)
                if (changed := self._changed(question)) is not None:
                    document.paragraph(changed, italic=True, small=True)
                self._table(document, self.workbook.question_table(question, question.id), None, question)
                if question.kind.tabulation is Tabulation.OPTIONS and len(data.rounds) > 1:
                    self._comparison(document, question)
            else:
                document.paragraph(self.say("Fritekst tælles ikke; den står på resultatsiden for koordinatorer."),
                                   italic=True, small=True)
            if progress is not None:
                progress(i, len(data.questions))
        return document, [self.say("Metode"), self.say("Resultater")]

    def _changed(self, question: Question) -> str | None:
        """Why and since when the rounds of a changed question are not compared (the workbook's rule)."""
        rounds = [r for r in self.data.rounds if r.fingerprints is not None]
        note = comparability.break_note_en if self.language == "en" else comparability.break_note
        return note(question.id, rounds)

    def _condition(self, question: Question) -> str:
        """When a conditional question is asked, by the other question's number and option labels."""
        condition = question.condition
        numbers = {q.id: i for i, q in enumerate(self.data.questions, start=1)}
        asked = next((q for q in self.data.questions if q.id == condition.question), None)
        labels = [o.label.get(self.language) for o in asked.options if o.code in condition.codes] if asked else []
        return self.say("Stilles kun, når spørgsmål {number} er besvaret med {labels}.",
                        number=numbers.get(condition.question, "?"),
                        labels=self.say(" eller ").join(f"\"{label}\"" for label in labels))

    def _headers(self, table: Table, question: Question | None) -> list[str]:
        """The workbook's headers in the document's language; an option's by its label in that language."""
        headers = []
        options = {f"{o.label.da} ({what})": (o, what) for o in (question.options if question else ())
                   for what in ("antal", "andel")}
        for column in table.columns:
            if column.header in options:
                option, what = options[column.header]
                headers.append(self.say("{label} (" + what + ")", label=option.label.get(self.language)))
            else:
                headers.append(self.say(column.header))
        return headers

    def _table(self, document: ReportDocument, table: Table, caption: str | None,
               question: Question | None = None) -> None:
        columns = table.columns
        document.table(self._headers(table, question),
                       [[cell_text(c, v, self.language) for c, v in zip(columns, row)] for row in table.rows],
                       [is_numeric(c) for c in columns], caption=caption)

    def _comparison(self, document: ReportDocument, question: Question) -> None:
        """The network's rounds side by side with the change and its marker (the Sammenligning sheet)."""
        rounds = self.data.rounds
        columns = self.workbook.comparison_columns()
        rows = [row for row in self.workbook.comparison_rows(question) if row[0] == NETWORK_LABEL]
        keep = [i for i in range(1, len(columns)) if i != 2]  # without the group (network only) and the code
        headers = [self.say("Svarmulighed")]
        headers += [self.say("{label} (antal)", label=r.label) for r in rounds]
        headers += [self.say("{label} (andel)", label=r.label) for r in rounds]
        for a, b in zip(rounds, rounds[1:]):
            headers += [self.say("Ændring {a} → {b} (pp)", a=a.label, b=b.label),
                        self.say("Signifikant {a} → {b}", a=a.label, b=b.label)]
        labels = {o.code: o.label.get(self.language) for o in question.options}
        body = []
        for row in rows:
            cells = [cell_text(columns[i], row[i], self.language) for i in keep]
            cells[0] = labels.get(row[2], self.say(str(row[1])))
            body.append(cells)
        document.table(headers, body, [is_numeric(columns[i]) for i in keep],
                       caption=self.say("Netværket i alt, runderne sammenlignet. {marker}: ændringen er større, end "
                                        "tilfældet kan forklare (test af to andele, 5 % niveau).", marker=MARKER))
