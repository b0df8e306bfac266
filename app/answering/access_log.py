"""Gunicorn's logs never write a whole link token (/s/, /p/, /reset/, /invitation/).

Use: `gunicorn --logger-class app.answering.access_log.RedactingGunicornLogger ...` (boelge-web.service does).
"""
from __future__ import annotations

from gunicorn.glogging import Logger

from app.security import RedactTokensFilter, redact


class RedactingGunicornLogger(Logger):
    """Every text atom of an access-log line (request line, path, query, referer) is redacted, and so are
    the error log's messages ("Error handling request /s/...")."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, RedactTokensFilter) for f in self.error_log.filters):
            self.error_log.addFilter(RedactTokensFilter())

    def atoms(self, resp, req, environ, request_time):
        values = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in values.items()}
