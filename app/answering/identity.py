"""Recognising a respondent: the session a link started, the form's signed reference, a browser key cookie."""
from __future__ import annotations

import secrets

from flask import Response, current_app, request, session
from itsdangerous import BadData, BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from app.answering.service import AnswerContext, anonymous_respondent, invited_respondent

SESSION_KEY = "respondent"
BROWSER_COOKIE = "boelge_browser"
BROWSER_COOKIE_MAX_AGE = 400 * 24 * 3600
# The form carries a signed reference to its respondent (not the link's token): it says which of the
# respondents whose links this browser opened the answers are for. It is never enough on its own:
# a saved copy of the page is no key (see `opened_here`).
REF_MAX_AGE = 7 * 24 * 3600


# Respondents this browser answered for, and those it was told to forget ("Afslut"): a form left
# in the history or cache names its respondent with a signed reference valid for days, so after
# "Afslut" that reference must not bring the session back.
SEEN_KEY, FORGOTTEN_KEY = "respondents_seen", "respondents_forgotten"
MAX_REMEMBERED = 20


def remember_respondent(value: dict) -> None:
    """Make `value` this browser's respondent; a respondent forgotten here is remembered again only
    through its link (the answer POST refuses forgotten ones before it gets here)."""
    if session.get(SESSION_KEY) != value:
        session[SESSION_KEY] = value
    seen = session.get(SEEN_KEY) or []
    if value not in seen:
        session[SEEN_KEY] = (seen + [value])[-MAX_REMEMBERED:]
    forgotten = session.get(FORGOTTEN_KEY) or []
    if value in forgotten:
        session[FORGOTTEN_KEY] = [v for v in forgotten if v != value]


def forget_respondent() -> None:
    """Forget every respondent this browser answered for, and the CSRF secret their forms were signed with."""
    current = session.pop(SESSION_KEY, None)
    seen = session.pop(SEEN_KEY, None) or []
    forgotten = [v for v in (session.get(FORGOTTEN_KEY) or []) + seen + ([current] if current else [])
                 if isinstance(v, dict)]
    unique = [v for i, v in enumerate(forgotten) if v not in forgotten[:i]]
    session[FORGOTTEN_KEY] = unique[-MAX_REMEMBERED:]
    session.pop("csrf_token", None)


def opened_here(value: dict) -> bool:
    """True when this browser's session was started (or continued) by the link of the respondent `value`
    names: only then may it store their answers. A form posted from anywhere else, a saved copy of
    the page or a browser whose session was lost, stores nothing until the link is opened again."""
    return value == session_value() or value in (session.get(SEEN_KEY) or [])


def is_forgotten(value: dict) -> bool:
    """True when this browser was told to forget the respondent `value` names."""
    return value in (session.get(FORGOTTEN_KEY) or [])


def session_value() -> dict | None:
    value = session.get(SESSION_KEY)
    return value if isinstance(value, dict) else None


def respondent_from_session() -> AnswerContext | None:
    return resolve(session.get(SESSION_KEY))


def resolve(value: object) -> AnswerContext | None:
    """The respondent a session value names (reads the database)."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("i"), int):
        return invited_respondent(value["i"])
    if isinstance(value.get("w"), int) and isinstance(value.get("b"), str) and value["b"]:
        municipality = value.get("m")
        return anonymous_respondent(value["w"], value["b"], municipality if isinstance(municipality, int) else None)
    return None


def _ref_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="respondent-ref")


def respondent_ref(respondent: AnswerContext) -> str:
    return _ref_serializer().dumps(respondent.session_value())


class ForeignReference(Exception):
    """A form's reference that is not ours, or names someone this browser is not answering for."""


def posted_respondent(ref: str) -> dict | None:
    """Whose answers a posted form holds: its own signed reference first, the session only without one.

    One browser can have several links open in tabs, and the session names only the last one
    opened, so the form's reference decides. A reference that is present but not genuine raises
    ForeignReference rather than falling back to the session's respondent. A genuine reference
    older than REF_MAX_AGE is accepted only when the session names the same respondent.
    """
    if not ref:
        return session_value()
    if len(ref) > 500:
        raise ForeignReference
    serializer = _ref_serializer()
    try:
        value = serializer.loads(ref, max_age=REF_MAX_AGE)
    except SignatureExpired as expired:
        try:
            value = serializer.load_payload(expired.payload) if expired.payload else None
        except BadData:
            value = None
        if not isinstance(value, dict) or value != session_value():
            raise ForeignReference from None
    except BadData:
        raise ForeignReference from None
    if not isinstance(value, dict):
        raise ForeignReference
    return value


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
