"""The table model shared by the workbook writer, the CSV writer and the results pages."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Column and cell kinds; each has a number format in the workbook (see workbook.FORMATS).
KINDS = ("text", "int", "pct", "mean", "pp", "diff", "p", "date", "datetime")


class _Suppressed:
    """The marker of a cell hidden by the anonymity rule."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __bool__(self) -> bool:
        return False


SUPPRESSED = _Suppressed()


@dataclass(frozen=True)
class Typed:
    """A cell whose kind differs from its column's (e.g. a mean in a column of shares)."""

    value: Any
    kind: str


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"
    width: float | None = None


@dataclass(frozen=True)
class ChartSpec:
    """A native chart over the table: one series per row in `series_rows`, categories from `columns`."""

    title: str
    series_rows: tuple[int, ...]     # row indexes into Table.rows
    name_column: int                 # column holding the series name
    first_column: int                # the value columns, contiguous
    last_column: int
    kind: str = "percent_stacked"    # percent_stacked | clustered


@dataclass
class Table:
    """A titled table: columns, rows of plain or Typed values, notes written above it."""

    name: str
    title: str
    columns: list[Column]
    rows: Sequence[Sequence[Any]] | Iterable[Sequence[Any]]
    notes: list[str] = field(default_factory=list)
    chart: ChartSpec | None = None
    row_count: int | None = None     # known length when `rows` is a generator
    # Rows for which it returns True hold only cells the workbook writes as they are (formula-safe
    # non-empty text, None, whole numbers under `workbook.PLAIN_INT` in columns of kind "int"): they are
    # written as one row, not cell by cell. None: every row cell by cell.
    ready: Callable[[Sequence[Any]], bool] | None = None

    def __len__(self) -> int:
        if self.row_count is not None:
            return self.row_count
        return len(self.rows)  # type: ignore[arg-type]


@dataclass
class CsvRows:
    """Rows for a CSV file written as they come: each cell already what the file holds (formula-safe
    text, integers, None for empty), so a file of millions of rows is not converted cell by cell."""

    header: list[str]
    rows: Iterable[Sequence[Any]]


def cell_kind(column: Column, value: Any) -> tuple[Any, str]:
    """The value and kind of a cell, unwrapping Typed."""
    if isinstance(value, Typed):
        return value.value, value.kind
    return value, column.kind
