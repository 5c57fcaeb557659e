"""Perception scores: what a perceptions-only (SERVPERF) questionnaire measures instead of gaps.

Mean perception per item, dimension and overall, with t-intervals, also
rescaled to 0–100 of the answer scale so that 4- to 11-point scales read alike.

Example
-------
>>> import kitlib as kl
>>> scores = kl.perception_scores(kl.load_case("it_firm"))
>>> scores.dimensions["dimension"].tolist()[:2]
['tangibles', 'reliability']

References
----------
Cronin, J. J., & Taylor, S. A. (1992). Measuring service quality: a reexamination and extension.
*Journal of Marketing*, 56(3), 55–68.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kitlib._checks import check_confidence
from kitlib.service import _shared as svc
from kitlib.stats import mean_interval

__all__ = ["PerceptionResult", "perception_scores"]

SCORE_STATS = ["n", "n_rows", "mean", "sd", "se", "ci_low", "ci_high", "score_0_100"]


@dataclass(frozen=True)
class PerceptionResult:
    """Tables of :func:`perception_scores`.

    Attributes
    ----------
    items : DataFrame
        ``[by…], dimension, item, label_zh, label_en, n, mean, sd, se,
        ci_low, ci_high, score_0_100`` (+ ``group_n, suppressed, suppression``).
    dimensions : DataFrame
        ``[by…], dimension, label_zh, label_en, n_items`` and the same statistics.
    overall : DataFrame
        ``score`` = ``"unweighted"`` (mean of the dimension scores) and, with a
        100-point allocation over every dimension, ``"weighted"``.
    scale : tuple of float
        ``(min, max)`` of the answer scale.
    by : list of str
    confidence : float
    min_group_size : int
    unit : str
        What ``n`` counts (:data:`kitlib.service._shared.UNITS`): distinct
        respondents; ``"respondent_mean"`` when a respondent's several rows
        in a group were averaged first (``n_rows`` then gives the rows).
    """

    items: pd.DataFrame
    dimensions: pd.DataFrame
    overall: pd.DataFrame
    scale: tuple
    by: list = field(default_factory=list)
    confidence: float = 0.95
    min_group_size: int = svc.MIN_GROUP_SIZE
    unit: str = "respondent"

    def __repr__(self) -> str:
        shown = self.dimensions[self.by + ["dimension", "n", "mean", "ci_low", "ci_high"]].copy()
        numbers = shown.select_dtypes("number").columns
        shown[numbers] = shown[numbers].round(3)
        return (f"PerceptionResult({len(self.items)} item rows, scale {self.scale[0]:g}–{self.scale[1]:g}"
                + (f", by={self.by}" if self.by else "") + ")\n" + shown.to_string(index=False))


def _scale(survey, items) -> tuple:
    book = survey.codebook
    lows = {book.columns[i].scale_min for i in items}
    highs = {book.columns[i].scale_max for i in items}
    if len(lows) != 1 or len(highs) != 1:
        return float("nan"), float("nan")
    return float(lows.pop()), float(highs.pop())


def _rows(frame: pd.DataFrame, data: pd.DataFrame, keys: list, confidence: float, scale: tuple, ids) -> pd.DataFrame:
    low, high = scale
    rows = []
    for name, index in svc.group_indices(data, keys):
        group = frame.loc[index]
        people = svc.person_means(group, ids)
        answered = group.notna().sum()
        for column in frame.columns:
            values = people[column]
            interval = mean_interval(values.to_numpy(dtype=float, na_value=np.nan), confidence).to_dict()
            rows_used = {} if ids is None else {"n_rows": int(answered[column])}
            rows.append({**dict(zip(keys, name)), "key": column, "n": interval.pop("n"), **rows_used, **interval,
                         "sd": float(values.std(ddof=1)), "score_0_100": 100 * (interval["mean"] - low) / (high - low)})
    return pd.DataFrame(rows)


def perception_scores(survey, by=None, min_group_size: int = 5, confidence: float = 0.95) -> PerceptionResult:
    """Mean perception per item, dimension and overall, with confidence intervals.

    Parameters
    ----------
    survey : Survey
        With perception items (kind ``servqual_P`` with a ``dimension``);
        expectation items are not needed.
    by : str or list of str, optional
        Group columns; each group is summarised separately and small groups
        (and the siblings that would reveal them) are blanked.
    min_group_size : int, default 5
    confidence : float, default 0.95

    Returns
    -------
    PerceptionResult

    Raises
    ------
    AnalysisInputError
        Not a Survey, no perception items, unknown group column.

    Notes
    -----
    A respondent's dimension score is the mean of the dimension's answered
    perception items, as for the gaps.  The table gives its mean with a
    t-interval (``mean ± t · s/√n``) and the mean rescaled to the answer
    scale, ``100 · (mean − min) / (max − min)``.  The overall score is the
    mean of the dimension scores of respondents with every dimension
    (SERVPERF, Cronin & Taylor 1992) and, with a 100-point allocation,
    ``Σ_d w_d · P_d``.  A single-item dimension is reported like any other.
    ``n`` counts distinct respondents: a respondent with several rows in a
    group (one per rated provider) is averaged over them first, so the
    interval does not treat one person's ratings as independent.

    Example
    -------
    >>> import kitlib as kl
    >>> table = kl.perception_scores(kl.load_case("bank"), by="wave").overall
    >>> sorted(table["score"].unique())
    ['unweighted', 'weighted']

    References
    ----------
    Cronin, J. J., & Taylor, S. A. (1992). *Journal of Marketing*, 56(3), 55–68.
    """
    survey, min_group_size, keys = svc.check_inputs(survey, "perception_scores", min_group_size, by)
    check_confidence(confidence)
    book, data = survey.codebook, survey.data
    model = svc.servqual_model(survey, "P")
    items = [item for members in model.values() for item in members]
    scale = _scale(survey, items)
    ids, respondent = svc.person_ids(survey), svc.respondent_column(survey)
    item_table = _rows(data[items], data, keys, confidence, scale, ids)
    meta = pd.DataFrame([{"key": item, "dimension": dimension, "item": item, "label_zh": book.label(item, "zh"),
                          "label_en": book.label(item, "en")} for dimension, members in model.items() for item in members])
    item_table = meta.merge(item_table, on="key").drop(columns="key")
    scores = svc.dimension_scores(survey, "P")
    dimension_table = _rows(scores, data, keys, confidence, scale, ids).rename(columns={"key": "dimension"})
    dim_meta = pd.DataFrame([{"dimension": d, "label_zh": book.label(d, "zh"), "label_en": book.label(d, "en"),
                              "n_items": len(members)} for d, members in model.items()])
    dimension_table = dim_meta.merge(dimension_table, on="dimension")
    complete = scores.notna().all(axis=1)
    overall = pd.DataFrame({"unweighted": scores.mean(axis=1).where(complete)})
    allocation = svc.allocation_columns(survey)
    if all(d in allocation for d in model):
        weights = svc.allocation_shares(survey, list(model))
        overall["weighted"] = (scores * weights).sum(axis=1, min_count=len(model)).where(complete)
    overall_table = _rows(overall, data, keys, confidence, scale, ids).rename(columns={"key": "score"})
    tables = []
    for table in (item_table, dimension_table, overall_table):
        table = table[keys + [c for c in table.columns if c not in keys]]
        table = svc.suppress_groups(table, data, keys, min_group_size, SCORE_STATS, respondent, survey)
        tables.append(svc.add_group_labels(table, survey, keys))
    return PerceptionResult(*tables, scale, keys, confidence, min_group_size, svc.unit_of(ids))
