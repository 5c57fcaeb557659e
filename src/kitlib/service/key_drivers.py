"""Key-driver analysis (``kl.drivers``): how much of overall satisfaction (or NPS) each service dimension explains.

Two decompositions of a regression's R² into shares that add up to R², both
computed from the correlation matrix of the complete cases:

* ``"shapley"`` — exact Shapley value / LMG (Lindeman, Merenda & Gold 1980;
  Grömping 2006), averaging each predictor's R² increment over all 2^p
  subsets of the other predictors (p ≤ 15);
* ``"relative_weights"`` — Johnson's (2000) relative weights, a fast
  approximation through the orthogonal counterparts of the predictors.

Percentile bootstrap intervals (rows resampled, seeded) show how sure the
ranking is.  :func:`driver_importance` and :func:`uncertain_quadrants` turn
the drivers into *derived importance* for an importance–performance grid.

How the report uses the drivers in IPA
--------------------------------------
1. ``imp = driver_importance(survey)`` — one row per SERVQUAL dimension
   (``unit``) with ``importance`` (the Shapley share of R²), ``ci_low``,
   ``ci_high``.
2. ``grid = uncertain_quadrants(kl.ipa(survey), imp)`` — keeps the IPA
   performance axis and crosshair, replaces the importance axis by the driver
   importance (crosshair: their mean, Bacon 2003) and flags ``uncertain``
   units whose importance interval contains the crosshair.
3. Plot ``driver_importance`` (x, with ``driver_ci_low``/``driver_ci_high``
   as horizontal error bars) against ``performance`` (y); write the quadrant of
   an ``uncertain`` unit as "``driver_quadrant`` or ``alternative_quadrant``"
   (e.g. "concentrate here or low priority") instead of a single verdict, and
   do not rank improvement priorities among uncertain units.

Example
-------
>>> import kitlib as kl
>>> result = kl.drivers(kl.load_case("it_firm"), "overall", n_boot=0)
>>> round(float(result.table["share"].sum()), 6)
1.0

References
----------
Lindeman, R. H., Merenda, P. F., & Gold, R. Z. (1980). *Introduction to Bivariate and
Multivariate Analysis*. Scott, Foresman (pp. 119–127).
Grömping, U. (2006). Relative importance for linear regression in R: the package
relaimpo. *Journal of Statistical Software*, 17(1), 1–27.
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. *Multivariate Behavioral Research*, 35(1), 1–19.
Tonidandel, S., & LeBreton, J. M. (2011). Relative importance analysis: a useful supplement
to regression analysis. *Journal of Business and Psychology*, 26(1), 1–9.
Bacon, D. R. (2003). A comparison of approaches to importance-performance analysis.
*International Journal of Market Research*, 45(1), 55–71.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import factorial

import numpy as np
import pandas as pd

from kitlib._checks import MAX_CONDITION_NUMBER, check_confidence
from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.service import _shared as svc
from kitlib.service.indices import IPAResult, quadrant

__all__ = ["DriverResult", "drivers", "driver_importance", "uncertain_quadrants", "MAX_SHAPLEY_PREDICTORS", "METHODS"]

METHODS = ("shapley", "relative_weights")
#: Exact Shapley/LMG fits all 2^p subsets; above 15 predictors use ``method="relative_weights"``.
MAX_SHAPLEY_PREDICTORS = 15
_CHUNK_ELEMENTS = 4_000_000  # floats per batched solve / bootstrap chunk (about 32 MB)


@dataclass(frozen=True)
class DriverResult:
    """Key-driver analysis: each predictor's share of R², with bootstrap intervals.

    Attributes
    ----------
    table : DataFrame
        Indexed by predictor: ``raw`` (contribution to R²), ``share``
        (raw / R²), ``ci_low``, ``ci_high`` (percentile bootstrap of ``raw``;
        NaN when ``n_boot=0``) and ``rank`` (1 = strongest driver).
    r2 : float
        R² of the regression of the outcome on all predictors.
    n : int
        Complete cases used (listwise).
    method : str
        ``"shapley"`` or ``"relative_weights"``.
    outcome : str
    confidence : float
    n_boot : int
        Bootstrap resamples that produced a value (failed resamples are dropped).
    seed : int or None
    r2_ci_low, r2_ci_high : float
        Percentile bootstrap interval of R².
    """

    table: pd.DataFrame
    r2: float
    n: int
    method: str
    outcome: str
    confidence: float = 0.95
    n_boot: int = 0
    seed: int | None = 0
    r2_ci_low: float = float("nan")
    r2_ci_high: float = float("nan")

    def __repr__(self) -> str:
        name = {"shapley": "Shapley/LMG", "relative_weights": "relative weights"}[self.method]
        shown = self.table.copy()
        shown[["raw", "share", "ci_low", "ci_high"]] = shown[["raw", "share", "ci_low", "ci_high"]].round(4)
        interval = (f"; {self.confidence:.0%} bootstrap CI ({self.n_boot} resamples)" if self.n_boot
                    else "; no bootstrap")
        return (f"DriverResult({name} of {self.outcome}: R² = {self.r2:.4f}, n = {self.n}{interval})\n"
                f"{shown.to_string()}")


# --------------------------------------------------------------------------- inputs


def _outcome_column(data: pd.DataFrame, survey: Survey | None, outcome) -> str:
    if isinstance(outcome, str) and outcome in data.columns:
        return outcome
    if survey is not None and isinstance(outcome, str):
        kinds = {column.kind for column in survey.codebook.columns.values()}
        if outcome in kinds:
            return svc.single_column(survey, outcome)
    raise AnalysisInputError(f"drivers(): outcome {outcome!r} is not a column of the data")


def _predictor_frame(data: pd.DataFrame, survey: Survey | None, predictors) -> pd.DataFrame:
    if predictors is None:
        if survey is None:
            raise AnalysisInputError("drivers() needs predictors: a list of columns or a {dimension: [items]} mapping")
        predictors = svc.servqual_model(survey, "P")
    if isinstance(predictors, str):
        predictors = [predictors]
    if isinstance(predictors, Mapping):
        columns = {}
        for name, items in predictors.items():
            items = [items] if isinstance(items, str) else list(items)
            unknown = [c for c in items if c not in data.columns]
            if unknown or not items:
                raise AnalysisInputError(f"drivers(): predictor {name!r} needs columns of the data; unknown: {unknown or 'none given'}")
            columns[name] = _numeric(data[items], f"predictor {name!r}").mean(axis=1)  # mean of the answered items
        frame = pd.DataFrame(columns, index=data.index)
    else:
        names = list(predictors)
        unknown = [c for c in names if c not in data.columns]
        if unknown:
            raise AnalysisInputError(f"drivers(): predictor column(s) not in the data: {', '.join(map(str, unknown))}")
        if len(set(names)) != len(names):
            raise AnalysisInputError("drivers(): a predictor is listed twice")
        frame = _numeric(data[names], "predictors")
    if frame.shape[1] == 0:
        raise AnalysisInputError("drivers() needs at least one predictor")
    return frame


def _numeric(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])]
    if bad:
        raise AnalysisInputError(f"drivers(): {what} column(s) {', '.join(map(str, bad))} are not numeric")
    return frame.astype(float)


def _prepare(data, outcome, predictors) -> tuple[np.ndarray, list[str], str]:
    """Complete cases as an (n, p + 1) array, predictors first and the outcome last."""
    survey = data if isinstance(data, Survey) else None
    if survey is not None:
        data = survey.data
    if not isinstance(data, pd.DataFrame):
        raise AnalysisInputError(f"drivers() needs a DataFrame or a kl.Survey, not {type(data).__name__}")
    outcome = _outcome_column(data, survey, outcome)
    frame = _predictor_frame(data, survey, predictors)
    if outcome in frame.columns:
        raise AnalysisInputError(f"drivers(): the outcome {outcome!r} is also a predictor")
    names = [str(c) for c in frame.columns]
    values = np.column_stack([frame.to_numpy(dtype=float), _numeric(data[[outcome]], "outcome").to_numpy()[:, 0]])
    values = values[np.isfinite(values).all(axis=1)]
    p = len(names)
    if len(values) < p + 2:
        raise AnalysisInputError(f"drivers() needs at least {p + 2} respondents answering the outcome and all predictors, got {len(values)}")
    constant = [name for name, sd in zip([*names, outcome], values.std(axis=0)) if sd == 0]
    if constant:
        raise AnalysisInputError(f"drivers(): {', '.join(constant)} take(s) one value for every complete case; remove it")
    return values, names, outcome


# --------------------------------------------------------------------------- decompositions


def _subset_bits(p: int) -> tuple[np.ndarray, np.ndarray]:
    masks = np.arange(1 << p)
    bits = ((masks[:, None] >> np.arange(p)) & 1).astype(bool)
    return bits, bits.sum(axis=1)


def _solve_quadratic(matrices: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """``v' M⁻¹ v`` for stacks of symmetric matrices (pseudo-inverse where a matrix is singular)."""
    try:
        solution = np.linalg.solve(matrices, vectors[..., None])[..., 0]
    except np.linalg.LinAlgError:
        solution = (np.linalg.pinv(matrices, hermitian=True) @ vectors[..., None])[..., 0]
    return (solution * vectors).sum(axis=-1)


