"""Numbers as a report prints them, in the document's language: "29,4 %", "+3,2", "3,45", "1.234" in Danish."""
from __future__ import annotations

from babel.numbers import format_decimal

LOCALES = {"da": "da_DK", "en": "en_GB"}


def _locale(language: str) -> str:
    return LOCALES.get(language, "da_DK")


def count(value: int, language: str = "da") -> str:
    return format_decimal(int(value), "#,##0", locale=_locale(language))


def share(value: float, language: str = "da") -> str:
    """A share (a fraction) in percent with one decimal: 0.294 -> "29,4 %"."""
    return format_decimal(value * 100, "#,##0.0", locale=_locale(language)) + " %"


def points(value: float, language: str = "da", decimals: int = 1) -> str:
    """A change in percentage points (or in mean points) with its sign: "+3,2", "−1,0"; zero has none."""
    rounded = round(value, decimals)
    text = format_decimal(abs(rounded), "#,##0." + "0" * decimals, locale=_locale(language))
    return text if rounded == 0 else ("+" if rounded > 0 else "−") + text


def mean(value: float, language: str = "da") -> str:
    return format_decimal(value, "#,##0.00", locale=_locale(language))
