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
:func:`choose_estimator`     the CFA treats items of at most ``max_ordinal_points`` answer points
                             (default 5) as ordinal (WLSMV), longer scales as continuous (ML)
:func:`scale_cfa`            WLSMV needs complete answer sets: an automatic WLSMV choice falls back
                             to ML with FIML when listwise deletion would drop too many respondents
:func:`fit_values`           the fit indices the cut-offs judge: scaled (WLSMV), robust (MLR), plain (ML)
:func:`check_invariance`     waves may be compared only if each has ``min_n_cfa`` complete answer
                             sets and scalar invariance holds (Chen 2007 cut-offs)
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
Rhemtulla, M., Brosseau-Liard, P. É., & Savalei, V. (2012). When can categorical variables be treated as
continuous? *Psychological Methods*, 17(3), 354–373 (ML is acceptable from about 5–7 categories on; with fewer,
categorical estimation such as WLSMV).
Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance.
*Structural Equation Modeling*, 14, 464–504.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kitlib._checks import check_model, numeric_items
from kitlib.errors import AnalysisInputError, KitError, OptionError
from kitlib.i18n import Catalog, check_lang
from kitlib.psychometrics.confirmatory import MAX_LISTWISE_LOSS, cfa, choose_missing, listwise_loss
from kitlib.psychometrics.construct_validity import ValidityResult
from kitlib.psychometrics.internal_consistency import cronbach_alpha, item_analysis, reliability
from kitlib.psychometrics.measurement_invariance import InvarianceResult, invariance
from kitlib.psychometrics.ordinal import ordinal_reliability

__all__ = ["ESTIMATORS", "ORDINAL_MAX_POINTS", "EstimatorChoice", "InvarianceCheck", "ScaleCheck", "ScaleCutoffs",
           "ValidityChecks", "answer_points", "check_invariance", "check_scales", "choose_estimator", "fit_checks",
           "fit_values", "item_flags", "scale_cfa", "validity_checks"]

VERDICTS = ("trust", "weak_item", "use_with_care", "not_checked")
#: CFA estimators :func:`check_scales` accepts (``"auto"``: :func:`choose_estimator` decides).
ESTIMATORS = ("ML", "MLR", "WLSMV")
#: Items with at most this many answer points are ordinal: their CFA uses WLSMV (Rhemtulla et al. 2012).
ORDINAL_MAX_POINTS = 5


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
        complete = numeric_items(df, items, min_items=2, min_rows=3, what=f"item flags of scale '{dimension}'")
        alpha = cronbach_alpha(np.cov(complete.to_numpy(), rowvar=False))  # as reliability(), without its omega fit
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
    SRMR ≤ ``cutoffs.srmr`` (Hu & Bentler 1999), applied to :func:`fit_values`: the scaled indices
    of a WLSMV fit, the robust ones of an MLR fit, the plain ones of an ML fit.

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
    fit = fit_values(fit)
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


# --------------------------------------------------------------------------- which estimator

