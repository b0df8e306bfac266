"""Change between consecutive rounds in percentage points, and whether it is larger than chance.

Kept apart so that the survey tables' significance test can replace `significant` in one place.
"""
from __future__ import annotations

import math

# Two-sided 5 % level of the normal distribution.
Z_CRITICAL = 1.959963984540054
MARKER = "*"


def pp_change(count_a: int, n_a: int, count_b: int, n_b: int) -> float | None:
    """The change in percentage points from share a to share b (None when either has no answers)."""
    if not n_a or not n_b:
        return None
    return (count_b / n_b - count_a / n_a) * 100.0


def significant(count_a: int, n_a: int, count_b: int, n_b: int) -> bool:
    """Two-proportion z-test with a pooled share, two-sided at 5 %; False when it cannot be computed."""
    if not n_a or not n_b:
        return False
    pooled = (count_a + count_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance <= 0:
        return False
    z = (count_b / n_b - count_a / n_a) / math.sqrt(variance)
    return abs(z) >= Z_CRITICAL


def marker(count_a: int, n_a: int, count_b: int, n_b: int) -> str:
    """The marker a table shows beside a significant change ("" otherwise)."""
    return MARKER if significant(count_a, n_a, count_b, n_b) else ""
