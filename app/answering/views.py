"""Answering a questionnaire: personal and anonymous links, drafts, submission, and nothing ever lost.

A link starts a respondent session and redirects to the clean URL /svar, so the token never stays in
the address bar, history or a Referer. The answer form is exempt from the global CSRF check and
checks the token itself: a stale token re-renders the form with everything typed, and nothing is
stored until the button is pressed again with a fresh token.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import ValidationError, validate_csrf

from app.answering.identity import (browser_key_from_cookie, forget_respondent, remember_respondent,
                                    respondent_from_ref, respondent_from_session, respondent_ref,
                                    set_browser_cookie)
from app.answering.service import (anonymous_wave_by_token, current_response, invitation_by_token,
                                   mark_opened, save_answers, wave_state)
from app.answering.rendering import typed_answers
from app.extensions import csrf, db
from app.i18n import current_lang
from app.models import utcnow
from app.questionnaires.service import definition_of
from app.responses import answers_of
from app import throttle
from forms import answers_from_form, form_class_for, form_data_from_answers, validate_form

bp = Blueprint("answering", __name__)
THROTTLE_SCOPE = "link"


def _throttled() -> bool:
    cfg = current_app.config
    return throttle.too_many(THROTTLE_SCOPE, request.remote_addr or "-", cfg["TOKEN_MAX_FAILURES"],
                             cfg["TOKEN_WINDOW_SECONDS"])


def _invalid_link():
    """One answer for wrong, expired and closed links, so a guess learns nothing.

    It redirects, so not even a wrong token stays in the address bar or in the page's own links.
    """
    throttle.record_failure(THROTTLE_SCOPE, request.remote_addr or "-")
    db.session.commit()
    return redirect(url_for("answering.invalid"))


@bp.get("/svar/ugyldigt-link")
def invalid():
    return render_template("answering/invalid.html"), 404


@bp.get("/s/<token>")
def personal_link(token: str):
    if _throttled():
        return render_template("answering/invalid.html"), 429
    invitation = invitation_by_token(token)
    if invitation is None or wave_state(invitation.wave, utcnow()) == "closed":
        return _invalid_link()
    # Bookkeeping only: the first visit is what the coordinator's "opened" column counts.
    mark_opened(invitation, utcnow())
    db.session.commit()
    remember_respondent({"i": invitation.id})
    return redirect(url_for("answering.form"))


@bp.get("/p/<token>")
def public_link(token: str):
    if _throttled():
        return render_template("answering/invalid.html"), 429
    wave = anonymous_wave_by_token(token)
    if wave is None or wave_state(wave, utcnow()) == "closed":
        return _invalid_link()
    key = browser_key_from_cookie()
    remember_respondent({"w": wave.id, "b": key})
    response = redirect(url_for("answering.form"))
    set_browser_cookie(response, key)
    return response


@bp.get("/svar")
def form():
    respondent = respondent_from_session()
    if respondent is None:
        return render_template("answering/no_session.html"), 403
    state = wave_state(respondent.wave, utcnow())
    questionnaire = definition_of(respondent.wave.questionnaire_version)
    stored = current_response(respondent)
    if state != "open":
        return render_template(f"answering/{state}.html", wave=respondent.wave, response=stored, answers=[],
                               questionnaire=questionnaire), 200
    data = form_data_from_answers(questionnaire, answers_of(stored.id, questionnaire)) if stored else {}
    answer_form = form_class_for(questionnaire, current_lang())(data=data, meta={"csrf": False})
    return _render_form(respondent, questionnaire, answer_form, stored)


@csrf.exempt
@bp.post("/svar")
def save():
    respondent = respondent_from_session() or respondent_from_ref(request.form.get("respondent_ref", ""))
    if respondent is None:
        return render_template("answering/no_session.html"), 403
    remember_respondent(respondent.session_value())
    questionnaire = definition_of(respondent.wave.questionnaire_version)
    answer_form = form_class_for(questionnaire, current_lang())(formdata=request.form, meta={"csrf": False})
    state = wave_state(respondent.wave, utcnow())
    if state != "open":
        answers = typed_answers(questionnaire, answer_form, current_lang())
        return render_template(f"answering/{state}.html", wave=respondent.wave, answers=answers,
                               response=current_response(respondent), questionnaire=questionnaire), 409
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        message = _("Siden havde været åben længe, så dine svar er ikke gemt endnu. "
                    "Alt hvad du har skrevet, står her stadig: tryk på knappen igen for at gemme.")
        return _render_form(respondent, questionnaire, answer_form, current_response(respondent),
                            notice=message), 400
    submit = request.form.get("action") == "submit"
    stored = current_response(respondent)
    if stored is not None and stored.status == "submitted":
        submit = True  # a change to a submitted response is checked like a submission
    if not validate_form(answer_form, questionnaire, draft=not submit):
        return _render_form(respondent, questionnaire, answer_form, stored), 422
    save_answers(respondent, questionnaire, answers_from_form(questionnaire, answer_form), submit, utcnow())
    db.session.commit()
    if submit:
        return redirect(url_for("answering.thanks"))
    flash(_("Din kladde er gemt. Du kan fortsætte senere fra samme link."), "success")
    return redirect(url_for("answering.form"))


@bp.get("/svar/tak")
def thanks():
    respondent = respondent_from_session()
    if respondent is None:
        return render_template("answering/no_session.html"), 403
    stored = current_response(respondent)
    if stored is None or stored.status != "submitted":
        return redirect(url_for("answering.form"))
    return render_template("answering/thanks.html", wave=respondent.wave, response=stored,
                           open=wave_state(respondent.wave, utcnow()) == "open")


@bp.post("/svar/afslut")
def finish():
    """Forget the respondent session on this device (the link still works)."""
    forget_respondent()
    return render_template("answering/finished.html")


def _render_form(respondent, questionnaire, answer_form, stored, notice: str | None = None):
    if respondent is None:
        abort(404)
    return render_template(
        "answering/form.html", wave=respondent.wave, questionnaire=questionnaire, form=answer_form,
        response=stored, lang=current_lang(), notice=notice, respondent_ref=respondent_ref(respondent),
        preview=False)
