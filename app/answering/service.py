"""Respondents' answers: who is answering (an invitation or an anonymous browser) and storing them once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Invitation, Response, Wave
from app.questionnaires.service import definition_by_id
from app.responses import AnswerValue, replace_answers
from app.security import hash_token
from app.waves.tokens import parse_municipality_link_token
from forms import Questionnaire


@dataclass
class AnswerContext:
    """The context of an answer: a wave plus an invitation (adviser) or a browser key (citizen).

    It holds plain values read once, so the answer is checked with no transaction open and stored
    in a short write transaction of its own; the wave row is loaded only when a page shows it.
    """

    wave_id: int
    version_id: int
    wave_status: str
    opens_at: datetime
    closes_at: datetime
    invitation_id: int | None = None
    municipality_id: int | None = None
    browser_key: str | None = None
    response_status: str | None = None  # of this respondent's response, when read

    @property
    def wave(self) -> Wave:
        return db.session.get(Wave, self.wave_id)

    def state(self, now: datetime) -> str:
        return _state(self.wave_status, self.opens_at, self.closes_at, now)

    def response_filter(self):
        if self.invitation_id is not None:
            return Response.invitation_id == self.invitation_id
        return (Response.wave_id == self.wave_id) & (Response.browser_key == self.browser_key)

    def session_value(self) -> dict:
        """What the Flask session keeps to recognise this respondent (never a token)."""
        if self.invitation_id is not None:
            return {"i": self.invitation_id, "v": self.version_id}
        return {"w": self.wave_id, "b": self.browser_key, "v": self.version_id, "m": self.municipality_id}


# The hot path of every wave uses statements built once (Core tables, bound parameters): SQLAlchemy
# then neither rebuilds them nor recomputes their cache keys on each request.
_waves, _invitations, _responses = Wave.__table__, Invitation.__table__, Response.__table__
_WAVE_COLUMNS = (_waves.c.id, _waves.c.questionnaire_version_id, _waves.c.status, _waves.c.opens_at,
                 _waves.c.closes_at)
_INVITED = (select(*_WAVE_COLUMNS, _invitations.c.municipality_id, _responses.c.status)
            .join(_invitations, _invitations.c.wave_id == _waves.c.id)
            .outerjoin(_responses, _responses.c.invitation_id == _invitations.c.id)
            .where(_invitations.c.id == bindparam("invitation_id")))
_ANONYMOUS = (select(*_WAVE_COLUMNS, _responses.c.status)
              .outerjoin(_responses, (_responses.c.wave_id == _waves.c.id)
                         & (_responses.c.browser_key == bindparam("browser_key")))
              .where(_waves.c.id == bindparam("wave_id"), _waves.c.anonymous.is_(True)))
_FOR_INVITATION = _responses.c.invitation_id == bindparam("iid")
_FOR_BROWSER = (_responses.c.wave_id == bindparam("wid")) & (_responses.c.browser_key == bindparam("bkey"))


def _claim_statement(where, submit: bool):
    """UPDATE of a respondent's response that locks its row and records the save, returning (id, status).

    A submit marks it submitted; a save keeps its status, and a save to a submitted response is a
    change to it, so it moves `submitted_at` too. SET reads the row's previous values, and the
    returned status is the new one: "submitted" after a submit or when the response already was.
    """
    if submit:
        values = {"status": "submitted", "submitted_at": bindparam("now")}
    else:
        values = {"submitted_at": case((_responses.c.status == "submitted", bindparam("now")),
                                       else_=_responses.c.submitted_at)}
    return (update(_responses).where(where).values(updated_at=bindparam("now"), **values)
            .returning(_responses.c.id, _responses.c.status))


_CLAIM = {(invited, submit): _claim_statement(_FOR_INVITATION if invited else _FOR_BROWSER, submit)
          for invited in (True, False) for submit in (True, False)}
# Idempotent: the invitation keeps the time of its first submission however many saves race.
_ANSWERED = (update(_invitations)
             .where(_invitations.c.id == bindparam("iid"), _invitations.c.answered_at.is_(None))
             .values(answered_at=bindparam("now"), opened_at=func.coalesce(_invitations.c.opened_at, bindparam("now"))))


def invited_respondent(invitation_id: int) -> AnswerContext | None:
    """The respondent of an invitation with its wave's state and its response's status, in one query."""
    row = db.session.execute(_INVITED, {"invitation_id": invitation_id}).first()
    if row is None:
        return None
    return AnswerContext(*row[:5], invitation_id=invitation_id, municipality_id=row[5], response_status=row[6])


def anonymous_respondent(wave_id: int, browser_key: str, municipality_id: int | None = None) -> AnswerContext | None:
    """A citizen's browser in an anonymous wave; its answers count under the municipality of the link opened."""
    row = db.session.execute(_ANONYMOUS, {"wave_id": wave_id, "browser_key": browser_key}).first()
    return AnswerContext(*row[:5], municipality_id=municipality_id, browser_key=browser_key,
                         response_status=row[5]) if row else None


