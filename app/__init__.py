"""The Bølge web application: create_app() builds it for one environment."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from config import DEFAULT_SECRET_KEY, MIN_SECRET_KEY_BITS, config_for, secret_key_bits, secret_key_is_repeated


def create_app(config: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app for an environment ("development", "test", "production") with optional overrides."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_for(config))
    if overrides:
        app.config.update(overrides)
    _refuse_insecure_production(app)
    _trust_proxies(app)
    _ensure_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])

    from app.extensions import babel, csrf, db, login_manager
    from app.i18n import select_locale, select_timezone

    db.init_app(app)
    from app.migrations import defer_migrations

    defer_migrations(app, db)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    with app.app_context():
        from app.database import configure_engine

        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    from app import models  # noqa: F401  (registers every table)
    from app.waves import mails  # noqa: F401  (tells the outbox how a wave's invitations are written)
    from app.web import register_web

    register_web(app)

    from app.cli import register_cli

    register_cli(app)
    # Request lines (werkzeug) and error reports ("Exception on /s/<token> [GET]") never carry a token.
    logging.getLogger("werkzeug").addFilter(_token_filter())
    app.logger.addFilter(_token_filter())
    return app


MIN_SECRET_KEY_BYTES = 32


def _refuse_insecure_production(app: Flask) -> None:
    if app.config.get("ENV_NAME") != "production":
        return
    key = app.config["SECRET_KEY"]
    how = ('make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"')
    if key in (None, "", DEFAULT_SECRET_KEY):
        raise RuntimeError(f"SECRET_KEY must be set to a long random value in production; {how}")
    if len(key.encode("utf-8") if isinstance(key, str) else key) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes in production; {how}")
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
    if secret_key_is_repeated(text) or secret_key_bits(text) < MIN_SECRET_KEY_BITS:
        raise RuntimeError("SECRET_KEY is not random enough for production (a string repeated, or too few different "
                           f"characters: about {secret_key_bits(text):.0f} bits, at least {MIN_SECRET_KEY_BITS} needed); {how}")
    if not app.config.get("SERVER_BASE_URL"):
        raise RuntimeError("SERVER_BASE_URL must be set in production, e.g. https://boelge.example.dk")


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take the client's address, scheme and host from X-Forwarded-*."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _ensure_sqlite_folder(url: str) -> None:
    """A fresh checkout has no instance/ folder yet: create the SQLite file's folder."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _token_filter() -> logging.Filter:
    from app.security import RedactTokensFilter

    return RedactTokensFilter()
