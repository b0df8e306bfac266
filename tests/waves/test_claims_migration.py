"""0009 moves a claim's lease from next_attempt_at to claimed_until, and its downgrade moves it back."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.extensions import db

LEASE = "2026-05-04 07:05:00"


def test_a_claim_made_before_0009_keeps_its_lease_through_upgrade_and_downgrade(empty_app):
    with empty_app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            for recipient, status in (("sender@example.dk", "sending"), ("later@example.dk", "pending")):
                connection.execute(text(
                    "INSERT INTO messages (kind, recipient, subject, body, status, attempts, due_at, "
                    "next_attempt_at, created_at) VALUES ('stored', :r, 'S', 'B', :s, 1, :t, :t, :t)"),
                    {"r": recipient, "s": status, "t": LEASE})
        upgrade(revision="0009_mail")
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT recipient, claimed_by, claimed_until FROM messages ORDER BY recipient")).all()
        assert [(r, by, str(until)[:19] if until else None) for r, by, until in rows] == [
            ("later@example.dk", None, None), ("sender@example.dk", "before-0009", LEASE)]
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE messages SET next_attempt_at = NULL WHERE status = 'sending'"))
        downgrade(revision="0008")
        with db.engine.connect() as connection:
            lease = connection.execute(text("SELECT next_attempt_at FROM messages WHERE status = 'sending'")).scalar()
        assert str(lease)[:19] == LEASE
