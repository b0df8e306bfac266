"""Language and time zone selection: Danish first, English available."""
from __future__ import annotations

from flask import current_app, request, session


def select_locale() -> str:
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def current_lang() -> str:
    """The language of the current request ("da" or "en")."""
    try:
        return select_locale() if request else "da"
    except RuntimeError:
        return "da"