def _all_subset_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R² of every subset of predictors (bit j of the column index = predictor j), shape (B, 2^p)."""
    batch, p = rxy.shape
    bits, sizes = _subset_bits(p)
    r2 = np.zeros((batch, 1 << p))
    for k in range(1, p + 1):
        masks = np.flatnonzero(sizes == k)
        index = np.nonzero(bits[masks])[1].reshape(len(masks), k)
        step = max(1, _CHUNK_ELEMENTS // (len(masks) * k * k))
        for start in range(0, batch, step):
            part = slice(start, start + step)
            sub_r = rxx[part][:, index[:, :, None], index[:, None, :]]
            sub_c = rxy[part][:, index]
            r2[part, masks] = _solve_quadratic(sub_r, sub_c)
    return r2


def _shapley(rxx: np.ndarray, rxy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact Shapley/LMG contributions (B, p) and R² (B,) from correlation matrices."""
    p = rxy.shape[1]
    r2 = _all_subset_r2(rxx, rxy)
    masks = np.arange(1 << p)
    _, sizes = _subset_bits(p)
    weights = np.array([factorial(s) * factorial(p - s - 1) / factorial(p) for s in range(p)])
    contributions = np.empty_like(rxy)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        contributions[:, j] = (r2[:, without | (1 << j)] - r2[:, without]) @ weights[sizes[without]]
    return contributions, r2[:, -1]


