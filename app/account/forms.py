"""Forms of the own-account pages and the second login step."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from app.forms_base import Form
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.passwords import MIN_PASSWORD_LENGTH


class ChangePasswordForm(Form):
    current = PasswordField(_l("Nuværende adgangskode"), validators=[
        DataRequired(_l("Skriv din nuværende adgangskode.")), Length(max=200)])
    password = PasswordField(_l("Ny adgangskode"), validators=[
        DataRequired(_l("Skriv en ny adgangskode.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("Adgangskoden skal have mindst %(n)s tegn.", n=MIN_PASSWORD_LENGTH)),
    ])
    confirm = PasswordField(_l("Gentag den nye adgangskode"), validators=[
        DataRequired(_l("Gentag adgangskoden.")), EqualTo("password", _l("De to adgangskoder er ikke ens.")),
    ])


class CodeForm(Form):
    code = StringField(_l("Kode"), description=_l("De seks cifre fra din godkendelsesapp, eller en af dine gendannelseskoder."),
                       validators=[DataRequired(_l("Skriv koden.")), Length(max=40)])


class EnrolForm(Form):
    code = StringField(_l("Kode fra appen"), description=_l("De seks cifre, appen viser nu."),
                       validators=[DataRequired(_l("Skriv koden.")), Length(max=20)])


class PasswordCheckForm(Form):
    password = PasswordField(_l("Din adgangskode"), validators=[
        DataRequired(_l("Skriv din adgangskode.")), Length(max=200)])


class ConfirmForm(Form):
    """A button that changes state: only the CSRF token."""
