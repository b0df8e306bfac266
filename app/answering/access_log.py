"""Gunicorn access log that never writes a whole personal-link token.

Use: `gunicorn --logger-class app.answering.access_log.RedactingGunicornLogger ...`.
"""
from __future__ import annotations

from gunicorn.glogging import Logger

from app.security import redact


class RedactingGunicornLogger(Logger):
    """Every text atom of an access-log line (request line, path, query, referer) is redacted."""

    def atoms(self, resp, req, environ, request_time):
        values = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in values.items()}
