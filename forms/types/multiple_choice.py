"""`multiple_choice`: any number of options; stored as one row per chosen code, one data column per option."""
from __future__ import annotations

import random
from typing import Any

from wtforms import Field, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from forms.definition import Question
from forms.types import register
from forms.types.base import Answer, CodedType


@register
class MultipleChoice(CodedType):
    name = "multiple_choice"
    xlsform = ("select_multiple", "")
    position = 30
    multiple = True

    def field(self, question: Question, lang: str, kw: dict[str, Any]) -> Field:
        return SelectMultipleField(choices=self.choices(question, lang), coerce=int,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(), **kw)

    def clean(self, question: Question, value: Any) -> Answer:
        chosen = set(value or ())
        return [c for c in question.scale.codes if c in chosen] if chosen else None

    def form_value(self, question: Question, value: Any) -> Any:
        return list(value)

    def cells(self, value: Answer) -> list[dict[str, Any]]:
        return [{"option_code": int(code)} for code in value]  # type: ignore[union-attr]

    def read(self, values: list[Any]) -> Answer:
        return list(values)

    def has_mean(self, question: Question) -> bool:
        return False

    def has_top2(self, question: Question) -> bool:
        return False

    def variables(self, question: Question) -> list[tuple[str, int | None]]:
        return [(f"{question.id}_{o.code}", o.code) for o in question.options]

    def codebook(self, question: Question, code: int | None) -> list[tuple[int | None, str, str]]:
        return [(1, f"valgt: {question.scale.label(code)}", ""), (0, "ikke valgt", "")]

    def sample(self, question: Question, rng: random.Random, lean: float) -> Answer:
        real = [o for o in question.options if not o.missing]
        return sorted({rng.choice(real).code for _ in range(rng.randint(1, 2))})
