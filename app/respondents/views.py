"""Coordinator pages: the searchable list of respondents and each person's page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import coordinator_required
from app.extensions import db
from app.models import Municipality, Respondent, Wave
from app.respondents import service
from app.respondents.forms import EmailForm, ExcludeForm, IncludeForm
from app.users.views import coordinator_or_404

bp = Blueprint("respondents", __name__, url_prefix="/respondenter")


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/")
@coordinator_required
def index():
    show = request.args.get("vis", "all")
    filters = service.Filters(q=request.args.get("q", "")[:200], municipality_id=_int("kommune"),
                              team=request.args.get("team", "")[:120], wave_id=_int("runde"),
                              show=show if show in ("all", "included", "excluded") else "all")
    page = service.search(filters, _int("side") or 1)
    args = {k: v for k, v in request.args.items() if k != "side" and v}
    return render_template(
        "respondents/index.html", page=page, filters=filters, args=args, teams=service.teams(),
        municipalities=list(db.session.scalars(select(Municipality).order_by(Municipality.name))),
        waves=list(db.session.scalars(select(Wave).where(Wave.anonymous.is_(False))
                                      .order_by(Wave.opens_at.desc(), Wave.id.desc()))))


def _respondent_or_404(respondent_id: int) -> Respondent:
    respondent = db.session.get(Respondent, respondent_id)
    if respondent is None:
        abort(404)
    return respondent


def _page(respondent: Respondent, email_form=None, exclude_form=None, status: int = 200):
    return render_template("respondents/detail.html", respondent=respondent,
                           invitations=service.invitations_of(respondent),
                           email_form=email_form or EmailForm(email=respondent.email),
                           exclude_form=exclude_form or ExcludeForm(), include_form=IncludeForm()), status


@bp.get("/<int:respondent_id>")
@coordinator_or_404
def detail(respondent_id: int):
    return _page(_respondent_or_404(respondent_id))


@bp.post("/<int:respondent_id>/email")
@coordinator_or_404
def correct_email(respondent_id: int):
    respondent = _respondent_or_404(respondent_id)
    form = EmailForm()
    if form.validate_on_submit():
        try:
            changed = service.correct_email(current_user, respondent, form.email.data)
        except service.Refused as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            if changed:
                flash(_("E-mailadressen er rettet til %(email)s.", email=respondent.email), "success")
            return redirect(url_for("respondents.detail", respondent_id=respondent.id))
    return _page(respondent, email_form=form, status=400)


@bp.post("/<int:respondent_id>/udeluk")
@coordinator_or_404
def exclude(respondent_id: int):
    respondent = _respondent_or_404(respondent_id)
    form = ExcludeForm()
    if form.validate_on_submit():
        try:
            service.exclude(current_user, respondent, form.reason.data)
        except service.Refused as exc:
            db.session.rollback()
            form.reason.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s er udelukket fra kommende runder. Tidligere svar er bevaret.", name=respondent.name),
                  "success")
            return redirect(url_for("respondents.detail", respondent_id=respondent.id))
    return _page(respondent, exclude_form=form, status=400)


@bp.post("/<int:respondent_id>/medtag")
@coordinator_or_404
def include_again(respondent_id: int):
    respondent = _respondent_or_404(respondent_id)
    if not IncludeForm().validate_on_submit():
        abort(400)
    service.include_again(current_user, respondent)
    db.session.commit()
    flash(_("%(name)s kommer med i kommende runder igen.", name=respondent.name), "success")
    return redirect(url_for("respondents.detail", respondent_id=respondent.id))
