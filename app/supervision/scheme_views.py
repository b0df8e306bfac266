"""Evaluation schemes: a municipality fills in the ten points per phase; the coordinator sees them compiled."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import coordinator_required, ensure_municipality, role_required
from app.extensions import csrf, db
from app.i18n import current_lang
from app.models import Experiment, Municipality
from app.questionnaires.service import definition_of
from app.supervision import schemes
from app.supervision.blueprint import bp
from app.supervision.forms import csrf_token_valid
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
@csrf.exempt  # checked below, so an expired token keeps what was typed
@any_role
def scheme(experiment_id: int, municipality_id: int):
    experiment, municipality = _load(experiment_id, municipality_id)
    existing = schemes.find_scheme(experiment, municipality)
    version = existing.questionnaire_version if existing else schemes.scheme_version()
    if version is None:
        abort(404)
    questionnaire = definition_of(version)
    phase = schemes.editable_phase(existing)
    form_class = form_class_for(questionnaire, current_lang())
    if request.method != "POST":
        form = form_class(data=form_data_from_answers(questionnaire, schemes.answers_for(existing)))
        return _page(experiment, municipality, questionnaire, form, existing)
    form = form_class()
    shown = _shown_phase()
    if phase is None or shown != phase:
        return _conflict(experiment, municipality, questionnaire, form, shown)
    if not csrf_token_valid():
        notice = (_("Siden er udløbet"), _("Skemaet er ikke gemt, fordi siden har været åben længe. Alt det, du har "
                                          "skrevet, står der stadig: tryk på knappen igen for at gemme."))
        return _page(experiment, municipality, questionnaire, form, existing, notice=notice), 400
    submit = request.form.get("action") == "submit"
    if validate_form(form, questionnaire, draft=True) and _complete(form, questionnaire, phase, submit):
        answers = answers_from_form(questionnaire, form)
        try:
            schemes.save(current_user, experiment, municipality, phase, answers, submit)
        except schemes.PhaseLocked:  # another tab submitted the phase while this request ran
            db.session.rollback()
            return _conflict(experiment, municipality, questionnaire, form, shown)
        db.session.commit()
        flash(_("Fase %(phase)s er indsendt.", phase=phase) if submit else _("Kladden er gemt."), "success")
        return redirect(url_for("supervision.scheme", experiment_id=experiment.id, municipality_id=municipality.id))
    flash(_("Skemaet er ikke gemt. Ret de markerede felter; alt det, du har skrevet, står der stadig."), "error")
    return _page(experiment, municipality, questionnaire, form, existing), 400


def _shown_phase() -> int | None:
    """The phase the posted page was rendered for (a hidden field); anything else counts as unknown."""
    value = request.form.get("phase", "")
    return int(value) if value in ("1", "2") else None


def _page(experiment, municipality, questionnaire, form, scheme, notice=None, typed=None):
    return render_template("supervision/scheme_form.html", experiment=experiment, municipality=municipality,
                           questionnaire=questionnaire, form=form, stored=schemes.answers_for(scheme),
                           phase=schemes.editable_phase(scheme), scheme=scheme, notice=notice, typed=typed)


def _conflict(experiment, municipality, questionnaire, form, shown: int | None):
    """The scheme changed since the page was shown: store nothing, show the text typed, read-only."""
    texts = {}
    for question in schemes.phase_questions(questionnaire, shown) if shown else questionnaire.questions:
        value = form[field_name(question)].data
        if isinstance(value, str) and value.strip():
            texts[question.id] = value
    notice = (_("Skemaet er ikke gemt"), _("Skemaet er ændret, siden du åbnede siden, så intet er gemt. Det, du "
                                         "skrev, står herunder, så du kan kopiere det, før du åbner skemaet igen."))
    scheme = schemes.find_scheme(experiment, municipality)
    return _page(experiment, municipality, questionnaire, form, scheme, notice=notice, typed=texts), 409


def _complete(form, questionnaire, phase: int, submit: bool) -> bool:
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
