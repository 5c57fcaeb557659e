"""Direct textbook formulas the checks use to work out the expected answers.

Everything here is computed from the participant's own data at check time;
no expected number is stored anywhere.  Where kitlib has a method for the same
quantity the checks call kitlib, and the exercise tests compare both.

Example
-------
>>> import pandas as pd
>>> from kitlib.exercises.reference import cronbach_alpha
>>> round(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 4, 4]})), 4)
0.9412

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
*Psychometrika*, 16(3), 297–334.
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of
Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kitlib.data.codebook import Codebook

__all__ = [
    "cronbach_alpha",
    "dimension_gaps",
    "dimension_means",
    "item_total_correlations",
    "kaiser_count",
    "net_promoter_score",
    "undo_reverse_coding",
]


def undo_reverse_coding(data: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The data as they were in the file: reverse-keyed items back to their raw answers.

    Recoding ``x -> min + max - x`` is its own inverse, so applying it again
    reproduces what a participant who forgot to recode would compute with.
    """
    raw = data.copy()
    for column in codebook.columns.values():
        if column.reverse and column.id in raw:
            raw[column.id] = column.scale_min + column.scale_max - raw[column.id]
    return raw


def dimension_gaps(data: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """SERVQUAL gap P − E per dimension: mean over the dimension's items of mean(P_i) − mean(E_i)."""
    gaps: dict[str, list[float]] = {}
    for dimension, expectation, perception in codebook.servqual_pairs():
        gaps.setdefault(dimension, []).append(data[perception].mean() - data[expectation].mean())
    return pd.Series({dimension: float(np.mean(values)) for dimension, values in gaps.items()})


def dimension_means(data: pd.DataFrame, codebook: Codebook, kind: str) -> pd.Series:
    """Mean of the item means of each dimension for ``kind`` "P" or "E"."""
    model = codebook.servqual_model(kind)
    return pd.Series({dimension: float(data[items].mean().mean()) for dimension, items in model.items()})


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha on complete rows: k/(k−1) · (1 − Σ var_i / var(total))."""
    complete = items.dropna()
    k = complete.shape[1]
    item_variances = complete.var(ddof=1).sum()
    total_variance = complete.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_variances / total_variance))


def item_total_correlations(items: pd.DataFrame) -> pd.Series:
    """Corrected item-total correlation (r_drop): each item with the sum of the other items, complete rows."""
    complete = items.dropna()
    total = complete.sum(axis=1)
    return pd.Series({column: float(np.corrcoef(complete[column], total - complete[column])[0, 1]) for column in complete.columns})


def kaiser_count(items: pd.DataFrame) -> int:
    """Number of eigenvalues of the correlation matrix above 1 (the Kaiser–Guttman rule)."""
    eigenvalues = np.linalg.eigvalsh(items.dropna().corr().to_numpy())
    return int((eigenvalues > 1).sum())


def net_promoter_score(scores, promoter_min: int = 9, detractor_max: int = 6) -> float:
    """Percentage of promoters (≥ ``promoter_min``) minus percentage of detractors (≤ ``detractor_max``)."""
    values = pd.Series(scores, dtype=float).dropna()
    return float(100 * ((values >= promoter_min).mean() - (values <= detractor_max).mean()))
