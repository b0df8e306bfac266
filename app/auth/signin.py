"""What happens after a password (or another first factor) was right: the second step, or signed in.

Login (`auth/views.py`) and the second step (`account/views.py`) both end here, so that the account
package imports auth and never the other way round.
"""
from __future__ import annotations

import time

from flask import current_app, redirect, request, session, url_for
from flask_login import login_user

from app.auth.service import load_user
from app.extensions import db
from app.models import LoginEvent, User, utcnow
from app.security import is_safe_next

PENDING = "pending_login"


def after_password(user, next_url: str | None, method: str = "password"):
    """The password (or the OpenID provider) was right: sign in now, or first ask for the second factor."""
    if user.has_second_factor:
        session[PENDING] = {"user": user.get_id(), "at": int(time.time()),
                            "next": next_url if is_safe_next(next_url) else None}
        return redirect(url_for("account.second_step"))
    return finish(user, method, next_url)


def finish(user, method: str, next_url: str | None):
    """Sign the user in (recording how) and go where they were going."""
    record_login(user, request.remote_addr, request.headers.get("User-Agent"), method)
    db.session.commit()
    session.pop(PENDING, None)
    login_user(user)
    return redirect(next_url if is_safe_next(next_url) else url_for("main.home"))


def pending_user():
    """(user, next URL) of a login waiting for its second step, or (None, None) when none or expired."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None, None
    if time.time() - int(pending.get("at", 0)) > current_app.config["SECOND_FACTOR_WINDOW_SECONDS"]:
        session.pop(PENDING, None)
        return None, None
    return load_user(str(pending.get("user", ""))), pending.get("next")


def record_login(user: User, remote_addr: str | None, user_agent: str | None, method: str) -> LoginEvent:
    """A completed login: kept for the user's own page."""
    now = utcnow()
    user.last_login_at = now
    event = LoginEvent(user_id=user.id, at=now, remote_addr=(remote_addr or None) and remote_addr[:45],
                       user_agent=(user_agent or "")[:300] or None, method=method)
    db.session.add(event)
    db.session.flush()
    return event
