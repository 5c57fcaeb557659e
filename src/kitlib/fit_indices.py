"""Fit indices of a covariance-structure model, as lavaan defines them (ML estimation).

semopy's ``calc_stats`` has no SRMR and no RMSEA confidence interval, and
divides by ``N - 1`` in RMSEA where lavaan (0.6) divides by ``N``; kitlib
therefore computes every index from the sample moments and the
model-implied moments, following ``lavaan:::lav_fit_measures``.

Example
-------
>>> import numpy as np
>>> from kitlib.fit_indices import srmr
>>> round(srmr(np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([[1.0, 0.3], [0.3, 1.0]])), 4)
0.1155

References
----------
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2), 1–36 (``fitMeasures``).
Bentler, P. M. (1995). *EQS Structural Equations Program Manual* (SRMR).
Steiger, J. H. (1990). Structural model evaluation and modification: an interval estimation approach.
*Multivariate Behavioral Research*, 25, 173–180 (RMSEA and its confidence interval).
Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes. *Structural Equation Modeling*, 6, 1–55.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats


def srmr(sample_cov: np.ndarray, implied_cov: np.ndarray, sample_mean=None, implied_mean=None) -> float:
    """Standardized root mean square residual, lavaan's default ``srmr`` (= ``srmr_bentler``).

    Residuals ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the lower triangle including the
    diagonal; with a mean structure (FIML) also ``(m_i - mu_i) / sqrt(s_ii)``, averaged over
    ``p(p+1)/2 + p`` moments.
    """
    scale = 1 / np.sqrt(np.diag(sample_cov))
    residual = (sample_cov - implied_cov) * np.outer(scale, scale)
    lower = residual[np.tril_indices_from(residual)]
    squares, count = float((lower**2).sum()), lower.size
    if sample_mean is not None:
        mean_residual = (np.asarray(sample_mean) - np.asarray(implied_mean)) * scale
        squares, count = squares + float((mean_residual**2).sum()), count + mean_residual.size
    return float(np.sqrt(squares / count))


def rmsea_ci(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Confidence interval of RMSEA from the noncentral chi-square (Steiger 1990), as lavaan."""
    if df <= 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2

    def ncp_for(probability: float) -> float:
        def gap(ncp):
            return stats.ncx2.cdf(chi2, df, ncp) - probability if ncp > 0 else stats.chi2.cdf(chi2, df) - probability

        if gap(0.0) < 0:
            return 0.0
        upper = max(chi2, 1.0)
        while gap(upper) > 0:
            upper *= 2
        return optimize.brentq(gap, 0.0, upper, xtol=1e-12)

    low = np.sqrt(ncp_for(1 - tail) / (n * df))
    high = np.sqrt(ncp_for(tail) / (n * df))
    return float(low), float(high)


def fit_indices(chi2: float, df: int, baseline_chi2: float, baseline_df: int, n: int, srmr_value: float) -> pd.Series:
    """chi2, df, pvalue, cfi, tli, rmsea (with 90% CI), srmr and the baseline model's chi2/df.

    ``n`` is the number of respondents (lavaan uses N, not N - 1, in RMSEA).

    Example
    -------
    >>> fit = fit_indices(85.3055, 24, 918.8516, 36, 301, 0.0652)
    >>> float(round(fit["cfi"], 4)), float(round(fit["rmsea"], 4))
    (0.9306, 0.0921)
    """
    d_model = max(chi2 - df, 0.0)
    d_baseline = max(baseline_chi2 - baseline_df, d_model)
    cfi = 1.0 if d_baseline == 0 else 1 - d_model / d_baseline
    tli = ((baseline_chi2 / baseline_df) - (chi2 / df)) / ((baseline_chi2 / baseline_df) - 1) if df > 0 else float("nan")
    rmsea = float(np.sqrt(d_model / (df * n))) if df > 0 else float("nan")
    low, high = rmsea_ci(chi2, df, n)
    return pd.Series(
        {
            "chi2": chi2,
            "df": df,
            "pvalue": float(stats.chi2.sf(chi2, df)) if df > 0 else float("nan"),
            "cfi": cfi,
            "tli": tli,
            "rmsea": rmsea,
            "rmsea_ci_low": low,
            "rmsea_ci_high": high,
            "srmr": srmr_value,
            "baseline_chi2": baseline_chi2,
            "baseline_df": baseline_df,
            "n": n,
        },
        name="fit",
    )
