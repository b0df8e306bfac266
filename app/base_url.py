"""The address that links in mails, workbooks and printed messages start with.

SERVER_BASE_URL when it is set (production requires it: a link in a password-reset mail must never
follow a Host header a stranger sent). Otherwise the address actually served: inside a request the
request's own (behind a proxy, as ProxyFix restores it), and in the scheduler started by `flask serve`
(`make run`) the host and port the web app was started on, passed as BOELGE_SERVED_URL. Every link
a mail, workbook or page gives out is made here (invitations to accounts, personal links, resets).
"""
from __future__ import annotations

from flask import current_app, has_request_context, request

DEFAULT = "http://127.0.0.1:5000"  # `flask run`'s own default, for a scheduler started on its own


def base_url() -> str:
    """The scheme, host and port links start with, without a trailing slash."""
    configured = current_app.config.get("SERVER_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if current_app.config.get("ENV_NAME") == "production":  # refused at start-up too (create_app)
        raise RuntimeError("SERVER_BASE_URL must be set in production, e.g. https://boelge.example.dk")
    if has_request_context():
        return request.host_url.rstrip("/")
    return (current_app.config.get("SERVED_BASE_URL") or DEFAULT).rstrip("/")
