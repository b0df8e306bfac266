"""Supervision rounds and reviewed-case records. Every change is audited; functions flush, never commit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.extensions import db
from app.models import (AuditEntry, CaseListEntry, Municipality, QuestionnaireVersion, Response,
                        SupervisionRecord, SupervisionRound, utcnow)
from app.models.supervision import round_municipalities
from app.questionnaires.service import definition_of
from app.responses import answers_of, replace_answers

STATUSES = ("draft", "open", "closed")


class DuplicateCaseReference(ValueError):
    """The case reference is already logged in this round for this municipality."""


class NotOnCaseList(ValueError):
    """The case is not on the municipality's case list for the round: no record can be made for it."""


class OutsideSample(ValueError):
    """The case is on the list but not in the drawn sample, and the user did not mark it as such."""


def in_sample(round_id: int, municipality_id: int, case_reference: str) -> bool | None:
    """None when the case is not on the municipality's list; else whether it belongs to the sample.

    Until a sample is drawn the whole list is under review, so every listed case belongs to it.
    """
    entry = db.session.scalar(select(CaseListEntry).where(
        CaseListEntry.round_id == round_id, CaseListEntry.municipality_id == municipality_id,
        CaseListEntry.case_reference == case_reference))
    if entry is None:
        return None
    return entry.sample_rank is not None or not sample_drawn_for(round_id, municipality_id)


def sample_drawn_for(round_id: int, municipality_id: int) -> bool:
    return db.session.scalar(select(CaseListEntry.id).where(
        CaseListEntry.round_id == round_id, CaseListEntry.municipality_id == municipality_id,
        CaseListEntry.sample_rank.is_not(None)).limit(1)) is not None


def _check_scope(round_id: int, municipality_id: int, case_reference: str, outside_confirmed: bool) -> None:
    scope = in_sample(round_id, municipality_id, case_reference)
    if scope is None:
        raise NotOnCaseList(case_reference)
    if scope is False and not outside_confirmed:
        raise OutsideSample(case_reference)


def create_round(user, version: QuestionnaireVersion, label: str, period_start: date,
                 period_end: date, municipalities: list[Municipality],
                 repeats: SupervisionRound | None = None) -> SupervisionRound:
    """A new round (a draft until the coordinator opens it)."""
    round_ = SupervisionRound(questionnaire_version=version, label=label.strip(), period_start=period_start,
                              period_end=period_end, status="draft", municipalities=list(municipalities),
                              repeats=repeats)
    db.session.add(round_)
    db.session.flush()
    audit.record(user, "create", "supervision_round", round_.id, None, round_snapshot(round_), None)
    return round_


def default_municipalities(version: QuestionnaireVersion) -> list[Municipality]:
    """The municipalities of the questionnaire's experiment (empty when it names none)."""
    return list(version.experiment.municipalities) if version.experiment else []


