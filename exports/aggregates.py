"""The aggregates a survey's tables are built from: counts per wave, municipality, question and option.

The database computes them with GROUP BY (app/results/service.py), so the cost of a table grows with the
number of groups, not of answers; `from_long` computes the same frames from a long answer frame in memory
(tests, and the export benchmark's generated input). Both give exactly these columns.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a frame is made
    import pandas as pd

SIZE_COLUMNS = ["wave_id", "municipality_id", "responses"]
ANSWERED_COLUMNS = ["wave_id", "municipality_id", "question_id", "n", "number_sum", "number_count", "number_squares"]
OPTION_COLUMNS = ["wave_id", "municipality_id", "question_id", "option_code", "n"]


class Aggregates:
    """`sizes`: submitted responses per wave and municipality; `answered`: per question the responses that
    answered it (n) and the sum, count and sum of squares of its numbers (for the mean and its spread);
    `options`: per option the responses choosing it.

    Built from the database's rows, the frames are made only when asked for: the results page reads the
    rows per question (`per_question`) and needs no frame of them."""

    def __init__(self, sizes: pd.DataFrame, answered: pd.DataFrame, options: pd.DataFrame) -> None:
        self._frames = {"sizes": sizes, "answered": answered, "options": options}
        self._rows: tuple[list, list, list] | None = None

    @property
    def sizes(self) -> pd.DataFrame:
        return self._frame("sizes", 0, SIZE_COLUMNS)

    @property
    def answered(self) -> pd.DataFrame:
        return self._frame("answered", 1, ANSWERED_COLUMNS)

    @property
    def options(self) -> pd.DataFrame:
        return self._frame("options", 2, OPTION_COLUMNS)

    def _frame(self, name: str, index: int, columns: list[str]) -> pd.DataFrame:
        if name not in self._frames:
            import pandas as pd

            self._frames[name] = _typed(pd.DataFrame(self._rows[index], columns=columns))
        return self._frames[name]

    @classmethod
    def from_rows(cls, sizes, answered, options) -> Aggregates:
        """From the rows of the three GROUP BY queries, in the column order above."""
        built = cls.__new__(cls)
        built._frames = {}
        built._rows = (list(sizes), list(answered), list(options))
        return built

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
        if self._rows is not None:  # the database's rows, typed as the frames would give them
            answered = ((w, m, q, int(n), float(total), int(count), float(squares))
                        for w, m, q, n, total, count, squares in self._rows[1])
            options = ((w, m, q, int(code), int(n)) for w, m, q, code, n in self._rows[2])
        else:
            answered, options = _rows(self.answered), _rows(self.options)
        for row in answered:
            result.setdefault(row[2], ([], []))[0].append(row)
        for row in options:
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
