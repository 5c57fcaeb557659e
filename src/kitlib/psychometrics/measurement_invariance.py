"""Measurement invariance across groups (configural, metric, scalar, strict), matched against lavaan.

Do the items measure the same constructs in the same way in every group (survey waves, branches,
customer segments)?  Only then may group means of the scales be compared.  :func:`invariance` fits
the CFA as a multi-group model four times with more and more parameters held equal across groups
(Meredith 1993): nothing (configural), the loadings (metric), loadings and item intercepts (scalar),
and also the residual variances (strict), and judges each step by the change in fit (Chen 2007).

Example
-------
>>> import pandas as pd
>>> import kitlib as kl
>>> hs = pd.read_csv("tests/fixtures/data/holzinger_swineford_school.csv")
>>> result = kl.invariance(hs, "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9", group="school")
>>> result.table["verdict"].tolist()
['does not hold', 'holds', 'does not hold']
>>> result.means_comparable
False

References
----------
Meredith, W. (1993). Measurement invariance, factor analysis and factorial invariance. *Psychometrika*,
58, 525–543.
Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance.
*Structural Equation Modeling*, 14, 464–504.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2), 1–36.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kitlib._checks import check_not_singular, numeric_items
from kitlib.errors import AnalysisInputError
from kitlib.psychometrics.confirmatory import build_structure, fit_groups, fit_indices, srmr
from kitlib.psychometrics.model_syntax import model_spec

__all__ = ["invariance", "InvarianceResult", "LEVELS", "GROUP_EQUAL"]

LEVELS = ("configural", "metric", "scalar", "strict")
#: lavaan ``group.equal`` of each level.
GROUP_EQUAL = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}
COLUMNS = ["chi2", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr",
           "delta_chi2", "delta_df", "p", "delta_cfi", "delta_rmsea", "delta_srmr", "verdict"]


@dataclass(frozen=True, repr=False)
class InvarianceResult:
    """Result of :func:`invariance`.

    Attributes
    ----------
    table : DataFrame
        Indexed ``configural, metric, scalar`` (``strict``): ``chi2, df, pvalue, cfi, tli, rmsea,
        rmsea_ci_low, rmsea_ci_high, srmr``, the changes from the level before ``delta_chi2, delta_df, p``
        (the likelihood-ratio test, lavaan's ``lavTestLRT``), ``delta_cfi, delta_rmsea, delta_srmr``,
        and ``verdict`` ("holds" / "does not hold").
    levels_held : tuple of str
        The levels that hold, in order, up to the first that does not (each ``verdict`` judges one step
        against the level before; a later step may "hold" after an earlier failure, but invariance
        holds only up to the first failure).
    means_comparable : bool
        Whether scalar invariance holds, so latent (and observed scale) means may be compared.
    groups : tuple
        Group labels (order of first appearance, as lavaan) with ``n`` their respondents.
    n : tuple of int
    cutoffs : dict
        The cut-offs used.
    """

    table: pd.DataFrame
    levels_held: tuple[str, ...]
    means_comparable: bool
    groups: tuple
    n: tuple[int, ...]
    cutoffs: dict

    @property
    def highest(self) -> str | None:
        """The highest level that holds (``None`` if not even configural)."""
        return self.levels_held[-1] if self.levels_held else None

    def summary(self) -> str:
        """One paragraph saying up to which level invariance holds and what may be compared."""
        groups = ", ".join(f"{g} (n={n})" for g, n in zip(self.groups, self.n))
        if not self.levels_held:
            verdict = ("the configural model does not fit acceptably: the factor structure differs between groups "
                       "(or fits poorly overall), so no comparison of the scales across groups is warranted")
        else:
            verdict = f"invariance holds up to the {self.highest} level"
            if self.means_comparable:
                verdict += "; loadings and intercepts are equal, so latent and observed scale means may be compared"
            elif self.highest == "metric":
                verdict += ("; loadings are equal (relations and variances may be compared) but intercepts differ, "
                            "so latent or observed means must not be compared")
            else:
                verdict += "; the same factors are measured, but neither correlations nor means may be compared directly"
        return f"Measurement invariance across {groups}: {verdict}."

    def __repr__(self) -> str:
        shown = self.table[["chi2", "df", "cfi", "rmsea", "srmr", "delta_chi2", "delta_df", "p", "delta_cfi", "delta_rmsea", "verdict"]]
        return f"InvarianceResult\n{shown.round(4).to_string()}\n{self.summary()}"


def _baseline_chi2(moments) -> float:
    return float(sum(m[0] * (np.log(np.diag(m[2])).sum() - np.linalg.slogdet(m[2])[1]) for m in moments))


def invariance(data: pd.DataFrame, model, group: str, strict: bool = False, *, min_cfi: float = 0.90,
               max_rmsea: float = 0.08, min_delta_cfi: float = -0.010, max_delta_rmsea: float = 0.015,
               max_delta_srmr: float | None = None) -> InvarianceResult:
    """Test measurement invariance of a CFA model across the groups in column ``group``.

    Parameters
    ----------
    data : DataFrame
        Item responses and the grouping column; respondents missing an item or the group are dropped
        (listwise, lavaan's default).
    model : dict or str
        ``{factor: [items]}`` or lavaan syntax (see :func:`kitlib.cfa`).
    group : str
        Column whose values define the groups (e.g. ``"wave"``).
    strict : bool, default False
        Also test strict invariance (equal residual variances).
    min_cfi, max_rmsea : float, default 0.90 and 0.08
        The configural model "holds" when it fits acceptably: ``CFI >= min_cfi`` and ``RMSEA <= max_rmsea``.
    min_delta_cfi, max_delta_rmsea : float, default -0.010 and 0.015
        A constrained level holds when, against the level before, ``delta_cfi >= min_delta_cfi`` and
        ``delta_rmsea <= max_delta_rmsea`` (Chen 2007, for groups of n > 300 and equal sizes).
    max_delta_srmr : float, optional
        Also require ``delta_srmr <= max_delta_srmr`` (Chen suggests 0.030 for metric, 0.010 for
        scalar invariance); not used by default.

    Returns
    -------
    InvarianceResult
        ``table`` (fit and changes per level, with verdict), ``levels_held``, ``means_comparable``,
        ``summary()``.

    Raises
    ------
    AnalysisInputError
        Bad model, ``group`` not a column, fewer than 2 groups, a group with fewer respondents than
        parameters per group, singular covariance matrix in a group, no convergence.

    Notes
    -----
    Each level is a multi-group ML CFA with a mean structure (lavaan
    ``cfa(model, data, group = group, group.equal = ...)``): configural (``group.equal = c()``),
    metric (``"loadings"``), scalar (``"loadings", "intercepts"``; the factor means of all but the first
    group are then free) and strict (plus ``"residuals"``).  With S_g, m_g the moments of group g
    (divisor n_g), ``chi2 = sum_g n_g [log|Sigma_g| - log|S_g| + tr(S_g Sigma_g^-1) - p +
    (m_g - mu_g)' Sigma_g^-1 (m_g - mu_g)]``; the baseline model has free means and variances per group.
    ``RMSEA = sqrt(G) sqrt(max(chi2 - df, 0) / (df N))``; SRMR is the n-weighted mean of the groups'
    SRMR (covariance and mean residuals, lavaan's ``srmr``).  The change from the previous level is
    tested by the likelihood-ratio (chi-square difference) test ``delta_chi2 ~ chi2(delta_df)``
    (lavaan's ``lavTestLRT`` for nested ML models); with large samples it rejects trivial differences,
    hence the verdict uses the changes in CFI and RMSEA (Chen 2007): ``delta_cfi >= -0.010`` and
    ``delta_rmsea <= 0.015``.  Latent and observed means can be compared only under scalar invariance
    (Meredith 1993).

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("bank")
    >>> data = survey.servqual("P").assign(wave=survey.data["wave"])
    >>> result = kl.invariance(data, survey.codebook.servqual_model("P"), group="wave")
    >>> list(result.table.index)
    ['configural', 'metric', 'scalar']

    References
    ----------
    Meredith, W. (1993). Measurement invariance, factor analysis and factorial invariance. *Psychometrika*,
    58, 525–543.
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance.
    *Structural Equation Modeling*, 14, 464–504.
    Rosseel, Y. (2012). lavaan. *Journal of Statistical Software*, 48(2), 1–36.
    Steiger, J. H. (1998). A note on multiple sample extensions of the RMSEA fit index. *Structural
    Equation Modeling*, 5, 411–419.
    """
    if not isinstance(data, pd.DataFrame):
        raise AnalysisInputError(f"invariance: data must be a DataFrame, not {type(data).__name__}")
    if group not in data.columns:
        raise AnalysisInputError(f"invariance: group column '{group}' is not in the data")
    spec = model_spec(data, model, what="invariance")
    items = list(spec.items)
    numeric_items(data, items, min_items=3, min_rows=0, what="invariance", listwise=False)
    complete = data[items + [group]].dropna()
    labels = tuple(pd.unique(complete[group]))
    if len(labels) < 2:
        raise AnalysisInputError(f"invariance: column '{group}' has {len(labels)} group(s) with complete answers; it needs at least 2")
    p = len(items)
    moments, sizes = [], []
    for label in labels:
        values = complete.loc[complete[group] == label, items].to_numpy(dtype=float)
        if len(values) <= spec.n_free() + p:
            raise AnalysisInputError(f"invariance: group '{label}' has {len(values)} complete respondents; "
                                     f"the model needs more than {spec.n_free() + p}")
        check_not_singular(np.corrcoef(values, rowvar=False), items, what=f"invariance (group '{label}')")
        moments.append((len(values), values.mean(axis=0), np.cov(values, rowvar=False, bias=True)))
        sizes.append(len(values))
    n_total = sum(sizes)
    baseline = _baseline_chi2(moments)
    baseline_df = len(labels) * p * (p - 1) // 2
    levels = LEVELS if strict else LEVELS[:3]
    rows = {}
    for level in levels:
        structure = build_structure(spec, len(labels), GROUP_EQUAL[level], meanstructure=True)
        fitted = fit_groups(structure, moments)
        srmr_value = sum(m[0] / n_total * srmr(m[2], fitted.implied(g)[0], m[1], fitted.implied(g)[1])
                         for g, m in enumerate(moments))
        fit = fit_indices(fitted.chi2, fitted.df, baseline, baseline_df, n_total, srmr_value, n_groups=len(labels))
        rows[level] = fit[["chi2", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr"]]
    table = pd.DataFrame(rows).T.astype(float)
    table["df"] = table["df"].astype(int)
    previous = table.shift(1)
    table["delta_chi2"] = table["chi2"] - previous["chi2"]
    table["delta_df"] = (table["df"] - previous["df"]).astype("Int64")
    table["p"] = [np.nan if np.isnan(d) else float(stats.chi2.sf(d, k)) for d, k in zip(table["delta_chi2"], table["delta_df"].fillna(0))]
    table["delta_cfi"] = table["cfi"] - previous["cfi"]
    table["delta_rmsea"] = table["rmsea"] - previous["rmsea"]
    table["delta_srmr"] = table["srmr"] - previous["srmr"]
    holds = []
    for level, row in table.iterrows():
        if level == "configural":
            ok = row["cfi"] >= min_cfi and row["rmsea"] <= max_rmsea
        else:
            ok = row["delta_cfi"] >= min_delta_cfi and row["delta_rmsea"] <= max_delta_rmsea
            if max_delta_srmr is not None:
                ok = ok and row["delta_srmr"] <= max_delta_srmr
        holds.append(bool(ok))
    table["verdict"] = ["holds" if ok else "does not hold" for ok in holds]
    held = []
    for level, ok in zip(table.index, holds):
        if not ok:
            break
        held.append(level)
    table.index.name = "level"
    cutoffs = {"min_cfi": min_cfi, "max_rmsea": max_rmsea, "min_delta_cfi": min_delta_cfi,
               "max_delta_rmsea": max_delta_rmsea, "max_delta_srmr": max_delta_srmr}
    return InvarianceResult(table=table[COLUMNS], levels_held=tuple(held), means_comparable="scalar" in held,
                            groups=labels, n=tuple(sizes), cutoffs=cutoffs)
