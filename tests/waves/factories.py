"""Small factories for waves, respondents and responses (call inside an app context)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.extensions import db
from app.models import Invitation, Municipality, Respondent, Response
from app.questionnaires.service import latest_version
from app.waves.service import WavePlan, plan_wave
from app.waves.tokens import invitation_token

T0 = datetime(2026, 5, 4, 7, 0, tzinfo=timezone.utc)  # a Monday 09:00 in Copenhagen


def add_respondents(counts: dict[str, int], prefix: str = "r") -> list[int]:
    places = {m.slug: m for m in db.session.scalars(select(Municipality))}
    people = []
    for slug, count in counts.items():
        for i in range(count):
            people.append(Respondent(name=f"Rådgiver {i + 1} {places[slug].name}",
                                     email=f"{prefix}{i + 1}.{slug}@example.dk", municipality=places[slug]))
    db.session.add_all(people)
    db.session.flush()
    return [p.id for p in people]


def add_wave(slug: str = "ledighedsydelse-raadgiver", status: str = "scheduled", opens: datetime = T0,
             closes: datetime | None = None, reminder_days=(7, 14), municipalities=("aalborg", "rebild"),
             label: str = "Maj 2026"):
    places = list(db.session.scalars(select(Municipality).where(Municipality.slug.in_(municipalities))))
    wave = plan_wave(WavePlan(version=latest_version(slug), label=label, opens_at=opens,
                              closes_at=closes or opens + timedelta(days=21), municipalities=places,
                              reminder_days=list(reminder_days)))
    wave.status = status
    db.session.flush()
    return wave


def open_wave_with_invitations(counts=None, **kwargs):
    """An open wave with invitations for fresh respondents; returns (wave, [(invitation, token)])."""
    from app.waves.service import invite_audience

    add_respondents(counts or {"aalborg": 2, "rebild": 1})
    wave = add_wave(status="open", **kwargs)
    invite_audience(wave, wave.opens_at)
    db.session.flush()
    invitations = db.session.scalars(select(Invitation).where(Invitation.wave_id == wave.id)
                                     .order_by(Invitation.id)).all()
    return wave, [(inv, invitation_token(inv.token_nonce)) for inv in invitations]


def submit_response(invitation: Invitation, at: datetime) -> None:
    db.session.add(Response(questionnaire_version_id=invitation.wave.questionnaire_version_id,
                            wave_id=invitation.wave_id, invitation_id=invitation.id,
                            municipality_id=invitation.municipality_id, status="submitted", submitted_at=at))
    db.session.flush()
