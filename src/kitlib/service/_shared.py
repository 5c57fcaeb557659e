"""Shared building blocks of the service-quality analyses (issue 4).

Per-respondent SERVQUAL scores, input checks and bilingual labels used by
:mod:`kitlib.service.gaps`, :mod:`kitlib.service.indices`, :mod:`kitlib.service.waves`
and :mod:`kitlib.service.provider_receiver`.

People, not rows: where a respondent rates several providers the data hold one
row per respondent x provider.  Every grouped analysis counts a group's size in
distinct respondents (:func:`group_sizes`, the threshold of
:func:`suppress_groups`), averages a respondent's rows within a group before a
mean, test or interval (:func:`person_means`, with :func:`person_ids`), and
names what its observations are (``unit``, :data:`UNITS`).

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

__all__ = ["add_group_labels", "allocation_columns", "allocation_shares", "check_inputs", "check_min_group_size",
           "dimension_gaps", "dimension_scores", "fixed_weights", "group_indices", "group_list", "group_sizes", "labels",
           "MIN_GROUP_SIZE", "person_ids", "person_means", "require_survey", "respondent_column", "servqual_model",
           "single_column", "suppress_groups", "unit_of", "UNITS"]


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


def dimension_scores(survey: Survey, kind: str = "P", dimensions=None) -> pd.DataFrame:
    """Per respondent, the mean of each dimension's answered ``kind`` items (NaN if none answered).

    ``dimensions``: only these of the model's dimensions (default: all).
    """
    model = servqual_model(survey, kind)
    return pd.DataFrame({dim: survey.data[items].mean(axis=1) for dim, items in model.items() if dimensions is None or dim in dimensions},
                        index=survey.data.index)


def dimension_gaps(survey: Survey, dimensions=None) -> pd.DataFrame:
    """Per respondent, dimension P score − dimension E score (each the mean of its answered paired items).

    The same definition as :func:`kitlib.servqual_gaps` (and the R fixture).  ``dimensions``: only these
    of the paired dimensions (default: all).
    """
    pairs = survey.codebook.servqual_pairs()
    if not pairs:
        raise AnalysisInputError("the codebook has no matched SERVQUAL E/P item pairs (same 'item' number)")
    model: dict[str, list[tuple[str, str]]] = {}
    for dimension, e, p in pairs:
        model.setdefault(dimension, []).append((e, p))
    data = survey.data
    return pd.DataFrame(
        {d: data[[p for _, p in ps]].mean(axis=1) - data[[e for e, _ in ps]].mean(axis=1)
         for d, ps in model.items() if dimensions is None or d in dimensions},
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


#: What one observation of a statistic is (``unit`` of grouped results), in both languages.
UNITS = {
    "respondent": {"zh": "受访者（每人一行）", "en": "respondents (one row each)"},
    "respondent_mean": {"zh": "受访者（一人在同一组内的多条评价先取平均）",
                        "en": "respondents (a respondent's several ratings within a group are averaged first)"},
    "rating": {"zh": "评价条数（一人可评价多个服务部门，每条评价计一次）",
               "en": "ratings (a respondent may rate several providers; each rating counts once)"},
}


def respondent_column(survey: Survey) -> str | None:
    """The codebook's respondent id column when the data hold it (``None``: every row is a respondent)."""
    column = survey.codebook.respondent_id
    return column if column and column in survey.data.columns else None


