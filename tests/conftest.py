"""Fixtures: an app on a fresh real database per test (SQLite file and PostgreSQL), users, SMTP, browser."""
from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_REAL_PARTS = os.environ.get("BOELGE_REQUIRE_REAL_PARTS") == "1"
BACKENDS = ["sqlite", "postgresql"]


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason, except in CI where every real part must be there."""
    if REQUIRE_REAL_PARTS:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


_postgres_state: dict[str, str | None] = {}


def postgres_unavailable() -> str | None:
    """None when PostgreSQL answers, else why not (checked once per run)."""
    if "reason" not in _postgres_state:
        try:
            engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as connection:
                connection.execute(text("select 1"))
            engine.dispose()
            _postgres_state["reason"] = None
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            _postgres_state["reason"] = f"PostgreSQL not reachable at {make_url(POSTGRES_URL).render_as_string()}: {exc.__class__.__name__}"
    return _postgres_state["reason"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        skip_or_fail(reason)
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_app(database_url: str, tmp_path: Path, **overrides):
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "EXPORT_DIR": tmp_path / "exports",
        "MAIL_FOLDER": tmp_path / "mail",
        "DEMO_CREDENTIALS_FILE": tmp_path / "demo-credentials.txt",
        "QUESTIONNAIRES_DIR": ROOT / "questionnaires",
        "SERVER_BASE_URL": "http://localhost",
    }
    config.update(overrides)
    return create_app("test", config)


@pytest.fixture
def empty_app(database_url: str, tmp_path: Path):
    """An app whose database has no tables yet (for migration tests)."""
    app = make_app(database_url, tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def catalogue():
    """The real YAML catalogue, parsed once per test run (it is immutable)."""
    from forms import load_catalogue

    return load_catalogue(root=ROOT / "questionnaires")


@pytest.fixture
def app(database_url: str, tmp_path: Path, catalogue):
    """An app on a fresh database with every table and the YAML catalogue loaded."""
    app = make_app(database_url, tmp_path)
    with app.app_context():
        db.create_all()
        from app.questionnaires.service import store_catalogue

        store_catalogue(catalogue)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def make_user(app):
    """Create a user: make_user("team_leader", "aalborg") -> (user id, email, password)."""

    def factory(role: str = "coordinator", municipality: str | None = None, email: str | None = None):
        from sqlalchemy import select

        from app.auth.service import create_user
        from app.models import Municipality

        password = "korrekt-hest-" + secrets.token_hex(4)
        email = email or f"{role}.{municipality or 'net'}.{secrets.token_hex(3)}@example.dk"
        with app.app_context():
            place = None
            if municipality:
                place = db.session.scalar(select(Municipality).where(Municipality.slug == municipality))
            user = create_user(email, f"{role} {municipality or ''}".strip(), password, role, place)
            db.session.commit()
            return user.id, email, password

    return factory


@pytest.fixture
def login():
    """Log a test client in through the real login form (CSRF included)."""

    def do_login(client, email: str, password: str):
        page = client.get("/login")
        token = extract_csrf(page.get_data(as_text=True))
        return client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    return do_login


def extract_csrf(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""
    from tests.support.smtp import RecordingSMTPServer

    server = RecordingSMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        skip_or_fail("Debian's chromium is not installed (apt-get install chromium)")
    return path
