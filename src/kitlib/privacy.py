"""Respondent confidentiality: groups too small to keep respondents anonymous are hidden (primary and
complementary cell suppression), and free-text comments are released only for large enough groups.

Hide results of groups too small to keep respondents anonymous.

Internal-service surveys name the receiving department; a department with
three respondents is three colleagues whose answers anyone can guess.  Every
grouped kitlib table and chart therefore passes its groups through
:func:`suppress_small_groups`.

Free-text comments, released only for groups of at least 10 respondents.

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
>>> import pandas as pd
>>> from kitlib.privacy import publishable_comments
>>> data = pd.DataFrame({"department": ["A"] * 12 + ["B"] * 6,
...                      "comment": ["slow tickets"] + [None] * 11 + ["rude"] + [None] * 5})
>>> publishable_comments(data, "comment", by="department").table["comment"].tolist()
['slow tickets']

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4.2
"Primary and secondary cell suppression". Wiley.
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 1 and 4. Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kitlib.errors import AnalysisInputError, OptionError

__all__ = ["Comments", "publishable_comments", "suppress_small_groups"]

COMPLEMENTARY = "complementary"


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
        Column holding the number of respondents of each group.
    within : str or list of str, optional
        Columns that split ``df`` into independent tables (e.g. ``"item"``
        when each group has one row per item); siblings are only sought
        within the same table.
    values : list of str, optional
        Columns to blank; default every column except ``by``, ``within``
        and ``n`` (the group size itself is not an answer and stays shown).
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
    reason = np.where(hidden, f"n<{min_n}", "").astype(object)
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
    blank = [c for c in out.columns if c not in keys + splits + [n]] if values is None else _as_list(values)
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



MIN_COMMENT_GROUP = 10


@dataclass(frozen=True)
class Comments:
    """Result of :func:`publishable_comments`.

    Attributes
    ----------
    table : DataFrame
        The comments that may be shown (with their group columns).
    suppressed : DataFrame
        One row per group whose comments were withheld: the group columns,
        ``n`` (respondents) and ``comments`` (how many were withheld).
    """

    table: pd.DataFrame
    suppressed: pd.DataFrame

    def __repr__(self) -> str:
        return f"Comments({len(self.table)} shown, {len(self.suppressed)} group(s) withheld)"


def publishable_comments(data: pd.DataFrame, comment_column: str = "comment", by=None, min_n: int = MIN_COMMENT_GROUP) -> Comments:
    """Non-empty comments of groups with at least ``min_n`` respondents.

    Parameters
    ----------
    data : DataFrame
        Respondent-level data (e.g. ``survey.data``).
    comment_column : str, default "comment"
    by : str or list of str, optional
        Group columns; without them the whole sample is one group.
    min_n : int, default 10
        Respondents a group needs before its comments are shown.

    Returns
    -------
    Comments
        ``table``: the ``by`` columns and ``comment`` of releasable rows;
        ``suppressed``: the groups below ``min_n`` with their ``n`` and the
        number of comments withheld.

    Notes
    -----
    A comment's wording, topic or style can identify its author far more easily
    than a mean score, so comments need a larger group (default 10) than
    numeric results (5).

    Example
    -------
    >>> data = pd.DataFrame({"comment": ["ok"] * 4})
    >>> publishable_comments(data).suppressed["n"].tolist()
    [4]

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley.
    """
    if not isinstance(data, pd.DataFrame):
        raise AnalysisInputError(f"publishable_comments() needs a DataFrame, not {type(data).__name__}")
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    missing = [c for c in keys + [comment_column] if c not in data.columns]
    if missing:
        raise AnalysisInputError(f"publishable_comments(): no column(s) {', '.join(missing)}")
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise OptionError(f"min_n must be a whole number >= 1, not {min_n!r}")
    frame = data[keys + [comment_column]].rename(columns={comment_column: "comment"})
    text = frame["comment"].astype("string").str.strip()
    frame = frame.assign(has_comment=text.notna() & (text != ""), comment=text)
    if keys:
        sizes = frame.groupby(keys, dropna=False).agg(n=("comment", "size"), comments=("has_comment", "sum")).reset_index()
        frame = frame.merge(sizes, on=keys, how="left")
    else:
        sizes = pd.DataFrame({"n": [len(frame)], "comments": [int(frame["has_comment"].sum())]})
        frame = frame.assign(n=len(frame))
    shown = frame[(frame["n"] >= min_n) & frame["has_comment"]][keys + ["comment"]].reset_index(drop=True)
    withheld = sizes[sizes["n"] < min_n].reset_index(drop=True)
    return Comments(shown, withheld)
