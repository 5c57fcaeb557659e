"""Confirmatory factor analysis (ML, FIML for missing answers) and the fit indices lavaan reports.

Confirmatory factor analysis (ML) with lavaan's fit indices, standardized loadings and factor correlations.

Estimation uses semopy (ML, "MLW" objective) on the sample covariance
matrix with divisor N, exactly the sufficient statistics lavaan uses, so the
estimates equal lavaan's and the fit needs no pass over the raw data.
Fit indices (chi2, CFI, TLI, RMSEA with 90% CI, SRMR) are computed the
lavaan way in :mod:`kitlib.psychometrics.confirmatory`.  ``missing="fiml"`` uses full
information ML on all respondents (:mod:`kitlib.psychometrics.fiml`, as lavaan's ``missing = "ml"``).

Fit indices of a covariance-structure model, as lavaan defines them (ML estimation).

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.cfa(survey.data, survey.codebook.servqual_model("P"))
>>> sorted(result.fit.index[:4])
['cfi', 'chi2', 'df', 'pvalue']
>>> import numpy as np
>>> from kitlib.psychometrics.confirmatory import srmr
>>> round(srmr(np.array([[1.0, 0.5], [0.5, 1.0]]), np.array([[1.0, 0.3], [0.3, 1.0]])), 4)
0.1155

References
----------
Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood factor analysis.
*Psychometrika*, 34, 183–202.
Rosseel, Y. (2012). lavaan. *Journal of Statistical Software*, 48(2), 1–36.
Igolkina, A. A., & Meshcheryakov, G. (2020). semopy: A Python package for structural equation modeling.
*Structural Equation Modeling*, 27(6), 952–963.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2), 1–36 (``fitMeasures``).
Bentler, P. M. (1995). *EQS Structural Equations Program Manual* (SRMR).
Steiger, J. H. (1990). Structural model evaluation and modification: an interval estimation approach.
*Multivariate Behavioral Research*, 25, 173–180 (RMSEA and its confidence interval).
Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes. *Structural Equation Modeling*, 6, 1–55.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from kitlib._checks import check_choice, check_model, check_not_singular, numeric_items
from kitlib.errors import AnalysisInputError, OptionError

__all__ = ["cfa", "CFAResult", "choose_missing", "listwise_loss", "MAX_LISTWISE_LOSS", "fit_indices", "fit_ml_covariance",
           "lavaan_syntax", "ml_discrepancy", "Parameters", "rmsea_ci", "srmr"]

MISSING = ("auto", "listwise", "fiml")

#: ``cfa(missing="auto")`` switches to FIML when listwise deletion would drop more than this share of the
#: respondents who answered at least one item.
MAX_LISTWISE_LOSS = 0.10


@dataclass(frozen=True)
class Parameters:
    """CFA parameter matrices: loadings ``lam`` (items x factors), factor covariances ``psi``,
    residual variances ``theta`` (vector) and item means ``mu`` (FIML only)."""

    lam: np.ndarray
    psi: np.ndarray
    theta: np.ndarray
    mu: np.ndarray | None = None

    def implied_cov(self) -> np.ndarray:
        """Model-implied covariance ``Lambda Psi Lambda' + diag(theta)``."""
        return self.lam @ self.psi @ self.lam.T + np.diag(self.theta)


