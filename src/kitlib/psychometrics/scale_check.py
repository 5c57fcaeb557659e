"""Can we trust the scales?  The verdict rules of the kit, with their cut-offs as arguments.

Chapters, reports and exercises call these functions, so a rule (what makes
an item weak, when a CFA fits, when validity holds) is written once.

===========================  ==================================================================
function                     rule
===========================  ==================================================================
:func:`item_flags`           an item is *weak* when r_drop < ``r_drop`` or alpha rises without it
:func:`fit_checks`           CFI ≥ ``cfi``, TLI ≥ ``tli``, RMSEA ≤ ``rmsea``, SRMR ≤ ``srmr``
:func:`validity_checks`      CR ≥ ``composite_reliability``, AVE ≥ ``ave``, Fornell–Larcker,
                             HTMT < ``htmt``
:func:`check_scales`         the overall verdict: ``trust`` / ``weak_item`` / ``use_with_care``
                             / ``not_checked`` (too few respondents for a CFA, even by FIML)
===========================  ==================================================================

Example
-------
>>> import kitlib as kl
>>> from kitlib.psychometrics.scale_check import check_scales
>>> survey = kl.load_case("it_firm")
>>> check = check_scales(survey.servqual("P"), survey.codebook.servqual_model("P"))
>>> check.verdict, check.weak_items, check.n_cfa, check.cfa_missing
('weak_item', ['P19'], 607, 'listwise')

References
----------
Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.). McGraw-Hill (alpha ≥ .70).
Field, A. (2018). *Discovering Statistics Using IBM SPSS Statistics* (5th ed.), §18.9 (corrected item-total r ≥ .30).
Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure analysis.
*Structural Equation Modeling*, 6(1), 1–55.
Fornell, C., & Larcker, D. F. (1981). *Journal of Marketing Research*, 18(1), 39–50.
Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). *Journal of the Academy of Marketing Science*, 43, 115–135.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kitlib._checks import check_model, numeric_items
from kitlib.errors import OptionError
from kitlib.psychometrics.confirmatory import MAX_LISTWISE_LOSS, cfa, choose_missing, listwise_loss
from kitlib.psychometrics.construct_validity import ValidityResult
from kitlib.psychometrics.internal_consistency import item_analysis, reliability

__all__ = ["ScaleCheck", "ScaleCutoffs", "ValidityChecks", "check_scales", "fit_checks", "item_flags", "validity_checks"]

VERDICTS = ("trust", "weak_item", "use_with_care", "not_checked")


@dataclass(frozen=True)
class ScaleCutoffs:
    """Cut-offs of the scale verdicts (defaults: the usual published ones, see the module references).

    Attributes
    ----------
    alpha : float, default 0.70
        Lowest acceptable Cronbach's alpha of a dimension.
    r_drop : float, default 0.30
        Lowest acceptable corrected item-total correlation.
    cfi, tli : float, default 0.95
        Lowest acceptable CFI and TLI.
    rmsea : float, default 0.06
        Highest acceptable RMSEA.
    srmr : float, default 0.08
        Highest acceptable SRMR.
    composite_reliability : float, default 0.70
    ave : float, default 0.50
        Lowest acceptable average variance extracted.
    htmt : float, default 0.85
        HTMT ratios must stay below this.
    min_n_cfa : int, default 100
        Fewest respondents the CFA must use for the kit to give a verdict: complete answer
        sets under listwise deletion, respondents with at least one answer under FIML.
    max_listwise_loss : float, default 0.10
        The CFA switches from listwise deletion to FIML when listwise deletion would drop
        more than this share of the respondents (``kl.cfa(missing="auto")``).
    """

    alpha: float = 0.70
    r_drop: float = 0.30
    cfi: float = 0.95
    tli: float = 0.95
    rmsea: float = 0.06
    srmr: float = 0.08
    composite_reliability: float = 0.70
    ave: float = 0.50
    htmt: float = 0.85
    min_n_cfa: int = 100
    max_listwise_loss: float = MAX_LISTWISE_LOSS


def _cutoffs(cutoffs) -> ScaleCutoffs:
    if cutoffs is None:
        return ScaleCutoffs()
    if not isinstance(cutoffs, ScaleCutoffs):
        raise OptionError(f"cutoffs must be a ScaleCutoffs (e.g. ScaleCutoffs(alpha=0.8)), not {type(cutoffs).__name__}")
    return cutoffs


def item_flags(df: pd.DataFrame, model, cutoffs: ScaleCutoffs | None = None) -> pd.DataFrame:
    """Item analysis of every dimension with the weak items flagged.

    Parameters
    ----------
    df : DataFrame
        Item answers (respondents in rows).
    model : dict
        ``{dimension: [items]}``.
    cutoffs : ScaleCutoffs, optional

    Returns
    -------
    DataFrame
        Index ``item``; ``dimension``, ``n``, ``mean``, ``sd``, ``r_drop``, ``alpha``
        (of the item's dimension), ``alpha_if_deleted``, ``low_r_drop``,
        ``alpha_rises``, ``weak``; sorted by dimension then item as in ``model``.

    Notes
    -----
    An item is weak when it hangs together poorly with the rest of its
    dimension — corrected item-total correlation ``r_drop < cutoffs.r_drop`` —
    or when the dimension's alpha would rise without it
    (``alpha_if_deleted > alpha``).  Each dimension uses the respondents who
    answered all its items (``n``); ``n_answered``, ``mean_answered`` and
    ``sd_answered`` use every answer to the item (see :func:`kitlib.item_analysis`).

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("bank")
    >>> flags = item_flags(survey.servqual("P"), survey.codebook.servqual_model("P"))
    >>> flags.index[flags["weak"]].tolist()
    ['P02']

    References
    ----------
    Field, A. (2018). *Discovering Statistics Using IBM SPSS Statistics* (5th ed.), §18.9.
    """
    cutoffs = _cutoffs(cutoffs)
    model = check_model(df, model, what="item_flags")
    tables = []
    for dimension, items in model.items():
        table = item_analysis(df, items)
        alpha = float(reliability(df, {dimension: items})["alpha"].iloc[0])
        tables.append(table.assign(dimension=dimension, alpha=alpha))
    flags = pd.concat(tables)
    flags["low_r_drop"] = flags["r_drop"] < cutoffs.r_drop
    flags["alpha_rises"] = flags["alpha_if_deleted"] > flags["alpha"]
    flags["weak"] = flags["low_r_drop"] | flags["alpha_rises"]
    columns = ["dimension", "n", "mean", "sd", "r_drop", "alpha", "alpha_if_deleted", "low_r_drop", "alpha_rises", "weak"]
    return flags[[c for c in columns if c in flags] + [c for c in flags if c not in columns]]


def fit_checks(fit: pd.Series, cutoffs: ScaleCutoffs | None = None) -> pd.Series:
    """Which CFA fit indices meet their cut-offs: a boolean Series indexed ``CFI, TLI, RMSEA, SRMR``.

    Notes
    -----
    CFI ≥ ``cutoffs.cfi``, TLI ≥ ``cutoffs.tli``, RMSEA ≤ ``cutoffs.rmsea``,
    SRMR ≤ ``cutoffs.srmr`` (Hu & Bentler 1999).

    Example
    -------
    >>> import pandas as pd
    >>> fit_checks(pd.Series({"cfi": 0.97, "tli": 0.96, "rmsea": 0.07, "srmr": 0.03})).to_dict()
    {'CFI': True, 'TLI': True, 'RMSEA': False, 'SRMR': True}

    References
    ----------
    Hu, L., & Bentler, P. M. (1999). *Structural Equation Modeling*, 6(1), 1–55.
    """
    cutoffs = _cutoffs(cutoffs)
    return pd.Series({"CFI": bool(fit["cfi"] >= cutoffs.cfi), "TLI": bool(fit["tli"] >= cutoffs.tli),
                      "RMSEA": bool(fit["rmsea"] <= cutoffs.rmsea), "SRMR": bool(fit["srmr"] <= cutoffs.srmr)})


@dataclass(frozen=True)
class ValidityChecks:
    """Convergent and discriminant validity against their cut-offs (:func:`validity_checks`).

    Attributes
    ----------
    low_composite_reliability, low_ave : list of str
        Factors below the cut-off.
    fornell_larcker_fails : list of str
        Factors whose √AVE does not exceed their largest correlation with another factor.
    htmt_max : float
        Largest heterotrait–monotrait ratio.
    htmt_ok : bool
        ``htmt_max < cutoffs.htmt``.
    """

    low_composite_reliability: list
    low_ave: list
    fornell_larcker_fails: list
    htmt_max: float
    htmt_ok: bool

    @property
    def holds(self) -> bool:
        """Every convergent and discriminant criterion is met."""
        return not (self.low_composite_reliability or self.low_ave or self.fornell_larcker_fails) and self.htmt_ok


def validity_checks(result: ValidityResult, cutoffs: ScaleCutoffs | None = None) -> ValidityChecks:
    """Apply the convergent (CR, AVE) and discriminant (Fornell–Larcker, HTMT) rules to a :func:`kitlib.validity` result.

    Notes
    -----
    Convergent validity: CR ≥ ``cutoffs.composite_reliability`` and AVE ≥
    ``cutoffs.ave`` (Fornell & Larcker 1981).  Discriminant validity: √AVE
    above every correlation with another factor, and every HTMT below
    ``cutoffs.htmt`` (Henseler et al. 2015).

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("it_firm")
    >>> checks = validity_checks(kl.validity(survey.servqual("P"), survey.codebook.servqual_model("P")))
    >>> checks.htmt_ok
    True

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). *Journal of the Academy of Marketing Science*, 43, 115–135.
    """
    cutoffs = _cutoffs(cutoffs)
    table = result.table
    ratios = result.htmt.to_numpy(dtype=float)
    off_diagonal = ratios[~np.eye(len(ratios), dtype=bool)]
    htmt_max = float(np.nanmax(off_diagonal)) if np.isfinite(off_diagonal).any() else float("nan")
    return ValidityChecks(
        low_composite_reliability=list(table.index[table["composite_reliability"] < cutoffs.composite_reliability]),
        low_ave=list(table.index[table["ave"] < cutoffs.ave]),
        fornell_larcker_fails=list(table.index[~table["fornell_larcker"].astype(bool)]),
        htmt_max=htmt_max,
        htmt_ok=bool(htmt_max < cutoffs.htmt),
    )


@dataclass(frozen=True)
class ScaleCheck:
    """The verdict on a set of scales (:func:`check_scales`).

    Attributes
    ----------
    verdict : {"trust", "weak_item", "use_with_care", "not_checked"}
        ``use_with_care``: some alpha or fit index misses its cut-off;
        ``weak_item``: all meet them but some item is weak; ``not_checked``:
        the CFA would use fewer than ``cutoffs.min_n_cfa`` respondents even by FIML.
    n_complete : int
        Respondents who answered every item.
    n_cfa : int or None
        Respondents the CFA used (``fit["n"]``); for ``not_checked``, the most any method
        could use (respondents with at least one answer).
    cfa_missing : {"listwise", "fiml"} or None
        How the CFA treated missing answers (None when no CFA was fitted).
    n_dropped : int
        Incomplete respondents the CFA left out (listwise deletion; 0 under FIML).
    reliability : DataFrame or None
        :func:`kitlib.reliability` of each dimension.
    items : DataFrame or None
        :func:`item_flags`.
    fit : Series or None
        CFA fit indices.
    fit_passed : Series or None
        :func:`fit_checks`.
    low_alpha : list of str
        Dimensions with alpha below the cut-off.
    failed_fit : list of str
        Fit indices missing their cut-off.
    weak_items : list of str
        Weak items, weakest (lowest r_drop) first.
    weakest_item : str or None
        The item with the lowest r_drop (weak or not).
    cutoffs : ScaleCutoffs
    """

    verdict: str
    n_complete: int
    cutoffs: ScaleCutoffs
    reliability: pd.DataFrame | None = None
    items: pd.DataFrame | None = None
    fit: pd.Series | None = None
    fit_passed: pd.Series | None = None
    low_alpha: list = field(default_factory=list)
    failed_fit: list = field(default_factory=list)
    weak_items: list = field(default_factory=list)
    weakest_item: str | None = None
    n_cfa: int | None = None
    cfa_missing: str | None = None
    n_dropped: int = 0

    def __repr__(self) -> str:
        if self.verdict == "not_checked":
            return (f"ScaleCheck(not_checked: {self.n_cfa} respondents with any answer, {self.n_complete} complete "
                    f"< {self.cutoffs.min_n_cfa})")
        return (f"ScaleCheck({self.verdict}: alpha {self.reliability['alpha'].min():.2f}–{self.reliability['alpha'].max():.2f} "
                f"(n {self.reliability['n'].min()}–{self.reliability['n'].max()}), "
                f"CFI {self.fit['cfi']:.3f}, RMSEA {self.fit['rmsea']:.3f} (n={self.n_cfa}, {self.cfa_missing}), "
                f"weak items: {', '.join(self.weak_items) or 'none'})")


def check_scales(df: pd.DataFrame, model, cutoffs: ScaleCutoffs | None = None, confidence: float = 0.95) -> ScaleCheck:
    """Reliability, item analysis and CFA of the scales, and the verdict whether their scores can be trusted.

    Parameters
    ----------
    df : DataFrame
        Item answers, e.g. ``survey.servqual("P")``.
    model : dict
        ``{dimension: [items]}``.
    cutoffs : ScaleCutoffs, optional
        The cut-offs (defaults: :class:`ScaleCutoffs`).
    confidence : float, default 0.95
        Level of the alpha confidence intervals.

    Returns
    -------
    ScaleCheck

    Notes
    -----
    Missing answers: each dimension's alpha and item statistics use the
    respondents who answered all items of that dimension (:func:`kitlib.reliability`,
    :func:`item_flags`); the CFA uses listwise deletion, or FIML when listwise
    deletion would drop more than ``cutoffs.max_listwise_loss`` of the respondents
    (:func:`kitlib.cfa` with ``missing="auto"``) -- or when listwise deletion would
    leave fewer than ``cutoffs.min_n_cfa`` respondents but FIML would not.  The
    verdict is ``not_checked`` only when the CFA would use fewer than
    ``cutoffs.min_n_cfa`` respondents even by FIML (which uses everyone with at
    least one answer).  Otherwise it is ``use_with_care``
    when any dimension's alpha is below ``cutoffs.alpha`` or any CFA fit
    index misses its cut-off (:func:`fit_checks`), else ``weak_item`` when
    :func:`item_flags` flags an item, else ``trust``.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("manufacturer")
    >>> check_scales(survey.servqual("P"), survey.codebook.servqual_model("P")).failed_fit
    []

    References
    ----------
    Hu, L., & Bentler, P. M. (1999). *Structural Equation Modeling*, 6(1), 1–55.
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.).
    """
    cutoffs = _cutoffs(cutoffs)
    model = check_model(df, model, what="check_scales")
    items = [item for members in model.values() for item in members]
    numeric_items(df, items, min_rows=0, what="check_scales", listwise=False)
    n_answered, n_complete, _ = listwise_loss(df, items)
    method = choose_missing(df, items, cutoffs.max_listwise_loss)
    if method == "listwise" and n_complete < cutoffs.min_n_cfa:
        method = "fiml"
    if n_answered < cutoffs.min_n_cfa:
        return ScaleCheck("not_checked", n_complete, cutoffs, n_cfa=n_answered)
    alphas = reliability(df, model, ci=confidence)
    flags = item_flags(df, model, cutoffs)
    fitted = cfa(df, model, missing=method)
    fit = fitted.fit
    passed = fit_checks(fit, cutoffs)
    low_alpha = list(alphas.index[alphas["alpha"] < cutoffs.alpha])
    failed = list(passed.index[~passed])
    weak = list(flags[flags["weak"]].sort_values("r_drop").index)
    verdict = "use_with_care" if low_alpha or failed else "weak_item" if weak else "trust"
    return ScaleCheck(verdict, n_complete, cutoffs, alphas, flags, fit, passed, low_alpha, failed, weak,
                      str(flags["r_drop"].idxmin()), int(fit["n"]), fitted.missing, fitted.n_dropped)
