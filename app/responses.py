"""Answers in and out of the database, the same for every kind of response."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, insert, select

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


def replace_answers(response_id: int, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> None:
    """Replace every stored answer of a response with these (never commits)."""
    db.session.execute(_DELETE_ANSWERS, {"rid": response_id})
    rows = answer_rows(response_id, questionnaire, answers)
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
