"""Could a wave-to-wave change be chance? Tests of shares and ordinal distributions, Wilson intervals (scipy).

Shares (an option's share, the top-2-box share): a two-proportion test, which is the chi-square test of the
2x2 table without continuity correction, or Fisher's exact test when an expected cell count is under 5.
An ordinal question's distribution of valid codes: the Mann-Whitney U test (two-sided, normal
approximation with the tie correction, since Likert answers are mostly ties). See docs/exports.md.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

ALPHA = 0.05
SIGNIFICANT = "signifikant (p < 0,05)"
MAYBE_CHANCE = "kan skyldes tilfældigheder"
FISHER_BELOW = 5  # smallest expected count for the two-proportion test


@dataclass(frozen=True)
class TestResult:
    """The p-value of a change and the test that gave it ("two-proportion", "fisher", "mann-whitney")."""

    p: float
    test: str

    @property
    def significant(self) -> bool:
        return self.p < ALPHA

    @property
    def marker(self) -> str:
        """The plain Danish verdict; app and templates translate it."""
        return SIGNIFICANT if self.significant else MAYBE_CHANCE


@dataclass(frozen=True)
class Interval:
    """A 95 % confidence interval of a share, as fractions."""

    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.low * 100:.1f}–{self.high * 100:.1f} %".replace(".", ",")


def two_proportions(x1: int, n1: int, x2: int, n2: int) -> TestResult | None:
    """Is x2/n2 different from x1/n1? None when either sample is empty or the table has no variation."""
    if n1 <= 0 or n2 <= 0:
        return None
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    if table.sum(axis=0).min() == 0:
        return None  # everyone (or no one) in both waves: nothing to test
    expected = stats.contingency.expected_freq(table)
    if expected.min() < FISHER_BELOW:
        return TestResult(float(stats.fisher_exact(table).pvalue), "fisher")
    # Pearson's statistic of the 2x2 table is the square of the two-proportion z; its p-value from the
    # chi-square distribution with one degree of freedom (what chi2_contingency(correction=False) gives,
    # without its per-call overhead: a results page makes hundreds of these tests).
    statistic = float(((table - expected) ** 2 / expected).sum())
    return TestResult(float(special.chdtrc(1, statistic)), "two-proportion")


def rank_test(before: Mapping[int, int], after: Mapping[int, int]) -> TestResult | None:
    """Mann-Whitney U on two distributions of ordinal codes given as {code: count}."""
    a = np.repeat(np.array(list(before), dtype=float), np.array(list(before.values()), dtype=int))
    b = np.repeat(np.array(list(after), dtype=float), np.array(list(after.values()), dtype=int))
    if len(a) == 0 or len(b) == 0 or len(set(a) | set(b)) < 2:
        return None
    result = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic", use_continuity=True)
    return TestResult(float(result.pvalue), "mann-whitney")


def wilson(x: int, n: int) -> Interval | None:
    """The Wilson score 95 % interval of x/n (scipy's binomtest)."""
    if n <= 0:
        return None
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    return Interval(float(ci.low), float(ci.high))