ESTIMATOR_TEXT = Catalog({
    "ordinal_scale": {
        "zh": "条目只有 {points} 个答案等级（不超过 {cut} 个），按有序类别处理：验证性因子分析用 WLSMV 估计"
              "（多分格相关 + 对角加权最小二乘，即 lavaan 的 ordered = TRUE），拟合标准用它的校正（scaled）指数；"
              "信度在 α 旁另给有序 α 与有序 ω（多分格相关矩阵上计算）。",
        "en": "The items have {points} answer points (at most {cut}), so they are treated as ordered categories: the "
              "confirmatory factor analysis uses WLSMV (polychoric correlations and diagonally weighted least squares, "
              "lavaan's ordered = TRUE) and the cut-offs apply to its scaled fit indices; ordinal alpha and omega "
              "(from the polychoric correlations) are shown beside alpha."},
    "continuous_scale": {
        "zh": "条目有 {points} 个答案等级（多于 {cut} 个），按连续变量处理：验证性因子分析用最大似然（ML）估计。",
        "en": "The items have {points} answer points (more than {cut}), so they are treated as continuous: the "
              "confirmatory factor analysis uses maximum likelihood (ML)."},
    "unknown_scale": {
        "zh": "条目的答案等级数未知，验证性因子分析用最大似然（ML）估计。",
        "en": "The number of answer points of the items is not known, so the confirmatory factor analysis uses "
              "maximum likelihood (ML)."},
    "requested": {
        "zh": "验证性因子分析按参数设定使用 {estimator} 估计（条目有 {points} 个答案等级，自动选择会是 {auto}）。",
        "en": "The confirmatory factor analysis uses {estimator}, as the parameter sets it (the items have {points} "
              "answer points; the automatic choice would be {auto})."},
    "missing": {
        "zh": "条目只有 {points} 个答案等级，本应使用 WLSMV；但 WLSMV 只能用完整答卷，逐个删除会丢掉 {loss:.0%} 的受访者，"
              "因此改用最大似然（ML）加全信息最大似然（FIML）处理缺失答案。",
        "en": "The items have {points} answer points, which calls for WLSMV; but WLSMV needs complete answer sets and "
              "listwise deletion would drop {loss:.0%} of the respondents, so the analysis uses maximum likelihood (ML) "
              "with FIML for the missing answers instead."},
})


@dataclass(frozen=True)
class EstimatorChoice:
    """The CFA estimator of a set of items and why (:func:`choose_estimator`).

    Attributes
    ----------
    estimator : {"ML", "MLR", "WLSMV"}
        The estimator to use.
    points : int or None
        Answer points of the items (the most among them; None when unknown).
    requested : str
        ``"auto"`` or the estimator the caller asked for.
    reason : {"ordinal_scale", "continuous_scale", "unknown_scale", "requested", "missing"}
        Why: the scale decided (``auto``), the caller did, or missing answers turned an automatic
        WLSMV into ML with FIML (:func:`scale_cfa`).
    max_ordinal_points : int
        The cut-off used: at most this many points is ordinal.
    listwise_loss : float or None
        Share of respondents listwise deletion would drop (set by :func:`scale_cfa`).
    """

    estimator: str
    points: int | None
    requested: str
    reason: str
    max_ordinal_points: int = ORDINAL_MAX_POINTS
    listwise_loss: float | None = None

    @property
    def ordinal(self) -> bool:
        """Whether the items are fitted as ordinal (WLSMV)."""
        return self.estimator == "WLSMV"

    @property
    def automatic(self) -> str:
        """What the ``"auto"`` rule picks for these items."""
        return _auto(self.points, self.max_ordinal_points)

    def explain(self, lang: str = "en") -> str:
        """One sentence (``lang``: ``"zh"`` or ``"en"``) saying which estimator is used and why."""
        check_lang(lang)
        points = "?" if self.points is None else self.points
        return ESTIMATOR_TEXT(self.reason, lang, points=points, cut=self.max_ordinal_points, estimator=self.estimator,
                              auto=self.automatic, loss=self.listwise_loss or 0.0)


def _auto(points: int | None, max_ordinal_points: int) -> str:
    return "WLSMV" if points is not None and points <= max_ordinal_points else "ML"


def _item_list(items) -> list:
    if items is None:
        return []
    if isinstance(items, str):
        return [items]
    if isinstance(items, Mapping):
        return [item for members in items.values() for item in ([members] if isinstance(members, str) else members)]
    return list(items)


