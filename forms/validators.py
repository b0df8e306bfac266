"""WTForms validators for answers: CPR refusal, bounds and length with catalogue messages."""
from __future__ import annotations

from typing import Any

from wtforms.validators import ValidationError

from forms.cpr import contains_cpr
from forms.messages import answer_message


class NoCPR:
    """Refuse free text that seems to contain a CPR number."""

    def __init__(self, message: str | None = None):
        self.message = message or answer_message("cpr", "da")

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and contains_cpr(field.data):
            raise ValidationError(self.message)


class WholeNumberRange:
    """Refuse numbers outside [minimum, maximum] (either bound may be absent)."""

    def __init__(self, minimum: int | None, maximum: int | None, message: str):
        self.minimum, self.maximum, self.message = minimum, maximum, message

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data
        if value is None:
            return
        if (self.minimum is not None and value < self.minimum) or \
                (self.maximum is not None and value > self.maximum):
            raise ValidationError(self.message)


class MaxLength:
    """Refuse text longer than `maximum` characters."""

    def __init__(self, maximum: int, message: str):
        self.maximum, self.message = maximum, message

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and len(field.data) > self.maximum:
            raise ValidationError(self.message)
