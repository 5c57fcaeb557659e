"""Internal consistency of a scale: Cronbach's alpha (Feldt CI), standardized alpha, McDonald's omega total,
and the item analysis behind them (corrected item-total correlation, alpha if an item is deleted).

Each scale (and the item-total statistics of its items) uses the respondents who
answered all of *that* scale's items, whatever they left blank elsewhere; the
tables say how many (``n``).  Item means and SDs are also given over every
answer to the item (``n_answered``, ``mean_answered``, ``sd_answered``).

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> table = kl.reliability(survey.data, survey.codebook.servqual_model("P"))
>>> list(table.columns)
['n_items', 'n', 'alpha', 'std_alpha', 'alpha_ci_low', 'alpha_ci_high', 'omega_total']
>>> table = kl.item_analysis(survey.data, survey.codebook.items("servqual_P", dimension="responsiveness"))
>>> list(table.columns)
['n', 'mean', 'sd', 'r_drop', 'alpha_if_deleted', 'reversed', 'n_answered', 'mean_answered', 'sd_answered']

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*, 16, 297–334.
Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha.
*Applied Psychological Measurement*, 11(1), 93–103.
McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.
Revelle, W. (2024). *psych*: ``alpha()``, ``alpha.ci()``, ``omega()``.
Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.), ch. 8.
Revelle, W. (2024). *psych*: ``alpha()`` (``item.stats$r.drop``, ``alpha.drop``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from kitlib._checks import check_not_singular, numeric_items
from kitlib.data.codebook import Codebook
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.psychometrics._factor_analyzer import fit_factor_analyzer

__all__ = ["cronbach_alpha", "feldt_ci", "item_analysis", "omega_total", "reliability"]


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
    raise OptionError("reliability: scales must be {scale: [items]} or a list of items of one scale")


def reliability(df: pd.DataFrame, scales, ci: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha with Feldt confidence interval, standardized alpha and omega total per scale.

    Each scale uses the respondents who answered all *its* items (listwise
    deletion within the scale: a blank in another scale costs nothing), and
    says how many in ``n``.  Reverse-keyed items must already be recoded
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
        Index ``scale``; columns ``n_items``, ``n`` (respondents who answered every item of
        the scale: the rows alpha, its interval and omega use), ``alpha`` (raw), ``std_alpha``
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

    Notes
    -----
    ``psych::alpha`` by default (``use = "pairwise"``) builds the covariance
    matrix from pairwise-complete answers, which mixes different respondents in
    one coefficient and has no single ``n`` for the Feldt interval; kitlib
    follows ``psych::alpha(na.omit(items))`` instead, so alpha, its interval and
    omega refer to one set of ``n`` respondents.  On complete data the two agree.
    """
    if not 0 < ci < 1:
        raise OptionError(f"reliability: ci must be between 0 and 1, not {ci}")
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



def _reverse_items(items: list[str], reverse, scale) -> tuple[list[str], tuple[float, float] | None]:
    if reverse is None:
        return [], scale
    if isinstance(reverse, Codebook):
        columns = [reverse.columns[i] for i in items if i in reverse.columns]
        keyed = [c.id for c in columns if c.reverse]
        if keyed and scale is None:
            bounds = {(c.scale_min, c.scale_max) for c in columns if c.reverse}
            if len(bounds) == 1 and None not in next(iter(bounds)):
                scale = next(iter(bounds))
        return keyed, scale
    keyed = [reverse] if isinstance(reverse, str) else list(reverse)
    unknown = [i for i in keyed if i not in items]
    if unknown:
        raise AnalysisInputError(f"item_analysis: reverse-keyed item(s) {', '.join(unknown)} are not among the items")
    return keyed, scale


