"""Significance figures against published reference values, and the choice of test."""
from __future__ import annotations

import math

import pytest

from exports.significance import MAYBE_CHANCE, SIGNIFICANT, rank_test, two_proportions, wilson


def test_fisher_exact_on_the_tea_tasting_table_gives_fishers_own_p():
    # Fisher (1935), the lady tasting tea: 3 of 4 right against 1 of 4; two-sided p = 0.4857 (R fisher.test).
    result = two_proportions(3, 4, 1, 4)
    assert result.test == "fisher"
    assert result.p == pytest.approx(0.4857, abs=5e-5)


def test_two_proportion_test_equals_r_prop_test_without_correction():
    # prop.test(c(15, 25), c(50, 50), correct = FALSE): X-squared = 4.1667, p-value = 0.04123.
    result = two_proportions(15, 50, 25, 50)
    assert result.test == "two-proportion"
    assert result.p == pytest.approx(0.04123, abs=5e-6)
    assert result.marker == SIGNIFICANT


@pytest.mark.parametrize("x,n,low,high", [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605),
                                          (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)])
def test_wilson_intervals_equal_newcombes_table(x, n, low, high):
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score, no continuity correction).
    interval = wilson(x, n)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_mann_whitney_equals_the_published_normal_approximation():
    # SciPy's reference example (males vs females): U = 17, asymptotic two-sided p = 0.11134688653314041.
    result = rank_test({19: 1, 22: 1, 16: 1, 29: 1, 24: 1}, {20: 1, 11: 1, 17: 1, 12: 1})
    assert result.test == "mann-whitney"
    assert result.p == pytest.approx(0.11134688653314041, rel=1e-9)


def test_mann_whitney_on_likert_ties_uses_the_tie_corrected_variance():
    before, after = {1: 2, 2: 3, 3: 1, 4: 1}, {2: 1, 3: 3, 4: 2, 5: 1}
    # An independent computation: midranks, U, the tie-corrected variance, continuity correction.
    values = [c for c, k in before.items() for _ in range(k)] + [c for c, k in after.items() for _ in range(k)]
    ordered = sorted(values)
    rank = {v: (ordered.index(v) + 1 + len(ordered) - ordered[::-1].index(v)) / 2 for v in set(values)}
    n1, n2, n = 7, 7, 14
    u = sum(rank[c] * k for c, k in before.items()) - n1 * (n1 + 1) / 2
    ties = sum(t ** 3 - t for t in (values.count(v) for v in set(values)))
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = (abs(u - n1 * n2 / 2) - 0.5) / sigma
    expected = math.erfc(z / math.sqrt(2))
    assert rank_test(before, after).p == pytest.approx(expected, rel=1e-9)


def test_seven_advisers_moving_from_two_to_three_is_called_chance():
    # The case from the issue: +14 percentage points with 7 advisers in each wave.
    result = two_proportions(2, 7, 3, 7)
    assert result.test == "fisher" and result.p == pytest.approx(1.0)
    assert result.marker == MAYBE_CHANCE


def test_nothing_is_tested_without_answers_or_without_variation():
    assert two_proportions(0, 0, 3, 7) is None
    assert two_proportions(7, 7, 9, 9) is None
    assert rank_test({}, {3: 4}) is None
    assert rank_test({4: 3}, {4: 5}) is None
    assert wilson(0, 0) is None


@pytest.mark.parametrize("x1,n1,x2,n2", [(15, 50, 25, 50), (120, 400, 151, 410), (30, 31, 20, 45)])
def test_the_two_proportion_p_is_scipys_chi_square_without_correction(x1, n1, x2, n2):
    from scipy import stats

    reference = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False).pvalue
    assert two_proportions(x1, n1, x2, n2).p == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_mann_whitney_from_counts_equals_scipy_on_the_expanded_answers(seed):
    import numpy as np
    from scipy import stats

    rng = np.random.default_rng(seed)
    codes = list(range(1, int(rng.integers(2, 8)) + 1))
    before = {c: int(k) for c, k in zip(codes, rng.integers(0, 40, len(codes))) if k}
    after = {c: int(k) for c, k in zip(codes, rng.integers(0, 40, len(codes))) if k}
    a = [c for c, k in before.items() for _ in range(k)]
    b = [c for c, k in after.items() for _ in range(k)]
    reference = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic", use_continuity=True)
    assert rank_test(before, after).p == pytest.approx(reference.pvalue, rel=1e-9)


def test_welch_equals_the_published_sleep_data_result():
    # R's t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939.
    from statistics import mean, stdev

    from exports.significance import mean_test

    one = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    two = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    result = mean_test(mean(one), stdev(one), 10, mean(two), stdev(two), 10)
    assert result.test == "welch"
    assert result.p == pytest.approx(0.07939, abs=5e-6)
    assert mean_test(4.0, 0.0, 9, 4.0, 0.0, 12) is None
    assert mean_test(4.0, 1.0, 1, 5.0, 1.0, 12) is None


@pytest.mark.parametrize("x,n", [(0, 1), (1, 1), (0, 10), (10, 10), (3, 7), (81, 263), (15, 148), (999, 5000)])
def test_wilson_equals_scipys_binomtest_interval(x, n):
    from scipy import stats

    reference = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    interval = wilson(x, n)
    assert (interval.low, interval.high) == (pytest.approx(reference.low, abs=1e-12),
                                             pytest.approx(reference.high, abs=1e-12))


@pytest.mark.parametrize("seed", range(8))
def test_fisher_and_welch_written_out_equal_scipy_stats(seed):
    """The exports test without importing scipy.stats (most of a second at start-up); scipy's own tests
    are the reference."""
    import random

    from scipy import stats

    from exports.significance import fisher_exact, mean_test

    rng = random.Random(seed)
    for _ in range(200):
        n1, n2 = rng.randint(1, 40), rng.randint(1, 400)
        x1, x2 = rng.randint(0, n1), rng.randint(0, n2)
        table = ((x1, n1 - x1), (x2, n2 - x2))
        assert fisher_exact(table) == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-10, abs=1e-300)
        m1, m2, s1, s2 = rng.uniform(0, 9), rng.uniform(0, 9), rng.uniform(0.1, 4), rng.uniform(0.1, 4)
        reference = stats.ttest_ind_from_stats(m1, s1, n1 + 1, m2, s2, n2 + 1, equal_var=False).pvalue
        assert mean_test(m1, s1, n1 + 1, m2, s2, n2 + 1).p == pytest.approx(reference, rel=1e-10)
