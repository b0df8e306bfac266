"""`flask demo` builds a realistic network that every page and export can show."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Response, SupervisionRecord, User, Wave


def test_demo_creates_users_two_answered_waves_and_supervision_records(runner, app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "koordinator@boelge.local" in result.output
    with app.app_context():
        waves = db.session.scalars(select(Wave).order_by(Wave.opens_at)).all()
        labels = [w.label for w in waves]
        assert labels[:2] == ["Januar 2019", "Sommer 2020"]
        assert waves[1].repeats_id == waves[0].id
        for wave in waves[:2]:
            answered = db.session.scalar(select(func.count()).select_from(Response).where(
                Response.wave_id == wave.id, Response.status == "submitted"))
            assert answered > 40
            assert {m.slug for m in wave.municipalities} == {"aalborg", "jammerbugt", "thisted", "rebild"}
        assert db.session.scalar(select(func.count()).select_from(SupervisionRecord)) > 20
        roles = set(db.session.scalars(select(User.role)))
        assert roles == {"coordinator", "team_leader"}


def test_demo_if_empty_does_not_build_twice(runner, app):
    assert runner.invoke(args=["demo"]).exit_code == 0
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "already there" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.role == "coordinator")) == 1
