"""The results page's number formatting writes exactly what Babel's pattern formatting writes."""
from __future__ import annotations

import random

import pytest
from babel import Locale
from babel.numbers import parse_pattern
from flask import Flask
from flask_babel import Babel, force_locale

from app.results.presentation import format_decimal

PATTERNS = ["#,##0", "#,##0.0", "#,##0.00", "#,##0.0 %", "+#,##0.0;-#,##0.0", "+#,##0.00;-#,##0.00"]
VALUES = [0, 0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 4.135, 4.125, -0.04, 0.0004999, 0.29449, 0.2945, 1.0, 12345,
          1234567.891, -98765.4321, 1 / 3, 2 / 3, -1 / 7, 99.995, 0.99995]


@pytest.mark.parametrize("locale", ["da", "en"])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_fast_formatting_equals_babels_pattern(locale, pattern):
    rng = random.Random(pattern + locale)
    values = VALUES + [rng.uniform(-1e5, 1e5) for _ in range(200)] + [rng.random() for _ in range(200)]
    expected = [parse_pattern(pattern).apply(v, Locale.parse(locale)) for v in values]
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context(), force_locale(locale):
        assert [format_decimal(v, pattern) for v in values] == expected
