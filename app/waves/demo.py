"""The demo's open wave: survey A repeated now, so a newcomer can answer through a personal link at once."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from app.base_url import base_url
from app.extensions import db
from app.models import Invitation, QuestionnaireVersion, Response, Wave, utcnow
from app.waves.service import invite_audience
from app.waves.tokens import invitation_token

SURVEY_A = "ledighedsydelse-raadgiver"
LABEL = "Efterår 2026"


def open_demo_wave() -> Wave:
    """Repeat the latest wave of survey A as an open wave (three weeks from now) with invitations."""
    previous = db.session.scalar(select(Wave).join(Wave.questionnaire_version).where(
        QuestionnaireVersion.slug == SURVEY_A, Wave.anonymous.is_(False)).order_by(Wave.opens_at.desc()).limit(1))
    now = utcnow()
    wave = Wave(questionnaire_version=previous.questionnaire_version, label=LABEL, opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=21), status="open", opened_at=now, reminder_days=[7, 14],
                repeats=previous, municipalities=list(previous.municipalities))
    db.session.add(wave)
    db.session.flush()
    invite_audience(wave, now)
    return wave


def demo_link() -> str | None:
    """A personal link of an unanswered invitation in an open demo wave, rebuilt from its nonce."""
    invitation = db.session.scalar(
        select(Invitation).join(Wave).where(Wave.status == "open", Wave.label == LABEL, Wave.closes_at > utcnow(),
                                            ~select(Response.id).where(Response.invitation_id == Invitation.id,
                                                                       Response.status == "submitted").exists())
        .order_by(Invitation.id).limit(1))
    if invitation is None:
        return None
    return f"{base_url()}/s/{invitation_token(invitation.token_nonce)}"


def print_personal_link(echo: Callable[[str], None]) -> None:
    link = demo_link()
    if link:
        echo(f"Answer the open demo survey ({LABEL}) as an adviser: {link}")
    else:
        echo(f"The demo wave {LABEL!r} is closed or missing; `make clean && make run` builds a fresh demo.")