def item_analysis(df: pd.DataFrame, items, reverse=None, scale=None) -> pd.DataFrame:
    """Per item: mean, SD, corrected item-total correlation (``r_drop``) and alpha if the item is deleted.

    Statistics are computed after recoding reverse-keyed items as ``min + max - x``.
    ``r_drop``, ``alpha_if_deleted``, ``mean`` and ``sd`` use the scale's complete
    cases (the ``n`` respondents who answered all its items, as in ``reliability``);
    ``n_answered``, ``mean_answered`` and ``sd_answered`` use every answer to the item
    (pairwise), so no answer is lost to another item's blank.

    Parameters
    ----------
    df : DataFrame
        Item responses.
    items : list of str
        The items of one scale.
    reverse : list of str or Codebook, optional
        Reverse-keyed items to recode first, or a codebook whose ``reverse: true`` columns
        are recoded.  **Do not** pass it for ``Survey.data``: ``kl.load_survey`` has already
        recoded reverse-keyed items.
    scale : (float, float), optional
        Response scale ``(min, max)`` for recoding; default the codebook's scale, else the
        smallest and largest answer given to ``items`` (as ``psych::reverse.code``).

    Returns
    -------
    DataFrame
        Index ``item``; columns ``n`` (complete cases of the scale), ``mean``, ``sd`` (n - 1),
        ``r_drop`` (correlation of the item with the sum of the other items), ``alpha_if_deleted``
        (raw alpha of the other items), ``reversed`` (bool), and the pairwise item statistics
        ``n_answered``, ``mean_answered``, ``sd_answered`` (everyone who answered the item).

    Raises
    ------
    AnalysisInputError
        Fewer than 3 items (alpha if deleted needs 2 left) or complete respondents; non-numeric,
        constant or unknown items.

    Notes
    -----
    Missing answers are handled as the field does it (Revelle's ``psych::alpha``
    reports item means and SDs over all answers, SPSS RELIABILITY and
    ``psych::alpha`` on ``na.omit`` data compute item-total statistics on complete
    cases): a correlation with "the sum of the other items" and an "alpha if
    deleted" need every item of a respondent, so they use the scale's complete
    cases -- the same rows as the scale's alpha in :func:`reliability`, so
    ``alpha_if_deleted`` compares like with like; an item's own mean and SD need
    only that item, so ``*_answered`` use all its answers.  On complete data both
    sets are equal.  (``psych::alpha``'s default ``use = "pairwise"`` also computes
    ``r.drop`` from pairwise covariances; kitlib does not, as a pairwise covariance
    matrix need not be a covariance matrix of any one set of respondents.)

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [5, 3, 3, 2, 1]})
    >>> item_analysis(df, ["a", "b", "c"], reverse=["c"], scale=(1, 5))["r_drop"].round(2).tolist()
    [0.99, 0.9, 0.92]

    References
    ----------
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.), ch. 8.
    Revelle, W. (2024). *psych*: ``alpha()``.
    Little, R. J. A., & Rubin, D. B. (2019). *Statistical Analysis with Missing Data* (3rd ed.), §3.2–3.4.
    """
    data = numeric_items(df, items, min_items=3, min_rows=3, what="item_analysis")
    answers = numeric_items(df, items, min_items=3, min_rows=3, what="item_analysis", listwise=False)
    items = list(data.columns)
    keyed, scale = _reverse_items(items, reverse, scale)
    if keyed:
        low, high = scale if scale is not None else (np.nanmin(answers.to_numpy()), np.nanmax(answers.to_numpy()))
        data[keyed] = low + high - data[keyed]
        answers[keyed] = low + high - answers[keyed]
    values = data.to_numpy()
    cov = np.cov(values, rowvar=False)
    total = values.sum(axis=1)
    rows = {}
    for j, item in enumerate(items):
        others = [i for i in range(len(items)) if i != j]
        rest = total - values[:, j]
        given = answers[item].dropna().to_numpy()
        rows[item] = {
            "n": len(values),
            "mean": values[:, j].mean(),
            "sd": values[:, j].std(ddof=1),
            "r_drop": np.corrcoef(values[:, j], rest)[0, 1],
            "alpha_if_deleted": cronbach_alpha(cov[np.ix_(others, others)]),
            "reversed": item in keyed,
            "n_answered": len(given),
            "mean_answered": given.mean(),
            "sd_answered": given.std(ddof=1) if len(given) > 1 else float("nan"),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "item"
    return table
