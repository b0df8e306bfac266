"""Importing respondents from CSV or Excel: every bad row reported, nothing stored unless all are good."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import Municipality, Respondent
from app.uploads import read_table

HEADERS = {
    "name": ("name", "navn"),
    "email": ("email", "e-mail", "mail", "e-mailadresse"),
    "municipality": ("municipality", "kommune"),
    "role": ("role", "rolle", "stilling"),
    "team": ("team", "afdeling"),
}
MAX_ROWS = 20_000


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def _columns(header: list[str]) -> dict[str, int]:
    lowered = [h.strip().lower() for h in header]
    found = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(lowered):
            if h in names:
                found[key] = i
                break
    return found


def _cell(row: list[str], columns: dict[str, int], key: str) -> str:
    """The stripped value of column `key` in `row` ("" when the file has no such column or the row is short)."""
    return row[columns[key]].strip() if key in columns and columns[key] < len(row) else ""


def check_rows(table: list[list[str]]) -> ImportResult:
    """Validate every row; rows are numbered as in a spreadsheet (the header is row 1)."""
    result = ImportResult()
    if not table:
        result.errors.append((1, _("Filen er tom.")))
        return result
    columns = _columns(table[0])
    missing = [k for k in ("name", "email", "municipality") if k not in columns]
    if missing:
        result.errors.append((1, _("Kolonnerne navn, e-mail og kommune skal findes i første række.")))
        return result
    if len(table) > MAX_ROWS + 1:
        result.errors.append((1, _("Filen har mere end %(n)s rækker.", n=MAX_ROWS)))
        return result
    from email_validator import EmailNotValidError  # here: only an upload checks addresses

    from app.emails import normalized_email

    municipalities = _municipality_lookup()
    seen: dict[str, int] = {}
    for number, row in enumerate(table[1:], start=2):
        if not any(cell for cell in row):
            continue
        name, raw_email, place = (_cell(row, columns, key) for key in ("name", "email", "municipality"))
        problems = []
        if not name:
            problems.append(_("navn mangler"))
        try:
            email = normalized_email(raw_email)
        except EmailNotValidError:
            email = raw_email.lower()
            problems.append(_("ugyldig e-mailadresse \"%(email)s\"", email=raw_email))
        municipality = municipalities.get(place.lower())
        if municipality is None:
            problems.append(_("ukendt kommune \"%(name)s\"", name=place))
        if email and email in seen:
            problems.append(_("e-mailadressen står også i række %(row)s", row=seen[email]))
        seen.setdefault(email, number)
        if problems:
            result.errors.append((number, "; ".join(problems)))
            continue
        result.rows.append({"name": name[:200], "email": email, "municipality_id": municipality.id,
                            "role": _cell(row, columns, "role")[:120] or None,
                            "team": _cell(row, columns, "team")[:120] or None})
    if not result.rows and not result.errors:
        result.errors.append((2, _("Filen har ingen respondenter.")))
    return result


def _municipality_lookup() -> dict[str, Municipality]:
    lookup = {}
    for m in db.session.scalars(select(Municipality)):
        lookup[m.slug.lower()] = m
        lookup[m.name.lower()] = m
        lookup[str(m.code)] = m
    return lookup


def import_respondents(filename: str, content: bytes, user=None) -> ImportResult:
    """Check the file and, only when every row is good, create or update respondents (matched by e-mail).

    A good import is audited with the file's name and how many were created and updated (no names:
    the log outlives the respondents)."""
    try:
        result = check_rows(read_table(filename, content))
    except (ValueError, csv.Error) as exc:
        return ImportResult(errors=[(1, str(exc))])
    if result.errors:
        return result
    existing = {r.email.lower(): r for r in db.session.scalars(
        select(Respondent).where(Respondent.email.in_([row["email"] for row in result.rows])))}
    for row in result.rows:
        respondent = existing.get(row["email"])
        if respondent is None:
            db.session.add(Respondent(active=True, **row))
            result.created += 1
        else:
            for key, value in row.items():
                setattr(respondent, key, value)
            respondent.active = respondent.excluded_at is None  # an exclusion outlives a new import
            result.updated += 1
    db.session.flush()
    audit.record(user, "import", "respondent_list", None, None,
                 {"file": filename, "created": result.created, "updated": result.updated}, None)
    return result
