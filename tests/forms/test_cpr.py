"""Finding CPR numbers in free text."""
from __future__ import annotations

import pytest

from forms import contains_cpr, find_cpr
from forms.cpr import birth_date


@pytest.mark.parametrize("text", [
    "010190-1234", "0101901234", "311299 1234", "CPR: 150510-4013.",
    "290200-4321",  # 29 February 2000
    "Borgeren (120787-2345) ringede",
])
def test_cpr_numbers_are_found(text: str):
    assert contains_cpr(text)


def test_number_failing_modulus_11_is_still_found():
    # 01-01-10 with 7th digit 4 -> 2010; weighted sum is not divisible by 11
    number = "010110-4002"
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    assert sum(int(d) * w for d, w in zip(number.replace("-", ""), weights)) % 11 != 0
    assert find_cpr(f"sag om {number}") == [number]


@pytest.mark.parametrize("text", [
    "98 12 34 56", "+45 98123456", "tlf. 98123456", "2019-1234-5678",
    "3213451234", "0000001234", "311199-1234",  # 31 November does not exist
    "290201-1234",  # 29 February in a year that is never a leap year
    "010190123456", "12345678901", "sag 0101901234-7", "version 1.010190-1234",
])
def test_non_cpr_numbers_are_not_flagged(text: str):
    assert find_cpr(text) == []


@pytest.mark.parametrize("cpr, year", [
    ("010190-1234", 1990), ("010110-4002", 2010), ("010140-4001", 1940),
    ("010150-5001", 2050), ("010160-5001", 1860), ("010136-9001", 2036), ("010137-9001", 1937),
])
def test_birth_century_follows_the_seventh_digit(cpr: str, year: int):
    assert birth_date(cpr).year == year


@pytest.mark.parametrize("text", [
    "010203\u20131234",          # en dash, as word processors insert it
    "010203\u20141234",          # em dash
    "010203\u20111234",          # non-breaking hyphen
    "010203\u22121234",          # minus sign
    "\uff10\uff11\uff10\uff12\uff10\uff13-\uff11\uff12\uff13\uff14",  # full-width digits
    "010203/1234", "010203.1234", "01 02 03 1234", "01.02.03-1234", "01\u00a002\u00a003\u00a01234",
    "010203\u202f1234",          # narrow no-break space
    "\u0660\u0661\u0660\u0662\u0660\u0663\u0661\u0662\u0663\u0664",  # Arabic-Indic digits
])
def test_cpr_numbers_with_other_separators_and_digits_are_found(text: str):
    assert find_cpr(text) == [text]


def test_found_number_is_returned_as_written_inside_longer_text():
    assert find_cpr("Borger 010110\u20134002 ringede") == ["010110\u20134002"]


@pytest.mark.parametrize("text", ["12 34 56 78", "01.02.2003 kl. 12", "010203//1234", "01  02 03 1234"])
def test_separated_non_cpr_numbers_are_not_flagged(text: str):
    assert find_cpr(text) == []


# CPR numbers as they were still stored in the attack run, and as people paste them from elsewhere:
# spaced dashes, dashes or slashes between day, month and year, a soft hyphen from Word, an underscore,
# and the invisible characters (zero-width space, non-joiner, joiner, word joiner, byte-order mark).
ATTACK_VARIANTS = [
    "010203 - 1234", "01-02-03-1234", "010203\u00ad1234", "01/02/03-1234", "010203_1234",
    "0102\u200b031234", "010203\u200c-1234", "01\u200d0203-1234", "010203-12\u206034", "0102\ufeff03 1234",
    "01 - 02 - 03 - 1234", "01.02.03 - 1234", "01_02_03_1234", "0\u00ad10203\u00ad-\u00ad1234",
]
# Numbers people write in answers that are not date-shaped (the first six digits are not a day and a
# month), or not ten digits: amounts, phone numbers, account and case numbers.
HARMLESS_NUMBERS = [
    "tlf. 20-30-40-50", "+45 20 30 40 50", "ring 12-34-56-78 / 1234", "kr. 150.000 - 2500",
    "1.234.567.890 kr.", "sagsnr. 2019_1234_5678", "konto 3213_4567890123", "99-88-77-6655",
    "45.000 - 55.000", "12\u200b34 56 78", "32 13 45 - 1234", "beløb 40_50_60_7080", "01-02-2003 1234",
]


@pytest.mark.parametrize("text", ATTACK_VARIANTS)
def test_the_attack_variants_are_found_as_written(text: str):
    assert find_cpr(f"Borger {text} ringede") == [text]


@pytest.mark.parametrize("text", HARMLESS_NUMBERS)
def test_numbers_that_are_not_date_shaped_are_not_flagged(text: str):
    assert find_cpr(text) == []
