"""Respondent confidentiality: groups too small to keep respondents anonymous are hidden (primary and
complementary cell suppression), and free-text comments are released only for large enough groups.

Every threshold counts **distinct respondents**, never data rows: where a
respondent rates several providers the data hold one row per respondent x
provider, and three colleagues rating four providers are 12 rows but 3
people.  :func:`count_respondents` is the one count used by every grouped
kitlib table, chart and comment view.

Internal-service surveys name the receiving department; a department with
three respondents is three colleagues whose answers anyone can guess.  Every
grouped kitlib table and chart therefore passes its groups through
:func:`suppress_small_groups`.  Free-text comments need groups of at least
10 respondents (:func:`publishable_comments`).

Example
-------
>>> import pandas as pd
>>> from kitlib.privacy import suppress_small_groups
>>> table = pd.DataFrame({"department": ["HR", "IT", "Legal", "Sales"],
...                       "n": [12, 30, 3, 8], "mean": [5.1, 4.8, 6.0, 5.5]})
>>> suppress_small_groups(table, "department")[["department", "mean", "suppression"]]  # doctest: +NORMALIZE_WHITESPACE
  department  mean    suppression
0         HR   5.1
1         IT   4.8
2      Legal   NaN            n<5
3      Sales   NaN  complementary
>>> from kitlib.privacy import count_respondents
>>> rows = pd.DataFrame({"respondent_id": ["r1", "r1", "r2"], "department": ["HR", "HR", "HR"]})
>>> count_respondents(rows, "department", "respondent_id").to_dict("records")
[{'department': 'HR', 'n': 2, 'n_rows': 3}]

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 1 and 4 (4.2 "Primary and secondary
cell suppression"). Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kitlib.errors import AnalysisInputError, OptionError

__all__ = ["COMPLEMENTARY", "Comments", "count_respondents", "MIN_COMMENT_GROUP", "primary_reason", "publishable_comments",
           "SUPPRESSION_LABELS", "suppress_small_groups"]

#: ``suppression`` note of a group hidden only to protect another one (it may be large).
COMPLEMENTARY = "complementary"
#: Wording of the ``suppression`` notes in displayed tables (a primary note, ``n<5``, is worded by :mod:`kitlib.i18n`).
SUPPRESSION_LABELS = {COMPLEMENTARY: {"zh": "为保护小组一并隐藏", "en": "hidden to protect a small group"}, "": {"zh": "", "en": ""}}
#: Distinct respondents a group needs before its free-text comments are shown.
MIN_COMMENT_GROUP = 10


def primary_reason(min_n: int) -> str:
    """The ``suppression`` note of a group hidden because it is too small, e.g. ``"n<5"``.

    Example
    -------
    >>> primary_reason(5)
    'n<5'

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    return f"n<{min_n}"


def count_respondents(data: pd.DataFrame, by=None, respondent: str | None = None) -> pd.DataFrame:
    """Distinct respondents (and data rows) per group: the one count behind every confidentiality threshold.

    Parameters
    ----------
    data : DataFrame
        Respondent-level data, possibly with several rows per respondent
        (one per rated provider or wave).
    by : str or list of str, optional
        Group columns; without them the whole table is one group.
    respondent : str, optional
        Column of respondent ids (the codebook's ``respondent_id``).  Without
        it every row counts as one respondent.

    Returns
    -------
    DataFrame
        The ``by`` columns (sorted groups, missing values kept as a group),
        ``n`` (distinct respondents) and ``n_rows`` (rows).

    Raises
    ------
    AnalysisInputError
        Not a DataFrame, or a missing column.

    Notes
    -----
    ``n = |{ids in the group}|``; rows with an empty id are not counted as
    respondents (the count errs on the side of hiding).  A respondent who
    belongs to two groups (e.g. rated two providers) counts once in each.

    Example
    -------
    >>> data = pd.DataFrame({"id": [1, 1, 1, 2], "provider": ["IT", "HR", "HR", "IT"]})
    >>> count_respondents(data, "provider", "id")["n"].tolist()
    [1, 2]

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2 (threshold rule). Wiley.
    """
    if not isinstance(data, pd.DataFrame):
        raise AnalysisInputError(f"count_respondents() needs a DataFrame, not {type(data).__name__}")
    keys = _as_list(by)
    missing = [c for c in keys + ([respondent] if respondent else []) if c not in data.columns]
    if missing:
        raise AnalysisInputError(f"count_respondents(): no column(s) {', '.join(map(str, missing))}")
    if not keys:
        people = int(data[respondent].nunique()) if respondent else len(data)
        return pd.DataFrame({"n": [people], "n_rows": [len(data)]})
    grouped = data.groupby(keys, dropna=False, sort=True)
    rows = grouped.size().rename("n_rows")
    people = grouped[respondent].nunique().rename("n") if respondent else rows.rename("n")
    return pd.concat([people, rows], axis=1).reset_index()