def questionnaire_of(version_id: int) -> Questionnaire:
    """The definition of a stored version (parsed once per process and database)."""
    return definition_by_id(version_id)


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries `token` (looked up by hash; never by the token itself)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def anonymous_wave_by_token(token: str) -> tuple[Wave, int | None] | None:
    """(wave, municipality id) of an anonymous link: a municipality's own link, or the wave's one link, which
    counts its answers under the wave's municipality when it has exactly one. None once the wave's links are
    withdrawn (retention clears the wave's link hash)."""
    if not token or len(token) > 100:
        return None
    parsed = parse_municipality_link_token(token)
    if parsed is not None:
        wave = db.session.get(Wave, parsed[0])
        if (wave is None or not wave.anonymous or wave.public_token_hash is None
                or parsed[1] not in {m.id for m in wave.municipalities}):
            return None
        return wave, parsed[1]
    wave = db.session.scalar(select(Wave).where(Wave.public_token_hash == hash_token(token),
                                                Wave.anonymous.is_(True)))
    if wave is None:
        return None
    return wave, wave.municipalities[0].id if len(wave.municipalities) == 1 else None


def wave_state(wave: Wave, now: datetime) -> str:
    """"open" while answers are taken; "not_open" before; "closed" after (or once the scheduler closed it)."""
    return _state(wave.status, wave.opens_at, wave.closes_at, now)


def _state(status: str, opens_at: datetime, closes_at: datetime, now: datetime) -> str:
    if status == "closed" or now >= closes_at:
        return "closed"
    if status != "open" or now < opens_at:
        return "not_open"
    return "open"


def current_response(respondent: AnswerContext) -> Response | None:
    return db.session.scalar(select(Response).where(respondent.response_filter()))


def mark_opened(invitation: Invitation, now: datetime) -> None:
    if invitation.opened_at is None:
        invitation.opened_at = now


def save_answers(respondent: AnswerContext, questionnaire: Questionnaire, answers: dict[str, AnswerValue],
                 submit: bool, now: datetime) -> int:
    """Store the answers of one respondent: one response per context however many requests race.

    The first statement is the response's UPDATE (its status and times) with RETURNING: it takes the
    row lock (SQLite's BEGIN IMMEDIATE already serialises writers) before the answers are replaced,
    so replacements never interleave, and it saves the separate SELECT ... FOR UPDATE a round trip.
    A missing row is created under a savepoint, already in its final status; a concurrent creator
    that loses on the unique constraint updates the winner's row instead. A submitted response stays
    submitted: a later save is a change to the submitted answers. The invitation's `answered_at` is
    written only while it is empty, so it keeps the time of the first submission; the respondent's
    status read at the start of this transaction skips even that statement once it was submitted
    (a response never returns to draft). Core statements throughout: this is the hot path of every
    wave. Returns the response id.
    """
    claimed = _claim(respondent, submit, now) if respondent.response_status is not None else None
    response_id, status = claimed or _create(respondent, submit, now)
    replace_answers(response_id, questionnaire, answers)
    if status == "submitted" and respondent.invitation_id is not None and respondent.response_status != "submitted":
        db.session.execute(_ANSWERED, {"iid": respondent.invitation_id, "now": now})
    return response_id


def _claim(respondent: AnswerContext, submit: bool, now: datetime):
    """(id, new status) of the respondent's response after recording this save, or None if it has none."""
    if respondent.invitation_id is not None:
        params = {"iid": respondent.invitation_id, "now": now}
    else:
        params = {"wid": respondent.wave_id, "bkey": respondent.browser_key, "now": now}
    return db.session.execute(_CLAIM[respondent.invitation_id is not None, submit], params).first()


def _create(respondent: AnswerContext, submit: bool, now: datetime):
    status = "submitted" if submit else "draft"
    row = {"questionnaire_version_id": respondent.version_id, "wave_id": respondent.wave_id,
           "municipality_id": respondent.municipality_id, "invitation_id": respondent.invitation_id,
           "browser_key": respondent.browser_key, "status": status, "created_at": now, "updated_at": now,
           "submitted_at": now if submit else None}
    try:
        with db.session.begin_nested():
            response_id = db.session.execute(insert(_responses).values(**row)).inserted_primary_key[0]
    except IntegrityError:
        existing = _claim(respondent, submit, now)
        if existing is None:
            raise
        return existing
    return response_id, status
