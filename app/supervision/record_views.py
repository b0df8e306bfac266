"""Logging reviewed cases: a team leader adds, edits and deletes records of their own municipality."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import coordinator_required, role_required
from app.extensions import csrf, db
from app.i18n import current_lang
from app.questionnaires.service import definition_of
from app.responses import answers_of
from app.supervision import service
from app.supervision.blueprint import bp, load_own_record, load_round
from app.supervision.forms import DeleteForm, csrf_token_valid, record_form_class
from forms import answers_from_form, form_data_from_answers, validate_form

team_leader_required = role_required("team_leader")


def _closed(round_) -> bool:
    if round_.status == "open":
        return False
    flash(_("Runden er ikke åben, så der kan ikke registreres eller ændres sager."), "error")
    return True


def _save(form, questionnaire, action) -> bool:
    """Run `action(case_reference, comment, answers, outside_confirmed)`; a duplicate reference, a case
    not on the list and an unmarked case outside the sample become field errors."""
    try:
        action(form.case_reference.data, (form.comment.data or "").strip() or None,
               answers_from_form(questionnaire, form), bool(form.outside_sample.data))
    except service.DuplicateCaseReference:
        db.session.rollback()
        form.case_reference.errors = list(form.case_reference.errors) + [
            _("Sagsnummeret er allerede registreret i denne runde for din kommune.")]
        return False
    except service.NotOnCaseList:
        db.session.rollback()
        form.case_reference.errors = list(form.case_reference.errors) + [
            _("Sagen står ikke på kommunens sagsliste for runden. Ret sagsnummeret, eller indlæs sagen på "
              "sagslisten først.")]
        return False
    except service.OutsideSample:
        db.session.rollback()
        form.outside_sample.errors = list(form.outside_sample.errors) + [
            _("Sagen er ikke trukket i stikprøven. Sæt kryds i “Udenfor stikprøven” for at registrere den "
              "alligevel; den tælles så for sig.")]
        return False
    db.session.commit()
    return True


def _refused(round_, form, record, questionnaire, status: int):
    """The form again with what was posted and why nothing was stored: a closed round or an expired page."""
    if status == 409:
        notice = (_("Sagen er ikke gemt"), _("Runden blev lukket, mens du udfyldte sagen, så den kan ikke gemmes. "
                                           "Det, du har udfyldt, står herunder, så du kan kopiere det."))
    else:
        notice = (_("Siden er udløbet"), _("Sagen er ikke gemt, fordi siden har været åben længe. Det, du har "
                                          "udfyldt, står der stadig: tryk på knappen igen for at gemme."))
    return render_template("supervision/record_form.html", round=round_, form=form, record=record,
                           questionnaire=questionnaire, delete_form=DeleteForm(), notice=notice,
                           sample_drawn=_sample_drawn(round_)), status


def _sample_drawn(round_) -> bool:
    return service.sample_drawn_for(round_.id, current_user.municipality_id)


def _post(round_, form, record, questionnaire, store, saved_message: str):
    """One posted record form: refused (closed round, expired page), stored and redirected, or None to
    show the form again with its errors. The checks run in this order for a new record and an edit alike."""
    if round_.status != "open":
        return _refused(round_, form, record, questionnaire, 409)
    if not csrf_token_valid():
        return _refused(round_, form, record, questionnaire, 400)
    if validate_form(form, questionnaire, draft=False) and _save(form, questionnaire, store):
        flash(saved_message % {"ref": form.case_reference.data.strip()}, "success")
        return redirect(url_for("supervision.show_round", round_id=round_.id))
    return None


@bp.route("/runder/<int:round_id>/sager/ny", methods=["GET", "POST"])
@csrf.exempt  # checked below, so an expired token keeps what was typed
@team_leader_required
def new_record(round_id: int):
    round_ = load_round(round_id)
    questionnaire = definition_of(round_.questionnaire_version)
    form = record_form_class(questionnaire, current_lang())()
    if not form.is_submitted():
        if _closed(round_):
            return redirect(url_for("supervision.show_round", round_id=round_.id))
    else:
        outcome = _post(round_, form, None, questionnaire, lambda ref, comment, answers, outside: service.create_record(
            current_user, round_, ref, comment, answers, outside), _("Sagen %(ref)s er registreret."))
        if outcome is not None:
            return outcome
    return render_template("supervision/record_form.html", round=round_, form=form, record=None,
                           questionnaire=questionnaire, sample_drawn=_sample_drawn(round_))


@bp.route("/sager/<int:record_id>", methods=["GET", "POST"])
@csrf.exempt  # checked below, so an expired token keeps what was typed
@team_leader_required
def edit_record(record_id: int):
    record = load_own_record(record_id)
    round_ = record.round
    questionnaire = definition_of(round_.questionnaire_version)
    form_class = record_form_class(questionnaire, current_lang())
    if form_class().is_submitted():
        form = form_class()
        outcome = _post(round_, form, record, questionnaire, lambda ref, comment, answers, outside: service.update_record(
            current_user, record, ref, comment, answers, outside), _("Sagen %(ref)s er gemt."))
        if outcome is not None:
            return outcome
    else:
        response = service.response_of(record)
        data = form_data_from_answers(questionnaire, answers_of(response.id, questionnaire) if response else {})
        data.update(case_reference=record.case_reference, comment=record.comment or "",
                    outside_sample=service.in_sample(record.round_id, record.municipality_id,
                                                     record.case_reference) is False)
        form = form_class(data=data)
    return render_template("supervision/record_form.html", round=round_, form=form, record=record,
                           questionnaire=questionnaire, delete_form=DeleteForm(), sample_drawn=_sample_drawn(round_))


@bp.post("/sager/<int:record_id>/slet")
@team_leader_required
def delete_record(record_id: int):
    record = load_own_record(record_id)
    round_id = record.round_id
    form = DeleteForm()
    if not form.validate_on_submit():
        return redirect(url_for("supervision.edit_record", record_id=record.id))
    if _closed(record.round):
        return redirect(url_for("supervision.show_round", round_id=round_id))
    reference = record.case_reference
    service.delete_record(current_user, record)
    db.session.commit()
    flash(_("Sagen %(ref)s er slettet.", ref=reference), "success")
    return redirect(url_for("supervision.show_round", round_id=round_id))


@bp.post("/sager/<int:record_id>/medtag")
@coordinator_required
def include_record(record_id: int):
    """A coordinator counts a case reviewed outside the sample in the tallies (or leaves it out again)."""
    from app.models import SupervisionRecord

    record = db.session.get(SupervisionRecord, record_id)
    if record is None:
        abort(404)
    form = DeleteForm()
    included = request.form.get("include") == "1"
    if not form.validate_on_submit():
        abort(400)
    if record.round.status == "closed":
        flash(_("Runden er lukket; sagerne kan kun læses."), "error")
        return redirect(url_for("supervision.show_round", round_id=record.round_id))
    if service.in_sample(record.round_id, record.municipality_id, record.case_reference) is not False:
        abort(409)
    service.set_included(current_user, record, included)
    db.session.commit()
    flash(_("Sagen %(ref)s tælles nu med i stikprøvens tal.", ref=record.case_reference) if included else
          _("Sagen %(ref)s tælles nu for sig, udenfor stikprøvens tal.", ref=record.case_reference), "success")
    return redirect(url_for("supervision.show_round", round_id=record.round_id))
