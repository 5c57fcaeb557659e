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
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.service import _shared as svc

__all__ = ["nps", "nps_row", "nps_table", "NPSResult", "nps_difference", "NPSDifference", "INTERVALS", "PSEUDO_OBSERVATIONS"]

PROMOTER_MIN = 9
DETRACTOR_MAX = 6
INTERVALS = ("wald", "adjusted_wald")
#: Pseudo-observations (detractors, passives, promoters) of the adjusted Wald interval (Rocks 2016; R package NPS).
PSEUDO_OBSERVATIONS = (0.75, 1.5, 0.75)


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
    interval: str = "wald"

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
            f"NPS {self.nps:+.1f} ({self.confidence:.0%} {'adjusted Wald ' if self.interval == 'adjusted_wald' else ''}"
            f"CI {self.ci_low:+.1f} to {self.ci_high:+.1f}; "
            f"n={self.n}: {self.promoters} promoters, {self.passives} passives, {self.detractors} detractors)"
        )


def nps(scores, confidence: float = 0.95, interval: str = "wald") -> NPSResult:
    """Net Promoter Score of 0–10 answers, with standard error and confidence interval.

    Parameters
    ----------
    scores : array-like of numbers 0..10
        Missing answers (NaN) are ignored.
    confidence : float, default 0.95
    interval : {"wald", "adjusted_wald"}, default "wald"
        ``"adjusted_wald"``: Rocks' (2016) adjusted Wald interval, better
        coverage for small groups and NPS near ±100 (see Notes).

    Returns
    -------
    NPSResult
        ``nps`` (−100..100), ``se`` (in NPS points), ``ci_low``, ``ci_high``,
        ``promoters``, ``passives``, ``detractors`` (counts), ``n``,
        ``interval``.

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

    The **adjusted Wald** interval (Rocks 2016; ``NPS::nps_test(test =
    "adjusted.wald")`` with its default ``pseudo_observations = c(0.75, 1.5,
    0.75)``) adds 3 pseudo-observations — ¾ detractor, 1½ passive, ¾
    promoter — to the counts and applies the Wald formula to them:

        ñ = n + 3,  p̃₊ = (n₊ + ¾) / ñ,  p̃₋ = (n₋ + ¾) / ñ,  D̃ = p̃₊ − p̃₋
        CI = 100 · (D̃ ± z · sqrt((p̃₊ + p̃₋ − D̃²) / ñ)),  clipped to [−100, 100]

    The interval is centred on the adjusted D̃ (pulled towards 0); ``nps``
    and ``se`` stay the plain estimate and its trinomial standard error.

    Example
    -------
    >>> nps([9, 10, 0]).n
    3

    References
    ----------
    Rocks, B. (2016). *The American Statistician*, 70(4), 365–372 (trinomial variance, adjusted Wald).
    """
    if interval not in INTERVALS:
        raise OptionError(f"interval must be one of {', '.join(map(repr, INTERVALS))}, not {interval!r}")
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
    score, se = _score_and_se(detractors, n - promoters - detractors, promoters)
    centre, interval_se = _score_and_se(*_interval_counts(detractors, n - promoters - detractors, promoters, interval))
    z = stats.norm.ppf(0.5 + confidence / 2)
    return NPSResult(
        nps=float(score), se=float(se),
        ci_low=float(max(-100.0, centre - z * interval_se)), ci_high=float(min(100.0, centre + z * interval_se)),
        promoters=promoters, passives=n - promoters - detractors, detractors=detractors, n=n, confidence=confidence,
        interval=interval,
    )


def _score_and_se(detractors: float, passives: float, promoters: float) -> tuple[float, float]:
    """NPS and its trinomial standard error (NPS points) from the three counts."""
    n = detractors + passives + promoters
    p_promoters, p_detractors = promoters / n, detractors / n
    difference = p_promoters - p_detractors
    variance = (p_promoters + p_detractors - difference**2) / n
    return 100 * difference, 100 * float(np.sqrt(max(variance, 0.0)))


def _interval_counts(detractors, passives, promoters, interval: str) -> tuple[float, float, float]:
    """The counts an interval is computed from (plus the pseudo-observations for ``adjusted_wald``)."""
    if interval == "adjusted_wald":
        extra_d, extra_p, extra_pro = PSEUDO_OBSERVATIONS
        return detractors + extra_d, passives + extra_p, promoters + extra_pro
    return detractors, passives, promoters


@dataclass(frozen=True)
class NPSDifference:
    """Difference of two independent NPS (a − b) with its z test and confidence interval."""

    difference: float
    se: float
    z: float
    p: float
    ci_low: float
    ci_high: float
    a: NPSResult
    b: NPSResult
    confidence: float = 0.95
    interval: str = "wald"

    @property
    def significant(self) -> bool:
        """Whether the two-sided p-value is below 1 − confidence."""
        return bool(self.p < 1 - self.confidence)

    def __repr__(self) -> str:
        kind = "adjusted Wald " if self.interval == "adjusted_wald" else ""
        return (
            f"NPS difference {self.difference:+.1f} (a {self.a.nps:+.1f}, n={self.a.n}; b {self.b.nps:+.1f}, n={self.b.n}); "
            f"SE {self.se:.2f}, z = {self.z:.3f}, p = {self.p:.4f}; {self.confidence:.0%} {kind}CI "
            f"{self.ci_low:+.1f} to {self.ci_high:+.1f}"
        )


