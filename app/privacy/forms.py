"""Forms of the personal-data pages: postponing an erasure, asking for a respondent's data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from app.forms_base import Form
from wtforms import DateField, EmailField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp


class PostponeForm(Form):
    until = DateField(_l("Slet tidligst den"), validators=[DataRequired(_l("Angiv en dato."))])
    reason = TextAreaField(_l("Begrundelse"), description=_l("Skriv hvorfor oplysningerne skal gemmes længere."),
                           validators=[DataRequired(_l("Skriv en begrundelse.")), Length(max=500)])


class AccessRequestForm(Form):
    email = EmailField(_l("Respondentens e-mailadresse"),
                       validators=[DataRequired(_l("Skriv en e-mailadresse.")),
                                   Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Skriv en gyldig e-mailadresse.")),
                                   Length(max=254)])
