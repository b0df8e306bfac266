"""Exporters as small registered classes: an identifier, a label, what they export, and the tables they yield.

`EXPORTERS` is the one list of them: `flask export`, export jobs and the results page's download buttons
are all built from it. The base class owns the file formats: `file_kinds[0]` is the kind of the main
file, which `write()` writes (here the .xlsx workbook, by the same writer for every exporter; a document
exporter, `exports/documents/`, writes a .docx instead), and an exporter may name tables that also go
out as CSV (too long for a sheet, or wanted in long form). A new workbook is one exporter module: here
(imported in `exports/__init__.py`) over one of the app's data sources, or anywhere in the app with its
own `query`; its options are declared on it (`ExportOption`).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from exports.files import written_in_place
from exports.tables import CsvRows, Table
from exports.workbook import EXCEL_MAX_ROWS, WorkbookWriter, sheets_needed, write_csv, write_rows_csv
from forms import Text

Progress = Callable[[int, int], None]  # (rows written, rows in all)
EXPORTERS: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    """Class decorator: make an exporter available by its identifier.

    An identifier already taken by another exporter is refused at import, naming both modules."""
    taken = EXPORTERS.get(cls.identifier)
    if taken is not None and _origin(taken) != _origin(cls):
        raise ValueError(f"exporter {cls.identifier!r} of {_origin(cls)} is already registered by "
                         f"{_origin(taken)}")
    EXPORTERS[cls.identifier] = cls
    return cls


def unregister(identifier: str) -> None:
    """Remove a registered exporter (for an exporter registered by a test)."""
    EXPORTERS.pop(identifier, None)


def _origin(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def exporters_for(questionnaire_kind: str | None) -> list[type[Exporter]]:
    """The exporters of one kind of questionnaire ("survey", "supervision"), or of none (None)."""
    return [cls for cls in EXPORTERS.values() if cls.questionnaire_kind == questionnaire_kind]


@dataclass(frozen=True)
class ExportOption:
    """One choice an exporter offers, declared once on the exporter: `flask export` makes its option
    from it and the results page its field, so a new exporter never edits either.

    `name` is the field of the app's export request it fills: "selected" (ids of what `of` names:
    "waves" or "rounds"), "records" (a flag) or "language" (one of `choices`, the first the default).
    """

    name: str
    help: str
    of: str = ""
    choices: tuple[str, ...] = ()
    default: bool | str | None = None


def selection(of: str) -> ExportOption:
    """Some of the questionnaire's waves or rounds (default: all of them)."""
    return ExportOption("selected", f"{of.capitalize()[:-1]} ids (repeat or comma-separate); default all {of}.",
                        of=of)


def records() -> ExportOption:
    """The individual records with their answers (never for a single municipality)."""
    return ExportOption("records", "Include the reviewed cases with their answers.", default=True)


def language_choice(*choices: str) -> ExportOption:
    """The document's language: the constructor takes `language`."""
    return ExportOption("language", "The document's language (English where the questionnaire has English "
                                    "texts).", choices=choices, default=choices[0])


class Exporter(ABC):
    """Subclasses set the class attributes and implement `tables()` (and optionally `csv_tables()`).

    The attributes say what the command line, the jobs and the results page offer: `questionnaire_kind`
    names the kind of questionnaire exported (one questionnaire is chosen), `source` the app's query its
    data comes from ("survey", "supervision", "schemes"; an exporter living in the app may define a
    `query(request)` static method instead), `options` the choices it offers (`selection`, `records`,
    `language_choice` above), and `csv_suffixes` the CSV files written beside the workbook. `selects`,
    `offers_records` and `languages` are read from `options` when the class is made.
    """

    identifier: ClassVar[str] = ""
    name: ClassVar[str] = ""  # the workbook's Danish title
    label: ClassVar[Text] = Text("Excel-fil", "Excel file")  # what a download button offers
    subject: ClassVar[Text | None] = None  # what it holds, for a button not under a questionnaire
    help: ClassVar[str] = ""  # one line for `flask export --help`
    questionnaire_kind: ClassVar[str | None] = None
    source: ClassVar[str | None] = None
    options: ClassVar[tuple[ExportOption, ...]] = ()
    csv_suffixes: ClassVar[tuple[str, ...]] = ()
    file_kinds: ClassVar[tuple[str, ...]] = ("xlsx",)  # the main file's kind first, then the files beside it
    parts: ClassVar[str] = "sheets"  # what `write()` returns the names of
    command: ClassVar[tuple[str, ...]] = ()  # the `flask export` command's path; () means (identifier,)
    # read from `options` (never set by hand)
    selects: ClassVar[str | None] = None
    offers_records: ClassVar[bool] = False
    languages: ClassVar[tuple[str, ...]] = ("da",)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        chosen = {option.name: option for option in cls.options}
        unknown = set(chosen) - {"selected", "records", "language"}
        if unknown:
            raise TypeError(f"{cls.__module__}.{cls.__qualname__}: unknown export options {sorted(unknown)}")
        cls.selects = chosen["selected"].of if "selected" in chosen else None
        cls.offers_records = "records" in chosen
        cls.languages = chosen["language"].choices if "language" in chosen else ("da",)

    @classmethod
    def option(cls, name: str) -> ExportOption | None:
        """The declared option called `name`, or None when the exporter does not offer it."""
        return next((option for option in cls.options if option.name == name), None)

    @classmethod
    def suffix(cls) -> str:
        """The main file's extension ("xlsx", "docx")."""
        return cls.file_kinds[0]

    def __init__(self, max_rows: int = EXCEL_MAX_ROWS) -> None:
        self.max_rows = max_rows

    @abstractmethod
    def tables(self) -> Iterator[Table]:
        """The tables of the export, in sheet order."""

    def csv_tables(self) -> dict[str, Table | CsvRows]:
        """Tables (or rows ready for the file, `CsvRows`) also written as CSV, keyed by a file-name suffix."""
        return {}

    def write(self, path: str | Path, progress: Progress | None = None) -> list[str]:
        """Write the main file; returns the names of its parts (sheets). Complete or absent."""
        return self.write_xlsx(path, progress)

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

        names: list[str] = []
        with written_in_place(path) as partial:
            writer = WorkbookWriter(partial, self.max_rows)
            for table in tables:
                before = done
                names += writer.add_table(table, step)
                step(len(table) - (done - before))
            writer.close()
        return names

    def write_all(self, path: str | Path, progress: Progress | None = None) -> tuple[list[str], list[Path]]:
        """Write the main file and the CSVs beside it: (the main file's parts, the CSV files)."""
        return self.write(path, progress), self.write_csvs(path)

    def write_csvs(self, path: str | Path) -> list[Path]:
        """Write each CSV table next to `path` as `<stem>-<suffix>.csv`; returns the files."""
        path = Path(path)
        written = []
        for suffix, table in self.csv_tables().items():
            target = path.with_name(f"{path.stem}-{suffix}.csv")
            with written_in_place(target) as partial:
                if isinstance(table, CsvRows):
                    write_rows_csv(partial, table.header, table.rows)
                else:
                    write_csv(partial, table.columns, table.rows)
            written.append(target)
        return written

    def overflow(self, table: Table) -> int:
        """How many sheets a table will take (more than one: it passed Excel's row limit)."""
        return sheets_needed(table, self.max_rows)
