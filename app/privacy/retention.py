"""Retention: RETENTION_DAYS after a wave or supervision round closes, its personal data is erased or
pseudonymised and its answers are kept for statistics. Run by the scheduler; postponable per wave or
round with a reason (audited). The functions flush and never commit, except `apply_retention`, which
the scheduler calls as a job of its own and which commits one wave or round at a time.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, cast, delete, func, literal, select, update

from app import audit
from app.extensions import db
from app.models import (AuditEntry, CaseListEntry, Invitation, Message, Respondent, Response, SupervisionRecord,
                        SupervisionRound, Wave)
from app.models.wave import wave_municipalities
from app.results.jobs import erase_exports_of

log = logging.getLogger("boelge.retention")
ERASED_NAME = "(slettet)"
ERASED_DOMAIN = "slettet.invalid"
Subject = Wave | SupervisionRound


def retention_days() -> int:
    return int(current_app.config["RETENTION_DAYS"])


def closed_at(subject: Subject) -> datetime | None:
    """When the wave or round closed; a round closed before this was recorded counts from its period's end."""
    if subject.status != "closed":
        return None
    if subject.closed_at is not None:
        return subject.closed_at
    if isinstance(subject, SupervisionRound):
        zone = ZoneInfo(current_app.config["TIMEZONE"])
        return datetime.combine(subject.period_end + timedelta(days=1), time(), zone).astimezone(ZoneInfo("UTC"))
    return subject.closes_at


def erasure_due(subject: Subject) -> datetime | None:
    """When its personal data will be erased: RETENTION_DAYS after closing, or the postponed date if later.

    For a wave or round not closed yet, the date its planned closing gives (a wave's `closes_at`);
    None when nothing can be said yet (an open round) or it is already erased.
    """
    if subject.personal_data_erased_at is not None:
        return None
    start = closed_at(subject)
    if start is None and isinstance(subject, Wave):
        start = subject.closes_at
    if start is None:
        return None
    due = start + timedelta(days=retention_days())
    if subject.retention_postponed_until is not None and subject.retention_postponed_until > due:
        due = subject.retention_postponed_until
    return due


@dataclass
class PlanItem:
    """One wave or round in the coordinator's view of what will be erased and when."""

    kind: str  # "wave" | "round"
    subject: Subject
    due: datetime | None
    holds: dict[str, int] = field(default_factory=dict)


def holdings(subject: Subject) -> dict[str, int]:
    """How much personal data it still holds, by kind (what erasure will remove)."""
    if isinstance(subject, Wave):
        invited = db.session.scalar(select(func.count()).select_from(Invitation).where(
            Invitation.wave_id == subject.id, Invitation.token_nonce != ""))
        messages = db.session.scalar(select(func.count()).select_from(Message).join(Invitation).where(
            Invitation.wave_id == subject.id))
        return {"invitations": invited or 0, "messages": messages or 0}
    records = db.session.scalar(select(func.count()).select_from(SupervisionRecord).where(
        SupervisionRecord.round_id == subject.id, SupervisionRecord.case_reference.not_like("slettet-%")))
    listed = db.session.scalar(select(func.count()).select_from(CaseListEntry).where(
        CaseListEntry.round_id == subject.id, CaseListEntry.case_reference.not_like("slettet-%")))
    return {"records": records or 0, "case_list": listed or 0}


def plan() -> list[PlanItem]:
    """Every wave and round, soonest erasure first; already erased ones last."""
    items = [PlanItem("wave", w, erasure_due(w), holdings(w)) for w in db.session.scalars(select(Wave))]
    items += [PlanItem("round", r, erasure_due(r), holdings(r)) for r in db.session.scalars(select(SupervisionRound))]
    far = datetime.max.replace(tzinfo=ZoneInfo("UTC"))
    return sorted(items, key=lambda i: (i.subject.personal_data_erased_at is not None, i.due or far, i.kind,
                                        i.subject.id))


def postpone(user, subject: Subject, until: datetime, reason: str) -> None:
    """Postpone the erasure to `until` (later than it is due now) with a reason; audited."""
    due = erasure_due(subject)
    if due is None or until <= due:
        raise ValueError("the new date must be later than the planned erasure")
    before = {"postponed_until": subject.retention_postponed_until, "reason": subject.retention_postpone_reason}
    subject.retention_postponed_until, subject.retention_postpone_reason = until, reason.strip()
    db.session.flush()
    audit.record(user, "postpone_erasure", _entity(subject), subject.id, before,
                 {"postponed_until": until, "reason": reason.strip(), "label": subject.label}, None)


def apply_retention(now: datetime) -> list[str]:
    """Erase every closed wave and round whose erasure is due; one transaction each. Returns their labels."""
    done = []
    for model in (Wave, SupervisionRound):
        ids = list(db.session.scalars(select(model.id).where(
            model.status == "closed", model.personal_data_erased_at.is_(None)).order_by(model.id)))
        db.session.commit()
        for subject_id in ids:
            subject = db.session.get(model, subject_id)
            due = erasure_due(subject)
            if subject.status != "closed" or due is None or due > now:
                db.session.commit()
                continue
            counts = erase_wave(subject, now) if isinstance(subject, Wave) else erase_round(subject, now)
            audit.record(None, "erase_personal_data", _entity(subject), subject.id, None,
                         {"label": subject.label, **counts}, None)
            db.session.commit()
            log.info("personal data of %s %s erased: %s", _entity(subject), subject.id, counts)
            done.append(subject.label)
    return done


def _entity(subject: Subject) -> str:
    return "wave" if isinstance(subject, Wave) else "supervision_round"


