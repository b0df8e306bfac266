"""The outbox: sending queued invitation and reminder mails exactly once, safe to kill at any moment.

Each message is claimed ("sending", committed) before it is sent, so two senders never both send it;
it is sent outside any database transaction and marked sent in its own transaction right after the
SMTP server accepted it, so a crash can at worst repeat the one message whose acceptance was not yet
recorded (the gap between SMTP's "250 OK" and the commit). That repeat carries the same Message-ID. A failed hand-over leaves the
message pending with a later `next_attempt_at`; nothing is ever lost.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import after_this_request, current_app
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from app.base_url import base_url
from app.extensions import db
from app.mail import MailError, build_message, mail_domain, send
from app.models import Invitation, Message, Response, Wave, utcnow
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


_RENDERERS: dict[str, Callable[[Message], tuple[str, str] | None]] = {}


def register_renderer(kind: str, render: Callable[[Message], tuple[str, str] | None]) -> None:
    """Messages of `kind` (or "kind:<anything>") get their (subject, body) from `render` when sent."""
    _RENDERERS[kind] = render


def send_after_response(message_id: int) -> None:
    """Send one queued message once the current response has gone to the client.

    The request answers before any SMTP traffic, so its timing says nothing about the mail; the claim
    keeps this and the scheduler from both sending it, and a failure leaves it to the scheduler.
    """
    app = current_app._get_current_object()
    served = base_url()  # links made at sending start with the address this request came to

    @after_this_request
    def _later(response):
        def send_now() -> None:
            with app.test_request_context(base_url=served):
                try:
                    send_one(message_id, utcnow())
                except Exception:  # noqa: BLE001 - the message stays pending or sending; the scheduler retries
                    db.session.rollback()
                    app.logger.exception("queued mail %s not sent after the response", message_id)
                finally:
                    db.session.remove()

        response.call_on_close(send_now)
        return response


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
    renderer = _RENDERERS.get(message.kind.partition(":")[0])
    if invitation is None and renderer is not None and not (message.subject and message.body):
        # A mail whose text (and link) is made when it is sent, such as a password reset.
        rendered = renderer(message)
        if rendered is None:
            message.status, message.last_error = "failed", "modtageren findes ikke længere"
            db.session.commit()
            return "skipped"
        subject, body = rendered
    elif invitation is None:
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
    email = build_message(message.recipient, subject, body, message_id=message_id_header(message))
    if not _claim(message_id):
        return "skipped"  # another sender has it
    try:
        send(email)  # no transaction is held open while talking to the SMTP server
    except MailError as exc:
        return _defer(message_id, now, str(exc))
    db.session.execute(update(Message).where(Message.id == message_id, Message.status == "sending")
                       .values(status="sent", sent_at=now, last_error=None))
    db.session.commit()
    return "sent"


def _claim_lease() -> timedelta:
    """How long a claim is honoured for a sender that may still be alive: longer than one SMTP hand-over."""
    return timedelta(seconds=3 * int(current_app.config["SMTP_TIMEOUT"]) + 30)


def _claim(message_id: int) -> bool:
    """Mark a pending message "sending" and commit: of two senders, only the one whose update counted sends.

    The claim's lease (wall-clock time, in `next_attempt_at`) tells a later tick whether a claim made
    outside the scheduler, by a web worker sending a mail after its response, may still be in flight.
    """
    claimed = db.session.execute(
        update(Message).where(Message.id == message_id, Message.status == "pending")
        .values(status="sending", attempts=Message.attempts + 1, next_attempt_at=utcnow() + _claim_lease())).rowcount
    db.session.commit()
    return claimed == 1


def release_abandoned_claims() -> int:
    """Return messages left "sending" by a sender that died to "pending"; call only holding the scheduler lock.

    Only the lock holder sends wave mail, so a wave mail's claim found at the start of a tick belongs
    to a process killed between claiming and recording the result: the same one-message window as a
    crash between the SMTP server's "250 OK" and the commit. Other mails (sent by web workers after
    their response) are released only once their claim's lease has passed.
    """
    released = db.session.execute(
        update(Message).where(Message.status == "sending",
                              or_(Message.invitation_id.is_not(None), Message.next_attempt_at <= utcnow()))
        .values(status="pending", next_attempt_at=None)).rowcount
    db.session.commit()
    return released or 0


def message_id_header(message: Message, key: str | None = None) -> str:
    """A Message-ID stable per invitation and kind (or per stored message), so a mail sent twice after a
    crash carries the same id and mail systems that drop duplicates by Message-ID drop it. `key`: the
    SECRET_KEY it was made with, when not the current one (retention finds older mails by it)."""
    if message.invitation_id is not None:
        subject = f"invitation:{message.invitation_id}:{message.kind}"
    else:
        subject = f"message:{message.id}"
    digest = hmac.new((key or current_app.config["SECRET_KEY"]).encode("utf-8"), subject.encode("utf-8"),
                      hashlib.sha256).hexdigest()[:32]
    return f"<{digest}@{mail_domain()}>"


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
    message.status = "pending"  # the claim's attempt counted; it is tried again later
    message.last_error = error[:1000]
    delay = min(60 * 2 ** (message.attempts - 1), MAX_BACKOFF_SECONDS)
    message.next_attempt_at = now + timedelta(seconds=delay)
    outcome = "deferred"
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        outcome = "failed"
    db.session.commit()
    return "deferred" if outcome == "deferred" else "failed"