def answer_points(source, items=None) -> int | None:
    """How many answer points the items have: the most among them (None when unknown).

    Parameters
    ----------
    source : Codebook, Survey, DataFrame, int or (min, max)
        A codebook (or a survey's): each item's declared ``scale`` (``max - min + 1``) or, without a
        scale, its value labels (``answers``); a DataFrame: the distinct answers observed per item;
        an int: the number of points; a ``(min, max)`` pair: ``max - min + 1``.
    items : list of str or {dimension: [items]}, optional
        The items (default: the codebook's perception items, or every column of the DataFrame).

    Example
    -------
    >>> import kitlib as kl
    >>> answer_points(kl.load_case("bank"))
    7
    >>> answer_points((1, 5)), answer_points(11)
    (5, 11)
    """
    from kitlib.data.codebook import Codebook
    from kitlib.data.survey import Survey

    if isinstance(source, Survey):
        source = source.codebook
    if isinstance(source, bool):
        raise OptionError("answer_points() needs a codebook, a survey, a DataFrame, a number of points or (min, max)")
    if isinstance(source, (int, np.integer)):
        return int(source)
    if isinstance(source, tuple) and len(source) == 2:
        low, high = source
        return int(round(float(high) - float(low))) + 1
    names = _item_list(items)
    if isinstance(source, Codebook):
        names = names or source.items("servqual_P")
        counts = []
        for name in names:
            column = source.columns.get(name)
            if column is None:
                raise AnalysisInputError(f"answer_points(): {name!r} is not a column of the codebook")
            if column.scale_min is not None and column.scale_max is not None:
                counts.append(int(round(float(column.scale_max) - float(column.scale_min))) + 1)
            elif column.answers:
                counts.append(len(column.answers))
            else:
                return None
        return max(counts) if counts else None
    if isinstance(source, pd.DataFrame):
        names = names or list(source.columns)
        missing = [name for name in names if name not in source.columns]
        if missing:
            raise AnalysisInputError(f"answer_points(): column(s) {', '.join(map(str, missing))} not in the data")
        counts = [int(source[name].dropna().nunique()) for name in names]
        return max(counts) if counts else None
    raise OptionError(f"answer_points() needs a codebook, a survey, a DataFrame, a number of points or (min, max), "
                      f"not {type(source).__name__}")


def choose_estimator(source, items=None, requested: str = "auto",
                     max_ordinal_points: int = ORDINAL_MAX_POINTS) -> EstimatorChoice:
    """The CFA estimator for items of a given answer scale: WLSMV for short (ordinal) scales, else ML.

    Parameters
    ----------
    source : Codebook, Survey, DataFrame, int or (min, max)
        Where the answer scale comes from (see :func:`answer_points`); pass the codebook, so that
        the *declared* scale decides, not the answers that happen to occur.
    items : list of str or {dimension: [items]}, optional
        The model's items (default: all perception items / all columns).
    requested : {"auto", "ML", "MLR", "WLSMV"}, default "auto"
        ``"auto"`` applies the rule; an estimator overrides it (the choice still records the points).
    max_ordinal_points : int, default 5
        Items with at most this many answer points are ordinal.

    Returns
    -------
    EstimatorChoice
        ``estimator``, ``points``, ``reason``; ``explain(lang)`` says it in a sentence.

    Notes
    -----
    Rule (``requested="auto"``): ``WLSMV`` when the items have at most ``max_ordinal_points``
    answer points, else ``ML``; ``ML`` when the scale is unknown.  Treating Likert answers as
    continuous biases loadings and the chi-square when they have few categories; with five or more
    roughly symmetric categories ML is usually acceptable, below that categorical estimation is
    recommended (Rhemtulla et al. 2012; Flora & Curran 2004).  Five-point scales sit on the border;
    the kit counts them as ordinal, as most reviewers expect.

    Example
    -------
    >>> import kitlib as kl
    >>> choose_estimator(kl.load_case("bank").codebook).estimator
    'ML'
    >>> choose_estimator((1, 5)).estimator, choose_estimator((1, 5), max_ordinal_points=4).estimator
    ('WLSMV', 'ML')
    >>> choose_estimator((1, 5), requested="MLR").reason
    'requested'

    References
    ----------
    Rhemtulla, M., Brosseau-Liard, P. É., & Savalei, V. (2012). *Psychological Methods*, 17(3), 354–373.
    Flora, D. B., & Curran, P. J. (2004). *Psychological Methods*, 9(4), 466–491.
    """
    if requested != "auto" and requested not in ESTIMATORS:
        raise OptionError(f"estimator must be 'auto' or one of {', '.join(map(repr, ESTIMATORS))}, not {requested!r}")
    if isinstance(max_ordinal_points, bool) or not isinstance(max_ordinal_points, (int, np.integer)) or max_ordinal_points < 2:
        raise OptionError(f"max_ordinal_points must be a whole number >= 2, not {max_ordinal_points!r}")
    points = answer_points(source, items)
    if requested != "auto":
        return EstimatorChoice(requested, points, requested, "requested", int(max_ordinal_points))
    estimator = _auto(points, max_ordinal_points)
    reason = "unknown_scale" if points is None else "ordinal_scale" if estimator == "WLSMV" else "continuous_scale"
    return EstimatorChoice(estimator, points, "auto", reason, int(max_ordinal_points))


