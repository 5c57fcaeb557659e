"""Shared building blocks of the service-quality analyses (issue 4).

Per-respondent SERVQUAL scores, input checks and bilingual labels used by
:mod:`kitlib.service.gaps`, :mod:`kitlib.service.indices`, :mod:`kitlib.service.indices`, :mod:`kitlib.service.waves`
and :mod:`kitlib.service.provider_receiver`.

Example
-------
>>> import kitlib as kl
>>> from kitlib.service._shared import dimension_scores
>>> dimension_scores(kl.load_case("it_firm"), "P").columns.tolist()[:2]
['tangibles', 'reliability']

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError, OptionError

MIN_GROUP_SIZE = 5


def require_survey(survey, function: str) -> Survey:
    """Raise a clear error unless ``survey`` is a :class:`~kitlib.Survey`."""
    if not isinstance(survey, Survey):
        raise AnalysisInputError(
            f"{function}() needs a Survey (from kl.load_survey or kl.load_case), not {type(survey).__name__}"
        )
    if len(survey.data) == 0:
        raise AnalysisInputError(f"{function}(): the survey has no rows")
    return survey


def check_min_group_size(min_group_size) -> int:
    """Validate the confidentiality threshold (a whole number >= 1)."""
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, (int, np.integer)) or min_group_size < 1:
        raise OptionError(f"min_group_size must be a whole number >= 1, not {min_group_size!r}")
    return int(min_group_size)


def group_list(survey: Survey, by) -> list[str]:
    """``by`` as a list of existing columns (``None`` -> ``[]``)."""
    if by is None:
        return []
    columns = [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in survey.data.columns]
    if missing:
        known = ", ".join(survey.group_columns() + ([survey.wave_column()] if survey.wave_column() else []))
        raise AnalysisInputError(f"cannot group by {', '.join(missing)}: no such column (group columns: {known or 'none'})")
    return columns


def check_inputs(survey, function: str, min_group_size, by) -> tuple[Survey, int, list[str]]:
    """The checked inputs of a grouped analysis: the Survey, the confidentiality minimum and the ``by`` columns.

    Runs :func:`require_survey`, :func:`check_min_group_size` and :func:`group_list` in that order.

    Example
    -------
    >>> import kitlib as kl
    >>> check_inputs(kl.load_case("it_firm"), "csi", 5, "department")[1:]
    (5, ['department'])

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    survey = require_survey(survey, function)
    return survey, check_min_group_size(min_group_size), group_list(survey, by)


def servqual_model(survey: Survey, kind: str) -> dict[str, list[str]]:
    """``{dimension: [item ids]}`` for ``kind`` "P" or "E"; raises if the survey has none."""
    model = survey.codebook.servqual_model(kind)
    if not model:
        raise AnalysisInputError(f"the codebook describes no SERVQUAL {kind} items (kind servqual_{kind})")
    return model


def dimension_scores(survey: Survey, kind: str = "P") -> pd.DataFrame:
    """Per respondent, the mean of each dimension's answered ``kind`` items (NaN if none answered)."""
    model = servqual_model(survey, kind)
    return pd.DataFrame({dim: survey.data[items].mean(axis=1) for dim, items in model.items()}, index=survey.data.index)


def dimension_gaps(survey: Survey) -> pd.DataFrame:
    """Per respondent, dimension P score − dimension E score (each the mean of its answered paired items).

    The same definition as :func:`kitlib.servqual_gaps` (and the R fixture).
    """
    pairs = survey.codebook.servqual_pairs()
    if not pairs:
        raise AnalysisInputError("the codebook has no matched SERVQUAL E/P item pairs (same 'item' number)")
    model: dict[str, list[tuple[str, str]]] = {}
    for dimension, e, p in pairs:
        model.setdefault(dimension, []).append((e, p))
    data = survey.data
    return pd.DataFrame(
        {d: data[[p for _, p in ps]].mean(axis=1) - data[[e for e, _ in ps]].mean(axis=1) for d, ps in model.items()},
        index=data.index,
    )


def allocation_columns(survey: Survey) -> dict[str, str]:
    """``{dimension: column}`` of the 100-point importance allocation (kind importance + dimension)."""
    book = survey.codebook
    return {book.columns[c].dimension: c for c in book.items("importance") if book.columns[c].dimension}


def allocation_shares(survey: Survey, dimensions: list[str]) -> pd.DataFrame:
    """Per respondent, each dimension's share of the 100-point importance allocation.

    Notes
    -----
    ``w_id = W_id / Σ_d W_id`` for respondent ``i``: rows sum to 1; a row is
    NaN when an allocation is missing or all points are zero.  The one
    normalisation used by the weighted SERVQUAL score, the CSI weights and
    IPA's stated importance.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("it_firm")
    >>> round(float(allocation_shares(survey, ["tangibles", "empathy"]).sum(axis=1).iloc[0]), 6)
    1.0

    References
    ----------
    Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*, appendix. Free Press.
    """
    columns = allocation_columns(survey)
    points = survey.data[[columns[d] for d in dimensions]].set_axis(dimensions, axis=1)
    totals = points.sum(axis=1, min_count=len(dimensions))
    return points.div(totals.where(totals > 0), axis=0)


