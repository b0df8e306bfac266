"""Results pages: comparison tables with a chart per question, export jobs with progress, downloads."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import role_required
from app.database import read_only_transaction
from app.extensions import db
from app.models import ExportJob, Municipality
from app.results import jobs, service
from app.results.presentation import default_waves, page_questions
from app.results.queries import exportable
from exports import EXPORTERS, exporters_for

bp = Blueprint("results", __name__, url_prefix="/resultater")
results_access = role_required("coordinator", "team_leader")


def _own_municipality() -> int | None:
    """None for a coordinator (everything); a team leader's own municipality otherwise."""
    return None if current_user.is_coordinator else current_user.municipality_id


@bp.route("/")
@results_access
def index():
    return render_template("results/index.html", surveys=exportable("survey"), supervisions=exportable("supervision"))


@bp.route("/survey/<slug>")
@results_access
def survey(slug: str):
    read_only_transaction(db.session)  # on SQLite its queries then hold no write lock (answers go on beside it)
    try:
        every = service.waves_of(slug)
        if not every:
            raise service.UnknownQuestionnaire(slug)
        known = {w.id for w in every}
        chosen = [int(v) for v in request.args.getlist("bolge") if v.isdigit() and int(v) in known]
        if not chosen:
            chosen = default_waves(service.wave_infos(every))
        data = service.survey_data(slug, chosen, only_municipality=_own_municipality(), with_answers=False)
    except service.UnknownQuestionnaire:
        abort(404)
    breakdown = request.args.get("kommuner") == "1"
    lang = get_locale().language if get_locale() else "da"
    questions = page_questions(data, lang, breakdown)
    return render_template("results/survey.html", data=data, questions=questions, slug=slug, every=every,
                           chosen=set(chosen), breakdown=breakdown)


@bp.route("/evalueringsskemaer")
@results_access
def schemes():
    return render_template("results/schemes.html", experiments=service.scheme_compilations(_own_municipality()))


@bp.route("/eksport", methods=["POST"])
@results_access
def start_export():
    # "kind" is the field's older name, still accepted from a page opened before it was renamed
    exporter = EXPORTERS.get(request.form.get("exporter") or request.form.get("kind", ""))
    if exporter is None:
        abort(400)
    slug = request.form.get("slug", "") if exporter.questionnaire_kind else ""
    if exporter.questionnaire_kind and slug not in {v.slug for v in exportable(exporter.questionnaire_kind)}:
        abort(404)
    # The municipality comes from the account, never from the form: a team leader gets their own only.
    params = {"slug": slug or None, "municipality_id": _own_municipality(),
              "records": exporter.offers_records and current_user.is_coordinator}
    selected = _selected(exporter, slug)
    if selected:
        params["selected"] = selected
    language = get_locale().language if get_locale() else "da"
    if language in exporter.languages[1:]:
        params["language"] = language
    job = jobs.create_job(exporter.identifier, params, current_user)
    db.session.commit()  # a worker process picks the job up; this process only queues it
    return redirect(url_for("results.job", job_id=job.id), code=303)


def _selected(exporter, slug: str) -> list[int]:
    """The chosen waves (the survey page's) among the questionnaire's own; anything else is ignored."""
    if exporter.selects != "waves":
        return []
    known = {w.id for w in service.waves_of(slug)}
    return sorted({int(v) for v in request.form.getlist("selected") if v.isdigit() and int(v) in known})


def _load_job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.created_by_id != current_user.id:
        abort(404)
    return job


@bp.route("/eksport/<int:job_id>")
@results_access
def job(job_id: int):
    job = _load_job(job_id)
    return render_template("results/job.html", job=job, state=jobs.state_of(job), files=jobs.job_files(job))


@bp.route("/eksport/<int:job_id>/status")
@results_access
def job_status(job_id: int):
    job = _load_job(job_id)
    return jsonify(status=jobs.state_of(job).status, progress=job.progress,
                   files={ext: url_for("results.download", job_id=job.id, ext=ext) for ext in jobs.job_files(job)})


@bp.route("/eksport/<int:job_id>/fil.<ext>")
@results_access
def download(job_id: int, ext: str):
    job = _load_job(job_id)
    path = jobs.job_files(job).get(ext)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name)


@bp.app_template_filter("municipality_name")
def municipality_name(municipality_id: int | None) -> str:
    if municipality_id is None:
        return _("Hele netværket")
    return db.session.scalar(select(Municipality.name).where(Municipality.id == municipality_id)) or ""

bp.add_app_template_global(exporters_for, "exporters_for")
