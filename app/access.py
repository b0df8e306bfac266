"""Access checks, always on the server: roles, and a team leader's own municipality only."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str) -> Callable:
    """Allow only logged-in users with one of the roles; others get 403 (anonymous: the login page)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


coordinator_required = role_required("coordinator")


def visible_municipality_ids(user) -> set[int] | None:
    """None means all municipalities (coordinator); otherwise the team leader's own."""
    if user.is_coordinator:
        return None
    return {user.municipality_id}


def ensure_municipality(user, municipality_id: int | None) -> None:
    """404, never 403, when a record of another municipality is asked for: its existence stays hidden."""
    allowed = visible_municipality_ids(user)
    if allowed is not None and municipality_id not in allowed:
        abort(404)
