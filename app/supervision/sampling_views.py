"""Importing case lists and drawing the seeded sample, per municipality of a round."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.access import ensure_municipality, role_required, visible_municipality_ids
from app.extensions import db
from app.models import Municipality
from app.supervision import sampling
from app.supervision.blueprint import bp, load_round
from app.supervision.forms import ImportForm, SampleForm
from app.uploads import read_table

any_role = role_required("coordinator", "team_leader")


def _sample_form(round_) -> SampleForm:
    form = SampleForm()
    own = visible_municipality_ids(current_user)
    form.municipality.choices = [(m.id, m.name) for m in round_.municipalities if own is None or m.id in own]
    if own is not None and not form.municipality.data:
        form.municipality.data = current_user.municipality_id
    return form


def _page(round_, import_form, sample_form, errors=(), status=200, confirm=None):
    own = visible_municipality_ids(current_user)
    samples = [(m, sampling.sample_of(round_, m.id), sampling.reviewed_in_sample(round_.id, m.id))
               for m in round_.municipalities if own is None or m.id in own]
    return render_template("supervision/sampling.html", round=round_, import_form=import_form,
                           sample_form=sample_form, errors=errors, samples=samples, confirm=confirm), status


def _confirm_leaving(form) -> int | None:
    value = (form.confirm_leaving.data or "").strip()
    return int(value) if value.isdigit() else None


ROUND_CLOSED = _l("Runden er lukket: sagslister og stikprøver kan ikke længere ændres.")


@bp.get("/runder/<int:round_id>/stikproeve")
@any_role
def sampling_page(round_id: int):
    round_ = load_round(round_id)
    return _page(round_, ImportForm(), _sample_form(round_))


@bp.post("/runder/<int:round_id>/sagsliste")
@any_role
def import_cases(round_id: int):
    round_ = load_round(round_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(round_, form, _sample_form(round_), status=400)
    if round_.status == "closed":
        return _page(round_, form, _sample_form(round_), errors=[ROUND_CLOSED], status=409)
    upload = form.file.data
    content = upload.read(sampling.MAX_FILE_BYTES + 1)
    if len(content) > sampling.MAX_FILE_BYTES:
        return _page(round_, form, _sample_form(round_), errors=[_("Filen er for stor (højst 5 MB).")], status=400)
    try:
        table = read_table(upload.filename or "", content)
    except ValueError as exc:
        return _page(round_, form, _sample_form(round_), errors=[str(exc)], status=400)
    own = None if current_user.is_coordinator else current_user.municipality
    result = sampling.parse_case_list(table, round_, own)
    locked = [m.name for m in round_.municipalities if m.id in result.rows and sampling.sample_drawn(round_, m.id)]
    errors = result.errors + [_("Der er allerede trukket en stikprøve for %(name)s; listen kan ikke ændres.", name=n)
                              for n in locked]
    if errors:
        return _page(round_, form, _sample_form(round_), errors=errors, status=400)
    added = sampling.import_case_list(current_user, round_, result)
    db.session.commit()
    flash(_("%(added)s nye sager er indlæst (%(rows)s rækker i filen).", added=added, rows=result.count), "success")
    return redirect(url_for("supervision.sampling_page", round_id=round_.id))


@bp.post("/runder/<int:round_id>/stikproeve")
@any_role
def draw_sample(round_id: int):
    round_ = load_round(round_id)
    form = _sample_form(round_)
    if not form.validate_on_submit():
        return _page(round_, ImportForm(), form, status=400)
    municipality = db.session.get(Municipality, form.municipality.data)
    if municipality is None or municipality not in round_.municipalities:
        abort(404)
    ensure_municipality(current_user, municipality.id)
    try:
        chosen, effect = sampling.draw_sample(current_user, round_, municipality, form.size.data,
                                              form.seed.data.strip(),
                                              reason=form.reason.data if current_user.is_coordinator else None,
                                              confirm_leaving=_confirm_leaving(form))
    except sampling.SampleRefused as refusal:
        db.session.rollback()
        if refusal.code == "confirm":  # the page asks, naming the cases; the same form confirms
            form.confirm_leaving.data = str(refusal.params["leaving"])
            return _page(round_, ImportForm(), form, status=409,
                         confirm={"message": sampling.refusal_message(refusal), "leaving": refusal.params["leaving"]})
        return _page(round_, ImportForm(), form, errors=[sampling.refusal_message(refusal)],
                     status=409 if refusal.code in ("closed", "frozen") else 400)
    db.session.commit()
    message = _("Stikprøven for %(name)s er trukket: %(n)s sager.", name=municipality.name, n=len(chosen))
    if effect.leaving:
        message += " " + ngettext("%(num)s gennemgået sag tælles ikke længere med: %(cases)s.",
                                  "%(num)s gennemgåede sager tælles ikke længere med: %(cases)s.",
                                  len(effect.leaving), cases=", ".join(effect.leaving))
    if effect.joining:
        message += " " + ngettext("%(num)s sag, gennemgået udenfor stikprøven, tælles nu med: %(cases)s.",
                                  "%(num)s sager, gennemgået udenfor stikprøven, tælles nu med: %(cases)s.",
                                  len(effect.joining), cases=", ".join(effect.joining))
    flash(message, "success")
    return redirect(url_for("supervision.sampling_page", round_id=round_.id))
