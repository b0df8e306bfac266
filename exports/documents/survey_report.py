"""Bilag 2, the survey appendix: method (waves, invited, answered, response rate, the anonymity threshold),
then per question its wording, the workbook's comparison table, a chart and notes on hidden groups."""
from __future__ import annotations

from exports.anonymity import SUPPRESSED_LABEL
from exports.base import Progress, register
from exports.chart_style import describe
from exports.documents import numbers
from exports.documents.base import DocumentExporter
from exports.documents.charts import bar_chart
from exports.documents.document import ReportDocument
from exports.documents.format import cell_text, is_numeric
from exports.survey import SurveyExporter
from exports.survey_data import NETWORK, SurveyData
from exports.tables import SUPPRESSED, Table
from forms import Question, Text
from forms.types.base import Tabulation

TITLE = "Bilag 2: surveyresultater fra medarbejdersurvey"


@register
class SurveyReportExporter(DocumentExporter):
    identifier = "report-survey"
    command = ("report", "survey")
    name = "Bilag 2 (spørgeskemaundersøgelse)"
    label = Text("Word-bilag (bilag 2)", "Word appendix (appendix 2)")
    help = "Bilag 2: the survey appendix as a Word document (method, and per question its table and chart)."
    questionnaire_kind = "survey"
    selects = "waves"

    def __init__(self, data: SurveyData, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data = data
        self.workbook = SurveyExporter(data)

    def tables(self):
        """The workbook's overview and question tables, which the document lays out."""
        yield self.workbook.overview_table(self.workbook.data_table())
        yield from self.workbook.question_tables()

    def build(self, progress: Progress | None = None) -> tuple[ReportDocument, list[str]]:
        data = self.data
        document = ReportDocument(TITLE, landscape=len(data.waves) > 2)
        document.title(TITLE, f"{data.title}: {', '.join(w.label for w in data.waves)}")
        self._method(document)
        document.heading("Resultater", 1)
        by_question = iter(self.workbook.question_tables())
        questions = data.questions
        for i, question in enumerate(questions, start=1):
            table = next(by_question) if question.kind.tabulated else None
            self._question(document, i, question, table)
            if progress is not None:
                progress(i, len(questions))
        if not questions and progress is not None:
            progress(1, 1)
        return document, ["Metode", "Resultater"]

    # -- method ----------------------------------------------------------------------------------------
    def _method(self, document: ReportDocument) -> None:
        data = self.data
        document.heading("Metode", 1)
        total = sum(sum(sizes.values()) for sizes in data.wave_sizes.values())
        document.paragraph(
            f"Bilaget viser svarene på spørgeskemaet \"{data.title}\" i {len(data.waves)} "
            f"{'bølge' if len(data.waves) == 1 else 'bølger'} med i alt {numbers.count(total)} besvarelser. "
            "Rådgiverne er inviteret personligt pr. e-mail og har svaret i Bølge.")
        if total == 0:
            document.paragraph("Der er endnu ingen indsendte besvarelser i de valgte bølger; tabellerne viser 0.",
                               italic=True)
        document.heading("Bølger", 2)
        document.table(["Bølge", "Version", "Åbnede", "Lukkede"],
                       [[w.label, str(w.version), data.local(w.opens_at).strftime("%d.%m.%Y %H:%M"),
                         data.local(w.closes_at).strftime("%d.%m.%Y %H:%M")] for w in data.waves],
                       numeric=[False, True, False, False], caption=f"Tider i {data.timezone}.")
        document.heading("Svarprocent", 2)
        overview = self.workbook.overview_table(self.workbook.data_table())
        keep = [0, 4, 5, 6, 7, 8]  # wave, municipality, invited, answered, rate, remark
        columns = [overview.columns[c] for c in keep]
        rows = [[cell_text(overview.columns[c], row[c]) for c in keep] for row in overview.rows]
        totals = {i for i, row in enumerate(overview.rows) if row[4] == data.group_label(NETWORK)}
        document.table([c.header for c in columns], rows, [is_numeric(c) for c in columns],
                       caption="Inviterede, besvarelser og svarprocent pr. bølge og kommune.", bold_rows=totals)
        document.heading("Anonymitet og sammenligning", 2)
        document.bullets([
            f"Anonymitetsgrænse: {data.threshold} besvarelser. En kommune med færre besvarelser vises som "
            f"\"{SUPPRESSED_LABEL}\", og en anden lille kommune skjules også, så den skjulte ikke kan regnes ud "
            "af netværkets total. Et spørgsmål med færre besvarelser end bølgen får samme regel på sine egne tal.",
            "Andel = antal / N, hvor N er besvarelserne af spørgsmålet (\"Ved ikke\" og lignende medregnet). "
            "Gennemsnit og top-2 regnes af de gyldige svar.",
            "Ændringen mellem to bølger står i procentpoint (gennemsnit: i point) og kun, når spørgsmålet er "
            "stillet med samme formulering og skala i begge bølger.",
            "Ved hver ændring står, om den er signifikant (p < 0,05) eller kan skyldes tilfældigheder "
            "(test af to andele, Fishers eksakte test ved små tal, Mann-Whitney for gennemsnit).",
        ])

    # -- one question ----------------------------------------------------------------------------------
    def _question(self, document: ReportDocument, number: int, question: Question, table: Table | None) -> None:
        document.heading(f"{number}. {question.text.da}", 2)
        if table is None:
            document.paragraph("Fritekst- og datosvar tælles ikke; de står i Excel-filen (arket Fritekst).",
                               italic=True, small=True)
            return
        for note in table.notes[1:-1]:  # the wording is the heading; the last note is the hidden-cell rule
            document.paragraph(note, small=True)
        waves = self.data.waves
        nw, pairs = len(waves), max(0, len(waves) - 1)
        keep = [0, 1]
        for i in range(nw):
            keep += [3 + i, 3 + nw + i]
        for j in range(pairs):
            keep += [3 + 3 * nw + j, 3 + 3 * nw + 2 * pairs + j]
        columns = [table.columns[c] for c in keep]
        headers = ["Gruppe", "Svarmulighed"]
        for w in waves:
            headers += [f"{w.label}: antal", f"{w.label}: andel"]
        for a, b in zip(waves, waves[1:]):
            headers += [f"Ændring {a.label} → {b.label} (procentpoint)", f"Vurdering {a.label} → {b.label}"]
        rows, starts, previous = [], set(), None
        for row in table.rows:
            group = row[0]
            if group != previous:
                starts.add(len(rows))
            cells = [cell_text(c, row[k]) for c, k in zip(columns, keep)]
            cells[0] = group if group != previous else ""
            previous = group
            rows.append(cells)
        room = document.text_width.cm - 5.6 - pairs * 4.8
        widths = [2.4, 3.2] + [room / (2 * nw)] * (2 * nw) + [1.8, 3.0] * pairs
        document.table(headers, rows, [False, False] + [True] * (2 * nw) + [True, False] * pairs,
                       bold_rows=starts, widths=widths)
        self._chart(document, number, question, table)
        hidden = self._hidden(table)
        if hidden:
            document.paragraph("Skjult efter anonymitetsreglen: " + "; ".join(hidden) + ".", italic=True, small=True)
        if any(c == "ikke sammenlignelig" for row in table.rows for c in row):
            document.paragraph("Spørgsmålet er ændret mellem bølgerne (formulering, type eller skala), så ændringen "
                               "beregnes ikke.", italic=True, small=True)

    def _hidden(self, table: Table) -> list[str]:
        """"Aalborg (Sommer 2020)" for each group and wave the question's table hides."""
        waves = self.data.waves
        found: dict[str, list[str]] = {}
        for row in table.rows:
            for i, wave in enumerate(waves):
                if row[3 + i] is SUPPRESSED and wave.label not in found.setdefault(row[0], []):
                    found[row[0]].append(wave.label)
        return [f"{group} ({', '.join(labels)})" for group, labels in found.items() if labels]

    def _chart(self, document: ReportDocument, number: int, question: Question, table: Table) -> None:
        chart = table.chart
        if chart is None or question.kind.tabulation is not Tabulation.OPTIONS:
            return
        nw = len(self.data.waves)
        share_of = 3 + nw
        series = [(str(table.rows[r][1]), [table.rows[r][share_of + i] for i in range(nw)]) for r in chart.series_rows]
        if not any(isinstance(v, float) and v > 0 for _label, values in series for v in values):
            return  # nothing answered, or everything hidden: the table says so
        labels = [w.label for w in self.data.waves]
        png = bar_chart(labels, series, SUPPRESSED_LABEL, numbers.share, stacked=not question.kind.multiple)
        alt = (f"Søjlediagram for spørgsmål {number}, netværket i alt: "
               + describe_shares(labels, series))
        document.figure(png, alt, f"Figur {document.figures + 1}. Spørgsmål {number}: {question.text.da} "
                                  "(netværket i alt).", width_cm=15.0)


def describe_shares(waves: list[str], series: list[tuple[str, list]]) -> str:
    return describe(waves, series, SUPPRESSED_LABEL, numbers.share)
