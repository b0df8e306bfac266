"""Waves: planning, the audience and its invitations, reminders, and response rates (flush, never commit)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Invitation, Message, Municipality, QuestionnaireVersion, Respondent, Response, Wave
from app.security import derive_token, hash_token
from app.waves.clock import days_after
from app.waves.tokens import municipality_link_token, new_invitation_secret

EDITABLE_STATUSES = ("draft", "scheduled")


class WaveError(ValueError):
    """A wave change that is not allowed in its current state (the message is shown to the user)."""


@dataclass
class WavePlan:
    """What a coordinator decides when planning a wave."""

    version: QuestionnaireVersion
    label: str
    opens_at: datetime
    closes_at: datetime
    municipalities: list[Municipality]
    reminder_days: list[int]
    label_en: str | None = None


def plan_wave(plan: WavePlan, repeats: Wave | None = None) -> Wave:
    """A new draft wave; a citizen questionnaire gets an anonymous public link."""
    _check_times(plan)
    wave = Wave(questionnaire_version=plan.version, label=plan.label, label_en=plan.label_en, opens_at=plan.opens_at,
                closes_at=plan.closes_at, status="draft", reminder_days=sorted(set(plan.reminder_days)),
                municipalities=list(plan.municipalities), repeats=repeats,
                anonymous=plan.version.audience == "citizen")
    db.session.add(wave)
    db.session.flush()
    if wave.anonymous:
        wave.public_token_hash = hash_token(public_token(wave))
    return wave


def update_wave(wave: Wave, plan: WavePlan) -> None:
    """Change a draft or scheduled wave; an open or closed wave keeps its questions and times."""
    if wave.status not in EDITABLE_STATUSES:
        raise WaveError(_l("En åben eller lukket runde kan ikke ændres."))
    _check_times(plan)
    if plan.version.id != wave.questionnaire_version_id and wave.repeats_id is not None:
        raise WaveError(_l("En gentaget runde skal bruge de samme spørgsmål som den runde, den gentager."))
    wave.questionnaire_version = plan.version
    wave.label, wave.opens_at, wave.closes_at = plan.label, plan.opens_at, plan.closes_at
    wave.label_en = plan.label_en
    wave.municipalities = list(plan.municipalities)
    wave.reminder_days = sorted(set(plan.reminder_days))
    wave.anonymous = plan.version.audience == "citizen"
    if wave.anonymous and not wave.public_token_hash:
        wave.public_token_hash = hash_token(public_token(wave))


def schedule_wave(wave: Wave, now: datetime) -> None:
    """draft -> scheduled: the scheduler opens it when `opens_at` comes."""
    if wave.status != "draft":
        raise WaveError(_l("Kun en kladde kan planlægges."))
    if wave.closes_at <= now:
        raise WaveError(_l("Lukketidspunktet er allerede passeret."))
    if not wave.municipalities and not wave.anonymous:
        raise WaveError(_l("Vælg mindst én kommune."))
    wave.status = "scheduled"


def unschedule_wave(wave: Wave) -> None:
    """scheduled -> draft, as long as the wave has not opened."""
    if wave.status != "scheduled":
        raise WaveError(_l("Kun en planlagt runde kan sættes tilbage til kladde."))
    wave.status = "draft"


def _check_times(plan: WavePlan) -> None:
    if plan.closes_at <= plan.opens_at:
        raise WaveError(_l("Lukketidspunktet skal ligge efter åbningstidspunktet."))


def public_token(wave: Wave) -> str:
    """The anonymous link's token of a citizen wave: HMAC of the wave id, only its hash is stored."""
    return derive_token(current_app.config["SECRET_KEY"], "wave-public", str(wave.id))


def public_link_tokens(wave: Wave) -> list[tuple[Municipality | None, str]]:
    """The anonymous links of a citizen wave: one per municipality (its answers count there), or the wave's
    one link while it has no municipality."""
    if not wave.municipalities:
        return [(None, public_token(wave))]
    return [(m, municipality_link_token(wave.id, m.id)) for m in wave.municipalities]


def audience_query(wave: Wave):
    """Active respondents in the wave's municipalities (the people a wave reaches)."""
    ids = [m.id for m in wave.municipalities]
    return select(Respondent).where(Respondent.active.is_(True), Respondent.municipality_id.in_(ids))


def invite_audience(wave: Wave, now: datetime) -> int:
    """Invite every audience member not yet invited and queue their invitation mail; idempotent.

    Rows go in with Core inserts that ignore duplicates, so a rerun after a crash adds nothing twice.
    Returns the number of new invitations.
    """
    invited = set(db.session.scalars(select(Invitation.respondent_id).where(Invitation.wave_id == wave.id)))
    rows = []
    for respondent_id, municipality_id in db.session.execute(
        audience_query(wave).with_only_columns(Respondent.id, Respondent.municipality_id)
    ):
        if respondent_id in invited:
            continue
        nonce, _token, token_hash = new_invitation_secret()
        rows.append({"wave_id": wave.id, "respondent_id": respondent_id, "municipality_id": municipality_id,
                     "token_nonce": nonce, "token_hash": token_hash, "created_at": now})
    insert_ignoring_duplicates(Invitation.__table__, rows, ["wave_id", "respondent_id"])
    queue_messages(wave, "invitation", now, only_unanswered=False)
    return len(rows)


