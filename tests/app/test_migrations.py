"""The Alembic history creates the schema from empty, matches the models, and downgrades cleanly."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db


def test_upgrade_from_empty_creates_every_table_and_matches_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_to_empty_and_upgrade_again(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "responses" in inspect(db.engine).get_table_names()


def test_0007_seals_the_second_factor_secrets_stored_before_it_and_the_downgrade_opens_them(empty_app):
    from sqlalchemy import text

    from app.auth import sealing

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    with empty_app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (email, name, password_hash, role, active, created_at, session_version, totp_secret) "
                "VALUES ('k@example.dk', 'K', 'x', 'coordinator', true, '2026-01-01 00:00:00', 1, :s)"), {"s": secret})
        upgrade(revision="0007")
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT totp_secret FROM users")).scalar_one()
        assert stored.startswith(sealing.PREFIX) and secret not in stored
        assert sealing.unseal(stored) == (secret, False)
        upgrade(revision="0007")  # nothing to do: sealed twice would not open
        downgrade(revision="0006")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT totp_secret FROM users")).scalar_one() == secret
