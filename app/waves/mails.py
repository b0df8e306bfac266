"""How a wave's invitations and reminders are written and when one is no longer to be sent.

The outbox (app/outbox.py) sends every kind of mail and knows no wave; it asks this module, registered
at import, for an invitation's subject and body, rendered when sent because they carry the personal link.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from app.base_url import base_url
from app.extensions import db
from app.models import Invitation, Message, Response, Wave
from app.outbox import register_invitation_mail
from app.questionnaires.service import definition_of
from app.waves.tokens import invitation_token


def personal_link(invitation: Invitation) -> str:
    """The invitation's personal link, rebuilt from its nonce (the link itself is never stored)."""
    return f"{base_url()}/s/{invitation_token(invitation.token_nonce)}"


def render_mail(message: Message, invitation: Invitation, wave: Wave) -> tuple[str, str]:
    """(subject, body) of an invitation or reminder, rendered now because it carries the link."""
    title = definition_of(wave.questionnaire_version).title.get("da")
    template = "mail/invitation.txt" if message.purpose == "invitation" else "mail/reminder.txt"
    with force_locale("da"):  # respondents get Danish mail, whoever triggers the sending
        body = current_app.jinja_env.get_template(template).render(
            name=invitation.respondent.name, title=title, wave=wave, link=personal_link(invitation))
    prefix = "Spørgeskema" if message.purpose == "invitation" else "Påmindelse"
    return f"{prefix}: {title}", body


def prepare(message: Message, now: datetime) -> tuple[str, str] | str:
    """(subject, body) of an invitation's mail, or why it is no longer to be sent."""
    invitation = message.invitation
    return _reason_not_to_send(message, invitation, invitation.wave, now) or render_mail(
        message, invitation, invitation.wave)


def _reason_not_to_send(message: Message, invitation: Invitation, wave: Wave, now: datetime) -> str | None:
    if wave.status != "open" or now >= wave.closes_at:
        return "runden er ikke åben"
    if message.purpose != "invitation":
        answered = db.session.scalar(select(Response.id).where(
            Response.invitation_id == invitation.id, Response.status == "submitted"))
        if answered is not None:
            return "besvaret før afsendelse"
    return None


register_invitation_mail(prepare)
