"""Convergent and discriminant validity: composite reliability, AVE, Fornell–Larcker, HTMT.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.validity(survey.data, survey.codebook.servqual_model("P"))
>>> list(result.table.columns)[:3]
['composite_reliability', 'ave', 'sqrt_ave']

References
----------
Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables
and measurement error. *Journal of Marketing Research*, 18, 39–50.
Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing discriminant validity
in variance-based SEM. *Journal of the Academy of Marketing Science*, 43, 115–135.
Roemer, E., Schuberth, F., & Henseler, J. (2021). HTMT2. *Industrial Management & Data Systems*, 121, 2637–2650.
Jorgensen, T. D., et al. (2022). *semTools*: ``compRelSEM()``, ``AVE()``, ``htmt()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kitlib._checks import check_choice, check_model, numeric_items
from kitlib.errors import AnalysisInputError
from kitlib.psychometrics.confirmatory import CFAResult, cfa

__all__ = ["htmt", "validity", "ValidityResult"]


@dataclass(frozen=True, repr=False)
class ValidityResult:
    """Result of :func:`validity`.

    Attributes
    ----------
    table : DataFrame
        Per factor: ``composite_reliability``, ``ave``, ``sqrt_ave``, ``max_shared_variance``
        (largest squared correlation with another factor), ``max_abs_corr``,
        ``fornell_larcker`` (``sqrt_ave > max_abs_corr``).
    htmt : DataFrame
        Heterotrait–monotrait ratios (lower triangle; < 0.85 supports discriminant validity).
    factor_corr : DataFrame
        CFA factor correlations.
    cfa : CFAResult
    """

    table: pd.DataFrame
    htmt: pd.DataFrame
    factor_corr: pd.DataFrame
    cfa: CFAResult

    def __repr__(self) -> str:
        return (
            f"ValidityResult(n={int(self.cfa.fit['n'])})\n{self.table.round(3).to_string()}\n"
            f"HTMT:\n{self.htmt.round(3).to_string(na_rep='')}"
        )


def htmt(df: pd.DataFrame, model: dict[str, list[str]], mean: str = "geometric") -> pd.DataFrame:
    """Heterotrait–monotrait ratio of correlations for every pair of factors, as ``semTools::htmt``.

    Uses absolute Pearson correlations of complete cases.  ``mean="geometric"`` is HTMT2
    (Roemer et al. 2021; semTools' default ``htmt2 = TRUE``), ``"arithmetic"`` the original
    HTMT (Henseler et al. 2015).

    Example
    -------
    >>> import pandas as pd
    >>> hs = pd.read_csv("tests/fixtures/data/holzinger_swineford.csv")
    >>> m = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}
    >>> float(round(htmt(hs, m).loc["textual", "visual"], 3))
    0.384
    """
    check_choice(mean, ("geometric", "arithmetic"), "htmt: mean")
    model = check_model(df, model, min_items=2, what="htmt")
    items = [item for members in model.values() for item in members]
    corr = numeric_items(df, items, what="htmt").corr().abs()
    average = (lambda v: float(np.exp(np.log(v).mean()))) if mean == "geometric" else (lambda v: float(np.mean(v)))
    within = {}
    for factor, members in model.items():
        block = corr.loc[members, members].to_numpy()
        within[factor] = average(block[np.triu_indices_from(block, k=1)])
    factors = list(model)
    table = pd.DataFrame(np.nan, index=factors, columns=factors)
    for i, a in enumerate(factors):
        table.loc[a, a] = 1.0
        for b in factors[:i]:
            between = average(corr.loc[model[a], model[b]].to_numpy().ravel())
            table.loc[a, b] = between / np.sqrt(within[a] * within[b])
    return table


def validity(df: pd.DataFrame, model: dict[str, list[str]]) -> ValidityResult:
    """Composite reliability, AVE, Fornell–Larcker criterion and HTMT of a measurement model.

    Fits :func:`kitlib.cfa` (listwise) and reports, per factor ``f`` with loadings
    ``lambda``, factor variance ``psi`` and observed item covariance matrix ``S`` (divisor N):

    * ``composite_reliability = (sum lambda)^2 psi / (1' S 1)`` — semTools' ``compRelSEM``
      default (``obs.var = TRUE``: observed total-score variance in the denominator);
    * ``ave = sum(lambda^2) psi / sum(diag S)`` — semTools' ``AVE`` (the share of item
      variance the factor explains);
    * Fornell–Larcker: ``sqrt(ave)`` should exceed the factor's correlations with the others;
      ``max_shared_variance`` is the largest squared factor correlation (should be < AVE);
    * HTMT2 (:func:`htmt`).

    Parameters
    ----------
    df : DataFrame
        Item responses.
    model : dict of str to list of str
        At least two factors, e.g. ``codebook.servqual_model("P")``.

    Returns
    -------
    ValidityResult

    Raises
    ------
    AnalysisInputError
        As :func:`kitlib.cfa`; fewer than two factors.

    Example
    -------
    >>> import pandas as pd
    >>> import kitlib as kl
    >>> hs = pd.read_csv("tests/fixtures/data/holzinger_swineford.csv")
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> float(round(kl.validity(hs, model).table.loc["textual", "ave"], 3))
    0.721

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). *Journal of Marketing Research*, 18, 39–50.
    Raykov, T. (1997). Estimation of composite reliability for congeneric measures.
    *Applied Psychological Measurement*, 21, 173–184.
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). *JAMS*, 43, 115–135.
    """
    model = check_model(df, model, min_items=2, what="validity")
    if len(model) < 2:
        raise AnalysisInputError("validity compares factors with each other; the model needs at least two factors")
    fitted = cfa(df, model, missing="listwise")
    lam, psi = fitted.parameters.lam, fitted.parameters.psi
    sample_cov = fitted.sample_cov
    corr = fitted.factor_corr
    rows = {}
    for f, (factor, members) in enumerate(model.items()):
        loadings = lam[[sample_cov.index.get_loc(i) for i in members], f]
        block = sample_cov.loc[members, members].to_numpy()
        ave = float((loadings**2).sum() * psi[f, f] / np.trace(block))
        others = corr.loc[factor].drop(factor).abs()
        rows[factor] = {
            "composite_reliability": float(loadings.sum() ** 2 * psi[f, f] / block.sum()),
            "ave": ave,
            "sqrt_ave": np.sqrt(ave),
            "max_shared_variance": float(others.max() ** 2),
            "max_abs_corr": float(others.max()),
            "fornell_larcker": bool(np.sqrt(ave) > others.max()),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "factor"
    return ValidityResult(table=table, htmt=htmt(df, model), factor_corr=corr, cfa=fitted)
