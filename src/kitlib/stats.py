"""Tests and intervals shared by the analyses: the paired t-test of a gap (with d_z) and Welch's
two-sample test of a change, each returning a frozen result dataclass.

Paired t-test of a gap (P − E) with its confidence interval and d_z.

pingouin's ``ttest(paired=True)`` gives t, df and p, but (pingouin 0.7.0)
rounds its ``CI95`` column to two decimals and reports as ``cohen_d`` the
absolute difference over the *average* SD of the two measurements — not
d_z.  This wrapper keeps pingouin's t/df/p, computes the interval at full
precision (mean ± t_crit · SE, as R's ``t.test(paired = TRUE)``) and reports
the paired effect size under its own name:

    d_z = mean(P − E) / SD(P − E)   (signed; Cohen 1988, eq. 2.3.5; Lakens 2013)

Welch's two-sample t-test (unequal variances) of an after − before change.

Used by :func:`kitlib.trend` to check whether a wave differs from the
previous one (the "check" of PDCA).  t, df and p come from pingouin; the
confidence interval is computed at full precision (pingouin rounds it).

Example
-------
>>> from kitlib.stats import paired_gap_test
>>> result = paired_gap_test([5, 6, 4, 5], [6, 6, 6, 7])
>>> round(result["gap"], 2), round(result["d_z"], 3)
(-1.25, -1.306)
>>> from kitlib.stats import welch_test
>>> round(welch_test([5, 6, 7, 6], [4, 5, 4, 3])["diff"], 2)
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

import numpy as np
import pingouin as pg
from scipy import stats

STAT_COLUMNS = ["E", "P", "gap", "sd_gap", "se", "t", "dof", "p", "ci_low", "ci_high", "d_z"]


def paired_gap_test(perception, expectation, confidence: float = 0.95) -> dict:
    """Paired test of ``perception − expectation`` over pairs where both are answered.

    Parameters
    ----------
    perception, expectation : array-like
        Paired scores (same respondents, same order).
    confidence : float, default 0.95

    Returns
    -------
    dict
        ``n, E, P, gap, sd_gap, se, t, dof, p, ci_low, ci_high, d_z``.
        With fewer than 2 pairs, or no variation in the differences, the test
        statistics are NaN (the means are still given).

    Example
    -------
    >>> paired_gap_test([1, 2, 3], [1, 2, 3])["t"]
    nan

    References
    ----------
    R Core Team. ``t.test(x, y, paired = TRUE)``, package stats.
    """
    p_scores = np.asarray(perception, dtype=float)
    e_scores = np.asarray(expectation, dtype=float)
    keep = ~(np.isnan(p_scores) | np.isnan(e_scores))
    p_scores, e_scores = p_scores[keep], e_scores[keep]
    n = int(keep.sum())
    diff = p_scores - e_scores
    result = dict.fromkeys(["n"] + STAT_COLUMNS, np.nan)
    result["n"] = n
    if n == 0:
        return result
    result.update(E=float(e_scores.mean()), P=float(p_scores.mean()), gap=float(diff.mean()))
    if n < 2:
        return result
    sd = float(diff.std(ddof=1))
    se = sd / float(np.sqrt(n))
    result.update(sd_gap=sd, se=se, dof=n - 1)
    if sd == 0:
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        test = pg.ttest(p_scores, e_scores, paired=True, confidence=confidence)
    half_width = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
    result.update(
        t=float(test["T"].iloc[0]),
        dof=float(test["dof"].iloc[0]),
        p=float(test["p_val"].iloc[0]),
        ci_low=result["gap"] - half_width,
        ci_high=result["gap"] + half_width,
        d_z=result["gap"] / sd,
    )
    return result



def welch_test(after, before, confidence: float = 0.95) -> dict:
    """Compare two independent samples; NaNs are dropped.

    Returns
    -------
    dict
        ``n_before, n_after, mean_before, mean_after, diff`` (after − before),
        ``se, t, dof, p, ci_low, ci_high`` — test statistics NaN when a wave
        has fewer than 2 answers or both have no variation.

    Example
    -------
    >>> welch_test([1.0], [2.0, 3.0])["p"]
    nan

    References
    ----------
    R Core Team. ``t.test(x, y, var.equal = FALSE)``, package stats.
    """
    a = np.asarray(after, dtype=float)
    b = np.asarray(before, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    result = {"n_before": len(b), "n_after": len(a), "mean_before": np.nan, "mean_after": np.nan, "diff": np.nan,
              "se": np.nan, "t": np.nan, "dof": np.nan, "p": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if len(a):
        result["mean_after"] = float(a.mean())
    if len(b):
        result["mean_before"] = float(b.mean())
    if len(a) and len(b):
        result["diff"] = result["mean_after"] - result["mean_before"]
    if len(a) < 2 or len(b) < 2:
        return result
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    result["se"] = se
    if se == 0:
        return result
    test = pg.ttest(a, b, paired=False, correction=True, confidence=confidence)
    dof = float(test["dof"].iloc[0])
    half_width = float(stats.t.ppf(0.5 + confidence / 2, dof)) * se
    result.update(t=float(test["T"].iloc[0]), dof=dof, p=float(test["p_val"].iloc[0]),
                  ci_low=result["diff"] - half_width, ci_high=result["diff"] + half_width)
    return result
