"""The outbox: sending queued invitation and reminder mails exactly once, safe to kill at any moment.

Each message is sent outside any database transaction and marked sent in its own transaction right
after the SMTP server accepted it, so a crash can at worst repeat the one message whose acceptance
was not yet recorded (the gap between SMTP's "250 OK" and the commit). A failed hand-over leaves the
message pending with a later `next_attempt_at`; nothing is ever lost.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from app.base_url import base_url
from app.extensions import db
from app.mail import MailError, build_message, send
from app.models import Invitation, Message, Response, Wave
from app.questionnaires.service import definition_of
from app.waves.tokens import invitation_token

BATCH_SIZE = 200
MAX_BACKOFF_SECONDS = 3600


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0


def personal_link(invitation: Invitation) -> str:
    """The invitation's personal link, rebuilt from its nonce (the link itself is never stored)."""
    return f"{base_url()}/s/{invitation_token(invitation.token_nonce)}"


def render_mail(message: Message, invitation: Invitation, wave: Wave) -> tuple[str, str]:
    """(subject, body) of an invitation or reminder, rendered now because it carries the link."""
    title = definition_of(wave.questionnaire_version).title.get("da")
    template = "mail/invitation.txt" if message.kind == "invitation" else "mail/reminder.txt"
    with force_locale("da"):  # respondents get Danish mail, whoever triggers the sending
        body = current_app.jinja_env.get_template(template).render(
            name=invitation.respondent.name, title=title, wave=wave, link=personal_link(invitation))
    prefix = "Spørgeskema" if message.kind == "invitation" else "Påmindelse"
    return f"{prefix}: {title}", body


def due_messages(now: datetime, after_id: int, limit: int) -> list[int]:
    return list(db.session.scalars(
        select(Message.id).where(
            Message.status == "pending", Message.due_at <= now, Message.id > after_id,
            or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now))
        .order_by(Message.id).limit(limit)))


def drain(now: datetime, limit: int | None = None) -> DrainReport:
    """Send due pending messages in id order until none is left, the limit is hit or SMTP fails."""
    report = DrainReport()
    last_id = 0
    while limit is None or report.sent < limit:
        batch = due_messages(now, last_id, BATCH_SIZE)
        db.session.commit()
        if not batch:
            break
        for message_id in batch:
            last_id = message_id
            outcome = send_one(message_id, now)
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome == "deferred":
                return report  # the server is down: the rest waits for the next tick
            if limit is not None and report.sent >= limit:
                break
    return report


def send_one(message_id: int, now: datetime) -> str:
    """Send one message; returns "sent", "deferred", "failed" or "skipped"."""
    message = db.session.get(Message, message_id)
    if message is None or message.status != "pending":
        db.session.commit()
        return "skipped"
    invitation = message.invitation
    if invitation is None:
        # A mail queued with its text (not a wave's): sent as stored.
        if not (message.subject and message.body):
            message.status, message.last_error = "failed", "ingen tekst"
            db.session.commit()
            return "skipped"
        subject, body = message.subject, message.body
    else:
        reason = _reason_not_to_send(message, invitation, invitation.wave, now)
        if reason:
            message.status, message.last_error = "failed", reason
            db.session.commit()
            return "skipped"
        subject, body = render_mail(message, invitation, invitation.wave)
    email = build_message(message.recipient, subject, body)
    db.session.commit()  # no transaction is held open while talking to the SMTP server
    try:
        send(email)
    except MailError as exc:
        return _defer(message_id, now, str(exc))
    db.session.execute(update(Message).where(Message.id == message_id, Message.status == "pending")
                       .values(status="sent", sent_at=now, attempts=Message.attempts + 1, last_error=None))
    db.session.commit()
    return "sent"


def _reason_not_to_send(message: Message, invitation: Invitation, wave: Wave, now: datetime) -> str | None:
    if wave.status != "open" or now >= wave.closes_at:
        return "runden er ikke åben"
    if message.kind != "invitation":
        answered = db.session.scalar(select(Response.id).where(
            Response.invitation_id == invitation.id, Response.status == "submitted"))
        if answered is not None:
            return "besvaret før afsendelse"
    return None


def _defer(message_id: int, now: datetime, error: str) -> str:
    message = db.session.get(Message, message_id)
    message.attempts += 1
    message.last_error = error[:1000]
    delay = min(60 * 2 ** (message.attempts - 1), MAX_BACKOFF_SECONDS)
    message.next_attempt_at = now + timedelta(seconds=delay)
    outcome = "deferred"
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        outcome = "failed"
    db.session.commit()
    return "deferred" if outcome == "deferred" else "failed"
