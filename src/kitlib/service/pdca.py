"""Decision rules of the improvement cycle (Plan–Do–Check–Act), written once for chapters and reports.

===============================  ===============================================================
function                         rule
===============================  ===============================================================
:func:`largest_gap`              the dimension (and its item) furthest below expectations; on a
                                 perceptions-only (SERVPERF) survey the lowest perception mean
:func:`weakest_cell`             the group × dimension (or provider × receiver) cell with the
                                 lowest value of a grid
:func:`classify_changes`         a wave-to-wave change is an improvement / a decline when it is
                                 significant at ``alpha`` with that sign, else steady
:func:`plan_target`              the dimension to Plan for: the largest gap that is not improving
                                 significantly (an improving dimension is never targeted while a
                                 worse-or-equal one that is not improving is left out)
:func:`improvement_plan`         Plan the target from its worst item, Do the must-be KANO
                                 features, Check the same measures again, Act: standardise what
                                 improved significantly, re-plan the rest
:func:`kano_priorities`          the KANO features to act on, in order: must-be, one-dimensional,
                                 attractive, reverse
:func:`largest_weights`          the dimension(s) carrying the largest weight; every dimension when
                                 the weights are equal (no "largest weight" to claim)
===============================  ===============================================================

Example
-------
>>> import kitlib as kl
>>> from kitlib.service.pdca import improvement_plan
>>> survey = kl.load_case("it_firm")
>>> plan = improvement_plan(kl.servqual_gaps(survey), kl.kano_table(survey))
>>> plan.target.dimension
'responsiveness'

References
----------
Deming, W. E. (1986). *Out of the Crisis*. MIT Press (the PDCA cycle).
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
*Center for Quality Management Journal*, 2(4), 3–36.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kitlib.errors import AnalysisInputError, OptionError
from kitlib.service.gaps import GapResult
from kitlib.service.performance import PerceptionResult

__all__ = ["GapFocus", "ImprovementPlan", "classify_changes", "improvement_plan", "kano_priorities", "largest_gap",
           "largest_weights", "plan_target", "weakest_cell"]

CHANGE_CLASSES = ("improved", "declined", "steady")
KANO_ORDER = ("M", "O", "A", "R")  # must-be, one-dimensional, attractive, reverse: the order to act on them
WEIGHT_TOLERANCE = 0.005  # weights closer than this print alike at two decimals


@dataclass(frozen=True)
class GapFocus:
    """The dimension furthest below expectations and its worst item (:func:`largest_gap`).

    Attributes
    ----------
    dimension, label_zh, label_en : str
    gap : float
        The dimension's mean gap (P − E); with ``measure == "perception"``
        its mean perception (the lowest of all dimensions).
    item, item_label_zh, item_label_en : str
        Its perception item with the largest gap (lowest mean perception).
    item_gap : float
    measure : {"gap", "perception"}
        What ``gap`` and ``item_gap`` hold.
    """

    dimension: str
    label_zh: str
    label_en: str
    gap: float
    item: str
    item_label_zh: str
    item_label_en: str
    item_gap: float
    measure: str = "gap"

    def label(self, lang: str) -> str:
        """The dimension's label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["suppressed"].astype(bool)] if "suppressed" in table else table


def largest_gap(gaps) -> GapFocus:
    """The dimension with the most negative gap (or the lowest perception), and its worst item.

    Parameters
    ----------
    gaps : GapResult or PerceptionResult
        From :func:`kitlib.servqual_gaps` or, for a perceptions-only
        (SERVPERF) survey, :func:`kitlib.perception_scores`; without ``by``
        (one row per dimension).

    Returns
    -------
    GapFocus
        ``measure`` is ``"gap"`` or ``"perception"``.

    Raises
    ------
    AnalysisInputError
        The result is grouped, or every dimension is suppressed.

    Notes
    -----
    The largest gap is the smallest (most negative) mean P − E.  Without
    expectations the largest shortfall is the smallest mean perception,
    and its item the one with the smallest mean (SERVPERF: Cronin & Taylor
    1992).  A tie goes to the dimension (item) listed first.  Suppressed
    rows are never chosen.

    Example
    -------
    >>> import kitlib as kl
    >>> largest_gap(kl.servqual_gaps(kl.load_case("bank"))).dimension
    'responsiveness'
    >>> largest_gap(kl.perception_scores(kl.load_case("bank"))).measure
    'perception'

    References
    ----------
    Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*, ch. 2. Free Press.
    Cronin, J. J., & Taylor, S. A. (1992). *Journal of Marketing*, 56(3), 55–68.
    """
    dimensions = _ranked(gaps, "largest_gap")
    return _focus(gaps, dimensions.iloc[0])


