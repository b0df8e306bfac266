"""`flask demo` builds a realistic network that every page and export can show."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import QuestionnaireVersion, Response, SupervisionRecord, User, Wave


def test_demo_creates_users_two_answered_waves_and_supervision_records(runner, app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "koordinator@boelge.local" in result.output
    with app.app_context():
        waves = db.session.scalars(select(Wave).join(Wave.questionnaire_version).where(
            QuestionnaireVersion.slug == "ledighedsydelse-raadgiver").order_by(Wave.opens_at)).all()
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


def test_demo_holds_seed_e_citizens_anonymous_and_their_caseworkers(runner, app):
    assert runner.invoke(args=["demo", "--seed", "2019"]).exit_code == 0
    with app.app_context():
        rows = db.session.execute(
            select(QuestionnaireVersion.slug, Wave.label, Wave.anonymous, func.count(Response.id))
            .join(Wave.questionnaire_version).outerjoin(Response, (Response.wave_id == Wave.id)
                                                        & (Response.status == "submitted"))
            .where(QuestionnaireVersion.slug.in_(["kontaktforloeb-borger", "kontaktforloeb-sagsbehandler"]))
            .group_by(QuestionnaireVersion.slug, Wave.label, Wave.anonymous).order_by(QuestionnaireVersion.slug, Wave.label)
        ).all()
        assert [(slug, label, anonymous) for slug, label, anonymous, _n in rows] == [
            ("kontaktforloeb-borger", "August 2019", True), ("kontaktforloeb-borger", "August 2020", True),
            ("kontaktforloeb-sagsbehandler", "August 2019", False), ("kontaktforloeb-sagsbehandler", "August 2020", False)]
        assert [n for *_rest, n in rows][:2] == [7, 9]
        assert all(n > 0 for *_rest, n in rows)
        citizens = db.session.scalars(select(Response).join(Wave).where(Wave.anonymous.is_(True))).all()
        assert all(r.invitation_id is None and r.browser_key and r.municipality.slug == "vesthimmerland"
                   for r in citizens)
        # the open demo wave still repeats survey A
        open_wave = db.session.scalar(select(Wave).where(Wave.status == "open"))
        assert open_wave.questionnaire_version.slug == "ledighedsydelse-raadgiver"


def test_the_first_scheduler_tick_keeps_the_demo_history(runner, app):
    """`make run` starts the scheduler at once: the seeds' waves of 2019 and 2020 must survive it."""
    from datetime import timedelta

    from app.models import AuditEntry, Invitation, Respondent, utcnow
    from app.scheduler import tick

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        tick()
        tick(utcnow() + timedelta(days=300))
        closed = db.session.scalars(select(Wave).where(Wave.status == "closed")).all()
        assert len(closed) >= 4
        assert [w.label for w in closed if w.personal_data_erased_at is not None] == []
        kept = [w.label for w in closed if w.retention_postpone_reason == "Demodata: sammenlignes med de senere bølger"]
        assert {"Januar 2019", "Sommer 2020", "August 2019", "August 2020"} <= set(kept)
        assert db.session.scalar(select(func.count()).select_from(Respondent).where(
            Respondent.name.like("%slettet%"))) == 0
        assert db.session.scalar(select(func.count()).select_from(Invitation).where(
            Invitation.token_nonce == "")) == 0
        postponed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "postpone_erasure")).all()
        assert len(postponed) == len(kept)
