"""Own-account operations: finishing a login, recent logins, password change. They flush, never commit."""
from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.auth.passwords import verify_password
from app.auth.service import AccountError, end_all_sessions, set_password
from app.extensions import db
from app.models import LoginEvent, User

RECENT_LOGINS = 10


def recent_logins(user: User, limit: int = RECENT_LOGINS) -> list[LoginEvent]:
    return list(db.session.scalars(select(LoginEvent).where(LoginEvent.user_id == user.id)
                                   .order_by(LoginEvent.at.desc(), LoginEvent.id.desc()).limit(limit)))


class WrongPassword(AccountError):
    """The current password given was not the user's."""


def change_password(user: User, current: str, new: str) -> None:
    """Change the password when `current` is right; every session of the user ends (the caller
    signs the current one in again)."""
    ok, _rehash = verify_password(user.password_hash, current)
    if not ok:
        raise WrongPassword("wrong password")
    set_password(user, new)
    audit.record(user, "password_change", "user", user.id, None, {"name": user.name}, user.municipality_id)


def end_other_sessions(user: User) -> None:
    """Every session but the caller's ends: the caller signs the current one in again."""
    end_all_sessions(user)
    audit.record(user, "sessions_ended", "user", user.id, None, {"name": user.name}, user.municipality_id)
