"""Evaluation schemes: ten free-text points per experiment and municipality, saved and submitted per phase."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.extensions import db
from app.models import Answer, EvaluationScheme, Experiment, Municipality, Response, utcnow
from app.questionnaires.service import definition_of, latest_version
from app.responses import answers_of, replace_answers
from forms import Questionnaire

SCHEME_SLUG = "evalueringsskema"


class PhaseLocked(ValueError):
    """The phase cannot be changed: already submitted, or phase 1 not submitted yet."""


def scheme_version():
    return latest_version(SCHEME_SLUG)


def experiments_for(user) -> list[Experiment]:
    """Experiments with participating municipalities; a team leader's only those of their municipality."""
    experiments = db.session.scalars(select(Experiment).order_by(Experiment.title_da))
    if user.is_coordinator:
        return [e for e in experiments if e.municipalities]
    return [e for e in experiments if any(m.id == user.municipality_id for m in e.municipalities)]


def find_scheme(experiment: Experiment, municipality: Municipality) -> EvaluationScheme | None:
    """The municipality's scheme for the experiment (newest questionnaire version first)."""
    return db.session.scalar(select(EvaluationScheme).where(
        EvaluationScheme.experiment_id == experiment.id, EvaluationScheme.municipality_id == municipality.id,
    ).order_by(EvaluationScheme.id.desc()).limit(1))


def response_of(scheme: EvaluationScheme) -> Response | None:
    return db.session.scalar(select(Response).where(Response.scheme_id == scheme.id))


def answers_for(scheme: EvaluationScheme | None) -> dict:
    if scheme is None:
        return {}
    response = response_of(scheme)
    return answers_of(response.id, definition_of(scheme.questionnaire_version)) if response else {}


def editable_phase(scheme: EvaluationScheme | None) -> int | None:
    """The phase that may be edited now: 1 until it is submitted, then 2 until that is submitted."""
    if scheme is None or scheme.phase1_submitted_at is None:
        return 1
    if scheme.phase2_submitted_at is None:
        return 2
    return None


def phase_questions(questionnaire: Questionnaire, phase: int) -> list:
    return [q for s in questionnaire.sections if s.phase == phase for q in s.questions]


def _new_scheme(experiment: Experiment, municipality: Municipality) -> EvaluationScheme:
    """Create the scheme; when a parallel request created it first, the unique constraint decides."""
    scheme = EvaluationScheme(experiment_id=experiment.id, municipality_id=municipality.id,
                              questionnaire_version_id=scheme_version().id)
    try:
        with db.session.begin_nested():
            db.session.add(scheme)
            db.session.flush()
    except IntegrityError:
        return db.session.scalar(select(EvaluationScheme).where(
            EvaluationScheme.experiment_id == experiment.id, EvaluationScheme.municipality_id == municipality.id,
            EvaluationScheme.questionnaire_version_id == scheme.questionnaire_version_id))
    return scheme


def save(user, experiment: Experiment, municipality: Municipality, phase: int, answers: dict,
         submit: bool) -> EvaluationScheme:
    """Store the phase's answers as a draft, or submit the phase (then it is read-only)."""
    scheme = find_scheme(experiment, municipality) or _new_scheme(experiment, municipality)
    if editable_phase(scheme) != phase:
        raise PhaseLocked(phase)
    questionnaire = definition_of(scheme.questionnaire_version)
    response = response_of(scheme)
    if response is None:
        response = Response(questionnaire_version_id=scheme.questionnaire_version_id,
                            municipality_id=municipality.id, scheme_id=scheme.id, status="draft")
        db.session.add(response)
        db.session.flush()
    before = answers_of(response.id, questionnaire)
    merged = dict(before)
    for question in phase_questions(questionnaire, phase):
        merged[question.id] = answers.get(question.id)
    replace_answers(response.id, questionnaire, merged)
    response.updated_at = utcnow()
    action = "save"
    if submit:
        action = f"submit_phase{phase}"
        if phase == 1:
            scheme.phase1_submitted_at = utcnow()
        else:
            scheme.phase2_submitted_at = response.submitted_at = utcnow()
            response.status = "submitted"
    db.session.flush()
    audit.record(user, action, "evaluation_scheme", scheme.id,
                 {"experiment": experiment.slug, "answers": before},
                 {"experiment": experiment.slug, "phase": phase, "answers": answers_of(response.id, questionnaire)},
                 municipality.id)
    return scheme


