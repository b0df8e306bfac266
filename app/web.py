"""Wires the blueprints, error pages, security headers and template helpers into the app."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from app.extensions import db
from app.security import add_security_headers, refuse_foreign_origin
from exports.localtime import local_time


def register_web(app: Flask) -> None:
    from app.account.views import bp as account_bp
    from app.answering.views import bp as answering_bp
    from app.auditlog.views import bp as auditlog_bp
    from app.auth.views import bp as auth_bp
    from app.auth.views import init_login
    from app.main.views import bp as main_bp
    from app.privacy.views import bp as privacy_bp
    from app.questionnaires.views import bp as questionnaires_bp
    from app.respondents.views import bp as respondents_bp
    from app.results.views import bp as results_bp
    from app.supervision.results_views import bp as supervision_results_bp
    from app.supervision.views import bp as supervision_bp
    from app.users.views import bp as users_bp
    from app.waves.views import bp as waves_bp

    init_login(app)
    for blueprint in (main_bp, auth_bp, waves_bp, answering_bp, supervision_bp, results_bp, users_bp,
                      account_bp, respondents_bp, auditlog_bp, privacy_bp, supervision_results_bp,
                      questionnaires_bp):
        app.register_blueprint(blueprint)

    from app.auth.oidc import init_oidc

    init_oidc(app)  # only with OIDC_PROVIDERS_FILE

    from app.heartbeat import init_app as init_heartbeat

    init_heartbeat(app)
    app.before_request(refuse_foreign_origin)
    app.after_request(lambda response: add_security_headers(app, response))
    _register_errors(app)
    _register_template_helpers(app)


def _register_errors(app: Flask) -> None:
    def page(status: int):
        def handler(_error):
            return render_template(f"errors/{status}.html"), status

        return handler

    for status in (403, 404, 405, 429):
        app.register_error_handler(status, page(status))

    @app.errorhandler(413)
    def too_large(_error):
        # The bound of this request (the questionnaire pages set a smaller one), in whole megabytes.
        limit = request.max_content_length or app.config["MAX_CONTENT_LENGTH"]
        return render_template("errors/413.html", megabytes=max(1, limit // (1024 * 1024))), 413

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render_template("errors/500.html"), 500


def _register_template_helpers(app: Flask) -> None:
    zone = app.config["TIMEZONE"]

    @app.template_filter("localtime")
    def localtime(value: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
        local = local_time(value, zone)
        return "" if local is None else local.strftime(fmt)

    @app.context_processor
    def inject_lang():
        from app.i18n import current_lang

        return {"lang": current_lang(), "languages": app.config["LANGUAGES"], "nav_items": _nav_items(app)}


# (endpoint, label, roles): shown when the endpoint exists and the user has the role.
# The menu: the daily work first, then administration (coordinators only); "Min konto" sits in the header
# beside "Log ud". (endpoint, label, roles, group)
NAV = (
    ("waves.index", _l("Runder og besvarelser"), ("coordinator",), "work"),
    ("supervision.index", _l("Ledelsestilsyn"), ("coordinator", "team_leader"), "work"),
    ("supervision.schemes", _l("Evalueringsskemaer"), ("coordinator", "team_leader"), "work"),
    ("results.index", _l("Resultater"), ("coordinator", "team_leader"), "work"),
    ("questionnaires.index", _l("Spørgeskemaer"), ("coordinator",), "work"),
    ("respondents.index", _l("Respondenter"), ("coordinator",), "admin"),
    ("users.index", _l("Brugere"), ("coordinator",), "admin"),
    ("auditlog.index", _l("Ændringslog"), ("coordinator",), "admin"),
    ("privacy.index", _l("Personoplysninger"), ("coordinator",), "admin"),
    ("account.own_page", _l("Min konto"), ("coordinator", "team_leader"), "account"),
)


def _nav_items(app: Flask) -> list[dict]:
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    items = [
        {"url": url_for(endpoint), "label": label, "group": group}
        for endpoint, label, roles, group in NAV
        if endpoint in app.view_functions and current_user.role in roles
    ]
    # The item whose address is the longest start of this page's is the current one (aria-current).
    inside = [item for item in items if request.path.startswith(item["url"])]
    if inside:
        max(inside, key=lambda item: len(item["url"]))["current"] = True
    return items
