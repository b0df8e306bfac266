"""Could a wave-to-wave change be chance? Tests of shares and ordinal distributions, Wilson intervals (scipy).

Shares (an option's share, the top-2-box share): a two-proportion test, which is the chi-square test of the
2x2 table without continuity correction, or Fisher's exact test when an expected cell count is under 5.
An ordinal question's distribution of valid codes: the Mann-Whitney U test (two-sided, normal
approximation with the tie correction, since Likert answers are mostly ties), computed from the counts per
code, so that its cost does not grow with the number of answers. A number question's mean: Welch's t-test
from each wave's mean, standard deviation and count. See docs/exports.md.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


# numpy and scipy.special are imported where a test runs, and scipy.stats not at all: importing it takes
# most of a second and 50 MB, which every export and results page would pay for three formulas (Fisher's
# exact test, Welch's t-test and the chi-square tail) written out below with scipy.special's functions.
ALPHA = 0.05
SIGNIFICANT = "signifikant (p < 0,05)"
MAYBE_CHANCE = "kan skyldes tilfældigheder"
FISHER_BELOW = 5  # smallest expected count for the two-proportion test


@dataclass(frozen=True)
class TestResult:
    """The p-value of a change and the test that gave it ("two-proportion", "fisher", "mann-whitney", "welch")."""

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
    yes, total = x1 + x2, n1 + n2
    if yes == 0 or yes == total:
        return None  # everyone (or no one) in both waves: nothing to test
    table = ((x1, n1 - x1), (x2, n2 - x2))
    # The expected counts of the 2x2 table under no change (what stats.contingency.expected_freq gives).
    expected = tuple((n * yes / total, n * (total - yes) / total) for n in (n1, n2))
    from scipy import special

    if min(min(row) for row in expected) < FISHER_BELOW:
        return TestResult(fisher_exact(table), "fisher")
    # Pearson's statistic of the 2x2 table is the square of the two-proportion z; its p-value from the
    # chi-square distribution with one degree of freedom (what chi2_contingency(correction=False) gives,
    # without its per-call overhead: a results page makes hundreds of these tests).
    statistic = sum((o - e) ** 2 / e for observed, exp in zip(table, expected) for o, e in zip(observed, exp))
    return TestResult(float(special.chdtrc(1, statistic)), "two-proportion")


def rank_test(before: Mapping[int, int], after: Mapping[int, int]) -> TestResult | None:
    """Mann-Whitney U on two distributions of ordinal codes given as {code: count}.

    The same statistic and p-value as `scipy.stats.mannwhitneyu(..., method="asymptotic",
    use_continuity=True)` on the expanded answers (the tests compare them), computed from the counts: tied
    answers share their midrank, so a code's rank is fixed by the counts below it, and the tie term of the
    variance is the sum of t^3 - t over the codes.
    """
    import numpy as np
    from scipy import special

    codes = sorted(c for c in set(before) | set(after) if before.get(c, 0) + after.get(c, 0) > 0)
    x = np.array([before.get(c, 0) for c in codes], dtype=float)
    y = np.array([after.get(c, 0) for c in codes], dtype=float)
    n1, n2 = x.sum(), y.sum()
    if n1 == 0 or n2 == 0 or len(codes) < 2:
        return None
    ties = x + y
    n = n1 + n2
    midranks = np.cumsum(ties) - (ties - 1) / 2
    u1 = float((x * midranks).sum() - n1 * (n1 + 1) / 2)
    u = max(u1, n1 * n2 - u1)  # two-sided: the larger of U1 and U2, as scipy
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - float((ties ** 3 - ties).sum()) / (n * (n - 1))))
    z = (u - n1 * n2 / 2 - 0.5) / sigma
    return TestResult(float(min(1.0, 2 * special.ndtr(-z))), "mann-whitney")


def mean_test(mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int) -> TestResult | None:
    """Welch's t-test of two means from their summaries (scipy's ttest_ind_from_stats, unequal variances).

    None when either wave has fewer than two numbers or neither varies (nothing to test)."""
    if n1 < 2 or n2 < 2 or (sd1 == 0 and sd2 == 0):
        return None
    from scipy import special

    # As scipy.stats.ttest_ind_from_stats(..., equal_var=False): Welch-Satterthwaite degrees of freedom.
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    t = (mean1 - mean2) / math.sqrt(v1 + v2)
    return TestResult(float(2 * special.stdtr(df, -abs(t))), "welch")


def fisher_exact(table: tuple[tuple[int, int], tuple[int, int]]) -> float:
    """The two-sided p-value of Fisher's exact test of a 2x2 table, as scipy.stats.fisher_exact gives it:
    the probability, under the hypergeometric distribution of the first cell given the margins, of every
    table at most as likely as the observed one (with scipy's relative tolerance of 1e-14)."""
    (a, b), (c, d) = table
    n1, n2, n = a + b, c + d, a + c  # the rows' totals and the first column's
    if n1 == 0 or n2 == 0 or n == 0 or n == n1 + n2:
        return 1.0
    whole = _log_choose(n1 + n2, n)

    def pmf(x: int) -> float:
        return math.exp(_log_choose(n1, x) + _log_choose(n2, n - x) - whole)

    observed = pmf(a)
    mode = int((n + 1) * (n1 + 1) / (n1 + n2 + 2))
    likeliest = pmf(mode)
    if abs(observed - likeliest) / max(observed, likeliest) <= 1e-14:
        return 1.0
    bound = observed * (1 + 1e-14)
    total = math.fsum(p for p in map(pmf, range(max(0, n - n2), min(n, n1) + 1)) if p <= bound)
    return min(total, 1.0)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


Z_95 = 1.959963984540054  # the two-sided 95 % point of the normal distribution, scipy.special.ndtri(0.975)


def wilson(x: int, n: int) -> Interval | None:
    """The Wilson score 95 % interval of x/n.

    The score interval's closed form, which is what scipy's `binomtest(x, n).proportion_ci(method="wilson")`
    returns (a test compares them); binomtest itself also computes an exact p-value by summing the binomial
    distribution, whose cost grows with n, and a workbook asks for thousands of intervals."""
    if n <= 0:
        return None
    share, z2 = x / n, Z_95 * Z_95
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Interval(max(0.0, centre - half), min(1.0, centre + half))