def _as_list(columns) -> list[str]:
    if columns is None:
        return []
    return [columns] if isinstance(columns, str) else list(columns)


def _protect_siblings(n, hidden, reason, positions, min_n, lines) -> bool:
    """Hide more siblings until the hidden ones cannot be recovered from the parent total.

    The next sibling to hide is the smallest one, preferring siblings whose
    own line across the table (``lines``: the factorized varying column, e.g.
    the same department in other waves) already holds a hidden cell, so a
    2-D table is not blanked more than needed.
    """
    changed = False
    while True:
        hidden_here = hidden[positions]
        if not hidden_here.any() or hidden_here.all():
            return changed
        too_few = hidden_here.sum() == 1 or np.nansum(n[positions][hidden_here]) < min_n
        if not too_few:
            return changed
        candidates = positions[~hidden_here]
        shares_hidden = np.array([any((hidden & (line == line[c])).any() for line in lines) for c in candidates])
        size = np.nan_to_num(n[candidates], nan=np.inf)
        smallest = candidates[np.lexsort((size, ~shares_hidden))[0]]
        hidden[smallest] = True
        reason[smallest] = COMPLEMENTARY
        changed = True


def suppress_small_groups(df, by, min_n: int = 5, *, n: str = "n", within=None, values=None, complementary: bool = True) -> pd.DataFrame:
    """Blank the results of groups with fewer than ``min_n`` respondents, and of their give-away siblings.

    Primary suppression hides every group whose count ``n`` is below
    ``min_n``.  Complementary (secondary) suppression then protects them
    against differencing: the total over sibling groups is normally
    published (the overall or parent result), so if only one sibling is
    hidden — or the hidden siblings together have fewer than ``min_n``
    respondents — its result could be recovered as parent total minus the
    shown siblings.  The smallest shown sibling is hidden too, repeatedly,
    until that is impossible.  With several ``by`` columns (e.g. provider ×
    department) the siblings along each column are checked in turn, with the
    other columns fixed, until nothing changes.

    Parameters
    ----------
    df : DataFrame
        One row per group (a result table), with the ``by`` columns and a
        count column ``n``.
    by : str or list of str
        The columns that define the groups.
    min_n : int, default 5
        Smallest publishable group.
    n : str, default "n"
        Column holding the number of distinct respondents of each group
        (:func:`count_respondents`; not rows, where a respondent can have
        several rows).
    within : str or list of str, optional
        Columns that split ``df`` into independent tables (e.g. ``"item"``
        when each group has one row per item); siblings are only sought
        within the same table.
    values : list of str, optional
        Columns to blank; default every column except ``by``, ``within``,
        ``n`` and ``n_rows`` (group sizes are not answers and stay shown).
    complementary : bool, default True
        Apply differencing protection.

    Returns
    -------
    DataFrame
        A copy with blanked values (NaN / None), a boolean ``suppressed``
        column and a ``suppression`` note: ``""``, ``"n<5"`` (too small) or
        ``"complementary"`` (hidden so that a small sibling stays hidden).

    Raises
    ------
    AnalysisInputError
        Missing columns or an invalid ``min_n``.

    Notes
    -----
    A parent group with a single child reveals that child; the parent's own
    row is suppressed only if it is in ``df`` (it has the same small ``n``).

    Example
    -------
    >>> table = pd.DataFrame({"provider": ["IT", "HR"], "n": [4, 40], "mean": [3.0, 5.0]})
    >>> suppress_small_groups(table, "provider")["suppressed"].tolist()
    [True, True]

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *Journal of the American Statistical Association*, 75(370), 377–385.
    """
    if not isinstance(df, pd.DataFrame):
        raise AnalysisInputError(f"suppress_small_groups() needs a DataFrame of group results, not {type(df).__name__}")
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise OptionError(f"min_n must be a whole number >= 1, not {min_n!r}")
    keys, splits = _as_list(by), _as_list(within)
    if not keys:
        raise AnalysisInputError("suppress_small_groups() needs at least one 'by' column")
    missing = [c for c in keys + splits + [n] if c not in df.columns]
    if missing:
        hint = f" (the group sizes column is '{n}'; pass n=... if it has another name)" if n in missing else ""
        raise AnalysisInputError(f"suppress_small_groups(): no column(s) {', '.join(missing)} in the table{hint}")
    out = df.copy().reset_index(drop=True)
    counts = pd.to_numeric(out[n], errors="coerce").to_numpy(dtype=float)
    hidden = ~(counts >= min_n)
    reason = np.where(hidden, primary_reason(min_n), "").astype(object)
    if complementary and len(out):
        changed = True
        while changed:
            changed = False
            for varying in keys:
                others = [c for c in keys if c != varying]
                parent = others + splits
                lines = [pd.factorize(out[varying].astype(object))[0]] if others else []
                groups = out.groupby(parent, sort=False, dropna=False).indices if parent else {(): np.arange(len(out))}
                for positions in groups.values():
                    changed |= _protect_siblings(counts, hidden, reason, np.asarray(positions), min_n, lines)
    sizes = keys + splits + [n, "n_rows"]
    blank = [c for c in out.columns if c not in sizes] if values is None else _as_list(values)
    for column in blank:
        if column not in out.columns:
            raise AnalysisInputError(f"suppress_small_groups(): no column '{column}' to blank")
        if pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype(float).mask(hidden)
        else:
            out[column] = out[column].astype(object).mask(hidden, None)
    out["suppressed"] = hidden
    out["suppression"] = reason
    return out



