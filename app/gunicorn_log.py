"""gunicorn's logger with every link token cut short: `gunicorn --logger-class app.gunicorn_log.RedactingLogger`.

The access log's request line, path, query and headers (the Referer of a page opened from a reset or
invitation link) and the error log's messages ("Error handling request /s/...") keep only the first six
characters of a token, as the app's own log does (app.security.redact).
"""
from __future__ import annotations

from gunicorn.glogging import Logger

from app.security import RedactTokensFilter, redact


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, RedactTokensFilter) for f in self.error_log.filters):
            self.error_log.addFilter(RedactTokensFilter())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