def person_ids(survey: Survey) -> pd.Series | None:
    """Respondent ids aligned with ``survey.data`` when some respondent has several rows, else ``None``.

    ``None`` means one row per respondent: rows and people coincide and every
    statistic is computed on rows as before.  Rows with an empty id count as
    respondents of their own.

    Example
    -------
    >>> import kitlib as kl
    >>> person_ids(kl.load_case("it_firm")) is None  # one row per respondent
    True

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    column = respondent_column(survey)
    if column is None:
        return None
    codes = pd.factorize(survey.data[column])[0]
    empty = codes < 0
    codes[empty] = codes.max(initial=-1) + 1 + np.arange(int(empty.sum()))
    if len(np.unique(codes)) == len(codes):
        return None
    return pd.Series(codes, index=survey.data.index, name=column)


def unit_of(ids: pd.Series | None, counted: bool = False) -> str:
    """Key of :data:`UNITS`: ``"respondent"`` with one row each, else ``"respondent_mean"`` (means) or ``"rating"`` (counts)."""
    if ids is None:
        return "respondent"
    return "rating" if counted else "respondent_mean"


def person_means(frame, ids: pd.Series | None):
    """``frame`` (rows of one group) with each respondent's rows replaced by their mean.

    With ``ids=None`` (one row per respondent) the frame is returned as it is.
    Averaging a respondent's ratings within a group before a t-test or a
    confidence interval makes the respondents — not their correlated ratings —
    the independent observations (a cluster-level analysis).

    Example
    -------
    >>> values = pd.Series([1.0, 3.0, 5.0])
    >>> person_means(values, pd.Series([7, 7, 8])).tolist()
    [2.0, 5.0]

    References
    ----------
    Kish, L. (1965). *Survey Sampling*, ch. 5 (cluster sampling). Wiley.
    """
    if ids is None:
        return frame
    # an Index, not an array: pandas formats an array key it looks up among the columns
    return frame.groupby(pd.Index(ids.loc[frame.index].to_numpy()), sort=False).mean()


def group_sizes(data: pd.DataFrame, keys: list[str], respondent: str | None = None) -> pd.DataFrame:
    """Distinct respondents per group: the ``keys`` columns, ``n`` (people) and ``n_rows`` (rows).

    The one count behind every threshold of :mod:`kitlib.service`
    (:func:`kitlib.privacy.count_respondents`); ``respondent`` is the id
    column (:func:`respondent_column`), without it rows are counted.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("it_firm")
    >>> sizes = group_sizes(survey.data, ["department"], respondent_column(survey))
    >>> int(sizes.set_index("department").at["Internal Audit", "n"])
    3

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    from kitlib.privacy import count_respondents

    return count_respondents(data, keys, respondent)


def suppress_groups(table: pd.DataFrame, data: pd.DataFrame, keys: list[str], min_n: int, stat_columns: list[str],
                    respondent: str | None = None, survey: Survey | None = None) -> pd.DataFrame:
    """Blank ``stat_columns`` of groups (by distinct respondents in ``data``) that must stay hidden.

    Decides per group with :func:`kitlib.suppress_small_groups` (primary and
    complementary suppression) on :func:`group_sizes`, then adds ``group_n``
    (distinct respondents of the group), ``suppressed`` and ``suppression``
    (``"n<5"`` too small, ``"complementary"`` hidden to protect another
    group) to every row of ``table``.  Without ``keys`` the whole survey
    (e.g. one department after ``survey.filter``) is the group.

    When ``survey`` carries a disclosure audit (:func:`kitlib.disclosure.attach_audit`),
    every group is also a cell of the batch's linked tables (the survey's
    ``scope`` plus the group's keys) and is hidden unless the audit publishes
    that cell — so this table cannot be differenced against any other output
    of the batch.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("it_firm")
    >>> table = pd.DataFrame({"department": ["Internal Audit", "Sales"], "mean": [5.0, 4.0]})
    >>> suppress_groups(table, survey.data, ["department"], 5, ["mean"], "respondent_id")["suppression"].tolist()
    ['n<5', '']

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    from kitlib.privacy import primary_reason, suppress_small_groups

    sizes = group_sizes(data, keys, respondent).drop(columns="n_rows")
    if keys:
        flags = suppress_small_groups(sizes, keys, min_n, values=[]).rename(columns={"n": "group_n"})
    else:
        people = int(sizes.at[0, "n"])
        small = people < min_n
        flags = pd.DataFrame({"group_n": [people], "suppressed": [small], "suppression": [primary_reason(min_n) if small else ""]})
    audit = getattr(survey, "disclosure", None)
    if audit is not None:
        wave = survey.wave_column()
        as_audited = {"wave": wave} if wave and "wave" in keys and wave not in table.columns else {}
        audited = audit.hide(flags.rename(columns=as_audited), [as_audited.get(key, key) for key in keys], survey.scope)
        flags = flags.assign(suppressed=audited["suppressed"].to_numpy(dtype=bool), suppression=audited["suppression"].to_numpy())
    if keys:
        out = table.merge(flags, on=keys, how="left")
    else:
        out = table.assign(**{name: flags.at[0, name] for name in flags.columns})
    if audit is not None:
        out = out.assign(suppressed=out["suppressed"].to_numpy(dtype=bool), suppression=out["suppression"].to_numpy())
    present = [column for column in stat_columns if column in out]
    if present:
        values = out[present].to_numpy(dtype=float, na_value=np.nan, copy=True)
        values[out["suppressed"].to_numpy(dtype=bool)] = np.nan
        out[present] = values
    return out