def set_status(user, round_: SupervisionRound, status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    before = round_snapshot(round_)
    if status == "closed" and round_.status != "closed":
        round_.closed_at = utcnow()
    elif status != "closed":
        round_.closed_at = None
    round_.status = status
    db.session.flush()
    audit.record(user, "status", "supervision_round", round_.id, before, round_snapshot(round_), None)


def round_snapshot(round_: SupervisionRound) -> dict:
    return {"round_id": round_.id, "label": round_.label, "status": round_.status,
            "period_start": round_.period_start, "period_end": round_.period_end,
            "questionnaire": f"{round_.questionnaire_version.slug} v{round_.questionnaire_version.version}",
            "municipalities": [m.slug for m in round_.municipalities]}


def rounds_for(user) -> list[SupervisionRound]:
    """Coordinators see every round; team leaders the opened or closed rounds covering their municipality."""
    query = select(SupervisionRound).order_by(SupervisionRound.period_start.desc(), SupervisionRound.id.desc())
    if not user.is_coordinator:
        query = query.join(round_municipalities).where(
            round_municipalities.c.municipality_id == user.municipality_id,
            SupervisionRound.status != "draft",
        )
    return list(db.session.scalars(query))


def round_visible_to(user, round_: SupervisionRound) -> bool:
    if user.is_coordinator:
        return True
    return round_.status != "draft" and any(m.id == user.municipality_id for m in round_.municipalities)


def record_scopes(round_ids: list[int]) -> dict[int, bool]:
    """Per record id of the rounds: whether it belongs to the sample (see `in_sample`) - one query each."""
    drawn = set(db.session.execute(select(CaseListEntry.round_id, CaseListEntry.municipality_id).where(
        CaseListEntry.round_id.in_(round_ids), CaseListEntry.sample_rank.is_not(None)).distinct()).all())
    rows = db.session.execute(
        select(SupervisionRecord.id, SupervisionRecord.round_id, SupervisionRecord.municipality_id,
               CaseListEntry.sample_rank)
        .outerjoin(CaseListEntry, and_(CaseListEntry.round_id == SupervisionRecord.round_id,
                                       CaseListEntry.municipality_id == SupervisionRecord.municipality_id,
                                       CaseListEntry.case_reference == SupervisionRecord.case_reference))
        .where(SupervisionRecord.round_id.in_(round_ids))).all()
    return {rid: rank is not None or (round_id, mid) not in drawn for rid, round_id, mid, rank in rows}


def coverage(round_ids: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """Per (round, municipality): cases listed, sampled, reviewed in the sample, and reviewed outside it
    (`included`: of those, how many a coordinator counts in the tallies)."""
    result: dict[tuple[int, int], dict[str, int]] = {}

    def cell(key) -> dict[str, int]:
        return result.setdefault(key, {"listed": 0, "sampled": 0, "reviewed": 0, "outside": 0, "included": 0})

    for round_id, mid, listed, sampled in db.session.execute(
            select(CaseListEntry.round_id, CaseListEntry.municipality_id, func.count(),
                   func.count(CaseListEntry.sample_rank))
            .where(CaseListEntry.round_id.in_(round_ids))
            .group_by(CaseListEntry.round_id, CaseListEntry.municipality_id)).all():
        cell((round_id, mid)).update(listed=listed, sampled=sampled)
    scopes = record_scopes(round_ids)
    for rid, round_id, mid, included in db.session.execute(
            select(SupervisionRecord.id, SupervisionRecord.round_id, SupervisionRecord.municipality_id,
                   SupervisionRecord.include_outside).where(SupervisionRecord.round_id.in_(round_ids))).all():
        counts = cell((round_id, mid))
        if scopes[rid]:
            counts["reviewed"] += 1
        else:
            counts["outside"] += 1
            counts["included"] += int(bool(included))
    return result


def counts_by_municipality(round_: SupervisionRound, municipality_ids: set[int] | None) -> list[dict]:
    """Per municipality of the round: the sample's coverage (listed, sampled, reviewed, outside)."""
    counts = coverage([round_.id])
    empty = {"listed": 0, "sampled": 0, "reviewed": 0, "outside": 0, "included": 0}
    return [{"municipality": m, **counts.get((round_.id, m.id), empty)}
            for m in round_.municipalities if municipality_ids is None or m.id in municipality_ids]


def records_of(round_: SupervisionRound, municipality_ids: set[int] | None, search: str = "") -> list[SupervisionRecord]:
    """The round's records (of the given municipalities), optionally matching `search`."""
    query = select(SupervisionRecord).where(SupervisionRecord.round_id == round_.id)
    if municipality_ids is not None:
        query = query.where(SupervisionRecord.municipality_id.in_(municipality_ids))
    search = search.strip()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(SupervisionRecord.case_reference.ilike(pattern, escape="\\"),
                                SupervisionRecord.comment.ilike(pattern, escape="\\")))
    return list(db.session.scalars(query.order_by(SupervisionRecord.case_reference)))


def reference_taken(round_id: int, municipality_id: int, case_reference: str, except_id: int | None = None) -> bool:
    query = select(SupervisionRecord.id).where(
        SupervisionRecord.round_id == round_id, SupervisionRecord.municipality_id == municipality_id,
        SupervisionRecord.case_reference == case_reference)
    if except_id is not None:
        query = query.where(SupervisionRecord.id != except_id)
    return db.session.scalar(query) is not None


def response_of(record: SupervisionRecord) -> Response | None:
    return db.session.scalar(select(Response).where(Response.supervision_record_id == record.id))


def record_snapshot(record: SupervisionRecord) -> dict:
    response = response_of(record)
    questionnaire = definition_of(record.round.questionnaire_version)
    answers = answers_of(response.id, questionnaire) if response else {}
    return {"round_id": record.round_id, "municipality_id": record.municipality_id,
            "case_reference": record.case_reference, "comment": record.comment,
            "in_sample": in_sample(record.round_id, record.municipality_id, record.case_reference),
            "include_outside": bool(record.include_outside), "answers": answers}


def set_included(user, record: SupervisionRecord, included: bool) -> None:
    """A coordinator counts a case reviewed outside the sample in the tallies, or leaves it out again."""
    before = record_snapshot(record)
    record.include_outside = included
    db.session.flush()
    audit.record(user, "include" if included else "exclude", "supervision_record", record.id, before,
                 record_snapshot(record), record.municipality_id)


def _flush_unique() -> None:
    """Flush in a savepoint; a unique-constraint race becomes DuplicateCaseReference, not a 500."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise DuplicateCaseReference(str(exc.orig)) from exc


def create_record(user, round_: SupervisionRound, case_reference: str, comment: str | None,
                  answers: dict, outside_confirmed: bool = False) -> SupervisionRecord:
    """Log a reviewed case for the user's own municipality (never one taken from the request).

    The case must be on the municipality's list; one outside the drawn sample only when the user
    marked it as outside the sample (OutsideSample otherwise).
    """
    case_reference = case_reference.strip()
    _check_scope(round_.id, user.municipality_id, case_reference, outside_confirmed)
    if reference_taken(round_.id, user.municipality_id, case_reference):
        raise DuplicateCaseReference(case_reference)
    record = SupervisionRecord(round_id=round_.id, municipality_id=user.municipality_id,
                               case_reference=case_reference, comment=comment or None, created_by_id=user.id)
    db.session.add(record)
    _flush_unique()
    version = round_.questionnaire_version
    now = utcnow()
    response = Response(questionnaire_version_id=version.id, municipality_id=record.municipality_id,
                        supervision_record_id=record.id, status="submitted", submitted_at=now)
    db.session.add(response)
    db.session.flush()
    replace_answers(response.id, definition_of(version), answers)
    db.session.flush()
    audit.record(user, "create", "supervision_record", record.id, None, record_snapshot(record),
                 record.municipality_id)
    return record


def update_record(user, record: SupervisionRecord, case_reference: str, comment: str | None,
                  answers: dict, outside_confirmed: bool = False) -> None:
    case_reference = case_reference.strip()
    _check_scope(record.round_id, record.municipality_id, case_reference, outside_confirmed)
    if reference_taken(record.round_id, record.municipality_id, case_reference, except_id=record.id):
        raise DuplicateCaseReference(case_reference)
    before = record_snapshot(record)
    record.case_reference, record.comment = case_reference, comment or None
    record.updated_at = utcnow()
    _flush_unique()
    response = response_of(record)
    version = record.round.questionnaire_version
    if response is None:
        response = Response(questionnaire_version_id=version.id, municipality_id=record.municipality_id,
                            supervision_record_id=record.id, status="submitted", submitted_at=utcnow())
        db.session.add(response)
        db.session.flush()
    response.updated_at = utcnow()
    replace_answers(response.id, definition_of(version), answers)
    db.session.flush()
    audit.record(user, "update", "supervision_record", record.id, before, record_snapshot(record),
                 record.municipality_id)


def delete_record(user, record: SupervisionRecord) -> None:
    before = record_snapshot(record)
    record_id, municipality_id = record.id, record.municipality_id
    response = response_of(record)
    if response is not None:
        db.session.delete(response)
    db.session.delete(record)
    db.session.flush()
    audit.record(user, "delete", "supervision_record", record_id, before, None, municipality_id)


def audit_log(round_: SupervisionRound) -> list[AuditEntry]:
    """Every audited change in a round: the round itself, its records, case lists and samples."""
    in_round = or_(AuditEntry.after["round_id"].as_integer() == round_.id,
                   AuditEntry.before["round_id"].as_integer() == round_.id)
    query = select(AuditEntry).where(
        AuditEntry.entity.in_(("supervision_round", "supervision_record", "case_list", "case_sample")), in_round
    ).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(db.session.scalars(query))
