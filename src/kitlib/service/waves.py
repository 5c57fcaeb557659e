"""Trends across survey waves: did the improvement work?  (the "check" of PDCA)

===============================  ===============================================================
function                         use
===============================  ===============================================================
:func:`trend`                    per-wave levels and wave-to-wave tests of every measure
:func:`latest_wave`              the wave a report's key figures describe: the latest one
                                 (pooling every wave only when asked, and then labelled)
:func:`headline_change`          one key figure's change from the previous wave, with its
                                 interval, test and the invariance verdict
:func:`wave_changes`             :func:`headline_change` of every dimension, as a tidy table
===============================  ===============================================================

Example
-------
>>> import kitlib as kl
>>> view = latest_wave(kl.load_case("bank"))
>>> view.current, view.previous, len(view.survey)
('2026Q2', '2025Q4', 610)

References
----------
Deming, W. E. (1986). *Out of the Crisis*. MIT Press (plan–do–check–act).
Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American Statistician*, 70(4), 365–372.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from kitlib._checks import check_confidence
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.formatting import format_p
from kitlib.i18n import Catalog, check_lang
from kitlib.privacy import COMPLEMENTARY, count_respondents, suppress_small_groups
from kitlib.service import _shared as svc
from kitlib.service.net_promoter import nps_difference, nps_row
from kitlib.stats import mean_interval, welch_test

__all__ = ["HeadlineChange", "TrendResult", "WaveView", "headline_change", "latest_wave", "trend", "wave_changes"]

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
    unit: str = "respondent"  # "respondent_mean": a respondent's rows in a group × wave cell averaged first (svc.UNITS)

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


def _nps_change(before: pd.Series, after: pd.Series, confidence: float, ids: pd.Series | None = None) -> dict:
    first, second = nps_row(before, ids, confidence), nps_row(after, ids, confidence)
    se = np.hypot(first["se"], second["se"])
    diff = second["nps"] - first["nps"]
    z = stats.norm.ppf(0.5 + confidence / 2)
    statistic = diff / se if se > 0 else np.nan
    return {"n_before": first["n"], "n_after": second["n"], "mean_before": first["nps"], "mean_after": second["nps"], "diff": diff,
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
    ids, respondent = svc.person_ids(survey), svc.respondent_column(survey)
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
                level = mean_interval(svc.person_means(values.loc[in_wave[wave]], ids), confidence)
                level_rows.append({**name, "measure": measure, "wave": wave, **level.to_dict()})
            for before, after in zip(waves, waves[1:]):
                test = welch_test(svc.person_means(values.loc[in_wave[after]], ids), svc.person_means(values.loc[in_wave[before]], ids), confidence)
                change_rows.append({**name, "measure": measure, "wave_before": before, "wave_after": after, **_change_row(test), "test": "Welch t"})
        if nps_column:
            scores = data[nps_column[0]]
            for wave in waves:
                cell = nps_row(scores.loc[in_wave[wave]], ids, confidence)
                level_rows.append({**name, "measure": "nps", "wave": wave, "n": cell["n"], "mean": cell.get("nps"),
                                   **{k: cell.get(k) for k in ("se", "ci_low", "ci_high")}})
            for before, after in zip(waves, waves[1:]):
                first, second = scores.loc[in_wave[before]], scores.loc[in_wave[after]]
                if first.notna().any() and second.notna().any():
                    test = _nps_change(first, second, confidence, ids)
                else:
                    test = {"n_before": int(first.notna().sum()), "n_after": int(second.notna().sum())}
                change_rows.append({**name, "measure": "nps", "wave_before": before, "wave_after": after, **test, "test": "z (NPS)"})
    levels = pd.DataFrame(level_rows).reindex(columns=keys + ["measure", "wave"] + LEVEL_STATS)
    changes = pd.DataFrame(change_rows).reindex(columns=keys + ["measure", "wave_before", "wave_after"] + CHANGE_STATS + ["test"])
    for table in (levels, changes):
        table.insert(len(keys) + 1, "label_zh", table["measure"].map(lambda m: labels[m][0]))
        table.insert(len(keys) + 2, "label_en", table["measure"].map(lambda m: labels[m][1]))
    sizes = data if wave_column == "wave" else data.drop(columns="wave", errors="ignore").rename(columns={wave_column: "wave"})
    levels = svc.suppress_groups(levels, sizes, keys + ["wave"], min_group_size, LEVEL_STATS, respondent, survey)
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
    return TrendResult(levels, changes, wave_column, waves, keys, 1 - confidence, min_group_size, svc.unit_of(ids))


# --------------------------------------------------------------------------- the wave of the key figures

WAVE_WORDS = Catalog({
    "latest": {"zh": "最近一期（{wave}，n = {n}）", "en": "latest wave ({wave}, n = {n})"},
    "chosen": {"zh": "{wave}（n = {n}）", "en": "wave {wave} (n = {n})"},
    "pooled": {"zh": "各期合并（{waves}，n = {n}）", "en": "all waves pooled ({waves}, n = {n})"},
    "whole": {"zh": "全部数据（n = {n}）", "en": "all data (n = {n})"},
    "latest_hidden": {"zh": "最近一期（{wave}）", "en": "latest wave ({wave})"},
    "chosen_hidden": {"zh": "{wave}", "en": "wave {wave}"},
    "withheld": {"zh": "{wave} 这一期受访者少于 {min_n} 人，不显示这一期的数字。",
                 "en": "Wave {wave} has fewer than {min_n} respondents here: no figures are shown for it."},
    "withheld_protection": {"zh": "{wave} 这一期的数字为防止相减反推出其他小组而隐藏（本批报告统一审核），不予显示。",
                            "en": "Wave {wave} is hidden here to protect a smaller group against differencing (one audit for the "
                                  "whole batch): no figures are shown for it."},
    "previous_withheld": {"zh": "上一期（{wave}）受访者太少，不显示与它相比的变化。",
                          "en": "The previous wave ({wave}) is too small to show, so no change from it is shown."},
    "change": {"zh": "较 {wave} 变化 {diff}（{level:.0%} 置信区间 {low} ~ {high}，{p}，{verdict}{invariance}）",
               "en": "change since {wave} {diff} ({level:.0%} CI {low} to {high}, {p}: {verdict}{invariance})"},
    "significant": {"zh": "显著", "en": "significant"},
    "not_significant": {"zh": "不显著", "en": "not significant"},
    "comparable": {"zh": "；测量不变性成立，两期均值可比", "en": "; scalar invariance holds, so the means are comparable"},
    "not_comparable": {"zh": "；测量不变性不成立，两期均值不严格可比，解读要谨慎",
                       "en": "; scalar invariance does not hold, so read the change with care"},
    "not_tested": {"zh": "；未能检验测量不变性", "en": "; measurement invariance could not be tested"},
})
CHANGE_MEASURES = ("gap", "perception", "overall", "nps", "csi")
SCALE_MEASURES = ("gap", "perception", "csi")  # multi-item scales: the invariance verdict applies


@dataclass(frozen=True)
class WaveView:
    """The wave a report's key figures and plan describe (:func:`latest_wave`).

    Attributes
    ----------
    survey : Survey
        The rows the key figures use: the current wave; every row when
        ``pooled`` or when the survey has no wave column.
    all_waves : Survey
        Every row of the survey that was passed (for the change from ``previous``).
    wave_column : str or None
    waves : tuple
        Every wave in the data, sorted (as :func:`trend` orders them).
    current, previous : object or None
        The wave described and the one before it (None when pooled, without
        waves, or when the current wave is the first).
    pooled : bool
        Every wave pooled, on request.
    withheld, previous_withheld : bool
        The current (previous) wave has fewer than ``min_group_size``
        respondents, or is hidden to protect such a wave: show no figures for
        it (no change from it).
    min_group_size : int
    withheld_reason : {"", "small", "protection"}
        Why the current wave is withheld: too few respondents, or hidden to protect another group.
    """

    survey: object
    all_waves: object
    wave_column: str | None
    waves: tuple
    current: object = None
    previous: object = None
    pooled: bool = False
    withheld: bool = False
    previous_withheld: bool = False
    min_group_size: int = svc.MIN_GROUP_SIZE
    withheld_reason: str = ""

    def __repr__(self) -> str:
        if self.pooled:
            return f"WaveView(pooled {', '.join(map(str, self.waves))}; n={len(self.survey)})"
        return (f"WaveView(current={self.current!r}, previous={self.previous!r}, n={len(self.survey)}"
                + (", withheld" if self.withheld else "") + (", previous withheld" if self.previous_withheld else "") + ")")

    @property
    def has_change(self) -> bool:
        """A change from the previous wave may be computed and shown."""
        return self.previous is not None and not (self.pooled or self.withheld or self.previous_withheld)

    def wave_label(self, wave, lang: str) -> str:
        """The codebook label of ``wave`` in ``lang``."""
        return self.all_waves.codebook.value_label(self.wave_column, wave, lang)

    def describe(self, lang: str, quote: Callable[[str], str] = str) -> str:
        """What the key figures describe, e.g. ``"latest wave (Q2 2026, n = 610)"``; wave labels pass through ``quote``
        (e.g. a Markdown escape)."""
        check_lang(lang)
        n = self.survey.respondents()
        if self.pooled:
            return WAVE_WORDS("pooled", lang, n=n, waves=("、" if lang == "zh" else ", ").join(
                quote(self.wave_label(wave, lang)) for wave in self.waves))
        if self.current is None:
            return WAVE_WORDS("whole", lang, n=n)
        key = "latest" if self.current == self.waves[-1] and len(self.waves) >= 2 else "chosen"
        if self.withheld:  # no count of a withheld wave is published
            return WAVE_WORDS(f"{key}_hidden", lang, wave=quote(self.wave_label(self.current, lang)))
        return WAVE_WORDS(key, lang, wave=quote(self.wave_label(self.current, lang)), n=n)

    def note(self, lang: str, quote: Callable[[str], str] = str) -> str:
        """Why figures (or the change) are not shown ("" when nothing is withheld)."""
        if self.withheld:
            key = "withheld_protection" if self.withheld_reason == "protection" else "withheld"
            return WAVE_WORDS(key, lang, wave=quote(self.wave_label(self.current, lang)), min_n=self.min_group_size)
        if self.previous_withheld:
            return WAVE_WORDS("previous_withheld", lang, wave=quote(self.wave_label(self.previous, lang)))
        return ""


def latest_wave(survey, wave=None, pool: bool = False, min_group_size: int = 5) -> WaveView:
    """The wave a report's key figures describe: the latest, unless another is named or pooling is asked for.

    Parameters
    ----------
    survey : Survey
        All the waves of the group a report is about (e.g. one provider).
    wave : optional
        Describe this wave instead of the latest (its predecessor is ``previous``).
    pool : bool, default False
        Describe every wave together (``pooled``; no previous wave).
    min_group_size : int, default 5
        A wave with fewer respondents — or hidden to protect such a wave
        against differencing — is ``withheld`` (``previous_withheld`` for
        the previous wave).

    Returns
    -------
    WaveView

    Raises
    ------
    AnalysisInputError
        ``wave`` does not occur in the survey.

    Notes
    -----
    Waves are ordered by their sorted values, as in :func:`trend`.  With
    several waves, a pooled figure mixes a population before and after an
    intervention (the bank's Operations Centre: responsiveness gap −1.95,
    then −1.40; pooled −1.67, a level neither wave had), so the figures
    describe the current wave and its change from the previous one
    (:func:`headline_change`).  The respondents per wave pass through
    :func:`kitlib.suppress_small_groups` (primary and complementary
    suppression): the report shows the group's all-wave total elsewhere,
    so a wave shown next to it would reveal a small sibling wave.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("bank").filter(provider="Operations Centre")
    >>> latest_wave(survey)
    WaveView(current='2026Q2', previous='2025Q4', n=181)
    >>> latest_wave(survey, pool=True).describe("en")
    'all waves pooled (2025Q4, 2026Q2, n = 353)'

    References
    ----------
    Deming, W. E. (1986). *Out of the Crisis*. MIT Press ("Check" compares like with like).
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4. Wiley.
    """
    survey = svc.require_survey(survey, "latest_wave")
    min_group_size = svc.check_min_group_size(min_group_size)
    column = survey.wave_column()
    if column is None or column not in survey.data.columns or survey.data[column].dropna().empty:
        if wave:
            raise AnalysisInputError(f"wave {wave!r} was requested but this survey has no wave column")
        return WaveView(survey, survey, None, (), min_group_size=min_group_size)
    waves = tuple(sorted(survey.data[column].dropna().unique().tolist()))
    if pool:
        return WaveView(survey, survey, column, waves, pooled=len(waves) >= 2, min_group_size=min_group_size)
    if wave is None or wave == "":
        current = waves[-1]
    else:
        matches = [value for value in waves if str(value) == str(wave)]
        if not matches:
            raise AnalysisInputError(f"no wave {wave!r}; the survey has {list(waves)}")
        current = matches[0]
    position = waves.index(current)
    previous = waves[position - 1] if position > 0 else None
    counts = count_respondents(survey.data, column, survey.codebook.respondent_id).drop(columns="n_rows")
    checked = suppress_small_groups(counts, column, min_n=min_group_size)
    small = set(checked.loc[checked["suppressed"] & (checked["suppression"] != COMPLEMENTARY), column])
    hidden = set(checked.loc[checked["suppressed"], column])
    audit = getattr(survey, "disclosure", None)
    if audit is not None:  # the batch's disclosure audit decides which wave cells of this scope may be shown
        status = {value: audit.status(**(survey.scope | {column: str(value)})) for value in waves}
        small |= {value for value, state in status.items() if state == "small"}
        hidden |= {value for value, state in status.items() if state != "shown"}
    reason = "" if current not in hidden else "small" if current in small else "protection"
    return WaveView(survey.filter(**{column: current}), survey, column, waves, current, previous,
                    withheld=current in hidden, previous_withheld=previous in hidden, min_group_size=min_group_size,
                    withheld_reason=reason)


@dataclass(frozen=True)
class HeadlineChange:
    """One key figure's change from the previous wave (:func:`headline_change`).

    Attributes
    ----------
    measure : str
        ``"gap"``, ``"perception"``, ``"overall"`` (satisfaction), ``"nps"`` or ``"csi"``.
    dimension : str or None
        The dimension of a gap or perception score (None: the overall score).
    wave_before, wave_after : object
    before, after, diff : float
        The figure in each wave and ``after − before``.
    se, ci_low, ci_high, statistic, p : float
        Standard error, interval of ``diff``, test statistic (t, or z for the NPS) and two-sided p.
    significant : bool
        ``p < 1 − confidence``.
    n_before, n_after : int
    test : str
        ``"Welch t"`` or ``"z (NPS)"``.
    means_comparable : bool or None
        The invariance verdict for the scale means (scalar invariance across
        the waves); None when not tested or for a single-item measure.
    label_before_zh, label_before_en : str
        The previous wave's codebook label.
    confidence : float
    """

    measure: str
    dimension: str | None
    wave_before: object
    wave_after: object
    before: float
    after: float
    diff: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float
    p: float
    significant: bool
    n_before: int
    n_after: int
    test: str
    means_comparable: bool | None
    label_before_zh: str
    label_before_en: str
    confidence: float = 0.95

    def __repr__(self) -> str:
        name = self.measure + (f":{self.dimension}" if self.dimension else "")
        return (f"HeadlineChange({name} {self.before:.3f} → {self.after:.3f}, diff {self.diff:+.3f} "
                f"[{self.ci_low:+.3f}, {self.ci_high:+.3f}], p={self.p:.4g}, {self.test})")

    def to_dict(self) -> dict:
        """The fields as a dict (one row of :func:`wave_changes`)."""
        return asdict(self)

    def words(self, lang: str, digits: int = 2, quote: Callable[[str], str] = str) -> str:
        """``"change since 2025Q4 +0.55 (95% CI +0.34 to +0.76, p < .001: significant; …)"`` in ``lang``.

        The previous wave's label passes through ``quote`` (e.g. a Markdown escape).
        """
        check_lang(lang)
        invariance = "" if self.measure not in SCALE_MEASURES else WAVE_WORDS(
            {True: "comparable", False: "not_comparable", None: "not_tested"}[self.means_comparable], lang)
        return WAVE_WORDS("change", lang, wave=quote(self.label_before_zh if lang == "zh" else self.label_before_en),
                          diff=f"{self.diff:+.{digits}f}", low=f"{self.ci_low:+.{digits}f}", high=f"{self.ci_high:+.{digits}f}",
                          level=self.confidence, p=format_p(self.p),
                          verdict=WAVE_WORDS("significant" if self.significant else "not_significant", lang),
                          invariance=invariance)


def _scale_of(survey) -> tuple[float, float]:
    """The answer scale of the perception items (one scale, as :func:`kitlib.csi` requires)."""
    first = next(iter(svc.servqual_model(survey, "P").values()))[0]
    column = survey.codebook.columns[first]
    return float(column.scale_min), float(column.scale_max)


def _respondent_values(survey, measure: str, dimension: str | None) -> pd.Series:
    """Per respondent, the value whose mean is the key figure ``measure`` (of ``dimension``)."""
    if measure in ("gap", "perception"):
        def scores(dimensions=None) -> pd.DataFrame:
            return svc.dimension_gaps(survey, dimensions) if measure == "gap" else svc.dimension_scores(survey, "P", dimensions)

        if dimension is None:
            every = scores()
            return every.mean(axis=1).where(every.notna().all(axis=1))
        chosen = scores([dimension])
        if dimension not in chosen.columns:
            raise OptionError(f"unknown dimension {dimension!r}; the survey has {', '.join(scores().columns)}")
        return chosen[dimension]
    if measure == "overall":
        return survey.data[svc.single_column(survey, "overall")]
    from kitlib.service.indices import csi  # the one CSI definition: its weights for this wave

    weights = csi(survey).dimensions.set_index("dimension")["weight"]
    low, high = _scale_of(survey)
    scores = svc.dimension_scores(survey, "P").dropna()
    return (100 * (scores - low) / (high - low) * weights[scores.columns]).sum(axis=1)


def headline_change(view: WaveView, measure: str, dimension: str | None = None, confidence: float = 0.95,
                    invariance=None) -> HeadlineChange:
    """The change of one key figure from the previous wave to the current one.

    Parameters
    ----------
    view : WaveView
        From :func:`latest_wave`; ``view.has_change`` must be True.
    measure : {"gap", "perception", "overall", "nps", "csi"}
        A SERVQUAL gap (P − E), a perception score, overall satisfaction,
        the NPS or the CSI.
    dimension : str, optional
        For ``"gap"`` and ``"perception"``: the dimension (default: the
        overall, unweighted score over every dimension).
    confidence : float, default 0.95
        Interval level; significance at ``alpha = 1 − confidence``.
    invariance : InvarianceCheck, optional
        :func:`kitlib.psychometrics.scale_check.check_invariance` across the
        waves; its ``means_comparable`` is carried for the scale measures.

    Returns
    -------
    HeadlineChange

    Raises
    ------
    AnalysisInputError
        No previous wave to compare with, or the current or previous wave is
        withheld (``view.has_change`` is False).
    OptionError
        Unknown measure or dimension.

    Notes
    -----
    The waves are independent samples.  Means (gaps, perception scores,
    overall satisfaction) are compared with Welch's test of
    ``x̄_after − x̄_before``, ``se = sqrt(s_a²/n_a + s_b²/n_b)`` and a
    t-interval at the Welch–Satterthwaite degrees of freedom
    (:func:`kitlib.stats.welch_test`) — the per-respondent values are the
    ones :func:`kitlib.servqual_gaps` and :func:`kitlib.perception_scores`
    average, so ``before`` and ``after`` are those functions' figures.
    The NPS change is the two-sample Wald z-test of
    :func:`kitlib.nps_difference` (Rocks 2016).  The CSI of a wave is the
    mean of the per-respondent index
    ``Σ_d w_d · 100 · (P_id − min)/(max − min)`` with that wave's weights,
    so its change is tested like a mean (weights taken as fixed).

    Example
    -------
    >>> import kitlib as kl
    >>> view = latest_wave(kl.load_case("bank").filter(provider="Operations Centre"))
    >>> change = headline_change(view, "gap", "responsiveness")
    >>> round(change.before, 2), round(change.after, 2), round(change.diff, 2), change.significant
    (-1.95, -1.4, 0.55, True)

    References
    ----------
    Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
    Rocks, B. (2016). *The American Statistician*, 70(4), 365–372.
    Meredith, W. (1993). Measurement invariance. *Psychometrika*, 58(4), 525–543.
    """
    if not isinstance(view, WaveView):
        raise OptionError(f"headline_change() needs a WaveView (latest_wave), not {type(view).__name__}")
    if measure not in CHANGE_MEASURES:
        raise OptionError(f"measure must be one of {', '.join(CHANGE_MEASURES)}, not {measure!r}")
    if dimension is not None and measure not in ("gap", "perception"):
        raise OptionError(f"measure {measure!r} has no dimensions")
    check_confidence(confidence)
    if not view.has_change:
        raise AnalysisInputError("headline_change(): no previous wave to compare with, or a wave is withheld "
                                 "(check view.has_change first)")
    before = view.all_waves.filter(**{view.wave_column: view.previous})
    after = view.survey
    labels = {lang: view.wave_label(view.previous, lang) for lang in ("zh", "en")}
    if measure == "nps":
        column = svc.single_column(view.all_waves, "nps")
        result = nps_difference(after.data[column], before.data[column], confidence)
        values = dict(before=result.b.nps, after=result.a.nps, diff=result.difference, se=result.se, ci_low=result.ci_low,
                      ci_high=result.ci_high, statistic=result.z, p=result.p, n_before=result.b.n, n_after=result.a.n,
                      test="z (NPS)")
    else:
        test = welch_test(_respondent_values(after, measure, dimension), _respondent_values(before, measure, dimension),
                          confidence)
        values = dict(before=test.mean_y, after=test.mean_x, diff=test.diff, se=test.se, ci_low=test.ci_low,
                      ci_high=test.ci_high, statistic=test.t, p=test.p, n_before=test.n_y, n_after=test.n_x, test="Welch t")
    comparable = invariance.means_comparable if invariance is not None and measure in SCALE_MEASURES else None
    return HeadlineChange(measure, dimension, view.previous, view.current, significant=bool(values["p"] < 1 - confidence),
                          means_comparable=comparable, label_before_zh=labels["zh"], label_before_en=labels["en"],
                          confidence=confidence, **values)


def wave_changes(view: WaveView, measure: str = "gap", confidence: float = 0.95, invariance=None) -> pd.DataFrame:
    """:func:`headline_change` of every SERVQUAL dimension, as a tidy table.

    Parameters
    ----------
    view : WaveView
    measure : {"gap", "perception"}
    confidence : float, default 0.95
    invariance : InvarianceCheck, optional

    Returns
    -------
    DataFrame
        One row per dimension: ``measure`` (the dimension, as in the
        :func:`trend` changes that :func:`kitlib.classify_changes` and
        :func:`kitlib.improvement_plan` read), ``label_zh``, ``label_en``, the
        other :class:`HeadlineChange` fields (its ``measure`` as ``kind``) and
        ``suppressed`` (False: withheld waves raise instead).

    Notes
    -----
    Each row is :func:`headline_change` of ``(measure, dimension)``; see there
    for the tests.

    Example
    -------
    >>> import kitlib as kl
    >>> table = wave_changes(latest_wave(kl.load_case("bank")))
    >>> table.loc[table["significant"], "measure"].tolist()
    ['responsiveness', 'assurance', 'empathy']

    References
    ----------
    Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
    """
    if measure not in ("gap", "perception"):
        raise OptionError(f"wave_changes() compares dimension gaps or perception scores, not {measure!r}")
    book = view.all_waves.codebook
    rows = []
    for dimension in svc.servqual_model(view.all_waves, "P"):
        change = headline_change(view, measure, dimension, confidence, invariance).to_dict()
        kind = change.pop("measure")
        rows.append({"measure": dimension, "label_zh": book.label(dimension, "zh"), "label_en": book.label(dimension, "en"),
                     **change, "kind": kind, "suppressed": False})
    return pd.DataFrame(rows)
