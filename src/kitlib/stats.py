"""Tests and intervals shared by the analyses, each returning a frozen result.

================================  ============================================================
function                          use
================================  ============================================================
:func:`t_interval`                estimate ± t-quantile · SE (the one t-interval of the kit)
:func:`mean_interval`             a sample mean with its SE and t-interval
:func:`paired_test`               paired t-test of x − y with d_z (a SERVQUAL gap P − E)
:func:`welch_test`                Welch's two-sample test of x − y (after − before, receivers − staff)
================================  ============================================================

t, df and p come from ``scipy.stats.ttest_rel`` / ``ttest_ind``; intervals are
computed at full precision (pingouin 0.7 rounds its ``CI95`` column to two decimals).

Example
-------
>>> from kitlib.stats import paired_test, welch_test
>>> result = paired_test([5, 6, 4, 5], [6, 6, 6, 7])
>>> round(result.diff, 2), round(result.d_z, 3)
(-1.25, -1.306)
>>> round(welch_test([5, 6, 7, 6], [4, 5, 4, 3]).diff, 2)
2.0

References
----------
Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
science. *Frontiers in Psychology*, 4, 863.
Vallat, R. (2018). Pingouin: statistics in Python. *JOSS*, 3(31), 1026.
Welch, B. L. (1947). The generalization of "Student's" problem when several
different population variances are involved. *Biometrika*, 34(1–2), 28–35.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from kitlib._checks import check_confidence

__all__ = ["MeanInterval", "PairedTest", "TwoSampleTest", "mean_interval", "paired_test", "t_interval", "welch_test"]

NAN = float("nan")


class _TidyRow:
    """A result whose fields form one row of a tidy table."""

    def to_dict(self) -> dict:
        """The fields as a dict (a shallow ``dataclasses.asdict``: every field is a number)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def t_interval(estimate: float, se: float, dof: float, confidence: float = 0.95) -> tuple[float, float]:
    """Two-sided t-interval ``estimate ± t_{(1+confidence)/2, dof} · se``.

    Notes
    -----
    The interval R's ``t.test`` prints for one sample, paired samples and
    Welch's test (with Welch–Satterthwaite ``dof``).  The quantile is
    ``scipy.special.stdtrit``, the function ``scipy.stats.t.ppf`` evaluates
    (without its per-call argument handling); NaN when ``dof ≤ 0``.

    Example
    -------
    >>> low, high = t_interval(1.0, 0.5, 10)
    >>> round(low, 4), round(high, 4)
    (-0.1141, 2.1141)

    References
    ----------
    R Core Team. ``t.test``, package stats.
    """
    half_width = float(special.stdtrit(dof, 0.5 + check_confidence(confidence) / 2) if dof > 0 else NAN) * se
    return estimate - half_width, estimate + half_width


@dataclass(frozen=True)
class MeanInterval(_TidyRow):
    """A sample mean: ``n``, ``mean``, ``se`` = SD/√n and the t-interval ``ci_low``, ``ci_high`` (NaN when n < 2)."""

    n: int
    mean: float = NAN
    se: float = NAN
    ci_low: float = NAN
    ci_high: float = NAN


