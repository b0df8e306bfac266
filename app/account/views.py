"""The own-account page, the second login step and enrolment of the second factor."""
from __future__ import annotations


from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app import audit
from app.account import service
from app.account.forms import ChangePasswordForm, CodeForm, ConfirmForm, EnrolForm, PasswordCheckForm
from app.auth import oidc, sealing, totp
from app.auth.passwords import verify_password
from app.auth.signin import finish, pending_user
from app.extensions import db

bp = Blueprint("account", __name__)


@bp.record_once
def _check_setting(state) -> None:
    totp.check_setting(state.app.config["REQUIRE_2FA"])

ENROL_SECRET = "totp_enrol_secret"
# Pages a signed-in user who must still enrol a second factor may reach.
OPEN_DURING_ENROLMENT = {"account.enrol", "auth.logout", "static", "main.set_language", "main.health"}


@bp.route("/login/kode", methods=["GET", "POST"])
def second_step():
    user, next_url = pending_user()
    if user is None or not user.has_second_factor:
        flash(_("Log ind igen."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if totp.blocked(user):
            flash(_("For mange forkerte koder. Vent et kvarter, og prøv igen."), "error")
            return render_template("account/second_step.html", form=form), 429
        method = totp.verify(user, form.code.data, totp.clock())
        if method is None:
            db.session.commit()  # keep the counted failure
            form.code.errors.append(_("Koden passer ikke, eller den er allerede brugt."))
            return render_template("account/second_step.html", form=form)
        if method == "recovery_code":
            audit.record(user, "recovery_code_used", "user", user.id, None,
                         {"name": user.name, "left": totp.unused_recovery_codes(user)}, user.municipality_id)
            flash(_("Du loggede ind med en gendannelseskode. Den kan ikke bruges igen."), "info")
        return finish(user, method, next_url)
    return render_template("account/second_step.html", form=form)


@bp.before_app_request
def require_second_factor():
    """Under REQUIRE_2FA a signed-in user without a second factor sets one up before anything else."""
    if not current_user.is_authenticated or request.endpoint in OPEN_DURING_ENROLMENT:
        return None
    if totp.required_for(current_user) and not current_user.has_second_factor \
            and not oidc.second_factor_done_by_provider(current_user):
        if request.method == "GET":
            flash(_("Du skal bruge en totrinsgodkendelse. Sæt den op, før du fortsætter."), "info")
        return redirect(url_for("account.enrol"))
    return None


@bp.get("/konto")
@login_required
def own_page():
    user = current_user._get_current_object()
    return render_template("account/own.html", user=user, logins=service.recent_logins(user),
                           password_form=ChangePasswordForm(), confirm_form=ConfirmForm(),
                           check_form=PasswordCheckForm(), codes_left=totp.unused_recovery_codes(user),
                           required=totp.required_for(user))


@bp.post("/konto/adgangskode")
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(user, form.current.data, form.password.data)
        except service.WrongPassword:
            form.current.errors.append(_("Den nuværende adgangskode er forkert."))
        else:
            db.session.commit()
            login_user(user)  # this session carries the new session version; the others end
            flash(_("Din adgangskode er skiftet. Du er logget ud alle andre steder."), "success")
            return redirect(url_for("account.own_page"))
    return render_template("account/own.html", user=user, logins=service.recent_logins(user),
                           password_form=form, confirm_form=ConfirmForm(), check_form=PasswordCheckForm(),
                           codes_left=totp.unused_recovery_codes(user), required=totp.required_for(user)), 400


@bp.post("/konto/andre-sessioner")
@login_required
def end_other_sessions():
    form = ConfirmForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        service.end_other_sessions(user)
        db.session.commit()
        login_user(user)
        flash(_("Du er logget ud alle andre steder."), "success")
    return redirect(url_for("account.own_page"))


@bp.route("/konto/totrinsgodkendelse", methods=["GET", "POST"])
@login_required
def enrol():
    user = current_user._get_current_object()
    if user.has_second_factor:
        return redirect(url_for("account.own_page"))
    form = EnrolForm()
    # The session cookie is signed, not encrypted: the secret being enrolled rides in it sealed.
    secret = sealing.unseal(session[ENROL_SECRET])[0] if session.get(ENROL_SECRET) else None
    # A reload (or the page opened again after scanning) keeps the key the app has already scanned.
    if not secret:
        secret = totp.new_secret()
        session[ENROL_SECRET] = sealing.seal(secret)
    elif form.validate_on_submit():
        if totp.blocked(user):
            flash(_("For mange forkerte koder. Vent et kvarter, og prøv igen."), "error")
            return redirect(url_for("account.own_page"))
        codes = totp.confirm_enrolment(user, secret, form.code.data, totp.clock())
        if codes is None:
            db.session.commit()
            form.code.errors.append(_("Koden passer ikke. Tjek at telefonens ur går rigtigt, og prøv igen."))
        else:
            audit.record(user, "totp_enabled", "user", user.id, None, {"name": user.name}, user.municipality_id)
            db.session.commit()
            session.pop(ENROL_SECRET, None)
            return render_template("account/recovery_codes.html", codes=codes, fresh=True)
    uri = totp.provisioning_uri(secret, user.email)
    return render_template("account/enrol.html", form=form, secret=secret,
                           qr=totp.qr_svg(uri, _("QR-kode til din godkendelsesapp")))


def _password_checked(form: PasswordCheckForm, user) -> bool:
    return form.validate_on_submit() and verify_password(user.password_hash, form.password.data)[0]


@bp.post("/konto/gendannelseskoder")
@login_required
def new_recovery_codes():
    user = current_user._get_current_object()
    form = PasswordCheckForm()
    if not user.has_second_factor:
        return redirect(url_for("account.own_page"))
    if not _password_checked(form, user):
        flash(_("Adgangskoden er forkert. Intet er ændret."), "error")
        return redirect(url_for("account.own_page"))
    codes = totp.new_recovery_codes(user)
    audit.record(user, "recovery_codes_renewed", "user", user.id, None, {"name": user.name}, user.municipality_id)
    db.session.commit()
    return render_template("account/recovery_codes.html", codes=codes, fresh=False)


@bp.post("/konto/totrinsgodkendelse/slaa-fra")
@login_required
def disable_second_factor():
    user = current_user._get_current_object()
    form = PasswordCheckForm()
    if totp.required_for(user):
        flash(_("Din rolle skal bruge totrinsgodkendelse, så den kan ikke slås fra."), "error")
        return redirect(url_for("account.own_page"))
    if not _password_checked(form, user):
        flash(_("Adgangskoden er forkert. Intet er ændret."), "error")
        return redirect(url_for("account.own_page"))
    totp.disable(user)
    audit.record(user, "totp_disabled", "user", user.id, None, {"name": user.name}, user.municipality_id)
    db.session.commit()
    flash(_("Totrinsgodkendelse er slået fra."), "success")
    return redirect(url_for("account.own_page"))