def _dead_hash() -> str:
    """A token hash no token has: the column stays unique and no link ever matches it again."""
    return hashlib.sha256(b"erased:" + secrets.token_bytes(32)).hexdigest()


def _placeholder_email() -> str:
    return f"slettet-{secrets.token_hex(8)}@{ERASED_DOMAIN}"


def erase_wave(wave: Wave, now: datetime) -> dict[str, int]:
    """Erase a wave's personal data; its responses and answers stay, counted by municipality.

    Each invitation is moved to a placeholder respondent of its own (no name, no address) and loses its
    token, so the answers can no longer be traced to a person; its messages (addresses, texts) go. A
    respondent left with no invitation at all is pseudonymised in place, unless they are active and a
    wave still to come covers their municipality. An anonymous wave loses its
    public link and the browser keys of its responses.
    """
    invitations = list(db.session.scalars(select(Invitation).where(Invitation.wave_id == wave.id)))
    people = {inv.respondent_id for inv in invitations}
    mail_files = erase_folder_mail(db.session.scalars(select(Message).join(Invitation).where(
        Invitation.wave_id == wave.id)))
    messages = db.session.execute(delete(Message).where(
        Message.invitation_id.in_(select(Invitation.id).where(Invitation.wave_id == wave.id)))).rowcount or 0
    for invitation in invitations:
        placeholder = Respondent(name=ERASED_NAME, email=_placeholder_email(),
                                 municipality_id=invitation.municipality_id, active=False)
        db.session.add(placeholder)
        db.session.flush()
        invitation.respondent_id = placeholder.id
        invitation.token_nonce, invitation.token_hash = "", _dead_hash()
    db.session.flush()
    still_invited = set(db.session.scalars(select(Invitation.respondent_id).where(
        Invitation.respondent_id.in_(people)))) if people else set()
    # A wave still to come (not closed) reaches the active advisers of its municipalities when it opens:
    # they stay in the register for it.
    upcoming = set(db.session.scalars(
        select(wave_municipalities.c.municipality_id).join(Wave, Wave.id == wave_municipalities.c.wave_id)
        .where(Wave.status != "closed", Wave.anonymous.is_(False))))
    erased_people = 0
    for respondent in db.session.scalars(select(Respondent).where(Respondent.id.in_(people - still_invited))):
        if respondent.active and respondent.municipality_id in upcoming:
            continue
        _pseudonymise(respondent)
        erased_people += 1
    browsers = db.session.execute(
        update(Response).where(Response.wave_id == wave.id, Response.browser_key.is_not(None))
        .values(browser_key=literal("slettet-") + cast(Response.id, String))).rowcount or 0
    wave.public_token_hash = None
    wave.personal_data_erased_at = now
    exports = erase_exports_of("waves", wave.questionnaire_version.slug, wave.id)
    db.session.flush()
    return {"invitations": len(invitations), "messages": messages, "respondents": erased_people,
            "browser_keys": browsers, "mail_files": mail_files, "export_jobs": exports}


def erase_folder_mail(messages) -> int:
    """Delete the folder mail backend's .eml files of these messages (development's MAIL_FOLDER), found by
    their Message-ID header under the current and the previous keys; returns how many files."""
    folder = Path(current_app.config.get("MAIL_FOLDER") or "")
    if not str(folder) or not folder.is_dir():
        return 0
    from app.outbox import message_id_header

    keys = [current_app.config["SECRET_KEY"], *current_app.config.get("SECRET_KEY_FALLBACKS", [])]
    wanted = set()
    for message in messages:
        wanted.update(message_id_header(message, key) for key in keys)
    if not wanted:
        return 0
    removed = 0
    parser = BytesHeaderParser()
    for path in folder.glob("*.eml"):
        with path.open("rb") as f:
            if (parser.parse(f).get("Message-ID") or "").strip() in wanted:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _pseudonymise(respondent: Respondent) -> None:
    respondent.name, respondent.email = ERASED_NAME, _placeholder_email()
    respondent.role = respondent.team = None
    respondent.active = False


def erase_round(round_: SupervisionRound, now: datetime) -> dict[str, int]:
    """Replace a round's case references by "slettet-<n>" and drop record comments, also in its audit log;
    the records' answers stay."""
    records = list(db.session.scalars(select(SupervisionRecord).where(SupervisionRecord.round_id == round_.id)))
    for record in records:
        record.case_reference, record.comment = f"slettet-{record.id}", None
    entries = list(db.session.scalars(select(CaseListEntry).where(CaseListEntry.round_id == round_.id)))
    for entry in entries:
        entry.case_reference = f"slettet-{entry.id}"
    record_ids = [r.id for r in records]
    logged = list(db.session.scalars(select(AuditEntry).where(
        ((AuditEntry.entity == "supervision_record") & AuditEntry.entity_id.in_(record_ids))
        | (AuditEntry.entity.in_(("case_sample", "case_list")) & (AuditEntry.entity_id == round_.id)))))
    for entry in logged:
        entry.before, entry.after = _scrubbed(entry.before), _scrubbed(entry.after)
    round_.personal_data_erased_at = now
    exports = erase_exports_of("rounds", round_.questionnaire_version.slug, round_.id)
    db.session.flush()
    return {"records": len(records), "case_list": len(entries), "audit_entries": len(logged),
            "export_jobs": exports}


def _scrubbed(values: dict | None) -> dict | None:
    if not isinstance(values, dict):
        return values
    cleaned = dict(values)
    if "case_reference" in cleaned:
        cleaned["case_reference"] = "slettet"
    if cleaned.get("comment"):
        cleaned["comment"] = None
    if isinstance(cleaned.get("sample"), list):
        cleaned["sample"] = ["slettet"] * len(cleaned["sample"])
    return cleaned
