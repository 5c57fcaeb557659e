"""The internal customer's journey: satisfaction and importance per stage, and the moments of truth.

Touchpoint ratings come in long format (``respondent_id, provider, stage, satisfaction, importance``)
with the journey declared as an ordered list of stages (e.g. 提出需求 → 受理 → 处理 → 交付 → 回访).
A **moment of truth** is a stage of high importance and low satisfaction: by default importance above
the provider's mean over stages and satisfaction below it (the "concentrate here" quadrant of an
importance–performance analysis); absolute cut-offs can be given instead.

Example
-------
>>> import kitlib as kl
>>> from kitlib.data.cases import case_dir
>>> touchpoints, stages = kl.read_journey(case_dir("bank") / "journey.csv")
>>> kl.moments_of_truth(kl.journey_map(touchpoints, stages)).query("provider == 'Operations Centre'")["stage"].tolist()
['acceptance', 'processing']

References
----------
Carlzon, J. (1987). *Moments of Truth*. Ballinger.
Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *Journal of Marketing*, 41(1), 77–79.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kitlib.data.files import read_table
from kitlib.errors import AnalysisInputError, DataFileError, DataValidationError, MissingColumnError, OptionError, OutOfRangeError
from kitlib.privacy import count_respondents, suppress_small_groups
from kitlib.stats import t_interval

__all__ = ["journey_map", "moments_of_truth", "read_journey"]

_COLUMNS = ["respondent_id", "provider", "stage", "satisfaction", "importance"]


def read_journey(path, journey=None) -> tuple[pd.DataFrame, list[dict]]:
    """Touchpoint ratings and their declared journey (default ``journey.yaml`` next to the file).

    Returns ``(touchpoints, stages)``; ``stages`` is the ordered list of ``{stage, zh, en}``.

    Raises
    ------
    DataFileError, MissingColumnError, DataValidationError, OutOfRangeError
        Naming file, column and rows: undeclared stages, non-numeric or off-scale ratings.
    """
    path = Path(path)
    declaration = Path(journey) if journey is not None else path.with_name("journey.yaml")
    if not declaration.is_file():
        raise DataFileError(f"no journey declaration {declaration}: list the stages in order (stages: [{{stage, zh, en}}, ...])")
    spec = yaml.safe_load(declaration.read_text(encoding="utf-8-sig")) or {}
    stages = spec.get("stages") if isinstance(spec, dict) else None
    if not stages or not all(isinstance(s, dict) and "stage" in s for s in stages):
        raise DataFileError(f"{declaration}: 'stages' must be a list of {{stage, zh, en}} in journey order")
    low, high = spec.get("scale", [1, 7])
    raw = read_table(path)
    frame, rows = raw.frame, np.asarray(raw.row_numbers)
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"touchpoint ratings lack column(s) {', '.join(missing)}", path=path)
    out = frame[_COLUMNS].copy()
    known = [str(s["stage"]) for s in stages]
    bad = ~out["stage"].isin(known)
    if bad.any():
        raise DataValidationError(f"stages not declared in {declaration.name} (declared: {', '.join(known)})", path=path, column="stage",
                                  rows=[int(r) for r in rows[bad.to_numpy()]])
    for column in ("satisfaction", "importance"):
        text = out[column].replace("", pd.NA)
        numbers = pd.to_numeric(text, errors="coerce")
        wrong = text.notna() & numbers.isna()
        if wrong.any():
            raise DataValidationError("values that are not numbers", path=path, column=column, rows=[int(r) for r in rows[wrong.to_numpy()]])
        off = (numbers < low) | (numbers > high)
        if off.any():
            raise OutOfRangeError(f"ratings outside the scale {low}–{high}", path=path, column=column, rows=[int(r) for r in rows[off.to_numpy()]])
        out[column] = numbers.astype(float)
    return out, [{"stage": str(s["stage"]), "zh": str(s.get("zh", s["stage"])), "en": str(s.get("en", s["stage"]))} for s in stages]


def journey_map(touchpoints: pd.DataFrame, stages, *, by: str | None = "provider", confidence: float = 0.95, min_n: int = 5) -> pd.DataFrame:
    """Mean satisfaction and importance per stage (and ``by`` group), with t intervals, in journey order.

    Returns
    -------
    DataFrame
        ``[by,] stage, order, label_zh, label_en, n, satisfaction, satisfaction_low, satisfaction_high,
        importance, importance_low, importance_high`` (``n``: distinct respondents who rated the
        satisfaction).  Groups under ``min_n`` distinct respondents are left out, and so are the
        groups that would reveal them as a stage's total minus the shown groups (complementary
        suppression among the ``by`` groups of each stage, :func:`kitlib.suppress_small_groups`).

    Notes
    -----
    Each statistic is over respondents: a respondent's several ratings of a stage within a
    group (e.g. of two providers when ``by=None``) are averaged first, then
    ``mean ± t · s / √n`` over the n respondents.

    Example
    -------
    >>> frame = pd.DataFrame({"respondent_id": [1, 1, 2, 3], "provider": ["IT", "HR", "IT", "IT"],
    ...                       "stage": ["ask"] * 4, "satisfaction": [5.0, 3.0, 6.0, 7.0], "importance": [6.0] * 4})
    >>> journey_map(frame, ["ask"], by=None, min_n=3)["n"].tolist()  # 3 people, 4 ratings
    [3]

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    if not isinstance(touchpoints, pd.DataFrame):
        raise AnalysisInputError(f"journey_map() needs a DataFrame of touchpoint ratings, not {type(touchpoints).__name__}")
    if not 0 < confidence < 1:
        raise OptionError(f"confidence must lie between 0 and 1, not {confidence!r}")
    needed = ["stage", "satisfaction", "importance"] + ([by] if by else [])
    missing = [c for c in needed if c not in touchpoints.columns]
    if missing:
        raise AnalysisInputError(f"journey_map(): no column(s) {', '.join(missing)}")
    order = {(s["stage"] if isinstance(s, dict) else s): i for i, s in enumerate(stages)}
    labels = {(s["stage"] if isinstance(s, dict) else s): s for s in stages}
    keys = ([by] if by else []) + ["stage"]
    respondent = "respondent_id" if "respondent_id" in touchpoints.columns else None
    people = touchpoints
    if respondent is not None and touchpoints.duplicated(keys + [respondent]).any():
        people = touchpoints.groupby(keys + [respondent], sort=False, observed=True)[["satisfaction", "importance"]].mean().reset_index()
    grouped = people.groupby(keys, sort=False, observed=True)
    table = grouped.agg(n=("satisfaction", "count"), satisfaction=("satisfaction", "mean"), s_sd=("satisfaction", "std"),
                        importance=("importance", "mean"), i_sd=("importance", "std"), i_n=("importance", "count")).reset_index()
    for name, sd, n in (("satisfaction", "s_sd", "n"), ("importance", "i_sd", "i_n")):
        se = table[sd] / np.sqrt(table[n])
        bounds = [t_interval(m, s, k - 1, confidence) if k > 1 else (np.nan, np.nan) for m, s, k in zip(table[name], se, table[n])]
        table[f"{name}_low"] = [b[0] for b in bounds]
        table[f"{name}_high"] = [b[1] for b in bounds]
    table["order"] = table["stage"].map(order)
    table["label_zh"] = table["stage"].map(lambda s: labels.get(s, {}).get("zh", s) if isinstance(labels.get(s), dict) else s)
    table["label_en"] = table["stage"].map(lambda s: labels.get(s, {}).get("en", s) if isinstance(labels.get(s), dict) else s)
    sizes = count_respondents(touchpoints, keys, respondent).drop(columns="n_rows").rename(columns={"n": "respondents"})
    table = table.merge(sizes, on=keys, how="left")
    if by:
        table = suppress_small_groups(table, by, min_n, n="respondents", within="stage", values=[])
        table = table[~table["suppressed"]]
    table = table[table["respondents"] >= min_n].sort_values(([by] if by else []) + ["order"], kind="stable").reset_index(drop=True)
    columns = ([by] if by else []) + ["stage", "order", "label_zh", "label_en", "n", "satisfaction", "satisfaction_low", "satisfaction_high",
                                      "importance", "importance_low", "importance_high"]
    return table[columns]


