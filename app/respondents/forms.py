"""Forms on a respondent's page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from app.forms_base import Form
from wtforms import EmailField, TextAreaField
from wtforms.validators import DataRequired, Length


class EmailForm(Form):
    email = EmailField(_l("E-mailadresse"), description=_l("Fremtidige e-mails, også påmindelser der venter, går til den nye adresse."),
                       validators=[DataRequired(_l("Skriv en e-mailadresse.")), Length(max=254)])


class ExcludeForm(Form):
    reason = TextAreaField(_l("Begrundelse"), description=_l("F.eks. \"Fratrådt 1. marts\". Personens tidligere svar bevares."),
                           validators=[DataRequired(_l("Skriv en begrundelse.")), Length(max=1000)])


class IncludeForm(Form):
    """Only the CSRF token."""
