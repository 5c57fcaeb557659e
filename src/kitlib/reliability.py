"""Scale reliability: Cronbach's alpha (with Feldt CI), standardized alpha, McDonald's omega total.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> table = kl.reliability(survey.data, survey.codebook.servqual_model("P"))
>>> list(table.columns)
['n_items', 'n', 'alpha', 'std_alpha', 'alpha_ci_low', 'alpha_ci_high', 'omega_total']

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*, 16, 297–334.
Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha.
*Applied Psychological Measurement*, 11(1), 93–103.
McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.
Revelle, W. (2024). *psych*: ``alpha()``, ``alpha.ci()``, ``omega()``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import check_not_singular, numeric_items
from ._factor_analyzer import fit_factor_analyzer
from .errors import AnalysisInputError


def cronbach_alpha(cov: np.ndarray) -> float:
    """Cronbach's alpha of a covariance (or, for standardized alpha, correlation) matrix."""
    k = cov.shape[0]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt (1987) F-based confidence interval of alpha, as ``psych::alpha.ci``.

    ``1 - (1 - alpha) * F_{1-a/2}`` (lower) and ``1 - (1 - alpha) * F_{a/2}`` (upper), with
    ``F`` on ``n - 1`` and ``(n - 1)(k - 1)`` degrees of freedom and ``a = 1 - level``.
    (pingouin's ``cronbach_alpha`` uses the same formula but rounds the bounds to 3 decimals.)
    """
    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    return float(low), float(high)


def omega_total(corr: np.ndarray) -> float:
    """McDonald's omega total from a one-factor minres solution, as ``psych::omega(nfactors=1)``.

    ``omega_t = 1 - sum(1 - h2) / sum(R)``: the share of the total-score variance
    (of standardized items) that is common variance.  NaN for fewer than 3 items
    (one factor is not identified).
    """
    if corr.shape[0] < 3:
        return float("nan")
    analyzer = fit_factor_analyzer(corr, 1, method="minres", rotation=None, is_corr_matrix=True)
    communalities = (analyzer.loadings_**2).sum(axis=1)
    return float(1 - (1 - communalities).sum() / corr.sum())


def _scales(scales) -> dict[str, list[str]]:
    if isinstance(scales, Mapping):
        if not scales:
            raise AnalysisInputError("reliability: scales is empty; pass {scale: [items]}, e.g. codebook.servqual_model('P')")
        return {str(name): list(items) for name, items in scales.items()}
    if isinstance(scales, (list, tuple, pd.Index)):
        return {"scale": list(scales)}
    raise AnalysisInputError("reliability: scales must be {scale: [items]} or a list of items of one scale")


def reliability(df: pd.DataFrame, scales, ci: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha with Feldt confidence interval, standardized alpha and omega total per scale.

    Each scale uses the respondents who answered all its items (listwise
    deletion per scale).  Reverse-keyed items must already be recoded
    (``kl.load_survey`` does it; for raw data see :func:`kitlib.item_analysis`).

    Parameters
    ----------
    df : DataFrame
        Item responses, respondents in rows.
    scales : dict of str to list of str, or list of str
        ``{scale: [items]}`` (e.g. ``codebook.servqual_model("P")``) or the items of one scale.
    ci : float
        Confidence level of the alpha interval.

    Returns
    -------
    DataFrame
        Index ``scale``; columns ``n_items``, ``n``, ``alpha`` (raw), ``std_alpha``
        (from correlations), ``alpha_ci_low``, ``alpha_ci_high`` (Feldt et al. 1987, as
        ``psych::alpha.ci``), ``omega_total`` (McDonald; one-factor minres, as
        ``psych::omega(nfactors = 1)$omega.tot``).

    Raises
    ------
    AnalysisInputError
        Fewer than 2 items or 3 complete respondents in a scale, non-numeric or constant items.

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> float(round(reliability(df, {"all": ["a", "b", "c"]}).loc["all", "alpha"], 3))
    0.954

    References
    ----------
    Cronbach, L. J. (1951). *Psychometrika*, 16, 297–334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). *Applied Psychological Measurement*, 11, 93–103.
    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.
    """
    if not 0 < ci < 1:
        raise AnalysisInputError(f"reliability: ci must be between 0 and 1, not {ci}")
    rows = {}
    for name, items in _scales(scales).items():
        data = numeric_items(df, items, min_items=2, min_rows=3, what=f"reliability of scale '{name}'")
        values = data.to_numpy()
        cov = np.cov(values, rowvar=False)
        corr = np.corrcoef(values, rowvar=False)
        check_not_singular(corr, items, what=f"reliability of scale '{name}'")
        alpha = cronbach_alpha(cov)
        low, high = feldt_ci(alpha, len(data), len(items), ci)
        rows[name] = {
            "n_items": len(items),
            "n": len(data),
            "alpha": alpha,
            "std_alpha": cronbach_alpha(corr),
            "alpha_ci_low": low,
            "alpha_ci_high": high,
            "omega_total": omega_total(corr),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "scale"
    return table
