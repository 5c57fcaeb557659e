"""Exploratory factor analysis (minres / ML / principal components; oblimin / promax / varimax).

Wraps ``factor_analyzer`` and reports what ``psych::fa`` reports: pattern
loadings, communalities, factor correlations (phi) and explained variance,
with factors ordered by explained variance and signed so that loadings sum
positive.  ``result.compare(model)`` checks the found structure against the
theoretical one (see :func:`kitlib.structure_match`).

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.efa(survey.servqual("P"), n_factors=5)
>>> result.loadings.shape
(22, 5)

References
----------
Fabrigar, L. R., Wegener, D. T., MacCallum, R. C., & Strahan, E. J. (1999). Evaluating the use of
exploratory factor analysis in psychological research. *Psychological Methods*, 4, 272–299.
Revelle, W. (2024). *psych*: ``fa()``, ``principal()``.
Biggs, J., & Madnani, N. (2019). *factor_analyzer* 0.5.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from factor_analyzer import Rotator

from ._checks import check_choice, check_not_singular, numeric_items, quiet_sklearn_rename
from ._factor_analyzer import fit_factor_analyzer
from .errors import AnalysisInputError

METHODS = ("minres", "ml", "principal")
ROTATIONS = ("oblimin", "promax", "varimax", None)
OBLIQUE = ("oblimin", "promax")


@dataclass(frozen=True, repr=False)
class EFAResult:
    """Result of :func:`efa`.

    Attributes
    ----------
    loadings : DataFrame
        Pattern loadings, items x factors ``F1..Fk``.
    communalities : Series
        Common variance of each item, ``diag(L Phi L')``.
    uniquenesses : Series
        ``1 - communalities``.
    phi : DataFrame or None
        Factor correlations (oblique rotations only).
    variance : DataFrame
        Per factor: ``ss_loadings`` (``diag(Phi L'L)``, as psych), ``proportion_var``,
        ``cumulative_var``, ``proportion_explained``.
    method, rotation : str
    n : int
        Respondents used (complete cases).
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    phi: pd.DataFrame | None
    variance: pd.DataFrame
    method: str
    rotation: str | None
    n: int

    def __repr__(self) -> str:
        return (
            f"EFAResult({self.loadings.shape[1]} factors, method={self.method!r}, rotation={self.rotation!r}, "
            f"n={self.n}, {self.loadings.shape[0]} items)\n"
            f"loadings:\n{self.loadings.round(2).to_string()}\n"
            f"variance:\n{self.variance.round(3).to_string()}"
        )

    def compare(self, model, min_loading: float = 0.4):
        """Compare with a theoretical model ``{dimension: [items]}``; see :func:`kitlib.structure_match`."""
        from .structure_match import structure_match

        return structure_match(self, model, min_loading=min_loading)


def _unrotated(corr: np.ndarray, n_factors: int, method: str) -> np.ndarray:
    """Unrotated loadings: principal components from the eigendecomposition, else factor_analyzer."""
    if method == "principal":
        values, vectors = np.linalg.eigh(corr)
        top = np.argsort(values)[::-1][:n_factors]
        return vectors[:, top] * np.sqrt(values[top])
    analyzer = fit_factor_analyzer(corr, n_factors, method=method, rotation=None, is_corr_matrix=True)
    return np.asarray(analyzer.loadings_, dtype=float)


def _rotate(loadings: np.ndarray, rotation: str | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Rotate with factor_analyzer's ``Rotator``; keep loadings and phi in the same factor order.

    ``FactorAnalyzer(rotation=...)`` re-sorts the loading columns after an
    oblique rotation but not ``phi_`` (wrong factor correlations, seen with
    oblimin on Holzinger-Swineford), and with ``svd_method="lapack"`` its
    ``"principal"`` method returns all components; kitlib therefore rotates itself.
    """
    if rotation is None:
        return loadings, None
    rotator = Rotator(method=rotation)
    with quiet_sklearn_rename():
        rotated = rotator.fit_transform(loadings)
    return np.asarray(rotated, dtype=float), (rotator.phi_ if rotation in OBLIQUE else None)


def _canonical(loadings: np.ndarray, phi: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Sign factors so loadings sum positive, then order them by explained variance (as psych)."""
    signs = np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
    loadings = loadings * signs
    if phi is not None:
        phi = phi * np.outer(signs, signs)
        ss = np.diag(phi @ loadings.T @ loadings)
    else:
        ss = (loadings**2).sum(axis=0)
    order = np.argsort(-ss, kind="stable")
    loadings = loadings[:, order]
    if phi is not None:
        phi = phi[np.ix_(order, order)]
    return loadings, phi


def efa(df: pd.DataFrame, n_factors: int, rotation: str | None = "oblimin", method: str = "minres") -> EFAResult:
    """Exploratory factor analysis of the items in ``df``.

    Respondents with a missing item are dropped (listwise).  The correlation
    matrix is factored by minimum residuals (``"minres"``, psych's default),
    maximum likelihood (``"ml"``) or principal components (``"principal"``, as
    ``psych::principal``), then rotated (oblimin and promax are oblique and give
    factor correlations; varimax is orthogonal; ``None`` leaves the solution
    unrotated).

    Parameters
    ----------
    df : DataFrame
        Numeric items only, e.g. ``survey.servqual("P")``.
    n_factors : int
        Number of factors (see :func:`kitlib.parallel_analysis`).
    rotation : {"oblimin", "promax", "varimax", None}
    method : {"minres", "ml", "principal"}

    Returns
    -------
    EFAResult
        ``loadings``, ``communalities``, ``uniquenesses``, ``phi``, ``variance``; ``.compare(model)``.

    Raises
    ------
    AnalysisInputError
        Bad ``n_factors``/``method``/``rotation``, too few items or respondents, non-numeric or
        constant items, singular correlation matrix.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(300, 6)), columns=list("abcdef"))
    >>> efa(df, 2).loadings.abs().idxmax(axis=1).tolist()
    ['F2', 'F2', 'F2', 'F1', 'F1', 'F1']

    References
    ----------
    Fabrigar, L. R., et al. (1999). *Psychological Methods*, 4, 272–299.
    Jennrich, R. I. (2002). A simple general method for oblique rotation. *Psychometrika*, 67, 7–19.
    Hendrickson, A. E., & White, P. O. (1964). Promax. *British Journal of Statistical Psychology*, 17, 65–70.
    """
    check_choice(method, METHODS, "efa: method")
    check_choice(rotation, ROTATIONS, "efa: rotation")
    if isinstance(n_factors, bool) or int(n_factors) != n_factors or n_factors < 1:
        raise AnalysisInputError(f"efa: n_factors must be a whole number >= 1, not {n_factors!r}")
    n_factors = int(n_factors)
    data = numeric_items(df, min_items=3, min_rows=n_factors + 3, what="efa")
    n, n_items = data.shape
    if n_factors >= n_items:
        raise AnalysisInputError(f"efa: n_factors ({n_factors}) must be smaller than the number of items ({n_items})")
    if n <= n_items:
        raise AnalysisInputError(f"efa needs more respondents ({n}) than items ({n_items})")
    corr = np.corrcoef(data.to_numpy(), rowvar=False)
    check_not_singular(corr, data.columns, what="efa")
    fa_rotation = rotation if n_factors > 1 else None
    loadings, phi = _canonical(*_rotate(_unrotated(corr, n_factors, method), fa_rotation))
    factors = [f"F{i + 1}" for i in range(n_factors)]
    phi_full = np.eye(n_factors) if phi is None else phi
    communalities = np.einsum("ij,jk,ik->i", loadings, phi_full, loadings)
    ss = np.diag(phi_full @ loadings.T @ loadings)
    variance = pd.DataFrame(
        {
            "ss_loadings": ss,
            "proportion_var": ss / n_items,
            "cumulative_var": np.cumsum(ss) / n_items,
            "proportion_explained": ss / ss.sum(),
        },
        index=pd.Index(factors, name="factor"),
    )
    items = pd.Index(data.columns, name="item")
    return EFAResult(
        loadings=pd.DataFrame(loadings, index=items, columns=factors),
        communalities=pd.Series(communalities, index=items, name="communality"),
        uniquenesses=pd.Series(1 - communalities, index=items, name="uniqueness"),
        phi=None if phi is None else pd.DataFrame(phi, index=factors, columns=factors),
        variance=variance,
        method=method,
        rotation=fa_rotation,
        n=n,
    )
