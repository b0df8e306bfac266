"""Evaluation schemes: ten free-text points per experiment and municipality, saved and submitted per phase."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.extensions import db
from app.models import EvaluationScheme, Experiment, Municipality, Response, utcnow
from app.questionnaires.service import definition_of, latest_version
from app.responses import answers_of, replace_answers
from forms import Questionnaire

SCHEME_SLUG = "evalueringsskema"


class PhaseLocked(ValueError):
    """The phase cannot be changed: already submitted, or phase 1 not submitted yet."""


def scheme_version():
    return latest_version(SCHEME_SLUG)


def experiments_for(user) -> list[Experiment]:  # noqa: ANN001
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


def save(user, experiment: Experiment, municipality: Municipality, phase: int, answers: dict,  # noqa: ANN001
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


def compiled(experiment: Experiment) -> tuple[Questionnaire | None, list[dict], list[dict]]:
    """Under each point, each participating municipality's answer in turn (as in the filled-in scheme)."""
    version = scheme_version()
    if version is None:
        return None, [], []
    questionnaire = definition_of(version)
    by_municipality = []
    for municipality in experiment.municipalities:
        scheme = find_scheme(experiment, municipality)
        by_municipality.append({"municipality": municipality, "scheme": scheme, "answers": answers_for(scheme)})
    points = [{"question": q, "answers": [(row["municipality"], row["answers"].get(q.id)) for row in by_municipality]}
              for q in questionnaire.questions]
    return questionnaire, points, by_municipality