@dataclass(frozen=True)
class Comments:
    """Result of :func:`publishable_comments`.

    Attributes
    ----------
    table : DataFrame
        The comments that may be shown (the ``by`` columns and ``comment``),
        in data order.
    suppressed : DataFrame
        The analyst's bookkeeping, **not for publication** (it names withheld
        groups): one row per withheld cell of the finest grouping (``by`` +
        ``protect`` columns) with ``n`` (distinct respondents), ``comments``
        (how many were withheld) and ``suppression`` (``"n<10"`` or
        ``"complementary"``).
    cells : list of str
        The finest grouping the rule was applied to (``by`` then ``protect``).
    min_n : int
    """

    table: pd.DataFrame
    suppressed: pd.DataFrame
    cells: list = field(default_factory=list)
    min_n: int = MIN_COMMENT_GROUP

    def __repr__(self) -> str:
        return f"Comments({len(self.table)} shown, {len(self.suppressed)} group(s) withheld)"


def publishable_comments(data, comment_column: str = "comment", by=None, min_n: int = MIN_COMMENT_GROUP, *,
                         protect=None, respondent: str | None = None, complementary: bool = True) -> Comments:
    """Non-empty comments whose group, at the finest grouping declared, has at least ``min_n`` respondents.

    Parameters
    ----------
    data : DataFrame or Survey
        Respondent-level data (e.g. ``survey.data``) or the Survey itself.
    comment_column : str, default "comment"
    by : str or list of str, optional
        Group columns shown with each comment; without them one list of all
        publishable comments.
    min_n : int, default 10
        Distinct respondents a group needs before its comments are shown.
    protect : str or list of str, optional
        Further group columns whose cells must be protected although this
        view does not show them — every grouping under which comments are
        published anywhere (e.g. ``["provider", "department"]``).  Default:
        for a Survey its group and wave columns, for a DataFrame none.
    respondent : str, optional
        Column of respondent ids; default the Survey codebook's
        ``respondent_id``.  Without ids every row counts as a respondent.
    complementary : bool, default True
        Also withhold sibling cells so that the withheld cells of a line hold
        at least ``min_n`` respondents together (as :func:`suppress_small_groups`).

    Returns
    -------
    Comments
        ``table``: the ``by`` columns and ``comment`` of releasable rows;
        ``suppressed``: the withheld cells (analyst's bookkeeping, see
        :class:`Comments`).

    Raises
    ------
    AnalysisInputError
        Not a DataFrame/Survey, or a missing column.
    OptionError
        ``min_n`` not a whole number >= 1.

    Notes
    -----
    A comment's wording, topic or style can identify its author far more easily
    than a mean score, so comments need a larger group (default 10) than
    numeric results (5).  The rule is decided once per cell of the finest
    grouping ``F = by ∪ protect``: a cell is withheld when it has fewer than
    ``min_n`` distinct respondents (primary) or when it is needed so that the
    withheld cells of every line of ``F`` number at least two with ``min_n``
    respondents together (complementary).  A comment is shown in a view iff
    its cell is shown, so every view with the same ``F`` — all comments, by
    department, by provider — shows the same comments: subtracting one view
    from another reveals no withheld comment, and no withheld cell's comment
    count follows from the shown ones and a line total.  Use the same
    ``protect`` for every view you publish.

    Example
    -------
    >>> data = pd.DataFrame({"department": ["A"] * 12 + ["B"] * 6 + ["C"] * 11,
    ...                      "comment": ["slow"] + [None] * 11 + ["rude"] + [None] * 16})
    >>> publishable_comments(data, by="department").table["comment"].tolist()
    ['slow']
    >>> publishable_comments(data, protect="department").table["comment"].tolist()
    ['slow']
    >>> publishable_comments(data).table["comment"].tolist()  # nothing declared: the sample is one group
    ['slow', 'rude']

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.2. Wiley.
    Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
    *Journal of the American Statistical Association*, 75(370), 377–385.
    """
    from kitlib.data.survey import Survey

    audit = None
    if isinstance(data, Survey):
        book, frame_in, audit = data.codebook, data.data, data.disclosure
        if respondent is None and book.respondent_id in frame_in.columns:
            respondent = book.respondent_id
        if protect is None:
            protect = data.group_columns() + ([data.wave_column()] if data.wave_column() else [])
        data = frame_in
    if not isinstance(data, pd.DataFrame):
        raise AnalysisInputError(f"publishable_comments() needs a DataFrame or a Survey, not {type(data).__name__}")
    keys = _as_list(by)
    cells = keys + [c for c in _as_list(protect) if c not in keys]
    ids = [respondent] if respondent else []
    missing = [c for c in cells + [comment_column] + ids if c not in data.columns]
    if missing:
        raise AnalysisInputError(f"publishable_comments(): no column(s) {', '.join(map(str, missing))}")
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise OptionError(f"min_n must be a whole number >= 1, not {min_n!r}")
    frame = data[cells + ids].copy()
    text = data[comment_column].astype("string").str.strip()
    frame["comment"] = text
    frame["has_comment"] = text.notna() & (text != "")
    sizes = count_respondents(frame, cells, respondent).drop(columns="n_rows")
    if cells:
        sizes = sizes.merge(frame.groupby(cells, dropna=False, sort=True)["has_comment"].sum().rename("comments").reset_index(),
                            on=cells, how="left")
        checked = suppress_small_groups(sizes, cells, min_n, values=[], complementary=complementary)
        hidden = frame[cells].merge(checked[cells + ["suppressed"]], on=cells, how="left")["suppressed"].to_numpy(bool)
    else:
        small = bool(sizes.at[0, "n"] < min_n)
        checked = sizes.assign(comments=int(frame["has_comment"].sum()), suppressed=small,
                               suppression=primary_reason(min_n) if small else "")
        hidden = np.full(len(frame), small)
    if audit is not None:  # the batch's audit: only comments from finest cells of >= 10 people, in every view
        hidden = hidden | ~audit.comment_rows(data).to_numpy(bool)
    shown = frame[~hidden & frame["has_comment"].to_numpy(bool)][keys + ["comment"]].reset_index(drop=True)
    withheld = checked[checked["suppressed"]].drop(columns="suppressed").reset_index(drop=True)
    withheld["comments"] = withheld["comments"].astype(int)
    return Comments(shown, withheld, cells, int(min_n))
