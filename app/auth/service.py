"""Account operations: create users, authenticate, end sessions. They flush, never commit."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from app import throttle
from app.auth.passwords import MIN_PASSWORD_LENGTH, dummy_hash, hash_password, verify_password
from app.extensions import db
from app.models import Municipality, User, utcnow
from app.models.user import ROLES


class AccountError(ValueError):
    """A user could not be created or changed; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, name: str, password: str, role: str, municipality: Municipality | None) -> User:
    """Create a user; team leaders belong to exactly one municipality."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if role == "team_leader" and municipality is None:
        raise AccountError("a team leader needs a municipality")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError(f"a user with e-mail {email} already exists")
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        municipality=municipality if role == "team_leader" else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def login_blocked(email: str, remote_addr: str | None) -> bool:
    cfg = current_app.config
    keys = [f"email:{normalise_email(email)}"] + ([f"ip:{remote_addr}"] if remote_addr else [])
    limit, window = cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"]
    # The per-address limit is wider: several colleagues may share an office's address.
    return any(
        throttle.too_many("login", key, limit * (4 if key.startswith("ip:") else 1), window) for key in keys
    )


def authenticate(email: str, password: str, remote_addr: str | None) -> User | None:
    """The user for these credentials, or None (failures are counted for throttling)."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    ok, new_hash = verify_password(user.password_hash if user else dummy_hash(), password)
    if not user or not ok or not user.active:
        throttle.record_failure("login", f"email:{email}")
        if remote_addr:
            throttle.record_failure("login", f"ip:{remote_addr}")
        return None
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = utcnow()
    throttle.clear("login", f"email:{email}")
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session of the user on the server (logout, password change)."""
    user.session_version = (user.session_version or 1) + 1


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the session's id is "<id>:<session_version>"."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or str(user.session_version) != raw_version:
        return None
    return user
