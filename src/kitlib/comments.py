"""Free-text comments, released only for groups of at least 10 respondents.

A comment's wording, topic or style can identify its author far more easily
than a mean score, so comments need a larger group (default 10) than
numeric results (5).

Example
-------
>>> import pandas as pd
>>> from kitlib.comments import publishable_comments
>>> data = pd.DataFrame({"department": ["A"] * 12 + ["B"] * 6,
...                      "comment": ["slow tickets"] + [None] * 11 + ["rude"] + [None] * 5})
>>> publishable_comments(data, "comment", by="department").comments["comment"].tolist()
['slow tickets']

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 1 and 4. Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import AnalysisInputError

MIN_COMMENT_GROUP = 10


@dataclass
class Comments:
    """Comments that may be shown, and the groups whose comments were withheld."""

    comments: pd.DataFrame
    withheld: pd.DataFrame

    def __repr__(self) -> str:
        return f"Comments({len(self.comments)} shown, {len(self.withheld)} group(s) withheld)"


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
        ``comments``: the ``by`` columns and ``comment`` of releasable rows;
        ``withheld``: the groups below ``min_n`` with their ``n`` and the
        number of comments withheld.

    Example
    -------
    >>> data = pd.DataFrame({"comment": ["ok"] * 4})
    >>> publishable_comments(data).withheld["n"].tolist()
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
        raise AnalysisInputError(f"min_n must be a whole number >= 1, not {min_n!r}")
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
