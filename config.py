"""Settings for development, testing and production; every value can be overridden from the environment."""
from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
# Run from a checkout (make run, the tests) the data lives beside the code; installed by `pip install .`
# (site-packages) the migrations and the catalogue come with the package, and the data folder is the
# working directory's instance/ (production sets DATABASE_URL and EXPORT_DIR anyway).
IN_CHECKOUT = (BASE_DIR / "pyproject.toml").is_file() and (BASE_DIR / "migrations").is_dir()
PACKAGE_DIR = BASE_DIR / "app"
DATA_DIR = BASE_DIR if IN_CHECKOUT else Path.cwd()
DEFAULT_SECRET_KEY = "dev-only-not-secret"


MIN_SECRET_KEY_BITS = 64  # a generated key of 32 characters or more estimates at 80 bits or far more


def secret_key_bits(key: str) -> float:
    """A rough estimate of a key's randomness: its length times the per-character Shannon entropy of
    its characters or of the steps between neighbouring characters, whichever is lower. "x" * 32 and
    "abcdef..." estimate near 0; a key from secrets.token_urlsafe or token_hex(16) at 80 or more."""

    def per_character(items: list) -> float:
        counts, total = Counter(items), len(items)
        return -sum(n / total * math.log2(n / total) for n in counts.values()) if total else 0.0

    steps = [ord(b) - ord(a) for a, b in zip(key, key[1:])]
    return len(key) * min(per_character(list(key)), per_character(steps))


