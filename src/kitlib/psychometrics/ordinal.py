"""Ordinal CFA (WLSMV, as lavaan) and ordinal reliability (alpha and omega of the polychoric matrix).

Likert answers are ordered categories, not interval measurements.  Treating them as continuous
(ML on Pearson correlations) underestimates loadings and distorts the chi-square when items have
few categories or skewed answers (Flora & Curran 2004).  The standard remedy, lavaan's and
Mplus's ``WLSMV``:

1. polychoric correlations and thresholds (:func:`kitlib.psychometrics.polychoric.polychoric_correlations`);
2. the CFA fitted to the polychoric matrix by diagonally weighted least squares (DWLS), the weights
   being the inverse asymptotic variances of the polychorics (Muthén 1984; Muthén, du Toit & Spisic 1997);
3. the mean-and-variance adjusted ("scaled-shifted") chi-square (Asparouhov & Muthén 2010), lavaan's
   default test for WLSMV, and the fit indices computed from it.

:func:`cfa_wlsmv` reproduces ``lavaan::cfa(model, data, ordered = TRUE, estimator = "WLSMV")``;
:func:`ordinal_reliability` reproduces ``psych::alpha`` / ``psych::omega`` applied to the polychoric matrix
("ordinal alpha", Zumbo, Gadermann & Zeisser 2007).

Example
-------
>>> import pandas as pd
>>> df = pd.read_csv("tests/fixtures/data/it_firm_ordinal5.csv")
>>> model = {"tangibles": ["P01", "P02", "P03", "P04"], "reliability": ["P05", "P06", "P07", "P08", "P09"]}
>>> result = cfa_wlsmv(df, model)
>>> int(result.fit["df"]), result.estimator
(26, 'WLSMV')

References
----------
Muthén, B. (1984). A general structural equation model with dichotomous, ordered categorical, and
continuous latent variable indicators. *Psychometrika*, 49(1), 115–132.
Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). *Robust inference using weighted least squares and
quadratic estimating equations in latent variable modeling with categorical and continuous outcomes*.
Flora, D. B., & Curran, P. J. (2004). An empirical evaluation of alternative methods of estimation for
confirmatory factor analysis with ordinal data. *Psychological Methods*, 9(4), 466–491.
Asparouhov, T., & Muthén, B. (2010). *Simple second order chi-square correction*. Mplus technical appendix.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2), 1–36.
Zumbo, B. D., Gadermann, A. M., & Zeisser, C. (2007). Ordinal versions of coefficients alpha and theta
for Likert rating scales. *Journal of Modern Applied Statistical Methods*, 6(1), 21–29.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from kitlib._checks import check_model, numeric_items
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.psychometrics.internal_consistency import _scales, cronbach_alpha, omega_total
from kitlib.psychometrics.polychoric import polychoric_correlations

__all__ = ["OrdinalCFAResult", "cfa_wlsmv", "ordinal_reliability"]

#: ``missing`` values :func:`cfa_wlsmv` accepts; ``"auto"`` (``kl.cfa``'s default) means listwise here.
MISSING = ("listwise", "auto")


@dataclass(frozen=True, repr=False)
class OrdinalCFAResult:
    """Result of :func:`cfa_wlsmv` (lavaan ``cfa(..., ordered = TRUE, estimator = "WLSMV")``).

    Attributes
    ----------
    fit : Series
        ``chi2`` (DWLS test statistic), ``df``, ``pvalue``; the scaled-shifted test ``chi2_scaled``,
        ``pvalue_scaled``, ``scaling_factor``, ``shift_parameter``; ``cfi_scaled``, ``tli_scaled``,
        ``rmsea_scaled``, ``rmsea_ci_low_scaled``, ``rmsea_ci_high_scaled`` (from the scaled-shifted
        statistics, lavaan's ``*.scaled``); the unscaled ``cfi``, ``tli``, ``rmsea``,
        ``rmsea_ci_low``, ``rmsea_ci_high``; ``srmr``; the baseline model's ``baseline_chi2``,
        ``baseline_chi2_scaled``, ``baseline_df``; ``n`` (respondents used).
    loadings : DataFrame
        One row per item: ``factor``, ``item``, ``estimate`` (marker loading fixed to 1) and ``std``
        (lavaan's ``std.all``: the loading on the latent response ``y*``).
    thresholds : Series
        Thresholds ``"item|t1"``, ... (equal to the sample thresholds: they are free parameters).
    factor_corr : DataFrame
        Factor correlations.
    polychoric : DataFrame
        The polychoric correlation matrix the model was fitted to.
    residual_variances : Series
        Residual variances of the latent responses, ``1 - std**2`` (delta parameterization).
    model : dict
    n_dropped : int
        Respondents left out by listwise deletion (they skipped some item).
    estimator : str
        ``"WLSMV"``.
    missing : str
        ``"listwise"``.
    """

    fit: pd.Series
    loadings: pd.DataFrame
    thresholds: pd.Series
    factor_corr: pd.DataFrame
    polychoric: pd.DataFrame
    residual_variances: pd.Series
    model: dict
    n_dropped: int = 0
    estimator: str = "WLSMV"
    missing: str = "listwise"

    def __repr__(self) -> str:
        f = self.fit
        dropped = f", {self.n_dropped} incomplete dropped" if self.n_dropped else ""
        return (
            f"OrdinalCFAResult({len(self.model)} factors, {len(self.loadings)} items, n={int(f['n'])}, "
            f"estimator={self.estimator!r}, missing={self.missing!r}{dropped})\n"
            f"chi2={f['chi2']:.3f} df={int(f['df'])}; scaled-shifted chi2={f['chi2_scaled']:.3f} "
            f"p={f['pvalue_scaled']:.3g} CFI={f['cfi_scaled']:.3f} TLI={f['tli_scaled']:.3f} "
            f"RMSEA={f['rmsea_scaled']:.3f} [{f['rmsea_ci_low_scaled']:.3f}, {f['rmsea_ci_high_scaled']:.3f}] "
            f"SRMR={f['srmr']:.3f}\n"
            f"standardized loadings:\n{self.loadings.set_index(['factor', 'item'])['std'].round(3).to_string()}"
        )


class _Structure:
    """Marker-identified simple-structure CFA on correlations: ``sigma_ij = lam_i lam_j psi_{f(i) f(j)}``."""

    def __init__(self, model: dict[str, list[str]], items: list[str]):
        factors = list(model)
        self.factor_of = np.array([next(f for f, name in enumerate(factors) if item in model[name]) for item in items])
        p, m = len(items), len(factors)
        first = {members[0] for members in model.values()}
        self.lam_col = np.full(p, -1)
        free = [i for i, item in enumerate(items) if item not in first]
        self.lam_col[free] = np.arange(len(free))
        self.n_lam = len(free)
        self.psi_col = np.zeros((m, m), dtype=np.intp)
        col = self.n_lam
        for a in range(m):
            for b in range(a, m):
                self.psi_col[a, b] = self.psi_col[b, a] = col
                col += 1
        self.n_par = col
        self.m = m
        self.i, self.j = (np.array(v, dtype=np.intp) for v in zip(*[(i, j) for j in range(p) for i in range(j + 1, p)]))
        self.fi, self.fj = self.factor_of[self.i], self.factor_of[self.j]

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lam = np.ones(len(self.factor_of))
        free = self.lam_col >= 0
        lam[free] = theta[self.lam_col[free]]
        return lam, theta[self.psi_col]

    def sigma(self, theta: np.ndarray) -> np.ndarray:
        lam, psi = self.unpack(theta)
        return lam[self.i] * lam[self.j] * psi[self.fi, self.fj]

    def delta(self, theta: np.ndarray) -> np.ndarray:
        """Jacobian ``d sigma / d theta`` (correlations x free parameters)."""
        lam, psi = self.unpack(theta)
        rows = np.arange(len(self.i))
        out = np.zeros((len(self.i), self.n_par))
        cross = psi[self.fi, self.fj]
        for own, other in ((self.i, self.j), (self.j, self.i)):
            col = self.lam_col[own]
            free = col >= 0
            np.add.at(out, (rows[free], col[free]), lam[other][free] * cross[free])
        out[rows, self.psi_col[self.fi, self.fj]] += lam[self.i] * lam[self.j]
        return out

    def start(self, corr: np.ndarray) -> np.ndarray:
        theta = np.zeros(self.n_par)
        theta[: self.n_lam] = 1.0
        r = corr[self.i, self.j]
        for a in range(self.m):
            for b in range(a, self.m):
                pick = ((self.fi == a) & (self.fj == b)) | ((self.fi == b) & (self.fj == a))
                theta[self.psi_col[a, b]] = r[pick].mean() if pick.any() else (0.5 if a == b else 0.0)
        return theta


def _fit_dwls(structure: _Structure, s: np.ndarray, w: np.ndarray, corr: np.ndarray) -> np.ndarray:
    root = np.sqrt(w)

    def residuals(theta):
        return root * (s - structure.sigma(theta))

    def jacobian(theta):
        return -root[:, None] * structure.delta(theta)

    best = None
    for method in ("lm", "trf"):
        solution = optimize.least_squares(residuals, structure.start(corr), jac=jacobian, method=method,
                                          xtol=1e-15, ftol=1e-15, gtol=1e-12, max_nfev=5000)
        if best is None or solution.cost < best.cost:
            best = solution
        if solution.success:
            break
    if best.status <= 0 or not np.all(np.isfinite(best.x)):
        raise AnalysisInputError("cfa (WLSMV): the estimation did not converge; check that every factor's items correlate")
    return best.x


def _traces(u_gamma: np.ndarray) -> tuple[float, float]:
    return float(np.trace(u_gamma)), float((u_gamma * u_gamma.T).sum())


def _scaled_shifted(chi2: float, df: int, u_gamma: np.ndarray) -> tuple[float, float, float]:
    """``(statistic, scaling factor, shift)``: ``a = sqrt(df / tr(UG^2))``, ``T = a chi2 + df - a tr(UG)``."""
    trace1, trace2 = _traces(u_gamma)
    a = np.sqrt(df / trace2)
    shift = df - a * trace1
    return float(a * chi2 + shift), float(1 / a), float(shift)


def _cfi(x2: float, df: float, x2_null: float, df_null: float) -> float:
    t1 = max(x2 - df, 0.0)
    t2 = max(x2 - df, x2_null - df_null, 0.0)
    if abs(t1) < 1.5e-8 and abs(t2) < 1.5e-8:
        return 1.0
    return 1 - t1 / t2


def _tli(x2: float, df: float, x2_null: float, df_null: float) -> float:
    t1 = (x2 - df) * df_null
    t2 = (x2_null - df_null) * df
    return 1 - t1 / t2 if df > 0 and abs(t2) > 0 else 1.0


def _rmsea(x2: float, df: float, n: int) -> float:
    return float(np.sqrt(max(x2 / n / df - 1 / n, 0.0))) if df > 0 else 0.0


def _rmsea_ci(x2: float, df: float, n: int, level: float = 0.90) -> tuple[float, float]:
    """lavaan's ``lav_fit_rmsea_ci``: noncentrality bounds from the noncentral chi-square (Steiger 1990)."""
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(ncp):
        return stats.ncx2.cdf(x2, df, ncp) if ncp > 0 else stats.chi2.cdf(x2, df)

    if df < 1 or cdf(0.0) - upper_p < 0:
        low = 0.0
    else:
        low = float(np.sqrt(optimize.brentq(lambda lam: cdf(lam) - upper_p, 0.0, x2, xtol=1e-12) / (n * df)))
    top = max(n, 4 * x2)
    if df < 1 or cdf(top) - lower_p > 0 or cdf(0.0) - lower_p < 0:
        high = 0.0
    else:
        high = float(np.sqrt(optimize.brentq(lambda lam: cdf(lam) - lower_p, 0.0, top, xtol=1e-12) / (n * df)))
    return low, high


def cfa_wlsmv(df: pd.DataFrame, model: dict[str, list[str]], missing: str = "listwise") -> OrdinalCFAResult:
    """Ordinal confirmatory factor analysis by WLSMV, as ``lavaan::cfa(ordered = TRUE, estimator = "WLSMV")``.

    Each item loads on one factor; the first item of each factor is the marker (loading 1);
    factors correlate freely; the latent responses have unit variance (delta parameterization).

    Parameters
    ----------
    df : DataFrame
        Ordinal answers (numbers); other columns are ignored.  Every distinct answer of an item is a
        category; values nobody chose are not.
    model : dict of str to list of str
        Measurement model, e.g. ``codebook.servqual_model("P")``.
    missing : {"listwise", "auto"}
        Respondents with a blank in a model item are left out (lavaan's default for WLSMV);
        ``"auto"`` (``kl.cfa``'s default) means the same here.  FIML does not exist for WLSMV.

    Returns
    -------
    OrdinalCFAResult

    Raises
    ------
    OptionError
        ``missing`` other than ``"listwise"``/``"auto"``.
    AnalysisInputError
        Malformed model, items missing, non-numeric or constant, fewer respondents than
        thresholds + free parameters, no convergence.

    Notes
    -----
    With ``s`` the ``p* = p(p-1)/2`` polychoric correlations, ``sigma(theta)`` the model's
    (``sigma_ij = lambda_i lambda_j psi_{f(i)f(j)}``), ``Gamma`` the asymptotic covariance
    matrix of thresholds and polychorics (:func:`~kitlib.psychometrics.polychoric.polychoric_correlations`) and
    ``W = diag(Gamma_rr)^{-1}`` (its polychoric block's diagonal):

    * DWLS estimate: ``theta_hat = argmin F(theta) = (s - sigma)' W (s - sigma)``; the thresholds,
      free parameters of their own, reproduce the sample thresholds exactly.
    * Test statistic ``T = (N - 1) F(theta_hat)`` on ``df = p* - q`` (``q``: free loadings and factor
      (co)variances); lavaan's ``chisq`` (lavaan scales the WLS-type fit functions by ``(N - 1) / N``,
      and its RMSEA for them divides by ``N - 1`` too).
    * Scaled-shifted test (Asparouhov & Muthén 2010): with ``Delta = d sigma / d theta'`` and
      ``U = W - W Delta (Delta' W Delta)^{-1} Delta' W``,

      .. math:: a = \\sqrt{df / \\mathrm{tr}[(U\\Gamma)^2]}, \\quad
                T_{ss} = a T + df - a\\,\\mathrm{tr}(U\\Gamma),

      referred to chi-square with ``df``: lavaan's ``chisq.scaled`` (``scaling_factor = 1/a``,
      ``shift_parameter = df - a tr(UGamma)``).
    * Baseline (independence) model: all polychorics 0, ``T_0 = (N - 1) s' W s`` on ``p*`` df, scaled and
      shifted with ``U_0 = W``.  ``cfi_scaled = 1 - max(T_ss - df, 0) / max(T_ss - df, T_0,ss - df_0, 0)``,
      ``tli_scaled = 1 - (T_ss - df) df_0 / ((T_0,ss - df_0) df)``, ``rmsea_scaled =
      sqrt(max(T_ss / ((N - 1) df) - 1/(N - 1), 0))`` with its 90% interval from the noncentral chi-square,
      as lavaan's ``fitMeasures`` (its ``*.scaled``; lavaan's ``*.robust`` variants are not computed).
    * ``srmr = sqrt(sum_{i<j} (s_ij - sigma_ij)^2 / (p(p+1)/2))``, lavaan's SRMR for categorical data.
    * ``std`` loadings: ``lambda_i sqrt(psi_ff)`` (``y*`` has unit variance).

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.read_csv("tests/fixtures/data/it_firm_ordinal5.csv")
    >>> result = cfa_wlsmv(df, {"assurance": ["P14", "P15", "P16", "P17"]})
    >>> result.loadings.columns.tolist()
    ['factor', 'item', 'estimate', 'std']

    References
    ----------
    Muthén, B. (1984). *Psychometrika*, 49, 115–132.
    Flora, D. B., & Curran, P. J. (2004). *Psychological Methods*, 9(4), 466–491.
    Asparouhov, T., & Muthén, B. (2010). Simple second order chi-square correction. Mplus technical appendix.
    Rosseel, Y. (2012). *Journal of Statistical Software*, 48(2), 1–36.
    """
    if missing not in MISSING:
        raise OptionError(
            f"cfa (WLSMV): missing must be 'listwise' (or 'auto', which means listwise here), not {missing!r}; "
            "full-information ML does not exist for the WLSMV estimator"
        )
    one_factor = isinstance(model, Mapping) and len(model) == 1
    model = check_model(df, model, min_items=3 if one_factor else 2, what="cfa (WLSMV)")
    items = [item for members in model.values() for item in members]
    answered = df[items].notna()
    n_dropped = int((answered.any(axis=1) & ~answered.all(axis=1)).sum())
    structure = _Structure(model, items)
    data = numeric_items(df, items, min_items=3, min_rows=3, what="cfa (WLSMV)")
    poly = polychoric_correlations(data, items, gamma=True)
    n, p = poly.n, len(items)
    n_th = len(poly.thresholds)
    if n <= n_th + structure.n_par:
        raise AnalysisInputError(
            f"cfa (WLSMV): {n} complete respondents are too few for {n_th} thresholds and "
            f"{structure.n_par} free parameters"
        )
    corr = poly.corr.to_numpy()
    s = corr[structure.i, structure.j]
    gamma = poly.gamma.to_numpy()[n_th:, n_th:]
    w = 1 / np.diag(gamma)
    theta = _fit_dwls(structure, s, w, corr)
    residual = s - structure.sigma(theta)
    chi2 = float((n - 1) * (w * residual * residual).sum())   # lavaan: 2 N * (N - 1)/(2N) F
    df_model = len(s) - structure.n_par
    delta = structure.delta(theta)
    w_delta = w[:, None] * delta
    u = np.diag(w) - w_delta @ np.linalg.solve(delta.T @ w_delta, w_delta.T)
    baseline_chi2 = float((n - 1) * (w * s * s).sum())
    baseline_df = len(s)
    fit = {"chi2": chi2, "df": float(df_model), "pvalue": float(stats.chi2.sf(chi2, df_model)) if df_model > 0 else np.nan}
    nan = float("nan")
    if df_model > 0:
        chi2_scaled, scaling, shift = _scaled_shifted(chi2, df_model, u @ gamma)
    else:
        chi2_scaled, scaling, shift = chi2, nan, nan
    baseline_scaled, baseline_scaling, _ = _scaled_shifted(baseline_chi2, baseline_df, w[:, None] * gamma)
    fit.update({
        "chi2_scaled": chi2_scaled,
        "pvalue_scaled": float(stats.chi2.sf(chi2_scaled, df_model)) if df_model > 0 else nan,
        "scaling_factor": scaling,
        "shift_parameter": shift,
        "cfi_scaled": _cfi(chi2_scaled, df_model, baseline_scaled, baseline_df),
        "tli_scaled": _tli(chi2_scaled, df_model, baseline_scaled, baseline_df),
        "rmsea_scaled": _rmsea(chi2_scaled, df_model, n - 1),
    })
    fit["rmsea_ci_low_scaled"], fit["rmsea_ci_high_scaled"] = _rmsea_ci(chi2_scaled, df_model, n - 1)
    fit.update({
        "cfi": _cfi(chi2, df_model, baseline_chi2, baseline_df),
        "tli": _tli(chi2, df_model, baseline_chi2, baseline_df),
        "rmsea": _rmsea(chi2, df_model, n - 1),
    })
    fit["rmsea_ci_low"], fit["rmsea_ci_high"] = _rmsea_ci(chi2, df_model, n - 1)
    fit.update({
        "srmr": float(np.sqrt((residual * residual).sum() / (p * (p + 1) / 2))),
        "baseline_chi2": baseline_chi2,
        "baseline_chi2_scaled": baseline_scaled,
        "baseline_df": float(baseline_df),
        "n": float(n),
    })
    lam, psi = structure.unpack(theta)
    factors = list(model)
    factor_sd = np.sqrt(np.diag(psi))
    std = lam * factor_sd[structure.factor_of]
    loadings = pd.DataFrame({"factor": [factors[f] for f in structure.factor_of], "item": items,
                             "estimate": lam, "std": std})
    return OrdinalCFAResult(
        fit=pd.Series(fit, name="fit"),
        loadings=loadings,
        thresholds=poly.thresholds,
        factor_corr=pd.DataFrame(psi / np.outer(factor_sd, factor_sd), index=factors, columns=factors),
        polychoric=poly.corr,
        residual_variances=pd.Series(1 - std * std, index=items, name="residual_variance"),
        model=model,
        n_dropped=n_dropped,
    )


def ordinal_reliability(df: pd.DataFrame, scales) -> pd.DataFrame:
    """Ordinal alpha and ordinal omega total per scale: alpha and omega of the polychoric correlation matrix.

    Parameters
    ----------
    df : DataFrame
        Ordinal answers, respondents in rows.  Reverse-keyed items must already be recoded.
    scales : dict of str to list of str, or list of str
        ``{scale: [items]}`` (e.g. ``codebook.servqual_model("P")``) or the items of one scale.

    Returns
    -------
    DataFrame
        Index ``scale``; columns ``n_items``, ``n`` (respondents who answered every item of the
        scale), ``ordinal_alpha``, ``ordinal_omega_total``.

    Raises
    ------
    AnalysisInputError
        Fewer than 2 items or 3 complete respondents in a scale, non-numeric or constant items.

    Notes
    -----
    With ``R`` the ``k x k`` polychoric matrix of a scale's items (computed on the scale's complete
    cases, as :func:`kitlib.reliability` does):

    * ordinal alpha (Zumbo, Gadermann & Zeisser 2007) is Cronbach's alpha of ``R``,
      ``alpha_ord = k / (k - 1) * (1 - k / sum(R))`` -- what ``psych::alpha(psych::polychoric(x)$rho)``
      reports (raw and standardized alpha coincide for a correlation matrix);
    * ordinal omega total is McDonald's omega of a one-factor minres solution of ``R``,
      ``omega = 1 - sum(1 - h2) / sum(R)`` -- ``psych::omega(psych::polychoric(x)$rho, nfactors = 1)$omega.tot``
      (NaN for fewer than 3 items).

    Both describe the reliability of the *latent continuous responses* ``y*``, not of the observed
    sum score (Zumbo et al. 2007); they exceed the usual alpha most when items have few categories
    or skewed answers.  kitlib's polychorics are lavaan's (two-step ML, empty cells left empty).
    ``psych::polychoric`` optimises each correlation less tightly, so on items with equal numbers of
    categories its matrix differs by ~2e-5 and alpha and omega by ~1e-5; when the items' numbers of
    categories differ, psych switches to ``global = FALSE`` (thresholds re-estimated per pair from the
    table after adding 0.5 to each empty cell) and can differ by several hundredths on sparse tables
    (``tests/fixtures/r/ordinal.json`` records both versions).

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.read_csv("tests/fixtures/data/it_firm_ordinal5.csv")
    >>> table = ordinal_reliability(df, {"tangibles": ["P01", "P02", "P03", "P04"]})
    >>> list(table.columns)
    ['n_items', 'n', 'ordinal_alpha', 'ordinal_omega_total']

    References
    ----------
    Zumbo, B. D., Gadermann, A. M., & Zeisser, C. (2007). *Journal of Modern Applied Statistical
    Methods*, 6(1), 21–29.
    Gadermann, A. M., Guhn, M., & Zumbo, B. D. (2012). Estimating ordinal reliability for Likert-type
    and ordinal item response data. *Practical Assessment, Research & Evaluation*, 17(3).
    Revelle, W. (2024). *psych*: ``polychoric()``, ``alpha()``, ``omega()``.
    """
    rows = {}
    for name, items in _scales(scales).items():
        data = numeric_items(df, items, min_items=2, min_rows=3, what=f"ordinal reliability of scale '{name}'")
        corr = polychoric_correlations(data).corr.to_numpy()
        rows[name] = {
            "n_items": len(items),
            "n": len(data),
            "ordinal_alpha": cronbach_alpha(corr),
            "ordinal_omega_total": omega_total(corr),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "scale"
    return table
