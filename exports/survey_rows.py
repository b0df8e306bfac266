"""The survey's response rows in published order, built chunk by chunk as they stream in.

The data sheet reads `published_rows`: one row per response with a value per variable, which the
database builds (`SurveyData.responses`) or, for answers held in memory, `wide_matrix` builds from the
long answers. The long CSV reads `published_answers`: the same responses with their long answer rows,
as the database's plain tuples straight from its cursor (`SurveyData.answer_rows`), no frame built.
Both stream in chunks ordered by wave, municipality and response (each chunk whole responses), so memory
holds one chunk, not the survey, and both publish through `_published`, so their running numbers agree.

Each shown municipality's rows are held until its group ends, and the merged hidden group's until its
wave ends; each group is published in the data's keyed shuffle (`SurveyData.row_order`), so no position
or running number follows the order of answering, and none tells which municipality a merged row came
from. Answers hidden in the rows (`survey_suppression.Disclosure.row_hidden`) become "skjult" in the data
sheet and are left out of the CSV; a wave under the threshold lists no rows.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from exports.anonymity import OTHER_GROUP_LABEL
from exports.survey_data import SurveyData, Variable
from exports.tables import SUPPRESSED
from forms.types.base import ANSWER_COLUMNS

if TYPE_CHECKING:  # pandas and numpy are imported where frames are handled
    import pandas as pd

CACHED_ANSWERS = 100_000  # at most this many answers' cells kept by `published_records`
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
    answers: list | None = None  # its long answers, when read with the values (`published_records`)


def published_rows(data: SurveyData, variables: list[Variable],
                   question_hidden: dict[str, dict[int, frozenset]]) -> Iterator[Entry]:
    """The data sheet's responses in published order, each with its values (hidden answers as "skjult")."""
    for entries, _merged in _published(data, response_chunks(data, variables), variables, question_hidden):
        yield from entries


def published_answers(data: SurveyData, question_hidden: dict[str, dict[int, frozenset]],
                      cell: Callable[[tuple], tuple] | None = None) -> Iterator[Entry]:
    """The long CSV's responses in the data sheet's order and running numbers, each entry's `values` its
    answers in the order of `SurveyData.answer_rows` (questionnaire order), each answer as (question id,
    code, number, text, date), or as `cell` makes it of that; answers hidden for the question left out."""
    hidden = {(qid, w): ms for qid, by_wave in question_hidden.items() for w, ms in by_wave.items()}

    def responses() -> Iterator[list[ResponseRow]]:
        current: list | None = None  # [response_id, wave_id, municipality_id, its answers]
        for part in data.answer_rows():
            done = []
            for rid, w, m, *answer in part:
                if current is None or current[0] != rid:
                    if current is not None:
                        done.append(current)
                    current = [rid, w, m, []]
                qid = answer[0]
                if qid is None:  # a response without answers: numbered all the same
                    continue
                if hidden:
                    out = hidden.get((qid, w))
                    if out is not None and m in out:
                        continue
                current[3].append(tuple(answer) if cell is None else cell(answer))
            if done:
                yield done
        if current is not None:
            yield [current]

    for entries, _key in _published(data, responses(), [], question_hidden):
        for entry in entries:
            entry.values = entry.values[0]
            yield entry


