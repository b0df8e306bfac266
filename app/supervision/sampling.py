"""Case lists per municipality (CSV or Excel) and a reproducible, seeded random sample from them."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import insert, select

from app import audit
from app.extensions import db
from app.models import CaseListEntry, Municipality, SupervisionRound, utcnow
from forms import contains_cpr

REFERENCE_HEADERS = {"sagsnummer", "sagsreference", "sag", "reference", "case reference", "case_reference"}
MUNICIPALITY_HEADERS = {"kommune", "municipality"}
MAX_REFERENCE_LENGTH = 80
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class ImportResult:
    """Rows to import per municipality id, or the problems (nothing is imported unless there are none)."""

    rows: dict[int, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(refs) for refs in self.rows.values())


def _find_municipality(value: str, allowed: list[Municipality]) -> Municipality | None:
    wanted = value.strip().lower()
    for m in allowed:
        if wanted in (m.slug.lower(), m.name.lower(), str(m.code)):
            return m
    return None


def parse_case_list(table: list[list[str]], round_: SupervisionRound, own: Municipality | None) -> ImportResult:
    """Check every row; `own` is the team leader's municipality (None for a coordinator).

    A team leader's rows always belong to their own municipality; a coordinator must name it per row.
    """
    result = ImportResult()
    numbered = [(line, r) for line, r in enumerate(table, start=1) if any(c for c in r)]
    if not numbered:
        result.errors.append(_("Filen er tom."))
        return result
    header = [c.strip().lower() for c in numbered[0][1]]
    ref_col = next((i for i, h in enumerate(header) if h in REFERENCE_HEADERS), None)
    mun_col = next((i for i, h in enumerate(header) if h in MUNICIPALITY_HEADERS), None)
    if ref_col is None:
        result.errors.append(_("Første række skal have kolonnen \"sagsnummer\"."))
        return result
    if own is None and mun_col is None:
        result.errors.append(_("Første række skal have kolonnen \"kommune\"."))
        return result
    seen: dict[tuple[int, str], int] = {}
    for line, row in numbered[1:]:
        reference = row[ref_col].strip() if ref_col < len(row) else ""
        if not reference:
            result.errors.append(_("Række %(line)s: sagsnummeret mangler.", line=line))
            continue
        if contains_cpr(reference):
            result.errors.append(_("Række %(line)s: sagsnummeret ligner et CPR-nummer og afvises.", line=line))
            continue
        if len(reference) > MAX_REFERENCE_LENGTH:
            result.errors.append(_("Række %(line)s: sagsnummeret er for langt.", line=line))
            continue
        municipality = own
        if own is None or (mun_col is not None and mun_col < len(row) and row[mun_col].strip()):
            named = row[mun_col].strip() if mun_col is not None and mun_col < len(row) else ""
            municipality = _find_municipality(named, list(round_.municipalities))
            if municipality is None or (own is not None and municipality.id != own.id):
                result.errors.append(_("Række %(line)s: kommunen er ikke en af rundens kommuner.", line=line)
                                     if own is None else
                                     _("Række %(line)s: du kan kun indlæse sager for din egen kommune.", line=line))
                continue
        key = (municipality.id, reference)
        if key in seen:
            result.errors.append(_("Række %(line)s: sagsnummeret står også i række %(first)s.", line=line, first=seen[key]))
            continue
        seen[key] = line
        result.rows.setdefault(municipality.id, []).append(reference)
    if not result.errors and not result.rows:
        result.errors.append(_("Filen har ingen sager."))
    return result


def sample_drawn(round_: SupervisionRound, municipality_id: int) -> bool:
    return db.session.scalar(select(CaseListEntry.id).where(
        CaseListEntry.round_id == round_.id, CaseListEntry.municipality_id == municipality_id,
        CaseListEntry.sample_rank.is_not(None)).limit(1)) is not None


def import_case_list(user, round_: SupervisionRound, result: ImportResult) -> int:
    """Store checked rows; references already listed are kept once. Returns the number of new entries."""
    added = 0
    for municipality_id, references in result.rows.items():
        existing = set(db.session.scalars(select(CaseListEntry.case_reference).where(
            CaseListEntry.round_id == round_.id, CaseListEntry.municipality_id == municipality_id)))
        new = [r for r in references if r not in existing]
        if new:  # one Core statement: lists may hold thousands of cases
            db.session.execute(insert(CaseListEntry), [
                {"round_id": round_.id, "municipality_id": municipality_id, "case_reference": r,
                 "imported_at": utcnow()} for r in new])
        audit.record(user, "import", "case_list", round_.id, None,
                     {"round_id": round_.id, "added": len(new), "listed": len(existing) + len(new)},
                     municipality_id)
        added += len(new)
    return added


def draw(references: list[str], n: int, seed: str, round_id: int, municipality_code: int) -> list[str]:
    """The sample, in drawing order: the same inputs always give the same draw, whatever the import order."""
    rng = random.Random(f"{seed}:{round_id}:{municipality_code}")
    ordered = sorted(references)
    return rng.sample(ordered, min(n, len(ordered)))


def draw_sample(user, round_: SupervisionRound, municipality: Municipality, n: int, seed: str) -> list[str]:
    """Draw (or re-draw) the municipality's sample of size n from its case list; ranks are stored."""
    entries = list(db.session.scalars(select(CaseListEntry).where(
        CaseListEntry.round_id == round_.id, CaseListEntry.municipality_id == municipality.id)))
    chosen = draw([e.case_reference for e in entries], n, seed, round_.id, municipality.code)
    rank = {reference: i for i, reference in enumerate(chosen, start=1)}
    for entry in entries:
        entry.sample_rank = rank.get(entry.case_reference)
        entry.sample_seed = seed if entry.case_reference in rank else None
    db.session.flush()
    audit.record(user, "draw", "case_sample", round_.id, None,
                 {"round_id": round_.id, "seed": seed, "n": n, "sample": chosen}, municipality.id)
    return chosen


def sample_of(round_: SupervisionRound, municipality_id: int) -> list[CaseListEntry]:
    return list(db.session.scalars(select(CaseListEntry).where(
        CaseListEntry.round_id == round_.id, CaseListEntry.municipality_id == municipality_id,
        CaseListEntry.sample_rank.is_not(None)).order_by(CaseListEntry.sample_rank)))
