"""Survey data with known answers, inserted directly with Core statements (no views, no scheduler)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from app.extensions import db
from app.models import Answer, Invitation, Municipality, Respondent, Response, Wave
from app.models.wave import wave_municipalities
from app.questionnaires.service import definition_of, latest_version
from app.responses import answer_rows


def municipality_ids() -> dict[str, int]:
    return dict(db.session.execute(select(Municipality.slug, Municipality.id)).all())


def make_wave(slug: str, label: str, opens: datetime, municipalities: list[int], version=None) -> int:
    """A closed wave of the questionnaire's latest (or given) version; returns its id."""
    version = version or latest_version(slug)
    wave_id = db.session.execute(insert(Wave).values(
        questionnaire_version_id=version.id, label=label, opens_at=opens, closes_at=opens + timedelta(days=21),
        status="closed", reminder_days=[], anonymous=False)).inserted_primary_key[0]
    db.session.execute(insert(wave_municipalities), [{"wave_id": wave_id, "municipality_id": m}
                                                     for m in municipalities])
    return wave_id


def add_responses(wave_id: int, municipality_id: int, answers: list[dict], not_answered: int = 0,
                  version=None, slug: str = "ledighedsydelse-raadgiver") -> list[int]:
    """Invite len(answers) + not_answered advisers; the first len(answers) submit these answers."""
    version = version or latest_version(slug)
    questionnaire = definition_of(version)
    ids = []
    now = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for i in range(len(answers) + not_answered):
        respondent_id = db.session.execute(insert(Respondent).values(
            name=f"Rådgiver {i}", email=f"r{secrets.token_hex(6)}@example.dk", municipality_id=municipality_id,
            active=True, created_at=now)).inserted_primary_key[0]
        invitation_id = db.session.execute(insert(Invitation).values(
            wave_id=wave_id, respondent_id=respondent_id, municipality_id=municipality_id,
            token_nonce=secrets.token_hex(16), token_hash=secrets.token_hex(32), created_at=now)).inserted_primary_key[0]
        if i >= len(answers):
            continue
        response_id = db.session.execute(insert(Response).values(
            questionnaire_version_id=version.id, municipality_id=municipality_id, wave_id=wave_id,
            invitation_id=invitation_id, status="submitted", created_at=now, updated_at=now,
            submitted_at=now)).inserted_primary_key[0]
        rows = answer_rows(response_id, questionnaire, answers[i])
        if rows:
            db.session.execute(insert(Answer), rows)
        ids.append(response_id)
    return ids


def make_round(slug: str, label: str, start, end, municipalities: list[int]) -> int:
    """A supervision round of the questionnaire's latest version; returns its id."""
    from app.models import SupervisionRound
    from app.models.supervision import round_municipalities

    version = latest_version(slug)
    round_id = db.session.execute(insert(SupervisionRound).values(
        questionnaire_version_id=version.id, label=label, period_start=start, period_end=end,
        status="open")).inserted_primary_key[0]
    db.session.execute(insert(round_municipalities), [{"round_id": round_id, "municipality_id": m}
                                                      for m in municipalities])
    return round_id


def add_records(slug: str, round_id: int, municipality_id: int, answers: list[dict]) -> None:
    """One reviewed case per answer dict, with a case reference of its own."""
    from app.models import SupervisionRecord

    version = latest_version(slug)
    questionnaire = definition_of(version)
    for answer in answers:
        record_id = db.session.execute(insert(SupervisionRecord).values(
            round_id=round_id, municipality_id=municipality_id,
            case_reference=f"SAG-{secrets.token_hex(3)}")).inserted_primary_key[0]
        response_id = db.session.execute(insert(Response).values(
            questionnaire_version_id=version.id, municipality_id=municipality_id, supervision_record_id=record_id,
            status="submitted")).inserted_primary_key[0]
        rows = answer_rows(response_id, questionnaire, answer)
        if rows:
            db.session.execute(insert(Answer), rows)


def add_scheme(experiment_slug: str, municipality_id: int, answers: dict, phase1: datetime | None) -> None:
    """A municipality's evaluation scheme for an experiment with these point answers."""
    from app.models import EvaluationScheme, Experiment

    version = latest_version("evalueringsskema")
    experiment_id = db.session.scalar(select(Experiment.id).where(Experiment.slug == experiment_slug))
    scheme_id = db.session.execute(insert(EvaluationScheme).values(
        experiment_id=experiment_id, municipality_id=municipality_id, questionnaire_version_id=version.id,
        phase1_submitted_at=phase1)).inserted_primary_key[0]
    response_id = db.session.execute(insert(Response).values(
        questionnaire_version_id=version.id, municipality_id=municipality_id, scheme_id=scheme_id,
        status="submitted")).inserted_primary_key[0]
    rows = answer_rows(response_id, definition_of(version), answers)
    if rows:
        db.session.execute(insert(Answer), rows)
