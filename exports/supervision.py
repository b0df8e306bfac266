"""The supervision workbook: coverage of the sample, per question tallies per round and municipality, the
rounds side by side with their change, and the records.

Tallies count the cases of the sample (all listed cases where no sample was drawn) and cases outside
it that a coordinator included; other cases reviewed outside the sample are counted apart.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from exports.base import Exporter, records, register, selection
from exports import comparability
from exports.comparability import NOT_COMPARABLE
from exports.round_change import MARKER, marker, pp_change
from exports.significance import mean_test
from exports.survey_data import NETWORK, NETWORK_LABEL
from exports.tables import Column, Table, Typed
from exports.survey_tables import caption
from exports.workbook import SHEET_NAME_MAX, SheetNames
from forms import Question
from forms.types.base import ANSWER_COLUMNS, Tabulation

if TYPE_CHECKING:  # the frames come from the query; this module needs no pandas of its own
    import pandas as pd

# One row per answer value of a submitted record; a record without answers has question_id missing.
# `counted`: the record is in the sample's tallies; `outside`: it was reviewed outside the sample.
SUPERVISION_COLUMNS = ["response_id", "round_id", "municipality_id", "case_reference", "question_id",
                       "option_code", "number", "text", "date_value", "comment", "outside", "counted"]


@dataclass(frozen=True)
class RoundInfo:
    """A round as the export sees it; `fingerprints` and `wordings` are its version's (see
    exports/comparability.py); a round given without fingerprints compares as asked alike."""

    id: int
    label: str
    period_start: date
    period_end: date
    fingerprints: Mapping[str, str] | None = None
    wordings: Mapping[str, str] = field(default_factory=dict)
    version: int | None = None


@dataclass(frozen=True)
class Coverage:
    """A municipality's sample in a round: cases listed, sampled, reviewed in the sample, reviewed outside
    it, and how many of those outside a coordinator included in the tallies."""

    round_id: int
    municipality_id: int
    listed: int
    sampled: int
    reviewed: int
    outside: int
    included: int


@dataclass
class SupervisionData:
    title: str
    slug: str
    questions: list[Question]
    rounds: list[RoundInfo]
    municipalities: dict[int, str]
    answers: pd.DataFrame
    include_records: bool = False
    only_municipality: int | None = None
    coverage: list[Coverage] = field(default_factory=list)
    title_en: str | None = None  # the questionnaire's English title, when it has one


@register
class SupervisionExporter(Exporter):
    identifier = "supervision"
    name = "Ledelsestilsyn"
    help = "The supervision workbook: tallies per round and municipality, and the records."
    questionnaire_kind = "supervision"
    source = "supervision"
    options = (selection("rounds"), records())

    def __init__(self, data: SupervisionData, **kwargs) -> None:
        super().__init__(**kwargs)
        frame = data.answers
        if data.only_municipality is not None:
            self.own = frame[frame["municipality_id"] == data.only_municipality]
        else:
            self.own = frame
        self.data = data
        self.all_records = frame.drop_duplicates("response_id")
        # the tallies: cases of the sample, and cases outside it a coordinator included
        self.counted = frame[frame["counted"].astype(bool)]
        self.records = self.counted.drop_duplicates("response_id")
        present = set(int(m) for m in self.records["municipality_id"])
        self.groups = [NETWORK] + [m for m in data.municipalities if m in present
                                   and (data.only_municipality is None or m == data.only_municipality)]
        self.numbers = {q.id: i for i, q in enumerate(data.questions, start=1)}

    def tables(self) -> Iterator[Table]:
        names = SheetNames()
        for fixed in RESERVED_SHEETS:
            names.make(fixed)
        yield self.overview_table()
        yield self.coverage_table()
        yield self.comparison_table()
        for question in self.data.questions:
            if question.question_type.tabulated:
                yield self.question_table(question, names.make(self.caption(question, SHEET_NAME_MAX)))
        yield self.comparability_table()
        yield self.codebook_table()
        if self.data.include_records:
            yield self.records_table()

    # -- what a coordinator reads: numbers and wordings, never ids ------------------------------------------
    def caption(self, question: Question, limit: int = 60) -> str:
        """"2. Hvad er varigheden af forlængelsen?": the question's number and its wording, cut at `limit`."""
        return caption(self.numbers.get(question.id, 0), question.text.da, limit)

    def unit(self, question: Question) -> str:
        """" (måneder)" for a number question with a unit, else ""."""
        return f" ({question.unit.da})" if question.unit is not None and question.unit.da else ""

    def condition_text(self, question: Question) -> str | None:
        """"Stilles kun, når '4. Har sagen …' er besvaret med Ja.", or None for a question always asked."""
        condition = question.condition
        if condition is None:
            return None
        asked = next((q for q in self.data.questions if q.id == condition.question), None)
        if asked is None:
            return f"Stilles kun, når et tidligere spørgsmål er besvaret med kode {sorted(condition.codes)}."
        labels = [o.label.da for o in asked.options if o.code in condition.codes]
        return f"Stilles kun, når '{self.caption(asked, 50)}' er besvaret med {' eller '.join(labels)}."

    # -- comparability (exports/comparability.py, the survey's rule) ---------------------------------------
    def compared(self, question: Question, before: RoundInfo, after: RoundInfo) -> bool:
        if before.fingerprints is None or after.fingerprints is None:
            return True  # rounds given without their versions' fingerprints
        return comparability.comparable(question.id, before, after)

    def question_notes(self, question: Question) -> list[str]:
        """The wording (each wording with its rounds, when reworded), the condition, why a change is missing."""
        rounds = [r for r in self.data.rounds if r.fingerprints is not None]
        notes = [f"Spørgsmål {self.numbers.get(question.id, 0)}: "
                 + comparability.wordings(question.id, question.text.da, rounds)]
        if (condition := self.condition_text(question)) is not None:
            notes.append(condition)
        if (changed := comparability.break_note(question.id, rounds)) is not None:
            notes.append(changed)
        return notes

    def group_label(self, group: int | None) -> str:
        return NETWORK_LABEL if group is NETWORK else self.data.municipalities.get(group, str(group))

    def _subset(self, frame: pd.DataFrame, round_id: int, group: int | None) -> pd.DataFrame:
        rows = frame[frame["round_id"] == round_id]
        return rows if group is NETWORK else rows[rows["municipality_id"] == group]

    def overview_table(self) -> Table:
        rows = []
        outside = self.all_records[~self.all_records["counted"].astype(bool)]
        for round_ in self.data.rounds:
            for group in [*self.groups[1:], NETWORK]:
                cases = self._subset(self.records, round_.id, group)
                apart = self._subset(outside, round_.id, group)
                rows.append([round_.label, round_.period_start, round_.period_end, self.group_label(group), len(cases),
                             len(apart)])
        columns = [Column("Runde", "text", 18), Column("Periode fra", "date", 12), Column("Periode til", "date", 12),
                   Column("Kommune", "text", 22), Column("Gennemgåede sager", "int", 12),
                   Column("Udenfor stikprøven, ikke talt med", "int", 14)]
        notes = [f"Tilsynsskema: {self.data.title}.",
                 "Tallene omfatter stikprøvens sager (hele sagslisten, hvor der ikke er trukket en stikprøve) og "
                 "sager udenfor stikprøven, som en koordinator har medtaget."]
        if self.data.only_municipality is not None:
            notes.append("Udtræk for én kommune: kun kommunens egne tal og netværkets i alt.")
        return Table("Oversigt", self.data.title, columns, rows, notes)

    def question_table(self, question: Question, sheet_name: str) -> Table:
        """Per round and group: cases, N, each option's count and share; a number question's N, mean,
        median, minimum and maximum in its unit, and the change of the mean from round to round with
        Welch's test."""
        options = list(question.options)
        columns = [Column("Runde", "text", 18), Column("Kommune", "text", 22), Column("Gennemgåede sager", "int", 11),
                   Column("Besvaret (N)", "int", 10)]
        for option in options:
            columns += [Column(f"{option.label.da} (antal)", "int"), Column(f"{option.label.da} (andel)", "pct")]
        numeric = question.question_type.tabulation is Tabulation.NUMERIC
        unit = self.unit(question)
        if numeric:
            columns += [Column(f"Gennemsnit{unit}", "mean"), Column(f"Median{unit}", "mean"),
                        Column(f"Minimum{unit}", "int"), Column(f"Maksimum{unit}", "int"),
                        Column(f"Ændring i gennemsnit fra forrige runde{unit}", "diff", 14),
                        Column("p-værdi (Welch)", "p", 10), Column("Signifikant", "text", 10)]
        answers = self._answers_to(question)
        rows = []
        for index, round_ in enumerate(self.data.rounds):
            for group in self.groups:
                cases = len(self._subset(self.records, round_.id, group))
                subset = self._subset(answers, round_.id, group)
                n = int(subset["response_id"].nunique())
                row = [round_.label, self.group_label(group), cases, n]
                for option in options:
                    count = int(subset.loc[subset["option_code"] == option.code, "response_id"].nunique())
                    row += [count, count / n if n else None]
                if numeric:
                    row += number_summary(subset["number"])
                    row += self._mean_change(question, index, group, answers) if index else [None, None, None]
                rows.append(row)
        notes = self.question_notes(question)
        notes.append(f"Gennemsnit, median, minimum og maksimum af svarene{unit}; ændringen testes med Welchs t-test "
                     "(5 % niveau)." if numeric else "Andel = antal / N (sager, hvor spørgsmålet er besvaret).")
        return Table(sheet_name, question.text.da, columns, rows, notes)

    def _mean_change(self, question: Question, index: int, group, answers: pd.DataFrame) -> list:
        """[change of the mean, p-value, marker] from the round before to round `index`."""
        before, after = self.data.rounds[index - 1], self.data.rounds[index]
        if not self.compared(question, before, after):
            return [NOT_COMPARABLE, None, None]
        a = self._subset(answers, before.id, group)["number"].dropna().astype(float)
        b = self._subset(answers, after.id, group)["number"].dropna().astype(float)
        if not len(a) or not len(b):
            return [None, None, None]
        change = Typed(float(b.mean() - a.mean()), "diff")
        result = mean_test(float(a.mean()), float(a.std(ddof=1)) if len(a) > 1 else 0.0, len(a),
                           float(b.mean()), float(b.std(ddof=1)) if len(b) > 1 else 0.0, len(b))
        if result is None:
            return [change, None, None]
        return [change, Typed(result.p, "p"), MARKER if result.significant else ""]

    def _answers_to(self, question: Question) -> pd.DataFrame:
        """The counted answers to a question (none when the municipality shown never answered it)."""
        if question.id not in set(self.own["question_id"].dropna()):
            return self.counted.iloc[0:0]
        return self.counted[self.counted["question_id"] == question.id]

    def coverage_table(self) -> Table:
        """Per round and municipality: the case list, the sample, and the cases reviewed in and outside it."""
        by_key = {(c.round_id, c.municipality_id): c for c in self.data.coverage}
        shown = [m for m in self.data.municipalities if any(k[1] == m for k in by_key)
                 and (self.data.only_municipality is None or m == self.data.only_municipality)]
        rows = []
        for round_ in self.data.rounds:
            for m in shown:
                c = by_key.get((round_.id, m), Coverage(round_.id, m, 0, 0, 0, 0, 0))
                rows.append([round_.label, self.group_label(m), c.listed, c.sampled or None, c.reviewed, c.outside,
                             c.included])
        columns = [Column("Runde", "text", 18), Column("Kommune", "text", 22), Column("Sager på listen", "int", 11),
                   Column("I stikprøven", "int", 11), Column("Gennemgået i stikprøven", "int", 13),
                   Column("Udenfor stikprøven", "int", 12), Column("Heraf medtaget af koordinator", "int", 14)]
        notes = ["Tom celle under \"I stikprøven\": der er ikke trukket en stikprøve, og hele listen gennemgås.",
                 "Sager udenfor stikprøven tælles ikke med i tallene, medmindre en koordinator har medtaget dem."]
        return Table("Dækning", "Stikprøvens dækning pr. runde og kommune", columns, rows, notes)

    def comparison_rows(self, question: Question) -> list[list]:
        """One question's rounds side by side: per group its N, then per option the count and share in
        each round and the change in percentage points between consecutive rounds (with its marker), or
        "ikke sammenlignelig" where the question changed between the two rounds."""
        rounds = self.data.rounds
        answers = self._answers_to(question)
        compared = [self.compared(question, a, b) for a, b in zip(rounds, rounds[1:])]
        rows = []
        for group in self.groups:
            subsets = [self._subset(answers, r.id, group) for r in rounds]
            ns = [int(s["response_id"].nunique()) for s in subsets]
            rows.append([self.group_label(group), "Besvaret (N)", None, *ns, *[None] * len(rounds),
                         *[None, None] * (len(rounds) - 1)])
            for option in question.options:
                counts = [int(s.loc[s["option_code"] == option.code, "response_id"].nunique()) for s in subsets]
                shares = [c / n if n else None for c, n in zip(counts, ns)]
                changes = []
                for i in range(len(rounds) - 1):
                    if not compared[i]:
                        changes += [NOT_COMPARABLE, None]
                        continue
                    change = pp_change(counts[i], ns[i], counts[i + 1], ns[i + 1])
                    changes += [change, marker(counts[i], ns[i], counts[i + 1], ns[i + 1]) if change is not None
                                else None]
                rows.append([self.group_label(group), option.label.da, option.code, *counts, *shares, *changes])
        return rows

    def comparison_columns(self) -> list[Column]:
        rounds = self.data.rounds
        columns = [Column("Kommune", "text", 20), Column("Svarmulighed", "text", 26), Column("Kode", "int", 6)]
        columns += [Column(f"{r.label} (antal)", "int", 10) for r in rounds]
        columns += [Column(f"{r.label} (andel)", "pct", 10) for r in rounds]
        for a, b in zip(rounds, rounds[1:]):
            columns += [Column(f"Ændring {a.label} → {b.label} (procentpoint)", "pp", 14),
                        Column(f"Signifikant {a.label} → {b.label}", "text", 10)]
        return columns

    def comparison_table(self) -> Table:
        """Every counted question's rounds side by side (see comparison_rows), one block per question, in
        questionnaire order; a number question's change of the mean stands on its own sheet."""
        columns = [Column("Spørgsmål", "text", 30), *self.comparison_columns()]
        rows = []
        notes = ["Runderne side om side: antal og andel pr. svarmulighed, og ændringen i procentpoint mellem to "
                 "runder i træk.",
                 f"{MARKER} i kolonnen Signifikant: ændringen er større, end tilfældet kan forklare (test af to "
                 "andele: χ²-test, eller Fishers eksakte test, når en forventet værdi er under 5; 5 % niveau).",
                 "Andel = antal / N (sager, hvor spørgsmålet er besvaret)."]
        rounds = [r for r in self.data.rounds if r.fingerprints is not None]
        for question in self.data.questions:
            if question.question_type.tabulation is Tabulation.OPTIONS:
                rows += [[self.caption(question), *row] for row in self.comparison_rows(question)]
                if (changed := comparability.break_note(question.id, rounds)) is not None:
                    notes.append(f"{self.caption(question)}: {changed}")
            elif question.question_type.tabulation is Tabulation.NUMERIC:
                notes.append(f"{self.caption(question)}: et talspørgsmål; gennemsnittet og dets ændring med Welchs "
                             "t-test står på spørgsmålets eget ark.")
        return Table("Sammenligning", "Runderne sammenlignet", columns, rows, notes)

    def comparability_table(self) -> Table:
        """Per question and pair of rounds: compared or not, with the wording before and after."""
        rounds = [r for r in self.data.rounds if r.fingerprints is not None]
        rows = []
        for question in self.data.questions:
            for before, after in zip(rounds, rounds[1:]):
                rows.append([self.caption(question), before.label, after.label,
                             "Ja" if comparability.comparable(question.id, before, after) else "Nej",
                             before.wordings.get(question.id, "(ikke stillet)"),
                             after.wordings.get(question.id, "(ikke stillet)")])
        columns = [Column("Spørgsmål", "text", 30), Column("Fra runde", "text", 16), Column("Til runde", "text", 16),
                   Column("Sammenlignelig", "text", 14), Column("Formulering før", "text", 60),
                   Column("Formulering efter", "text", 60)]
        notes = ["Et spørgsmål sammenlignes kun, når formulering, type, skala og svarmuligheder er de samme i begge "
                 "runder (samme fingeraftryk i de gemte versioner), også i fælles afsnit."]
        return Table("Sammenlignelighed", "Sammenlignelighed mellem runder", columns, rows, notes)

    def codebook_table(self) -> Table:
        """Per question (and option): its number, id, wording(s) with their rounds, type, unit, condition."""
        rounds = [r for r in self.data.rounds if r.fingerprints is not None]
        rows = []
        for question in self.data.questions:
            asked_in = ", ".join(r.label for r in rounds if comparability.asked(question.id, r)) or \
                ", ".join(r.label for r in self.data.rounds)
            base = [self.numbers[question.id], question.id,
                    comparability.wordings(question.id, question.text.da, rounds), question.type,
                    question.unit.da if question.unit is not None else None]
            rows += [[*base, code, meaning, missing, self.condition_text(question), asked_in]
                     for code, meaning, missing in question.question_type.codebook(question, None)]
        columns = [Column("Nr.", "int", 6), Column("Variabel", "text", 18), Column("Spørgsmål", "text", 70),
                   Column("Type", "text", 12), Column("Enhed", "text", 10), Column("Kode", "int", 7),
                   Column("Svarmulighed", "text", 30), Column("Manglende værdi", "text", 10),
                   Column("Betingelse", "text", 40), Column("Runder", "text", 30)]
        return Table("Kodebog", "Kodebog", columns, rows,
                     ["Spørgsmålene i skemaets rækkefølge; Variabel er spørgsmålets id i Bølge."])

    def records_table(self) -> Table:
        """The reviewed cases with their answers (for coordinators): option labels, numbers, text."""
        frame = self.data.answers
        records = self.all_records.sort_values(["round_id", "municipality_id", "case_reference"])
        by_response: dict[int, dict[str, list]] = {}
        for r, q, c, n, t, d in frame[["response_id", "question_id", "option_code", "number", "text",
                                       "date_value"]].itertuples(index=False):
            if q is None or q != q:
                continue
            by_response.setdefault(int(r), {}).setdefault(q, []).append((c, n, t, d))
        questions = self.data.questions
        rounds = {r.id: r.label for r in self.data.rounds}
        rows = []
        for r, round_id, m, case, comment, outside, counted in records[[
                "response_id", "round_id", "municipality_id", "case_reference", "comment", "outside",
                "counted"]].itertuples(index=False):
            answers = by_response.get(int(r), {})
            scope = ("udenfor stikprøven, medtaget" if counted else "udenfor stikprøven") if outside else \
                "i stikprøven"
            rows.append([rounds.get(int(round_id), ""), self.group_label(int(m)), case, scope,
                         *[_shown(q, answers.get(q.id, [])) for q in questions],
                         comment if isinstance(comment, str) else None])
        columns = [Column("Runde", "text", 16), Column("Kommune", "text", 18), Column("Sagsreference", "text", 18),
                   Column("Stikprøve", "text", 16)]
        columns += [Column(self.caption(q, 40) + self.unit(q), "text", 24) for q in questions]
        columns.append(Column("Bemærkning", "text", 40))
        return Table("Sager", "Gennemgåede sager og svar", columns, rows,
                     ["Kun til koordinatorer. Kolonnerne er spørgsmålene i skemaets rækkefølge (se Kodebog)."])


RESERVED_SHEETS = ("Oversigt", "Dækning", "Sammenligning", "Sammenlignelighed", "Kodebog", "Sager")


def _shown(question: Question, values: list) -> object:
    """A record's answer as the Sager sheet shows it: option labels, or a typed number, date or text."""
    if not values:
        return None
    qtype = question.question_type
    column = ANSWER_COLUMNS.index(qtype.column)
    shown = qtype.readable(question, qtype.read([v[column] for v in values]), "da")
    return shown if shown is None or isinstance(shown, str) else Typed(shown, qtype.data_kind)


def number_summary(values: pd.Series) -> list:
    """N's statistics for a number question: mean, median, minimum and maximum (None without answers)."""
    numbers = values.dropna().astype(float)
    if not len(numbers):
        return [None, None, None, None]
    return [Typed(float(numbers.mean()), "mean"), Typed(float(numbers.median()), "mean"),
            int(numbers.min()), int(numbers.max())]