def nps_difference(a, b, confidence: float = 0.95, interval: str = "wald") -> NPSDifference:
    """Test the difference between the NPS of two independent groups or waves (a − b).

    Parameters
    ----------
    a, b : array-like of numbers 0..10, or NPSResult
        Answers of the two groups (different respondents); missing answers
        are ignored.  An :func:`nps` result may be passed instead.
    confidence : float, default 0.95
    interval : {"wald", "adjusted_wald"}, default "wald"
        ``"adjusted_wald"`` adds the pseudo-observations of :func:`nps` to each
        group before the difference, its SE and the test are computed.

    Returns
    -------
    NPSDifference
        ``difference`` (NPS points, a − b), ``se``, ``z``, ``p`` (two-sided),
        ``ci_low``, ``ci_high``, ``a`` and ``b`` (the two :class:`NPSResult`),
        ``significant``.

    Raises
    ------
    AnalysisInputError
        A group without answers, or answers outside 0..10.
    OptionError
        Bad ``confidence`` or ``interval``.

    Notes
    -----
    With shares p₊, p₋ among n answers in each group, D = p₊ − p₋ and the
    trinomial variance V = p₊ + p₋ − D²,

        Δ = 100 · (D_a − D_b)
        SE = 100 · sqrt(V_a / n_a + V_b / n_b)
        z = Δ / SE,   p = 2 · (1 − Φ(|z|)),   CI = Δ ± z_{1−α/2} · SE

    (the two-sample Wald test of ``NPS::nps_test(x, y)``, Rocks 2016, with the
    signed rather than absolute difference).  With ``interval="adjusted_wald"``
    D, V and n of each group come from the counts plus (¾, 1½, ¾)
    pseudo-observations, as ``nps_test(test = "adjusted.wald")``: z, p and
    the CI (centred on the adjusted Δ̃) use them, while ``difference``,
    ``a.nps`` and ``b.nps`` stay the plain scores.  The CI of a difference is
    not clipped (it lies in [−200, 200]).  The groups must be independent
    (different respondents); the same panel answering twice needs a paired
    analysis.

    Example
    -------
    >>> result = nps_difference([10, 9, 9, 8, 10], [3, 6, 9, 7, 5])
    >>> result.difference
    120.0

    References
    ----------
    Rocks, B. (2016). *The American Statistician*, 70(4), 365–372.
    """
    if interval not in INTERVALS:
        raise OptionError(f"interval must be one of {', '.join(map(repr, INTERVALS))}, not {interval!r}")
    check_confidence(confidence)
    groups = [group if isinstance(group, NPSResult) else nps(group, confidence, interval) for group in (a, b)]
    centres, variances = [], []
    for group in groups:
        counts = _interval_counts(group.detractors, group.passives, group.promoters, interval)
        score, se = _score_and_se(*counts)
        centres.append(score)
        variances.append(se**2)
    difference = centres[0] - centres[1]
    se = float(np.sqrt(variances[0] + variances[1]))
    z_crit = stats.norm.ppf(0.5 + confidence / 2)
    if se > 0:
        z = difference / se
        p = float(2 * stats.norm.sf(abs(z)))
    else:  # both groups unanimous: no sampling variation
        z = 0.0 if difference == 0 else float(np.sign(difference) * np.inf)
        p = 1.0 if difference == 0 else 0.0
    return NPSDifference(
        difference=float(groups[0].nps - groups[1].nps),
        se=se, z=float(z), p=p, ci_low=float(difference - z_crit * se), ci_high=float(difference + z_crit * se),
        a=groups[0], b=groups[1], confidence=confidence, interval=interval,
    )



STAT_COLUMNS = ["n", "n_rows", "nps", "se", "ci_low", "ci_high", "promoters", "passives", "detractors",
                "promoter_share", "passive_share", "detractor_share"]


