"""NPS per group (provider, department, wave …) with small groups suppressed.

Example
-------
>>> import kitlib as kl
>>> kl.nps_table(kl.load_case("it_firm"), by="provider")  # doctest: +SKIP

References
----------
Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*, 81(12), 46–54.
Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American Statistician*, 70(4), 365–372.
"""

from __future__ import annotations

import pandas as pd

from . import _service as svc
from .nps import nps

STAT_COLUMNS = ["n", "nps", "se", "ci_low", "ci_high", "promoters", "passives", "detractors",
                "promoter_share", "passive_share", "detractor_share"]


def nps_table(survey, by=None, min_group_size: int = 5, confidence: float = 0.95) -> pd.DataFrame:
    """One row per group (or one row overall) with NPS, CI and the promoter/passive/detractor split.

    Parameters
    ----------
    survey : Survey
        With a column of kind ``nps`` (0..10).
    by : str or list of str, optional
    min_group_size : int, default 5
        Groups below it (and complementary siblings) are blanked.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``[by…], n, nps, se, ci_low, ci_high, promoters, passives, detractors,
        promoter_share, passive_share, detractor_share, group_n, suppressed,
        suppression`` (without ``by`` the whole survey is the group); each
        ``by`` column is followed by its codebook value labels
        ``<by>_label_zh`` and ``<by>_label_en`` (e.g. ``内审部``).

    Example
    -------
    >>> import kitlib as kl
    >>> kl.nps_table(kl.load_case("bank"), by="wave")["wave"].tolist()
    ['2025Q4', '2026Q2']

    References
    ----------
    Rocks, B. (2016). *The American Statistician*, 70(4), 365–372.
    """
    survey, min_group_size, keys = svc.check_inputs(survey, "nps_table", min_group_size, by)
    column = svc.single_column(survey, "nps")
    data = survey.data
    groups = data.groupby(keys, dropna=False, sort=True)[column] if keys else [((), data[column])]
    rows = []
    for name, scores in groups:
        name = name if isinstance(name, tuple) else (name,)
        answered = scores.dropna()
        if len(answered) == 0:
            rows.append({**dict(zip(keys, name)), "n": 0})
            continue
        result = nps(answered, confidence)
        rows.append({**dict(zip(keys, name)), "n": result.n, "nps": result.nps, "se": result.se,
                     "ci_low": result.ci_low, "ci_high": result.ci_high, "promoters": result.promoters,
                     "passives": result.passives, "detractors": result.detractors,
                     "promoter_share": result.promoter_share, "passive_share": result.passive_share,
                     "detractor_share": result.detractor_share})
    table = pd.DataFrame(rows).reindex(columns=keys + STAT_COLUMNS)
    table = svc.suppress_groups(table, data, keys, min_group_size, STAT_COLUMNS)
    return svc.add_group_labels(table, survey, keys)
