"""`number`: a whole number within optional `min`/`max`, with an optional `unit`; tables give N and mean."""
from __future__ import annotations

import random
from typing import Any

from wtforms import Field, IntegerField

from forms.definition import Question, Scale, Text
from forms.messages import answer_message
from forms.types import register
from forms.types.base import Answer, Parts, QuestionType, Tabulation
from forms.validators import WholeNumberRange
from forms.yaml_source import LineDict
from forms.yaml_values import Source

# Whole-number answers are stored in a 32-bit integer column: a question without bounds still has these.
STORABLE_MIN, STORABLE_MAX = -(2**31), 2**31 - 1


@register
class Number(QuestionType):
    name = "number"
    xlsform = ("integer", "")
    position = 50
    keys = ("min", "max", "unit")
    tabulation = Tabulation.NUMERIC
    column = "number"
    data_kind = "int"
    input_attrs = {"inputmode": "numeric"}

    def parse(self, src: Source, m: LineDict, qid: str, text: Text | None,
              scales: dict[str, Scale]) -> Parts:
        minimum, maximum, unit = src.integer(m, "min"), src.integer(m, "max"), src.text(m, "unit")
        if minimum is not None and maximum is not None and minimum > maximum:
            src.error("min_above_max", m.key_line("min"), "min", min=minimum, max=maximum)
        return Parts(min=minimum, max=maximum, unit=unit)

    def field(self, question: Question, lang: str, kw: dict[str, Any]) -> Field:
        minimum = STORABLE_MIN if question.min is None else question.min
        maximum = STORABLE_MAX if question.max is None else question.max
        message = self.invalid_message(question, lang)
        kw["validators"].append(WholeNumberRange(minimum, maximum, message))
        if question.unit is not None or question.min is not None or question.max is not None:
            # the field says its rule (unit and bounds) before anyone breaks it: the message itself
            kw["description"] = " ".join(part for part in (kw.get("description"), message) if part)
        return IntegerField(**kw)

    def invalid_message(self, question: Question, lang: str) -> str:
        """Names the unit and the bounds: "Angiv et helt antal måneder mellem 1 og 60"."""
        unit = question.unit.get(lang) if question.unit is not None else None
        key, params = "number", {}
        if question.min is not None and question.max is not None:
            key, params = "number_between", {"min": question.min, "max": question.max}
        elif question.min is not None:
            key, params = "number_min", {"min": question.min}
        elif question.max is not None:
            key, params = "number_max", {"max": question.max}
        if unit:
            key = "number_unit" + key[len("number"):]
            params["unit"] = unit
        return answer_message(key, lang, **params)

    def cells(self, value: Answer) -> list[dict[str, Any]]:
        return [{"number": int(value)}]  # type: ignore[arg-type]

    def readable(self, question: Question, value: Answer, lang: str = "da") -> int | None:
        if value is None or value != value:  # NaN from a data frame
            return None
        return int(value)  # type: ignore[arg-type]

    def has_mean(self, question: Question) -> bool:
        return True

    def sample(self, question: Question, rng: random.Random, lean: float) -> Answer:
        return rng.randint(question.min or 0, question.max or 24)
