"""Bilag 2, the survey appendix: method (waves, invited, answered, response rate, the anonymity threshold),
then per question its wording, the workbook's comparison table, a chart and notes on hidden groups."""
from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from exports.anonymity import OTHER_GROUP_LABEL, SUPPRESSED_LABEL
from exports import comparability
from exports.base import Progress, language_choice, register, selection
from exports.chart_style import describe
from exports.documents import numbers
from exports.documents.base import DocumentExporter
from exports.documents.charts import bar_chart
from exports.documents.format import cell_text, is_numeric
from exports.survey import SurveyExporter
from exports.survey_data import NETWORK, SurveyData
from exports.survey_tables import NOT_COMPARABLE
from exports.tables import SUPPRESSED, Table
from forms import Question, Text
from forms.types.base import Tabulation

if TYPE_CHECKING:  # python-docx is imported by the document, when one is built
    from exports.documents.document import ReportDocument

TITLE = "Bilag 2: surveyresultater fra medarbejdersurvey"
FREE_TEXTS = "Fritekstsvar"


@register
class SurveyReportExporter(DocumentExporter):
    identifier = "report-survey"
    command = ("report", "survey")
    name = "Bilag 2 (spørgeskemaundersøgelse)"
    label = Text("Word-bilag (bilag 2)", "Word appendix (appendix 2)")
    help = "Bilag 2: the survey appendix as a Word document (method, and per question its table and chart)."
    questionnaire_kind = "survey"
    source = "survey"
    options = (selection("waves"), language_choice("da", "en"))

    def __init__(self, data: SurveyData, language: str = "da", **kwargs) -> None:
        super().__init__(**kwargs)
        self.data = data
        self.workbook = SurveyExporter(data)
        self.language = self.language_for(language, data.questions, data.title_en)

    def tables(self):
        """The workbook's overview and question tables, which the document lays out."""
        yield self.workbook.overview_table(self.workbook.data_table())
        yield from self.workbook.question_tables()

    def build(self, progress: Progress | None = None) -> tuple[ReportDocument, list[str]]:
        from exports.documents.document import ReportDocument

        data, lang = self.data, self.language
        title = self.say(TITLE)
        document = ReportDocument(title, lang, (self.say("Side"), self.say("af")), landscape=len(data.waves) > 2)
        questionnaire = data.title_en if lang == "en" else data.title
        document.title(title, f"{questionnaire}: {', '.join(w.label_in(lang) for w in data.waves)}")
        self._method(document, questionnaire)
        document.heading(self.say("Resultater"), 1)
        tables = iter(self.workbook.question_tables())
        questions = data.questions
        listed = []
        for i, question in enumerate(questions, start=1):
            if not question.question_type.tabulated:
                listed.append((i, question))
            self._question(document, i, question, next(tables) if question.question_type.tabulated else None)
            if progress is not None:
                progress(i, len(questions))
        sections = [self.say("Metode"), self.say("Resultater")]
        if listed:
            document.heading(self.say(FREE_TEXTS), 1)
            for i, question in listed:
                document.heading(f"{i}. {question.text.get(lang)}", 2)
                self._listed(document, question)
            sections.append(self.say(FREE_TEXTS))
        return document, sections

    # -- method ----------------------------------------------------------------------------------------
    def _method(self, document: ReportDocument, questionnaire: str) -> None:
        data, lang = self.data, self.language
        document.heading(self.say("Metode"), 1)
        total = sum(sum(sizes.values()) for sizes in data.wave_sizes.values())
        document.paragraph(self.say(
            "Bilaget viser svarene på spørgeskemaet \"{title}\" i {waves} bølge(r) med i alt {n} besvarelser. "
            "Rådgiverne er inviteret personligt pr. e-mail og har svaret i Bølge.",
            title=questionnaire, waves=len(data.waves), n=numbers.count(total, lang)))
        if total == 0:
            document.paragraph(self.say("Der er endnu ingen indsendte besvarelser i de valgte bølger; tabellerne "
                                        "viser 0."), italic=True)
        document.heading(self.say("Bølger"), 2)
        document.table([self.say(h) for h in ("Bølge", "Version", "Åbnede", "Lukkede")],
                       [[w.label_in(lang), str(w.version), data.local(w.opens_at).strftime("%d.%m.%Y %H:%M"),
                         data.local(w.closes_at).strftime("%d.%m.%Y %H:%M")] for w in data.waves],
                       numeric=[False, True, False, False], caption=self.say("Tider i {zone}.", zone=data.timezone))
        document.heading(self.say("Svarprocent"), 2)
        overview = self.workbook.overview_table(self.workbook.data_table())
        keep = [0, 4, 5, 6, 7]  # wave, municipality, invited, answered, rate
        columns = [overview.columns[c] for c in keep]
        rows = [[cell_text(overview.columns[c], row[c], lang) for c in keep] for row in overview.rows]
        for row in rows:
            row[0] = self._wave_name(row[0])
        totals = {i for i, row in enumerate(overview.rows) if row[4] == data.group_label(NETWORK)}
        document.table([self.say(c.header) for c in columns], rows, [is_numeric(c) for c in columns],
                       caption=self.say("Inviterede, besvarelser og svarprocent pr. bølge og kommune."),
                       bold_rows=totals)
        document.heading(self.say("Anonymitet og sammenligning"), 2)
        document.bullets([
            self.say("Anonymitetsgrænse: {threshold} besvarelser. En kommune med færre besvarelser vises som "
                     "\"{hidden}\", og en anden lille kommune skjules også, så den skjulte ikke kan regnes ud af "
                     "netværkets total. Et spørgsmål med færre besvarelser end bølgen får samme regel på sine "
                     "egne tal.", threshold=data.threshold, hidden=self.say(SUPPRESSED_LABEL)),
            self.say("Andel = antal / N, hvor N er besvarelserne af spørgsmålet (\"Ved ikke\" og lignende "
                     "medregnet). Gennemsnit og top-2 regnes af de gyldige svar."),
            self.say("Ændringen mellem to bølger står i procentpoint (gennemsnit: i point) og kun, når spørgsmålet "
                     "er stillet med samme formulering og skala i begge bølger."),
            self._tests(),
        ])

    def _tests(self) -> str:
        """Which tests stand behind the verdicts, for the kinds of question the questionnaire has."""
        questions = [q for q in self.data.questions if q.question_type.tabulated]
        tests = []
        if any(q.question_type.tabulation is Tabulation.OPTIONS for q in questions):
            tests.append(self.say("andele: χ²-test af to andele, eller Fishers eksakte test, når en forventet værdi "
                                  "er under 5"))
        if any(q.question_type.tabulation is Tabulation.OPTIONS and q.question_type.has_mean(q) for q in questions):
            tests.append(self.say("gennemsnit af en skala: Mann-Whitney-testen"))
        if any(q.question_type.tabulation is Tabulation.NUMERIC for q in questions):
            tests.append(self.say("gennemsnit af et talspørgsmål: Welchs t-test"))
        return self.say("Ved hver ændring står, om den er signifikant (p < 0,05) eller kan skyldes tilfældigheder "
                        "({tests}).", tests="; ".join(tests))

    # -- one question ----------------------------------------------------------------------------------
    def _question(self, document: ReportDocument, number: int, question: Question, table: Table | None) -> None:
        lang = self.language
        document.heading(f"{number}. {question.text.get(lang)}", 2)
        if table is None:
            document.paragraph(self.say("Fritekst tælles ikke; svarene står i afsnittet \"{section}\".",
                                        section=self.say(FREE_TEXTS)), italic=True, small=True)
            return
        for note in self._notes(question):
            document.paragraph(note, small=True)
        waves = self.data.waves
        nw, pairs = len(waves), max(0, len(waves) - 1)
        numeric = question.question_type.tabulation is Tabulation.NUMERIC
        headers = [self.say("Gruppe"), self.say("Svarmulighed")]
        if numeric:
            # N and the mean: one column per wave (the N row's count, the mean row's mean); the change is
            # in the question's unit, not in percentage points
            keep = [0, 1] + [3 + i for i in range(nw)]
            headers[1] = ""
            headers += [w.label_in(lang) for w in waves]
            unit = question.unit.get(lang) if question.unit is not None else ""
            for a, b in zip(waves, waves[1:]):
                headers += [self.say("Ændring {a} → {b} ({unit})", a=a.label_in(lang), b=b.label_in(lang), unit=unit)
                            if unit else self.say("Ændring {a} → {b}", a=a.label_in(lang), b=b.label_in(lang)),
                            self.say("Vurdering {a} → {b}", a=a.label_in(lang), b=b.label_in(lang))]
        else:
            keep = [0, 1]
            for i in range(nw):
                keep += [3 + i, 3 + nw + i]
            for w in waves:
                headers += [self.say("{wave}: antal", wave=w.label_in(lang)),
                            self.say("{wave}: andel", wave=w.label_in(lang))]
            for a, b in zip(waves, waves[1:]):
                headers += [self.say("Ændring {a} → {b} (procentpoint)", a=a.label_in(lang), b=b.label_in(lang)),
                            self.say("Vurdering {a} → {b}", a=a.label_in(lang), b=b.label_in(lang))]
        for j in range(pairs):
            keep += [3 + 3 * nw + j, 3 + 3 * nw + 2 * pairs + j]
        columns = [table.columns[c] for c in keep]
        rows, starts, previous = [], set(), None
        for row in table.rows:
            cells = [cell_text(c, row[k], lang) for c, k in zip(columns, keep)]
            if numeric:  # the mean row's figures stand in the share columns of the workbook
                for i in range(nw):
                    if row[3 + i] is None and row[3 + nw + i] is not None:
                        cells[2 + i] = cell_text(table.columns[3 + nw + i], row[3 + nw + i], lang)
            cells[0] = self.say(row[0]) if row[0] != previous else ""
            cells[1] = self._row_label(question, row)
            if row[0] != previous:
                starts.add(len(rows))
            previous = row[0]
            rows.append(cells)
        figures = nw if numeric else 2 * nw
        document.table(headers, rows, [False, False] + [True] * figures + [True, False] * pairs, bold_rows=starts)
        self._chart(document, number, question, table)
        hidden = self._hidden(table)
        if hidden:
            document.paragraph(self.say("Skjult efter anonymitetsreglen: {groups}.", groups="; ".join(hidden)),
                               italic=True, small=True)
        note = comparability.break_note_en if self.language == "en" else comparability.break_note
        if any(c == NOT_COMPARABLE for row in table.rows for c in row) and (
                changed := note(question.id, self.data.waves, lambda w: self._wave_name(w.label))) is not None:
            document.paragraph(changed, italic=True, small=True)  # why and since when (the one rule)

    def _listed(self, document: ReportDocument, question: Question) -> None:
        """A free-text or date question's answers as typed, in the workbook's Fritekst order and hiding."""
        rows = self._free_texts.get(self.data.number_of(question.id), [])
        if not rows:
            document.paragraph(self.say("Ingen har svaret på spørgsmålet i de valgte bølger."), italic=True,
                               small=True)
            return
        document.paragraph(self.say("Svarene står, som de er skrevet ({n}); de tælles ikke. Svarene fra "
                                    "skjulte kommuner står samlet som \"{others}\", ordnet efter svaret.",
                                    n=numbers.count(len(rows), self.language), others=self.say(OTHER_GROUP_LABEL)),
                           italic=True, small=True)
        document.table([self.say("Bølge"), self.say("Kommune"), self.say("Svar")], rows, figures=False)

    @cached_property
    def _free_texts(self) -> dict[int, list[list[str]]]:
        """The workbook's Fritekst rows (same order, same hiding) by question number, as the document shows them."""
        found: dict[int, list[list[str]]] = {}
        for number, wave, place, answer in self.workbook.free_text_table().rows:
            shown = answer.strftime("%d.%m.%Y") if isinstance(answer, date) else str(answer)
            found.setdefault(number, []).append([self._wave_name(wave), self.say(place), shown])
        return found

    def _wave_name(self, label: str) -> str:
        """A wave's label as the workbook's rows give it, in the document's language."""
        return self._wave_names.get(label, label)

    @cached_property
    def _wave_names(self) -> dict[str, str]:
        return {w.label: w.label_in(self.language) for w in self.data.waves}

    def _option_label(self, question: Question, code: int) -> str:
        option = next((o for o in question.options if o.code == code), None)
        if option is None:
            return str(code)
        label = option.label.get(self.language)
        return self.say("{label} (manglende værdi)", label=label) if option.missing else label

    def _row_label(self, question: Question, row) -> str:
        """An option row by its code, the other rows (N, mean, top-2) by what they are, in the language."""
        if isinstance(row[2], int):
            return self._option_label(question, row[2])
        if str(row[1]).startswith("Top-2"):
            return self.say("Top-2: {labels}", labels=" + ".join(self._scale_label(question, c)
                                                                  for c in question.scale.top2))
        return self.say(row[1])

    def _scale_label(self, question: Question, code: int) -> str:
        option = next((o for o in question.scale.options if o.code == code), None)
        return option.label.get(self.language) if option else str(code)

    def _notes(self, question: Question) -> list[str]:
        """How the question's figures are computed: shares, the codes of the mean, the top-2 options."""
        qtype, scale = question.question_type, question.scale
        if qtype.tabulation is Tabulation.NUMERIC:
            unit = question.unit.get(self.language) if question.unit is not None else ""
            return [self.say("Gennemsnit af svarene i {unit}; ændringen i gennemsnit testes med Welchs t-test.",
                             unit=unit) if unit else
                    self.say("Gennemsnit af svarene; ændringen i gennemsnit testes med Welchs t-test.")]
        notes = [self.say("Flere svar mulige: andelen er andelen af respondenterne, der valgte muligheden; summen "
                          "kan overstige 100 %.") if qtype.multiple else
                 self.say("Andel = antal / N (alle besvarelser af spørgsmålet, manglende værdier medregnet).")]
        if qtype.tabulation is Tabulation.OPTIONS and qtype.has_mean(question):
            used = ", ".join(f"{o.code} = {o.label.get(self.language)}" for o in scale.options if not o.missing)
            left = ", ".join(f"{o.code} = {o.label.get(self.language)}" for o in scale.options if o.missing)
            notes.append(self.say("Gennemsnit af koderne {used}; udeladt: {left}.", used=used, left=left) if left
                         else self.say("Gennemsnit af koderne {used}.", used=used))
        if qtype.has_top2(question):
            notes.append(self.say("Top-2 = andel af de gyldige svar (uden manglende værdier) i {labels}.",
                                  labels=self.say(" eller ").join(self._scale_label(question, c)
                                                                  for c in scale.top2)))
        return notes

    def _hidden(self, table: Table) -> list[str]:
        """"Aalborg (Sommer 2020)" for each group and wave the question's table hides."""
        waves = self.data.waves
        found: dict[str, list[str]] = {}
        for row in table.rows:
            for i, wave in enumerate(waves):
                if row[3 + i] is SUPPRESSED and wave.label_in(self.language) not in found.setdefault(row[0], []):
                    found[row[0]].append(wave.label_in(self.language))
        return [f"{self.say(group)} ({', '.join(labels)})" for group, labels in found.items() if labels]

    def _chart(self, document: ReportDocument, number: int, question: Question, table: Table) -> None:
        chart = table.chart
        if chart is None or question.question_type.tabulation is not Tabulation.OPTIONS:
            return
        nw = len(self.data.waves)
        series = [(self._option_label(question, table.rows[r][2]), [table.rows[r][3 + nw + i] for i in range(nw)])
                  for r in chart.series_rows]
        if not any(isinstance(v, float) and v > 0 for _label, values in series for v in values):
            return  # nothing answered, or everything hidden: the table says so
        labels = [w.label_in(self.language) for w in self.data.waves]
        hidden = self.say(SUPPRESSED_LABEL)

        def percent(value: float) -> str:
            return numbers.share(value, self.language)

        png = bar_chart(labels, series, hidden, percent, stacked=not question.question_type.multiple)
        alt = self.say("Søjlediagram for spørgsmål {number}, netværket i alt: {figures}", number=number,
                       figures=describe(labels, series, hidden, percent))
        document.figure(png, alt, self.say("Figur {n}. Spørgsmål {number}: {wording} (netværket i alt).",
                                           n=document.figures + 1, number=number, wording=question.text.get(self.language)))
