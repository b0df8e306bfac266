"""Querying the audit log with a coordinator's filters, and writing it as a formula-safe CSV."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.auditlog.describe import Lookups, describe, who
from app.extensions import db
from app.models import AuditEntry
from app.waves.clock import local_to_utc, utc_to_local
from exports.cells import safe_text

PAGE_SIZE = 100
CSV_MAX_ROWS = 100_000

# Kinds of change a coordinator filters by, and the audited entities each one covers.
KINDS: dict[str, tuple[object, tuple[str, ...]]] = {
    "supervision": (_l("Ledelsestilsyn"), ("supervision_round", "supervision_record", "case_list", "case_sample")),
    "schemes": (_l("Evalueringsskemaer"), ("evaluation_scheme",)),
    "waves": (_l("Runder"), ("wave",)),
    "respondents": (_l("Respondenter"), ("respondent", "respondent_list")),
    "questionnaires": (_l("Spørgeskemaer"), ("questionnaire_version", "catalogue_file")),
    "users": (_l("Brugere og log ind"), ("user",)),
}


@dataclass(frozen=True)
class Filters:
    user_id: int | None = None
    kind: str = ""
    round_id: int | None = None
    wave_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _json_int(key: str, value: int):
    return or_(AuditEntry.after[key].as_integer() == value, AuditEntry.before[key].as_integer() == value)


def _query(filters: Filters):
    query = select(AuditEntry)
    if filters.user_id:
        query = query.where(AuditEntry.user_id == filters.user_id)
    if filters.kind in KINDS:
        query = query.where(AuditEntry.entity.in_(KINDS[filters.kind][1]))
    if filters.round_id:
        query = query.where(AuditEntry.entity.in_(KINDS["supervision"][1]), _json_int("round_id", filters.round_id))
    if filters.wave_id:
        query = query.where(AuditEntry.entity == "wave", _json_int("wave_id", filters.wave_id))
    # Dates are the reader's calendar days in Copenhagen time.
    if filters.date_from:
        query = query.where(AuditEntry.at >= local_to_utc(datetime.combine(filters.date_from, time.min)))
    if filters.date_to:
        query = query.where(AuditEntry.at < local_to_utc(datetime.combine(filters.date_to + timedelta(days=1), time.min)))
    return query


@dataclass
class Row:
    entry: AuditEntry
    text: str


def page(filters: Filters, number: int) -> tuple[list[Row], int, int]:
    """(rows, page number, pages), newest first."""
    query = _query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(number, 1), pages)
    entries = list(db.session.scalars(query.options(selectinload(AuditEntry.user))
                                      .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                      .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    lookups = Lookups.load(entries)
    return [Row(e, describe(e, lookups)) for e in entries], number, pages


def kind_of(entity: str) -> str:
    for label, entities in KINDS.values():
        if entity in entities:
            return str(label)
    return entity


def csv_text(filters: Filters, headers: list[str]) -> str:
    """The filtered log as semicolon-separated CSV; every text cell goes through the exports' safe_text."""
    entries = list(db.session.scalars(_query(filters).options(selectinload(AuditEntry.user))
                                      .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(CSV_MAX_ROWS)))
    lookups = Lookups.load(entries)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([safe_text(h) for h in headers])
    for entry in entries:
        place = lookups.municipalities.get(entry.municipality_id, "") if entry.municipality_id else ""
        writer.writerow([utc_to_local(entry.at).strftime("%Y-%m-%d %H:%M:%S"), safe_text(who(entry)),
                         safe_text(kind_of(entry.entity)), safe_text(place), safe_text(describe(entry, lookups))])
    return "\ufeff" + out.getvalue()
