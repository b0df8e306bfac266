"""Change between consecutive rounds in percentage points, and whether it is larger than chance.

The test is the survey tables' own (`exports/significance.two_proportions`): the two-proportion test, or
Fisher's exact test when an expected count is under 5, two-sided at 5 %.
"""
from __future__ import annotations

from exports.significance import two_proportions

MARKER = "*"


def pp_change(count_a: int, n_a: int, count_b: int, n_b: int) -> float | None:
    """The change in percentage points from share a to share b (None when either has no answers)."""
    if not n_a or not n_b:
        return None
    return (count_b / n_b - count_a / n_a) * 100.0


def significant(count_a: int, n_a: int, count_b: int, n_b: int) -> bool:
    """Whether the change from a to b is larger than chance; False when there is nothing to test."""
    result = two_proportions(count_a, n_a, count_b, n_b)
    return result is not None and result.significant


def marker(count_a: int, n_a: int, count_b: int, n_b: int) -> str:
    """The marker a table shows beside a significant change ("" otherwise)."""
    return MARKER if significant(count_a, n_a, count_b, n_b) else ""
