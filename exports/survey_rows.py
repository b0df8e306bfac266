"""The survey's response rows, built chunk by chunk from the answers as they stream in, in published order.

The data sheet and the long CSV both read `published_batches`: one pass over chunks of the long answer
frame (ordered by wave, municipality and response; each chunk holds whole responses), so memory holds one
chunk, not the survey. Visible municipalities keep their order; the rows of the merged hidden group of a
wave are held back and published at the wave's end sorted by their answers, so no position or running
number tells which municipality a row came from. Answers to a question hidden for a municipality become
"skjult" in the data sheet and are left out of the CSV.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exports.anonymity import OTHER_GROUP_LABEL
from exports.survey_data import SurveyData
from exports.tables import SUPPRESSED
from forms import Question
from forms.types.base import ANSWER_COLUMNS

Variable = tuple[str, Question, int | None]


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


def published_batches(data: SurveyData, variables: list[Variable],
                      question_hidden: dict[str, dict[int, frozenset]]) -> Iterator[Batch]:
    """The visible responses in published order, a batch per chunk (and one per wave's merged group)."""
    number = 0
    held: list[tuple[Entry, pd.DataFrame]] = []
    held_wave: int | None = None
    positions: dict[str, list[int]] = {}
    for c, (_name, question, _code) in enumerate(variables):
        positions.setdefault(question.id, []).append(c)

    def release() -> Batch | None:
        nonlocal number
        if not held:
            return None
        held.sort(key=lambda item: _content_key(item[0].values))
        entries = []
        for entry, _rows in held:
            number += 1
            entry.number = number
            entries.append(entry)
        batch = Batch(entries, pd.concat([rows for _e, rows in held]))
        held.clear()
        return batch

    for chunk in data.answer_chunks():
        chunk = visible_rows(data, chunk)
        if chunk.empty:
            continue
        responses = chunk.drop_duplicates("response_id")[["response_id", "wave_id", "municipality_id"]]
        ids = responses["response_id"].to_numpy().tolist()
        matrix = wide_matrix(chunk, ids, variables)
        answers = _without_hidden(chunk[chunk["question_id"].notna()], question_hidden)
        by_response = answers.groupby("response_id").indices if len(answers) else {}
        visible: list[Entry] = []
        for i, (rid, w, m) in enumerate(zip(ids, responses["wave_id"].tolist(), responses["municipality_id"].tolist())):
            w, m = int(w), int(m)
            if held_wave is not None and w != held_wave:
                if visible:
                    yield Batch(visible, answers[answers["response_id"].isin([e.response_id for e in visible])])
                    visible = []
                batch = release()
                if batch is not None:
                    yield batch
            held_wave = w
            values = matrix[i]
            for qid, by_wave in question_hidden.items():
                if m in by_wave.get(w, ()):
                    for c in positions.get(qid, ()):
                        values[c] = SUPPRESSED
            place = data.municipality_label(w, m)
            entry = Entry(0, int(rid), w, m, data.wave_label(w), place, values)
            if place == OTHER_GROUP_LABEL:
                rows = answers.iloc[by_response[rid]] if rid in by_response else answers.iloc[0:0]
                held.append((entry, rows))
            else:
                number += 1
                entry.number = number
                visible.append(entry)
        if visible:
            yield Batch(visible, answers[answers["response_id"].isin([e.response_id for e in visible])])
    batch = release()
    if batch is not None:
        yield batch


def visible_count(data: SurveyData) -> int:
    """How many responses the data sheet lists (every one, or a team leader's own when not hidden)."""
    total = 0
    for wave_id, sizes in data.wave_sizes.items():
        rule = data.wave_suppression[wave_id]
        for municipality, n in sizes.items():
            if data.only_municipality is None:
                total += n
            elif municipality == data.only_municipality and not rule.total_hidden and municipality not in rule.hidden:
                total += n
    return total


def visible_rows(data: SurveyData, chunk: pd.DataFrame) -> pd.DataFrame:
    """The rows a data sheet may list: all (coordinator), or the own municipality's where it is not hidden."""
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
