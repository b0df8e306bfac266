"""The input of a survey export: waves, questions and the long DataFrame of answers, plus the group sizes."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from exports import comparability
from exports.aggregates import Aggregates
from exports.anonymity import OTHER_GROUP_LABEL, Suppression, suppress
from exports.cells import is_missing
from exports.localtime import local_time
from forms import Question

if TYPE_CHECKING:  # pandas is imported where a frame is made
    import pandas as pd

# One row per answer value; a response without answers has one row with question_id missing.
LONG_COLUMNS = ["response_id", "wave_id", "municipality_id", "question_id", "option_code", "number", "text",
                "date_value"]
NETWORK = None  # the group key of the network total
# A data-sheet column: (name, question, option code when multiple choice has a column per option).
Variable = tuple[str, Question, int | None]
NETWORK_LABEL = "Netværket i alt"


@dataclass(frozen=True)
class WaveInfo:
    """A wave as the export sees it: label, dates, and its version's question fingerprints and wordings."""

    id: int
    label: str
    opens_at: datetime
    closes_at: datetime
    version: int
    fingerprints: Mapping[str, str]
    wordings: Mapping[str, str]
    label_en: str | None = None  # the label on English pages and documents, where one was given
    closed: bool = True  # False while the wave still takes answers (its figures may still change)

    def label_in(self, lang: str) -> str:
        return (self.label_en or self.label) if lang == "en" else self.label


