"""The data sheet's rows built by the database (one row per response) equal those built from the long answers.

A questionnaire of every data-sheet kind (a scale, a column per option, a number, free text and a date),
with hidden municipalities, a question hidden for one municipality only, an empty response and chunks
smaller than a wave, on a SQLite file and on PostgreSQL.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import pytest

from app.extensions import db
from app.questionnaires.service import store_questionnaire
from app.results import service
from exports.survey import SurveyExporter
from exports.survey_rows import _wide_chunk, published_rows
from exports.tables import SUPPRESSED
from forms import Question, Questionnaire, Text
from forms.definition import Section
from tests.exports.builders import QUESTIONS
from tests.results.conftest import read_table
from tests.results.factory import add_responses, make_wave, municipality_ids

SLUG = "alle-typer"
QUESTIONNAIRE = Questionnaire(SLUG, 1, "survey", "adviser", None, Text("Alle typer"), None, (
    Section("main", None, None, (*QUESTIONS, Question("startdato", "date", Text("Hvornår startede forløbet?")))),))


def _answers(n: int, seed: int) -> list[dict]:
    rows = []
    for i in range(n):
        k = seed + i
        rows.append({"grad": [1, 2, 3, 4, 5, 9][k % 6], "kanal": [[1], [2, 3], [1, 3], []][k % 4],
                     "maaneder": None if k % 5 == 0 else k % 30 - 5,
                     "kommentar": None if k % 3 else f"Svar {k}: =SUM(A1)" + ("; \"citat\"\nny linje" if k % 2 else ""),
                     "startdato": None if k % 4 == 1 else date(2019, 1 + k % 12, 1 + k % 28)})
    return rows


@pytest.fixture
def every_kind(app):
    """Two waves; Thisted (3) and Rebild (4) are hidden in wave 1; in wave 2 only 3 of Jammerbugt's 6
    give a number of months, so that question alone is hidden for Jammerbugt (and a complement)."""
    with app.app_context():
        version = store_questionnaire(QUESTIONNAIRE)
        db.session.commit()
        ids = municipality_ids()
        covered = [ids[s] for s in ("aalborg", "jammerbugt", "thisted", "rebild", "hjoerring")]
        wave_ids = []
        for w, opens in enumerate((datetime(2019, 1, 7, 7, tzinfo=timezone.utc),
                                   datetime(2020, 6, 1, 6, tzinfo=timezone.utc)), start=1):
            wave_id = make_wave(SLUG, f"Bølge {w}", opens, covered, version=version)
            wave_ids.append(wave_id)
            sizes = {"aalborg": 9, "jammerbugt": 6, "hjoerring": 7, "thisted": 3 if w == 1 else 6,
                     "rebild": 4 if w == 1 else 5}
            for place, n in reversed(sizes.items()):  # submitted out of the sheet's order
                answers = _answers(n, seed=w * 100 + len(place))
                if w == 2 and place == "jammerbugt":
                    for a in answers[3:]:
                        a["maaneder"] = None
                if place == "aalborg":
                    answers.append({})  # submitted without a single answer
                add_responses(wave_id, ids[place], answers, version=version, slug=SLUG)
        db.session.commit()
    return wave_ids


def _variables():
    return SurveyExporter(service.survey_data(SLUG))._variables()


def test_the_database_rows_equal_the_rows_built_from_the_long_answers(app, every_kind):
    with app.app_context():
        variables = _variables()
        chunks = list(service.response_rows(every_kind, variables, rows_per_chunk=4))
        long = service.long_answers(every_kind)
    assert len(chunks) > 5 and all(len(chunk) <= 4 for chunk in chunks)
    from_database = [tuple(row) for chunk in chunks for row in chunk]
    from_long = [tuple(row) for row in _wide_chunk(long, variables)]
    assert from_database == from_long
    assert len(from_database) == 2 * (9 + 1 + 6 + 7) + 3 + 4 + 6 + 5
    empty = [row for row in from_database if all(v is None for v in row[3:])]
    assert len(empty) == 2  # the response without answers is a row of its own, all missing
    kanal = [v for v, (_n, q, _c) in zip(from_database[0][3:], variables) if q.id == "kanal"]
    assert set(kanal) <= {0, 1, None}


@pytest.mark.parametrize("own", [None, "aalborg", "thisted"])
def test_the_data_sheet_from_the_database_equals_the_one_from_the_long_answers(app, every_kind, own):
    with app.app_context():
        only = municipality_ids()[own] if own else None
        database = SurveyExporter(service.survey_data(SLUG, only_municipality=only))
        in_memory = service.survey_data(SLUG, only_municipality=only)
        in_memory.responses = None  # the rows from the long answers, as an export of answers in memory builds them
        from_long = SurveyExporter(in_memory)
        rows = list(database.data_table().rows)
        assert rows == list(from_long.data_table().rows)
        assert len(rows) == database.data_table().row_count
    if own == "thisted":
        assert {r[1] for r in rows} == {"Thisted"} and {r[0] for r in rows} == {"Bølge 2"}  # hidden in wave 1
    elif own is None:
        assert [r[2] for r in rows] == list(range(1, len(rows) + 1))
        assert any(v is SUPPRESSED for r in rows for v in r) and "Øvrige (skjult)" in {r[1] for r in rows}


def test_every_data_sheet_row_is_its_running_number_in_the_long_csv(app, every_kind, tmp_path):
    path = tmp_path / "alle.xlsx"
    with app.app_context():
        exporter = SurveyExporter(service.survey_data(SLUG))
        exporter.write_xlsx(path)
        exporter.write_csvs(path)
    data = read_table(path, "Data", "Bølge").set_index("Besvarelse")
    csv = pd.read_csv(path.with_name("alle-svar.csv"), sep=";", encoding="utf-8-sig", dtype={"kode": "Int64"})
    assert set(csv["besvarelse"]) <= set(data.index)
    for number, row in data.iterrows():
        answers = csv[csv["besvarelse"] == number]
        assert set(answers["kommune"]) <= {row["Kommune"]}
        codes = answers.loc[answers["spørgsmål"] == "grad", "kode"].tolist()
        assert codes == ([] if pd.isna(row["grad"]) else [row["grad"]])
        chosen = set(answers.loc[answers["spørgsmål"] == "kanal", "kode"])
        assert {c for c in (1, 2, 3) if row[f"kanal_{c}"] == 1} == chosen
        months = answers.loc[answers["spørgsmål"] == "maaneder", "tal"].tolist()
        if row["maaneder"] == "skjult":
            assert months == []  # hidden for the municipality: left out of the CSV
        else:
            assert months == ([] if pd.isna(row["maaneder"]) else [int(row["maaneder"])])
        texts = answers.loc[answers["spørgsmål"] == "kommentar", "tekst"].tolist()
        # free text and dates follow the threshold of their own question too: hidden, they are left out
        assert texts == ([] if pd.isna(row["kommentar"]) or row["kommentar"] == "skjult" else [row["kommentar"]])
        dates = answers.loc[answers["spørgsmål"] == "startdato", "dato"].tolist()
        assert dates == ([] if pd.isna(row["startdato"]) or row["startdato"] == "skjult"
                         else [row["startdato"].date().isoformat()])
    assert (data["maaneder"] == "skjult").sum() >= 6


def test_the_data_sheet_streams_responses_not_answers(app, every_kind):
    """The data sheet reads the database's response rows; the long answers are never queried for it."""
    with app.app_context():
        data = service.survey_data(SLUG)

        def no_long_answers():
            raise AssertionError("the data sheet read the long answers")

        data.chunks = no_long_answers
        entries = list(published_rows(data, SurveyExporter(data)._variables(), {}))
    assert len(entries) == len({e.response_id for e in entries}) == 2 * 23 + 3 + 4 + 6 + 5