def _kind(gaps) -> tuple[str, str, str]:
    """``(value column, item column, measure)`` of a gap or perception result."""
    if isinstance(gaps, GapResult):
        return "gap", "P_item", "gap"
    if isinstance(gaps, PerceptionResult):
        return "mean", "item", "perception"
    raise OptionError("a GapResult (kl.servqual_gaps) or a PerceptionResult (kl.perception_scores) is needed, "
                      f"not {type(gaps).__name__}")


def _ranked(gaps, function: str) -> pd.DataFrame:
    """Shown dimensions with a score, worst first (a tie keeps the listed order)."""
    value = _kind(gaps)[0]
    if gaps.by:
        raise AnalysisInputError(f"{function}() needs an ungrouped result (without by=)")
    dimensions = _shown(gaps.dimensions).dropna(subset=[value])
    if dimensions.empty:
        raise AnalysisInputError(f"{function}(): every dimension is suppressed or has no score")
    return dimensions.sort_values(value, kind="stable")


def _focus(gaps, worst: pd.Series) -> GapFocus:
    """The :class:`GapFocus` of one dimension row: its score and its worst item."""
    value, item_column, measure = _kind(gaps)
    items = _shown(gaps.items)
    items = items[items["dimension"] == worst["dimension"]].dropna(subset=[value])
    item = items.loc[items[value].idxmin()]
    return GapFocus(str(worst["dimension"]), str(worst["label_zh"]), str(worst["label_en"]), float(worst[value]),
                    str(item[item_column]), str(item["label_zh"]), str(item["label_en"]), float(item[value]), measure)


def plan_target(gaps, changes: pd.DataFrame | None = None) -> tuple[GapFocus, list]:
    """The dimension the next *Plan* targets, and the worse dimensions passed over because they are improving.

    Parameters
    ----------
    gaps : GapResult or PerceptionResult
        Ungrouped, of the wave the plan is for (the latest: :func:`kitlib.service.waves.latest_wave`).
    changes : DataFrame, optional
        Changes per dimension from the previous wave (``measure``, ``diff``,
        ``significant``; :func:`kitlib.service.waves.wave_changes` or the
        ``changes`` of :func:`kitlib.trend`).  Without it the target is :func:`largest_gap`.

    Returns
    -------
    (GapFocus, list of str)
        The target, and the dimensions with a larger gap (lower perception)
        that were passed over because they improved significantly, worst first.

    Notes
    -----
    The rule, for every report and chapter: rank the shown dimensions by
    their gap (perception score), worst first; a dimension that improved
    significantly since the previous wave (:func:`classify_changes`) is
    already on its way — *Act* standardises what made it improve — so the
    target is the worst dimension that is **not** improving significantly
    and, on a gap result, still falls short (gap < 0).  Only when no
    dimension qualifies is the worst dimension targeted, improving or not.
    Hence an improving dimension is never targeted while a worse (or equal)
    one that is not improving is left out.

    Example
    -------
    >>> import kitlib as kl
    >>> from kitlib.service.waves import latest_wave, wave_changes
    >>> view = latest_wave(kl.load_case("bank").filter(provider="Operations Centre"))
    >>> target, passed_over = plan_target(kl.servqual_gaps(view.survey), wave_changes(view))
    >>> target.dimension, passed_over
    ('reliability', ['responsiveness'])

    References
    ----------
    Deming, W. E. (1986). *Out of the Crisis*. MIT Press (Plan from what the Check showed).
    """
    dimensions = _ranked(gaps, "plan_target")
    if changes is None or changes.empty:
        return _focus(gaps, dimensions.iloc[0]), []
    shown = _shown(changes).drop_duplicates("measure").set_index("measure")
    improving = set(shown.index[classify_changes(shown) == "improved"])
    value, _, measure = _kind(gaps)
    candidates = dimensions[~dimensions["dimension"].isin(improving)]
    if measure == "gap":
        candidates = candidates[candidates[value] < 0]
    if candidates.empty:
        return _focus(gaps, dimensions.iloc[0]), []
    target = candidates.iloc[0]
    worse = dimensions[dimensions[value] <= target[value]]
    return _focus(gaps, target), [str(name) for name in worse["dimension"] if name in improving]


def weakest_cell(grid: pd.DataFrame) -> tuple[tuple, float]:
    """``((row, column), value)`` of the lowest non-missing cell of a grid (e.g. groups × dimensions).

    Notes
    -----
    Cells are compared by value; a tie goes to the first in row-major order.

    Example
    -------
    >>> import pandas as pd
    >>> weakest_cell(pd.DataFrame({"a": [1.0, -2.0], "b": [0.5, None]}, index=["x", "y"]))
    (('y', 'a'), -2.0)

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *Journal of Marketing*, 41(1), 77–79.
    """
    cells = grid.stack().dropna()
    if cells.empty:
        raise AnalysisInputError("weakest_cell(): the grid has no values")
    position = cells.idxmin()
    return position, float(cells.loc[position])


