"""Coordinator pages: plan, schedule and repeat waves, respondents, preview, rates, reminders, links."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from app import audit
from app.access import coordinator_required
from app.base_url import base_url
from app.extensions import db
from app.i18n import current_lang
from app.models import Municipality, QuestionnaireVersion, Respondent, Wave, utcnow
from app.questionnaires.service import definition_of, latest_versions
from app.waves import service
from app.waves.clock import local_to_utc, utc_to_local
from app.waves.forms import EnglishLabelForm, ImportForm, WaveForm, parse_reminder_days
from app.waves.links import links_workbook
from app.waves.respondents import import_respondents
from forms import form_class_for

bp = Blueprint("waves", __name__, url_prefix="/runder")


def _wave_or_404(wave_id: int) -> Wave:
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        abort(404)
    return wave


@bp.get("/")
@coordinator_required
def index():
    waves = db.session.scalars(select(Wave).order_by(Wave.opens_at.desc(), Wave.id.desc())).all()
    return render_template("waves/index.html", waves=waves)


def _wave_form(formdata=None, **data) -> WaveForm:
    form = WaveForm(formdata=formdata, **data)
    versions = latest_versions("survey")
    current = data.get("version_id")
    if current and current not in {v.id for v in versions}:
        extra = db.session.get(QuestionnaireVersion, current)
        versions = [extra, *versions] if extra else versions
    form.version_id.choices = [(v.id, f"{v.title} (v{v.version})") for v in versions]
    form.municipality_ids.choices = [(m.id, m.name) for m in db.session.scalars(select(Municipality)
                                                                                 .order_by(Municipality.name))]
    return form


def _plan_from(form: WaveForm) -> service.WavePlan:
    version = db.session.get(QuestionnaireVersion, form.version_id.data)
    municipalities = list(db.session.scalars(select(Municipality).where(
        Municipality.id.in_(form.municipality_ids.data or []))))
    return service.WavePlan(version=version, label=form.label.data.strip(),
                            label_en=form.label_en.data,
                            opens_at=local_to_utc(form.opens_local.data),
                            closes_at=local_to_utc(form.closes_local.data), municipalities=municipalities,
                            reminder_days=parse_reminder_days(form.reminder_days.data or ""))


def _outside_experiment(plan: service.WavePlan) -> list[str]:
    """The chosen municipalities that do not take part in the questionnaire's experiment (none without one)."""
    experiment = plan.version.experiment if plan.version is not None else None
    if experiment is None:
        return []
    taking_part = {m.id for m in experiment.municipalities}
    return [m.name for m in plan.municipalities if m.id not in taking_part]


def _needs_confirmation(plan: service.WavePlan) -> list[str]:
    """Municipalities outside the experiment that the coordinator has not yet confirmed."""
    outside = _outside_experiment(plan)
    return [] if request.form.get("confirm_outside") == "1" else outside


@bp.route("/ny", methods=["GET", "POST"])
@coordinator_required
def new():
    repeats = None
    repeat_id = request.args.get("gentag", type=int)
    if repeat_id:
        repeats = _wave_or_404(repeat_id)
    defaults = service.repeat_plan(repeats) if repeats else {"reminder_days": "7, 14"}
    form = _wave_form(request.form if request.method == "POST" else None, **defaults)
    if repeats is not None:
        form.version_id.choices = [c for c in form.version_id.choices if c[0] == repeats.questionnaire_version_id]
    outside: list[str] = []
    if form.validate_on_submit() and not (outside := _needs_confirmation(_plan_from(form))):
        try:
            wave = service.plan_wave(_plan_from(form), repeats=repeats)
        except service.WaveError as exc:
            flash(str(exc), "error")
        else:
            _audit("create", wave)
            db.session.commit()
            flash(_("Runden er oprettet som kladde."), "success")
            return redirect(url_for("waves.detail", wave_id=wave.id))
    return render_template("waves/edit.html", form=form, wave=None, repeats=repeats,
                           outside=outside), 200 if not form.errors else 422


@bp.route("/<int:wave_id>/rediger", methods=["GET", "POST"])
@coordinator_required
def edit(wave_id: int):
    wave = _wave_or_404(wave_id)
    if wave.status not in service.EDITABLE_STATUSES:
        flash(_("En åben eller lukket runde kan ikke ændres."), "error")
        return redirect(url_for("waves.detail", wave_id=wave.id))
    data = {"version_id": wave.questionnaire_version_id, "label": wave.label, "label_en": wave.label_en or "",
            "opens_local": utc_to_local(wave.opens_at), "closes_local": utc_to_local(wave.closes_at),
            "municipality_ids": [m.id for m in wave.municipalities],
            "reminder_days": ", ".join(str(d) for d in wave.reminder_days or [])}
    form = _wave_form(request.form if request.method == "POST" else None, **data)
    outside: list[str] = []
    if form.validate_on_submit() and not (outside := _needs_confirmation(_plan_from(form))):
        try:
            service.update_wave(wave, _plan_from(form))
        except service.WaveError as exc:
            flash(str(exc), "error")
        else:
            _audit("update", wave)
            db.session.commit()
            flash(_("Runden er gemt."), "success")
            return redirect(url_for("waves.detail", wave_id=wave.id))
    return render_template("waves/edit.html", form=form, wave=wave, repeats=wave.repeats,
                           outside=outside), 200 if not form.errors else 422


