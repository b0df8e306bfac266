"""Evaluation schemes: a municipality fills in the ten points per phase; the coordinator sees them compiled."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import coordinator_required, ensure_municipality, role_required
from app.extensions import db
from app.i18n import current_lang
from app.models import Experiment, Municipality
from app.questionnaires.service import definition_of
from app.supervision import schemes
from app.supervision.blueprint import bp
from forms import answers_from_form, form_class_for, form_data_from_answers, validate_form
from forms.builder import field_name

any_role = role_required("coordinator", "team_leader")


@bp.get("/evalueringsskemaer", endpoint="schemes")
@any_role
def schemes_index():
    rows = []
    for experiment in schemes.experiments_for(current_user):
        places = [m for m in experiment.municipalities
                  if current_user.is_coordinator or m.id == current_user.municipality_id]
        rows.append({"experiment": experiment,
                     "schemes": [(m, schemes.find_scheme(experiment, m)) for m in places]})
    return render_template("supervision/schemes.html", rows=rows)


def _load(experiment_id: int, municipality_id: int) -> tuple[Experiment, Municipality]:
    experiment = db.session.get(Experiment, experiment_id)
    municipality = db.session.get(Municipality, municipality_id)
    if experiment is None or municipality is None or municipality not in experiment.municipalities:
        abort(404)
    ensure_municipality(current_user, municipality.id)
    return experiment, municipality


@bp.route("/evalueringsskemaer/<int:experiment_id>/<int:municipality_id>", methods=["GET", "POST"])
@any_role
def scheme(experiment_id: int, municipality_id: int):
    experiment, municipality = _load(experiment_id, municipality_id)
    existing = schemes.find_scheme(experiment, municipality)
    version = existing.questionnaire_version if existing else schemes.scheme_version()
    if version is None:
        abort(404)
    questionnaire = definition_of(version)
    stored = schemes.answers_for(existing)
    phase = schemes.editable_phase(existing)
    form_class = form_class_for(questionnaire, current_lang())
    form = form_class() if request.method == "POST" else form_class(data=form_data_from_answers(questionnaire, stored))
    if request.method == "POST":
        if phase is None:
            abort(409)
        submit = request.form.get("action") == "submit"
        if validate_form(form, questionnaire, draft=True) and _complete(form, questionnaire, phase, submit):
            answers = answers_from_form(questionnaire, form)
            schemes.save(current_user, experiment, municipality, phase, answers, submit)
            db.session.commit()
            flash(_("Fase %(phase)s er indsendt.", phase=phase) if submit else _("Kladden er gemt."), "success")
            return redirect(url_for("supervision.scheme", experiment_id=experiment.id, municipality_id=municipality.id))
        flash(_("Skemaet er ikke gemt. Ret de markerede felter; alt det, du har skrevet, står der stadig."), "error")
    return render_template("supervision/scheme_form.html", experiment=experiment, municipality=municipality,
                           questionnaire=questionnaire, form=form, stored=stored, phase=phase,
                           scheme=existing), 400 if form.errors else 200


def _complete(form, questionnaire, phase: int, submit: bool) -> bool:  # noqa: ANN001
    """Submitting a phase needs every point of it filled in; a draft may be partial."""
    if not submit:
        return True
    ok = True
    for question in schemes.phase_questions(questionnaire, phase):
        field = form[field_name(question)]
        if not (field.data or "").strip():
            field.errors = list(field.errors) + [_("Udfyld punktet, før fasen indsendes.")]
            ok = False
    return ok


@bp.get("/evalueringsskemaer/<int:experiment_id>/samlet")
@coordinator_required
def scheme_compiled(experiment_id: int):
    experiment = db.session.get(Experiment, experiment_id)
    if experiment is None:
        abort(404)
    questionnaire, points, status = schemes.compiled(experiment)
    return render_template("supervision/scheme_compiled.html", experiment=experiment, questionnaire=questionnaire,
                           points=points, status=status)
