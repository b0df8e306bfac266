"""Recognising a respondent: the Flask session, a signed fallback in the form, and a browser key cookie."""
from __future__ import annotations

import secrets

from flask import Response, current_app, request, session
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from app.answering.service import Respondent
from app.extensions import db
from app.models import Invitation, Wave

SESSION_KEY = "respondent"
BROWSER_COOKIE = "boelge_browser"
BROWSER_COOKIE_MAX_AGE = 400 * 24 * 3600
# The form carries a signed reference to its respondent (not the link's token), so an expired
# session is restored on the next POST instead of discarding the answers typed.
REF_MAX_AGE = 7 * 24 * 3600


def remember_respondent(value: dict) -> None:
    session[SESSION_KEY] = value


def forget_respondent() -> None:
    session.pop(SESSION_KEY, None)


def respondent_from_session() -> Respondent | None:
    return _resolve(session.get(SESSION_KEY))


def _resolve(value: object) -> Respondent | None:
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("i"), int):
        invitation = db.session.get(Invitation, value["i"])
        return Respondent(invitation.wave, invitation=invitation) if invitation else None
    if isinstance(value.get("w"), int) and isinstance(value.get("b"), str) and value["b"]:
        wave = db.session.get(Wave, value["w"])
        return Respondent(wave, browser_key=value["b"]) if wave and wave.anonymous else None
    return None


def _ref_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="respondent-ref")


def respondent_ref(respondent: Respondent) -> str:
    return _ref_serializer().dumps(respondent.session_value())


def respondent_from_ref(ref: str) -> Respondent | None:
    if not ref or len(ref) > 500:
        return None
    try:
        value = _ref_serializer().loads(ref, max_age=REF_MAX_AGE)
    except BadSignature:
        return None
    return _resolve(value)


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
