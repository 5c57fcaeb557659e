"""Horn's parallel analysis: how many factors to keep (seeded, reproducible).

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.parallel_analysis(survey.servqual("P"), seed=1)
>>> result.n_factors >= 1
True

References
----------
Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
*Psychometrika*, 30, 179–185.
Glorfeld, L. W. (1995). An improvement on Horn's parallel analysis methodology for selecting the
correct number of factors to retain. *Educational and Psychological Measurement*, 55, 377–393.
Revelle, W. (2024). *psych*: ``fa.parallel()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import check_not_singular, numeric_items
from .errors import AnalysisInputError


@dataclass(frozen=True, repr=False)
class ParallelAnalysis:
    """Suggested number of factors and the eigenvalue table behind it.

    ``eigenvalues`` has one row per component: ``observed`` (eigenvalues of the
    correlation matrix), ``observed_reduced`` (with squared multiple correlations
    on the diagonal, the common-factor view), ``simulated_mean`` and
    ``simulated_quantile`` (over ``n_iter`` random normal data sets of the same size).
    """

    n_factors: int
    eigenvalues: pd.DataFrame
    quantile: float
    n_iter: int
    n: int
    seed: int | None

    def __repr__(self) -> str:
        head = self.eigenvalues.head(max(self.n_factors + 2, 3)).round(3).to_string()
        return (
            f"ParallelAnalysis(suggests {self.n_factors} factor(s); n={self.n}, n_iter={self.n_iter}, "
            f"quantile={self.quantile}, seed={self.seed})\n{head}"
        )


def parallel_analysis(df: pd.DataFrame, n_iter: int = 100, quantile: float = 0.95, seed: int | None = 0) -> ParallelAnalysis:
    """Compare the eigenvalues of the items' correlation matrix with those of random data.

    Keep the leading components whose observed eigenvalue exceeds the
    ``quantile`` of the eigenvalues of ``n_iter`` normal data sets with the same
    number of respondents and items (Glorfeld's 95th-percentile rule; with
    ``quantile=0.5`` close to Horn's mean rule).  Respondents with missing items
    are dropped first.  The count is of principal components, as
    ``psych::fa.parallel(fa = "pc")$ncomp``.

    Parameters
    ----------
    df : DataFrame
        Numeric items only.
    n_iter : int
        Number of simulated data sets.
    quantile : float
        Quantile of the simulated eigenvalues used as threshold.
    seed : int or None
        Seed of the random generator (the same seed gives the same result).

    Returns
    -------
    ParallelAnalysis
        ``n_factors`` and the ``eigenvalues`` table.

    Raises
    ------
    AnalysisInputError
        Fewer than 3 items or more items than respondents, non-numeric or constant items,
        singular correlation matrix, bad ``n_iter``/``quantile``.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(300, 6)))
    >>> parallel_analysis(df, seed=1).n_factors
    2

    References
    ----------
    Horn, J. L. (1965). *Psychometrika*, 30, 179–185.
    Glorfeld, L. W. (1995). *Educational and Psychological Measurement*, 55, 377–393.
    """
    if int(n_iter) != n_iter or n_iter < 10:
        raise AnalysisInputError(f"parallel_analysis: n_iter must be a whole number >= 10, not {n_iter}")
    if not 0 < quantile < 1:
        raise AnalysisInputError(f"parallel_analysis: quantile must be between 0 and 1, not {quantile}")
    data = numeric_items(df, min_items=3, min_rows=4, what="parallel_analysis")
    n, n_items = data.shape
    if n <= n_items:
        raise AnalysisInputError(f"parallel_analysis needs more respondents ({n}) than items ({n_items})")
    corr = np.corrcoef(data.to_numpy(), rowvar=False)
    check_not_singular(corr, data.columns, what="parallel_analysis")
    observed = np.linalg.eigvalsh(corr)[::-1]
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1 - 1 / np.diag(np.linalg.inv(corr)))
    observed_reduced = np.linalg.eigvalsh(reduced)[::-1]
    rng = np.random.default_rng(seed)
    simulated = np.empty((int(n_iter), n_items))
    for i in range(int(n_iter)):
        random = rng.standard_normal((n, n_items))
        simulated[i] = np.linalg.eigvalsh(np.corrcoef(random, rowvar=False))[::-1]
    threshold = np.quantile(simulated, quantile, axis=0)
    above = observed > threshold
    n_factors = int(np.argmin(above)) if not above.all() else n_items
    table = pd.DataFrame(
        {
            "observed": observed,
            "observed_reduced": observed_reduced,
            "simulated_mean": simulated.mean(axis=0),
            "simulated_quantile": threshold,
        },
        index=pd.RangeIndex(1, n_items + 1, name="component"),
    )
    return ParallelAnalysis(n_factors=n_factors, eigenvalues=table, quantile=quantile, n_iter=int(n_iter), n=n, seed=seed)
