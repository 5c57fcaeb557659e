"""Net Promoter Score (NPS, or eNPS for employees) with its standard error.

On the 0–10 "would you recommend" scale, promoters answer 9–10, passives
7–8 and detractors 0–6.  With shares p₊ and p₋ among n answers,

    NPS = 100 · (p₊ − p₋)
    Var(p₊ − p₋) = (p₊ + p₋ − (p₊ − p₋)²) / n       (trinomial)
    CI = NPS ± z · 100 · sqrt(Var),  clipped to [−100, 100]

Example
-------
>>> from kitlib.nps import nps
>>> result = nps([10, 9, 8, 7, 6, 3, 10, 10])
>>> result.nps, result.promoters, result.detractors
(25.0, 4, 2)

References
----------
Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*, 81(12), 46–54.
Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American
Statistician*, 70(4), 365–372.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ._checks import check_confidence
from .errors import AnalysisInputError

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
