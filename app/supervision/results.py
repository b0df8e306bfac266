"""The supervision results' input: rounds of a questionnaire, one long query of answers, the sample's coverage."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Answer,
    Municipality,
    QuestionFingerprint,
    QuestionnaireVersion,
    Response,
    SupervisionRecord,
    SupervisionRound,
)
from app.questionnaires.service import definition_of
from app.supervision.service import coverage, record_scopes
from exports.supervision import SUPERVISION_COLUMNS, Coverage, RoundInfo, SupervisionData
from forms import Question


def rounds_of(slug: str) -> list[SupervisionRound]:
    """Every round of any version of the questionnaire, oldest first."""
    return list(db.session.scalars(
        select(SupervisionRound).join(QuestionnaireVersion,
                                      SupervisionRound.questionnaire_version_id == QuestionnaireVersion.id)
        .where(QuestionnaireVersion.slug == slug).order_by(SupervisionRound.period_start, SupervisionRound.id)))


def _questions(versions: list[QuestionnaireVersion]) -> list[Question]:
    """The newest version's questions in its order, then questions only older versions asked."""
    seen: dict[str, Question] = {}
    for version in sorted(versions, key=lambda v: v.version, reverse=True):
        for question in definition_of(version).questions:
            seen.setdefault(question.id, question)
    return list(seen.values())


def _round_info(round_: SupervisionRound) -> RoundInfo:
    """A round with its version's question fingerprints and wordings (what comparability reads)."""
    version = round_.questionnaire_version
    fingerprints = dict(db.session.execute(
        select(QuestionFingerprint.question_id, QuestionFingerprint.fingerprint)
        .where(QuestionFingerprint.questionnaire_version_id == version.id)).all())
    wordings = {q.id: q.text.da for q in definition_of(version).questions}
    return RoundInfo(round_.id, round_.label, round_.period_start, round_.period_end, fingerprints, wordings,
                     version.version)


def supervision_data(slug: str, round_ids: list[int] | None = None, only_municipality: int | None = None,
                     include_records: bool = False) -> SupervisionData:
    """Everything the supervision workbook and results page need; LookupError when there is no round.

    Each answer row says whether its record counts in the tallies: a case of the sample, or one
    outside it that a coordinator included.
    """
    rounds = rounds_of(slug)
    if round_ids:
        rounds = [r for r in rounds if r.id in set(round_ids)]
    if not rounds:
        raise LookupError(slug)
    ids = [r.id for r in rounds]
    versions = {r.questionnaire_version_id: r.questionnaire_version for r in rounds}
    query = (
        select(Response.id, SupervisionRecord.round_id, SupervisionRecord.municipality_id,
               SupervisionRecord.case_reference, Answer.question_id, Answer.option_code, Answer.number,
               Answer.text, Answer.date_value, SupervisionRecord.comment, SupervisionRecord.id,
               SupervisionRecord.include_outside)
        .join(SupervisionRecord, Response.supervision_record_id == SupervisionRecord.id)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(SupervisionRecord.round_id.in_(ids), Response.status == "submitted")
        .order_by(SupervisionRecord.round_id, SupervisionRecord.municipality_id, Response.id, Answer.id))
    scopes = record_scopes(ids)
    rows = [(*row[:10], not scopes.get(row[10], True), scopes.get(row[10], True) or bool(row[11]))
            for row in db.session.execute(query).all()]
    import pandas as pd  # here, not at import: every command and worker would pay for it

    frame = pd.DataFrame(rows, columns=SUPERVISION_COLUMNS)
    for column in ("option_code", "number"):
        frame[column] = frame[column].astype("Float64").astype("float64")
    for column in ("outside", "counted"):
        frame[column] = frame[column].astype(bool)
    covered = [Coverage(round_id, mid, **counts) for (round_id, mid), counts in sorted(coverage(ids).items())]
    return SupervisionData(
        title=max(versions.values(), key=lambda v: v.version).title, slug=slug,
        questions=_questions(list(versions.values())),
        rounds=[_round_info(r) for r in rounds],
        municipalities={m.id: m.name for m in db.session.scalars(select(Municipality).order_by(Municipality.name))},
        answers=frame, include_records=include_records, only_municipality=only_municipality, coverage=covered,
        title_en=definition_of(max(versions.values(), key=lambda v: v.version)).title.en)
