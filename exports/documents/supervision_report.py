"""Bilag 1, the supervision appendix: the rounds and the sample's coverage, then per question the counts and
shares per municipality and round with the number of reviewed cases, and the rounds compared."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from exports import comparability
from exports.base import Progress, language_choice, register, selection
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
FREE_TEXTS = "Fritekstsvar"


@register
class SupervisionReportExporter(DocumentExporter):
    identifier = "report-supervision"
    command = ("report", "supervision")
    name = "Bilag 1 (ledelsestilsyn)"
    label = Text("Word-bilag (bilag 1)", "Word appendix (appendix 1)")
    help = "Bilag 1: the supervision appendix as a Word document (per question the tallies per round)."
    questionnaire_kind = "supervision"
    source = "supervision"
    options = (selection("rounds"), language_choice("da", "en"))

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
            if question.question_type.tabulated:
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
        for test in self._tests():
            document.paragraph(test)
        self._table(document, self.workbook.overview_table(), self.say("Gennemgåede sager pr. runde og kommune."))
        document.heading(self.say("Stikprøvens dækning"), 2)
        self._table(document, self.workbook.coverage_table(), self.say("Sager på listen, i stikprøven og gennemgået."))
        document.heading(self.say("Resultater"), 1)
        if not len(self.workbook.records):
            document.paragraph(self.say("Der er endnu ingen gennemgåede sager i de valgte runder; tabellerne viser 0."),
                               italic=True)
        listed = []
        for i, question in enumerate(data.questions, start=1):
            document.heading(f"{i}. {question.text.get(lang)}", 2)
            if question.question_type.tabulated:
                numeric = question.question_type.tabulation is Tabulation.NUMERIC
                document.paragraph(self._number_note(question) if numeric else
                                   self.say("Andel = antal / N (sager, hvor spørgsmålet er besvaret)."), small=True)
                if question.condition is not None:
                    document.paragraph(self._condition(question), small=True)
                if (changed := self._changed(question)) is not None:
                    document.paragraph(changed, italic=True, small=True)
                self._table(document, self.workbook.question_table(question, question.id), None, question)
                if question.question_type.tabulation is Tabulation.OPTIONS and len(data.rounds) > 1:
                    self._comparison(document, question)
            else:
                listed.append((i, question))
                document.paragraph(self.say("Fritekst tælles ikke; svarene står i afsnittet \"{section}\".",
                                            section=self.say(FREE_TEXTS)), italic=True, small=True)
            if progress is not None:
                progress(i, len(data.questions))
        sections = [self.say("Metode"), self.say("Resultater")]
        if listed:
            self._free_texts(document, listed)
            sections.append(self.say(FREE_TEXTS))
        return document, sections

    def _tests(self) -> list[str]:
        """Which tests the comparison of rounds uses, for the kinds of question the questionnaire has."""
        if len(self.data.rounds) < 2:
            return []
        kinds = {q.question_type.tabulation for q in self.data.questions if q.question_type.tabulated}
        said = []
        if Tabulation.OPTIONS in kinds:
            said.append(self.say("En andels ændring fra runde til runde testes med χ²-testen af to andele, eller "
                                 "Fishers eksakte test, når en forventet værdi er under 5 (5 % niveau)."))
        if Tabulation.NUMERIC in kinds:
            said.append(self.say("Et talspørgsmåls ændring i gennemsnit testes med Welchs t-test (5 % niveau)."))
        return said

    def _number_note(self, question: Question) -> str:
        unit = question.unit.get(self.language) if question.unit is not None else ""
        if unit:
            return self.say("Gennemsnit, median, minimum og maksimum af svarene i {unit}; ændringen i gennemsnit fra "
                            "runden før testes med Welchs t-test (5 % niveau).", unit=unit)
        return self.say("Gennemsnit, median, minimum og maksimum af svarene; ændringen i gennemsnit fra runden før "
                        "testes med Welchs t-test (5 % niveau).")

    def _free_texts(self, document: ReportDocument, listed: list[tuple[int, Question]]) -> None:
        """The free-text answers in a section of their own: per question its answers by round and
        municipality; a case reviewed outside the sample says so (and whether it is counted)."""
        document.heading(self.say(FREE_TEXTS), 1)
        document.paragraph(self.say("Svarene står, som de er skrevet, pr. runde og kommune. Sager udenfor "
                                    "stikprøven er markeret; de tælles ikke med i tallene, medmindre en koordinator "
                                    "har medtaget dem."))
        frame = self.workbook.own
        rounds = {r.id: (k, r.label) for k, r in enumerate(self.data.rounds)}
        names = self.data.municipalities
        for number, question in listed:
            document.heading(f"{number}. {question.text.get(self.language)}", 2)
            answers = frame[frame["question_id"] == question.id]
            rows = []
            for round_id, municipality, outside, counted, text, when in answers[[
                    "round_id", "municipality_id", "outside", "counted", "text", "date_value"]].itertuples(index=False):
                shown = text if isinstance(text, str) and text.strip() else (
                    when.strftime("%d.%m.%Y") if isinstance(when, date) else None)
                if shown is None or int(round_id) not in rounds:
                    continue
                order, label = rounds[int(round_id)]
                scope = (self.say("udenfor stikprøven, medtaget") if counted else
                         self.say("udenfor stikprøven, ikke talt med")) if outside else self.say("i stikprøven")
                rows.append(((order, names.get(int(municipality), ""), shown),
                             [label, names.get(int(municipality), str(municipality)), scope, shown]))
            if not rows:
                document.paragraph(self.say("Ingen har svaret på spørgsmålet i de valgte runder."), italic=True,
                                   small=True)
                continue
            rows.sort(key=lambda row: row[0])
            document.table([self.say("Runde"), self.say("Kommune"), self.say("Stikprøve"), self.say("Svar")],
                           [row for _key, row in rows], figures=False)

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

    def _header(self, header: str, question: Question | None) -> str:
        """A header in the document's language; a number question's "Gennemsnit (måneder)" with its unit too."""
        unit = question.unit if question is not None else None
        if unit is not None and unit.da and header.endswith(f" ({unit.da})"):
            return f"{self.say(header[:-len(unit.da) - 3])} ({unit.get(self.language)})"
        return self.say(header)

    def _headers(self, table: Table, question: Question | None) -> tuple[list[str], list | None]:
        """The workbook's headers in the document's language, and over each option's count and share its
        label in that language (one header spanning the two), so an option's label is written once."""
        headers, groups = [], []
        options = {f"{o.label.da} ({what})": (o, what) for o in (question.options if question else ())
                   for what in ("antal", "andel")}
        for column in table.columns:
            if column.header in options:
                option, what = options[column.header]
                headers.append(self.say(what))
                if what == "antal":
                    groups.append((option.label.get(self.language), 2))
            else:
                headers.append(self._header(column.header, question))
                groups.append((None, 1))
        return headers, (groups if any(label is not None for label, _span in groups) else None)

    def _table(self, document: ReportDocument, table: Table, caption: str | None,
               question: Question | None = None) -> None:
        columns = table.columns
        headers, groups = self._headers(table, question)
        document.table(headers,
                       [[cell_text(c, v, self.language) for c, v in zip(columns, row)] for row in table.rows],
                       [is_numeric(c) for c in columns], caption=caption, groups=groups)

    def _comparison(self, document: ReportDocument, question: Question) -> None:
        """The network's rounds side by side with the change and its marker (the Sammenligning sheet)."""
        rounds = self.data.rounds
        columns = self.workbook.comparison_columns()
        rows = [row for row in self.workbook.comparison_rows(question) if row[0] == NETWORK_LABEL]
        keep = [i for i in range(1, len(columns)) if i != 2]  # without the group (network only) and the code
        headers = [self.say("Svarmulighed"), *[r.label for r in rounds], *[r.label for r in rounds]]
        groups = [(None, 1), (self.say("Antal"), len(rounds)), (self.say("Andel"), len(rounds))]
        for a, b in zip(rounds, rounds[1:]):
            headers += [self.say("Ændring (pp)"), self.say("Signifikant")]
            groups.append((f"{a.label} → {b.label}", 2))
        labels = {o.code: o.label.get(self.language) for o in question.options}
        body = []
        for row in rows:
            cells = [cell_text(columns[i], row[i], self.language) for i in keep]
            cells[0] = labels.get(row[2], self.say(str(row[1])))
            body.append(cells)
        document.table(headers, body, [is_numeric(columns[i]) for i in keep], groups=groups,
                       caption=self.say("Netværket i alt, runderne sammenlignet. {marker}: ændringen er større, end "
                                        "tilfældet kan forklare (χ²-test af to andele, eller Fishers eksakte test, "
                                        "når en forventet værdi er under 5; 5 % niveau).", marker=MARKER))