@dataclass
class SurveyData:
    """Everything a survey export needs, already queried. `only_municipality` limits the breakdowns."""

    title: str
    slug: str
    questions: list[Question]
    waves: list[WaveInfo]
    municipalities: dict[int, str]
    answers: pd.DataFrame | None = None
    invited: pd.DataFrame = field(default_factory=lambda: _frame(columns=["wave_id", "municipality_id", "invited"]))
    threshold: int = 5
    only_municipality: int | None = None
    timezone: str = "Europe/Copenhagen"
    # The figures of the tables; computed from `answers` when the database did not give them.
    aggregates: Aggregates | None = None
    # The long answers in chunks of whole responses, ordered by wave, municipality and response (the
    # database streams them); without it, `answers` is the one chunk.
    chunks: Callable[[], Iterable[pd.DataFrame]] | None = None
    # The long answers as the database gives them: plain tuples in LONG_COLUMNS order, in lists (a response
    # may go on in the next list), ordered like `answer_rows` says; the long CSV reads them without any
    # frame. Without it, they are read out of `answer_chunks`.
    rows: Callable[[], Iterable[list[tuple]]] | None = None
    # The responses as rows (response_id, wave_id, municipality_id, a value per variable), in chunks in the
    # chunks' order, built by the database; without it, `wide_matrix` builds them from the answer chunks.
    responses: Callable[[list[Variable]], Iterable[list[Sequence]]] | None = None
    # The long rows of the listed (free-text, date) questions, by question ids; without it, from `answers`.
    listed: Callable[[list[str]], pd.DataFrame] | None = None
    title_en: str | None = None  # the questionnaire's English title, when it has one
    # The key of the rows' shuffle (`row_order`): secret, so that nobody can relate a row's place to its
    # response id, and through that to when it was answered. The app derives it from SECRET_KEY.
    row_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def __post_init__(self) -> None:
        if self.answers is None:
            import pandas as pd

            self.answers = pd.DataFrame({c: pd.Series(dtype="int64" if c.endswith("_id") and c != "question_id"
                                                      else object) for c in LONG_COLUMNS})
        if self.aggregates is None:
            self.aggregates = Aggregates.from_long(self.answers)

    def answer_chunks(self) -> Iterable[pd.DataFrame]:
        """The long answers chunk by chunk, each chunk whole responses, in wave, municipality, response order."""
        if self.chunks is not None:
            return self.chunks()
        ordered = self.answers.sort_values(["wave_id", "municipality_id", "response_id"], kind="stable")
        return [ordered]

    def answer_rows(self) -> Iterable[list[tuple]]:
        """The long answers as plain tuples (LONG_COLUMNS order; missing values None, codes and numbers
        int), in lists, ordered by wave, municipality and response like `answer_chunks`, and a response's
        answers in questionnaire order (questions it does not ask last), then by code, none last."""
        if self.rows is not None:
            return self.rows()
        position = {q.id: i for i, q in enumerate(self.questions)}
        unknown = len(position)

        def ordered(rows: list[tuple]) -> list[tuple]:  # stable: whole responses keep their chunk's order
            at = {rid: i for i, rid in enumerate(dict.fromkeys(row[0] for row in rows))}
            return sorted(rows, key=lambda r: (at[r[0]], position.get(r[3], unknown), r[4] is None, r[4] or 0))

        return (ordered(_plain_rows(chunk)) for chunk in self.answer_chunks())

    def row_order(self, response_id: int) -> bytes:
        """A response's place in the row-level outputs: a keyed hash of its id, unrelated to time or answers."""
        return hashlib.blake2b(int(response_id).to_bytes(8, "big", signed=True), key=self.row_key,
                               digest_size=8).digest()

    def listed_answers(self, question_ids: list[str]) -> pd.DataFrame:
        """The answers of these (listed) questions."""
        if self.listed is not None:
            return self.listed(question_ids)
        return self.answers[self.answers["question_id"].isin(question_ids)]

    @cached_property
    def wave_sizes(self) -> dict[int, dict[int, int]]:
        """Respondents per wave and municipality."""
        sizes: dict[int, dict[int, int]] = {w.id: {} for w in self.waves}
        for wave_id, municipality_id, n in self.aggregates.sizes.itertuples(index=False):
            sizes.setdefault(int(wave_id), {})[int(municipality_id)] = int(n)
        return sizes

    @cached_property
    def wave_suppression(self) -> dict[int, Suppression]:
        """The anonymity rule per wave on the respondents of each municipality."""
        return {w: suppress(sizes, self.threshold) for w, sizes in self.wave_sizes.items()}

    @cached_property
    def groups(self) -> list[int | None]:
        """The network total first, then each municipality shown (a team leader sees only their own)."""
        present = {m for sizes in self.wave_sizes.values() for m in sizes}
        if not self.invited.empty:
            present |= {int(m) for m in self.invited["municipality_id"]}
        shown = [m for m in self.municipalities if m in present]
        if self.only_municipality is not None:
            shown = [m for m in shown if m == self.only_municipality]
        return [NETWORK, *shown]

    def group_label(self, group: int | None) -> str:
        return NETWORK_LABEL if group is NETWORK else self.municipalities.get(group, str(group))

    def municipality_label(self, wave_id: int, municipality_id: int) -> str:
        """The municipality as the data sheets show it: hidden groups become one "others" group."""
        supp = self.wave_suppression.get(wave_id)
        if supp is not None and (supp.total_hidden or municipality_id in supp.hidden):
            return OTHER_GROUP_LABEL
        return self.municipalities.get(municipality_id, str(municipality_id))

    def number_of(self, question_id: str) -> int:
        """The question's number as the tables and sheet names show it (its place in the questionnaire)."""
        return self._numbers.get(question_id, 0)

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {q.id: i for i, q in enumerate(self.questions, start=1)}

    def wave_label(self, wave_id: int) -> str:
        return next((w.label for w in self.waves if w.id == wave_id), str(wave_id))

    def comparable(self, question_id: str, before: WaveInfo, after: WaveInfo) -> bool:
        """True when both waves asked the question with the same fingerprint (wording, type, scale)."""
        return comparability.comparable(question_id, before, after)

    def local(self, moment: datetime) -> datetime:
        """A UTC moment as the naive local time a spreadsheet shows."""
        return local_time(moment, self.timezone)


def _frame(**kwargs) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(**kwargs)


def _plain_rows(chunk: pd.DataFrame) -> list[tuple]:
    """A frame of long answers as the database's plain tuples."""
    def plain(value):
        if is_missing(value):
            return None
        if isinstance(value, float):
            return int(value)
        return value.item() if hasattr(value, "item") else value

    columns = [chunk[name].tolist() for name in LONG_COLUMNS]
    return [(int(rid), int(w), int(m), *map(plain, rest)) for rid, w, m, *rest in zip(*columns)]
