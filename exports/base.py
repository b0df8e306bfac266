"""Exporters as small registered classes: an identifier, a name, and the tables they yield.

The base class owns the file formats: every exporter is written to .xlsx by the same writer, and an
exporter may name tables that also go out as CSV (too long for a sheet, or wanted in long form).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from exports.tables import Table
from exports.workbook import EXCEL_MAX_ROWS, WorkbookWriter, sheets_needed, write_csv, write_frame_csv

Progress = Callable[[int, int], None]  # (rows written, rows in all)
EXPORTERS: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    """Class decorator: make an exporter available by its identifier."""
    EXPORTERS[cls.identifier] = cls
    return cls


class Exporter(ABC):
    """Subclasses set `identifier` and `name` and implement `tables()` (and optionally `csv_tables()`)."""

    identifier = ""
    name = ""

    def __init__(self, max_rows: int = EXCEL_MAX_ROWS) -> None:
        self.max_rows = max_rows

    @abstractmethod
    def tables(self) -> Iterator[Table]:
        """The tables of the export, in sheet order."""

    def csv_tables(self) -> dict[str, Table | pd.DataFrame]:
        """Tables (or plain DataFrames) also written as CSV, keyed by a file-name suffix."""
        return {}

    def write_xlsx(self, path: str | Path, progress: Progress | None = None) -> list[str]:
        """Write the workbook; returns the sheet names in order. The file is complete or absent."""
        path = Path(path)
        tables = list(self.tables())
        total = sum(len(t) for t in tables) or 1
        done = 0

        def step(rows: int) -> None:
            nonlocal done
            done += rows
            if progress is not None:
                progress(min(done, total), total)

        partial = path.with_name(path.name + ".part")
        writer = WorkbookWriter(partial, self.max_rows)
        names: list[str] = []
        try:
            for table in tables:
                before = done
                names += writer.add_table(table, step)
                step(len(table) - (done - before))
            writer.close()
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)
        return names

    def write_csvs(self, path: str | Path) -> list[Path]:
        """Write each CSV table next to `path` as `<stem>-<suffix>.csv`; returns the files."""
        path = Path(path)
        written = []
        for suffix, table in self.csv_tables().items():
            target = path.with_name(f"{path.stem}-{suffix}.csv")
            partial = target.with_name(target.name + ".part")
            if isinstance(table, pd.DataFrame):
                write_frame_csv(partial, table)
            else:
                write_csv(partial, table.columns, table.rows)
            partial.replace(target)
            written.append(target)
        return written

    def overflow(self, table: Table) -> int:
        """How many sheets a table will take (more than one: it passed Excel's row limit)."""
        return sheets_needed(table, self.max_rows)
