"""Password reset links: signed, expiring, and single-use (bound to the current password and session)."""
from __future__ import annotations

import hashlib

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from app import throttle
from app.base_url import base_url
from app.extensions import db
from app.models import Message, User

SALT = "password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _password_mark(user: User) -> str:
    # A digest of the stored hash: once the password changes, every earlier link stops working.
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


def make_token(user: User) -> str:
    """A reset token for `user`, valid until PASSWORD_RESET_MAX_AGE or until the password changes."""
    return _serializer().dumps({"u": user.id, "v": user.session_version, "h": _password_mark(user)})


def user_for_token(token: str) -> User | None:
    """The user a valid, unexpired, unused token belongs to; None for anything else."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.active:
        return None
    if data.get("v") != user.session_version or data.get("h") != _password_mark(user):
        return None
    return user


def request_blocked(email: str, remote_addr: str | None) -> bool:
    """Reset requests are throttled like logins, so the form cannot be used to flood a mailbox."""
    cfg = current_app.config
    keys = [f"email:{email.strip().lower()}"] + ([f"ip:{remote_addr}"] if remote_addr else [])
    return any(throttle.too_many("reset", key, cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"])
               for key in keys)


PURPOSE = "password-reset"


def queue_reset_link(email: str, remote_addr: str | None, lang: str) -> int | None:
    """Queue a reset mail in the outbox when the address belongs to an active user; the caller says the
    same either way. Returns the message's id, or None. Nothing is sent inside the request, so a known
    address answers as fast as an unknown one, and the stored row holds no link (it is made at sending).
    """
    email = email.strip().lower()
    throttle.record_failure("reset", f"email:{email}")
    if remote_addr:
        throttle.record_failure("reset", f"ip:{remote_addr}")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.active:
        return None
    message = Message(purpose=f"{PURPOSE}:{lang}", recipient=user.email)
    db.session.add(message)
    db.session.flush()
    return message.id


def render_reset_mail(message: Message) -> tuple[str, str] | None:
    """(subject, body) of a queued reset mail, with a link made now; None when the account is gone."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == message.recipient.lower()))
    if user is None or not user.active:
        return None
    lang = message.purpose.partition(":")[2] or "da"
    base = base_url()
    with current_app.test_request_context(base_url=base), force_locale(lang):
        link = base + url_for("auth.reset_password", token=make_token(user))
        minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
        body = _(
            "Hej %(name)s\n\nDu (eller en anden) har bedt om at nulstille din adgangskode til Bølge.\n"
            "Brug linket herunder inden for %(minutes)s minutter. Det virker kun én gang.\n\n%(link)s\n\n"
            "Har du ikke bedt om det, kan du se bort fra denne e-mail.",
            name=user.name, minutes=minutes, link=link,
        )
        return _("Nulstil din adgangskode til Bølge"), body
