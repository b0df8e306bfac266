"""Fixtures: two real OpenID providers (Aalborg, Hjørring), a misbehaving one, and an app configured for all three."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import db
from tests.conftest import make_app
from tests.oidc.support import FakeIssuer, ProviderBrowser, start_node_provider

BASE = "http://localhost"
NAMES = ("aalborg", "hjoerring", "falsk")
# The people at the providers: login name -> the claims the provider gives and how they signed in.
ACCOUNTS = {
    "anne": {"claims": {"email": "anne@aalborg.example.dk", "email_verified": True, "name": "Anne Aalborg"}, "amr": ["pwd"]},
    "mette": {"claims": {"email": "mette@aalborg.example.dk", "email_verified": True, "name": "Mette"}, "amr": ["pwd", "mfa"]},
    "karen": {"claims": {"email": "karen@net.example.dk", "email_verified": True, "name": "Karen Koordinator"}, "amr": ["pwd"]},
    "ukendt": {"claims": {"email": "ukendt@aalborg.example.dk", "email_verified": True}, "amr": ["pwd"]},
    "bo": {"claims": {"email": "bo@aalborg.example.dk", "email_verified": False}, "amr": ["pwd"]},
    "dorte": {"claims": {"email": "dorte@aalborg.example.dk", "email_verified": True}, "amr": ["pwd"]},
    "hanne": {"claims": {"email": "hanne@hjoerring.example.dk", "email_verified": True}, "amr": ["pwd"]},
}


@pytest.fixture(scope="session")
def node_providers(tmp_path_factory):
    """{"aalborg": NodeProvider, "hjoerring": NodeProvider}: oidc-provider, once per test run."""
    folder = tmp_path_factory.mktemp("oidc")
    started = {}
    try:
        for name in ("aalborg", "hjoerring"):
            started[name] = start_node_provider(folder, [f"{BASE}/login/oidc/{n}/callback" for n in NAMES],
                                                [f"{BASE}/login"], ACCOUNTS)
        yield started
    finally:
        for provider in started.values():
            provider.stop()


@pytest.fixture(scope="session")
def fake_issuer():
    issuer = FakeIssuer()
    yield issuer
    issuer.stop()


@pytest.fixture
def providers_file(tmp_path: Path, node_providers, fake_issuer, monkeypatch) -> Path:
    monkeypatch.setenv("OIDC_TEST_SECRET", "test-client-secret-not-secret")
    path = tmp_path / "oidc-providers.yaml"
    path.write_text(f"""providers:
  - name: aalborg
    label: Log ind med Aalborg Kommune
    label_en: Sign in with Aalborg Municipality
    issuer: {node_providers['aalborg'].issuer}
    client_id: boelge
    client_secret_env: OIDC_TEST_SECRET
    municipalities: [Aalborg]
    coordinators: true
  - name: hjoerring
    label: Log ind med Hjørring Kommune
    issuer: {node_providers['hjoerring'].issuer}
    client_id: boelge
    client_secret_env: OIDC_TEST_SECRET
    municipalities: [860]
    password_login: false
  - name: falsk
    label: Log ind med Falsk Kommune
    issuer: {fake_issuer.issuer}
    client_id: boelge
    client_secret_env: OIDC_TEST_SECRET
    municipalities: [Aalborg]
""", encoding="utf-8")
    return path


@pytest.fixture
def oidc_app(database_url: str, tmp_path: Path, catalogue, providers_file, fake_issuer):
    fake_issuer.mode, fake_issuer.claims = "good", {}
    app = make_app(database_url, tmp_path, OIDC_PROVIDERS_FILE=str(providers_file))
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
def oidc_client(oidc_app):
    return oidc_app.test_client()


@pytest.fixture
def make_account(oidc_app):
    """make_account("anne@aalborg.example.dk", "team_leader", "aalborg", active=True) -> user id."""

    def factory(email: str, role: str = "team_leader", municipality: str | None = "aalborg", active: bool = True) -> int:
        from sqlalchemy import select

        from app.auth.service import create_user
        from app.models import Municipality

        with oidc_app.app_context():
            place = db.session.scalar(select(Municipality).where(Municipality.slug == municipality)) if municipality else None
            user = create_user(email, email.split("@")[0].title(), "korrekt-hest-batteri-1", role, place)
            user.active = active
            db.session.commit()
            return user.id

    return factory


@pytest.fixture
def provider_browser():
    return ProviderBrowser(stop_at=BASE + "/")


def sign_in(client, browser: ProviderBrowser, name: str, login: str, next_url: str | None = None):
    """The whole redirect dance: Bølge → provider (login, consent) → Bølge's callback; returns its response."""
    start = client.get(f"/login/oidc/{name}" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    callback = browser.authorize(start.headers["Location"], login)
    return client.get(callback.removeprefix(BASE)), callback
