"""Customer Satisfaction Index (CSI) on a 0–100 scale.

kitlib's CSI is the importance-weighted mean of the five SERVQUAL perception
dimension scores, each rescaled from its answer scale to 0–100:

    CSI = Σ_d w_d · 100 · (P̄_d − min) / (max − min),     Σ_d w_d = 1

``P̄_d`` is the sample mean of the respondents' dimension scores (mean of the
answered P items of the dimension), ``min``/``max`` the item scale from the
codebook (1 and 7 for the shipped cases).  Weights ``w_d``: the mean
100-point importance allocation ``W_<dimension>`` divided by 100 (after
normalizing each respondent's allocation to sum 1); equal weights (1/5) when
the survey has no allocation, or any weights you pass.

Example
-------
>>> import kitlib as kl
>>> kl.csi(kl.load_case("it_firm"))  # doctest: +SKIP
CSI 61.3 (n=..., weights: mean importance allocation)

References
----------
Fornell, C. (1992). A national customer satisfaction barometer: the Swedish experience.
*Journal of Marketing*, 56(1), 6–21 (0–100 rescaling of weighted indicator means).
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import _service as svc
from .errors import AnalysisInputError


@dataclass
class CSIResult:
    """CSI value plus the per-dimension building blocks (and per-group values with ``by``)."""

    csi: float
    n: int
    weights_source: str
    dimensions: pd.DataFrame
    groups: pd.DataFrame | None = None
    suppressed: bool = False

    def __repr__(self) -> str:
        if self.suppressed:
            text = f"CSI hidden: only {self.n} respondents (fewer than the confidentiality minimum)"
        else:
            text = f"CSI {self.csi:.1f} (0–100; n={self.n}, weights: {self.weights_source})"
        if self.groups is not None:
            shown = self.groups.drop(columns=["group_n"], errors="ignore").round(1)
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
        weight, contribution``) and, with ``by``, ``groups`` (``[by…], n, csi,
        suppressed, suppression``); ``suppressed`` is True (and the values
        NaN) when the whole survey has fewer than ``min_group_size``
        respondents.

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
    scores = svc.dimension_scores(survey, "P").dropna()
    if len(scores) == 0:
        raise AnalysisInputError("csi(): no respondent answered every perception dimension")
    dimensions = list(model)
    allocation = svc.allocation_columns(survey)
    if isinstance(weights, dict):
        if set(weights) != set(dimensions):
            raise AnalysisInputError(f"weights must give one number for each dimension: {', '.join(dimensions)}")
        w = pd.Series(weights, dtype=float)[dimensions]
        if (w < 0).any() or w.sum() <= 0:
            raise AnalysisInputError("weights must be non-negative and not all zero")
        w, source = w / w.sum(), "given"
    elif weights == "equal" or (weights is None and not all(d in allocation for d in dimensions)):
        w, source = pd.Series(1 / len(dimensions), index=dimensions), "equal"
    elif weights is None:
        points = survey.data[[allocation[d] for d in dimensions]].set_axis(dimensions, axis=1)
        totals = points.sum(axis=1, min_count=len(dimensions))
        w = points.div(totals.where(totals > 0), axis=0).mean()
        w, source = w / w.sum(), "mean importance allocation"
    else:
        raise AnalysisInputError(f"weights must be None, 'equal' or a dict of dimension weights, not {weights!r}")
    value, table = _index(scores, w, low, high)
    table.insert(1, "label_zh", [survey.codebook.label(d, "zh") for d in table["dimension"]])
    table.insert(2, "label_en", [survey.codebook.label(d, "en") for d in table["dimension"]])
    groups = None
    if keys:
        data = survey.data.loc[scores.index]
        rows = []
        for name, index in svc.group_indices(data, keys):
            rows.append({**dict(zip(keys, name)), "n": len(index), "csi": _index(scores.loc[index], w, low, high)[0]})
        groups = svc.suppress_groups(pd.DataFrame(rows), survey.data, keys, min_group_size, ["n", "csi"])
    hidden = len(survey.data) < min_group_size
    if hidden:
        value = float("nan")
        table[["mean", "score_0_100", "contribution"]] = float("nan")
    return CSIResult(value, int(len(scores)), source, table, groups, hidden)
