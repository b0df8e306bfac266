"""Web forms of supervision: rounds, the record form (case reference + shared questions), imports, samples."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from app.forms_base import CPR_IN_TEXT, Form
from flask_wtf.csrf import validate_csrf
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms import Questionnaire, form_class_for
from forms.validators import NoCPR

CPR_IN_REFERENCE = _l("Sagsnummeret ligner et CPR-nummer. Brug kommunens eget sagsnummer.")
_RECORD_FORMS: dict[tuple[str, str, str], type] = {}


class _LazyNoCPR(NoCPR):
    """NoCPR with a message translated when the form is validated, not when the class is built."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.lazy_message = message

    def __call__(self, form: Any, field: Any) -> None:
        self.message = str(self.lazy_message)
        super().__call__(form, field)


def _period_order(form: Any, field: Any) -> None:
    if form.period_start.data and field.data and field.data < form.period_start.data:
        raise ValidationError(_l("Perioden kan ikke slutte før den begynder."))


class RepeatRoundForm(Form):
    label = StringField(_l("Navn på runden"), description=_l("F.eks. \"Juli 2020\"."),
                        validators=[DataRequired(_l("Giv runden et navn.")), Length(max=120)])
    period_start = DateField(_l("Periode fra"), validators=[InputRequired(_l("Skriv en dato."))])
    period_end = DateField(_l("Periode til"), validators=[InputRequired(_l("Skriv en dato.")), _period_order])


class RoundForm(RepeatRoundForm):
    questionnaire = SelectField(_l("Spørgeskema til ledelsestilsyn"), coerce=int,
                                validators=[InputRequired(_l("Vælg et spørgeskema."))])
    municipalities = SelectMultipleField(
        _l("Kommuner"), coerce=int, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        description=_l("Vælger du ingen, omfatter runden forsøgets kommuner."))


class StatusForm(Form):
    """Only the CSRF token: the status comes from the button pressed."""


class DeleteForm(Form):
    """Only the CSRF token."""


class ImportForm(Form):
    file = FileField(_l("Fil med sagsnumre (CSV eller Excel)"), validators=[
        FileRequired(_l("Vælg en fil.")),
        FileAllowed(["csv", "txt", "xlsx"], _l("Filen skal være en CSV- eller Excel-fil (.csv, .xlsx).")),
    ])


class SampleForm(Form):
    municipality = SelectField(_l("Kommune"), coerce=int, validators=[InputRequired(_l("Vælg en kommune."))])
    size = IntegerField(_l("Antal sager i stikprøven"), validators=[
        InputRequired(_l("Skriv et antal.")), NumberRange(1, 10000, _l("Skriv et tal fra 1 til 10000."))])
    seed = StringField(_l("Startværdi (seed)"), description=_l("Samme startværdi og sagsliste giver samme stikprøve."),
                       validators=[DataRequired(_l("Skriv en startværdi.")), Length(max=64)])
    reason = TextAreaField(_l("Begrundelse for at trække igen (kun koordinator)"),
                           description=_l("Kræves, når en sag i stikprøven allerede er registreret. Den gamle "
                                          "trækning gemmes i ændringsloggen."),
                           validators=[Optional(), Length(max=500)])  # CPR numbers: refused by Form
    # the number of reviewed cases the draw takes out of the tallies, as the confirmation step named it
    confirm_leaving = HiddenField(validators=[Optional()])


def csrf_token_valid() -> bool:
    """Whether the posted CSRF token is valid.

    The record and scheme forms check it themselves (they are exempt from the global check) so that an
    expired token re-renders what was typed instead of losing it; nothing is stored unless this is true.
    """
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def record_form_class(questionnaire: Questionnaire, lang: str) -> type:
    """The record form: case reference, the questionnaire's questions, an optional comment (cached per version)."""
    key = (questionnaire.id, questionnaire.fingerprint, lang)
    if key not in _RECORD_FORMS:
        base = form_class_for(questionnaire, lang)
        _RECORD_FORMS[key] = type(f"Record{base.__name__}", (base,), {
            "case_reference": StringField(_l("Sagsnummer"), description=_l("Kommunens eget sagsnummer – aldrig et CPR-nummer."),
                                          validators=[DataRequired(_l("Skriv sagsnummeret.")), Length(max=80),
                                                      _LazyNoCPR(CPR_IN_REFERENCE)]),
            "comment": TextAreaField(_l("Bemærkning (valgfri)"),
                                     validators=[Optional(), Length(max=5000), _LazyNoCPR(CPR_IN_TEXT)]),
            "outside_sample": BooleanField(
                _l("Udenfor stikprøven"),
                description=_l("Sæt kryds, hvis sagen står på sagslisten, men ikke er trukket i stikprøven. "
                               "Den tælles så for sig og indgår ikke i stikprøvens tal, medmindre en "
                               "koordinator medtager den.")),
        })
    return _RECORD_FORMS[key]
