"""Recognising a respondent: the Flask session, a signed fallback in the form, and a browser key cookie."""
from __future__ import annotations

import secrets

from flask import Response, current_app, request, session
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from app.answering.service import Respondent, anonymous_respondent, invited_respondent

SESSION_KEY = "respondent"
BROWSER_COOKIE = "boelge_browser"
BROWSER_COOKIE_MAX_AGE = 400 * 24 * 3600
# The form carries a signed reference to its respondent (not the link's token), so an expired
# session is restored on the next POST instead of discarding the answers typed.
REF_MAX_AGE = 7 * 24 * 3600


def remember_respondent(value: dict) -> None:
    if session.get(SESSION_KEY) != value:
        session[SESSION_KEY] = value


def forget_respondent() -> None:
    session.pop(SESSION_KEY, None)


def session_value() -> dict | None:
    value = session.get(SESSION_KEY)
    return value if isinstance(value, dict) else None


def respondent_from_session() -> Respondent | None:
    return resolve(session.get(SESSION_KEY))


def resolve(value: object) -> Respondent | None:
    """The respondent a session value names (reads the database)."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("i"), int):
        return invited_respondent(value["i"])
    if isinstance(value.get("w"), int) and isinstance(value.get("b"), str) and value["b"]:
        return anonymous_respondent(value["w"], value["b"])
    return None


def _ref_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="respondent-ref")


def respondent_ref(respondent: Respondent) -> str:
    return _ref_serializer().dumps(respondent.session_value())


def ref_value(ref: str) -> dict | None:
    """The session value carried by a form's signed reference, if it is genuine and recent."""
    if not ref or len(ref) > 500:
        return None
    try:
        value = _ref_serializer().loads(ref, max_age=REF_MAX_AGE)
    except BadSignature:
        return None
    return value if isinstance(value, dict) else None


def _browser_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="browser-key")


def browser_key_from_cookie() -> str:
    """This browser's key for anonymous surveys: read from the signed cookie, or a new random one."""
    raw = request.cookies.get(BROWSER_COOKIE, "")
    if raw:
        try:
            key = _browser_serializer().loads(raw)
            if isinstance(key, str) and 20 <= len(key) <= 64:
                return key
        except BadSignature:
            pass
    return secrets.token_urlsafe(24)


def set_browser_cookie(response: Response, key: str) -> None:
    response.set_cookie(BROWSER_COOKIE, _browser_serializer().dumps(key), max_age=BROWSER_COOKIE_MAX_AGE,
                        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
