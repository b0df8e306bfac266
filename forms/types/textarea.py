"""`textarea`: several lines of free text (`max_length`, default 5000)."""
from __future__ import annotations

from wtforms import TextAreaField

from forms.types import register
from forms.types.text import FreeText


@register
class TextArea(FreeText):
    name = "textarea"
    xlsform = ("text", "multiline")
    position = 70
    default_max_length = 5000
    field_class = TextAreaField
