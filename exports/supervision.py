"""The supervision workbook: per question, option counts and shares per round and municipality, and the records."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd

from exports.base import Exporter, register
from exports.survey_data import NETWORK, NETWORK_LABEL
from exports.tables import Column, Table, Typed
from exports.workbook import SheetNames
from forms import Question
from forms.types.base import ANSWER_COLUMNS, Tabulation

# One row per answer value of a submitted record; a record without answers has question_id missing.
SUPERVISION_COLUMNS = ["response_id", "round_id", "municipality_id", "case_reference", "question_id",
                       "option_code", "number", "text", "date_value"]


@dataclass(frozen=True)
class RoundInfo:
    id: int
    label: str
    period_start: date
    period_end: date


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
        self.records = frame.drop_duplicates("response_id")
        present = set(int(m) for m in self.records["municipality_id"])
        self.groups = [NETWORK] + [m for m in data.municipalities if m in present
                                   and (data.only_municipality is None or m == data.only_municipality)]

    def tables(self) -> Iterator[Table]:
        names = SheetNames()
        names.make("Oversigt")
        names.make("Sager")
        yield self.overview_table()
        for question in self.data.questions:
            if question.kind.tabulated:
                yield self.question_table(question, names.make(question.id))
        if self.data.include_records:
            yield self.records_table()

    def _label(self, group: int | None) -> str:
        return NETWORK_LABEL if group is NETWORK else self.data.municipalities.get(group, str(group))

    def _subset(self, frame: pd.DataFrame, round_id: int, group: int | None) -> pd.DataFrame:
        rows = frame[frame["round_id"] == round_id]
        return rows if group is NETWORK else rows[rows["municipality_id"] == group]

    def overview_table(self) -> Table:
        rows = []
        for round_ in self.data.rounds:
            for group in [*self.groups[1:], NETWORK]:
                cases = self._subset(self.records, round_.id, group)
                rows.append([round_.label, round_.period_start, round_.period_end, self._label(group), len(cases)])
        columns = [Column("Runde", "text", 18), Column("Periode fra", "date", 12), Column("Periode til", "date", 12),
                   Column("Kommune", "text", 22), Column("Gennemgåede sager", "int", 12)]
        notes = [f"Tilsynsskema: {self.data.slug}."]
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
            columns.append(Column("Gennemsnit", "mean"))
        answers = self.records.iloc[0:0] if question.id not in set(self.own["question_id"].dropna()) else \
            self.data.answers[self.data.answers["question_id"] == question.id]
        rows = []
        for round_ in self.data.rounds:
            for group in self.groups:
                cases = len(self._subset(self.records, round_.id, group))
                subset = self._subset(answers, round_.id, group)
                n = int(subset["response_id"].nunique())
                row = [round_.label, self._label(group), cases, n]
                for option in options:
                    count = int(subset.loc[subset["option_code"] == option.code, "response_id"].nunique())
                    row += [count, count / n if n else None]
                if numeric:
                    values = subset["number"].dropna().astype(float)
                    row.append(Typed(float(values.mean()), "mean") if len(values) else None)
                rows.append(row)
        notes = [f"Spørgsmål ({question.id}): {question.text.da}",
                 "Andel = antal / N (sager, hvor spørgsmålet er besvaret)."]
        if question.condition is not None:
            notes.append(f"Stilles kun, når {question.condition.question} er besvaret med "
                         + ", ".join(str(c) for c in sorted(question.condition.codes)) + ".")
        return Table(sheet_name, question.text.da, columns, rows, notes)

    def records_table(self) -> Table:
        """The reviewed cases with their answers (for coordinators): option labels, numbers, text."""
        frame = self.data.answers
        records = self.records.sort_values(["round_id", "municipality_id", "case_reference"])
        by_response: dict[int, dict[str, list]] = {}
        for r, q, c, n, t, d in frame[["response_id", "question_id", "option_code", "number", "text",
                                       "date_value"]].itertuples(index=False):
            if q is None or q != q:
                continue
            by_response.setdefault(int(r), {}).setdefault(q, []).append((c, n, t, d))
        questions = self.data.questions
        rounds = {r.id: r.label for r in self.data.rounds}
        rows = []
        for r, round_id, m, case in records[["response_id", "round_id", "municipality_id",
                                             "case_reference"]].itertuples(index=False):
            answers = by_response.get(int(r), {})
            rows.append([rounds.get(int(round_id), ""), self._label(int(m)), case,
                         *[_shown(q, answers.get(q.id, [])) for q in questions]])
        columns = [Column("Runde", "text", 16), Column("Kommune", "text", 18), Column("Sagsreference", "text", 18)]
        columns += [Column(q.id, "text", 24) for q in questions]
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