def submitted_exists():
    """SQL condition: the invitation has a submitted response."""
    return exists().where(Response.invitation_id == Invitation.id, Response.status == "submitted")


def queue_messages(wave: Wave, purpose: str, now: datetime, only_unanswered: bool) -> int:
    """One pending message of `purpose` per invitation of the wave (none twice: unique per invitation and
    purpose)."""
    query = (select(Invitation.id, Respondent.email).join(Respondent, Respondent.id == Invitation.respondent_id)
             .where(Invitation.wave_id == wave.id, Respondent.active.is_(True)))
    if only_unanswered:
        query = query.where(~submitted_exists())
    # keyed by the table's column names: Message.purpose is the column "kind"
    rows = [{"invitation_id": invitation_id, "kind": purpose, "recipient": email, "status": "pending",
             "attempts": 0, "due_at": now, "created_at": now}
            for invitation_id, email in db.session.execute(query)]
    return insert_ignoring_duplicates(Message.__table__, rows, ["invitation_id", "kind"])


def insert_ignoring_duplicates(table, rows: list[dict], conflict_columns: list[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns how many rows were offered."""
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(table).on_conflict_do_nothing(index_elements=conflict_columns), rows)
    return len(rows)


def reminder_times(wave: Wave) -> list[tuple[int, datetime]]:
    """(number, due time) of each planned reminder: n days after opening at the same local time."""
    return [(n, days_after(wave.opens_at, int(days))) for n, days in enumerate(sorted(wave.reminder_days or []), 1)]


def queue_due_reminders(wave: Wave, now: datetime) -> int:
    """Queue the latest reminder that is due, to those who have not submitted.

    When the scheduler was down past several reminder dates, only the latest is sent, once.
    """
    due = [n for n, at in reminder_times(wave) if at <= now]
    if not due or now >= wave.closes_at:
        return 0
    latest = due[-1]
    already = db.session.scalar(select(func.count()).select_from(Message).join(Invitation).where(
        Invitation.wave_id == wave.id, Message.purpose == f"reminder-{latest}"))
    if already:
        # Those who got it keep it; nobody new is added after the first queueing of a reminder.
        return 0
    return queue_messages(wave, f"reminder-{latest}", now, only_unanswered=True)


def queue_manual_reminder(wave: Wave, now: datetime) -> int:
    """An extra reminder by hand to those who have not submitted; each press is its own purpose ("manual-<n>")."""
    if wave.status != "open":
        raise WaveError(_l("Der kan kun sendes påmindelser i en åben runde."))
    used = set(db.session.scalars(select(Message.purpose).join(Invitation).where(
        Invitation.wave_id == wave.id, Message.purpose.like("manual-%"))))
    number = len(used) + 1
    return queue_messages(wave, f"manual-{number}", now, only_unanswered=True)


def repeat_plan(wave: Wave) -> dict:
    """Form defaults for repeating a wave: same questions, audience and reminders."""
    return {"version_id": wave.questionnaire_version_id, "municipality_ids": [m.id for m in wave.municipalities],
            "reminder_days": ", ".join(str(d) for d in wave.reminder_days or [])}


@dataclass
class Rate:
    municipality: str
    invited: int
    opened: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.invited if self.invited else 0.0


def response_rates(wave: Wave) -> list[Rate]:
    """Invited, opened and answered per municipality, plus a total row last."""
    answered = case((Response.status == "submitted", 1), else_=0)
    opened = case((or_(Invitation.opened_at.is_not(None), Response.id.is_not(None)), 1), else_=0)
    rows = db.session.execute(
        select(Municipality.name, func.count(Invitation.id), func.coalesce(func.sum(opened), 0),
               func.coalesce(func.sum(answered), 0))
        .select_from(Invitation)
        .join(Municipality, Municipality.id == Invitation.municipality_id)
        .outerjoin(Response, and_(Response.invitation_id == Invitation.id))
        .where(Invitation.wave_id == wave.id)
        .group_by(Municipality.name)
        .order_by(Municipality.name)
    ).all()
    rates = [Rate(name, invited, int(seen), int(done)) for name, invited, seen, done in rows]
    if rates:
        rates.append(Rate("", sum(r.invited for r in rates), sum(r.opened for r in rates),
                          sum(r.answered for r in rates)))
    return rates


def anonymous_counts(wave: Wave) -> tuple[int, int]:
    """(submitted, drafts) of an anonymous wave."""
    rows = dict(db.session.execute(select(Response.status, func.count()).where(Response.wave_id == wave.id)
                                   .group_by(Response.status)).all())
    return rows.get("submitted", 0), rows.get("draft", 0)


def anonymous_submitted_by_municipality(wave: Wave) -> dict[int | None, int]:
    """Submitted answers of an anonymous wave per municipality of the link they came through."""
    return dict(db.session.execute(
        select(Response.municipality_id, func.count()).where(Response.wave_id == wave.id,
                                                             Response.status == "submitted")
        .group_by(Response.municipality_id)).all())


def message_counts(wave: Wave) -> dict[str, int]:
    """Messages of the wave by status (pending, sent, failed)."""
    return dict(db.session.execute(
        select(Message.status, func.count()).join(Invitation).where(Invitation.wave_id == wave.id)
        .group_by(Message.status)).all())
