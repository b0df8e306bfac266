"""Invariants held by the database itself, not only by Python."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    Invitation,
    Message,
    Municipality,
    QuestionnaireVersion,
    Respondent,
    Response,
    SupervisionRecord,
    SupervisionRound,
    Wave,
)
from app.waves.tokens import new_invitation_secret

T0 = datetime(2019, 1, 7, 8, tzinfo=timezone.utc)


def _wave_with_invitation():
    version = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.slug == "ledighedsydelse-raadgiver"))
    aalborg = db.session.scalar(select(Municipality).where(Municipality.slug == "aalborg"))
    wave = Wave(questionnaire_version=version, label="Januar 2019", opens_at=T0, closes_at=T0 + timedelta(days=21))
    respondent = Respondent(name="Anne Jensen", email="anne@example.dk", municipality=aalborg)
    nonce, _token, token_hash = new_invitation_secret()
    invitation = Invitation(wave=wave, respondent=respondent, municipality_id=aalborg.id, token_nonce=nonce, token_hash=token_hash)
    db.session.add_all([wave, respondent, invitation])
    db.session.commit()
    return version, aalborg, wave, respondent, invitation


def test_second_response_for_the_same_invitation_is_refused_by_the_database(ctx):
    version, aalborg, wave, _respondent, invitation = _wave_with_invitation()
    row = {"questionnaire_version_id": version.id, "municipality_id": aalborg.id, "wave_id": wave.id,
           "invitation_id": invitation.id, "status": "draft", "created_at": T0, "updated_at": T0}
    db.session.execute(insert(Response.__table__), row)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Response.__table__), row)
        db.session.commit()
    db.session.rollback()


def test_second_invitation_for_the_same_wave_and_respondent_is_refused(ctx):
    _version, aalborg, wave, respondent, _invitation = _wave_with_invitation()
    nonce, _token, token_hash = new_invitation_secret()
    db.session.add(Invitation(wave=wave, respondent=respondent, municipality_id=aalborg.id, token_nonce=nonce, token_hash=token_hash))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_message_per_invitation_and_kind(ctx):
    *_, invitation = _wave_with_invitation()
    db.session.add(Message(invitation=invitation, purpose="invitation", recipient="anne@example.dk"))
    db.session.commit()
    db.session.add(Message(invitation_id=invitation.id, purpose="invitation", recipient="anne@example.dk"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_record_per_case_reference_per_round_and_municipality(ctx):
    version = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.slug == "revalidering-tilsyn"))
    thisted = db.session.scalar(select(Municipality).where(Municipality.slug == "thisted"))
    aalborg = db.session.scalar(select(Municipality).where(Municipality.slug == "aalborg"))
    round_ = SupervisionRound(questionnaire_version=version, label="Juli 2019", period_start=date(2019, 7, 1), period_end=date(2019, 7, 31))
    db.session.add_all([
        round_,
        SupervisionRecord(round=round_, municipality=thisted, case_reference="SAG-1"),
        SupervisionRecord(round=round_, municipality=aalborg, case_reference="SAG-1"),  # other municipality: fine
    ])
    db.session.commit()
    db.session.add(SupervisionRecord(round=round_, municipality=thisted, case_reference="SAG-1"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced(ctx):
    db.session.execute(text("SELECT 1"))
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Respondent.__table__), {"name": "X", "email": "x@example.dk", "municipality_id": 999_999,
                                                          "active": True, "created_at": T0})
        db.session.commit()
    db.session.rollback()


def test_wave_closing_before_it_opens_is_refused(ctx):
    version = db.session.scalar(select(QuestionnaireVersion).limit(1))
    db.session.add(Wave(questionnaire_version=version, label="Bagvendt", opens_at=T0, closes_at=T0 - timedelta(days=1)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_stored_version_is_never_changed(ctx):
    version = db.session.scalar(select(QuestionnaireVersion).limit(1))
    version.definition = {**version.definition, "title": {"da": "Ændret"}}
    with pytest.raises(ValueError, match="never changed"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_runs_with_wal_and_foreign_keys(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