def moments_of_truth(journey: pd.DataFrame, *, importance_cut: float | None = None, satisfaction_cut: float | None = None,
                     by: str | None = "provider") -> pd.DataFrame:
    """Stages of high importance and low satisfaction (per ``by`` group) from :func:`journey_map`.

    Parameters
    ----------
    importance_cut, satisfaction_cut : float, optional
        A stage is a moment of truth when its mean importance is **above** ``importance_cut`` and its mean
        satisfaction **below** ``satisfaction_cut``.  Default: the group's mean over its stages.

    Returns
    -------
    DataFrame
        The moments of truth with ``importance_cut`` and ``satisfaction_cut`` used, in journey order.
    """
    if by and by not in journey.columns:
        by = None
    parts = journey.groupby(by, sort=False) if by else [(None, journey)]
    found = []
    for _, part in parts:
        i_cut = part["importance"].mean() if importance_cut is None else float(importance_cut)
        s_cut = part["satisfaction"].mean() if satisfaction_cut is None else float(satisfaction_cut)
        hit = part[(part["importance"] > i_cut) & (part["satisfaction"] < s_cut)]
        found.append(hit.assign(importance_cut=i_cut, satisfaction_cut=s_cut))
    if not found:
        return journey.iloc[0:0].assign(importance_cut=[], satisfaction_cut=[])
    return pd.concat(found, ignore_index=True)
