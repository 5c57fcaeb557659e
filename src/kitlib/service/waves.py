"""Trends across survey waves: did the improvement work?  (the "check" of PDCA)

Example
-------
>>> import kitlib as kl
>>> kl.trend(kl.load_case("bank")).changes  # doctest: +SKIP

References
----------
Deming, W. E. (1986). *Out of the Crisis*. MIT Press (plan–do–check–act).
Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American Statistician*, 70(4), 365–372.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from kitlib._checks import check_confidence
from kitlib.errors import AnalysisInputError
from kitlib.service import _shared as svc
from kitlib.service.net_promoter import nps
from kitlib.stats import mean_interval, welch_test

__all__ = ["trend", "TrendResult"]

LEVEL_STATS = ["n", "mean", "se", "ci_low", "ci_high"]
CHANGE_STATS = ["n_before", "n_after", "mean_before", "mean_after", "diff", "se", "ci_low", "ci_high", "t", "dof", "p"]
MEASURE_LABELS = {
    "servqual_gap": {"zh": "SERVQUAL总差距", "en": "SERVQUAL gap"},
    "overall": {"zh": "总体满意度", "en": "Overall satisfaction"},
    "nps": {"zh": "净推荐值", "en": "NPS"},
}


@dataclass(frozen=True)
class TrendResult:
    """Per-wave levels and wave-to-wave changes (see :func:`trend`)."""

    levels: pd.DataFrame
    changes: pd.DataFrame
    wave_column: str
    waves: list
    by: list = field(default_factory=list)
    alpha: float = 0.05
    min_group_size: int = svc.MIN_GROUP_SIZE

    def __repr__(self) -> str:
        shown = self.changes[self.by + ["measure", "wave_before", "wave_after", "diff", "p", "significant"]].copy()
        shown[["diff", "p"]] = shown[["diff", "p"]].astype(float).round(3)
        return f"TrendResult(waves {' → '.join(map(str, self.waves))})\n{shown.to_string(index=False)}"


def _measures(survey) -> dict[str, pd.Series]:
    """Per-respondent measures: the perception dimensions (if any), the SERVQUAL gap, overall satisfaction."""
    measures = {}
    if survey.codebook.servqual_model("P"):
        scores = svc.dimension_scores(survey, "P")
        measures = {d: scores[d] for d in scores.columns}
    if survey.codebook.servqual_pairs():
        gaps = svc.dimension_gaps(survey)
        measures["servqual_gap"] = gaps.mean(axis=1).where(gaps.notna().all(axis=1))
    if survey.codebook.items("overall"):
        measures["overall"] = survey.data[svc.single_column(survey, "overall")]
    return measures


def _change_row(test) -> dict:
    """A :class:`~kitlib.stats.TwoSampleTest` of after − before as a change-table row."""
    names = {"n_x": "n_after", "n_y": "n_before", "mean_x": "mean_after", "mean_y": "mean_before"}
    return {names.get(key, key): value for key, value in test.to_dict().items()}


def _nps_change(before: pd.Series, after: pd.Series, confidence: float) -> dict:
    first, second = nps(before.dropna(), confidence), nps(after.dropna(), confidence)
    se = np.hypot(first.se, second.se)
    diff = second.nps - first.nps
    z = stats.norm.ppf(0.5 + confidence / 2)
    statistic = diff / se if se > 0 else np.nan
    return {"n_before": first.n, "n_after": second.n, "mean_before": first.nps, "mean_after": second.nps, "diff": diff,
            "se": se, "ci_low": diff - z * se, "ci_high": diff + z * se, "t": statistic, "dof": np.nan,
            "p": 2 * stats.norm.sf(abs(statistic)) if se > 0 else np.nan}


def trend(survey, wave_column: str | None = None, by=None, min_group_size: int = 5, confidence: float = 0.95) -> TrendResult:
    """Per-wave means and wave-to-wave tests of every satisfaction measure.

    Parameters
    ----------
    survey : Survey
    wave_column : str, optional
        Default: the codebook's column of kind ``wave``.
    by : str or list of str, optional
        Separate trends per group (e.g. ``"provider"``).
    min_group_size : int, default 5
        Group × wave cells below it (and complementary siblings) are blanked;
        a change is blanked when either of its waves is.
    confidence : float, default 0.95
        Also sets the significance level (``alpha = 1 − confidence``).

    Returns
    -------
    TrendResult
        ``levels``: ``[by…], measure, label_zh, label_en, wave, n, mean, se,
        ci_low, ci_high`` (for ``measure == "nps"`` the mean is the NPS);
        ``changes``: ``[by…], measure, label_zh, label_en, wave_before,
        wave_after, n_before, n_after, mean_before, mean_after, diff, se,
        ci_low, ci_high, t, dof, p, test, significant``.  Every group and
        wave column (``by``, ``wave``, ``wave_before``, ``wave_after``) is
        followed by its codebook value labels ``<column>_label_zh`` and
        ``<column>_label_en``.

    Raises
    ------
    AnalysisInputError
        No wave column, or fewer than two waves.

    Notes
    -----
    For each measure the survey has — every SERVQUAL perception dimension, the
    overall (unweighted) SERVQUAL gap, overall satisfaction and the NPS — the mean per
    wave is reported with its confidence interval, and each wave is compared
    with the previous one:

    * means: Welch's two-sample t-test (waves are independent samples; unequal
      variances allowed), difference = later − earlier;
    * NPS: z-test of the difference with ``se = sqrt(se₁² + se₂²)`` from the
      trinomial standard errors (Rocks 2016).

    Waves are ordered by their sorted labels (e.g. ``2025Q4`` < ``2026Q2``).

    Example
    -------
    >>> import kitlib as kl
    >>> result = kl.trend(kl.load_case("bank"))
    >>> result.waves
    ['2025Q4', '2026Q2']

    References
    ----------
    Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
    Rocks, B. (2016). *The American Statistician*, 70(4), 365–372.
    """
    survey = svc.require_survey(survey, "trend")
    min_group_size = svc.check_min_group_size(min_group_size)
    check_confidence(confidence)
    wave_column = wave_column or survey.wave_column()
    if wave_column is None or wave_column not in survey.data.columns:
        raise AnalysisInputError("trend() needs a wave column (kind 'wave' in the codebook, or wave_column=...)")
    keys = svc.group_list(survey, by)
    if wave_column in keys:
        raise AnalysisInputError("trend(): the wave column cannot also be a 'by' column")
    data = survey.data
    waves = sorted(data[wave_column].dropna().unique().tolist())
    if len(waves) < 2:
        raise AnalysisInputError(f"trend() needs at least two waves in column '{wave_column}'; found {waves}")
    measures = _measures(survey)
    nps_column = survey.codebook.items("nps")
    if not measures and not nps_column:
        raise AnalysisInputError("trend() needs a measure to follow: perception items, overall satisfaction or an NPS question")
    labels = {m: (MEASURE_LABELS[m]["zh"], MEASURE_LABELS[m]["en"]) if m in MEASURE_LABELS else svc.labels(survey, m)
              for m in [*measures, "nps"]}
    level_rows, change_rows = [], []
    for name, index in svc.group_indices(data, keys):
        name = dict(zip(keys, name))
        wave_of = data.loc[index, wave_column]
        in_wave = {w: index[(wave_of == w).to_numpy()] for w in waves}
        for measure, values in measures.items():
            for wave in waves:
                level_rows.append({**name, "measure": measure, "wave": wave, **mean_interval(values.loc[in_wave[wave]], confidence).to_dict()})
            for before, after in zip(waves, waves[1:]):
                test = welch_test(values.loc[in_wave[after]], values.loc[in_wave[before]], confidence)
                change_rows.append({**name, "measure": measure, "wave_before": before, "wave_after": after, **_change_row(test), "test": "Welch t"})
        if nps_column:
            scores = data[nps_column[0]]
            for wave in waves:
                answered = scores.loc[in_wave[wave]].dropna()
                row = {**name, "measure": "nps", "wave": wave, "n": len(answered)}
                if len(answered):
                    result = nps(answered, confidence)
                    row.update(mean=result.nps, se=result.se, ci_low=result.ci_low, ci_high=result.ci_high)
                level_rows.append(row)
            for before, after in zip(waves, waves[1:]):
                first, second = scores.loc[in_wave[before]], scores.loc[in_wave[after]]
                if first.notna().any() and second.notna().any():
                    test = _nps_change(first, second, confidence)
                else:
                    test = {"n_before": int(first.notna().sum()), "n_after": int(second.notna().sum())}
                change_rows.append({**name, "measure": "nps", "wave_before": before, "wave_after": after, **test, "test": "z (NPS)"})
    levels = pd.DataFrame(level_rows).reindex(columns=keys + ["measure", "wave"] + LEVEL_STATS)
    changes = pd.DataFrame(change_rows).reindex(columns=keys + ["measure", "wave_before", "wave_after"] + CHANGE_STATS + ["test"])
    for table in (levels, changes):
        table.insert(len(keys) + 1, "label_zh", table["measure"].map(lambda m: labels[m][0]))
        table.insert(len(keys) + 2, "label_en", table["measure"].map(lambda m: labels[m][1]))
    sizes = data if wave_column == "wave" else data.drop(columns="wave", errors="ignore").rename(columns={wave_column: "wave"})
    levels = svc.suppress_groups(levels, sizes, keys + ["wave"], min_group_size, LEVEL_STATS)
    flags = levels[keys + ["wave", "suppressed"]].drop_duplicates()
    hidden = set(map(tuple, flags.loc[flags["suppressed"], keys + ["wave"]].astype(object).to_numpy().tolist()))
    change_hidden = np.array([
        tuple(row[k] for k in keys) + (row["wave_before"],) in hidden or tuple(row[k] for k in keys) + (row["wave_after"],) in hidden
        for _, row in changes.iterrows()
    ], dtype=bool)
    changes[CHANGE_STATS] = changes[CHANGE_STATS].astype(float).mask(np.repeat(change_hidden[:, None], len(CHANGE_STATS), 1))
    changes["suppressed"] = change_hidden
    changes["significant"] = (changes["p"] < 1 - confidence).where(~change_hidden)
    levels = svc.add_group_labels(levels, survey, {**{k: k for k in keys}, "wave": wave_column})
    changes = svc.add_group_labels(changes, survey, {**{k: k for k in keys}, "wave_before": wave_column, "wave_after": wave_column})
    return TrendResult(levels, changes, wave_column, waves, keys, 1 - confidence, min_group_size)
