"""Satisfaction indices built from the SERVQUAL dimensions: the 0–100 Customer Satisfaction Index (CSI)
and importance–performance analysis (IPA).

Customer Satisfaction Index (CSI) on a 0–100 scale.

Importance–performance analysis (IPA) of the SERVQUAL dimensions or items.

Example
-------
>>> import kitlib as kl
>>> kl.csi(kl.load_case("it_firm"))  # doctest: +SKIP
CSI 61.3 (n=..., weights: mean importance allocation)
>>> import kitlib as kl
>>> kl.ipa(kl.load_case("it_firm"), importance="derived").table  # doctest: +SKIP

References
----------
Fornell, C. (1992). A national customer satisfaction barometer: the Swedish experience.
*Journal of Marketing*, 56(1), 6–21 (0–100 rescaling of weighted indicator means).
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
Martilla, J. A., & James, J. C. (1977). Importance-performance analysis.
*Journal of Marketing*, 41(1), 77–79.
Bacon, D. R. (2003). A comparison of approaches to importance-performance analysis.
*International Journal of Market Research*, 45(1), 55–71.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kitlib.errors import AnalysisInputError, OptionError
from kitlib.service import _shared as svc

__all__ = ["csi", "CSIResult", "ipa", "IPAResult", "quadrant"]


@dataclass(frozen=True)
class CSIResult:
    """Result of :func:`csi`.

    Attributes
    ----------
    csi : float
        The index, 0–100 (NaN when ``suppressed``).
    n : int
        Distinct respondents with every dimension score.
    weights_source : str
        ``"mean importance allocation"``, ``"equal"`` or ``"given"``.
    dimensions : DataFrame
        ``dimension, label_zh, label_en, mean, score_0_100, weight, contribution``.
    table : DataFrame or None
        With ``by``: one row per group (``[by…], n, csi, group_n, suppressed,
        suppression``; ``n_rows`` after ``n`` where a respondent can have
        several rows).
    suppressed : bool
        The whole survey has fewer distinct respondents than the confidentiality minimum.
    unit : str
        ``"respondent"``, or ``"respondent_mean"`` when a respondent's
        several rows were averaged first (:data:`kitlib.service._shared.UNITS`).
    """

    csi: float
    n: int
    weights_source: str
    dimensions: pd.DataFrame
    table: pd.DataFrame | None = None
    suppressed: bool = False
    unit: str = "respondent"

    def __repr__(self) -> str:
        if self.suppressed:
            text = f"CSI hidden: only {self.n} respondents (fewer than the confidentiality minimum)"
        else:
            text = f"CSI {self.csi:.1f} (0–100; n={self.n}, weights: {self.weights_source})"
        if self.table is not None:
            shown = self.table.drop(columns=["group_n"], errors="ignore").round(1)
            text += "\n" + shown.to_string(index=False)
        return text


def _scale(survey, items: list[str]) -> tuple[float, float]:
    lows = {survey.codebook.columns[i].scale_min for i in items}
    highs = {survey.codebook.columns[i].scale_max for i in items}
    if len(lows) != 1 or len(highs) != 1:
        raise AnalysisInputError("csi(): all perception items must share one answer scale")
    return float(lows.pop()), float(highs.pop())


def _index(scores: pd.DataFrame, weights: pd.Series, low: float, high: float) -> tuple[float, pd.DataFrame]:
    means = scores.mean()
    rescaled = 100 * (means - low) / (high - low)
    table = pd.DataFrame({"dimension": means.index, "mean": means.values, "score_0_100": rescaled.values,
                          "weight": weights[means.index].values})
    table["contribution"] = table["score_0_100"] * table["weight"]
    return float(table["contribution"].sum(min_count=1)), table


def csi(survey, weights=None, by=None, min_group_size: int = 5) -> CSIResult:
    """Customer Satisfaction Index, 0–100 (see the module text for the formula).

    Parameters
    ----------
    survey : Survey
    weights : None, "equal" or dict
        ``None``: mean importance allocation if the codebook has
        ``W_<dimension>`` columns, otherwise equal; ``"equal"``: 1/5 each;
        dict: weights per dimension (normalized to sum 1).
    by : str or list of str, optional
        Also compute the CSI per group (same weights); small groups blanked.
    min_group_size : int, default 5

    Returns
    -------
    CSIResult
        ``csi``, ``n`` (respondents with all dimension scores), ``weights_source``,
        ``dimensions`` (``dimension, label_zh, label_en, mean, score_0_100,
        weight, contribution``) and, with ``by``, ``table`` (``[by…], n, csi,
        suppressed, suppression``); ``suppressed`` is True (and the values
        NaN) when the whole survey has fewer than ``min_group_size``
        respondents.

    Notes
    -----
    kitlib's CSI is the importance-weighted mean of the five SERVQUAL perception
    dimension scores, each rescaled from its answer scale to 0–100:

        CSI = Σ_d w_d · 100 · (P̄_d − min) / (max − min),     Σ_d w_d = 1

    ``P̄_d`` is the sample mean of the respondents' dimension scores (mean of the
    answered P items of the dimension), ``min``/``max`` the item scale from the
    codebook (1 and 7 for the shipped cases).  Weights ``w_d``: the mean
    100-point importance allocation ``W_<dimension>`` divided by 100 (after
    normalizing each respondent's allocation to sum 1); equal weights (1/5) when
    the survey has no allocation, or any weights you pass.  Where a respondent
    has several rows (one per rated provider) their dimension scores are
    averaged first, overall and within each group, so every respondent counts
    once and ``n`` counts people.

    Example
    -------
    >>> import kitlib as kl
    >>> 0 <= kl.csi(kl.load_case("bank")).csi <= 100
    True

    References
    ----------
    Fornell, C. (1992). *Journal of Marketing*, 56(1), 6–21.
    """
    survey, min_group_size, keys = svc.check_inputs(survey, "csi", min_group_size, by)
    model = svc.servqual_model(survey, "P")
    low, high = _scale(survey, [i for items in model.values() for i in items])
    ids, respondent = svc.person_ids(survey), svc.respondent_column(survey)
    scores = svc.dimension_scores(survey, "P").dropna()
    if len(scores) == 0:
        raise AnalysisInputError("csi(): no respondent answered every perception dimension")
    dimensions = list(model)
    allocation = svc.allocation_columns(survey)
    if isinstance(weights, dict):
        w, source = svc.fixed_weights(weights, dimensions), "given"
    elif weights == "equal" or (weights is None and not all(d in allocation for d in dimensions)):
        w, source = pd.Series(1 / len(dimensions), index=dimensions), "equal"
    elif weights is None:
        w = svc.person_means(svc.allocation_shares(survey, dimensions), ids).mean()
        w, source = w / w.sum(), "mean importance allocation"
    else:
        raise OptionError(f"weights must be None, 'equal' or a dict of dimension weights, not {weights!r}")
    people = svc.person_means(scores, ids)
    value, table = _index(people, w, low, high)
    table.insert(1, "label_zh", [survey.codebook.label(d, "zh") for d in table["dimension"]])
    table.insert(2, "label_en", [survey.codebook.label(d, "en") for d in table["dimension"]])
    groups_table = None
    if keys:
        data = survey.data.loc[scores.index]
        rows = []
        for name, index in svc.group_indices(data, keys):
            group = svc.person_means(scores.loc[index], ids)
            rows_used = {} if ids is None else {"n_rows": len(index)}
            rows.append({**dict(zip(keys, name)), "n": len(group), **rows_used, "csi": _index(group, w, low, high)[0]})
        groups_table = svc.suppress_groups(pd.DataFrame(rows), survey.data, keys, min_group_size, ["n", "n_rows", "csi"], respondent, survey)
    hidden = int(svc.group_sizes(survey.data, [], respondent).at[0, "n"]) < min_group_size
    if hidden:
        value = float("nan")
        table[["mean", "score_0_100", "contribution"]] = float("nan")
    return CSIResult(value, int(len(people)), source, table, groups_table, hidden, svc.unit_of(ids))



QUADRANTS = {
    "keep_up": {"zh": "继续保持", "en": "Keep up the good work"},
    "concentrate": {"zh": "重点改进", "en": "Concentrate here"},
    "low_priority": {"zh": "低优先级", "en": "Low priority"},
    "overkill": {"zh": "可能过度投入", "en": "Possible overkill"},
}


@dataclass(frozen=True)
class IPAResult:
    """IPA table and the crosshair positions.

    ``n`` in the table counts distinct respondents; ``unit`` is
    ``"respondent_mean"`` when a respondent's several rows were averaged
    first (:data:`kitlib.service._shared.UNITS`).
    """

    table: pd.DataFrame
    importance_kind: str
    level: str
    importance_cut: float
    performance_cut: float
    suppressed: bool = False
    min_group_size: int = svc.MIN_GROUP_SIZE
    unit: str = "respondent"

    def __repr__(self) -> str:
        if self.suppressed:
            return f"IPAResult hidden: fewer respondents than the confidentiality minimum ({self.level}s)"
        shown = self.table[["unit", "importance", "performance", "quadrant"]].round(3)
        return (f"IPAResult({self.level}s, {self.importance_kind} importance; cuts: importance "
                f"{self.importance_cut:.3f}, performance {self.performance_cut:.3f})\n{shown.to_string(index=False)}")


def quadrant(importance: np.ndarray, performance: np.ndarray, importance_cut: float, performance_cut: float) -> np.ndarray:
    """Quadrant key of each point (ties with a cut count as high)."""
    high_i = np.asarray(importance) >= importance_cut
    high_p = np.asarray(performance) >= performance_cut
    return np.select([high_i & high_p, high_i & ~high_p, ~high_i & ~high_p], ["keep_up", "concentrate", "low_priority"], "overkill")


def ipa(survey, importance: str = "stated", level: str = "dimension", min_group_size: int = 5) -> IPAResult:
    """Importance–performance grid with bilingual quadrant labels.

    Parameters
    ----------
    survey : Survey
    importance : {"stated", "derived"}
        See the module text.  ``"stated"`` at dimension level needs the
        ``W_<dimension>`` allocation columns; ``"derived"`` needs an
        ``overall`` column.
    level : {"dimension", "item"}
    min_group_size : int, default 5
        With fewer distinct respondents (e.g. one small department selected
        with ``survey.filter``) the values are blanked and ``suppressed`` is True.

    Returns
    -------
    IPAResult
        ``table``: ``unit, label_zh, label_en, importance, performance, n,
        quadrant`` (key), ``quadrant_zh``, ``quadrant_en``; plus
        ``importance_cut`` and ``performance_cut`` (the means).

    Raises
    ------
    AnalysisInputError
        Unknown option, or the columns the chosen importance needs are absent.

    Notes
    -----
    Performance is the mean perception (P).  Importance is either

    * ``"stated"`` — what respondents say: for dimensions the mean share of the
      100-point allocation ``W_<dimension>``; for items (no allocation per item)
      the mean expectation E of the item, the usual SERVQUAL stand-in;
    * ``"derived"`` — what drives satisfaction: the Pearson correlation of the
      dimension (or item) perception score with overall satisfaction (kind
      ``overall``) over respondents with both answers.

    Where a respondent has several rows (one per rated provider), their rows
    are averaged first, so that every mean and correlation is over
    respondents and ``n`` counts people.

    The grid is split at the mean importance and mean performance of the plotted
    units (data-centred crosshairs, Bacon 2003), giving the four quadrants of
    Martilla & James (1977):

    =====================  ==================  ===================
    quadrant               importance          performance
    =====================  ==================  ===================
    keep up the good work  high (≥ cut)        high (≥ cut)
    concentrate here       high                low
    low priority           low                 low
    possible overkill      low                 high
    =====================  ==================  ===================

    Example
    -------
    >>> import kitlib as kl
    >>> result = kl.ipa(kl.load_case("manufacturer"), importance="derived")
    >>> set(result.table["quadrant"]) <= {"keep_up", "concentrate", "low_priority", "overkill"}
    True

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). *Journal of Marketing*, 41(1), 77–79.
    Bacon, D. R. (2003). *International Journal of Market Research*, 45(1), 55–71.
    """
    survey = svc.require_survey(survey, "ipa")
    min_group_size = svc.check_min_group_size(min_group_size)
    if importance not in ("stated", "derived"):
        raise OptionError(f"importance must be 'stated' or 'derived', not {importance!r}")
    if level not in ("dimension", "item"):
        raise OptionError(f"level must be 'dimension' or 'item', not {level!r}")
    data = survey.data
    ids, respondent = svc.person_ids(survey), svc.respondent_column(survey)
    hidden = int(svc.group_sizes(data, [], respondent).at[0, "n"]) < min_group_size
    if level == "dimension":
        performance = svc.dimension_scores(survey, "P")
    else:
        performance = data[[p for _, _, p in survey.codebook.servqual_pairs()] or survey.codebook.items("servqual_P")]
    if performance.shape[1] == 0:
        raise AnalysisInputError("ipa() needs SERVQUAL perception items")
    outcome = [svc.single_column(survey, "overall")] if importance == "derived" else []
    people = svc.person_means(pd.concat([performance, data[outcome]], axis=1), ids)
    performance = people[performance.columns]
    if importance == "derived":
        overall = people[outcome[0]]
        values = {}
        for unit in performance.columns:
            if hidden:
                values[unit] = float("nan")
                continue
            both = performance[unit].notna() & overall.notna()
            if both.sum() < 3 or performance.loc[both, unit].std() == 0 or overall[both].std() == 0:
                raise AnalysisInputError(f"ipa(importance='derived'): cannot correlate {unit} with overall satisfaction (too few or constant answers)")
            values[unit] = float(np.corrcoef(performance.loc[both, unit], overall[both])[0, 1])
        importance_values = pd.Series(values)
    elif level == "dimension":
        allocation = svc.allocation_columns(survey)
        missing = [d for d in performance.columns if d not in allocation]
        if missing:
            raise AnalysisInputError(
                f"ipa(importance='stated') at dimension level needs the 100-point allocation columns (W_<dimension>) for {', '.join(missing)}; "
                "use importance='derived' instead"
            )
        importance_values = 100 * svc.person_means(svc.allocation_shares(survey, list(performance.columns)), ids).mean()
    else:
        pairs = {p: e for _, e, p in survey.codebook.servqual_pairs()}
        if not pairs:
            raise AnalysisInputError("ipa(importance='stated', level='item') uses the expectation items as stated importance; the survey has none")
        expectations = svc.person_means(data[[pairs[p] for p in performance.columns]], ids)
        importance_values = pd.Series({p: expectations[pairs[p]].mean() for p in performance.columns})
    table = pd.DataFrame({
        "unit": performance.columns,
        "label_zh": [survey.codebook.label(u, "zh") for u in performance.columns],
        "label_en": [survey.codebook.label(u, "en") for u in performance.columns],
        "importance": importance_values[performance.columns].to_numpy(dtype=float),
        "performance": performance.mean().to_numpy(dtype=float),
        "n": performance.notna().sum().to_numpy(),
    })
    importance_cut, performance_cut = float(table["importance"].mean()), float(table["performance"].mean())
    table["quadrant"] = quadrant(table["importance"], table["performance"], importance_cut, performance_cut)
    table["quadrant_zh"] = table["quadrant"].map(lambda q: QUADRANTS[q]["zh"])
    table["quadrant_en"] = table["quadrant"].map(lambda q: QUADRANTS[q]["en"])
    if hidden:
        table[["importance", "performance"]] = float("nan")
        table[["quadrant", "quadrant_zh", "quadrant_en"]] = None
        importance_cut = performance_cut = float("nan")
    return IPAResult(table, importance, level, importance_cut, performance_cut, hidden, min_group_size, svc.unit_of(ids))