def classify_changes(changes: pd.DataFrame) -> pd.Series:
    """``"improved"``, ``"declined"`` or ``"steady"`` for every row of a :func:`kitlib.trend` change table.

    Notes
    -----
    A change is an improvement when it is significant (the ``significant``
    column, p < alpha of the trend) and ``diff`` (later − earlier) is
    positive, a decline when significant and negative, otherwise steady.

    Example
    -------
    >>> import pandas as pd
    >>> classify_changes(pd.DataFrame({"diff": [0.4, -0.3, 0.1], "significant": [True, True, False]})).tolist()
    ['improved', 'declined', 'steady']

    References
    ----------
    Deming, W. E. (1986). *Out of the Crisis*. MIT Press ("Check").
    """
    significant = changes["significant"].astype("boolean").fillna(False).astype(bool)
    classes = pd.Series("steady", index=changes.index, dtype=object)
    classes[significant & (changes["diff"] > 0)] = "improved"
    classes[significant & (changes["diff"] < 0)] = "declined"
    return classes


@dataclass(frozen=True)
class ImprovementPlan:
    """The next PDCA step (:func:`improvement_plan`).

    Attributes
    ----------
    target : GapFocus
        *Plan*: the dimension chosen by :func:`plan_target` and the item to start from.
    must_be : DataFrame
        *Do*: must-be KANO features (``feature, label_zh, label_en, worse``), the most
        damaging when absent (most negative Worse) first; empty without KANO data.
    check_measures : list of str
        *Check*: the measures to compare after the re-survey (the target dimension, then
        ``"nps"`` and ``"csi"`` when the survey has them).
    standardise : list of str
        *Act*: dimensions that improved significantly since the previous wave.
    replan : list of str
        *Act*: dimensions that did not, back to *Plan* (empty without waves).
    passed_over : list of str
        Dimensions with a larger gap than the target, not targeted because they
        improved significantly (worst first; :func:`plan_target`).
    one_dimensional : DataFrame
        One-dimensional KANO features (``feature, label_zh, label_en, better, worse``),
        the next lever once the must-be features are secure; most leverage first.
    """

    target: GapFocus
    must_be: pd.DataFrame
    check_measures: list = field(default_factory=list)
    standardise: list = field(default_factory=list)
    replan: list = field(default_factory=list)
    passed_over: list = field(default_factory=list)
    one_dimensional: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["feature", "label_zh", "label_en",
                                                                                          "better", "worse"]))

    def __repr__(self) -> str:
        return (f"ImprovementPlan(plan: {self.target.dimension} {self.target.gap:.2f} from {self.target.item}"
                + (f" (passed over, improving: {', '.join(self.passed_over)})" if self.passed_over else "") + "; "
                f"do: {', '.join(self.must_be['feature']) or 'no must-be feature'}; check: {', '.join(self.check_measures)}; "
                f"act: standardise {self.standardise or '-'}, re-plan {self.replan or '-'})")


def improvement_plan(gaps, kano: pd.DataFrame | None = None, changes: pd.DataFrame | None = None,
                     measures=("nps", "csi")) -> ImprovementPlan:
    """The PDCA step the results call for.

    Parameters
    ----------
    gaps : GapResult or PerceptionResult
        Ungrouped :func:`kitlib.servqual_gaps`, or :func:`kitlib.perception_scores`
        for a perceptions-only survey (the target is then the lowest perception).
    kano : DataFrame, optional
        :func:`kitlib.kano_table` (ungrouped); its must-be features become the *Do* list.
    changes : DataFrame, optional
        Changes per dimension from the previous wave, for *Plan* and *Act*:
        :func:`kitlib.service.waves.wave_changes` of the wave ``gaps``
        describes, or the ``changes`` of :func:`kitlib.trend` (ungrouped).
    measures : sequence of str
        Further measures the survey has, compared in *Check* (e.g. ``("nps", "csi")``).

    Returns
    -------
    ImprovementPlan

    Notes
    -----
    *Plan*: :func:`plan_target` — the largest gap (without expectations the
    lowest perception) that is not improving significantly — starting with
    its worst item.  *Do*: secure the must-be features first — they cause dissatisfaction
    when missing and earn nothing when present (Berger et al. 1993) — most
    negative Worse first; the one-dimensional features follow
    (:func:`kano_priorities`).  *Check*: re-survey the same measures.  *Act*:
    dimensions whose change was a significant improvement
    (:func:`classify_changes`) are standardised; the others go back to *Plan*.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("bank")
    >>> plan = improvement_plan(kl.servqual_gaps(survey), kl.kano_table(survey), kl.trend(survey).changes)
    >>> plan.target.dimension, plan.passed_over, list(plan.one_dimensional["feature"])
    ('reliability', ['responsiveness'], ['F03', 'F07'])

    References
    ----------
    Deming, W. E. (1986). *Out of the Crisis*. MIT Press.
    Berger, C. et al. (1993). *Center for Quality Management Journal*, 2(4), 3–36.
    """
    target, passed_over = plan_target(gaps, changes)
    must_be = pd.DataFrame(columns=["feature", "label_zh", "label_en", "worse"])
    one_dimensional = pd.DataFrame(columns=["feature", "label_zh", "label_en", "better", "worse"])
    if kano is not None:
        ranked = kano_priorities(kano)
        must_be = ranked.loc[ranked["category"] == "M", list(must_be.columns)].reset_index(drop=True)
        one_dimensional = ranked.loc[ranked["category"] == "O", list(one_dimensional.columns)].reset_index(drop=True)
    standardise, replan = [], []
    if changes is not None and not changes.empty:
        shown = _shown(changes)
        dimensions = [d for d in gaps.dimensions["dimension"] if d in set(shown["measure"])]
        by_measure = shown.set_index("measure").loc[dimensions]
        classes = classify_changes(by_measure)
        standardise = [d for d in dimensions if classes[d] == "improved"]
        replan = [d for d in dimensions if classes[d] != "improved"]
    return ImprovementPlan(target, must_be, [target.dimension, *measures], standardise, replan, passed_over, one_dimensional)