def fixed_weights(weights: dict, dimensions: list[str]) -> pd.Series:
    """Weights given as ``{dimension: number}``, checked and normalised to sum 1.

    Example
    -------
    >>> fixed_weights({"a": 1, "b": 3}, ["a", "b"]).tolist()
    [0.25, 0.75]

    References
    ----------
    Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*. Free Press.
    """
    if set(weights) != set(dimensions):
        raise OptionError(f"weights must give one number for each dimension: {', '.join(dimensions)}")
    values = pd.Series(weights, dtype=float)[dimensions]
    if (values < 0).any() or values.sum() <= 0:
        raise OptionError("weights must be non-negative and not all zero")
    return values / values.sum()


def labels(survey: Survey, key: str) -> tuple[str, str]:
    """``(label_zh, label_en)`` of a column, dimension or feature id."""
    return survey.codebook.label(key, "zh"), survey.codebook.label(key, "en")


def add_group_labels(table: pd.DataFrame, survey: Survey, columns) -> pd.DataFrame:
    """Insert ``<column>_label_zh`` and ``<column>_label_en`` after each group column.

    The labels are the codebook's value labels (e.g. department
    ``"Internal Audit"`` -> ``"内审部"`` / ``"Internal Audit"``), so charts of
    a result can name groups in the reader's language.  ``columns`` is a
    list of group columns or a ``{table column: codebook column}`` mapping
    (e.g. ``{"wave": "round"}`` when the table renamed the wave column).

    Example
    -------
    >>> import kitlib as kl
    >>> table = pd.DataFrame({"department": ["Internal Audit"], "n": [3]})
    >>> add_group_labels(table, kl.load_case("it_firm"), ["department"]).columns.tolist()
    ['department', 'department_label_zh', 'department_label_en', 'n']
    >>> add_group_labels(table, kl.load_case("it_firm"), ["department"]).at[0, "department_label_zh"]
    '内审部'

    References
    ----------
    DDI Alliance (2014). *Data Documentation Initiative — Codebook 2.5*: category labels
    (``catgry``/``labl``) document what each value of a variable means.
    """
    sources = dict(columns) if isinstance(columns, dict) else {column: column for column in columns}
    out = table.copy()
    for column, source in sources.items():
        position = out.columns.get_loc(column) + 1
        for offset, lang in enumerate(("zh", "en")):
            out.insert(position + offset, f"{column}_label_{lang}",
                       [survey.codebook.value_label(source, value, lang) for value in out[column]])
    return out


def single_column(survey: Survey, kind: str) -> str:
    """The one column of ``kind`` (e.g. ``nps``, ``overall``); raises if absent."""
    columns = survey.codebook.items(kind)
    if not columns:
        raise AnalysisInputError(f"the codebook has no column of kind '{kind}'")
    return columns[0]


def group_indices(data: pd.DataFrame, keys: list[str]) -> list[tuple[tuple, pd.Index]]:
    """``[(group key tuple, row index), ...]`` in sorted group order; one all-rows group without keys."""
    if not keys:
        return [((), data.index)]
    return [(name, frame.index) for name, frame in data.groupby(keys, dropna=False, sort=True)]


def group_sizes(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Respondent rows per group: the ``keys`` columns and ``n``."""
    return data.groupby(keys, dropna=False, sort=True).size().rename("n").reset_index()


def suppress_groups(table: pd.DataFrame, data: pd.DataFrame, keys: list[str], min_n: int, stat_columns: list[str]) -> pd.DataFrame:
    """Blank ``stat_columns`` of groups (by respondent count in ``data``) that must stay hidden.

    Decides per group with :func:`kitlib.suppress_small_groups` (primary and
    complementary suppression), then adds ``group_n``, ``suppressed`` and
    ``suppression`` to every row of ``table``.  Without ``keys`` the whole
    survey (e.g. one department after ``survey.filter``) is the group.
    """
    from kitlib.privacy import suppress_small_groups

    if keys:
        flags = suppress_small_groups(group_sizes(data, keys), keys, min_n, values=[]).rename(columns={"n": "group_n"})
        out = table.merge(flags, on=keys, how="left")
    else:
        small = len(data) < min_n
        out = table.assign(group_n=len(data), suppressed=small, suppression=f"n<{min_n}" if small else "")
    hidden = out["suppressed"].to_numpy(dtype=bool)
    for column in stat_columns:
        if column in out:
            out[column] = out[column].astype(float).mask(hidden)
    return out