@dataclass(frozen=True, repr=False)
class CFAResult:
    """Result of :func:`cfa`.

    Attributes
    ----------
    fit : Series
        ``chi2, df, pvalue, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, srmr``, the baseline
        model's ``baseline_chi2, baseline_df`` and ``n``.
    loadings : DataFrame
        One row per item: ``factor``, ``item``, ``estimate`` (unstandardized; first item of each
        factor fixed to 1) and ``std`` (completely standardized, lavaan's ``std.all``).
    factor_corr : DataFrame
        Factor correlations.
    residual_variances : Series
        Unstandardized residual (error) variances of the items.
    parameters : Parameters
        Estimated matrices (for :func:`kitlib.validity` and further work).
    sample_cov : DataFrame
        Covariance matrix (divisor N) the model was fitted to (FIML: the saturated-model estimate).
    model : dict
    missing : {"listwise", "fiml"}
        The method actually used (``cfa(missing="auto")`` resolves to one of them).
    n_dropped : int
        Respondents who answered some but not all items and were therefore left out
        (listwise deletion); 0 under FIML, which uses them.  ``fit["n"]`` is the n used.
    listwise_loss : float
        Share of the respondents with at least one answer who miss some item, i.e. what
        listwise deletion drops (or would drop); ``missing="auto"`` compares it with
        ``max_listwise_loss``.
    """

    fit: pd.Series
    loadings: pd.DataFrame
    factor_corr: pd.DataFrame
    residual_variances: pd.Series
    parameters: Parameters
    sample_cov: pd.DataFrame
    model: dict
    missing: str
    n_dropped: int = 0
    listwise_loss: float = 0.0

    def __repr__(self) -> str:
        f = self.fit
        dropped = f", {self.n_dropped} incomplete dropped" if self.n_dropped else ""
        return (
            f"CFAResult({len(self.model)} factors, {len(self.loadings)} items, n={int(f['n'])}, missing={self.missing!r}{dropped})\n"
            f"chi2={f['chi2']:.3f} df={int(f['df'])} p={f['pvalue']:.3g} CFI={f['cfi']:.3f} TLI={f['tli']:.3f} "
            f"RMSEA={f['rmsea']:.3f} [{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}] SRMR={f['srmr']:.3f}\n"
            f"standardized loadings:\n{self.loadings.set_index(['factor', 'item'])['std'].round(3).to_string()}"
        )


def lavaan_syntax(model: dict[str, list[str]]) -> str:
    """``{factor: [items]}`` as lavaan/semopy measurement syntax (``F =~ a + b + c``)."""
    return "\n".join(f"{factor} =~ {' + '.join(items)}" for factor, items in model.items())


def fit_ml_covariance(sample_cov: pd.DataFrame, n: int, model: dict[str, list[str]]) -> Parameters:
    """ML estimates of a simple-structure CFA from a covariance matrix (divisor N), via semopy."""
    import semopy  # imported on first fit: it loads sympy, which costs ~0.3 s at ``import kitlib``

    sem = semopy.Model(lavaan_syntax(model))
    outcome = sem.fit(cov=sample_cov, n_samples=n, obj="MLW", options={"ftol": 1e-12, "maxiter": 10000})
    if not getattr(outcome, "success", True):
        raise AnalysisInputError(
            f"cfa: the estimation did not converge ({outcome.message}); check the model "
            "(at least 3 items per factor helps) and that items are not nearly collinear"
        )
    estimates = sem.inspect()
    items = list(sample_cov.columns)
    factors = list(model)
    lam = np.zeros((len(items), len(factors)))
    psi = np.zeros((len(factors), len(factors)))
    theta = np.zeros(len(items))
    for row in estimates.itertuples(index=False):
        value = float(row.Estimate)
        if row.op == "~" and row.rval in factors:
            lam[items.index(row.lval), factors.index(row.rval)] = value
        elif row.op == "~~" and row.lval in factors:
            i, j = factors.index(row.lval), factors.index(row.rval)
            psi[i, j] = psi[j, i] = value
        elif row.op == "~~" and row.lval == row.rval:
            theta[items.index(row.lval)] = value
    return Parameters(lam=lam, psi=psi, theta=theta)


def _n_free(model: dict[str, list[str]]) -> int:
    """Free parameters of a marker-identified CFA without means."""
    k = len(model)
    n_items = sum(len(items) for items in model.values())
    return (n_items - k) + k * (k + 1) // 2 + n_items


def ml_discrepancy(sample_cov: np.ndarray, implied_cov: np.ndarray) -> float:
    """ML fit function ``log|Sigma| - log|S| + tr(S Sigma^-1) - p``."""
    _, logdet_implied = np.linalg.slogdet(implied_cov)
    _, logdet_sample = np.linalg.slogdet(sample_cov)
    return float(logdet_implied - logdet_sample + np.trace(np.linalg.solve(implied_cov, sample_cov)) - len(sample_cov))


