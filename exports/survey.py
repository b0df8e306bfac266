"""The survey workbook: overview, one table per question, free text, comparability, anonymity, data, codebook."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from itertools import chain
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from exports.anonymity import OTHER_GROUP_LABEL, SUPPRESSED_LABEL
from exports.base import Exporter, Progress, register, selection
from exports.cells import safe_text
from exports.files import written_in_place
from exports.survey_data import NETWORK, SurveyData
from exports.survey_rows import Entry, published_answers, published_records, published_rows, visible_count, visible_rows
from exports.survey_suppression import (GROUP_COMPLEMENT, GROUP_SIZE, MERGED_ROWS, OPEN_WAVE, QUESTION_ALIKE,
                                        QUESTION_ALIKE_TOTAL, QUESTION_COMPLEMENT, QUESTION_SIZE, QUESTION_TOTAL,
                                        WAVE_TOTAL, Disclosure)
from exports.survey_tables import caption, question_table
from exports.tables import SUPPRESSED, Column, CsvRows, Table
from exports.workbook import BOM, PLAIN_INT, SHEET_NAME_MAX, SheetNames, csv_value
from forms import Question
from forms.types.base import Tabulation

if TYPE_CHECKING:  # pandas is imported where a frame is made
    import pandas as pd


@register
class SurveyExporter(Exporter):
    identifier = "survey"
    name = "Spørgeskemaundersøgelse"
    help = "The survey workbook (and the answers in long form as CSV next to it)."
    questionnaire_kind = "survey"
    source = "survey"
    options = (selection("waves"),)
    csv_suffixes = ("svar",)
    file_kinds = ("xlsx", "csv")

    def __init__(self, data: SurveyData, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data = data
        self.disclosure = Disclosure(data)
        self._question_sheets = _question_sheet_names(data.questions)
        self._long_sink: Callable[[str], None] | None = None  # see `write_all`

    def question_tables(self) -> Iterator[Table]:
        """The comparison table of each counted question, in questionnaire order (from the aggregates)."""
        per_question = self.data.aggregates.per_question()
        empty: tuple[list, list] = ([], [])
        for question in self.data.questions:
            if question.question_type.tabulated:
                answered, options = per_question.get(question.id, empty)
                yield question_table(self.data, question, answered, options, self._question_sheets[question.id],
                                     self.disclosure.counted_rule(question.id))

    def tables(self) -> Iterator[Table]:
        data_table = self.data_table()
        yield self.overview_table(data_table)
        yield from self.question_tables()
        yield self.free_text_table()
        yield self.comparability_table()
        yield self.anonymity_table()
        yield data_table
        yield self.codebook_table()

    def csv_tables(self) -> dict[str, CsvRows]:
        return {self.csv_suffixes[0]: CsvRows(LONG_CSV_COLUMNS, chain.from_iterable(self.long_rows(ready=True)))}

    def write_all(self, path: str | Path, progress: Progress | None = None) -> tuple[list[str], list[Path]]:
        """The workbook and the long CSV from one read of the answers: while the data sheet is written, each
        response's long rows go to the CSV (both in the same published order and running numbers). The
        in-memory data of tests and small exports are written one after the other."""
        if self.data.rows is None:
            return super().write_all(path, progress)
        path = Path(path)
        target = path.with_name(f"{path.stem}-{self.csv_suffixes[0]}.csv")
        with written_in_place(target) as partial, open(partial, "w", encoding="utf-8", newline="") as handle:
            handle.write(BOM)
            writer = csv.writer(handle, delimiter=";", lineterminator="\n")
            writer.writerow([safe_text(h) for h in LONG_CSV_COLUMNS])
            self._long_sink = handle.write
            try:
                parts = self.write(path, progress)
                if self._long_sink is not None:  # the data sheet was not written row by row: the CSV on its own
                    writer.writerows(chain.from_iterable(self.long_rows(ready=True)))
            finally:
                self._long_sink = None
        return parts, [target]

    # -- overview --------------------------------------------------------------------------------------
    def overview_table(self, data_table: Table) -> Table:
        data = self.data
        columns = [Column("Bølge", "text", 18), Column("Version", "int", 8), Column("Åbnede", "datetime", 17),
                   Column("Lukkede", "datetime", 17), Column("Kommune", "text", 22), Column("Inviterede", "int"),
                   Column("Besvarelser", "int"), Column("Svarprocent", "pct"), Column("Bemærkning", "text", 44)]
        invited = {(int(r.wave_id), int(r.municipality_id)): int(r.invited) for r in data.invited.itertuples()}
        rows = []
        for wave in data.waves:
            sizes = data.wave_sizes.get(wave.id, {})
            rule = data.wave_suppression[wave.id]
            start = [wave.label, wave.version, data.local(wave.opens_at), data.local(wave.closes_at)]
            for group in [*data.groups[1:], NETWORK]:
                if group is NETWORK:
                    inv = sum(v for (w, _m), v in invited.items() if w == wave.id)
                    n = sum(sizes.values())
                    note = ("alle tal skjult i tabellerne og ingen rækker i data (for få besvarelser)" if rule.total_hidden
                            else "bølgen er åben: netværkets tal skjult for de spørgsmål, hvor en kommune er skjult "
                                 "(se Anonymitet)" if rule.hidden and not wave.closed else "")
                else:
                    inv, n = invited.get((wave.id, group), 0), sizes.get(group, 0)
                    note = ("under grænsen: skjult i tabeller og data" if group in rule.primary else
                            "skjult i tabeller og data, så en anden lille gruppe ikke kan regnes ud"
                            if group in rule.hidden else "")
                rate = n / inv if inv else None
                if group is not NETWORK and group in rule.hidden:
                    # A hidden municipality's count is hidden too: with it, a question's figures of the merged
                    # group could be split between its members (and every answer of a group of one is known).
                    n = rate = SUPPRESSED
                rows.append([*start, data.group_label(group), inv or None, n, rate, note])
        notes = [f"Spørgeskema: {data.slug}. Tider i {data.timezone}.",
                 f"Anonymitetsgrænse: {data.threshold} besvarelser (se arket Anonymitet)."]
        if data.only_municipality is not None:
            notes.append("Udtræk for én kommune: kun kommunens egne tal og netværkets i alt.")
        if self.overflow(data_table) > 1:
            notes.append(f"Dataarket har {len(data_table):,} rækker og er delt over {self.overflow(data_table)} ark; "
                         "hele datasættet findes også som CSV (én række pr. svar).".replace(",", "."))
        return Table("Oversigt", data.title, columns, rows, notes)

    # -- free text -------------------------------------------------------------------------------------
    def free_text_table(self) -> Table:
        """The listed answers; a question's hidden groups stand as the merged group, and a question with too
        few answers in a wave lists none (the same rule as its counted figures)."""
        data = self.data
        texts = [q for q in data.questions if q.question_type.tabulation is Tabulation.LISTED]
        frame = visible_rows(data, self.disclosure.listed_answers)
        # Sorted by what is shown (question, wave, municipality as labelled, the answer): the texts of the
        # merged hidden group are in alphabetical order, not in their municipalities' order.
        position = {q.id: i for i, q in enumerate(data.questions)}
        wave_position = {w.id: i for i, w in enumerate(data.waves)}
        listed = []
        for q, w, m, t, d in zip(frame["question_id"], frame["wave_id"], frame["municipality_id"], frame["text"],
                                 frame["date_value"]):
            place = self.disclosure.text_place(q, int(w), int(m))
            if place is not None:
                listed.append((position.get(q, 0), wave_position.get(int(w), 0), place,
                               d if d is not None and d == d else t, q, int(w)))
        listed.sort(key=lambda item: (item[0], item[1], item[2] == OTHER_GROUP_LABEL, item[2], str(item[3])))
        rows = [[data.number_of(q), data.wave_label(w), place, answer] for _p, _w, place, answer, q, w in listed]
        columns = [Column("Spørgsmål", "int", 11), Column("Bølge", "text", 16), Column("Kommune", "text", 20),
                   Column("Svar", "text", 90)]
        notes = ["Fritekst vises, den tælles ikke. "
                 + "; ".join(f"{data.number_of(q.id)}: {q.text.da}" for q in texts),
                 f"Svar fra kommuner med færre end {data.threshold} svar på spørgsmålet står samlet som "
                 f"'{OTHER_GROUP_LABEL}'; et spørgsmål med færre end {data.threshold} svar i en bølge vises ikke."]
        return Table("Fritekst", "Fritekstsvar", columns, rows, notes)

    # -- comparability ---------------------------------------------------------------------------------
    def comparability_table(self) -> Table:
        data = self.data
        rows = []
        for question in data.questions:
            for before, after in zip(data.waves, data.waves[1:]):
                ok = data.comparable(question.id, before, after)
                rows.append([question.id, before.label, after.label, "Ja" if ok else "Nej",
                             before.wordings.get(question.id, "(ikke stillet)"),
                             after.wordings.get(question.id, "(ikke stillet)")])
        columns = [Column("Spørgsmål", "text", 16), Column("Fra bølge", "text", 16), Column("Til bølge", "text", 16),
                   Column("Sammenlignelig", "text", 14), Column("Formulering før", "text", 60),
                   Column("Formulering efter", "text", 60)]
        notes = ["Et spørgsmål sammenlignes kun, når formulering, type og skala er de samme i begge bølger "
                 "(samme fingeraftryk i de gemte versioner)."]
        return Table("Sammenlignelighed", "Sammenlignelighed mellem bølger", columns, rows, notes)

    # -- anonymity -------------------------------------------------------------------------------------
    def anonymity_table(self) -> Table:
        """Every hidden cell, with why: the wave's groups, then each question's, and the merged rows."""
        data = self.data
        rows = []
        for cell in self.disclosure.cells():
            question = "(alle)" if cell.question_id is None else data.number_of(cell.question_id)
            group = cell.group if isinstance(cell.group, str) else data.group_label(cell.group)
            rows.append([data.wave_label(cell.wave_id), question, group, _reason(data, cell)])
        columns = [Column("Bølge", "text", 18), Column("Spørgsmål", "text", 11), Column("Gruppe", "text", 22),
                   Column("Årsag", "text", 90)]
        notes = [f"Grænse: {data.threshold} besvarelser. Celler vises som '{SUPPRESSED_LABEL}'. I dataarkene står "
                 f"skjulte kommuner som '{OTHER_GROUP_LABEL}'.",
                 "Hver skjult celle står her: en kommune skjult i hele bølgen (Spørgsmål '(alle)'), og pr. "
                 "spørgsmål de kommuner, der er skjult for netop det spørgsmål (se docs/exports.md)."]
        return Table("Anonymitet", "Anonymitet: skjulte celler pr. bølge og spørgsmål", columns, rows, notes)

    # -- data ------------------------------------------------------------------------------------------
    def _variables(self) -> list[tuple[str, Question, int | None]]:
        """(column name, question, option code for multiple choice) in questionnaire order."""
        variables = []
        for q in self.data.questions:
            variables += [(name, q, code) for name, code in q.question_type.variables(q)]
        return variables

    def _entries(self):
        sink = self._long_sink
        if sink is None:
            return published_rows(self.data, self._variables(), self._question_hidden)
        self._long_sink = None  # this one pass writes the CSV
        return self._entries_with_csv(sink)

    def _entries_with_csv(self, write: Callable[[str], None]) -> Iterator[Entry]:
        """The data sheet's entries, each response's long rows written on the way with `write` as the CSV's
        lines: each answer's cells made into the text `write_rows_csv` would write for them (once for
        answers alike), after the response's own cells."""
        made = io.StringIO()
        line = csv.writer(made, delimiter=";", lineterminator="")

        def text(cells: tuple) -> str:
            made.seek(0)
            made.truncate()
            line.writerow(cells)
            return made.getvalue()

        start_of, cell = self._long_cells()
        groups: dict[tuple[str, str], str] = {}
        for entry in published_records(self.data, self._variables(), self._question_hidden,
                                       lambda answer: text(cell(answer)), cache={}):
            if entry.answers:
                group = groups.get((entry.wave, entry.place))
                if group is None:
                    group = groups[(entry.wave, entry.place)] = text(start_of(entry)[:2]) + ";"
                start = f"{group}{entry.number};"
                write(start + ("\n" + start).join(entry.answers) + "\n")
            yield entry

    def data_table(self) -> Table:
        """One row per response: wave, municipality (hidden groups merged), a column per question.

        Its rows are built while the sheet is written, from the answers streamed chunk by chunk.
        """
        variables = self._variables()
        columns = [Column("Bølge", "text", 16), Column("Kommune", "text", 20), Column("Besvarelse", "int", 11)]
        columns += [Column(name, q.question_type.data_kind) for name, q, _c in variables]
        notes = ["Én række pr. besvarelse; koder som i Kodebog. Besvarelse er et løbenummer i udtrækket.",
                 "Rækkerne i hver gruppe står i en tilfældig orden, ikke efter tidspunkt eller kommune; et "
                 "spørgsmål, der er skjult for en kommune, står som 'skjult' i alle kommunens rækker (og i "
                 f"'{OTHER_GROUP_LABEL}', når det ellers kunne regnes ud). En bølge med færre end "
                 f"{self.data.threshold} besvarelser i alt har ingen rækker."]
        return Table("Data", "Data: én række pr. besvarelse", columns, _DataRows(self._entries), notes,
                     row_count=visible_count(self.data), ready=_ready_rows(variables))

    @property
    def _question_hidden(self) -> dict[str, dict[int, frozenset]]:
        """Per question and wave, the municipalities whose answers to it are hidden in the rows."""
        return self.disclosure.row_hidden

    def long_rows(self, ready: bool = False) -> Iterator[list[tuple]]:
        """The long CSV's rows, a list per response: one row per answer, under the data sheet's running
        numbers, streamed from the database's cursor. Answers to a question hidden for a municipality are
        left out.

        `ready`: every cell as the file holds it (formula-safe text, ISO dates); else the values as stored.
        """
        start_of, cell = self._long_cells()
        for entry in published_answers(self.data, self._question_hidden, cell if ready else None):
            start = start_of(entry) if ready else (entry.wave, entry.place, entry.number)
            yield [start + answer for answer in entry.values]

    def _long_cells(self) -> tuple[Callable[[Entry], tuple], Callable[[list], tuple]]:
        """(the first cells of a response's long rows, an answer's cells), as the CSV file holds them."""
        labels: dict[str, str] = {}  # waves, places and question ids: few values, each made safe once

        def label(value: str) -> str:
            made = labels.get(value)
            if made is None:
                made = labels[value] = safe_text(value)
            return made

        def cell(answer: list) -> tuple:
            qid, code, number, text, day = answer
            if text is None and day is None:  # a code or a number
                return (labels.get(qid) or label(qid), code, number, None, None)
            return (label(qid), code, number,
                    None if text is None else safe_text(text) if type(text) is str else csv_value(text),
                    None if day is None else safe_text(day) if type(day) is str else csv_value(day))

        def start_of(entry: Entry) -> tuple:
            return (label(entry.wave), label(entry.place), entry.number)

        return start_of, cell

    def long_frame(self) -> pd.DataFrame:
        """The whole long CSV as one frame (tests and small exports); dates as dates on every database."""
        import pandas as pd

        frame = pd.DataFrame([row for rows in self.long_rows() for row in rows], columns=LONG_CSV_COLUMNS)
        frame["besvarelse"] = frame["besvarelse"].astype("int64")
        for column in ("kode", "tal"):
            frame[column] = frame[column].astype("Int64")
        frame["dato"] = [date.fromisoformat(d) if isinstance(d, str) else d for d in frame["dato"]]
        return frame

    def codebook_table(self) -> Table:
        data = self.data
        rows = []
        for name, question, code in self._variables():
            waves = ", ".join(w.label for w in data.waves if question.id in w.fingerprints)
            base = [name, _wordings(data, question), question.type]
            rows += [[*base, value, meaning, missing, waves]
                     for value, meaning, missing in question.question_type.codebook(question, code)]
        columns = [Column("Variabel", "text", 18), Column("Spørgsmål", "text", 70), Column("Type", "text", 14),
                   Column("Kode", "int", 7), Column("Svarmulighed", "text", 34),
                   Column("Manglende værdi", "text", 10), Column("Bølger", "text", 30)]
        return Table("Kodebog", "Kodebog", columns, rows, ["Variablerne i arket Data og i CSV-filen."])


