"""Supervision rounds: list, create, open/close, repeat, progress per municipality and the audit log."""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auditlog.describe import Lookups, describe
from app.access import coordinator_required, role_required, visible_municipality_ids
from app.extensions import db
from app.models import Municipality, QuestionnaireVersion
from app.questionnaires.service import latest_versions
from app.supervision import record_views, sampling_views, scheme_views  # noqa: F401  (their routes join bp)
from app.supervision import service
from app.supervision.blueprint import bp, load_round
from app.supervision.forms import DeleteForm, RepeatRoundForm, RoundForm, StatusForm

__all__ = ["bp"]
any_role = role_required("coordinator", "team_leader")


@bp.get("/")
@any_role
def index():
    return render_template("supervision/index.html", rounds=service.rounds_for(current_user))


def _round_form() -> RoundForm:
    form = RoundForm()
    form.questionnaire.choices = [(v.id, f"{v.title} (v{v.version})") for v in latest_versions("supervision")]
    form.municipalities.choices = [(m.id, m.name) for m in db.session.scalars(select(Municipality).order_by(Municipality.name))]
    return form


@bp.route("/runder/ny", methods=["GET", "POST"])
@coordinator_required
def new_round():
    form = _round_form()
    if form.validate_on_submit():
        version = db.session.get(QuestionnaireVersion, form.questionnaire.data)
        if version is None or version.kind != "supervision":
            abort(404)
        chosen = [db.session.get(Municipality, i) for i in form.municipalities.data or []]
        municipalities = [m for m in chosen if m] or service.default_municipalities(version)
        if not municipalities:
            form.municipalities.errors.append(_("Forsøget har ingen kommuner. Vælg mindst én kommune."))
        else:
            round_ = service.create_round(current_user, version, form.label.data, form.period_start.data,
                                          form.period_end.data, municipalities)
            db.session.commit()
            flash(_("Runden er oprettet som kladde. Åbn den, når teamlederne skal registrere sager."), "success")
            return redirect(url_for("supervision.show_round", round_id=round_.id))
    return render_template("supervision/round_form.html", form=form, repeat_of=None)


@bp.get("/runder/<int:round_id>")
@any_role
def show_round(round_id: int):
    round_ = load_round(round_id)
    own = visible_municipality_ids(current_user)
    search = request.args.get("q", "")[:100]
    return render_template(
        "supervision/round.html", round=round_, search=search,
        counts=service.counts_by_municipality(round_, own),
        records=service.records_of(round_, own, search), scopes=service.record_scopes([round_.id]),
        status_form=StatusForm(), delete_form=DeleteForm(),
    )


@bp.post("/runder/<int:round_id>/status")
@coordinator_required
def set_round_status(round_id: int):
    round_ = load_round(round_id)
    form = StatusForm()
    status = request.form.get("status", "")
    if not form.validate_on_submit() or status not in ("open", "closed"):
        abort(400)
    if (round_.status, status) not in (("draft", "open"), ("open", "closed")):
        # A closed round is read-only for good: its tallies are what the round reported.
        flash(_("Runden er lukket og kan ikke åbnes igen.") if round_.status == "closed" else
              _("Runden kan ikke skifte til den status herfra."), "error")
        return redirect(url_for("supervision.show_round", round_id=round_.id), code=303)
    service.set_status(current_user, round_, status)
    db.session.commit()
    flash(_("Runden er åbnet.") if status == "open" else _("Runden er lukket."), "success")
    return redirect(url_for("supervision.show_round", round_id=round_.id))


@bp.route("/runder/<int:round_id>/gentag", methods=["GET", "POST"])
@coordinator_required
def repeat_round(round_id: int):
    original = load_round(round_id)
    form = RepeatRoundForm()
    if request.method == "GET":
        form.label.data = _next_label(original.label)
        form.period_start.data = _next_year(original.period_start)
        form.period_end.data = _next_year(original.period_end)
    if form.validate_on_submit():
        round_ = service.create_round(current_user, original.questionnaire_version, form.label.data,
                                      form.period_start.data, form.period_end.data,
                                      list(original.municipalities), repeats=original)
        db.session.commit()
        flash(_("Runden er gentaget som kladde."), "success")
        return redirect(url_for("supervision.show_round", round_id=round_.id))
    return render_template("supervision/round_form.html", form=form, repeat_of=original)


def _next_year(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _next_label(label: str) -> str:
    """ "Juli 2019" -> "Juli 2020": the last four-digit year moves on by one."""
    matches = list(re.finditer(r"(?<!\d)(\d{4})(?!\d)", label))
    if not matches:
        return label
    last = matches[-1]
    return label[: last.start()] + str(int(last.group(1)) + 1) + label[last.end():]


@bp.get("/runder/<int:round_id>/log")
@coordinator_required
def round_audit(round_id: int):
    round_ = load_round(round_id)
    entries = service.audit_log(round_)
    lookups = Lookups.load(entries)
    return render_template("supervision/audit.html", round=round_,
                           rows=[(entry, describe(entry, lookups)) for entry in entries],
                           municipalities=lookups.municipalities)