def _standardized(parameters: Parameters, items, model) -> tuple[pd.DataFrame, pd.DataFrame]:
    implied_sd = np.sqrt(np.diag(parameters.implied_cov()))
    factor_sd = np.sqrt(np.diag(parameters.psi))
    factors = list(model)
    rows = []
    for f, factor in enumerate(factors):
        for item in model[factor]:
            i = items.index(item)
            estimate = parameters.lam[i, f]
            rows.append({"factor": factor, "item": item, "estimate": estimate, "std": estimate * factor_sd[f] / implied_sd[i]})
    corr = parameters.psi / np.outer(factor_sd, factor_sd)
    return pd.DataFrame(rows), pd.DataFrame(corr, index=factors, columns=factors)


def listwise_loss(df: pd.DataFrame, items) -> tuple[int, int, float]:
    """``(n_answered, n_complete, loss)`` of ``items``: respondents with at least one answer, with all answers,
    and the share of the former that listwise deletion drops (0 when nobody answered)."""
    answered = df[list(items)].notna()
    n_answered = int(answered.any(axis=1).sum())
    n_complete = int(answered.all(axis=1).sum())
    return n_answered, n_complete, (n_answered - n_complete) / n_answered if n_answered else 0.0


def choose_missing(df: pd.DataFrame, items, max_listwise_loss: float = MAX_LISTWISE_LOSS) -> str:
    """The method ``cfa(missing="auto")`` uses: ``"fiml"`` when listwise deletion would drop more than
    ``max_listwise_loss`` of the respondents who answered anything, else ``"listwise"``."""
    if not 0 <= max_listwise_loss <= 1:
        raise OptionError(f"cfa: max_listwise_loss must be a share between 0 and 1, not {max_listwise_loss}")
    return "fiml" if listwise_loss(df, items)[2] > max_listwise_loss else "listwise"


