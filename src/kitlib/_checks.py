"""Input checks shared by the analysis functions (reliability, EFA, CFA, NPS, gaps, ...).

Each check raises :class:`kitlib.errors.AnalysisInputError` with a message a
course participant can act on (which column, how many rows, what to do), so
the analysis modules do not repeat the same validation code.

Example
-------
>>> import pandas as pd
>>> from kitlib._checks import numeric_items
>>> df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 3, 5]})
>>> numeric_items(df, ["a", "b"], min_rows=3).shape
(4, 2)

References
----------
Tabachnick, B. G., & Fidell, L. S. (2019). *Using Multivariate Statistics* (7th ed.), ch. 4
(screening data: missing values, singularity and multicollinearity).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

import numpy as np
import pandas as pd

from kitlib.errors import AnalysisInputError, OptionError

#: Correlation matrices whose condition number exceeds this are treated as singular.
MAX_CONDITION_NUMBER = 1e12


def _as_list(items, what: str) -> list[str]:
    if isinstance(items, str):
        return [items]
    if not isinstance(items, Iterable):
        raise AnalysisInputError(f"{what} must be a list of column names, not {type(items).__name__}")
    return list(items)


def numeric_items(
    df,
    items=None,
    *,
    min_items: int = 2,
    min_rows: int = 3,
    what: str = "this analysis",
    listwise: bool = True,
) -> pd.DataFrame:
    """Return the ``items`` columns of ``df`` as floats, checked for an analysis.

    Parameters
    ----------
    df : DataFrame
        Respondents in rows, items in columns.
    items : list of str, optional
        Columns to use (default: all columns).
    min_items, min_rows : int
        Fewest items and (complete) respondents the analysis can work with.
    what : str
        Name of the analysis, used in error messages.
    listwise : bool
        Drop respondents with any missing item (listwise deletion) before the checks.

    Returns
    -------
    DataFrame
        Float columns, rows with missing values removed when ``listwise``.

    Raises
    ------
    AnalysisInputError
        Not a DataFrame, unknown or repeated columns, non-numeric or constant
        columns, too few items or respondents.

    Example
    -------
    >>> import pandas as pd
    >>> numeric_items(pd.DataFrame({"a": [1, 2, 3], "b": [3, 1, 2]})).columns.tolist()
    ['a', 'b']

    References
    ----------
    Little, R. J. A., & Rubin, D. B. (2019). *Statistical Analysis with Missing Data* (3rd ed.), §3.2
    (complete-case analysis).
    """
    if not isinstance(df, pd.DataFrame):
        raise AnalysisInputError(f"{what} needs a pandas DataFrame, not {type(df).__name__}")
    items = list(df.columns) if items is None else _as_list(items, "items")
    missing = [c for c in items if c not in df.columns]
    if missing:
        raise AnalysisInputError(f"{what}: column(s) not in the data: {', '.join(map(str, missing))}")
    repeated = sorted({c for c in items if items.count(c) > 1})
    if repeated:
        raise AnalysisInputError(f"{what}: column(s) listed more than once: {', '.join(map(str, repeated))}")
    if len(items) < min_items:
        raise AnalysisInputError(f"{what} needs at least {min_items} items, got {len(items)}")
    data = df[items]
    non_numeric = [c for c, dtype in zip(items, data.dtypes, strict=True)
                   if not (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))]
    if non_numeric:
        raise AnalysisInputError(
            f"{what}: column(s) {', '.join(map(str, non_numeric))} are not numeric; "
            "convert answers to numbers (e.g. pd.to_numeric) or load the data with kl.load_survey"
        )
    data = data.astype(float)
    if listwise:
        data = data.dropna()
    if len(data) < min_rows:
        raise AnalysisInputError(
            f"{what} needs at least {min_rows} respondents with all items answered, got {len(data)}"
        )
    values = data.to_numpy()
    constant = [c for position, c in enumerate(items) if np.nanstd(values[:, position]) == 0]
    if constant:
        raise AnalysisInputError(
            f"{what}: column(s) {', '.join(map(str, constant))} have the same value for every respondent; "
            "a constant item carries no information, remove it"
        )
    return data


def check_model(df, model, *, min_items: int = 2, what: str = "this analysis") -> dict[str, list[str]]:
    """Check a measurement model ``{factor: [items]}`` against the columns of ``df``.

    Example
    -------
    >>> import pandas as pd
    >>> check_model(pd.DataFrame(columns=["a", "b", "c", "d"]), {"F1": ["a", "b"], "F2": ["c", "d"]})
    {'F1': ['a', 'b'], 'F2': ['c', 'd']}

    References
    ----------
    Brown, T. A. (2015). *Confirmatory Factor Analysis for Applied Research* (2nd ed.), ch. 3.
    """
    if not isinstance(model, Mapping) or not model:
        raise AnalysisInputError(f"{what}: model must be a non-empty mapping {{factor: [items]}}, e.g. codebook.servqual_model('P')")
    model = {str(factor): _as_list(items, f"items of factor '{factor}'") for factor, items in model.items()}
    for factor, items in model.items():
        if len(items) < min_items:
            raise AnalysisInputError(f"{what}: factor '{factor}' has {len(items)} item(s); it needs at least {min_items}")
    seen: dict[str, str] = {}
    for factor, items in model.items():
        for item in items:
            if item in seen:
                raise AnalysisInputError(f"{what}: item '{item}' is listed under both '{seen[item]}' and '{factor}'")
            seen[item] = factor
    if isinstance(df, pd.DataFrame):
        missing = [item for item in seen if item not in df.columns]
        if missing:
            raise AnalysisInputError(f"{what}: model item(s) not in the data: {', '.join(missing)}")
    return model


def check_not_singular(corr: np.ndarray, items, what: str = "this analysis") -> None:
    """Raise if a correlation matrix cannot be inverted (an item is a combination of others).

    Example
    -------
    >>> import numpy as np
    >>> check_not_singular(np.eye(2), ["a", "b"])

    References
    ----------
    Tabachnick, B. G., & Fidell, L. S. (2019). *Using Multivariate Statistics* (7th ed.), §4.1.7.
    """
    if not np.all(np.isfinite(corr)) or np.linalg.cond(corr) > MAX_CONDITION_NUMBER:
        raise AnalysisInputError(
            f"{what}: the correlation matrix of {', '.join(map(str, items))} is singular "
            "(some item is an exact combination or duplicate of others); remove the redundant item(s)"
        )


def check_choice(value, choices, name: str) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming the options.

    Example
    -------
    >>> check_choice("ml", ("minres", "ml"), "method")
    'ml'

    References
    ----------
    Python Software Foundation. *Built-in exceptions* (``ValueError``).
    """
    if value not in choices:
        raise OptionError(f"{name} must be one of {', '.join(map(repr, choices))}, not {value!r}")
    return value


def check_confidence(confidence) -> float:
    """Return ``confidence`` if it lies strictly between 0 and 1, else raise.

    Example
    -------
    >>> check_confidence(0.95)
    0.95

    References
    ----------
    Neyman, J. (1937). Outline of a theory of statistical estimation based on the classical
    theory of probability. *Philosophical Transactions of the Royal Society A*, 236, 333–380.
    """
    if not 0 < confidence < 1:
        raise OptionError(f"confidence must lie between 0 and 1, not {confidence!r}")
    return confidence


@contextmanager
def quiet_sklearn_rename():
    """Silence scikit-learn's ``force_all_finite`` rename FutureWarning raised inside factor_analyzer.

    factor_analyzer 0.5.1 still passes the old keyword; scikit-learn 1.7 warns
    and 1.8 removed it (see :mod:`kitlib.psychometrics._factor_analyzer`).  Only that one
    warning is silenced, only inside the ``with`` block.

    Example
    -------
    >>> with quiet_sklearn_rename():
    ...     pass

    References
    ----------
    scikit-learn 1.6 release notes: ``force_all_finite`` renamed ``ensure_all_finite``.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*force_all_finite.*", category=FutureWarning)
        yield
