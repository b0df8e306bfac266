"""The base of every form the app itself shows: no typed text field may hold a CPR number.

Answers and supervision records get the same refusal from the questionnaire's own form builder; this
covers the rest (wave names, people's names, reasons, searches). Passwords and hidden fields are left
alone: a password is never shown or stored as text, and a hidden field is not typed.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField

from forms.cpr import contains_cpr

CPR_IN_TEXT = _l("Teksten ser ud til at indeholde et CPR-nummer. Fjern det, og gem igen.")


class Form(FlaskForm):
    """A FlaskForm that refuses a CPR number in any typed text field, with the field's own error."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if (isinstance(field, StringField) and not isinstance(field, (PasswordField, HiddenField))
                    and isinstance(field.data, str) and contains_cpr(field.data)):
                field.errors = [*field.errors, str(CPR_IN_TEXT)]
                valid = False
        return valid
