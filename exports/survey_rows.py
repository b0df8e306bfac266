"""The survey's response rows in published order, built chunk by chunk as they stream in.

The data sheet reads `published_rows`: one row per response with a value per variable, which the
database builds (`SurveyData.responses`) or, for answers held in memory, `wide_matrix` builds from the
long answers. The long CSV reads `published_batches`: the same responses with their long answer rows.
Both stream in chunks ordered by wave, municipality and response (each chunk whole responses), so memory
holds one chunk, not the survey, and both publish through `_published`, so their running numbers agree.

Visible municipalities keep their order; the rows of the merged hidden group of a wave are held back and
published at the wave's end sorted by their answers, so no position or running number tells which
municipality a row came from. Answers to a question hidden for a municipality become "skjult" in the data
sheet and are left out of the CSV.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exports.anonymity import OTHER_GROUP_LABEL
from exports.survey_data import SurveyData, Variable
from exports.tables import SUPPRESSED
from forms.types.base import ANSWER_COLUMNS

# A response as a chunk holds it: (response_id, wave_id, municipality_id, a value per variable...).
ResponseRow = Sequence


@dataclass
class Entry:
    """One published response: its running number, wave and municipality as shown, and its variables."""

    number: int
    response_id: int
    wave_id: int
    municipality_id: int
    wave: str
    place: str
    values: list


@dataclass
class Batch:
    entries: list[Entry]
    answers: pd.DataFrame  # the long rows of these responses (answers hidden for the question left out)


def published_rows(data: SurveyData, variables: list[Variable],
                   question_hidden: dict[str, dict[int, frozenset]]) -> Iterator[Entry]:
    """The data sheet's responses in published order, each with its values (hidden answers as "skjult")."""
    for entries, _merged in _published(data, response_chunks(data, variables), variables, question_hidden):
        yield from entries


def published_batches(data: SurveyData, variables: list[Variable],
                      question_hidden: dict[str, dict[int, frozenset]]) -> Iterator[Batch]:
    """The same responses in the same order with their long answer rows, a batch per chunk (and one per
    wave's merged group)."""
    held_rows: dict[int, pd.DataFrame] = {}
    current: list[pd.DataFrame] = []

    def chunks() -> Iterator[list[ResponseRow]]:
        for chunk in data.answer_chunks():
            chunk = visible_rows(data, chunk)
            if chunk.empty:
                continue
            rows = _csv_chunk(data, chunk, variables)
            answers = _without_hidden(chunk[chunk["question_id"].notna()], question_hidden)
            by_response = answers.groupby("response_id").indices if len(answers) else {}
            for rid, w, m, *_values in rows:
                if data.municipality_label(w, m) == OTHER_GROUP_LABEL:
                    held_rows[rid] = answers.iloc[by_response[rid]] if rid in by_response else answers.iloc[0:0]
            current[:] = [answers]
            yield rows

    for entries, merged in _published(data, chunks(), variables, question_hidden):
        if merged:
            answers = pd.concat([held_rows.pop(e.response_id) for e in entries])
        else:
            answers = current[0][current[0]["response_id"].isin([e.response_id for e in entries])]
        yield Batch(entries, answers)


def response_chunks(data: SurveyData, variables: list[Variable]) -> Iterable[list[ResponseRow]]:
    """The responses with a value per variable, in chunks: from the database, or built from the long answers."""
    if data.responses is not None:
        return data.responses(variables)
    return (_wide_chunk(chunk, variables) for chunk in data.answer_chunks() if not chunk.empty)


def _published(data: SurveyData, chunks: Iterable[list[ResponseRow]], variables: list[Variable],
               question_hidden: dict[str, dict[int, frozenset]]) -> Iterator[tuple[list[Entry], bool]]:
    """(entries, merged) in published order: a run of shown municipalities' responses per chunk and wave,
    and each wave's merged hidden group, sorted by its answers, at the wave's end (merged=True)."""
    number = 0
    held: list[Entry] = []
    held_wave: int | None = None
    listed = _listed(data)
    positions: dict[str, list[int]] = {}
    for c, (_name, question, _code) in enumerate(variables):
        positions.setdefault(question.id, []).append(c)
    # Per (wave, municipality): shown or not, wave label, place, and the value positions hidden for it.
    seen: dict[tuple[int, int], tuple[bool, str, str, list[int]]] = {}

    def group(w: int, m: int) -> tuple[bool, str, str, list[int]]:
        hidden = [c for qid, by_wave in question_hidden.items() if m in by_wave.get(w, ()) for c in positions.get(qid, ())]
        return listed(w, m), data.wave_label(w), data.municipality_label(w, m), hidden

    def release() -> list[Entry]:
        nonlocal number
        held.sort(key=lambda entry: _content_key(entry.values))
        entries = list(held)
        for entry in entries:
            number += 1
            entry.number = number
        held.clear()
        return entries

    for chunk in chunks:
        visible: list[Entry] = []
        for rid, w, m, *values in chunk:
            key = (w, m)
            if key not in seen:
                seen[key] = group(w, m)
            shown, wave, place, hidden = seen[key]
            if not shown:
                continue
            if held_wave is not None and w != held_wave:
                if visible:
                    yield visible, False
                    visible = []
                if held:
                    yield release(), True
            held_wave = w
            for c in hidden:
                values[c] = SUPPRESSED
            entry = Entry(0, rid, w, m, wave, place, values)
            if place == OTHER_GROUP_LABEL:
                held.append(entry)
            else:
                number += 1
                entry.number = number
                visible.append(entry)
        if visible:
            yield visible, False
    if held:
        yield release(), True