@dataclass
class Compiled:
    """One experiment's schemes: the points in order and, per municipality, its scheme and point answers."""

    experiment: Experiment
    questionnaire: Questionnaire
    entries: list[dict] = field(default_factory=list)  # {"municipality", "scheme" (or None), "answers"}


def compilation(experiments: list[Experiment] | None = None, only_municipality: int | None = None,
                include_not_started: bool = False) -> list[Compiled]:
    """The one compilation of evaluation schemes, for the results page, the workbook and the supervision view.

    Per experiment (all, or the given ones; by title), each municipality with a scheme (alphabetical) and
    its answer to each point; with `include_not_started`, participating municipalities without a scheme as
    well, and experiments without any scheme. Two queries whatever the number of schemes.
    """
    if experiments is None:
        experiments = list(db.session.scalars(select(Experiment).order_by(Experiment.title_da)))
    query = select(EvaluationScheme).where(EvaluationScheme.experiment_id.in_([e.id for e in experiments]))
    if only_municipality is not None:
        query = query.where(EvaluationScheme.municipality_id == only_municipality)
    newest: dict[tuple[int, int], EvaluationScheme] = {}
    for scheme in db.session.scalars(query.order_by(EvaluationScheme.id)):
        newest[(scheme.experiment_id, scheme.municipality_id)] = scheme  # the newest questionnaire version wins
    rows = db.session.execute(
        select(Response.scheme_id, Answer.question_id, Answer.text).join(Answer, Answer.response_id == Response.id)
        .where(Response.scheme_id.in_([s.id for s in newest.values()]))).all() if newest else []
    texts: dict[int, dict[str, str | None]] = {}
    for scheme_id, question_id, text in rows:
        texts.setdefault(scheme_id, {})[question_id] = text
    fallback = scheme_version()
    result = []
    for experiment in experiments:
        places = {m.id: m for m in experiment.municipalities} if include_not_started else {}
        found = {municipality_id: scheme for (experiment_id, municipality_id), scheme in newest.items()
                 if experiment_id == experiment.id}
        for scheme in found.values():
            places.setdefault(scheme.municipality_id, scheme.municipality)
        if only_municipality is not None:
            places = {k: v for k, v in places.items() if k == only_municipality}
        if not found and not (include_not_started and places):
            continue
        versions = [s.questionnaire_version for s in found.values()]
        version = max(versions, key=lambda v: v.version) if versions else fallback
        if version is None:
            continue
        entries = [{"municipality": m, "scheme": found.get(m.id),
                    "answers": texts.get(found[m.id].id, {}) if m.id in found else {}}
                   for m in sorted(places.values(), key=lambda m: m.name)]
        result.append(Compiled(experiment, definition_of(version), entries))
    return result


def compiled(experiment: Experiment) -> tuple[Questionnaire | None, list[dict], list[dict]]:
    """Under each point, each participating municipality's answer in turn (as in the filled-in scheme)."""
    found = compilation([experiment], include_not_started=True)
    if not found:
        return None, [], []
    questionnaire, by_municipality = found[0].questionnaire, found[0].entries
    points = [{"question": q, "answers": [(row["municipality"], row["answers"].get(q.id), _phase_submitted(row, q))
                                          for row in by_municipality]}
              for q in questionnaire.questions]
    return questionnaire, points, by_municipality


def _phase_submitted(row: dict, point) -> datetime | None:
    """When the phase of this point was submitted by the municipality; None while it is a draft."""
    scheme = row["scheme"]
    if scheme is None:
        return None
    return scheme.phase1_submitted_at if point.phase == 1 else scheme.phase2_submitted_at
