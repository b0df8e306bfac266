"""Formula-safe, typed cells: prefix, never strip; numbers stay numbers; control characters are replaced."""
from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pytest

from exports.cells import EXCEL_MAX_TEXT, excel_value, safe_text

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "\t=1", "{=1+1}", "-2+3", "\r=1"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_text_that_could_run_as_a_formula_is_prefixed_and_keeps_every_character(text):
    cleaned = text.replace("\r", "\r")
    assert safe_text(text) == "'" + cleaned


def test_ordinary_text_is_unchanged():
    assert safe_text("I nogen grad – 5 %") == "I nogen grad – 5 %"


def test_control_characters_are_replaced_not_dropped():
    assert safe_text("a\x00b\x0bc") == "a\ufffdb\ufffdc"
    assert safe_text("line\nbreak") == "line\nbreak"


def test_numbers_dates_and_missing_values_keep_their_type():
    assert excel_value(-5) == -5
    assert excel_value(np.int64(3)) == 3 and isinstance(excel_value(np.int64(3)), int)
    assert excel_value(2.5) == 2.5
    assert excel_value(float("nan")) is None
    assert excel_value(None) is None
    assert excel_value(date(2020, 6, 1)) == date(2020, 6, 1)
    assert excel_value(datetime(2020, 6, 1, 6, tzinfo=timezone.utc)).tzinfo is None
    assert excel_value("-5") == "'-5"  # text that looks like a number is still text


def test_overlong_text_is_cut_to_what_a_cell_holds_and_says_so():
    text = safe_text("x" * (EXCEL_MAX_TEXT + 10))
    assert len(text) == EXCEL_MAX_TEXT
    assert text.endswith("[…]")
