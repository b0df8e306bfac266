"""Coordinator pages on personal data: what retention erases and when, postponing it, access requests."""
from __future__ import annotations

import io
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.access import coordinator_required
from app.extensions import db
from app.models import Municipality, SupervisionRound, Wave, utcnow
from app.privacy import cpr_scan, retention
from app.privacy.access import access_file, find_respondent
from app.privacy.forms import AccessRequestForm, PostponeForm

bp = Blueprint("privacy", __name__, url_prefix="/personoplysninger")
KINDS = {"runde": Wave, "tilsyn": SupervisionRound}
CPR_SHOWN = 500  # findings listed on the page; the count says how many there are


@bp.get("/")
@coordinator_required
def index():
    return _index_page(AccessRequestForm())


def _index_page(access_form: AccessRequestForm, status: int = 200):
    return render_template("privacy/index.html", items=retention.plan(), days=retention.retention_days(),
                           access_form=access_form), status


def _subject_or_404(kind: str, subject_id: int):
    model = KINDS.get(kind)
    subject = db.session.get(model, subject_id) if model else None
    if subject is None:
        abort(404)
    return subject


@bp.route("/<kind>/<int:subject_id>/udskyd", methods=["GET", "POST"])
@coordinator_required
def postpone(kind: str, subject_id: int):
    subject = _subject_or_404(kind, subject_id)
    due = retention.erasure_due(subject)
    form = PostponeForm()
    if due is None:
        flash(_("Sletningen kan ikke udskydes: oplysningerne er allerede slettet, eller der er ingen dato endnu."),
              "error")
        return redirect(url_for("privacy.index"))
    if form.validate_on_submit():
        zone = ZoneInfo(current_app.config["TIMEZONE"])
        until = datetime.combine(form.until.data, time(), zone).astimezone(ZoneInfo("UTC"))
        try:
            retention.postpone(current_user._get_current_object(), subject, until, form.reason.data)
        except ValueError:
            form.until.errors.append(_("Datoen skal ligge efter den planlagte sletning."))
        else:
            db.session.commit()
            flash(_("Sletningen af %(label)s er udskudt.", label=subject.label), "success")
            return redirect(url_for("privacy.index"))
    status = 400 if form.errors else 200
    return render_template("privacy/postpone.html", subject=subject, kind=kind, due=due, form=form), status


@bp.post("/indsigt")
@coordinator_required
def access_request():
    form = AccessRequestForm()
    if not form.validate_on_submit():
        return _index_page(form, 400)
    respondent = find_respondent(form.email.data)
    if respondent is None:
        form.email.errors.append(_("Der er ingen respondent med den e-mailadresse."))
        return _index_page(form, 404)
    content = access_file(current_user._get_current_object(), respondent, utcnow())
    db.session.commit()
    return send_file(io.BytesIO(content), mimetype="application/json", as_attachment=True,
                     download_name=f"indsigt-respondent-{respondent.id}.json")


@bp.get("/cpr")
@coordinator_required
def cpr_numbers():
    findings = cpr_scan.scan()
    names = {m.id: m.name for m in db.session.scalars(select(Municipality))}
    return render_template("privacy/cpr.html", findings=findings[:CPR_SHOWN], total=len(findings), names=names,
                           removed=cpr_scan.REMOVED)


@bp.post("/cpr/fjern")
@coordinator_required
def remove_cpr_numbers():
    changed = cpr_scan.remove(current_user._get_current_object())
    db.session.commit()
    flash(ngettext("CPR-numrene er fjernet fra %(num)s række.", "CPR-numrene er fjernet fra %(num)s rækker.",
                   changed), "success")
    return redirect(url_for("privacy.cpr_numbers"))
