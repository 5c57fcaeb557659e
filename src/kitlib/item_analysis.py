"""Item analysis of one scale: mean, SD, corrected item-total correlation, alpha if deleted.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> table = kl.item_analysis(survey.data, survey.codebook.items("servqual_P", dimension="responsiveness"))
>>> list(table.columns)
['mean', 'sd', 'r_drop', 'alpha_if_deleted', 'reversed']

References
----------
Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.), ch. 8.
Revelle, W. (2024). *psych*: ``alpha()`` (``item.stats$r.drop``, ``alpha.drop``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import numeric_items
from .codebook import Codebook
from .errors import AnalysisInputError
from .reliability import cronbach_alpha


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

    Respondents with a missing item are dropped (listwise).  Statistics are
    computed after recoding reverse-keyed items as ``min + max - x``.

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
        smallest and largest value observed in ``items`` (as ``psych::reverse.code``).

    Returns
    -------
    DataFrame
        Index ``item``; columns ``mean``, ``sd`` (n - 1), ``r_drop`` (correlation of the item with
        the sum of the other items), ``alpha_if_deleted`` (raw alpha of the other items),
        ``reversed`` (bool).

    Raises
    ------
    AnalysisInputError
        Fewer than 3 items (alpha if deleted needs 2 left) or respondents; non-numeric,
        constant or unknown items.

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
    """
    data = numeric_items(df, items, min_items=3, min_rows=3, what="item_analysis")
    items = list(data.columns)
    keyed, scale = _reverse_items(items, reverse, scale)
    if keyed:
        low, high = scale if scale is not None else (np.nanmin(data.to_numpy()), np.nanmax(data.to_numpy()))
        data[keyed] = low + high - data[keyed]
    values = data.to_numpy()
    cov = np.cov(values, rowvar=False)
    total = values.sum(axis=1)
    rows = {}
    for j, item in enumerate(items):
        others = [i for i in range(len(items)) if i != j]
        rest = total - values[:, j]
        rows[item] = {
            "mean": values[:, j].mean(),
            "sd": values[:, j].std(ddof=1),
            "r_drop": np.corrcoef(values[:, j], rest)[0, 1],
            "alpha_if_deleted": cronbach_alpha(cov[np.ix_(others, others)]),
            "reversed": item in keyed,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "item"
    return table
