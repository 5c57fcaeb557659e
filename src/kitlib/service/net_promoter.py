"""Net Promoter Score (NPS, eNPS for employees) with its trinomial standard error, overall and per group.

Net Promoter Score (NPS, or eNPS for employees) with its standard error.

NPS per group (provider, department, wave …) with small groups suppressed.

Example
-------
>>> from kitlib.service.net_promoter import nps
>>> result = nps([10, 9, 8, 7, 6, 3, 10, 10])
>>> result.nps, result.promoters, result.detractors
(25.0, 4, 2)
>>> import kitlib as kl
>>> kl.nps_table(kl.load_case("it_firm"), by="provider")  # doctest: +SKIP

References
----------
Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*, 81(12), 46–54.
Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American
Statistician*, 70(4), 365–372.
Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American Statistician*, 70(4), 365–372.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kitlib._checks import check_confidence
from kitlib.errors import AnalysisInputError
from kitlib.service import _shared as svc

__all__ = ["nps", "nps_table", "NPSResult"]

PROMOTER_MIN = 9
DETRACTOR_MAX = 6


@dataclass(frozen=True)
class NPSResult:
    """NPS on the −100..100 scale with its trinomial standard error and CI."""

    nps: float
    se: float
    ci_low: float
    ci_high: float
    promoters: int
    passives: int
    detractors: int
    n: int
    confidence: float = 0.95

    @property
    def promoter_share(self) -> float:
        return self.promoters / self.n

    @property
    def passive_share(self) -> float:
        return self.passives / self.n

    @property
    def detractor_share(self) -> float:
        return self.detractors / self.n

    def __repr__(self) -> str:
        return (
            f"NPS {self.nps:+.1f} ({self.confidence:.0%} CI {self.ci_low:+.1f} to {self.ci_high:+.1f}; "
            f"n={self.n}: {self.promoters} promoters, {self.passives} passives, {self.detractors} detractors)"
        )


def nps(scores, confidence: float = 0.95) -> NPSResult:
    """Net Promoter Score of 0–10 answers, with standard error and confidence interval.

    Parameters
    ----------
    scores : array-like of numbers 0..10
        Missing answers (NaN) are ignored.
    confidence : float, default 0.95

    Returns
    -------
    NPSResult
        ``nps`` (−100..100), ``se`` (in NPS points), ``ci_low``, ``ci_high``,
        ``promoters``, ``passives``, ``detractors`` (counts), ``n``.

    Raises
    ------
    AnalysisInputError
        No answers, or answers outside 0..10 or not whole numbers.

    Notes
    -----
    On the 0–10 "would you recommend" scale, promoters answer 9–10, passives
    7–8 and detractors 0–6.  With shares p₊ and p₋ among n answers,

        NPS = 100 · (p₊ − p₋)
        Var(p₊ − p₋) = (p₊ + p₋ − (p₊ − p₋)²) / n       (trinomial)
        CI = NPS ± z · 100 · sqrt(Var),  clipped to [−100, 100]

    Example
    -------
    >>> nps([9, 10, 0]).n
    3

    References
    ----------
    Rocks, B. (2016). *The American Statistician*, 70(4), 365–372 (trinomial variance).
    """
    try:
        values = np.asarray(scores, dtype=float).ravel()
    except (TypeError, ValueError):
        raise AnalysisInputError("nps() needs numbers 0..10 (answers to 'how likely are you to recommend ...')") from None
    check_confidence(confidence)
    values = values[~np.isnan(values)]
    if values.size == 0:
        raise AnalysisInputError("nps() got no answers (all missing or empty)")
    bad = values[(values < 0) | (values > 10) | (values != np.round(values))]
    if bad.size:
        raise AnalysisInputError(f"NPS answers must be whole numbers 0..10; found {bad[:5].tolist()}")
    n = values.size
    promoters = int((values >= PROMOTER_MIN).sum())
    detractors = int((values <= DETRACTOR_MAX).sum())
    p_promoters, p_detractors = promoters / n, detractors / n
    difference = p_promoters - p_detractors
    variance = (p_promoters + p_detractors - difference**2) / n
    se = 100 * np.sqrt(variance)
    z = stats.norm.ppf(0.5 + confidence / 2)
    score = 100 * difference
    return NPSResult(
        nps=float(score), se=float(se),
        ci_low=float(max(-100.0, score - z * se)), ci_high=float(min(100.0, score + z * se)),
        promoters=promoters, passives=n - promoters - detractors, detractors=detractors, n=n, confidence=confidence,
    )



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
