"""Case lists per municipality (CSV or Excel) and a reproducible, seeded random sample from them."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, insert, select

from app import audit
from app.extensions import db
from app.models import AuditEntry, CaseListEntry, Municipality, SupervisionRecord, SupervisionRound, utcnow
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
    if n > len(ordered):
        raise ValueError(f"a sample of {n} from a list of {len(ordered)}")
    return rng.sample(ordered, n)


class SampleRefused(ValueError):
    """A draw the page and the command line both refuse; `code` and `params` say why."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def refusal_message(refusal: SampleRefused) -> str:
    """The page's wording of a refused draw (the command line words it in English itself)."""
    p = refusal.params
    if refusal.code == "closed":
        return _("Runden er lukket: sagslister og stikprøver kan ikke længere ændres.")
    if refusal.code == "empty":
        return _("Der er ingen sagsliste for %(name)s endnu. Indlæs listen, før stikprøven trækkes.", name=p["name"])
    if refusal.code == "too_large":
        return _("Listen for %(name)s har kun %(listed)s sager, så stikprøven kan ikke være på %(n)s. "
                 "Vælg højst %(listed)s.", name=p["name"], listed=p["listed"], n=p["n"])
    if refusal.code == "frozen":
        return ngettext("Stikprøven for %(name)s er låst, fordi %(num)s sag i den er registreret. Kun en "
                        "koordinator kan trække den igen, og kun med en begrundelse.",
                        "Stikprøven for %(name)s er låst, fordi %(num)s sager i den er registreret. Kun en "
                        "koordinator kan trække den igen, og kun med en begrundelse.", p["reviewed"], name=p["name"])
    if refusal.code == "confirm":
        return ngettext("Trækningen tager %(num)s af de %(reviewed)s gennemgåede sager for %(name)s ud af "
                        "stikprøvens tal: %(cases)s. Bekræft trækningen, hvis det er meningen.",
                        "Trækningen tager %(num)s af de %(reviewed)s gennemgåede sager for %(name)s ud af "
                        "stikprøvens tal: %(cases)s. Bekræft trækningen, hvis det er meningen.",
                        p["leaving"], reviewed=p["reviewed"], name=p["name"], cases=", ".join(p["cases"]))
    return _("Skriv en begrundelse for at trække stikprøven igen. Den gamle trækning gemmes i ændringsloggen.")


def reviewed_in_sample(round_id: int, municipality_id: int) -> int:
    """How many cases of the drawn sample already have a record: one or more freezes the sample."""
    return db.session.scalar(select(func.count()).select_from(SupervisionRecord).join(CaseListEntry, and_(
        CaseListEntry.round_id == SupervisionRecord.round_id,
        CaseListEntry.municipality_id == SupervisionRecord.municipality_id,
        CaseListEntry.case_reference == SupervisionRecord.case_reference)).where(
        SupervisionRecord.round_id == round_id, SupervisionRecord.municipality_id == municipality_id,
        CaseListEntry.sample_rank.is_not(None))) or 0


@dataclass(frozen=True)
class DrawEffect:
    """What a draw does to the reviewed cases: those counted now and the ones that leave or join the tallies."""

    counted: list[str]
    leaving: list[str]
    joining: list[str]


def draw_effect(round_id: int, municipality_id: int, entries: list[CaseListEntry], chosen: list[str]) -> DrawEffect:
    """Which reviewed cases the draw `chosen` takes out of the tallies, and which it brings in.

    Before any draw the whole list is under review; after it only the sample counts, besides the cases
    reviewed outside it that a coordinator included.
    """
    sampled = {e.case_reference for e in entries if e.sample_rank is not None}
    now = sampled or {e.case_reference for e in entries}
    records = db.session.execute(select(SupervisionRecord.case_reference, SupervisionRecord.include_outside).where(
        SupervisionRecord.round_id == round_id, SupervisionRecord.municipality_id == municipality_id)).all()
    counted = {ref for ref, included in records if ref in now or included}
    after = {ref for ref, included in records if ref in set(chosen) or included}
    return DrawEffect(sorted(counted), sorted(counted - after), sorted(after - counted))


def draw_snapshot(round_id: int, entries: list[CaseListEntry]) -> dict | None:
    """The draw in force as the audit log keeps it (None before the first draw)."""
    drawn = sorted((e for e in entries if e.sample_rank is not None), key=lambda e: e.sample_rank)
    if not drawn:
        return None
    return {"round_id": round_id, "seed": drawn[0].sample_seed, "n": len(drawn),
            "sample": [e.case_reference for e in drawn]}


