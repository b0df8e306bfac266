"""Coordinator pages for accounts, and the page where an invited person chooses a password."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from app.account.forms import ConfirmForm
from app.access import coordinator_required
from app.extensions import db
from app.models import Municipality, User, utcnow
from app.users import service
from app.users.forms import AcceptForm, InviteForm, RoleForm
from app.users.labels import login_method_label, role_label
from app import outbox

bp = Blueprint("users", __name__, url_prefix="/brugere")


@bp.app_context_processor
def labels():
    return {"role_label": role_label, "login_method_label": login_method_label}


def coordinator_or_404(view):
    """Pages about one account: anyone but a coordinator gets 404, so ids reveal nothing."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_coordinator:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _with_municipalities(form: RoleForm) -> RoleForm:
    places = db.session.scalars(select(Municipality).order_by(Municipality.name))
    form.municipality_id.choices = [(None, _("Ingen (koordinator)"))] + [(m.id, m.name) for m in places]
    return form


def _municipality(form: RoleForm) -> Municipality | None:
    return db.session.get(Municipality, form.municipality_id.data) if form.municipality_id.data else None


@bp.get("/")
@coordinator_required
def index():
    return render_template("users/index.html", users=service.all_users(), confirm_form=ConfirmForm())


def _send_now(message_id: int) -> None:
    """Try the outbox at once so the person need not wait for the scheduler; a failure stays queued."""
    try:
        outbox.send_one(message_id, utcnow())
    except Exception:  # noqa: BLE001 - the scheduler retries whatever was not sent
        db.session.rollback()
        current_app.logger.exception("invitation mail left for the scheduler")


@bp.route("/inviter", methods=["GET", "POST"])
@coordinator_required
def invite():
    form = _with_municipalities(InviteForm())
    if form.validate_on_submit():
        try:
            user, message = service.invite(current_user, form.name.data, form.email.data, form.role.data,
                                           _municipality(form))
        except service.Refused as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return render_template("users/invite.html", form=form), 400
        db.session.commit()
        _send_now(message.id)
        flash(_("%(name)s er inviteret. Linket er sendt til %(email)s.", name=user.name, email=user.email), "success")
        return redirect(url_for("users.index"))
    return render_template("users/invite.html", form=form)


@bp.get("/<int:user_id>")
@coordinator_or_404
def detail(user_id: int):
    user = _user_or_404(user_id)
    form = _with_municipalities(RoleForm(role=user.role, municipality_id=user.municipality_id))
    return render_template("users/detail.html", user=user, form=form, confirm_form=ConfirmForm())


@bp.post("/<int:user_id>")
@coordinator_or_404
def change(user_id: int):
    user = _user_or_404(user_id)
    form = _with_municipalities(RoleForm())
    if form.validate_on_submit():
        try:
            changed = service.change(current_user, user, form.role.data, _municipality(form))
        except service.Refused as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            if changed:
                flash(_("%(name)s er ændret.", name=user.name), "success")
            if user.id == current_user.id and changed:
                logout_user()
                return redirect(url_for("auth.login"))
            return redirect(url_for("users.detail", user_id=user.id))
    return render_template("users/detail.html", user=user, form=form, confirm_form=ConfirmForm()), 400


def _act(user_id: int, action, success: str):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = action(current_user, user)
    except service.Refused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("users.detail", user_id=user.id))
    db.session.commit()
    if result is not None and hasattr(result, "id"):
        _send_now(result.id)
    flash(success % {"name": user.name}, "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/deaktiver")
@coordinator_or_404
def deactivate(user_id: int):
    return _act(user_id, service.deactivate, _("%(name)s er deaktiveret og logget ud."))


@bp.post("/<int:user_id>/aktiver")
@coordinator_or_404
def reactivate(user_id: int):
    return _act(user_id, service.reactivate, _("%(name)s er aktiv igen."))


@bp.post("/<int:user_id>/inviter-igen")
@coordinator_or_404
def resend(user_id: int):
    return _act(user_id, service.resend_invitation, _("Et nyt link er sendt til %(name)s. Tidligere links virker ikke mere."))


@bp.post("/<int:user_id>/nulstil-totrin")
@coordinator_or_404
def reset_second_factor(user_id: int):
    return _act(user_id, service.reset_second_factor,
                _("%(name)s sætter totrinsgodkendelse op igen ved næste log ind."))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    user = service.user_for_invitation(token)
    if user is None:
        return render_template("users/invitation_invalid.html"), 404
    form = AcceptForm()
    if form.validate_on_submit():
        service.accept_invitation(user, form.password.data)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(_("Din adgangskode er gemt. Log ind med din e-mailadresse og den nye adgangskode."), "success")
        return redirect(url_for("auth.login"))
    return render_template("users/accept.html", form=form, user=user)