def mean_interval(values, confidence: float = 0.95) -> MeanInterval:
    """Mean of ``values`` (NaN dropped) with its standard error and t-interval.

    Notes
    -----
    ``se = s / √n`` and ``CI = mean ± t_{(1+confidence)/2, n−1} · se`` (:func:`t_interval`).

    Example
    -------
    >>> mean_interval([1, 2, 3]).mean
    2.0

    References
    ----------
    Student (1908). The probable error of a mean. *Biometrika*, 6(1), 1–25.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return MeanInterval(0)
    mean = float(x.mean())
    if n < 2:
        return MeanInterval(n, mean)
    se = float(x.std(ddof=1) / np.sqrt(n))
    return MeanInterval(n, mean, se, *t_interval(mean, se, n - 1, confidence))


@dataclass(frozen=True)
class PairedTest(_TidyRow):
    """Paired t-test of ``x − y`` (:func:`paired_test`).

    Attributes
    ----------
    n : int
        Pairs with both values.
    mean_x, mean_y, diff : float
        Means and the mean difference ``x − y``.
    sd_diff, se : float
        SD of the differences and the standard error ``sd_diff / √n``.
    t, dof, p : float
        Test of ``diff = 0``.
    ci_low, ci_high : float
        t-interval of ``diff``.
    d_z : float
        ``diff / sd_diff`` (signed).
    """

    n: int
    mean_x: float = NAN
    mean_y: float = NAN
    diff: float = NAN
    sd_diff: float = NAN
    se: float = NAN
    t: float = NAN
    dof: float = NAN
    p: float = NAN
    ci_low: float = NAN
    ci_high: float = NAN
    d_z: float = NAN


def paired_test(x, y, confidence: float = 0.95) -> PairedTest:
    """Paired t-test of ``x − y`` over the pairs where both are answered.

    Parameters
    ----------
    x, y : array-like
        Paired scores (same respondents, same order), e.g. perception and expectation.
    confidence : float, default 0.95

    Returns
    -------
    PairedTest
        With fewer than 2 pairs, or no variation in the differences, the test
        statistics are NaN (the means are still given).

    Notes
    -----
    t, df and p come from ``scipy.stats.ttest_rel``.  pingouin's
    ``ttest(paired=True)`` gives the same three (it calls scipy) but is about
    8 times slower, as it also integrates a Bayes factor on every call, and it
    reports as ``cohen_d`` the absolute difference over the *average* SD of
    the two measurements — not d_z.  This test computes the interval at full
    precision (``diff ± t_crit · SE``, as R's ``t.test(paired = TRUE)``) and
    reports the paired effect size under its own name:

        d_z = mean(x − y) / SD(x − y)   (signed; Cohen 1988, eq. 2.3.5; Lakens 2013)

    Example
    -------
    >>> import math
    >>> math.isnan(paired_test([1, 2, 3], [1, 2, 3]).t)
    True

    References
    ----------
    R Core Team. ``t.test(x, y, paired = TRUE)``, package stats.
    Lakens, D. (2013). *Frontiers in Psychology*, 4, 863.
    """
    check_confidence(confidence)
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    n = int(keep.sum())
    if n == 0:
        return PairedTest(0)
    diff = xs - ys
    means = {"mean_x": float(xs.mean()), "mean_y": float(ys.mean()), "diff": float(diff.mean())}
    if n < 2:
        return PairedTest(n, **means)
    sd = float(diff.std(ddof=1))
    se = sd / float(np.sqrt(n))
    if sd == 0:
        return PairedTest(n, **means, sd_diff=sd, se=se, dof=n - 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        test = stats.ttest_rel(xs, ys)
    low, high = t_interval(means["diff"], se, n - 1, confidence)
    return PairedTest(n, **means, sd_diff=sd, se=se, t=float(test.statistic), dof=float(test.df),
                      p=float(test.pvalue), ci_low=low, ci_high=high, d_z=means["diff"] / sd)


@dataclass(frozen=True)
class TwoSampleTest(_TidyRow):
    """Welch's two-sample test of ``x − y`` (:func:`welch_test`).

    Attributes
    ----------
    n_x, n_y : int
        Non-missing values in each sample.
    mean_x, mean_y, diff : float
        Sample means and ``mean_x − mean_y``.
    se, t, dof, p, ci_low, ci_high : float
        Welch's standard error, test and t-interval of ``diff`` (NaN when a
        sample has fewer than 2 values or neither varies).
    """

    n_x: int
    n_y: int
    mean_x: float = NAN
    mean_y: float = NAN
    diff: float = NAN
    se: float = NAN
    t: float = NAN
    dof: float = NAN
    p: float = NAN
    ci_low: float = NAN
    ci_high: float = NAN


def welch_test(x, y, confidence: float = 0.95) -> TwoSampleTest:
    """Compare two independent samples ``x`` and ``y`` (NaN dropped) without assuming equal variances.

    Notes
    -----
    ``se = sqrt(s_x²/n_x + s_y²/n_y)``; t = ``diff / se`` with the
    Welch–Satterthwaite degrees of freedom (``scipy.stats.ttest_ind`` with
    ``equal_var=False``); the interval is
    :func:`t_interval` at those degrees of freedom.  Used for the change
    between waves (after − before) and for receivers' minus staff's ratings.

    Example
    -------
    >>> import math
    >>> math.isnan(welch_test([1.0], [2.0, 3.0]).p)
    True

    References
    ----------
    R Core Team. ``t.test(x, y, var.equal = FALSE)``, package stats.
    Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
    """
    check_confidence(confidence)
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    means = {}
    if len(a):
        means["mean_x"] = float(a.mean())
    if len(b):
        means["mean_y"] = float(b.mean())
    if len(a) and len(b):
        means["diff"] = means["mean_x"] - means["mean_y"]
    if len(a) < 2 or len(b) < 2:
        return TwoSampleTest(len(a), len(b), **means)
    se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    if se == 0:
        return TwoSampleTest(len(a), len(b), **means, se=se)
    test = stats.ttest_ind(a, b, equal_var=False)
    dof = float(test.df)
    low, high = t_interval(means["diff"], se, dof, confidence)
    return TwoSampleTest(len(a), len(b), **means, se=se, t=float(test.statistic), dof=dof,
                         p=float(test.pvalue), ci_low=low, ci_high=high)