def cfa(df: pd.DataFrame, model: dict[str, list[str]], missing: str = "auto",
        max_listwise_loss: float = MAX_LISTWISE_LOSS) -> CFAResult:
    """Fit a confirmatory factor model ``{factor: [items]}`` by maximum likelihood.

    Each item loads on one factor; the first item of each factor is the marker
    (loading fixed to 1, as lavaan's default); factors correlate freely.

    Parameters
    ----------
    df : DataFrame
        Item responses (other columns are ignored).
    model : dict of str to list of str
        Measurement model, e.g. ``codebook.servqual_model("P")``.
    missing : {"auto", "listwise", "fiml"}
        ``"listwise"`` drops respondents with a missing item (lavaan's default);
        ``"fiml"`` uses every answer by full information ML (lavaan ``missing = "ml"``);
        ``"auto"`` (default) uses FIML when listwise deletion would drop more than
        ``max_listwise_loss`` of the respondents who answered at least one item, else
        listwise (so complete data are fitted exactly as with ``"listwise"``).
    max_listwise_loss : float, default 0.10
        Largest share of respondents ``"auto"`` lets listwise deletion drop.

    Returns
    -------
    CFAResult
        ``fit`` (chi2, df, pvalue, cfi, tli, rmsea, rmsea_ci_low/high, srmr, and ``n``, the
        respondents used), ``loadings`` (standardized in ``std``), ``factor_corr``;
        ``missing`` says which method was used, ``n_dropped`` how many incomplete
        respondents listwise deletion left out.

    Raises
    ------
    AnalysisInputError
        Malformed model, a factor with fewer than 2 items (3 for a one-factor model), items
        missing or non-numeric or constant, fewer respondents than free parameters, singular
        covariance matrix, no convergence.

    Notes
    -----
    Estimation uses semopy (ML, "MLW" objective) on the sample covariance
    matrix with divisor N, exactly the sufficient statistics lavaan uses, so the
    estimates equal lavaan's and the fit needs no pass over the raw data.
    Fit indices (chi2, CFI, TLI, RMSEA with 90% CI, SRMR) are computed the
    lavaan way in :mod:`kitlib.psychometrics.confirmatory`.  ``missing="fiml"`` uses full
    information ML on every respondent with at least one answer
    (:mod:`kitlib.psychometrics.fiml`, as lavaan's ``missing = "ml"``, which also
    leaves out respondents without any answer).

    Missing answers: listwise deletion is unbiased only when answers are missing
    completely at random and wastes every incomplete respondent; FIML is unbiased
    under the weaker missing-at-random assumption and uses every answer (Enders
    2010; Little & Rubin 2019).  With few incomplete respondents the two agree
    closely and listwise is what most readers expect, hence ``"auto"``: listwise
    up to ``max_listwise_loss`` (default 10%) of the respondents, FIML beyond.

    Example
    -------
    >>> import pandas as pd
    >>> import kitlib as kl
    >>> hs = pd.read_csv("tests/fixtures/data/holzinger_swineford.csv")
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> float(round(kl.cfa(hs, model).fit["chi2"], 3))
    85.306

    References
    ----------
    Brown, T. A. (2015). *Confirmatory Factor Analysis for Applied Research* (2nd ed.). Guilford.
    Rosseel, Y. (2012). lavaan. *Journal of Statistical Software*, 48(2), 1–36.
    Enders, C. K. (2010). *Applied Missing Data Analysis*. Guilford.
    Little, R. J. A., & Rubin, D. B. (2019). *Statistical Analysis with Missing Data* (3rd ed.). Wiley.
    """
    check_choice(missing, MISSING, "cfa: missing")
    if not 0 <= max_listwise_loss <= 1:
        raise OptionError(f"cfa: max_listwise_loss must be a share between 0 and 1, not {max_listwise_loss}")
    one_factor = isinstance(model, Mapping) and len(model) == 1
    model = check_model(df, model, min_items=3 if one_factor else 2, what="cfa")
    items = [item for members in model.values() for item in members]
    n_free = _n_free(model)
    numeric_items(df, items, min_items=3, min_rows=0, what="cfa", listwise=False)  # named, numeric, not constant
    if missing == "auto":
        missing = choose_missing(df, items, max_listwise_loss)
    n_answered, n_complete, loss = listwise_loss(df, items)
    if missing == "fiml":
        from kitlib.psychometrics.fiml import fit_fiml

        data = numeric_items(df, items, min_items=3, min_rows=n_free + 1, what="cfa", listwise=False)
        data = data.dropna(how="all")
        fitted = fit_fiml(data, model, fit_ml_covariance)
        parameters, sample_cov, n = fitted.parameters, fitted.sample_cov, len(data)
        chi2, baseline_chi2 = fitted.chi2, fitted.baseline_chi2
        srmr_value = srmr(sample_cov, parameters.implied_cov(), fitted.sample_mean, parameters.mu)
    else:
        data = numeric_items(df, items, min_items=3, min_rows=n_free + 1, what="cfa")
        n = len(data)
        sample_cov = np.cov(data.to_numpy(), rowvar=False, bias=True)
        check_not_singular(np.corrcoef(data.to_numpy(), rowvar=False), items, what="cfa")
        parameters = fit_ml_covariance(pd.DataFrame(sample_cov, index=items, columns=items), n, model)
        chi2 = n * ml_discrepancy(sample_cov, parameters.implied_cov())
        baseline_chi2 = n * ml_discrepancy(sample_cov, np.diag(np.diag(sample_cov)))
        srmr_value = srmr(sample_cov, parameters.implied_cov())
    p = len(items)
    df_model = p * (p + 1) // 2 - n_free
    fit = fit_indices(chi2, df_model, baseline_chi2, p * (p - 1) // 2, n, srmr_value)
    loadings, factor_corr = _standardized(parameters, items, model)
    return CFAResult(
        fit=fit,
        loadings=loadings,
        factor_corr=factor_corr,
        residual_variances=pd.Series(parameters.theta, index=items, name="residual_variance"),
        parameters=parameters,
        sample_cov=pd.DataFrame(sample_cov, index=items, columns=items),
        model=model,
        missing=missing,
        n_dropped=0 if missing == "fiml" else n_answered - n_complete,
        listwise_loss=loss,
    )



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

    Notes
    -----
    semopy's ``calc_stats`` has no SRMR and no RMSEA confidence interval, and
    divides by ``N - 1`` in RMSEA where lavaan (0.6) divides by ``N``; kitlib
    therefore computes every index from the sample moments and the
    model-implied moments, following ``lavaan:::lav_fit_measures``.

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