_REASONS = {
    WAVE_TOTAL: "for få besvarelser i bølgen i alt: alle tal skjult, ingen rækker i Data og CSV",
    GROUP_SIZE: "under grænsen i bølgen: skjult i alle tabeller, i data som '{other}'",
    GROUP_COMPLEMENT: "komplementær: skjult i bølgen, så en anden skjult kommune ikke kan regnes ud af totalen",
    QUESTION_TOTAL: "for få svar på spørgsmålet i alt: spørgsmålets tal skjult, også i alle rækker",
    QUESTION_SIZE: "for få svar på spørgsmålet: spørgsmålets tal og svar skjult for kommunen",
    QUESTION_COMPLEMENT: "komplementær for spørgsmålet: skjult, så en anden skjult kommune ikke kan regnes ud",
    QUESTION_ALIKE: "komplementær for spørgsmålet: de skjulte kommuner svarede alle ens, så netværket minus de "
                    "viste kommuner ville vise hver af deres svar; kommunen er skjult, så svarene ikke er ens",
    QUESTION_ALIKE_TOTAL: "hele spørgsmålet skjult i bølgen: alle svar var ens, så ingen kommune kunne skjules "
                          "uden at de skjultes svar kunne regnes ud",
    OPEN_WAVE: "netværkets total skjult, fordi bølgen stadig er åben: to udtræk før og efter ét sent svar fra en "
               "skjult kommune ville ellers vise netop det svar som forskellen; vises, når bølgen er lukket",
    MERGED_ROWS: "svarene på spørgsmålet er skjult i '{other}'-rækkerne, så en kommune skjult for "
                 "spørgsmålet ikke kan regnes ud af totalen minus de viste rækker",
}


