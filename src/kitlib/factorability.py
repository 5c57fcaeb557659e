"""Factorability of a correlation matrix: Kaiser–Meyer–Olkin (KMO) and Bartlett's sphericity test.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.factorability(survey.servqual("P"))
>>> result.kmo > 0.5
True

References
----------
Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39, 31–36.
Bartlett, M. S. (1951). The effect of standardization on a chi square approximation in factor analysis.
*Biometrika*, 38, 337–344.
Revelle, W. (2024). *psych*: ``KMO()``, ``cortest.bartlett()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo

from ._checks import check_not_singular, numeric_items


@dataclass(frozen=True, repr=False)
class Factorability:
    """KMO and Bartlett results; ``kmo_items`` holds the per-item measure of sampling adequacy."""

    kmo: float
    kmo_items: pd.Series
    bartlett_chi2: float
    bartlett_df: int
    bartlett_p: float
    n: int

    def __repr__(self) -> str:
        weakest = self.kmo_items.idxmin()
        return (
            f"Factorability(n={self.n}, KMO={self.kmo:.3f} (lowest item {weakest}: {self.kmo_items[weakest]:.3f}), "
            f"Bartlett chi2={self.bartlett_chi2:.2f}, df={self.bartlett_df}, p={self.bartlett_p:.3g})"
        )


def factorability(df: pd.DataFrame) -> Factorability:
    """KMO (overall and per item) and Bartlett's test that the correlation matrix is an identity.

    Respondents with missing items are dropped (listwise).  KMO above 0.6
    (Kaiser: 0.8 "meritorious") and a significant Bartlett test suggest the items
    share enough variance for factor analysis.

    Parameters
    ----------
    df : DataFrame
        Numeric items only (e.g. ``survey.servqual("P")``).

    Returns
    -------
    Factorability
        ``kmo``, ``kmo_items`` (Series), ``bartlett_chi2``, ``bartlett_df`` (p(p-1)/2),
        ``bartlett_p``, ``n``.

    Raises
    ------
    AnalysisInputError
        Fewer than 3 items or respondents, non-numeric or constant items, singular correlation matrix.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(200, 1))
    >>> df = pd.DataFrame(f + rng.normal(size=(200, 4)), columns=list("abcd"))
    >>> factorability(df).bartlett_df
    6

    References
    ----------
    Kaiser, H. F. (1974). *Psychometrika*, 39, 31–36.
    Bartlett, M. S. (1951). *Biometrika*, 38, 337–344.
    """
    data = numeric_items(df, min_items=3, min_rows=4, what="factorability")
    corr = np.corrcoef(data.to_numpy(), rowvar=False)
    check_not_singular(corr, data.columns, what="factorability")
    kmo_items, kmo = calculate_kmo(data)
    chi2, p_value = calculate_bartlett_sphericity(data)
    n_items = data.shape[1]
    return Factorability(
        kmo=float(kmo),
        kmo_items=pd.Series(kmo_items, index=data.columns, name="kmo"),
        bartlett_chi2=float(chi2),
        bartlett_df=n_items * (n_items - 1) // 2,
        bartlett_p=float(p_value),
        n=len(data),
    )
