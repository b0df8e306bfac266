"""Settings: production refuses a default, short or typed secret; the environment overrides defaults."""
from __future__ import annotations

import os
import random
import secrets
import string
import subprocess
import sys

import pytest

from app import create_app
from config import MIN_SECRET_KEY_BITS, secret_key_bits, secret_key_is_repeated
from tests.conftest import ROOT

GOOD_KEY = secrets.token_urlsafe(48)


def test_production_refuses_to_start_with_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "dev-only-not-secret"})


def test_production_starts_with_a_real_secret_and_sends_hsts():
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": GOOD_KEY,
                                    "SERVER_BASE_URL": "https://boelge.example.dk"})
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_server_base_url():
    """Production links never follow the Host header of a request (password-reset mail poisoning)."""
    with pytest.raises(RuntimeError, match="SERVER_BASE_URL"):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": GOOD_KEY,
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


def _production(key: str):
    return create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": key,
                                     "SERVER_BASE_URL": "https://boelge.example.dk"})


def test_production_accepts_a_generated_secret_key_of_32_characters():
    _production(secrets.token_urlsafe(24))  # 32 characters


@pytest.mark.parametrize("key", ["x" * 32, "k" * 40, "ab" * 16, "Passw0rd" * 4, "x" * 31 + "y",
                                 "abcdefghijklmnopqrstuvwxyz012345", "0123456789" * 4,
                                 "a" * 16 + "b" * 16, "æ" * 20])
def test_production_refuses_a_typed_secret_key_of_32_bytes_and_says_why(key: str):
    """Only the length was checked: 32 "x" characters started a production server."""
    with pytest.raises(RuntimeError) as raised:
        _production(key)
    assert "not random enough" in str(raised.value)
    assert "secrets.token_urlsafe" in str(raised.value)


def test_production_accepts_generated_keys_of_every_usual_kind():
    """The check never refuses a key made as the guide or openssl makes one (hex of 16 bytes is the shortest)."""
    rng = random.Random(21)
    alphabets = {"hex": "0123456789abcdef", "urlsafe": string.ascii_letters + string.digits + "-_",
                 "base64": string.ascii_letters + string.digits + "+/"}
    for alphabet in alphabets.values():
        for _ in range(2000):
            key = "".join(rng.choice(alphabet) for _ in range(32))
            assert secret_key_bits(key) >= MIN_SECRET_KEY_BITS and not secret_key_is_repeated(key), key
    _production(secrets.token_hex(16))
    _production(secrets.token_hex(32))
    _production(secrets.token_urlsafe(48))


def test_a_typed_secret_key_stops_the_command_line_with_the_reason():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "BOELGE_", "FLASK_"))}
    env.update(BOELGE_ENV="production", FLASK_APP="app:create_app", SECRET_KEY="x" * 32,
               SERVER_BASE_URL="https://boelge.example.dk", DATABASE_URL="sqlite://")
    done = subprocess.run([sys.executable, "-m", "flask", "routes"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "SECRET_KEY is not random enough for production" in done.stderr
