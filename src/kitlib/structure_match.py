"""Does an EFA reproduce the theoretical dimensions?  Tucker congruence and off-dimension items.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> model = survey.codebook.servqual_model("P")
>>> match = kl.efa(survey.servqual("P"), 5).compare(model)
>>> list(match.dimensions.columns)
['factor', 'congruence']

References
----------
Lorenzo-Seva, U., & ten Berge, J. M. F. (2006). Tucker's congruence coefficient as a meaningful index
of factor similarity. *Methodology*, 2(2), 57–64.
Revelle, W. (2024). *psych*: ``factor.congruence()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ._checks import check_model
from .errors import AnalysisInputError


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
