"""Access requests (GDPR art. 15): everything Bølge holds about one respondent, as one JSON file."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.models import Invitation, Message, Respondent, Response
from app.questionnaires.service import definition_of
from app.responses import answers_of


def find_respondent(email: str) -> Respondent | None:
    return db.session.scalar(select(Respondent).where(func.lower(Respondent.email) == email.strip().lower()))


def access_report(respondent: Respondent, now: datetime) -> dict[str, Any]:
    """The respondent, each invitation with its wave, mails and response with every answer as shown."""
    invitations = db.session.scalars(select(Invitation).where(Invitation.respondent_id == respondent.id)
                                     .order_by(Invitation.id)).all()
    return {
        "document": "Indsigt efter databeskyttelsesforordningens artikel 15 / Access request (GDPR art. 15)",
        "generated_at": now,
        "controller": "Kommunerne i det nordjyske frikommunenetværk (Bølge)",
        "purpose": "Evaluering af frikommuneforsøg: spørgeskemaer til rådgivere i runder",
        "respondent": {
            "name": respondent.name, "email": respondent.email, "municipality": respondent.municipality.name,
            "role": respondent.role, "team": respondent.team, "active": respondent.active,
            "registered_at": respondent.created_at,
        },
        "invitations": [_invitation(inv) for inv in invitations],
        "not_held": "Personlige links gemmes ikke; kun en hash af dem. / Personal links are not stored, only a hash.",
    }


def _invitation(invitation: Invitation) -> dict[str, Any]:
    wave = invitation.wave
    questionnaire = definition_of(wave.questionnaire_version)
    messages = db.session.scalars(select(Message).where(Message.invitation_id == invitation.id)
                                  .order_by(Message.id)).all()
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    return {
        "wave": wave.label, "questionnaire": questionnaire.title.get("da"),
        "opens_at": wave.opens_at, "closes_at": wave.closes_at, "municipality": invitation.municipality.name,
        "invited_at": invitation.created_at, "first_opened_at": invitation.opened_at,
        "answered_at": invitation.answered_at,
        "mails": [{"kind": m.purpose, "to": m.recipient, "status": m.status, "sent_at": m.sent_at,
                   "queued_at": m.created_at} for m in messages],
        "response": None if response is None else {
            "status": response.status, "submitted_at": response.submitted_at, "updated_at": response.updated_at,
            "answers": _answers(response, questionnaire),
        },
    }


def _answers(response: Response, questionnaire) -> list[dict[str, Any]]:
    stored = answers_of(response.id, questionnaire)
    shown = []
    for question in questionnaire.questions:
        if question.id not in stored:
            continue
        value = stored[question.id]
        if question.is_coded:
            labels = {o.code: o.label.get("da") for o in question.options}
            value = [labels.get(c, c) for c in value] if isinstance(value, list) else labels.get(value, value)
        shown.append({"question": question.text.get("da"), "answer": value})
    return shown


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def access_file(user, respondent: Respondent, now: datetime) -> bytes:
    """The report as UTF-8 JSON; the export itself is audited (who asked, for whom)."""
    audit.record(user, "access_request", "respondent", respondent.id, None,
                 {"name": respondent.name, "invitations": len(respondent_invitation_ids(respondent))}, respondent.municipality_id)
    report = access_report(respondent, now)
    return json.dumps(report, ensure_ascii=False, indent=2, default=_default).encode("utf-8")


def respondent_invitation_ids(respondent: Respondent) -> list[int]:
    return list(db.session.scalars(select(Invitation.id).where(Invitation.respondent_id == respondent.id)))