def visible_count(data: SurveyData) -> int:
    """How many responses the data sheet lists (every one, or a team leader's own when not hidden)."""
    listed = _listed(data)
    return sum(n for wave_id, sizes in data.wave_sizes.items() for municipality, n in sizes.items()
               if listed(wave_id, municipality))


def _listed(data: SurveyData) -> Callable[[int, int], bool]:
    """Whether a data sheet lists a wave's responses of a municipality: all (coordinator), or the own
    municipality's where it is not hidden."""
    own = data.only_municipality
    if own is None:
        return lambda _w, _m: True
    hidden_waves = {w for w, rule in data.wave_suppression.items() if rule.total_hidden or own in rule.hidden}
    return lambda w, m: m == own and w not in hidden_waves


def visible_rows(data: SurveyData, chunk: pd.DataFrame) -> pd.DataFrame:
    """The long rows a data sheet may list (see `_listed`)."""
    own = data.only_municipality
    if own is None:
        return chunk
    hidden_waves = [w for w, rule in data.wave_suppression.items() if rule.total_hidden or own in rule.hidden]
    return chunk[(chunk["municipality_id"] == own) & ~chunk["wave_id"].isin(hidden_waves)]


def _without_hidden(answers: pd.DataFrame, question_hidden: dict[str, dict[int, frozenset]]) -> pd.DataFrame:
    keep = np.ones(len(answers), dtype=bool)
    for qid, by_wave in question_hidden.items():
        for wave_id, municipalities in by_wave.items():
            keep &= ~((answers["question_id"] == qid) & (answers["wave_id"] == wave_id)
                      & answers["municipality_id"].isin(list(municipalities))).to_numpy()
    return answers if keep.all() else answers[keep]


def _csv_chunk(data: SurveyData, chunk: pd.DataFrame, variables: list[Variable]) -> list[ResponseRow]:
    """A chunk's response rows as the long CSV needs them: the values (for the order of a merged hidden group)
    only for the responses of that group; the others keep their place and need none."""
    responses = chunk.drop_duplicates("response_id")
    keys = list(zip(responses["response_id"].tolist(), responses["wave_id"].tolist(),
                    responses["municipality_id"].tolist()))
    merged = {rid for rid, w, m in keys if data.municipality_label(w, m) == OTHER_GROUP_LABEL}
    values = {}
    if merged:
        held = [rid for rid, _w, _m in keys if rid in merged]
        values = dict(zip(held, wide_matrix(chunk[chunk["response_id"].isin(held)], held, variables)))
    blank = [None] * len(variables)
    return [(rid, int(w), int(m), *values.get(rid, blank)) for rid, w, m in keys]


def _wide_chunk(chunk: pd.DataFrame, variables: list[Variable]) -> list[ResponseRow]:
    """A chunk of long answers as response rows, in the chunk's order."""
    responses = chunk.drop_duplicates("response_id")
    ids = responses["response_id"].to_numpy().tolist()
    matrix = wide_matrix(chunk, ids, variables)
    return [(rid, int(w), int(m), *values) for rid, w, m, values in
            zip(ids, responses["wave_id"].tolist(), responses["municipality_id"].tolist(), matrix)]


def wide_matrix(answers: pd.DataFrame, response_ids: list[int], variables: list[Variable]) -> list[list]:
    """One list of variable values per response (codes; multiple choice as 0/1 per option), in `response_ids` order."""
    wide = pd.DataFrame(index=pd.Index(response_ids))
    kinds = {q.id: q.kind for _n, q, _c in variables}
    answers = answers[answers["question_id"].notna()]
    parts = []
    for column in ANSWER_COLUMNS:
        ids = [qid for qid, kind in kinds.items() if kind.column == column and not kind.multiple]
        rows = answers[answers["question_id"].isin(ids)]
        parts.append(rows.drop_duplicates(["response_id", "question_id"])
                     .pivot(index="response_id", columns="question_id", values=column))
    multiple = answers[answers["question_id"].isin([qid for qid, kind in kinds.items() if kind.multiple])]
    answered: dict[str, pd.Index] = {}
    if len(multiple):
        chosen = multiple.assign(var=multiple["question_id"] + "_"
                                 + multiple["option_code"].astype("Int64").astype(str), one=1)
        parts.append(chosen.pivot_table(index="response_id", columns="var", values="one", aggfunc="max"))
        answered = {qid: pd.Index(rows["response_id"].unique()) for qid, rows in multiple.groupby("question_id")}
    parts = [p for p in parts if len(p.columns)]
    if parts:
        wide = wide.join(parts, how="left")
    for name, question, code in variables:
        if name not in wide.columns:
            wide[name] = np.nan
        if code is not None and question.id in answered:
            # Answered the question but did not choose this option: 0, not missing.
            unchosen = wide.index.isin(answered[question.id]) & wide[name].isna().to_numpy()
            wide.loc[unchosen, name] = 0
    wide = wide[[name for name, _q, _c in variables]]
    return wide.astype(object).where(wide.notna(), None).to_numpy().tolist()


def _content_key(values: list) -> tuple:
    """A sort key from a row's answers alone (None first, then numbers, then text and hidden cells)."""
    return tuple((0, 0, "") if v is None else (1, v, "") if isinstance(v, (int, float)) else (2, 0, str(v))
                 for v in values)
