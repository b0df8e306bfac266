"""`yes_no`: the `yes_no` scale unless the question names another one."""
from __future__ import annotations

from forms.types import register
from forms.types.base import CodedType


@register
class YesNo(CodedType):
    name = "yes_no"
    xlsform = ("select_one", "")
    position = 40
    keys = ("scale",)
    default_scale = "yes_no"
