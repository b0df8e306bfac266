"""Respondents' answers: who is answering (an invitation or an anonymous browser) and storing them once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Invitation, Response, Wave
from app.responses import AnswerValue, replace_answers
from app.security import hash_token
from forms import Questionnaire


@dataclass
class Respondent:
    """The context of an answer: a wave plus an invitation (adviser) or a browser key (citizen)."""

    wave: Wave
    invitation: Invitation | None = None
    browser_key: str | None = None

    def response_filter(self):
        if self.invitation is not None:
            return Response.invitation_id == self.invitation.id
        return (Response.wave_id == self.wave.id) & (Response.browser_key == self.browser_key)

    def session_value(self) -> dict:
        """What the Flask session keeps to recognise this respondent (never a token)."""
        if self.invitation is not None:
            return {"i": self.invitation.id}
        return {"w": self.wave.id, "b": self.browser_key}

    @property
    def municipality_id(self) -> int | None:
        return self.invitation.municipality_id if self.invitation is not None else None


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries `token` (looked up by hash; never by the token itself)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def anonymous_wave_by_token(token: str) -> Wave | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Wave).where(Wave.public_token_hash == hash_token(token),
                                                Wave.anonymous.is_(True)))


def wave_state(wave: Wave, now: datetime) -> str:
    """"open" while answers are taken; "not_open" before; "closed" after (or once the scheduler closed it)."""
    if wave.status == "closed" or now >= wave.closes_at:
        return "closed"
    if wave.status != "open" or now < wave.opens_at:
        return "not_open"
    return "open"


def current_response(respondent: Respondent) -> Response | None:
    return db.session.scalar(select(Response).where(respondent.response_filter()))


def mark_opened(invitation: Invitation, now: datetime) -> None:
    if invitation.opened_at is None:
        invitation.opened_at = now


def save_answers(respondent: Respondent, questionnaire: Questionnaire, answers: dict[str, AnswerValue],
                 submit: bool, now: datetime) -> Response:
    """Store the answers of one respondent: one response per context however many requests race.

    The response row is created under a savepoint; a concurrent creator loses on the unique
    constraint and re-reads the winner's row. The row is then locked (FOR UPDATE on PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers) so answer replacements never interleave.
    A submitted response stays submitted: a later save is a change to the submitted answers.
    """
    response = _get_or_create(respondent, now)
    response = db.session.scalar(select(Response).where(Response.id == response.id).with_for_update()
                                 .execution_options(populate_existing=True))
    replace_answers(response.id, questionnaire, answers)
    response.updated_at = now
    if submit or response.status == "submitted":
        response.status = "submitted"
        response.submitted_at = now
        if respondent.invitation is not None:
            respondent.invitation.answered_at = now
            mark_opened(respondent.invitation, now)
    db.session.flush()
    return response


def _get_or_create(respondent: Respondent, now: datetime) -> Response:
    existing = current_response(respondent)
    if existing is not None:
        return existing
    wave = respondent.wave
    response = Response(questionnaire_version_id=wave.questionnaire_version_id, wave_id=wave.id,
                        municipality_id=respondent.municipality_id,
                        invitation_id=respondent.invitation.id if respondent.invitation else None,
                        browser_key=respondent.browser_key, status="draft", created_at=now, updated_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        existing = current_response(respondent)
        if existing is None:
            raise
        return existing
    return response
