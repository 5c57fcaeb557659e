"""kitlib.stats: t-tests from scipy, intervals from the t quantile without scipy's per-call overhead.

The R fixtures (tests/test_gaps.py, tests/test_trend.py) check the statistics at 1e-6; these tests check
that t, dof, p and the intervals are *bitwise* those of ``scipy.stats.ttest_rel`` / ``ttest_ind`` /
``scipy.stats.t.ppf`` and numpy's mean/SD, so that the cheaper quantile changed no reported digit.
"""

import math

import numpy as np
import pytest
from scipy import stats

from kitlib.stats import mean_interval, paired_test, t_interval, welch_test


def samples(seed: int, count: int = 300):
    """Likert answers, dimension means and continuous values of many sizes, some with missing values."""
    rng = np.random.default_rng(seed)
    for case in range(count):
        n = int(rng.integers(2, 200))
        kind = case % 3
        if kind == 0:
            x, y = rng.integers(1, 8, n).astype(float), rng.integers(1, 8, n).astype(float)
        elif kind == 1:
            x, y = rng.integers(1, 8, (n, 4)).mean(axis=1), rng.integers(1, 8, (n, 3)).mean(axis=1)
        else:
            x, y = rng.normal(3, 2, n) * 10 ** rng.uniform(-3, 3), rng.normal(size=n)
        if case % 4 == 0:
            x[rng.random(n) < 0.2] = np.nan
        yield x, y


def same(ours: float, reference: float) -> bool:
    return (math.isnan(ours) and math.isnan(reference)) or ours == reference


@pytest.mark.parametrize("seed", [0, 1])
def test_paired_test_equals_scipy_ttest_rel_bitwise(seed):
    for x, y in samples(seed):
        keep = ~(np.isnan(x) | np.isnan(y))
        diff = x[keep] - y[keep]
        result = paired_test(x, y, 0.9)
        if result.n < 2 or diff.std(ddof=1) == 0:
            continue
        reference = stats.ttest_rel(x[keep], y[keep])
        assert same(result.t, float(reference.statistic)) and same(result.p, float(reference.pvalue))
        assert result.dof == float(reference.df)
        assert result.diff == float(diff.mean()) and result.sd_diff == float(diff.std(ddof=1))
        half_width = float(stats.t.ppf(0.95, result.n - 1)) * result.se
        assert (result.ci_low, result.ci_high) == (result.diff - half_width, result.diff + half_width)


@pytest.mark.parametrize("seed", [2, 3])
def test_welch_test_equals_scipy_ttest_ind_bitwise(seed):
    for x, y in samples(seed):
        y = y[: max(2, len(y) // 2)]
        a = x[~np.isnan(x)]
        result = welch_test(x, y)
        if len(a) < 2 or result.se == 0:
            continue
        reference = stats.ttest_ind(a, y, equal_var=False)
        assert same(result.t, float(reference.statistic)) and same(result.p, float(reference.pvalue))
        assert result.dof == float(reference.df)
        assert result.se == float(np.sqrt(a.var(ddof=1) / len(a) + y.var(ddof=1) / len(y)))


def test_mean_interval_uses_numpy_mean_and_sd():
    for x, _ in samples(4, 100):
        a = x[~np.isnan(x)]
        result = mean_interval(x)
        assert result.mean == float(a.mean()) and result.se == float(a.std(ddof=1) / np.sqrt(len(a)))


def test_t_interval_uses_the_t_quantile():
    for dof in (1, 2.5, 9, 40.3, 1e6, math.inf):
        half_width = float(stats.t.ppf(0.975, dof)) * 0.3
        assert t_interval(2.0, 0.3, dof) == (2.0 - half_width, 2.0 + half_width)
    assert all(math.isnan(bound) for bound in t_interval(2.0, 0.3, 0))
