"""`single_choice`: one answer from a named scale or the question's own `options`."""
from __future__ import annotations

from forms.types import register
from forms.types.base import CodedType


@register
class SingleChoice(CodedType):
    name = "single_choice"
    xlsform = ("select_one", "")
    position = 20
