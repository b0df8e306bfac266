"""Respondent queries and corrections. Every change is audited; functions flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from app import audit
from app.extensions import db
from app.models import Invitation, Message, Respondent, Response, Wave, utcnow

PAGE_SIZE = 50


class Refused(ValueError):
    """The change is not made; the message says why."""


@dataclass(frozen=True)
class Filters:
    q: str = ""
    municipality_id: int | None = None
    team: str = ""
    wave_id: int | None = None
    show: str = "all"  # all | included | excluded


@dataclass
class Page:
    items: list[Respondent]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def _filtered(filters: Filters):
    query = select(Respondent)
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        query = query.where(or_(func.lower(Respondent.name).like(pattern),
                                func.lower(Respondent.email).like(pattern)))
    if filters.municipality_id:
        query = query.where(Respondent.municipality_id == filters.municipality_id)
    if filters.team:
        query = query.where(Respondent.team == filters.team)
    if filters.wave_id:
        query = query.where(Respondent.id.in_(select(Invitation.respondent_id)
                                              .where(Invitation.wave_id == filters.wave_id)))
    if filters.show == "excluded":
        query = query.where(Respondent.excluded_at.is_not(None))
    elif filters.show == "included":
        query = query.where(Respondent.excluded_at.is_(None))
    return query


def search(filters: Filters, page: int) -> Page:
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = list(db.session.scalars(query.order_by(func.lower(Respondent.name), Respondent.id)
                                    .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return Page(items, total, page)


def teams() -> list[str]:
    return list(db.session.scalars(select(Respondent.team).where(Respondent.team.is_not(None))
                                   .distinct().order_by(Respondent.team)))


@dataclass(frozen=True)
class InvitationState:
    wave: Wave
    invited_at: datetime
    opened_at: datetime | None
    answered_at: datetime | None

    @property
    def state(self) -> str:
        if self.answered_at:
            return "answered"
        return "opened" if self.opened_at else "invited"


def invitations_of(respondent: Respondent) -> list[InvitationState]:
    """Every wave the person was invited to, newest first, with how far they got."""
    rows = db.session.execute(
        select(Wave, Invitation.created_at, Invitation.opened_at, Invitation.answered_at, Response.status,
               Response.submitted_at, Response.created_at)
        .join(Invitation, Invitation.wave_id == Wave.id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.respondent_id == respondent.id)
        .order_by(Wave.opens_at.desc(), Wave.id.desc()))
    states = []
    for wave, invited, opened, answered, status, submitted, started in rows:
        answered = answered or (submitted if status == "submitted" else None)
        states.append(InvitationState(wave, invited, opened or started, answered))
    return states


def snapshot(respondent: Respondent) -> dict:
    return {"name": respondent.name, "email": respondent.email,
            "municipality": respondent.municipality.name if respondent.municipality else None,
            "excluded": respondent.excluded_at is not None, "reason": respondent.excluded_reason}


def correct_email(actor, respondent: Respondent, raw_email: str) -> bool:
    """A new address; mails still waiting in the outbox go to it too. Returns whether it changed."""
    from email_validator import EmailNotValidError

    from app.emails import normalized_email

    try:
        email = normalized_email(raw_email)
    except EmailNotValidError as exc:
        raise Refused(_("Skriv en gyldig e-mailadresse.")) from exc
    if email == respondent.email:
        return False
    taken = db.session.scalar(select(Respondent.id).where(func.lower(Respondent.email) == email,
                                                          Respondent.id != respondent.id))
    if taken is not None:
        raise Refused(_("Adressen %(email)s tilhører en anden respondent.", email=email))
    before = snapshot(respondent)
    respondent.email = email
    db.session.execute(
        update(Message).where(Message.status == "pending", Message.invitation_id.in_(
            select(Invitation.id).where(Invitation.respondent_id == respondent.id)))
        .values(recipient=email).execution_options(synchronize_session=False))
    db.session.flush()
    audit.record(actor, "email_corrected", "respondent", respondent.id, before, snapshot(respondent),
                 respondent.municipality_id)
    return True


def exclude(actor, respondent: Respondent, reason: str) -> None:
    """Left out of every future wave and of reminders still due; past answers are kept."""
    reason = reason.strip()
    if not reason:
        raise Refused(_("Skriv en begrundelse."))
    before = snapshot(respondent)
    respondent.excluded_at, respondent.excluded_reason = utcnow(), reason[:1000]
    respondent.active = False
    # Mails already queued for the person (a reminder due now) are not sent either.
    db.session.execute(
        update(Message).where(Message.status == "pending", Message.invitation_id.in_(
            select(Invitation.id).where(Invitation.respondent_id == respondent.id)))
        .values(status="failed", last_error="udelukket").execution_options(synchronize_session=False))
    db.session.flush()
    audit.record(actor, "exclude", "respondent", respondent.id, before, snapshot(respondent),
                 respondent.municipality_id)


def include_again(actor, respondent: Respondent) -> None:
    if respondent.excluded_at is None:
        return
    before = snapshot(respondent)
    respondent.excluded_at = respondent.excluded_reason = None
    respondent.active = True
    db.session.flush()
    audit.record(actor, "include", "respondent", respondent.id, before, snapshot(respondent),
                 respondent.municipality_id)
