"""Log in and log out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from app.forms_base import Form
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app import audit
from app.auth import oidc, reset, service
from app.auth.signin import after_password
from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.extensions import db
from app.i18n import current_lang
from app.outbox import register_renderer, send_after_response
from app.security import is_safe_next

bp = Blueprint("auth", __name__)

# Only the shape is checked: a stricter validator refuses internal domains such as .local, and the
# address is looked up among the accounts anyway.
LOOSE_EMAIL = Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Skriv en gyldig e-mailadresse."))


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Skriv din e-mailadresse.")), LOOSE_EMAIL, Length(max=254)])
    password = PasswordField(_l("Adgangskode"), validators=[DataRequired(_l("Skriv din adgangskode.")), Length(max=200)])


class ForgotForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Skriv din e-mailadresse.")), LOOSE_EMAIL, Length(max=254)])


class ResetForm(Form):
    password = PasswordField(_l("Ny adgangskode"), validators=[
        DataRequired(_l("Skriv en ny adgangskode.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("Adgangskoden skal have mindst %(n)s tegn.", n=MIN_PASSWORD_LENGTH)),
    ])
    confirm = PasswordField(_l("Gentag den nye adgangskode"), validators=[
        DataRequired(_l("Gentag adgangskoden.")), EqualTo("password", _l("De to adgangskoder er ikke ens.")),
    ])


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        if service.login_blocked(form.email.data, request.remote_addr):
            flash(_("For mange forkerte forsøg. Vent et kvarter, og prøv igen."), "error")
            return render_template("auth/login.html", form=form, next=next_url, providers=oidc.configured()), 429
        user = service.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is None:
            db.session.commit()  # keep the counted failure
            flash(_("Forkert e-mail eller adgangskode."), "error")
            return render_template("auth/login.html", form=form, next=next_url, providers=oidc.configured()), 200
        db.session.commit()
        only = oidc.password_login_closed(user)
        if only is not None:
            flash(_("Medarbejdere i %(municipality)s logger ind med knappen »%(provider)s«.",
                    municipality=user.municipality.name, provider=oidc.label(only)), "error")
            return render_template("auth/login.html", form=form, next=next_url, providers=oidc.configured()), 200
        session.pop(oidc.SIGNED_IN, None)  # a provider's second factor counts for its own sign-in only
        return after_password(user, next_url)  # asks for the second factor, where there is one
    return render_template("auth/login.html", form=form, next=next_url, providers=oidc.configured())


@bp.post("/logout")
@login_required
def logout():
    service.end_all_sessions(current_user._get_current_object())
    db.session.commit()
    provider_logout = oidc.logout_target()
    logout_user()
    if provider_logout:
        # A page, not a redirect: the form's CSP (form-action 'self') would stop a redirect to the provider.
        return render_template("auth/logout_provider.html", target=provider_logout)
    flash(_("Du er logget ud."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        if reset.request_blocked(form.email.data, request.remote_addr):
            flash(_("For mange forsøg. Vent et kvarter, og prøv igen."), "error")
            return render_template("auth/forgot.html", form=form), 429
        message_id = reset.queue_reset_link(form.email.data, request.remote_addr, current_lang())
        db.session.commit()
        if message_id is not None:
            send_after_response(message_id)  # the scheduler sends it if this does not
        # The same answer whether or not the address has an account.
        flash(_("Hvis adressen har en konto, har vi sendt et link til at nulstille adgangskoden."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = reset.user_for_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetForm()
    if form.validate_on_submit():
        service.set_password(user, form.password.data)
        audit.record(user, "password_reset", "user", user.id, None, None, user.municipality_id)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(_("Din adgangskode er skiftet. Log ind med den nye."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


def init_login(app) -> None:
    from app.extensions import login_manager

    register_renderer(reset.PURPOSE, reset.render_reset_mail)

    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(service.load_user)