def kano_priorities(kano: pd.DataFrame) -> pd.DataFrame:
    """The KANO features to act on, in the order to act on them: must-be, one-dimensional, attractive, reverse.

    Parameters
    ----------
    kano : DataFrame
        :func:`kitlib.kano_table` (ungrouped); suppressed rows are left out.

    Returns
    -------
    DataFrame
        ``feature, label_zh, label_en, category, better, worse`` for the
        features of category M, O, A and R (indifferent and questionable
        answers call for no action), in the order below.

    Notes
    -----
    Must-be (M) first, most negative Worse first: missing, they cause
    dissatisfaction and nothing else makes up for it.  One-dimensional (O)
    next — satisfaction rises and falls with them — by their total leverage
    ``Better + |Worse|``.  Attractive (A) after the must-bes are secure, by
    Better.  Reverse (R) last: stop them or make them optional.  Ties keep
    the table's order (Berger et al. 1993).

    Example
    -------
    >>> import kitlib as kl
    >>> kano_priorities(kl.kano_table(kl.load_case("bank")))["category"].tolist()
    ['M', 'M', 'M', 'O', 'O', 'A', 'A', 'R']

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality Management Journal*, 2(4), 3–36.
    Kano, N., Seraku, N., Takahashi, F., & Tsuji, S. (1984). Attractive quality and must-be quality.
    *Journal of the Japanese Society for Quality Control*, 14(2), 39–48.
    """
    shown = _shown(kano)
    order = {"M": shown["worse"], "O": -(shown["better"] - shown["worse"]), "A": -shown["better"],
             "R": pd.Series(0.0, index=shown.index)}
    parts = [shown[shown["category"] == category].assign(_rank=order[category]).sort_values("_rank", kind="stable")
             for category in KANO_ORDER]
    columns = ["feature", "label_zh", "label_en", "category", "better", "worse"]
    return pd.concat([part[columns] for part in parts], ignore_index=True)


def largest_weights(weights, tolerance: float = WEIGHT_TOLERANCE) -> list:
    """The dimension(s) with the largest weight: all of them when the weights are equal.

    Parameters
    ----------
    weights : Series or mapping
        Weight per dimension (e.g. the ``weight`` column of :func:`kitlib.csi`
        indexed by ``dimension``).
    tolerance : float, default 0.005
        Weights closer than this to the largest count as equal to it (they
        print alike at two decimals).

    Returns
    -------
    list
        The dimensions tied for the largest weight, in the given order.  A
        sentence may name "the most heavily weighted dimension" only when the
        list has one entry; when it holds every dimension the weights are equal.

    Notes
    -----
    ``{d : w_d ≥ max_k w_k − tolerance}``.  With equal weights (1/5 each, the
    CSI without an importance allocation) every dimension is returned, so no
    report claims a "largest weight" that is not there.

    Example
    -------
    >>> largest_weights({"a": 0.2, "b": 0.2, "c": 0.2})
    ['a', 'b', 'c']
    >>> largest_weights({"a": 0.5, "b": 0.3, "c": 0.2})
    ['a']

    References
    ----------
    Fornell, C. (1992). A national customer satisfaction barometer. *Journal of Marketing*, 56(1), 6–21.
    """
    values = pd.Series(weights, dtype=float).dropna()
    if values.empty:
        raise AnalysisInputError("largest_weights(): no weights")
    if tolerance < 0:
        raise OptionError(f"tolerance must be ≥ 0, not {tolerance!r}")
    return [name for name, weight in values.items() if weight >= values.max() - tolerance]
