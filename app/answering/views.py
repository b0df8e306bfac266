"""Answering a questionnaire: personal and anonymous links, drafts, submission, and nothing ever lost.

A link starts a respondent session and redirects to the clean URL /svar, so the token never stays in
the address bar, history or a Referer. The answer form is exempt from the global CSRF check and
checks the token itself: a stale token re-renders the form with everything typed, and nothing is
stored until the button is pressed again with a fresh token.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import ValidationError, validate_csrf

from app import throttle
from app.answering.identity import (ForeignReference, browser_key_from_cookie, forget_respondent,
                                    is_forgotten, opened_here, posted_respondent, remember_respondent, resolve,
                                    respondent_from_session, respondent_ref, set_browser_cookie)
from app.answering.rendering import typed_answers
from app.answering.service import (anonymous_wave_by_token, current_response, invitation_by_token,
                                   mark_opened, questionnaire_of, save_answers, wave_state)
from app.answering.turns import write_turn
from app.extensions import csrf, db
from app.i18n import current_lang
from app.models import utcnow
from app.responses import answers_of
from forms import answers_from_form, form_class_for, form_data_from_answers, validate_form

bp = Blueprint("answering", __name__)
THROTTLE_SCOPE = "link"


def _invalid_link():
    """One answer for wrong, expired and closed links, so a guess learns nothing.

    It redirects, so not even a wrong token stays in the address bar or in the page's own links.
    Only wrong links are limited, per client address (behind PROXY_COUNT trusted proxies, the
    forwarded one): a valid link is looked up first and always works, so one client's guesses never
    lock out the people who share its address. Failures beyond the limit are not stored.
    """
    cfg = current_app.config
    client = request.remote_addr or "-"
    if throttle.too_many(THROTTLE_SCOPE, client, cfg["TOKEN_MAX_FAILURES"], cfg["TOKEN_WINDOW_SECONDS"]):
        db.session.rollback()
        return render_template("answering/invalid.html"), 429
    throttle.record_failure(THROTTLE_SCOPE, client)
    db.session.commit()
    return redirect(url_for("answering.invalid"))


@bp.get("/svar/ugyldigt-link")
def invalid():
    return render_template("answering/invalid.html"), 404


@bp.get("/s/<token>")
def personal_link(token: str):
    invitation = invitation_by_token(token)
    if invitation is None or wave_state(invitation.wave, utcnow()) == "closed":
        return _invalid_link()
    # Bookkeeping only: the first visit is what the coordinator's "opened" column counts.
    mark_opened(invitation, utcnow())
    db.session.commit()
    remember_respondent({"i": invitation.id, "v": invitation.wave.questionnaire_version_id})
    return redirect(url_for("answering.form"))


@bp.get("/p/<token>")
def public_link(token: str):
    found = anonymous_wave_by_token(token)
    if found is None or wave_state(found[0], utcnow()) == "closed":
        return _invalid_link()
    wave, municipality_id = found
    key = browser_key_from_cookie()
    remember_respondent({"w": wave.id, "b": key, "v": wave.questionnaire_version_id, "m": municipality_id})
    response = redirect(url_for("answering.form"))
    set_browser_cookie(response, key)
    return response


@bp.get("/svar")
def form():
    respondent = respondent_from_session()
    if respondent is None:
        return render_template("answering/no_session.html"), 403
    state = respondent.state(utcnow())
    questionnaire = questionnaire_of(respondent.version_id)
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
    """Check the token and the form with no database lock held, then store in one short transaction.

    The form's own signed reference says whose answers these are: the session names only the link
    opened last in this browser, which may be another tab's.
    """
    try:
        value = posted_respondent(request.form.get("respondent_ref", ""))
    except ForeignReference:
        return _invalid_link()
    if value is None or not isinstance(value.get("v"), int) or is_forgotten(value):
        return render_template("answering/no_session.html"), 403
    questionnaire = questionnaire_of(value["v"])
    db.session.commit()  # (a no-op unless the definition had to be read)
    lang = current_lang()
    answer_form = form_class_for(questionnaire, lang)(formdata=request.form, meta={"csrf": False})
    if not opened_here(value):
        return _link_needed(value, questionnaire, answer_form)
    try:
        validate_csrf(request.form.get("csrf_token"))
        fresh = True
    except ValidationError:
        fresh = False
    submit = request.form.get("action") == "submit"
    valid = fresh and validate_form(answer_form, questionnaire, draft=not submit)

    with write_turn():
        outcome, respondent, submit = _store(value, questionnaire, answer_form, fresh, valid, submit)
    if outcome == "stored":
        remember_respondent(value)  # the pages that follow show the respondent just saved
        if submit:
            return redirect(url_for("answering.thanks"))
        flash(_("Din kladde er gemt. Du kan fortsætte senere fra samme link."), "success")
        return redirect(url_for("answering.form"))
    if outcome == "unknown":
        return render_template("answering/no_session.html"), 403
    if outcome in ("closed", "not_open"):
        return render_template(f"answering/{outcome}.html", wave=respondent.wave, questionnaire=questionnaire,
                               answers=typed_answers(questionnaire, answer_form, lang),
                               response=current_response(respondent)), 409
    if outcome == "stale":
        message = _("Siden havde været åben længe, så dine svar er ikke gemt endnu. "
                    "Alt hvad du har skrevet, står her stadig: tryk på knappen igen for at gemme.")
        return _render_form(respondent, questionnaire, answer_form, notice=message), 400
    return _render_form(respondent, questionnaire, answer_form), 422


def _link_needed(value: dict, questionnaire, answer_form):
    """The form as posted, stored nowhere, asking for the link: this browser's session never opened it
    (a saved copy of the page, another browser) or was lost. Nothing stored is shown; once the link is
    opened again in this browser, pressing the button on this same page stores what it holds."""
    respondent = resolve(value)
    db.session.rollback()
    if respondent is None:
        return render_template("answering/no_session.html"), 403
    if respondent.invitation_id is not None:
        message = _("Dine svar er ikke gemt: denne browser har ikke dit link åbent. Åbn dit personlige link fra "
                    "e-mailen igen i denne browser, og tryk så på knappen her igen. Alt hvad du har skrevet, står "
                    "her stadig.")
    else:
        message = _("Dine svar er ikke gemt: denne browser har ikke linket til spørgeskemaet åbent. Åbn linket "
                    "igen i denne browser, og tryk så på knappen her igen. Alt hvad du har skrevet, står her stadig.")
    return _render_form(respondent, questionnaire, answer_form, stored=None, notice=message), 403


def _store(value: dict, questionnaire, answer_form, fresh: bool, valid: bool, submit: bool):
    """The write transaction: (outcome, respondent, submit); it commits only when answers were stored."""
    respondent = resolve(value)
    if respondent is None:
        db.session.rollback()
        return "unknown", None, submit
    state = respondent.state(utcnow())
    if state != "open" or not fresh:
        db.session.rollback()
        return (state if state != "open" else "stale"), respondent, submit
    if valid and not submit and respondent.response_status == "submitted":
        # A change to a submitted response is checked like a submission.
        submit = True
        valid = validate_form(answer_form, questionnaire, draft=False)
    if not valid:
        db.session.rollback()
        return "invalid", respondent, submit
    save_answers(respondent, questionnaire, answers_from_form(questionnaire, answer_form), submit, utcnow())
    db.session.commit()
    return "stored", respondent, submit


@bp.get("/svar/tak")
def thanks():
    respondent = respondent_from_session()
    if respondent is None:
        return render_template("answering/no_session.html"), 403
    stored = current_response(respondent)
    if stored is None or stored.status != "submitted":
        return redirect(url_for("answering.form"))
    return render_template("answering/thanks.html", wave=respondent.wave, response=stored,
                           open=respondent.state(utcnow()) == "open")


@bp.post("/svar/afslut")
def finish():
    """Forget the respondent session on this device (the link still works)."""
    forget_respondent()
    return render_template("answering/finished.html")


def _render_form(respondent, questionnaire, answer_form, stored=False, notice: str | None = None):
    if stored is False:
        stored = current_response(respondent)
    return render_template(
        "answering/form.html", wave=respondent.wave, questionnaire=questionnaire, form=answer_form,
        response=stored, lang=current_lang(), notice=notice, respondent_ref=respondent_ref(respondent),
        preview=False)