def _as_choice(estimator, df: pd.DataFrame, items) -> EstimatorChoice:
    if isinstance(estimator, EstimatorChoice):
        return estimator
    if not isinstance(estimator, str):
        raise OptionError(f"estimator must be 'auto', 'ML', 'MLR', 'WLSMV' or an EstimatorChoice, not {type(estimator).__name__}")
    return choose_estimator(df, items, requested=estimator)


def scale_cfa(df: pd.DataFrame, model, estimator="ML", cutoffs: ScaleCutoffs | None = None):
    """Fit the CFA of the scales with the chosen estimator: ``(result, choice)``.

    Parameters
    ----------
    df : DataFrame
        Item answers.
    model : dict
        ``{dimension: [items]}``.
    estimator : {"ML", "MLR", "WLSMV", "auto"} or EstimatorChoice, default "ML"
        ``"auto"`` decides from the answers observed in ``df``; pass :func:`choose_estimator` of the
        codebook to decide from the declared scale.
    cutoffs : ScaleCutoffs, optional
        ``max_listwise_loss`` and ``min_n_cfa`` decide how missing answers are handled.

    Returns
    -------
    tuple
        The :func:`kitlib.cfa` result (``OrdinalCFAResult`` for WLSMV) and the
        :class:`EstimatorChoice` actually applied.

    Notes
    -----
    ML uses listwise deletion, or FIML when listwise deletion would drop more than
    ``cutoffs.max_listwise_loss`` of the respondents or leave fewer than ``cutoffs.min_n_cfa``
    (:func:`check_scales`).  WLSMV and MLR use complete answer sets only.  An *automatic* WLSMV
    choice therefore falls back to ML with FIML in those two cases (reason ``"missing"``); a WLSMV or
    MLR the caller asked for is kept (listwise).

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("it_firm")
    >>> result, choice = scale_cfa(survey.servqual("P"), survey.codebook.servqual_model("P"), choose_estimator((1, 5)))
    >>> choice.estimator, result.estimator
    ('WLSMV', 'WLSMV')
    """
    cutoffs = _cutoffs(cutoffs)
    model = check_model(df, model, what="scale_cfa")
    items = [item for members in model.values() for item in members]
    choice = _as_choice(estimator, df, items)
    n_answered, n_complete, loss = listwise_loss(df, items)
    method = choose_missing(df, items, cutoffs.max_listwise_loss)
    if method == "listwise" and n_complete < cutoffs.min_n_cfa:
        method = "fiml"
    if choice.estimator != "ML" and method == "fiml":
        if choice.requested == "auto":
            choice = replace(choice, estimator="ML", reason="missing", listwise_loss=float(loss))
        else:
            method = "listwise"
    choice = replace(choice, listwise_loss=float(loss))
    fitted = cfa(df, model, missing=method if choice.estimator == "ML" else "listwise", estimator=choice.estimator)
    return fitted, choice


