"""The outbox: queued mails (invitations, reminders, account mails), sent safely by any number of senders.

The promise: every message is sent, and at most once more for each sender killed while handing it
over, the repeat carrying the same Message-ID. Exactly once cannot be had across a crash: a sender
killed after the SMTP server's "250 OK" and before its commit cannot tell anyone the message went.

How: a sender claims a message before it talks to the SMTP server (one conditional UPDATE, committed:
`status = "sending"`, its token in `claimed_by`, a lease of MAIL_CLAIM_SECONDS in `claimed_until`), so
two senders — schedulers, the web app's immediate sends — never send one message. No other sender takes
a claim over before its lease ends, and the holder breaks off its SMTP conversation rather than hand the
message over after that (app/mail.py), so a claim is taken over only when its holder died (or stalled
past the lease, which counts as dying), and then by one sender only. The message is marked sent in its
own transaction right after the server accepted it. A failed hand-over leaves it pending with a later
`next_attempt_at`.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import after_this_request, current_app
from sqlalchemy import and_, or_, select, update

from app.base_url import base_url
from app.extensions import db
from app.heartbeat import process_name
from app.mail import MailError, build_message, mail_domain, send
from app.models import Message, utcnow

BATCH_SIZE = 200
MAX_BACKOFF_SECONDS = 3600


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0


_RENDERERS: dict[str, Callable[[Message], tuple[str, str] | None]] = {}
_INVITATION_MAILS: list[Callable[[Message, datetime], tuple[str, str] | str]] = []


def register_renderer(purpose: str, render: Callable[[Message], tuple[str, str] | None]) -> None:
    """Messages of `purpose` (or "purpose:<anything>") get their (subject, body) from `render` when sent."""
    _RENDERERS[purpose] = render


def register_invitation_mail(prepare: Callable[[Message, datetime], tuple[str, str] | str]) -> None:
    """Messages of an invitation get (subject, body) from `prepare` when sent, or the reason not to send.

    The outbox knows no wave: the waves package registers how an invitation or reminder is written
    (app/waves/mails.py), as account mails register their renderer.
    """
    _INVITATION_MAILS[:] = [prepare]


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
    """Pending messages whose time has come, and messages whose sender's claim ran out, in id order."""
    return list(db.session.scalars(
        select(Message.id).where(Message.id > after_id, or_(_due(now), _claim_ended(utcnow())))
        .order_by(Message.id).limit(limit)))


def _due(now: datetime):
    return and_(Message.status == "pending", Message.due_at <= now,
                or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now))


def _claim_ended(wall: datetime):
    return and_(Message.status == "sending", or_(Message.claimed_until.is_(None), Message.claimed_until < wall))


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


@dataclass(frozen=True)
class Claim:
    """This sender's hold on one message: its token in `claimed_by`, and when (monotonic) its lease ends."""

    message_id: int
    token: str
    deadline: float


def send_one(message_id: int, now: datetime) -> str:
    """Claim one message and send it; returns "sent", "deferred", "failed" or "skipped".

    "skipped" when another sender holds it (or it is no longer due), or when it is not to be sent
    after all (the wave closed, the respondent answered, no text): then it is marked failed with why.
    """
    claim = claim_message(message_id, now)
    if claim is None:
        return "skipped"
    try:
        message = db.session.get(Message, message_id)
        prepared = _prepare(message, now)
        if isinstance(prepared, str):
            _settle(claim, status="failed", last_error=prepared)
            return "skipped"
        email = build_message(message.recipient, *prepared, message_id=message_id_header(message))
    except Exception:
        db.session.rollback()
        _settle(claim, status="pending")  # not sent: free for the next tick at once
        raise
    try:
        send(email, deadline=claim.deadline)  # no transaction is held open while talking to the SMTP server
    except MailError as exc:
        return _defer(claim, now, str(exc))
    # Whoever holds the claim now: the server has the message, so it is sent (a sender that took the
    # claim over after a pause of this one then finds it so, and records nothing).
    db.session.execute(update(Message).where(Message.id == message_id, Message.status == "sending")
                       .values(status="sent", sent_at=now, last_error=None, claimed_by=None, claimed_until=None))
    db.session.commit()
    return "sent"


