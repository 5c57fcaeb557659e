"""Exploratory factor analysis and its preliminaries: factorability (KMO, Bartlett), Horn's parallel
analysis, EFA (minres / ML / principal; oblimin / promax / varimax) and the match of an EFA to the
theoretical dimensions (Tucker congruence, off-dimension and weak items).

Factorability of a correlation matrix: Kaiser–Meyer–Olkin (KMO) and Bartlett's sphericity test.

Horn's parallel analysis: how many factors to keep (seeded, reproducible).

Exploratory factor analysis (minres / ML / principal components; oblimin / promax / varimax).

Does an EFA reproduce the theoretical dimensions?  Tucker congruence and off-dimension items.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.factorability(survey.servqual("P"))
>>> result.kmo > 0.5
True
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.parallel_analysis(survey.servqual("P"), seed=1)
>>> result.n_factors >= 1
True
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> result = kl.efa(survey.servqual("P"), n_factors=5)
>>> result.loadings.shape
(22, 5)
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> model = survey.codebook.servqual_model("P")
>>> match = kl.efa(survey.servqual("P"), 5).compare(model)
>>> list(match.dimensions.columns)
['factor', 'congruence']

References
----------
Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39, 31–36.
Bartlett, M. S. (1951). The effect of standardization on a chi square approximation in factor analysis.
*Biometrika*, 38, 337–344.
Revelle, W. (2024). *psych*: ``KMO()``, ``cortest.bartlett()``.
Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
*Psychometrika*, 30, 179–185.
Glorfeld, L. W. (1995). An improvement on Horn's parallel analysis methodology for selecting the
correct number of factors to retain. *Educational and Psychological Measurement*, 55, 377–393.
Revelle, W. (2024). *psych*: ``fa.parallel()``.
Fabrigar, L. R., Wegener, D. T., MacCallum, R. C., & Strahan, E. J. (1999). Evaluating the use of
exploratory factor analysis in psychological research. *Psychological Methods*, 4, 272–299.
Revelle, W. (2024). *psych*: ``fa()``, ``principal()``.
Biggs, J., & Madnani, N. (2019). *factor_analyzer* 0.5.1.
Lorenzo-Seva, U., & ten Berge, J. M. F. (2006). Tucker's congruence coefficient as a meaningful index
of factor similarity. *Methodology*, 2(2), 57–64.
Revelle, W. (2024). *psych*: ``factor.congruence()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from factor_analyzer import Rotator
from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo
from scipy.optimize import linear_sum_assignment

from kitlib._checks import check_choice, check_model, check_not_singular, numeric_items, quiet_sklearn_rename
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.psychometrics._factor_analyzer import fit_factor_analyzer

__all__ = [
    "efa",
    "EFAResult",
    "Factorability",
    "factorability",
    "parallel_analysis",
    "ParallelAnalysis",
    "structure_match",
    "StructureMatch",
    "tucker_congruence",
]


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
        raise OptionError(f"parallel_analysis: n_iter must be a whole number >= 10, not {n_iter}")
    if not 0 < quantile < 1:
        raise OptionError(f"parallel_analysis: quantile must be between 0 and 1, not {quantile}")
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
        pass

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

    Notes
    -----
    Wraps ``factor_analyzer`` and reports what ``psych::fa`` reports: pattern
    loadings, communalities, factor correlations (phi) and explained variance,
    with factors ordered by explained variance and signed so that loadings sum
    positive.  ``result.compare(model)`` checks the found structure against the
    theoretical one (see :func:`kitlib.structure_match`).

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
        raise OptionError(f"efa: n_factors must be a whole number >= 1, not {n_factors!r}")
    n_factors = int(n_factors)
    data = numeric_items(df, min_items=3, min_rows=n_factors + 3, what="efa")
    n, n_items = data.shape
    if n_factors >= n_items:
        raise OptionError(f"efa: n_factors ({n_factors}) must be smaller than the number of items ({n_items})")
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



@dataclass(frozen=True, repr=False)
class StructureMatch:
    """Found vs theoretical structure.

    Attributes
    ----------
    dimensions : DataFrame
        Per theoretical dimension: the EFA ``factor`` matched to it and the Tucker ``congruence``
        of that factor's loadings with the dimension's 0/1 target (>= 0.95 good, 0.85–0.94 fair).
    items : DataFrame
        Per item: ``dimension``, ``factor`` (matched to its dimension), ``loading`` on it,
        ``primary_factor`` and ``primary_loading`` (largest absolute loading),
        ``off_dimension`` (primary factor is not its dimension's factor), ``weak`` (|loading| < ``min_loading``).
    congruence : DataFrame
        All factors x dimensions congruence coefficients.
    """

    dimensions: pd.DataFrame
    items: pd.DataFrame
    congruence: pd.DataFrame
    min_loading: float

    @property
    def flagged(self) -> pd.DataFrame:
        """Items that load off their dimension or weakly on it."""
        return self.items[self.items["off_dimension"] | self.items["weak"]]

    def __repr__(self) -> str:
        flagged = self.flagged
        listed = ", ".join(
            f"{item} ({row.dimension}: {'loads on ' + str(row.primary_factor) if row.off_dimension else 'weak'})"
            for item, row in flagged.iterrows()
        )
        return (
            f"StructureMatch(congruence per dimension:\n{self.dimensions.round(3).to_string()}\n"
            f"flagged items (min_loading={self.min_loading}): {listed or 'none'})"
        )


def tucker_congruence(loadings: pd.DataFrame, target: pd.DataFrame) -> pd.DataFrame:
    """Tucker congruence ``sum(x y) / sqrt(sum(x^2) sum(y^2))`` between the columns of two matrices.

    Same as ``psych::factor.congruence(loadings, target)``.

    Example
    -------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"F1": [0.8, 0.7, 0.1]})
    >>> y = pd.DataFrame({"T": [1.0, 1.0, 0.0]})
    >>> float(round(tucker_congruence(x, y).loc["F1", "T"], 4))
    0.9934
    """
    x = loadings.to_numpy(dtype=float)
    y = target.loc[loadings.index].to_numpy(dtype=float)
    product = x.T @ y / np.sqrt(np.outer((x**2).sum(axis=0), (y**2).sum(axis=0)))
    return pd.DataFrame(product, index=loadings.columns, columns=target.columns)


def structure_match(result, model, min_loading: float = 0.4) -> StructureMatch:
    """Compare EFA loadings with a theoretical model ``{dimension: [items]}``.

    Each dimension is matched to one factor (Hungarian assignment maximizing the
    total absolute Tucker congruence between factor loadings and the dimension's
    0/1 target column); items whose largest loading is on another factor are
    flagged ``off_dimension``, items loading below ``min_loading`` on their own
    factor ``weak``.

    Parameters
    ----------
    result : EFAResult
        From :func:`kitlib.efa` (or any object with a ``loadings`` DataFrame, items x factors).
    model : dict of str to list of str
        Theoretical structure, e.g. ``codebook.servqual_model("P")``.
    min_loading : float
        Smallest absolute loading accepted on the item's own factor.

    Returns
    -------
    StructureMatch

    Raises
    ------
    AnalysisInputError
        Model items missing from the EFA, fewer factors than dimensions.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> import kitlib as kl
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(300, 6)), columns=list("abcdef"))
    >>> kl.structure_match(kl.efa(df, 2), {"X": ["a", "b", "c"], "Y": ["d", "e", "f"]}).flagged.empty
    True

    References
    ----------
    Lorenzo-Seva, U., & ten Berge, J. M. F. (2006). *Methodology*, 2(2), 57–64.
    """
    loadings = getattr(result, "loadings", None)
    if not isinstance(loadings, pd.DataFrame):
        raise AnalysisInputError("structure_match needs an EFA result (kl.efa(...)) with a loadings table")
    model = check_model(loadings.T, model, min_items=1, what="structure_match")
    if loadings.shape[1] < len(model):
        raise AnalysisInputError(
            f"structure_match: the EFA has {loadings.shape[1]} factors but the model {len(model)} dimensions; "
            "extract at least one factor per dimension"
        )
    items = [item for members in model.values() for item in members]
    loadings = loadings.loc[items]
    target = pd.DataFrame(0.0, index=items, columns=list(model))
    for dimension, members in model.items():
        target.loc[members, dimension] = 1.0
    congruence = tucker_congruence(loadings, target)
    rows, cols = linear_sum_assignment(-np.abs(congruence.to_numpy()))
    factor_of = {congruence.columns[c]: congruence.index[r] for r, c in zip(rows, cols)}
    dimensions = pd.DataFrame(
        {
            "factor": [factor_of[d] for d in model],
            "congruence": [congruence.loc[factor_of[d], d] for d in model],
        },
        index=pd.Index(list(model), name="dimension"),
    )
    records = {}
    for dimension, members in model.items():
        own = factor_of[dimension]
        for item in members:
            primary = loadings.loc[item].abs().idxmax()
            records[item] = {
                "dimension": dimension,
                "factor": own,
                "loading": loadings.loc[item, own],
                "primary_factor": primary,
                "primary_loading": loadings.loc[item, primary],
                "off_dimension": primary != own,
                "weak": abs(loadings.loc[item, own]) < min_loading,
            }
    table = pd.DataFrame.from_dict(records, orient="index")
    table.index.name = "item"
    return StructureMatch(dimensions=dimensions, items=table, congruence=congruence, min_loading=min_loading)
