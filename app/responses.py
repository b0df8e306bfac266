"""Answers in and out of the database, the same for every kind of response."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, text

from app.extensions import db
from app.models import Answer
from forms import Questionnaire

AnswerValue = int | list[int] | str | date | None


def answer_rows(response_id: int, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> list[dict]:
    """Rows for the answers table (one per chosen option for multiple choice; empty answers skipped)."""
    rows: list[dict[str, Any]] = []
    for qid, value in answers.items():
        if value is None or value == "" or value == []:
            continue
        question = questionnaire.question(qid)
        base = {"response_id": response_id, "question_id": qid, "option_code": None, "number": None,
                "text": None, "date_value": None}
        if question.type == "multiple_choice":
            rows.extend({**base, "option_code": int(code)} for code in value)  # type: ignore[union-attr]
        elif question.is_coded:
            rows.append({**base, "option_code": int(value)})  # type: ignore[arg-type]
        elif question.type == "number":
            rows.append({**base, "number": int(value)})  # type: ignore[arg-type]
        elif question.type == "date":
            rows.append({**base, "date_value": value})
        else:
            rows.append({**base, "text": str(value)})
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
    result: dict[str, AnswerValue] = {}
    rows = db.session.execute(
        select(Answer.question_id, Answer.option_code, Answer.number, Answer.text, Answer.date_value)
        .where(Answer.response_id == response_id)
        .order_by(Answer.id)
    )
    known = {q.id: q for q in questionnaire.questions}
    for qid, code, number, text, date_value in rows:
        question = known.get(qid)
        if question is None:
            continue
        if question.type == "multiple_choice":
            result.setdefault(qid, [])
            result[qid].append(code)  # type: ignore[union-attr]
        elif question.is_coded:
            result[qid] = code
        elif question.type == "number":
            result[qid] = number
        elif question.type == "date":
            result[qid] = date_value
        else:
            result[qid] = text
    return result