def _relative_weights(rxx: np.ndarray, rxy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Johnson's (2000) raw relative weights (B, p) and R² (B,) from correlation matrices."""
    eigenvalues, eigenvectors = np.linalg.eigh(rxx)
    root = np.sqrt(np.clip(eigenvalues, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse_root = np.where(root > 0, 1.0 / root, 0.0)
    lam = (eigenvectors * root[:, None, :]) @ np.swapaxes(eigenvectors, 1, 2)  # R_xx^(1/2) = Λ
    lam_inverse = (eigenvectors * inverse_root[:, None, :]) @ np.swapaxes(eigenvectors, 1, 2)
    beta = (lam_inverse @ rxy[..., None])[..., 0]  # regression of y on the orthogonal Z
    raw = (lam**2) @ (beta**2)[..., None]
    return raw[..., 0], (beta**2).sum(axis=1)


_DECOMPOSE = {"shapley": _shapley, "relative_weights": _relative_weights}


def _split(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return corr[:, :-1, :-1], corr[:, :-1, -1]


def _bootstrap(values: np.ndarray, method: str, n_boot: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Contributions (n_boot, p) and R² (n_boot,) of row resamples, via weighted moments.

    A resample is a vector of counts w (how often each row was drawn); its
    moments are ``w @ z / n`` and ``w @ (z ⊗ z) / n``, one matrix product for a
    whole chunk of resamples.
    """
    n, q = values.shape
    z = (values - values.mean(axis=0)) / values.std(axis=0)
    outer = (z[:, :, None] * z[:, None, :]).reshape(n, q * q)
    step = max(1, _CHUNK_ELEMENTS // max(n, q * q))
    contributions, r2 = [], []
    for start in range(0, n_boot, step):
        size = min(step, n_boot - start)
        draws = rng.integers(0, n, size=(size, n))
        counts = np.bincount((draws + n * np.arange(size)[:, None]).ravel(), minlength=size * n).reshape(size, n)
        counts = counts.astype(float)
        first = counts @ z / n
        cov = (counts @ outer).reshape(size, q, q) / n - first[:, :, None] * first[:, None, :]
        sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = cov / (sd[:, :, None] * sd[:, None, :])
        ok = np.isfinite(corr).all(axis=(1, 2)) & (sd > 0).all(axis=1)
        ok[ok] = np.linalg.cond(corr[ok, :-1, :-1]) < MAX_CONDITION_NUMBER
        part_c = np.full((size, q - 1), np.nan)
        part_r = np.full(size, np.nan)
        if ok.any():
            part_c[ok], part_r[ok] = _DECOMPOSE[method](*_split(corr[ok]))
        contributions.append(part_c)
        r2.append(part_r)
    return np.concatenate(contributions), np.concatenate(r2)


# --------------------------------------------------------------------------- public API


def drivers(data, outcome="overall", predictors=None, method: str = "shapley", n_boot: int = 1000,
            confidence: float = 0.95, seed: int | None = 0) -> DriverResult:
    """Key-driver analysis: split the R² of outcome ~ predictors into one contribution per predictor.

    Parameters
    ----------
    data : DataFrame or Survey
    outcome : str, default "overall"
        Column id.  With a Survey it may also be a column kind with a single
        column, such as ``"overall"`` or ``"nps"``.
    predictors : list of str or dict of {name: list of str}, optional
        Columns, or a mapping whose every predictor is the per-respondent mean
        of its answered items (a dimension score, as ``rowMeans(na.rm = TRUE)``).
        Default with a Survey: the SERVQUAL perception dimensions.
    method : {"shapley", "relative_weights"}, default "shapley"
    n_boot : int, default 1000
        Bootstrap resamples for the intervals; 0 skips them.
    confidence : float, default 0.95
    seed : int or None, default 0
        Seed of the resampling (``numpy.random.default_rng``); same seed, same intervals.

    Returns
    -------
    DriverResult
        ``table`` indexed by predictor with ``raw, share, ci_low, ci_high,
        rank``; ``r2``, ``n`` (complete cases), ``method``.

    Raises
    ------
    OptionError
        Unknown method, bad ``n_boot`` or ``confidence``, or more than 15
        predictors with ``method="shapley"``.
    AnalysisInputError
        Unknown or non-numeric columns, too few complete cases, a constant
        column or collinear predictors.

    Notes
    -----
    Respondents answering the outcome and every predictor are used (listwise,
    n of them).  With R the correlation matrix of the predictors, r the
    correlations of the predictors with the outcome, the R² of a subset S of
    predictors is

        R²(S) = r_S' R_SS⁻¹ r_S          (one solve per subset)

    **Shapley / LMG** (Lindeman et al. 1980; Grömping 2006) averages the
    increase of R² when predictor j joins, over all orders of entry:

        raw_j = Σ_{S ⊆ P∖{j}} |S|! (p − |S| − 1)! / p! · (R²(S ∪ {j}) − R²(S))

    over all 2^p subsets (p ≤ 15).  **Relative weights** (Johnson 2000;
    Tonidandel & LeBreton 2011): with R = Q diag(λ) Q', Λ = Q diag(√λ) Q'
    (the correlations of the predictors with their closest orthogonal
    counterparts Z), β = Λ⁻¹ r (regression of the outcome on Z),

        raw_j = Σ_k Λ_jk² β_k².

    Both sum to R²; ``share = raw / R²``; ``rank`` 1 is the largest ``raw``.
    The intervals are percentiles (linear interpolation, as R's ``quantile``
    type 7) of ``raw`` over ``n_boot`` resamples of the n rows with
    replacement; each resample's correlation matrix comes from the resampling
    counts (one matrix product per batch of resamples) and is decomposed the
    same way.  Resamples with a singular correlation matrix are dropped.

    Example
    -------
    >>> import kitlib as kl
    >>> result = kl.drivers(kl.load_case("it_firm"), "overall", n_boot=200)
    >>> list(result.table.columns)
    ['raw', 'share', 'ci_low', 'ci_high', 'rank']

    References
    ----------
    Lindeman, R. H., Merenda, P. F., & Gold, R. Z. (1980). *Introduction to Bivariate and Multivariate Analysis*, 119–127.
    Grömping, U. (2006). *Journal of Statistical Software*, 17(1), 1–27.
    Johnson, J. W. (2000). *Multivariate Behavioral Research*, 35(1), 1–19.
    Tonidandel, S., & LeBreton, J. M. (2011). *Journal of Business and Psychology*, 26(1), 1–9.
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 13 (percentile intervals).
    """
    if method not in METHODS:
        raise OptionError(f"method must be one of {', '.join(map(repr, METHODS))}, not {method!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise OptionError(f"n_boot must be a whole number >= 0, not {n_boot!r}")
    check_confidence(confidence)
    values, names, outcome = _prepare(data, outcome, predictors)
    p = len(names)
    if method == "shapley" and p > MAX_SHAPLEY_PREDICTORS:
        raise OptionError(
            f"method='shapley' fits all 2^p subsets and supports at most {MAX_SHAPLEY_PREDICTORS} predictors, got {p}; "
            "use method='relative_weights' or group the items into dimensions ({dimension: [items]})"
        )
    corr = np.corrcoef(values, rowvar=False)
    if np.linalg.cond(corr[:-1, :-1]) > MAX_CONDITION_NUMBER:
        raise AnalysisInputError(f"drivers(): the predictors {', '.join(names)} are collinear (one is a combination of others)")
    raw, r2 = _DECOMPOSE[method](*_split(corr[None]))
    raw, r2 = raw[0], float(r2[0])
    ci_low = ci_high = np.full(p, np.nan)
    r2_ci = (float("nan"), float("nan"))
    used = 0
    if n_boot:
        boot_raw, boot_r2 = _bootstrap(values, method, int(n_boot), np.random.default_rng(seed))
        kept = np.isfinite(boot_r2)
        used = int(kept.sum())
        if used:
            tails = [50 * (1 - confidence), 50 * (1 + confidence)]
            ci_low, ci_high = np.percentile(boot_raw[kept], tails, axis=0)
            r2_ci = tuple(float(v) for v in np.percentile(boot_r2[kept], tails))
    table = pd.DataFrame({"raw": raw, "share": raw / r2 if r2 > 0 else np.nan, "ci_low": ci_low, "ci_high": ci_high},
                         index=pd.Index(names, name="predictor"))
    table["rank"] = table["raw"].rank(ascending=False, method="min").astype(int)
    return DriverResult(table, r2, len(values), method, outcome, confidence, used, seed, *r2_ci)


def driver_importance(survey, outcome: str = "overall", method: str = "shapley", level: str = "dimension",
                      n_boot: int = 1000, confidence: float = 0.95, seed: int | None = 0,
                      min_group_size: int = 5) -> pd.DataFrame:
    """Derived importance of each IPA unit (SERVQUAL dimension or P item) from key-driver analysis.

    Parameters
    ----------
    survey : Survey
    outcome : str, default "overall"
        Column id or kind (``"overall"``, ``"nps"``).
    method : {"shapley", "relative_weights"}
        Item level (22 items) needs ``"relative_weights"``.
    level : {"dimension", "item"}
        Same units as :func:`kitlib.ipa`.
    n_boot, confidence, seed
        As in :func:`drivers`.
    min_group_size : int, default 5
        With fewer distinct respondents (not rows) the values are blanked
        (NaN), as in :func:`kitlib.ipa`.

    Returns
    -------
    DataFrame
        Indexed by ``unit``: ``importance`` (raw contribution to R²),
        ``ci_low``, ``ci_high``, ``share``, ``rank``, ``n`` (complete rows);
        ``attrs`` holds ``r2``, ``method``, ``outcome`` and ``unit``
        (:data:`kitlib.service._shared.UNITS`).

    Notes
    -----
    ``importance`` is the predictor's contribution to R² (see :func:`drivers`).
    Unlike the correlation of :func:`kitlib.ipa` (``importance="derived"``),
    contributions of correlated dimensions do not double-count the variance
    they share, and they come with a bootstrap interval.  Join the result to
    an IPA table on ``unit`` or pass both to :func:`uncertain_quadrants`.

    The regression and the bootstrap use rows.  Where a respondent rates
    several providers (``attrs["unit"] == "rating"``) one person's rows are
    resampled as if independent, so the intervals are too narrow; filter the
    survey to one provider (one row per respondent) for intervals over people.

    Example
    -------
    >>> import kitlib as kl
    >>> imp = kl.driver_importance(kl.load_case("it_firm"), n_boot=100)
    >>> imp.index.tolist()[:2]
    ['tangibles', 'reliability']

    References
    ----------
    Grömping, U. (2006). *Journal of Statistical Software*, 17(1), 1–27.
    Martilla, J. A., & James, J. C. (1977). *Journal of Marketing*, 41(1), 77–79.
    """
    survey = svc.require_survey(survey, "driver_importance")
    min_group_size = svc.check_min_group_size(min_group_size)
    if level not in ("dimension", "item"):
        raise OptionError(f"level must be 'dimension' or 'item', not {level!r}")
    if level == "dimension":
        predictors = svc.servqual_model(survey, "P")
    else:
        predictors = [p for _, _, p in survey.codebook.servqual_pairs()] or survey.codebook.items("servqual_P")
    units = list(predictors)
    columns = ["importance", "ci_low", "ci_high", "share", "rank", "n"]
    unit = svc.unit_of(svc.person_ids(survey), counted=True)
    if int(svc.group_sizes(survey.data, [], svc.respondent_column(survey)).at[0, "n"]) < min_group_size:
        table = pd.DataFrame(np.nan, index=pd.Index(units, name="unit"), columns=columns)
        table.attrs.update(r2=float("nan"), method=method, outcome=outcome, suppressed=True, unit=unit)
        return table
    result = drivers(survey, outcome, predictors, method=method, n_boot=n_boot, confidence=confidence, seed=seed)
    table = result.table.rename(columns={"raw": "importance"})
    table.index.name = "unit"
    table["n"] = result.n
    table = table[columns]
    table.attrs.update(r2=result.r2, method=method, outcome=result.outcome, suppressed=False, unit=unit)
    return table


def uncertain_quadrants(ipa_table, driver_table) -> pd.DataFrame:
    """IPA quadrants on driver importance, flagging units whose importance interval straddles the crosshair.

    Parameters
    ----------
    ipa_table : IPAResult or DataFrame
        :func:`kitlib.ipa` result (or its ``table``: columns ``unit`` and ``performance``).
    driver_table : DataFrame or DriverResult
        :func:`driver_importance` (index ``unit``; ``importance, ci_low,
        ci_high``) or a :class:`DriverResult` whose predictors are the units.

    Returns
    -------
    DataFrame
        The IPA table plus ``driver_importance``, ``driver_ci_low``,
        ``driver_ci_high``, ``importance_cut`` (driver crosshair),
        ``performance_cut``, ``driver_quadrant``, ``uncertain`` (bool) and
        ``alternative_quadrant`` (the quadrant across the importance
        crosshair for uncertain units, else None).

    Raises
    ------
    AnalysisInputError
        A unit of the IPA table has no driver importance.

    Notes
    -----
    The importance crosshair is the mean driver importance of the plotted
    units (data-centred, Bacon 2003), the performance crosshair that of the
    IPA result (mean performance).  A unit is **uncertain** when

        ci_low ≤ importance_cut ≤ ci_high,

    i.e. the data do not say on which side of the crosshair its importance
    lies; its quadrant is then "``driver_quadrant`` or
    ``alternative_quadrant``".  The crosshair itself is treated as fixed.

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("it_firm")
    >>> grid = uncertain_quadrants(kl.ipa(survey), driver_importance(survey, n_boot=200))
    >>> grid["uncertain"].dtype
    dtype('bool')

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). *Journal of Marketing*, 41(1), 77–79.
    Bacon, D. R. (2003). *International Journal of Market Research*, 45(1), 55–71.
    """
    performance_cut = None
    if isinstance(ipa_table, IPAResult):
        performance_cut = ipa_table.performance_cut
        ipa_table = ipa_table.table
    if not isinstance(ipa_table, pd.DataFrame) or not {"unit", "performance"} <= set(ipa_table.columns):
        raise AnalysisInputError("uncertain_quadrants() needs a kl.ipa() result or its table (columns unit, performance)")
    if isinstance(driver_table, DriverResult):
        driver_table = driver_table.table.rename(columns={"raw": "importance"})
    if not isinstance(driver_table, pd.DataFrame) or not {"importance", "ci_low", "ci_high"} <= set(driver_table.columns):
        raise AnalysisInputError("uncertain_quadrants() needs driver_importance() output (importance, ci_low, ci_high by unit)")
    missing = [u for u in ipa_table["unit"] if u not in driver_table.index]
    if missing:
        raise AnalysisInputError(f"uncertain_quadrants(): no driver importance for unit(s) {', '.join(map(str, missing))}")
    out = ipa_table.copy()
    drivers_by_unit = driver_table.loc[out["unit"]]
    out["driver_importance"] = drivers_by_unit["importance"].to_numpy(dtype=float)
    out["driver_ci_low"] = drivers_by_unit["ci_low"].to_numpy(dtype=float)
    out["driver_ci_high"] = drivers_by_unit["ci_high"].to_numpy(dtype=float)
    performance = out["performance"].to_numpy(dtype=float)
    if performance_cut is None:
        performance_cut = float(np.nanmean(performance)) if np.isfinite(performance).any() else float("nan")
    importance = out["driver_importance"].to_numpy()
    cut = float(np.mean(importance))
    out["importance_cut"] = cut
    out["performance_cut"] = performance_cut
    valid = np.isfinite(importance) & np.isfinite(performance)
    quadrants = np.where(valid, quadrant(importance, performance, cut, performance_cut), None)
    low, high = out["driver_ci_low"].to_numpy(), out["driver_ci_high"].to_numpy()
    uncertain = valid & (low <= cut) & (cut <= high)  # NaN bounds compare False
    flipped = np.where(importance >= cut, np.nextafter(cut, -np.inf), cut)
    alternative = quadrant(flipped, performance, cut, performance_cut)
    out["driver_quadrant"] = pd.Series([None if q is None else str(q) for q in quadrants], index=out.index, dtype=object)
    out["uncertain"] = uncertain
    out["alternative_quadrant"] = pd.Series([q if flag else None for q, flag in zip(alternative, uncertain)],
                                            index=out.index, dtype=object)
    return out