def published_records(data: SurveyData, variables: list[Variable], question_hidden: dict[str, dict[int, frozenset]],
                      cell: Callable[[tuple], Any] | None = None, cache: dict | None = None) -> Iterator[Entry]:
    """Both outputs from one read of the long answers: each published response once, its `values` the data
    sheet's (as `published_rows` gives them, hidden answers "skjult") and its `answers` the long CSV's (as
    `published_answers` gives them, hidden answers left out). The data sheet's values are built here from
    the long rows, as the database builds them for `published_rows`: a question's value the least of its
    answers' values in its kind's column, an option's column 1 when chosen, 0 when the question was
    answered without it, and None when it was not answered. `cache`: what `cell` made of an answer without
    text or date, kept for the next answer alike (most answers are one of a scale's few codes)."""
    hidden = {(qid, w): ms for qid, by_wave in question_hidden.items() for w, ms in by_wave.items()}
    width = len(variables)
    column_of = {name: i for i, name in enumerate(ANSWER_COLUMNS, start=1)}  # in an answer (question id first)
    dates = column_of["date_value"]
    single: dict[str, tuple[int, int]] = {}  # question id -> (its column in an answer, its position)
    multiple: dict[str, tuple[list[int], dict[int, int]]] = {}  # question id -> (positions, by option code)
    for position, (_name, question, code) in enumerate(variables):
        if code is None:
            single[question.id] = (column_of[question.question_type.column], position)
        else:
            positions, by_code = multiple.setdefault(question.id, ([], {}))
            positions.append(position)
            by_code[code] = position

    def responses() -> Iterator[list[ResponseRow]]:
        current: list | None = None  # [response_id, wave_id, municipality_id, *values, its answers]
        for part in data.answer_rows():
            done = []
            for row in part:
                rid = row[0]
                if current is None or current[0] != rid:
                    if current is not None:
                        done.append(current)
                    current = [rid, row[1], row[2], *([None] * width), []]
                    w, m = row[1], row[2]
                answer = row[3:]
                qid = answer[0]
                if qid is None:  # a response without answers: numbered all the same
                    continue
                slot = single.get(qid)
                if slot is not None:
                    value = answer[slot[0]]
                    if value is not None:
                        if slot[0] == dates and type(value) is str:  # SQLite gives a date as its ISO text
                            value = date.fromisoformat(value)
                        before = current[3 + slot[1]]
                        if before is None or value < before:
                            current[3 + slot[1]] = value
                elif qid in multiple:
                    positions, by_code = multiple[qid]
                    for position in positions:
                        if current[3 + position] is None:
                            current[3 + position] = 0
                    position = by_code.get(answer[1])
                    if position is not None:
                        current[3 + position] = 1
                if hidden:
                    out = hidden.get((qid, w))
                    if out is not None and m in out:
                        continue
                if cell is None:
                    current[-1].append(answer)
                elif cache is not None and answer[3] is None and answer[4] is None:
                    made = cache.get(answer)
                    if made is None:
                        made = cell(answer)
                        if len(cache) < CACHED_ANSWERS:
                            cache[answer] = made
                    current[-1].append(made)
                else:
                    current[-1].append(cell(answer))
            if done:
                yield done
        if current is not None:
            yield [current]

    for entries, _key in _published(data, responses(), variables, question_hidden):
        for entry in entries:
            entry.answers = entry.values.pop()
            yield entry


def response_chunks(data: SurveyData, variables: list[Variable]) -> Iterable[list[ResponseRow]]:
    """The responses with a value per variable, in chunks: from the database, or built from the long answers."""
    if data.responses is not None:
        return data.responses(variables)
    return (_wide_chunk(chunk, variables) for chunk in data.answer_chunks() if not chunk.empty)


