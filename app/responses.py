"""Answers in and out of the database, the same for every kind of response."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, text

from app.extensions import db
from app.models import Answer
from forms import Questionnaire
from forms.types.base import ANSWER_COLUMNS
from forms.types.base import Answer as AnswerValue


def answer_rows(response_id: int, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> list[dict]:
    """Rows for the answers table, as each question's type stores it (empty answers skipped)."""
    rows: list[dict[str, Any]] = []
    for qid, value in answers.items():
        if value is None or value == "" or value == []:
            continue
        base = {"response_id": response_id, "question_id": qid, **dict.fromkeys(ANSWER_COLUMNS)}
        rows.extend({**base, **cells} for cells in questionnaire.question(qid).question_type.cells(value))
    return rows


ANSWERS = Answer.__table__
# Prebuilt Core statements: the hot path of every submit skips the ORM's bulk machinery.
_DELETE_ANSWERS = delete(ANSWERS).where(ANSWERS.c.response_id == bindparam("rid"))
_INSERT_ANSWERS = insert(ANSWERS)
# PostgreSQL replaces them in one statement (one round trip instead of two). A data-modifying CTE
# runs on the statement's snapshot, so the DELETE removes exactly the rows stored before it and never
# the ones this INSERT adds; ORDINALITY keeps the ids in the order of the rows, as `answers_of` reads them.
_REPLACE_ANSWERS_POSTGRESQL = text(
    "WITH gone AS (DELETE FROM answers WHERE response_id = :rid) "
    "INSERT INTO answers (response_id, question_id, option_code, number, text, date_value) "
    "SELECT :rid, q, o, n, t, d FROM unnest(CAST(:question_ids AS varchar[]), CAST(:option_codes AS integer[]), "
    "CAST(:numbers AS integer[]), CAST(:texts AS text[]), CAST(:date_values AS date[])) "
    "WITH ORDINALITY AS given(q, o, n, t, d, position) ORDER BY position")


def replace_answers(response_id: int, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> None:
    """Replace every stored answer of a response with these (never commits).

    The caller serialises the writers of one response (its row lock, or SQLite's write lock); on
    PostgreSQL the old rows go and the new ones come in a single statement.
    """
    rows = answer_rows(response_id, questionnaire, answers)
    if rows and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_REPLACE_ANSWERS_POSTGRESQL, {
            "rid": response_id, "question_ids": [r["question_id"] for r in rows],
            "option_codes": [r["option_code"] for r in rows], "numbers": [r["number"] for r in rows],
            "texts": [r["text"] for r in rows], "date_values": [r["date_value"] for r in rows]})
        return
    db.session.execute(_DELETE_ANSWERS, {"rid": response_id})
    if rows:
        db.session.execute(_INSERT_ANSWERS, rows)


def answers_of(response_id: int, questionnaire: Questionnaire) -> dict[str, AnswerValue]:
    """The stored answers of a response, keyed by question id, in the form's value types."""
    rows = db.session.execute(
        select(Answer.question_id, *(getattr(Answer, column) for column in ANSWER_COLUMNS))
        .where(Answer.response_id == response_id)
        .order_by(Answer.id)
    )
    known = {q.id: q for q in questionnaire.questions}
    values: dict[str, list[Any]] = {}
    for qid, *cells in rows:
        question = known.get(qid)
        if question is not None:
            values.setdefault(qid, []).append(cells[_COLUMN_INDEX[question.question_type.column]])
    return {qid: known[qid].question_type.read(found) for qid, found in values.items()}


_COLUMN_INDEX = {column: i for i, column in enumerate(ANSWER_COLUMNS)}