def _prepare(message: Message, now: datetime) -> tuple[str, str] | str:
    """(subject, body) to send, or the reason the message is not to be sent."""
    invitation = message.invitation
    renderer = _RENDERERS.get(message.purpose.partition(":")[0])
    if invitation is None and renderer is not None and not (message.subject and message.body):
        # A mail whose text (and link) is made when it is sent, such as a password reset.
        return renderer(message) or "modtageren findes ikke længere"
    if invitation is None:
        # A mail queued with its text (not a wave's): sent as stored.
        return (message.subject, message.body) if message.subject and message.body else "ingen tekst"
    if not _INVITATION_MAILS:
        raise RuntimeError("no invitation mail registered (app.waves.mails is imported by create_app)")
    return _INVITATION_MAILS[0](message, now)


def claim_lease() -> timedelta:
    """How long a claim is honoured: longer than one SMTP hand-over (MAIL_CLAIM_SECONDS)."""
    return timedelta(seconds=int(current_app.config["MAIL_CLAIM_SECONDS"]))


def claim_message(message_id: int, now: datetime) -> Claim | None:
    """Claim a due pending message, or one whose holder's lease ran out, and commit; None if this sender
    did not get it. The claim is one conditional UPDATE, so of two senders only the one whose update
    counted holds it, on SQLite (one writer at a time) as on PostgreSQL (the second update waits for the
    first and then finds its condition false)."""
    token = f"{process_name()}:{secrets.token_hex(4)}"
    started, wall, lease = time.monotonic(), utcnow(), claim_lease()
    claimed = db.session.execute(
        update(Message).where(Message.id == message_id, or_(_due(now), _claim_ended(wall)))
        .values(status="sending", claimed_by=token, claimed_until=wall + lease,
                attempts=Message.attempts + 1)).rowcount
    db.session.commit()
    return Claim(message_id, token, started + lease.total_seconds()) if claimed == 1 else None


def _settle(claim: Claim, **values) -> bool:
    """Record the outcome of a claim and give it up, if this sender still holds it. Commits."""
    settled = db.session.execute(
        update(Message).where(Message.id == claim.message_id, Message.claimed_by == claim.token,
                              Message.status == "sending")
        .values(claimed_by=None, claimed_until=None, **values)).rowcount
    db.session.commit()
    return settled == 1


def message_id_header(message: Message, key: str | None = None) -> str:
    """A Message-ID stable per invitation and purpose (or per stored message), so a mail sent twice after a
    crash carries the same id and mail systems that drop duplicates by Message-ID drop it. `key`: the
    SECRET_KEY it was made with, when not the current one (retention finds older mails by it)."""
    if message.invitation_id is not None:
        subject = f"invitation:{message.invitation_id}:{message.purpose}"
    else:
        subject = f"message:{message.id}"
    digest = hmac.new((key or current_app.config["SECRET_KEY"]).encode("utf-8"), subject.encode("utf-8"),
                      hashlib.sha256).hexdigest()[:32]
    return f"<{digest}@{mail_domain()}>"


def _defer(claim: Claim, now: datetime, error: str) -> str:
    """The hand-over failed: pending again with a later `next_attempt_at`, or failed after
    MAIL_MAX_ATTEMPTS (the claim counted the attempt)."""
    attempts = db.session.scalar(select(Message.attempts).where(Message.id == claim.message_id))
    delay = min(60 * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
    failed = attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    _settle(claim, status="failed" if failed else "pending", last_error=error[:1000],
            next_attempt_at=now + timedelta(seconds=delay))
    return "failed" if failed else "deferred"