def _reason(data: SurveyData, cell) -> str:
    return _REASONS[cell.reason].format(other=OTHER_GROUP_LABEL)


def _wordings(data: SurveyData, question: Question) -> str:
    """The wording; a question reworded between the waves lists every wording with the waves that used it."""
    used: dict[str, list[str]] = {}
    for wave in data.waves:
        if question.id in wave.wordings:
            used.setdefault(wave.wordings[question.id], []).append(wave.label)
    if len(used) <= 1:
        return next(iter(used), question.text.da)
    return " / ".join(f"{text} ({', '.join(labels)})" for text, labels in used.items())


LONG_CSV_COLUMNS = ["bølge", "kommune", "besvarelse", "spørgsmål", "kode", "tal", "tekst", "dato"]


class _DataRows:
    """The data sheet's rows, built while written from the streamed responses."""

    def __init__(self, entries) -> None:
        self.entries = entries

    def __iter__(self):
        for e in self.entries():
            yield [e.wave, e.place, e.number, *e.values]


_PLAIN_TYPES = frozenset({str, int, type(None)})


def _ready_rows(variables: list[tuple[str, Question, int | None]]) -> Callable[[list], bool] | None:
    """Which data rows the workbook may write as one row (`Table.ready`): those of plain whole numbers and
    formula-safe labels, when every variable is a code (its codes small) or a number; a row with a hidden
    ("skjult") cell or a large number goes cell by cell. None when some variable holds text or dates."""
    numbers = []
    for c, (_name, question, code) in enumerate(variables, start=3):
        column = question.question_type.column
        if question.question_type.data_kind != "int" or column not in ("option_code", "number"):
            return None
        if column == "number":
            numbers.append(c)
        elif code is None and not all(type(o.code) is int and -PLAIN_INT < o.code < PLAIN_INT
                                      for o in question.options):
            return None
    safe: dict[str, bool] = {}

    def label_ok(label) -> bool:
        ok = safe.get(label)
        if ok is None:
            ok = safe[label] = type(label) is str and label != "" and safe_text(label) == label
        return ok

    def ready(row: list) -> bool:
        return (label_ok(row[0]) and label_ok(row[1]) and _PLAIN_TYPES.issuperset(map(type, row))
                and all(row[c] is None or -PLAIN_INT < row[c] < PLAIN_INT for c in numbers))

    return ready


def _question_sheet_names(questions: list[Question]) -> dict[str, str]:
    names = SheetNames()
    for reserved in ("Oversigt", "Fritekst", "Sammenlignelighed", "Anonymitet", "Data", "Kodebog"):
        names.make(reserved)
    return {q.id: names.make(caption(i, q.text.da, SHEET_NAME_MAX)) for i, q in enumerate(questions, start=1)}