@bp.get("/<int:wave_id>")
@coordinator_required
def detail(wave_id: int):
    wave = _wave_or_404(wave_id)
    audience = db.session.scalar(service.audience_query(wave).with_only_columns(func.count(Respondent.id)))
    public_links = []
    if wave.anonymous:  # one link per municipality, so each answer counts where the citizen was asked
        submitted = service.anonymous_submitted_by_municipality(wave)
        public_links = [(m.name if m else "", base_url() + url_for("answering.public_link", token=token),
                         submitted.get(m.id if m else None, 0)) for m, token in service.public_link_tokens(wave)]
    return render_template("waves/detail.html", wave=wave, rates=service.response_rates(wave),
                           english_form=EnglishLabelForm(label_en=wave.label_en or ""),
                           reminders=service.reminder_times(wave), audience=audience,
                           messages=service.message_counts(wave), public_links=public_links,
                           anonymous=service.anonymous_counts(wave) if wave.anonymous else None)


def _audit(action: str, wave: Wave, count: int | None = None) -> None:
    data = {"wave_id": wave.id, "label": wave.label, "status": wave.status}
    if count is not None:
        data["count"] = count
    audit.record(current_user, action, "wave", wave.id, None, data, None)


def _act(wave_id: int, action, success, audit_action: str):
    wave = _wave_or_404(wave_id)
    try:
        result = action(wave)
    except service.WaveError as exc:
        flash(str(exc), "error")
    else:
        _audit(audit_action, wave, result if isinstance(result, int) else None)
        db.session.commit()
        count = result if isinstance(result, int) else 0
        flash(success(count) if callable(success) else success % {"count": count}, "success")
    return redirect(url_for("waves.detail", wave_id=wave.id))


@bp.post("/<int:wave_id>/engelsk-navn")
@coordinator_required
def english_label(wave_id: int):
    """Name the wave in English, in any state: the label is only what English pages show."""
    wave = _wave_or_404(wave_id)
    form = EnglishLabelForm()
    if not form.validate_on_submit():
        flash(" ".join(form.label_en.errors) or _("Siden var for gammel. Prøv igen."), "error")
        return redirect(url_for("waves.detail", wave_id=wave.id))
    before = wave.label_en
    wave.label_en = form.label_en.data
    if wave.label_en != before:
        audit.record(current_user, "wave_label_en", "wave", wave.id,
                     {"wave_id": wave.id, "label": wave.label, "label_en": before},
                     {"wave_id": wave.id, "label": wave.label, "label_en": wave.label_en}, None)
    db.session.commit()
    flash(_("Det engelske navn er gemt.") if wave.label_en else _("Det engelske navn er fjernet."), "success")
    return redirect(url_for("waves.detail", wave_id=wave.id))


@bp.post("/<int:wave_id>/planlaeg")
@coordinator_required
def schedule(wave_id: int):
    return _act(wave_id, lambda w: service.schedule_wave(w, utcnow()),
                _l("Runden er planlagt og åbner automatisk på åbningstidspunktet."), "schedule")


@bp.post("/<int:wave_id>/kladde")
@coordinator_required
def unschedule(wave_id: int):
    return _act(wave_id, service.unschedule_wave, _l("Runden er sat tilbage til kladde."), "unschedule")


@bp.post("/<int:wave_id>/inviter")
@coordinator_required
def invite_new(wave_id: int):
    def invite(wave: Wave) -> int:
        if wave.status != "open":
            raise service.WaveError(_l("Nye respondenter kan kun inviteres i en åben runde."))
        return service.invite_audience(wave, utcnow())

    return _act(wave_id, invite, lambda n: ngettext(
        "%(num)s ny respondent er inviteret; invitationen sendes af planlæggeren.",
        "%(num)s nye respondenter er inviteret; invitationerne sendes af planlæggeren.", n),
                "invite_new")


@bp.post("/<int:wave_id>/paamindelse")
@coordinator_required
def remind(wave_id: int):
    return _act(wave_id, lambda w: service.queue_manual_reminder(w, utcnow()),
                _l("Påmindelse til %(count)s, der ikke har svaret; den sendes af planlæggeren."), "remind")


@bp.get("/<int:wave_id>/forhaandsvisning")
@coordinator_required
def preview(wave_id: int):
    wave = _wave_or_404(wave_id)
    questionnaire = definition_of(wave.questionnaire_version)
    form = form_class_for(questionnaire, current_lang())(meta={"csrf": False}, formdata=None)
    return render_template("waves/preview.html", wave=wave, questionnaire=questionnaire, form=form,
                           preview=True)


@bp.get("/<int:wave_id>/links.xlsx")
@coordinator_required
def links(wave_id: int):
    wave = _wave_or_404(wave_id)
    response = send_file(io.BytesIO(links_workbook(wave)), as_attachment=True,
                         download_name=f"links-runde-{wave.id}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/respondenter", methods=["GET", "POST"])
@coordinator_required
def respondents():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        result = import_respondents(upload.filename or "", upload.read(), current_user)
        if result.errors:
            db.session.rollback()
        else:
            db.session.commit()
            flash(ngettext("%(num)s respondent oprettet og %(updated)s opdateret.",
                           "%(num)s respondenter oprettet og %(updated)s opdateret.", result.created,
                           updated=result.updated), "success")
            return redirect(url_for("waves.respondents"))
    counts = db.session.execute(
        select(Municipality.name, func.count(Respondent.id)).join(Respondent)
        .where(Respondent.active.is_(True)).group_by(Municipality.name).order_by(Municipality.name)).all()
    status = 422 if (result and result.errors) or form.errors else 200
    return render_template("waves/respondents.html", form=form, result=result, counts=counts), status
