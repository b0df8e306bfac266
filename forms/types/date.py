"""`date`: a calendar date (yyyy-mm-dd); listed in exports beside free text, never counted."""
from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import DateField, Field

from forms.definition import Question
from forms.messages import answer_message
from forms.types import register
from forms.types.base import QuestionType


@register
class Date(QuestionType):
    name = "date"
    xlsform = ("date", "")
    position = 80
    column = "date_value"
    data_kind = "date"

    def field(self, question: Question, lang: str, kw: dict[str, Any]) -> Field:
        return DateField(format="%Y-%m-%d", **kw)

    def invalid_message(self, question: Question, lang: str) -> str:
        return answer_message("invalid_date", lang)

    def form_value(self, question: Question, value: Any) -> Any:
        return date.fromisoformat(value) if isinstance(value, str) else value