def nps_row(scores: pd.Series, ids: pd.Series | None = None, confidence: float = 0.95, interval: str = "wald") -> dict:
    """One group's NPS as a table row, with ``n`` = distinct respondents.

    Parameters
    ----------
    scores : Series
        The group's 0–10 answers (NaN = not answered).
    ids : Series, optional
        Respondent ids aligned with ``scores`` when a respondent can give
        several ratings (:func:`kitlib.service._shared.person_ids`); ``None``
        means one rating per respondent.
    confidence : float, default 0.95
    interval : {"wald", "adjusted_wald"}, default "wald"

    Returns
    -------
    dict
        ``n`` (respondents who answered; 0 and nothing else when nobody
        did), ``nps``, ``se``, ``ci_low``, ``ci_high``, ``promoters``,
        ``passives``, ``detractors`` (ratings), the three shares and, with
        ``ids``, ``n_rows`` (ratings).

    Notes
    -----
    The score stays the NPS of the ratings.  With several ratings per
    respondent they are not independent, so the standard error is the
    cluster-robust (CR0) one of the mean of ``s = 100 · (promoter −
    detractor)`` over N ratings in clusters g (respondents):

        Var(NPS) = Σ_g (Σ_{i ∈ g} (s_i − NPS))² / N²

    which equals the trinomial variance when every respondent gives one
    rating.  It is R's ``sandwich::vcovCL(lm(s ~ 1), cluster = ~respondent,
    type = "HC0", cadjust = FALSE)``, checked to 1e-9 in the tests
    (``tests/fixtures/r/nps_clustered.R``).  The interval of :func:`nps` is widened by SE_cluster / SE_trinomial
    (the square root of Kish's design effect) around its centre.

    Example
    -------
    >>> row = nps_row(pd.Series([10, 10, 0, 0]), pd.Series([1, 1, 2, 2]))
    >>> row["n"], row["n_rows"], row["nps"], round(row["se"], 2)  # trinomial SE of 4 independent ratings: 50.0
    (2, 4, 0.0, 70.71)

    References
    ----------
    Rocks, B. (2016). *The American Statistician*, 70(4), 365–372.
    Kish, L. (1965). *Survey Sampling*, section 8.2 (design effect). Wiley.
    Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
    *Journal of Human Resources*, 50(2), 317–372.
    Zeileis, A., Köll, S., & Graham, N. (2020). Various versatile variances: an object-oriented
    implementation of clustered covariances in R. *Journal of Statistical Software*, 95(1), 1–36.
    """
    answered = scores.dropna()
    rows_used = {} if ids is None else {"n_rows": int(len(answered))}
    if len(answered) == 0:
        return {"n": 0, **rows_used}
    result = nps(answered, confidence, interval)
    row = {"n": result.n, **rows_used, "nps": result.nps, "se": result.se, "ci_low": result.ci_low, "ci_high": result.ci_high,
           "promoters": result.promoters, "passives": result.passives, "detractors": result.detractors,
           "promoter_share": result.promoter_share, "passive_share": result.passive_share,
           "detractor_share": result.detractor_share}
    if ids is None:
        return row
    people = ids.loc[answered.index].to_numpy()
    row["n"] = int(len(np.unique(people)))
    points = 100.0 * ((answered.to_numpy() >= PROMOTER_MIN).astype(float) - (answered.to_numpy() <= DETRACTOR_MAX))
    sums = pd.Series(points - result.nps).groupby(people).sum().to_numpy()
    se = float(np.sqrt((sums**2).sum()) / len(points))
    if result.se > 0:
        counts = _interval_counts(result.detractors, result.passives, result.promoters, interval)
        centre, interval_se = _score_and_se(*counts)
        half = stats.norm.ppf(0.5 + confidence / 2) * interval_se * se / result.se
        row.update(ci_low=float(max(-100.0, centre - half)), ci_high=float(min(100.0, centre + half)))
    row["se"] = se
    return row


def nps_table(survey, by=None, min_group_size: int = 5, confidence: float = 0.95, interval: str = "wald") -> pd.DataFrame:
    """One row per group (or one row overall) with NPS, CI and the promoter/passive/detractor split.

    Parameters
    ----------
    survey : Survey
        With a column of kind ``nps`` (0..10).
    by : str or list of str, optional
    min_group_size : int, default 5
        Groups below it — counted in distinct respondents, not rows — (and
        complementary siblings) are blanked.
    confidence : float, default 0.95
    interval : {"wald", "adjusted_wald"}, default "wald"
        Interval of each group's NPS, see :func:`nps`.

    Returns
    -------
    DataFrame
        ``[by…], n, nps, se, ci_low, ci_high, promoters, passives, detractors,
        promoter_share, passive_share, detractor_share, group_n, suppressed,
        suppression`` (without ``by`` the whole survey is the group); each
        ``by`` column is followed by its codebook value labels
        ``<by>_label_zh`` and ``<by>_label_en`` (e.g. ``内审部``).  ``n`` and
        ``group_n`` count distinct respondents.  Where a respondent can rate
        several providers, ``n_rows`` follows ``n``, the promoter/passive/
        detractor counts and the score are over ratings and the SE and CI are
        cluster-robust (:func:`nps_row`); ``attrs["unit"]`` names the unit
        (:data:`kitlib.service._shared.UNITS`).

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
    ids = svc.person_ids(survey)
    rows = [{**dict(zip(keys, name)), **nps_row(data.loc[index, column], ids, confidence, interval)}
            for name, index in svc.group_indices(data, keys)]
    stat_columns = STAT_COLUMNS if ids is not None else [c for c in STAT_COLUMNS if c != "n_rows"]
    table = pd.DataFrame(rows).reindex(columns=keys + stat_columns)
    table = svc.suppress_groups(table, data, keys, min_group_size, stat_columns, svc.respondent_column(survey), survey)
    table = svc.add_group_labels(table, survey, keys)
    table.attrs["unit"] = svc.unit_of(ids, counted=True)
    return table