def draw_sample(user, round_: SupervisionRound, municipality: Municipality, n: int, seed: str,
                reason: str | None = None, coordinator: bool | None = None,
                confirm_leaving: int | None = None) -> tuple[list[str], DrawEffect]:
    """Draw (or re-draw) the municipality's sample of size n from its case list; ranks are stored.

    Refused (SampleRefused) for a closed round, an empty list, a size larger than the list, a sample
    with a reviewed case unless a coordinator gives a reason, and a draw that takes reviewed cases out
    of the tallies unless `confirm_leaving` is their number (so the one confirming saw how many); the
    old draw stays in the audit log. `coordinator` defaults to the user's role (the command line passes
    True: it runs as the operator).
    """
    reason = (reason or "").strip() or None
    if coordinator is None:
        coordinator = bool(getattr(user, "is_coordinator", False))
    if round_.status == "closed":
        raise SampleRefused("closed")
    entries = list(db.session.scalars(select(CaseListEntry).where(
        CaseListEntry.round_id == round_.id, CaseListEntry.municipality_id == municipality.id)))
    if not entries:
        raise SampleRefused("empty", name=municipality.name)
    if n > len(entries):
        raise SampleRefused("too_large", name=municipality.name, listed=len(entries), n=n)
    reviewed = reviewed_in_sample(round_.id, municipality.id)
    if reviewed and not coordinator:
        raise SampleRefused("frozen", name=municipality.name, reviewed=reviewed)
    if reviewed and reason is None:
        raise SampleRefused("reason", name=municipality.name)
    before = draw_snapshot(round_.id, entries)
    chosen = draw([e.case_reference for e in entries], n, seed, round_.id, municipality.code)
    effect = draw_effect(round_.id, municipality.id, entries, chosen)
    if effect.leaving and confirm_leaving != len(effect.leaving):
        raise SampleRefused("confirm", name=municipality.name, leaving=len(effect.leaving),
                            reviewed=len(effect.counted), cases=effect.leaving)
    rank = {reference: i for i, reference in enumerate(chosen, start=1)}
    for entry in entries:
        entry.sample_rank = rank.get(entry.case_reference)
        entry.sample_seed = seed if entry.case_reference in rank else None
    db.session.flush()
    after = {"round_id": round_.id, "seed": seed, "n": n, "sample": chosen, "counted_before": len(effect.counted),
             "leaving": effect.leaving, "joining": effect.joining}
    if before is not None:
        after["reason"] = reason
        after["reviewed_before"] = reviewed
    audit.record(user, "draw" if before is None else "redraw", "case_sample", round_.id, before, after,
                 municipality.id)
    return chosen, effect


def draws_of(round_id: int, municipality_id: int) -> list[AuditEntry]:
    """Every audited draw of the municipality's sample in the round, oldest first."""
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "case_sample", AuditEntry.entity_id == round_id,
        AuditEntry.municipality_id == municipality_id).order_by(AuditEntry.at, AuditEntry.id)))


def check_sample(round_: SupervisionRound, municipality: Municipality) -> list[str]:
    """Why the stored sample is not the draw in force (empty when it is).

    The stored sample must be what its seed and size draw from the list as it stands, and it must be
    the draw the audit log recorded last: a sample changed in the database, or drawn again without
    going through `draw_sample`, fails.
    """
    entries = list(db.session.scalars(select(CaseListEntry).where(
        CaseListEntry.round_id == round_.id, CaseListEntry.municipality_id == municipality.id)))
    stored = draw_snapshot(round_.id, entries)
    if stored is None:
        # none drawn is no fault (the whole list is under review), unless the log recorded a draw
        return ["the audit log records a draw, but no sample is stored"] if draws_of(round_.id, municipality.id) else []
    problems = []
    seeds = {e.sample_seed for e in entries if e.sample_rank is not None}
    if len(seeds) > 1:
        problems.append("the sampled cases carry different seeds")
    again = draw([e.case_reference for e in entries], stored["n"], stored["seed"], round_.id, municipality.code)
    if again != stored["sample"]:
        problems.append("the stored sample does NOT match a new draw from its seed")
    history = draws_of(round_.id, municipality.id)
    in_force = history[-1].after if history else None
    if not in_force or in_force.get("seed") != stored["seed"] or in_force.get("sample") != stored["sample"]:
        problems.append("the stored sample is not the last draw recorded in the audit log")
    for entry in history[1:]:
        if (entry.after or {}).get("reviewed_before") and not (entry.after or {}).get("reason"):
            problems.append(f"a redraw at {entry.at.isoformat()} replaced reviewed cases without a reason")
    return problems


def sample_of(round_: SupervisionRound, municipality_id: int) -> list[CaseListEntry]:
    return list(db.session.scalars(select(CaseListEntry).where(
        CaseListEntry.round_id == round_.id, CaseListEntry.municipality_id == municipality_id,
        CaseListEntry.sample_rank.is_not(None)).order_by(CaseListEntry.sample_rank)))
