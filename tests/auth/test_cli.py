"""`flask users create` on the command line."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import User


def test_users_create_makes_a_team_leader_with_an_argon2_hash(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Leder@Example.dk", "--name", "Lene Leder",
                                 "--role", "team_leader", "--municipality", "aalborg"],
                           input="lang-nok-kode-123\nlang-nok-kode-123\n")
    assert result.exit_code == 0, result.output
    assert "Created team_leader leder@example.dk" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "leder@example.dk"))
        assert user.municipality.slug == "aalborg" and user.password_hash.startswith("$argon2id$")


def test_users_create_refuses_unknown_municipality_and_short_password(app, runner):
    unknown = runner.invoke(args=["users", "create", "--email", "a@example.dk", "--name", "A", "--role",
                                  "team_leader", "--municipality", "atlantis"], input="lang-nok-kode-123\nlang-nok-kode-123\n")
    assert unknown.exit_code != 0 and "unknown municipality" in unknown.output
    short = runner.invoke(args=["users", "create", "--email", "b@example.dk", "--name", "B", "--role", "coordinator"],
                          input="kort\nkort\n")
    assert short.exit_code != 0 and "at least" in short.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None
