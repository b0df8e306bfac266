"""Forms for inviting and changing accounts, and setting the password from an invitation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from app.forms_base import Form
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.users.labels import ROLE_LABELS

EMAIL_SHAPE = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Skriv en gyldig e-mailadresse."))


def _municipality_id(value):
    return int(value) if value not in (None, "", "None") else None


class RoleForm(Form):
    role = SelectField(_l("Rolle"), choices=[(k, v) for k, v in ROLE_LABELS.items()],
                       validators=[DataRequired(_l("Vælg en rolle."))])
    municipality_id = SelectField(_l("Kommune"), coerce=_municipality_id,
                                  description=_l("Kun for teamledere: de ser og registrerer kun deres egen kommunes data."))


class InviteForm(RoleForm):
    name = StringField(_l("Navn"), validators=[DataRequired(_l("Skriv personens navn.")), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Skriv personens e-mailadresse.")),
                                                 EMAIL_SHAPE, Length(max=254)])


class AcceptForm(Form):
    password = PasswordField(_l("Vælg en adgangskode"), validators=[
        DataRequired(_l("Skriv en adgangskode.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("Adgangskoden skal have mindst %(n)s tegn.", n=MIN_PASSWORD_LENGTH)),
    ])
    confirm = PasswordField(_l("Gentag adgangskoden"), validators=[
        DataRequired(_l("Gentag adgangskoden.")), EqualTo("password", _l("De to adgangskoder er ikke ens.")),
    ])
