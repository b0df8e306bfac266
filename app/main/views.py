"""The front page (by role), switching language and the accessibility statement."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.security import is_safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    return render_template("main/home.html", user=current_user)


@bp.post("/sprog")
def set_language():
    """Switch language (a POST with CSRF: nothing changes state on GET)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))


@bp.get("/healthz")
def health():
    return {"status": "ok"}


@bp.get("/tilgaengelighed")
def accessibility_statement():
    """The accessibility statement the Danish web accessibility act asks of public-sector sites."""
    return render_template("main/accessibility.html", contact=current_app.config["ACCESSIBILITY_CONTACT_EMAIL"])
