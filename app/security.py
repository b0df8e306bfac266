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


def add_security_headers(app: Flask, response: Response) -> Response:
    # Nothing but static files is kept by the browser: an answer form or a coordinator's page left in
    # the cache of a shared device could be shown or posted again by the next person.
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
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
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True
