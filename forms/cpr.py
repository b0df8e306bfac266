"""Finding Danish CPR numbers (DDMMYY-SSSS) in free text, so they can be refused."""
from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

# Searched in normalised text (see `normalise`). The rule: ten digits, written as day, month and year
# (two digits each), then four; the first six must form a real day and month (`_is_day_of_year`), so
# amounts, phone numbers, account and case numbers that are not date-shaped pass. Between day, month
# and year there is nothing, or the same separator twice; between the date and the last four, nothing or
# one separator. A separator is one space, or one dash, dot, slash or underscore with at most one space
# on each side ("010203 - 1234"). Not part of a longer run of digits (also not one joined by a
# separator, as in "2019-1234-5678" case numbers).
_SEPARATOR = r"(?: ?[-./_] ?| )"
_CANDIDATE = re.compile(
    r"(?<![0-9])(?<![0-9][-./_ ])"
    rf"([0-9]{{2}})({_SEPARATOR}?)([0-9]{{2}})\2([0-9]{{2}}){_SEPARATOR}?([0-9])[0-9]{{3}}"
    r"(?![0-9])(?![-./_][0-9])"
)


def _normalised(text: str) -> tuple[str, list[int]]:
    """`text` normalised, and for each of its characters the position it came from in `text`.

    Every decimal digit becomes ASCII, every dash "-" and every space " ": full-width and other
    scripts' digits, en and em dashes, non-breaking hyphens, minus signs and no-break spaces are what
    word processors and phones put into a typed number. Invisible characters (Unicode's format
    characters: the soft hyphen Word inserts, zero-width spaces and joiners, the word joiner, the
    byte-order mark) are left out, so they cannot hide a number.
    """
    out: list[str] = []
    positions: list[int] = []
    for position, ch in enumerate(text):
        if ch.isascii():
            pass
        elif (digit := unicodedata.decimal(ch, None)) is not None:
            ch = str(digit)
        elif unicodedata.category(ch) == "Cf":
            continue
        elif unicodedata.category(ch) == "Pd" or ch in "\u2212\ufe63\uff0d":
            ch = "-"
        elif ch.isspace():
            ch = " "
        elif ch in "\uff0f\u2215\u2044":
            ch = "/"
        elif ch in "\uff0e":
            ch = "."
        elif ch in "\uff3f":
            ch = "_"
        out.append(ch)
        positions.append(position)
    return "".join(out), positions


def normalise(text: str) -> str:
    """`text` with ASCII digits, dashes and spaces and no invisible characters (see `_normalised`)."""
    return _normalised(text)[0]


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
    normalised, positions = _normalised(text)
    return [text[positions[m.start()]:positions[m.end() - 1] + 1] for m in _CANDIDATE.finditer(normalised)
            if _is_day_of_year(int(m.group(1)), int(m.group(3)), int(m.group(4)))]


def contains_cpr(text: str) -> bool:
    """True when `text` seems to hold a CPR number."""
    return bool(find_cpr(text))
