"""`text`: one line of free text (`max_length`, default 200); listed in exports, never counted."""
from __future__ import annotations

from typing import Any, ClassVar

from wtforms import Field, StringField

from forms.definition import Question, Scale, Text
from forms.messages import answer_message
from forms.types import register
from forms.types.base import Answer, Parts, QuestionType
from forms.validators import MaxLength
from forms.yaml_source import LineDict
from forms.yaml_values import Source


@register
class FreeText(QuestionType):
    name = "text"
    xlsform = ("text", "")
    position = 60
    keys = ("max_length",)
    free_text = True
    default_max_length: ClassVar[int] = 200
    field_class: ClassVar[type[Field]] = StringField

    def parse(self, src: Source, m: LineDict, qid: str, text: Text | None,
              scales: dict[str, Scale]) -> Parts:
        return Parts(max_length=src.integer(m, "max_length", self.default_max_length))

    def field(self, question: Question, lang: str, kw: dict[str, Any]) -> Field:
        if question.max_length is not None:
            kw["validators"].append(MaxLength(question.max_length,
                                              answer_message("too_long", lang, max=question.max_length)))
        return self.field_class(**kw)

    def cells(self, value: Answer) -> list[dict[str, Any]]:
        return [{"text": str(value)}]