def secret_key_is_repeated(key: str) -> bool:
    """Whether the key is a shorter string repeated ("ab" * 16, "Passw0rd" * 4)."""
    return len(key) > 1 and (key + key).find(key, 1) < len(key)


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Defaults shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY", DEFAULT_SECRET_KEY)
    # Keys replaced by SECRET_KEY, comma-separated: sessions signed and second-factor secrets sealed with
    # them are still accepted (the secrets are sealed again under SECRET_KEY at their next use).
    SECRET_KEY_FALLBACKS = [k.strip() for k in (_env("SECRET_KEY_FALLBACKS") or "").split(",") if k.strip()]
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'instance' / 'boelge.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 30_000)

    # Uploads (respondent lists, case lists) are refused above this size before they are read.
    MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    # The YAML catalogue `flask questionnaires load` reads: the checkout's questionnaires/, or the copy
    # installed with the package (app/catalogue); point it at a folder of your own to load other files.
    QUESTIONNAIRES_DIR = Path(_env("QUESTIONNAIRES_DIR", str(BASE_DIR / "questionnaires" if IN_CHECKOUT
                                                             else PACKAGE_DIR / "catalogue")))
    # Alembic's folder (`flask db upgrade`): migrations/ in a checkout, app/migrations when installed.
    MIGRATIONS_DIR = BASE_DIR / "migrations" if IN_CHECKOUT else PACKAGE_DIR / "migrations"
    EXPORT_DIR = Path(_env("EXPORT_DIR", str(DATA_DIR / "instance" / "exports")))
    DEMO_CREDENTIALS_FILE = Path(_env("DEMO_CREDENTIALS_FILE", str(DATA_DIR / "instance" / "demo-credentials.txt")))
    TIMEZONE = _env("TIMEZONE", "Europe/Copenhagen")

    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("da", "en")

    # A respondent may spend hours on a long form: the CSRF token lives as long as the session,
    # and an expired token never discards answers (the answering view re-renders with them).
    WTF_CSRF_TIME_LIMIT = _env_int("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = _env_int("SESSION_LIFETIME_SECONDS", 12 * 3600)
    PREFERRED_URL_SCHEME = _env("PREFERRED_URL_SCHEME", "http")
    # Where links in mails and workbooks point; unset, the host and port actually served (app/base_url.py).
    SERVER_BASE_URL = _env("SERVER_BASE_URL")
    SERVED_BASE_URL = _env("BOELGE_SERVED_URL")  # set by `flask serve` for the scheduler it starts
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host (ProxyFix); 0 = none.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)
    HSTS = False

    # Mail: "smtp" sends through SMTP_HOST; "folder" writes .eml files to MAIL_FOLDER; "console" prints.
    MAIL_BACKEND = _env("MAIL_BACKEND", "smtp")
    MAIL_FOLDER = Path(_env("MAIL_FOLDER", str(DATA_DIR / "instance" / "mail")))
    MAIL_FROM = _env("MAIL_FROM", "Bølge <noreply@boelge.local>")
    SMTP_HOST = _env("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", False)
    SMTP_TIMEOUT = _env_int("SMTP_TIMEOUT", 10)
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 20)
    # A sender's claim on a message lasts this long: no other sender takes the message over before it
    # ends, and the sender breaks off its SMTP conversation rather than hand the message over after it.
    MAIL_CLAIM_SECONDS = _env_int("MAIL_CLAIM_SECONDS", 3 * SMTP_TIMEOUT + 30)

    SCHEDULER_INTERVAL_SECONDS = _env_int("SCHEDULER_INTERVAL_SECONDS", 30)
    ANONYMITY_THRESHOLD = _env_int("ANONYMITY_THRESHOLD", 5)
    # A running export job's worker stamps it every EXPORT_HEARTBEAT_SECONDS; a job unstamped for
    # EXPORT_STALE_SECONDS is taken up by another worker (once). Idle workers poll the queue.
    EXPORT_HEARTBEAT_SECONDS = _env_int("EXPORT_HEARTBEAT_SECONDS", 15)
    EXPORT_STALE_SECONDS = _env_int("EXPORT_STALE_SECONDS", 120)
    EXPORT_POLL_SECONDS = _env_int("EXPORT_POLL_SECONDS", 2)
    EXPORT_RETENTION_DAYS = _env_int("EXPORT_RETENTION_DAYS", 7)
    # Where the accessibility statement sends feedback and requests for inaccessible content.
    ACCESSIBILITY_CONTACT_EMAIL = _env("ACCESSIBILITY_CONTACT_EMAIL", "")
    # Personal data of a wave or supervision round is erased this many days after it closes.
    RETENTION_DAYS = _env_int("RETENTION_DAYS", 365)
    LOGIN_MAX_ATTEMPTS = _env_int("LOGIN_MAX_ATTEMPTS", 5)
    LOGIN_WINDOW_SECONDS = _env_int("LOGIN_WINDOW_SECONDS", 15 * 60)
    TOKEN_MAX_FAILURES = _env_int("TOKEN_MAX_FAILURES", 20)
    TOKEN_WINDOW_SECONDS = _env_int("TOKEN_WINDOW_SECONDS", 15 * 60)
    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 3600)
    # An invitation to a new account works once, within this many seconds (default three days).
    USER_INVITATION_MAX_AGE = _env_int("USER_INVITATION_MAX_AGE", 3 * 24 * 3600)
    # Who must sign in with a second factor (TOTP): "none", "coordinator" or "all".
    REQUIRE_2FA = _env("REQUIRE_2FA", "none")
    # The OpenID Connect providers staff may sign in with (docs/deployment.md); unset, passwords only.
    OIDC_PROVIDERS_FILE = _env("OIDC_PROVIDERS_FILE")
    # A password that was right but a second step not finished within this time starts over.
    SECOND_FACTOR_WINDOW_SECONDS = _env_int("SECOND_FACTOR_WINDOW_SECONDS", 5 * 60)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    MAIL_BACKEND = _env("MAIL_BACKEND", "folder")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = _env("SECRET_KEY", "test-secret-for-the-test-suite-only-0123456789")
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    MAIL_BACKEND = "smtp"
    SMTP_PORT = 0
    SERVER_NAME = None


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = True
    REQUIRE_2FA = _env("REQUIRE_2FA", "coordinator")
    PREFERRED_URL_SCHEME = _env("PREFERRED_URL_SCHEME", "https")
    HSTS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The config class for an environment name (default: BOELGE_ENV, else development)."""
    name = name or os.environ.get("BOELGE_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown environment {name!r}; choose one of {', '.join(CONFIGS)}") from None