@pytest.mark.parametrize("own", [None, "jammerbugt"])
def test_the_workbook_and_csv_written_in_one_read_equal_those_written_one_after_the_other(app, every_kind, tmp_path,
                                                                                           own):
    """`write_all` builds the data sheet's rows from the long answers it writes to the CSV (one read of
    the answers); the files are those of the workbook (its rows from the database's response rows) and the
    CSV written on their own, byte for byte (but for the workbook's creation time)."""
    import zipfile

    one, apart = tmp_path / "one" / "alle.xlsx", tmp_path / "apart" / "alle.xlsx"
    one.parent.mkdir()
    apart.parent.mkdir()
    with app.app_context():
        only = municipality_ids()[own] if own else None
        parts, csvs = SurveyExporter(service.survey_data(SLUG, only_municipality=only)).write_all(one)
        exporter = SurveyExporter(service.survey_data(SLUG, only_municipality=only))
        assert exporter.write(apart) == parts
        assert exporter.write_csvs(apart) == [apart.with_name("alle-svar.csv")]
    assert csvs == [one.with_name("alle-svar.csv")]
    assert csvs[0].read_bytes() == apart.with_name("alle-svar.csv").read_bytes()
    assert sorted(p.name for p in one.parent.iterdir()) == ["alle-svar.csv", "alle.xlsx"]  # no partial file left
    with zipfile.ZipFile(one) as a, zipfile.ZipFile(apart) as b:
        names = [n for n in a.namelist() if n != "docProps/core.xml"]
        assert names == [n for n in b.namelist() if n != "docProps/core.xml"]
        assert all(a.read(n) == b.read(n) for n in names)
    assert "skjult" in read_table(one, "Data", "Bølge").astype(str).to_numpy().ravel().tolist() or own
