"""Settings: production refuses a default secret; the environment overrides defaults."""
from __future__ import annotations

import pytest

from app import create_app


def test_production_refuses_to_start_with_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "dev-only-not-secret"})


def test_production_starts_with_a_real_secret_and_sends_hsts():
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40,
                                    "SERVER_BASE_URL": "https://boelge.example.dk"})
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_server_base_url():
    """Production links never follow the Host header of a request (password-reset mail poisoning)."""
    with pytest.raises(RuntimeError, match="SERVER_BASE_URL"):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40,
                                  "SERVER_BASE_URL": None})


def test_unknown_environment_is_refused():
    with pytest.raises(ValueError, match="unknown environment"):
        create_app("staging")


def test_database_url_comes_from_the_environment(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/from-env.db")
    try:
        importlib.reload(config)
        assert config.DevelopmentConfig.SQLALCHEMY_DATABASE_URI == "sqlite:////tmp/from-env.db"
    finally:
        monkeypatch.delenv("DATABASE_URL")
        importlib.reload(config)


@pytest.mark.parametrize("key", ["x", "kort-hemmelighed", "a" * 31, "æøå" * 5])
def test_production_refuses_a_secret_key_under_32_bytes_and_says_how_to_make_one(key: str):
    with pytest.raises(RuntimeError) as raised:
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": key})
    assert "32 bytes" in str(raised.value)
    assert "secrets.token_urlsafe" in str(raised.value)


def test_production_accepts_a_secret_key_of_32_bytes():
    create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 32,
                              "SERVER_BASE_URL": "https://boelge.example.dk"})
