"""The aggregates a survey's tables are built from: counts per wave, municipality, question and option.

The database computes them with GROUP BY (app/results/service.py), so the cost of a table grows with the
number of groups, not of answers; `from_long` computes the same frames from a long answer frame in memory
(tests, and the export benchmark's generated input). Both give exactly these columns.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SIZE_COLUMNS = ["wave_id", "municipality_id", "responses"]
ANSWERED_COLUMNS = ["wave_id", "municipality_id", "question_id", "n", "number_sum", "number_count", "number_squares"]
OPTION_COLUMNS = ["wave_id", "municipality_id", "question_id", "option_code", "n"]


@dataclass(frozen=True)
class Aggregates:
    """`sizes`: submitted responses per wave and municipality; `answered`: per question the responses that
    answered it (n) and the sum, count and sum of squares of its numbers (for the mean and its spread);
    `options`: per option the responses choosing it."""

    sizes: pd.DataFrame
    answered: pd.DataFrame
    options: pd.DataFrame

    @classmethod
    def from_rows(cls, sizes, answered, options) -> Aggregates:
        """From the rows of the three GROUP BY queries, in the column order above."""
        frames = (pd.DataFrame(list(sizes), columns=SIZE_COLUMNS),
                  pd.DataFrame(list(answered), columns=ANSWERED_COLUMNS),
                  pd.DataFrame(list(options), columns=OPTION_COLUMNS))
        return cls(*(_typed(f) for f in frames))

    @classmethod
    def from_long(cls, answers: pd.DataFrame) -> Aggregates:
        """The same figures from a long answer frame (one row per answer value)."""
        keys = ["wave_id", "municipality_id"]
        sizes = answers.groupby(keys)["response_id"].nunique().rename("responses").reset_index()
        given = answers[answers["question_id"].notna()].assign(squares=lambda f: f["number"] ** 2)
        answered = (given.groupby([*keys, "question_id"])
                    .agg(n=("response_id", "nunique"), number_sum=("number", "sum"),
                         number_count=("number", "count"), number_squares=("squares", "sum")).reset_index())
        coded = given[given["option_code"].notna()]
        options = (coded.groupby([*keys, "question_id", "option_code"])["response_id"].nunique()
                   .rename("n").reset_index())
        return cls(_typed(sizes[SIZE_COLUMNS]), _typed(answered[ANSWERED_COLUMNS]), _typed(options[OPTION_COLUMNS]))

    def per_question(self) -> dict[str, tuple[list[tuple], list[tuple]]]:
        """Per question, its rows as plain tuples: answered (wave, municipality, question, n, number_sum,
        number_count, number_squares) and options (wave, municipality, question, option_code, n)."""
        result: dict[str, tuple[list[tuple], list[tuple]]] = {}
        for row in _rows(self.answered):
            result.setdefault(row[2], ([], []))[0].append(row)
        for row in _rows(self.options):
            result.setdefault(row[2], ([], []))[1].append(row)
        return result


def _rows(frame: pd.DataFrame):
    """The frame's rows as plain tuples of Python values (column by column: faster than itertuples)."""
    return zip(*(frame[column].tolist() for column in frame.columns))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("wave_id", "municipality_id", "responses", "n", "option_code", "number_count"):
        if column in frame:
            frame[column] = frame[column].astype("int64")
    for column in ("number_sum", "number_squares"):
        if column in frame:
            frame[column] = frame[column].astype("float64")
    return frame