def _published(data: SurveyData, chunks: Iterable[list[ResponseRow]], variables: list[Variable],
               question_hidden: dict[str, dict[int, frozenset]]) -> Iterator[tuple[list[Entry], tuple[int, str]]]:
    """(entries, (wave id, place)) in published order: each shown municipality's responses of a wave, then
    the wave's merged hidden group. Within a group the rows follow the data's keyed shuffle, so neither
    their place nor their running number follows the order they were answered in or their ids."""
    number = 0
    listed = _listed(data)
    positions: dict[str, list[int]] = {}
    for c, (_name, question, _code) in enumerate(variables):
        positions.setdefault(question.id, []).append(c)
    # Per (wave, municipality): shown or not, wave label, place, and the value positions hidden for it.
    seen: dict[tuple[int, int], tuple[bool, str, str, list[int]]] = {}
    held: dict[str, list[Entry]] = {}
    current: tuple[int, str] | None = None  # the shown municipality's group being held
    wave_id: int | None = None

    def group(w: int, m: int) -> tuple[bool, str, str, list[int]]:
        hidden = [c for qid, by_wave in question_hidden.items() if m in by_wave.get(w, ()) for c in positions.get(qid, ())]
        return listed(w, m), data.wave_label(w), data.municipality_label(w, m), hidden

    def release(key: tuple[int, str]) -> tuple[list[Entry], tuple[int, str]]:
        nonlocal number
        entries = held.pop(key[1], [])
        entries.sort(key=lambda entry: data.row_order(entry.response_id))
        for entry in entries:
            number += 1
            entry.number = number
        return entries, key

    for chunk in chunks:
        for rid, w, m, *values in chunk:
            if (w, m) not in seen:
                seen[(w, m)] = group(w, m)
            shown, wave, place, hidden = seen[(w, m)]
            if not shown:
                continue
            if current is not None and current != (w, place) and current[1] != OTHER_GROUP_LABEL:
                yield release(current)
            if wave_id is not None and w != wave_id and OTHER_GROUP_LABEL in held:
                yield release((wave_id, OTHER_GROUP_LABEL))
            current, wave_id = (w, place), w
            for c in hidden:
                values[c] = SUPPRESSED
            held.setdefault(place, []).append(Entry(0, rid, w, m, wave, place, values))
    if current is not None and current[1] != OTHER_GROUP_LABEL and current[1] in held:
        yield release(current)
    if wave_id is not None and OTHER_GROUP_LABEL in held:
        yield release((wave_id, OTHER_GROUP_LABEL))


def visible_count(data: SurveyData) -> int:
    """How many responses the data sheet lists (every one, or a team leader's own when not hidden)."""
    listed = _listed(data)
    return sum(n for wave_id, sizes in data.wave_sizes.items() for municipality, n in sizes.items()
               if listed(wave_id, municipality))


def _listed(data: SurveyData) -> Callable[[int, int], bool]:
    """Whether a data sheet lists a wave's responses of a municipality: all (coordinator), or the own
    municipality's where it is not hidden; none of a wave whose total is under the threshold."""
    own = data.only_municipality
    unlisted = {w for w, rule in data.wave_suppression.items() if rule.total_hidden}
    if own is None:
        return lambda w, _m: w not in unlisted
    hidden_waves = unlisted | {w for w, rule in data.wave_suppression.items() if own in rule.hidden}
    return lambda w, m: m == own and w not in hidden_waves


def visible_rows(data: SurveyData, chunk: pd.DataFrame) -> pd.DataFrame:
    """The long rows a data sheet may list (see `_listed`)."""
    own = data.only_municipality
    unlisted = [w for w, rule in data.wave_suppression.items() if rule.total_hidden]
    if own is None:
        return chunk[~chunk["wave_id"].isin(unlisted)] if unlisted else chunk
    hidden_waves = unlisted + [w for w, rule in data.wave_suppression.items() if own in rule.hidden]
    return chunk[(chunk["municipality_id"] == own) & ~chunk["wave_id"].isin(hidden_waves)]


def _wide_chunk(chunk: pd.DataFrame, variables: list[Variable]) -> list[ResponseRow]:
    """A chunk of long answers as response rows, in the chunk's order."""
    responses = chunk.drop_duplicates("response_id")
    ids = responses["response_id"].to_numpy().tolist()
    matrix = wide_matrix(chunk, ids, variables)
    return [(rid, int(w), int(m), *values) for rid, w, m, values in
            zip(ids, responses["wave_id"].tolist(), responses["municipality_id"].tolist(), matrix)]


def wide_matrix(answers: pd.DataFrame, response_ids: list[int], variables: list[Variable]) -> list[list]:
    """One list of variable values per response (codes; multiple choice as 0/1 per option), in `response_ids` order."""
    import numpy as np
    import pandas as pd

    wide = pd.DataFrame(index=pd.Index(response_ids))
    kinds = {q.id: q.question_type for _n, q, _c in variables}
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

