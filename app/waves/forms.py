"""Coordinator forms: planning a wave and importing respondents."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from app.forms_base import Form
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateTimeLocalField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


def parse_reminder_days(text: str) -> list[int]:
    """"7, 14" -> [7, 14]; raises ValueError on anything but whole days from 1 to 365."""
    days = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        value = int(part)
        if not 1 <= value <= 365:
            raise ValueError(part)
        days.append(value)
    return sorted(set(days))


def english_label_field(description) -> StringField:
    """A wave's optional English name; blank becomes None."""
    return StringField(_l("Navn på engelsk"), description=description, validators=[Optional(), Length(max=120)],
                       filters=[lambda value: (value or "").strip() or None])


class WaveForm(Form):
    version_id = SelectField(_l("Spørgeskema"), coerce=int, validators=[DataRequired(_l("Vælg et spørgeskema."))])
    label = StringField(_l("Rundens navn"), description=_l("F.eks. \"Januar 2019\"."),
                        validators=[DataRequired(_l("Skriv et navn.")), Length(max=120)])
    label_en = english_label_field(_l("Valgfrit. Vises på de engelske sider og i engelske bilag, f.eks. "
                                      "\"January 2019\"."))
    opens_local = DateTimeLocalField(_l("Åbner (dansk tid)"), format="%Y-%m-%dT%H:%M",
                                     validators=[DataRequired(_l("Angiv dato og klokkeslæt."))])
    closes_local = DateTimeLocalField(_l("Lukker (dansk tid)"), format="%Y-%m-%dT%H:%M",
                                      validators=[DataRequired(_l("Angiv dato og klokkeslæt."))])
    municipality_ids = SelectMultipleField(_l("Kommuner"), coerce=int, widget=ListWidget(prefix_label=False),
                                           option_widget=CheckboxInput())
    reminder_days = StringField(_l("Påmindelser, dage efter åbning"),
                                description=_l("Adskil med komma, f.eks. 7, 14. Tom: ingen påmindelser."))

    def validate_reminder_days(self, field) -> None:
        try:
            parse_reminder_days(field.data or "")
        except ValueError as exc:
            raise ValidationError(_l("Skriv hele dage mellem 1 og 365, adskilt med komma.")) from exc

    def validate_opens_local(self, field) -> None:
        _within_supported_years(field)

    def validate_closes_local(self, field) -> None:
        _within_supported_years(field)
        if self.opens_local.data and field.data and field.data <= self.opens_local.data:
            raise ValidationError(_l("Lukketidspunktet skal ligge efter åbningstidspunktet."))


FIRST_YEAR, LAST_YEAR = 2000, 2100


def _within_supported_years(field) -> None:
    """Time-zone arithmetic and reminder dates need years well inside the calendar's range."""
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Vælg et år mellem 2000 og 2100."))


class ImportForm(Form):
    file = FileField(_l("Fil med respondenter (CSV eller Excel)"),
                     description=_l("Kolonner: navn, e-mail, kommune; valgfrit rolle og team."),
                     validators=[FileRequired(_l("Vælg en fil.")),
                                 FileAllowed(["csv", "xlsx"], _l("Kun .csv eller .xlsx."))])


class EnglishLabelForm(Form):
    """The English label alone: it changes what English pages show, never what respondents answered."""

    label_en = english_label_field(_l("Vises på de engelske sider og i engelske bilag, f.eks. \"January 2019\". "
                                      "Tomt: det danske navn."))