def fit_values(fit: pd.Series) -> pd.Series:
    """The fit statistics the cut-offs judge: scaled for WLSMV, robust for MLR, plain for ML.

    Returns
    -------
    Series
        ``chi2, df, pvalue, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, srmr, n`` and
        ``estimator``-independent names: WLSMV's ``chi2_scaled``, ``cfi_scaled``, ... (lavaan's
        ``*.scaled``), MLR's robust CFI/TLI/RMSEA with the scaled chi-square (lavaan's ``*.robust``;
        no robust RMSEA interval, NaN), ML's plain indices.  ``kind`` says which.

    Example
    -------
    >>> import pandas as pd
    >>> fit_values(pd.Series({"chi2": 10.0, "df": 5, "pvalue": 0.08, "cfi": 0.99, "tli": 0.98, "rmsea": 0.04,
    ...                       "rmsea_ci_low": 0.0, "rmsea_ci_high": 0.08, "srmr": 0.03, "n": 200}))["kind"]
    'ML'
    """
    def get(name):
        return fit[name] if name in fit.index else np.nan

    if "shift_parameter" in fit.index:  # WLSMV (lavaan's scaled-shifted test)
        kind, names = "WLSMV", {"chi2": "chi2_scaled", "pvalue": "pvalue_scaled", "cfi": "cfi_scaled", "tli": "tli_scaled",
                                "rmsea": "rmsea_scaled", "rmsea_ci_low": "rmsea_ci_low_scaled",
                                "rmsea_ci_high": "rmsea_ci_high_scaled"}
    elif "cfi_robust" in fit.index:  # MLR (Yuan–Bentler scaled test, robust indices)
        kind, names = "MLR", {"chi2": "chi2_scaled", "pvalue": "pvalue_scaled", "cfi": "cfi_robust", "tli": "tli_robust",
                              "rmsea": "rmsea_robust", "rmsea_ci_low": None, "rmsea_ci_high": None}
    else:
        kind, names = "ML", {}
    values = {}
    for name in ("chi2", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr", "n"):
        source = names.get(name, name)
        values[name] = np.nan if source is None else float(get(source))
    out = pd.Series(values, dtype=object)
    out["kind"] = kind
    return out


# --------------------------------------------------------------------------- invariance across waves

INVARIANCE_TEXT = Catalog({
    "no_scales": {"zh": "*未检验测量不变性：没有至少 3 个条目的感知维度，无法做多组验证性因子分析；下面的比较假定各次调查中量表含义相同。*",
                  "en": "*Measurement invariance not tested: no perception dimension has three or more items, so no "
                        "multi-group factor analysis can be fitted; the comparison below assumes the scales mean the same in every wave.*"},
    "too_few": {"zh": "*未检验测量不变性：最少的一次调查只有 {n} 份完整的感知题答卷（每次至少需要 {needed} 份）；下面的比较假定各次调查中量表含义相同。*",
                "en": "*Measurement invariance not tested: the smallest wave has {n} complete sets of perception answers "
                      "(at least {needed} per wave needed); the comparison below assumes the scales mean the same in every wave.*"},
    "failed": {"zh": "*未检验测量不变性：多组验证性因子分析无法拟合（如某次调查的答案过于集中）；下面的比较假定各次调查中量表含义相同。*",
               "en": "*Measurement invariance not tested: the multi-group factor analysis could not be fitted (e.g. the "
                     "answers of a wave are too uniform); the comparison below assumes the scales mean the same in every wave.*"},
    "no_perceptions": {"zh": "*测量不变性针对多条目量表；这里比较的是单题指标（总体满意度、NPS），不做该检验。*",
                       "en": "*Measurement invariance concerns multi-item scales; the measures compared here are single "
                             "questions (overall satisfaction, NPS), so it is not tested.*"},
})


@dataclass(frozen=True)
class InvarianceCheck:
    """Whether the waves' scale means may be compared (:func:`check_invariance`).

    Attributes
    ----------
    result : InvarianceResult or None
        :func:`kitlib.invariance` of the perception model across the waves (None when not run).
    reason : str or None
        Why it was not run: ``"no_perceptions"``, ``"no_scales"``, ``"too_few"``, ``"failed"``; None when it ran.
    model : dict
        The model tested (dimensions of at least 3 items).
    n_smallest : int
        Complete answer sets of the smallest wave.
    needed : int
        Complete answer sets a wave needs (``cutoffs.min_n_cfa``).
    """

    result: InvarianceResult | None
    reason: str | None
    model: dict
    n_smallest: int = 0
    needed: int = 0

    @property
    def tested(self) -> bool:
        return self.result is not None

    @property
    def means_comparable(self) -> bool | None:
        """Scalar invariance holds (True), fails (False) or was not tested (None)."""
        return None if self.result is None else bool(self.result.means_comparable)

    def note(self, lang: str = "en") -> str:
        """The one-line Markdown note replacing the test when it was not run ("" when it was)."""
        check_lang(lang)
        if self.reason is None:
            return ""
        return INVARIANCE_TEXT(self.reason, lang, n=self.n_smallest, needed=self.needed)


def check_invariance(df: pd.DataFrame, model, group: str, cutoffs: ScaleCutoffs | None = None) -> InvarianceCheck:
    """Measurement invariance of the scales across the waves (or any groups) in ``group``, when it can be tested.

    Parameters
    ----------
    df : DataFrame
        Item answers and the ``group`` column.
    model : dict
        ``{dimension: [items]}``; dimensions with fewer than 3 items are left out.
    group : str
        The wave column.
    cutoffs : ScaleCutoffs, optional
        ``min_n_cfa``: the complete answer sets each wave needs.

    Returns
    -------
    InvarianceCheck
        ``result`` (:class:`~kitlib.psychometrics.measurement_invariance.InvarianceResult`) and
        ``means_comparable``, or ``reason`` and ``note(lang)`` when it was not run.

    Notes
    -----
    Not run (``reason``): no dimension of at least 3 items, or one item-less model
    (``"no_scales"``); a wave with fewer than ``cutoffs.min_n_cfa`` complete answer sets
    (``"too_few"``, the rule :func:`check_scales` applies to one CFA); the multi-group fit fails
    (``"failed"``).  Otherwise :func:`kitlib.invariance` decides with its default cut-offs (Chen 2007);
    the means of the waves may be compared when scalar invariance holds (Meredith 1993).

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("bank")
    >>> data = survey.servqual("P").assign(wave=survey.data["wave"])
    >>> check_invariance(data, survey.codebook.servqual_model("P"), "wave").tested
    True
    """
    cutoffs = _cutoffs(cutoffs)
    if group not in df.columns:
        raise AnalysisInputError(f"check_invariance(): group column {group!r} is not in the data")
    model = {name: list(items) for name, items in (model or {}).items() if len(items) >= 3}
    items = [item for members in model.values() for item in members]
    if not model or (len(model) == 1 and len(items) < 4):
        return InvarianceCheck(None, "no_scales", model, needed=cutoffs.min_n_cfa)
    complete = df[items + [group]].dropna()
    sizes = complete.groupby(group, observed=True).size()
    smallest = int(sizes.min()) if len(sizes) >= 2 else 0  # a single wave with complete answers: nothing to compare
    if len(sizes) < 2 or smallest < cutoffs.min_n_cfa:
        return InvarianceCheck(None, "too_few", model, smallest, cutoffs.min_n_cfa)
    try:
        result = invariance(df[items + [group]], model, group=group)
    except KitError:
        return InvarianceCheck(None, "failed", model, smallest, cutoffs.min_n_cfa)
    return InvarianceCheck(result, None, model, smallest, cutoffs.min_n_cfa)


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
    estimator : {"ML", "MLR", "WLSMV"} or None
        The CFA estimator used (None when no CFA was fitted).
    choice : EstimatorChoice or None
        Which estimator and why (:func:`choose_estimator`, :func:`scale_cfa`); ``choice.explain(lang)``.
    ordinal_reliability : DataFrame or None
        Ordinal alpha and omega of each dimension (:func:`kitlib.psychometrics.ordinal.ordinal_reliability`),
        when the CFA is ordinal (WLSMV).
    fit_values : Series or None
        The fit statistics the cut-offs judged (:func:`fit_values`: scaled for WLSMV, robust for MLR).
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
    estimator: str | None = None
    choice: EstimatorChoice | None = None
    ordinal_reliability: pd.DataFrame | None = None
    fit_values: pd.Series | None = None

    def __repr__(self) -> str:
        if self.verdict == "not_checked":
            return (f"ScaleCheck(not_checked: {self.n_cfa} respondents with any answer, {self.n_complete} complete "
                    f"< {self.cutoffs.min_n_cfa})")
        shown = self.fit_values if self.fit_values is not None else fit_values(self.fit)
        return (f"ScaleCheck({self.verdict}: alpha {self.reliability['alpha'].min():.2f}–{self.reliability['alpha'].max():.2f} "
                f"(n {self.reliability['n'].min()}–{self.reliability['n'].max()}), "
                f"CFI {shown['cfi']:.3f}, RMSEA {shown['rmsea']:.3f} ({self.estimator}, n={self.n_cfa}, {self.cfa_missing}), "
                f"weak items: {', '.join(self.weak_items) or 'none'})")


def check_scales(df: pd.DataFrame, model, cutoffs: ScaleCutoffs | None = None, confidence: float = 0.95,
                 estimator="ML") -> ScaleCheck:
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
    estimator : {"ML", "MLR", "WLSMV", "auto"} or EstimatorChoice, default "ML"
        The CFA estimator.  Chapters and reports pass :func:`choose_estimator` of the codebook
        (WLSMV for scales of at most 5 answer points); ``"auto"`` applies the same rule to the
        answers observed in ``df``.

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

    Ordinal scales (WLSMV): the CFA uses complete answer sets (an automatic WLSMV choice falls back
    to ML with FIML where ML would use FIML, :func:`scale_cfa`), the fit cut-offs apply to the scaled
    indices (:func:`fit_values`), and ``ordinal_reliability`` adds ordinal alpha and omega; the verdict
    still uses Cronbach's alpha, which is what the reported sum scores have.

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
    choice = _as_choice(estimator, df, items)
    n_answered, n_complete, _ = listwise_loss(df, items)
    if n_answered < cutoffs.min_n_cfa:
        return ScaleCheck("not_checked", n_complete, cutoffs, n_cfa=n_answered, choice=choice)
    if choice.estimator != "ML" and choice.requested != "auto" and n_complete < cutoffs.min_n_cfa:
        return ScaleCheck("not_checked", n_complete, cutoffs, n_cfa=n_complete, choice=choice)  # no FIML for MLR/WLSMV
    alphas = reliability(df, model, ci=confidence)
    flags = item_flags(df, model, cutoffs)
    fitted, choice = scale_cfa(df, model, choice, cutoffs)
    fit = fitted.fit
    judged = fit_values(fit)
    passed = fit_checks(fit, cutoffs)
    ordinal = ordinal_reliability(df, model) if choice.ordinal else None
    low_alpha = list(alphas.index[alphas["alpha"] < cutoffs.alpha])
    failed = list(passed.index[~passed])
    weak = list(flags[flags["weak"]].sort_values("r_drop").index)
    verdict = "use_with_care" if low_alpha or failed else "weak_item" if weak else "trust"
    return ScaleCheck(verdict, n_complete, cutoffs, alphas, flags, fit, passed, low_alpha, failed, weak,
                      str(flags["r_drop"].idxmin()), int(fit["n"]), fitted.missing, fitted.n_dropped,
                      choice.estimator, choice, ordinal, judged)
