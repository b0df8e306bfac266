"""The supervision workbook: coverage of the sample, per question tallies per round and municipality, the
rounds side by side with their change, and the records.

Tallies count the cases of the sample (all listed cases where no sample was drawn) and cases outside
it that a coordinator included; other cases reviewed outside the sample are counted apart.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from exports.base import Exporter, register
from exports.round_change import MARKER, marker, pp_change
from exports.survey_data import NETWORK, NETWORK_LABEL
from exports.tables import Column, Table, Typed
from exports.workbook import SheetNames
from forms import Question
from forms.types.base import ANSWER_COLUMNS, Tabulation

# One row per answer value of a submitted record; a record without answers has question_id missing.
# `counted`: the record is in the sample's tallies; `outside`: it was reviewed outside the sample.
SUPERVISION_COLUMNS = ["response_id", "round_id", "municipality_id", "case_reference", "question_id",
                       "option_code", "number", "text", "date_value", "comment", "outside", "counted"]


@dataclass(frozen=True)
class RoundInfo:
    id: int
    label: str
    period_start: date
    period_end: date


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
    selects = "rounds"
    offers_records = True

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

    def tables(self) -> Iterator[Table]:
        names = SheetNames()
        for fixed in ("Oversigt", "Dækning", "Sammenligning", "Sager"):
            names.make(fixed)
        yield self.overview_table()
        yield self.coverage_table()
        yield self.comparison_table()
        for question in self.data.questions:
            if question.kind.tabulated:
                yield self.question_table(question, names.make(question.id))
        if self.data.include_records:
            yield self.records_table()

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
        notes = [f"Tilsynsskema: {self.data.slug}.",
                 "Tallene omfatter stikprøvens sager (hele sagslisten, hvor der ikke er trukket en stikprøve) og "
                 "sager udenfor stikprøven, som en koordinator har medtaget."]
        if self.data.only_municipality is not None:
            notes.append("Udtræk for én kommune: kun kommunens egne tal og netværkets i alt.")
        return Table("Oversigt", self.data.title, columns, rows, notes)

    def question_table(self, question: Question, sheet_name: str) -> Table:
        options = list(question.options)
        columns = [Column("Runde", "text", 18), Column("Kommune", "text", 22), Column("Gennemgåede sager", "int", 11),
                   Column("Besvaret (N)", "int", 10)]
        for option in options:
            columns += [Column(f"{option.label.da} (antal)", "int"), Column(f"{option.label.da} (andel)", "pct")]
        numeric = question.kind.tabulation is Tabulation.NUMERIC
        if numeric:
            columns += [Column("Gennemsnit", "mean"), Column("Median", "mean"), Column("Minimum", "int"),
                        Column("Maksimum", "int")]
        answers = self._answers_to(question)
        rows = []
        for round_ in self.data.rounds:
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
                rows.append(row)
        notes = [f"Spørgsmål ({question.id}): {question.text.da}",
                 "Andel = antal / N (sager, hvor spørgsmålet er besvaret)."]
        if question.condition is not None:
            notes.append(f"Stilles kun, når {question.condition.question} er besvaret med "
                         + ", ".join(str(c) for c in sorted(question.condition.codes)) + ".")
        return Table(sheet_name, question.text.da, columns, rows, notes)

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
        each round and the change in percentage points between consecutive rounds (with its marker)."""
        rounds = self.data.rounds
        answers = self._answers_to(question)
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
        """Every counted question's rounds side by side (see comparison_rows), one block per question."""
        columns = [Column("Spørgsmål", "text", 16), *self.comparison_columns()]
        rows = []
        for question in self.data.questions:
            if question.kind.tabulation is Tabulation.OPTIONS:
                rows += [[question.id, *row] for row in self.comparison_rows(question)]
        notes = ["Runderne side om side: antal og andel pr. svarmulighed, og ændringen i procentpoint mellem to "
                 "runder i træk.",
                 f"{MARKER} i kolonnen Signifikant: ændringen er større, end tilfældet kan forklare (test af to "
                 "andele, 5 % niveau).",
                 "Andel = antal / N (sager, hvor spørgsmålet er besvaret)."]
        return Table("Sammenligning", "Runderne sammenlignet", columns, rows, notes)

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
        columns += [Column(q.id, "text", 24) for q in questions]
        columns.append(Column("Bemærkning", "text", 40))
        return Table("Sager", "Gennemgåede sager og svar", columns, rows,
                     ["Kun til koordinatorer. Kolonnerne er spørgsmålenes id'er (se de enkelte ark)."])


def _shown(question: Question, values: list) -> object:
    """A record's answer as the Sager sheet shows it: option labels, or a typed number, date or text."""
    if not values:
        return None
    kind = question.kind
    column = ANSWER_COLUMNS.index(kind.column)
    shown = kind.readable(question, kind.read([v[column] for v in values]), "da")
    return shown if shown is None or isinstance(shown, str) else Typed(shown, kind.data_kind)


def number_summary(values: pd.Series) -> list:
    """N's statistics for a number question: mean, median, minimum and maximum (None without answers)."""
    numbers = values.dropna().astype(float)
    if not len(numbers):
        return [None, None, None, None]
    return [Typed(float(numbers.mean()), "mean"), Typed(float(numbers.median()), "mean"),
            int(numbers.min()), int(numbers.max())]
