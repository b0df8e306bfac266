"""The second factor: TOTP (RFC 6238) through pyotp, the QR code as SVG, and one-time recovery codes.

Functions flush, never commit. Every check takes the moment to check at, so tests drive the real
algorithm with a controlled clock.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import or_, select, update

from app import throttle
from app.auth import sealing
from app.extensions import db
from app.models import RecoveryCode, User, utcnow

ISSUER = "Bølge"
RECOVERY_CODE_COUNT = 10
# 16 characters of base32 = 80 random bits: a SHA-256 of it cannot be reversed by guessing.
RECOVERY_CODE_CHARS = 16
REQUIRE_CHOICES = ("none", "coordinator", "all")
THROTTLE_SCOPE = "second_factor"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def clock() -> datetime:
    """The moment codes are checked at (the app's TOTP_CLOCK when one is configured)."""
    source = current_app.config.get("TOTP_CLOCK")
    return source() if source else utcnow()


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str, label: str) -> Markup:
    """The URI as an inline SVG QR code (no inline styles: the CSP forbids them)."""
    import qrcode  # here: only the page that shows a new secret draws one
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="qr" ', 1)
    return Markup(svg)


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step whose code this is (the current one or its neighbours), or None."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):  # compare_digest takes ASCII only
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(at)
    for candidate in (step, step - 1, step + 1):  # one step of clock drift either way
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def required_for(user: User) -> bool:
    """Whether REQUIRE_2FA makes this user sign in with a second factor."""
    rule = current_app.config["REQUIRE_2FA"]
    return rule == "all" or (rule == "coordinator" and user.is_coordinator)


def check_setting(value: str) -> None:
    if value not in REQUIRE_CHOICES:
        raise RuntimeError(f"REQUIRE_2FA must be one of {', '.join(REQUIRE_CHOICES)}, not {value!r}")


def blocked(user: User) -> bool:
    cfg = current_app.config
    return throttle.too_many(THROTTLE_SCOPE, f"user:{user.id}", cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"])


def _failed(user: User) -> None:
    throttle.record_failure(THROTTLE_SCOPE, f"user:{user.id}")


def confirm_enrolment(user: User, secret: str, code: str, at: datetime) -> list[str] | None:
    """Turn the factor on when `code` matches the new secret; returns the fresh recovery codes."""
    step = matching_step(secret, code, at)
    if step is None:
        _failed(user)
        return None
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = sealing.seal(secret), at, step
    throttle.clear(THROTTLE_SCOPE, f"user:{user.id}")
    return new_recovery_codes(user)


def verify(user: User, code: str, at: datetime) -> str | None:
    """"totp" or "recovery_code" when the code is good and unused; None (a counted failure) otherwise.

    A TOTP code is accepted only for a later time step than the last one used, so a code seen over
    a shoulder cannot be replayed.
    """
    if not user.has_second_factor:
        return None
    secret, reseal = sealing.unseal(user.totp_secret)
    if secret is None:
        current_app.logger.error("user %s: the second-factor secret cannot be opened with SECRET_KEY or "
                                 "SECRET_KEY_FALLBACKS; only a recovery code can sign in", user.id)
    elif reseal:
        user.totp_secret = sealing.seal(secret)
    step = matching_step(secret, code, at) if secret is not None else None
    if step is not None and _use_step(user, step):
        throttle.clear(THROTTLE_SCOPE, f"user:{user.id}")
        return "totp"
    if step is None and use_recovery_code(user, code, at):
        throttle.clear(THROTTLE_SCOPE, f"user:{user.id}")
        return "recovery_code"
    _failed(user)
    return None


def _use_step(user: User, step: int) -> bool:
    """Record `step` as the last one used, if it is later than the stored one: one conditional UPDATE,
    so of two requests posting the same code at once only one can win (the other's row no longer matches)."""
    won = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount == 1
    if won:
        user.totp_last_step = step
    return won


def disable(user: User) -> None:
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    for code in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(code)
    db.session.flush()


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise_code(code).encode("ascii", "ignore")).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the codes are returned once and only their hashes kept."""
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    db.session.flush()
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(BASE32) for _i in range(RECOVERY_CODE_CHARS))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_CODE_CHARS, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str, at: datetime) -> bool:
    if len(_normalise_code(code)) != RECOVERY_CODE_CHARS:
        return False
    stored = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_code(code),
        RecoveryCode.used_at.is_(None)))
    if stored is None:
        return False
    stored.used_at = at
    db.session.flush()
    return True


def unused_recovery_codes(user: User) -> int:
    return len(list(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))))


