"""Account management by coordinators. Every change is audited; functions flush, never commit."""
from __future__ import annotations

import secrets

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from app import audit
from app.auth import totp
from app.auth.service import AccountError, end_all_sessions, normalise_email, set_password
from app.base_url import base_url
from app.extensions import db
from app.models import Message, Municipality, User, utcnow
from app.models.user import NO_PASSWORD_YET, ROLES

INVITATION_SALT = "user-invitation"
INVITATION_PURPOSE = "user-invitation"


class Refused(AccountError):
    """A change a coordinator may not make; the message says why in the user's language."""


def snapshot(user: User) -> dict:
    return {"name": user.name, "email": user.email, "role": user.role,
            "municipality": user.municipality.name if user.municipality else None, "active": user.active}


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), func.lower(User.name), User.id)))


def _email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.email) == normalise_email(email))
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def _check_role(role: str, municipality: Municipality | None) -> None:
    if role not in ROLES:
        raise Refused(_("Vælg en rolle."))
    if role == "team_leader" and municipality is None:
        raise Refused(_("En teamleder skal høre til en kommune."))


def invite(actor: User, name: str, email: str, role: str, municipality: Municipality | None) -> tuple[User, Message]:
    """A new account without a password and a queued mail with its single-use, expiring link."""
    email = normalise_email(email)
    _check_role(role, municipality)
    if _email_taken(email):
        raise Refused(_("Adressen %(email)s bruges allerede af en konto.", email=email))
    user = User(email=email, name=name.strip(), password_hash=NO_PASSWORD_YET, role=role,
                municipality=municipality if role == "team_leader" else None, active=True)
    db.session.add(user)
    db.session.flush()
    message = _queue_invitation(actor, user)
    audit.record(actor, "invite", "user", user.id, None, snapshot(user), user.municipality_id)
    return user, message


def resend_invitation(actor: User, user: User) -> Message:
    """A new link for an invitation not yet used; every earlier link stops working."""
    if not user.invitation_pending:
        raise Refused(_("%(name)s har allerede valgt en adgangskode.", name=user.name))
    message = _queue_invitation(actor, user)
    audit.record(actor, "invite_again", "user", user.id, None, snapshot(user), user.municipality_id)
    return message


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def _queue_invitation(actor: User, user: User) -> Message:
    user.invite_nonce, user.invited_at = secrets.token_hex(16), utcnow()
    token = _serializer().dumps({"u": user.id, "n": user.invite_nonce})
    link = base_url() + url_for("users.accept_invitation", token=token)
    days = max(1, current_app.config["USER_INVITATION_MAX_AGE"] // 86400)
    with force_locale("da"):
        subject = _("Du er inviteret til Bølge")
        body = _(
            "Hej %(name)s\n\n%(actor)s har oprettet en konto til dig i Bølge, spørgeskemaer og ledelsestilsyn "
            "for det nordjyske frikommunenetværk.\n\nVælg din adgangskode med linket herunder. Det virker én "
            "gang og udløber om %(days)s dage.\n\n%(link)s\n",
            name=user.name, actor=actor.name, days=days, link=link)
    message = Message(invitation_id=None, purpose=INVITATION_PURPOSE, recipient=user.email, subject=subject,
                      body=body, status="pending", due_at=utcnow())
    db.session.add(message)
    db.session.flush()
    return message


def user_for_invitation(token: str) -> User | None:
    """The invited user of a valid, unexpired, unused link; None for anything else."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["USER_INVITATION_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("n"), str):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or not user.invitation_pending:
        return None
    return user if secrets.compare_digest(user.invite_nonce, data["n"]) else None


def accept_invitation(user: User, password: str) -> None:
    set_password(user, password)
    user.invite_nonce = None
    audit.record(user, "invitation_accepted", "user", user.id, None, snapshot(user), user.municipality_id)


def _active_coordinator_ids() -> list[int]:
    # Row locks on PostgreSQL: two coordinators demoting each other at once cannot leave none.
    query = select(User.id).where(User.role == "coordinator", User.active.is_(True)).with_for_update()
    return list(db.session.scalars(query))


def _refuse_losing_last_coordinator(user: User) -> None:
    if user.role == "coordinator" and user.active and _active_coordinator_ids() == [user.id]:
        raise Refused(_("%(name)s er den sidste aktive koordinator. Gør en anden til koordinator først.",
                        name=user.name))


def change(actor: User, user: User, role: str, municipality: Municipality | None) -> bool:
    """Change role or municipality; returns whether anything changed."""
    _check_role(role, municipality)
    municipality = municipality if role == "team_leader" else None
    if user.role == role and user.municipality_id == (municipality.id if municipality else None):
        return False
    if role != "coordinator":
        _refuse_losing_last_coordinator(user)
    before = snapshot(user)
    user.role, user.municipality = role, municipality
    end_all_sessions(user)  # what they may see has changed: they sign in again
    db.session.flush()
    audit.record(actor, "change", "user", user.id, before, snapshot(user), user.municipality_id)
    return True


def deactivate(actor: User, user: User) -> None:
    """The account can no longer log in, and every live session of it ends at once."""
    if user.id == actor.id:
        raise Refused(_("Du kan ikke deaktivere dig selv."))
    if not user.active:
        return
    _refuse_losing_last_coordinator(user)
    before = snapshot(user)
    user.active = False
    user.invite_nonce = None
    end_all_sessions(user)
    db.session.flush()
    audit.record(actor, "deactivate", "user", user.id, before, snapshot(user), user.municipality_id)


def reactivate(actor: User, user: User) -> None:
    if user.active:
        return
    before = snapshot(user)
    user.active = True
    db.session.flush()
    audit.record(actor, "reactivate", "user", user.id, before, snapshot(user), user.municipality_id)


def reset_second_factor(actor: User, user: User) -> None:
    """For a lost phone: the user sets the second factor up again at the next login."""
    if not user.has_second_factor:
        return
    totp.disable(user)
    end_all_sessions(user)
    audit.record(actor, "totp_reset", "user", user.id, None, snapshot(user), user.municipality_id)
