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
:func:`improvement_plan`         Plan the largest gap from its worst item, Do the must-be KANO
                                 features, Check the same measures again, Act: standardise what
                                 improved significantly, re-plan the rest
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

__all__ = ["GapFocus", "ImprovementPlan", "classify_changes", "improvement_plan", "largest_gap", "weakest_cell"]

CHANGE_CLASSES = ("improved", "declined", "steady")


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
    if isinstance(gaps, GapResult):
        value, item_column, measure = "gap", "P_item", "gap"
    elif isinstance(gaps, PerceptionResult):
        value, item_column, measure = "mean", "item", "perception"
    else:
        raise OptionError("largest_gap() needs a GapResult (kl.servqual_gaps) or a PerceptionResult "
                          f"(kl.perception_scores), not {type(gaps).__name__}")
    if gaps.by:
        raise AnalysisInputError("largest_gap() needs an ungrouped result (without by=)")
    dimensions = _shown(gaps.dimensions).dropna(subset=[value])
    if dimensions.empty:
        raise AnalysisInputError("largest_gap(): every dimension is suppressed or has no score")
    worst = dimensions.loc[dimensions[value].idxmin()]
    items = _shown(gaps.items)
    items = items[items["dimension"] == worst["dimension"]].dropna(subset=[value])
    item = items.loc[items[value].idxmin()]
    return GapFocus(str(worst["dimension"]), str(worst["label_zh"]), str(worst["label_en"]), float(worst[value]),
                    str(item[item_column]), str(item["label_zh"]), str(item["label_en"]), float(item[value]), measure)


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
        *Plan*: the largest gap and the item to start from.
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
    """

    target: GapFocus
    must_be: pd.DataFrame
    check_measures: list = field(default_factory=list)
    standardise: list = field(default_factory=list)
    replan: list = field(default_factory=list)

    def __repr__(self) -> str:
        return (f"ImprovementPlan(plan: {self.target.dimension} {self.target.gap:.2f} from {self.target.item}; "
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
        The ``changes`` of :func:`kitlib.trend` (ungrouped), for *Act*.
    measures : sequence of str
        Further measures the survey has, compared in *Check* (e.g. ``("nps", "csi")``).

    Returns
    -------
    ImprovementPlan

    Notes
    -----
    *Plan*: the largest gap (:func:`largest_gap`; without expectations the
    lowest perception), starting with its worst item.  *Do*: secure the must-be features first — they cause dissatisfaction
    when missing and earn nothing when present (Berger et al. 1993) — most
    negative Worse first.  *Check*: re-survey the same measures.  *Act*:
    dimensions whose change was a significant improvement
    (:func:`classify_changes`) are standardised; the others go back to *Plan*.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("bank")
    >>> plan = improvement_plan(kl.servqual_gaps(survey), kl.kano_table(survey), kl.trend(survey).changes)
    >>> plan.check_measures[0]
    'responsiveness'

    References
    ----------
    Deming, W. E. (1986). *Out of the Crisis*. MIT Press.
    Berger, C. et al. (1993). *Center for Quality Management Journal*, 2(4), 3–36.
    """
    target = largest_gap(gaps)
    must_be = pd.DataFrame(columns=["feature", "label_zh", "label_en", "worse"])
    if kano is not None:
        shown = _shown(kano)
        must_be = (shown[shown["category"] == "M"].sort_values("worse")[["feature", "label_zh", "label_en", "worse"]]
                   .reset_index(drop=True))
    standardise, replan = [], []
    if changes is not None and not changes.empty:
        shown = _shown(changes)
        dimensions = [d for d in gaps.dimensions["dimension"] if d in set(shown["measure"])]
        by_measure = shown.set_index("measure").loc[dimensions]
        classes = classify_changes(by_measure)
        standardise = [d for d in dimensions if classes[d] == "improved"]
        replan = [d for d in dimensions if classes[d] != "improved"]
    return ImprovementPlan(target, must_be, [target.dimension, *measures], standardise, replan)
