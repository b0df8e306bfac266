"""Security helpers: tokens, safe redirects, response headers and log redaction."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFError

TOKEN_BYTES = 24  # 192 bits of randomness per link


def new_token() -> str:
    """A fresh URL-safe token with 192 random bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The stored form of a token: a database leak never reveals a working link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derive_token(secret_key: str, purpose: str, nonce: str) -> str:
    """A token rebuilt from the app's secret and a random per-row nonce (HMAC-SHA256, URL-safe)."""
    digest = hmac.new(secret_key.encode("utf-8"), f"{purpose}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def is_safe_next(target: str | None) -> bool:
    """True only for a same-site relative path; refuses //evil, /\\evil, schemes and hosts."""
    if not target:
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


# The whole address to this site, nothing to any other: Flask-WTF's check under HTTPS needs a same-origin
# Referer on every form, and no path (a token in /s/..., /reset/...) ever reaches another origin.
REFERRER_POLICY = "same-origin"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, the default port filled in; None for "null" or anything unreadable."""
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname.lower(), port


def refuse_foreign_origin() -> None:
    """Before every state-changing request: an Origin (or, without one, a Referer) of another site is refused.

    Browsers send Origin with every POST; "null" (a sandboxed frame, a page with no-referrer) is refused
    too. This covers the views that check their CSRF token themselves (the answer form, the editors), which
    Flask-WTF's own Referer check skips. A request with neither header still needs its CSRF token, and under
    HTTPS Flask-WTF still requires a same-origin Referer on the forms it protects.
    """
    if request.method not in UNSAFE_METHODS:
        return
    own = _origin(request.host_url)
    origin = request.headers.get("Origin")
    if origin is not None:
        if _origin(origin) != own:
            raise CSRFError("The Origin header names another site.")
    elif request.referrer and _origin(request.referrer) != own:
        raise CSRFError("The referrer names another site.")


def add_security_headers(app: Flask, response: Response) -> Response:
    # Nothing but static files is kept by the browser: an answer form or a coordinator's page left in
    # the cache of a shared device could be shown or posted again by the next person.
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if app.config.get("HSTS"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


_TOKEN_IN_PATH = re.compile(r"(/(?:s|p|reset|invitation)/)([A-Za-z0-9_\-]{6})[A-Za-z0-9_.\-]+")


def redact(text: str) -> str:
    """Keep only the first six characters of any token in a URL path."""
    return _TOKEN_IN_PATH.sub(r"\1\2…", text)


class RedactTokensFilter(logging.Filter):
    """Logging filter: request lines never carry a whole token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.args = {k: redact(a) if isinstance(a, str) else a for k, a in record.args.items()}
        elif record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True
