"""CPR numbers already stored: finding them in every typed text, and removing them.

Every form refuses a CPR number today, but texts stored before that check, or brought in another way
(an import, a database restored from elsewhere), may hold one. `scan` reads every column people type
into, in chunks, and reports where a number was found without ever showing it whole (`masked`).
`remove` replaces each number with REMOVED (a case reference, which must stay unique, with REMOVED and
its row's id), writes an audit entry per row that says which column changed but not the number, and
also cleans the audit log's own before/after values.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from app.audit import record
from app.extensions import db
from app.models import (
    Answer,
    AuditEntry,
    CaseListEntry,
    Respondent,
    Response,
    SupervisionRecord,
    SupervisionRound,
    User,
    Wave,
)
from forms import find_cpr

REMOVED = "[CPR-nummer fjernet]"
CHUNK = 2_000


@dataclass(frozen=True)
class Source:
    """A table people type into: its columns, and how a row names its municipality."""

    key: str
    label: Any  # lazy text: where the coordinator finds it
    model: Any
    columns: tuple[str, ...]
    municipality: Callable[[Any], Any] | None = None  # a column expression, or None
    join: Any = None
    unique: bool = False  # a case reference: the replacement keeps it unique
    json: bool = False  # the audit log's before/after values


SOURCES = (
    Source("answers", _l("Svar (fritekst)"), Answer, ("text",), lambda: Response.municipality_id,
           (Response, Response.id == Answer.response_id)),
    Source("record_comments", _l("Kommentarer i tilsynsregistreringer"), SupervisionRecord, ("comment",),
           lambda: SupervisionRecord.municipality_id),
    Source("record_references", _l("Sagsnumre i tilsynsregistreringer"), SupervisionRecord, ("case_reference",),
           lambda: SupervisionRecord.municipality_id, unique=True),
    Source("case_lists", _l("Sagsnumre i sagslister"), CaseListEntry, ("case_reference",),
           lambda: CaseListEntry.municipality_id, unique=True),
    Source("respondents", _l("Respondenter"), Respondent, ("name", "role", "team", "excluded_reason"),
           lambda: Respondent.municipality_id),
    Source("users", _l("Brugere"), User, ("name",), lambda: User.municipality_id),
    Source("waves", _l("Runder"), Wave, ("label", "label_en", "retention_postpone_reason")),
    Source("rounds", _l("Ledelsestilsyn"), SupervisionRound, ("label", "retention_postpone_reason")),
    Source("audit", _l("Ændringsloggen"), AuditEntry, ("before", "after"), lambda: AuditEntry.municipality_id,
           json=True),
)


@dataclass(frozen=True)
class Finding:
    """One row with a CPR number in one of its columns; `masked` shows each number's date part only."""

    source: Source
    row_id: int
    column: str
    municipality_id: int | None
    masked: tuple[str, ...]


def masked(number: str) -> str:
    """The number with its last four digits hidden: enough to recognise it, not to misuse it."""
    digits = [i for i, ch in enumerate(number) if ch.isdigit()]
    hide = set(digits[-4:])
    return "".join("•" if i in hide else ch for i, ch in enumerate(number))


def scan() -> list[Finding]:
    """Every stored row with a CPR number in a typed column, source by source."""
    return [finding for source in SOURCES for finding in _scan(source)]


def _rows(source: Source) -> Iterator[tuple]:
    model = source.model
    columns = [getattr(model, c) for c in source.columns]
    place = source.municipality() if source.municipality else None
    query = select(model.id, place if place is not None else db.literal(None), *columns)
    if source.join is not None:
        query = query.join(*source.join)
    query = query.where(or_(*(c.is_not(None) for c in columns))).order_by(model.id)
    last = 0
    while True:
        rows = db.session.execute(query.where(model.id > last).limit(CHUNK)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _scan(source: Source) -> Iterator[Finding]:
    for row_id, municipality_id, *values in _rows(source):
        for column, value in zip(source.columns, values):
            found = _numbers(value)
            if found:
                yield Finding(source, row_id, column, municipality_id, tuple(masked(n) for n in found))


def _numbers(value: Any) -> list[str]:
    """The CPR numbers in a text, or in every text of a JSON value."""
    if isinstance(value, str):
        return find_cpr(value)
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []


def _cleaned(value: Any, marker: str = REMOVED) -> Any:
    if isinstance(value, str):
        for number in find_cpr(value):
            value = value.replace(number, marker)
        return value
    if isinstance(value, dict):
        return {k: _cleaned(v, marker) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v, marker) for v in value]
    return value


def remove(user, findings: list[Finding] | None = None) -> int:
    """Replace the CPR numbers of `findings` (default: a fresh scan) and log each row; how many rows.
    Flushes; the caller commits."""
    findings = scan() if findings is None else findings
    changed = 0
    for finding in findings:
        source = finding.source
        column = getattr(source.model, finding.column)
        value = db.session.scalar(select(column).where(source.model.id == finding.row_id))
        if source.unique:
            cleaned = f"{REMOVED} #{finding.row_id}"
        else:
            cleaned = _cleaned(value)
        if cleaned == value:
            continue
        db.session.execute(update(source.model).where(source.model.id == finding.row_id)
                           .values({finding.column: cleaned}))
        changed += 1
        if not source.json:  # an audit row cleaned of a number is not logged again with it
            record(user, "cpr_removed", source.model.__tablename__, finding.row_id,
                   {"column": finding.column, "numbers": len(finding.masked)}, {finding.column: REMOVED},
                   finding.municipality_id)
    db.session.flush()
    return changed
