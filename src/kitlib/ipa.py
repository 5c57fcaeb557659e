"""Importance–performance analysis (IPA) of the SERVQUAL dimensions or items.

Performance is the mean perception (P).  Importance is either

* ``"stated"`` — what respondents say: for dimensions the mean share of the
  100-point allocation ``W_<dimension>``; for items (no allocation per item)
  the mean expectation E of the item, the usual SERVQUAL stand-in;
* ``"derived"`` — what drives satisfaction: the Pearson correlation of the
  dimension (or item) perception score with overall satisfaction (kind
  ``overall``) over respondents with both answers.

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
>>> kl.ipa(kl.load_case("it_firm"), importance="derived").table  # doctest: +SKIP

References
----------
Martilla, J. A., & James, J. C. (1977). Importance-performance analysis.
*Journal of Marketing*, 41(1), 77–79.
Bacon, D. R. (2003). A comparison of approaches to importance-performance analysis.
*International Journal of Market Research*, 45(1), 55–71.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _service as svc
from .errors import AnalysisInputError

QUADRANTS = {
    "keep_up": {"zh": "继续保持", "en": "Keep up the good work"},
    "concentrate": {"zh": "重点改进", "en": "Concentrate here"},
    "low_priority": {"zh": "低优先级", "en": "Low priority"},
    "overkill": {"zh": "可能过度投入", "en": "Possible overkill"},
}


@dataclass
class IPAResult:
    """IPA table and the crosshair positions."""

    table: pd.DataFrame
    importance_kind: str
    level: str
    importance_cut: float
    performance_cut: float
    suppressed: bool = False
    min_group_size: int = svc.MIN_GROUP_SIZE

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
        With fewer respondents (e.g. one small department selected with
        ``survey.filter``) the values are blanked and ``suppressed`` is True.

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
        raise AnalysisInputError(f"importance must be 'stated' or 'derived', not {importance!r}")
    if level not in ("dimension", "item"):
        raise AnalysisInputError(f"level must be 'dimension' or 'item', not {level!r}")
    data = survey.data
    hidden = len(data) < min_group_size
    if level == "dimension":
        performance = svc.dimension_scores(survey, "P")
    else:
        performance = data[[p for _, _, p in survey.codebook.servqual_pairs()] or survey.codebook.items("servqual_P")]
    if performance.shape[1] == 0:
        raise AnalysisInputError("ipa() needs SERVQUAL perception items")
    if importance == "derived":
        overall = data[svc.single_column(survey, "overall")]
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
        points = data[[allocation[d] for d in performance.columns]].set_axis(performance.columns, axis=1)
        totals = points.sum(axis=1, min_count=points.shape[1])
        importance_values = 100 * points.div(totals.where(totals > 0), axis=0).mean()
    else:
        pairs = {p: e for _, e, p in survey.codebook.servqual_pairs()}
        if not pairs:
            raise AnalysisInputError("ipa(importance='stated', level='item') uses the expectation items as stated importance; the survey has none")
        importance_values = pd.Series({p: data[pairs[p]].mean() for p in performance.columns})
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
    return IPAResult(table, importance, level, importance_cut, performance_cut, hidden, min_group_size)
