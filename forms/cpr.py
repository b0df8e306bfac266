"""Finding Danish CPR numbers (DDMMYY-SSSS) in free text, so they can be refused."""
from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

# Searched in normalised text (see `normalise`): six digits, optionally split into day, month and
# year by one space or dot, then an optional dash, slash, dot or space, then four digits; not part of
# a longer run of digits (also not one joined by a separator, as in "2019-1234-5678" case numbers).
_CANDIDATE = re.compile(
    r"(?<![0-9])(?<![0-9][-./ ])"
    r"([0-9]{2})([ .]?)([0-9]{2})\2([0-9]{2})[-/. ]?([0-9])[0-9]{3}"
    r"(?![0-9])(?![-./][0-9])"
)


def normalise(text: str) -> str:
    """`text` with every decimal digit as ASCII, every dash as "-" and every space as " ".

    One character in, one character out, so a match's position is the same in the original text:
    full-width and other scripts' digits, en and em dashes, non-breaking hyphens, minus signs and
    no-break spaces are what word processors and phones put into a typed number.
    """
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        elif (digit := unicodedata.decimal(ch, None)) is not None:
            out.append(str(digit))
        elif unicodedata.category(ch) == "Pd" or ch in "\u2212\ufe63\uff0d":
            out.append("-")
        elif ch.isspace():
            out.append(" ")
        elif ch in "\uff0f\u2215\u2044":
            out.append("/")
        elif ch in "\uff0e":
            out.append(".")
        else:
            out.append(ch)
    return "".join(out)


def century(yy: int, seventh_digit: int) -> int:
    """The birth century from the two-digit year and the 7th digit (CPR office's table)."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def birth_date(cpr: str) -> date | None:
    """The birth date a CPR number encodes, or None when it encodes no real date."""
    digits = re.sub(r"[^0-9]", "", normalise(cpr))
    if len(digits) != 10:
        return None
    dd, mm, yy, seventh = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    try:
        return date(century(yy, seventh) + yy, mm, dd)
    except ValueError:
        return None


def _is_day_of_year(dd: int, mm: int, yy: int) -> bool:
    """Day and month form a date; 29 February counts whenever some century makes yy a leap year."""
    if not 1 <= mm <= 12 or dd < 1:
        return False
    leap = yy % 4 == 0  # 00 is a leap year in 2000; other multiples of 4 in every century
    days = calendar.monthrange(2000 if leap else 2001, mm)[1]
    return dd <= days


def find_cpr(text: str) -> list[str]:
    """Every substring of `text` that looks like a CPR number, as written.

    Modulus 11 is deliberately not checked: numbers issued since 2007 may fail it.
    """
    if not text:
        return []
    return [text[m.start():m.end()] for m in _CANDIDATE.finditer(normalise(text))
            if _is_day_of_year(int(m.group(1)), int(m.group(3)), int(m.group(4)))]


def contains_cpr(text: str) -> bool:
    """True when `text` seems to hold a CPR number."""
    return bool(find_cpr(text))
