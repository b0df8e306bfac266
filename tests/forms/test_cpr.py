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
