"""Log in and log out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from app.auth import service
from app.extensions import db
from app.security import is_safe_next

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Skriv din e-mailadresse.")), Email(_l("Skriv en gyldig e-mailadresse.")), Length(max=254)])
    password = PasswordField(_l("Adgangskode"), validators=[DataRequired(_l("Skriv din adgangskode.")), Length(max=200)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        if service.login_blocked(form.email.data, request.remote_addr):
            flash(_("For mange forkerte forsøg. Vent et kvarter, og prøv igen."), "error")
            return render_template("auth/login.html", form=form, next=next_url), 429
        user = service.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is None:
            db.session.commit()  # keep the counted failure
            flash(_("Forkert e-mail eller adgangskode."), "error")
            return render_template("auth/login.html", form=form, next=next_url), 200
        db.session.commit()
        login_user(user)
        return redirect(next_url if is_safe_next(next_url) else url_for("main.home"))
    return render_template("auth/login.html", form=form, next=next_url)


@bp.post("/logout")
@login_required
def logout():
    service.end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("Du er logget ud."), "info")
    return redirect(url_for("auth.login"))


def init_login(app) -> None:  # noqa: ANN001
    from app.extensions import login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(service.load_user)
