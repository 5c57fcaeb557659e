"""Welch's two-sample t-test (unequal variances) of an after − before change.

Used by :func:`kitlib.trend` to check whether a wave differs from the
previous one (the "check" of PDCA).  t, df and p come from pingouin; the
confidence interval is computed at full precision (pingouin rounds it).

Example
-------
>>> from kitlib.welch_test import welch_test
>>> round(welch_test([5, 6, 7, 6], [4, 5, 4, 3])["diff"], 2)
2.0

References
----------
Welch, B. L. (1947). The generalization of "Student's" problem when several
different population variances are involved. *Biometrika*, 34(1–2), 28–35.
"""

from __future__ import annotations

import numpy as np
import pingouin as pg
from scipy import stats


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
