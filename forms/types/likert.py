"""`likert`: one answer on a named scale from scales.yaml (ordinal: mean and top-2-box in the tables)."""
from __future__ import annotations

from typing import ClassVar

from forms.types import register
from forms.types.base import CodedType


@register
class Likert(CodedType):
    name = "likert"
    xlsform = ("select_one", "likert")
    position = 10
    keys = ("scale",)
    needs_scale_key = True
    css_class: ClassVar[str] = "likert"
