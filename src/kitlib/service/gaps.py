"""Gap scores of the service-quality gaps model: SERVQUAL gaps (perception − expectation, gap 5) and the
provider's self-view gap (how a provider rates itself versus how its internal customers rate it).

SERVQUAL gap scores (perception − expectation) with paired t-tests.

Gap-model view: how a provider rates itself versus how its internal customers rate it.

Example
-------
>>> import kitlib as kl
>>> result = kl.servqual_gaps(kl.load_case("it_firm"))
>>> result.dimensions[["dimension", "gap", "p", "d_z"]]  # doctest: +SKIP
>>> import kitlib as kl
>>> kl.self_view_gap(kl.load_case("it_firm"))  # doctest: +SKIP

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: A multiple-item
scale for measuring consumer perceptions of service quality. *Journal of Retailing*,
64(1), 12–40.
Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*. Free Press.
Lakens, D. (2013). Calculating and reporting effect sizes. *Frontiers in Psychology*, 4, 863.
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1985). A conceptual model of service
quality and its implications for future research. *Journal of Marketing*, 49(4), 41–50.
Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kitlib._checks import check_confidence
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.privacy import suppress_small_groups
from kitlib.service import _shared as svc
from kitlib.stats import paired_test, welch_test

__all__ = ["gap_row", "GapResult", "self_view_gap", "servqual_gaps"]

GAP_STATS = ["E", "P", "gap", "sd_gap", "se", "t", "dof", "p", "ci_low", "ci_high", "d_z"]
HIDDEN_COLUMNS = ["n", "n_rows"] + GAP_STATS


def gap_row(test) -> dict:
    """A :class:`~kitlib.stats.PairedTest` of P − E as a gap-table row (``n`` then :data:`GAP_STATS`)."""
    names = {"mean_x": "P", "mean_y": "E", "diff": "gap", "sd_diff": "sd_gap"}
    values = {names.get(key, key): value for key, value in test.to_dict().items()}
    return {"n": values["n"], **{column: values[column] for column in GAP_STATS}}


@dataclass(frozen=True)
class GapResult:
    """Gap tables of :func:`servqual_gaps`.

    Attributes
    ----------
    items : DataFrame
        One row per item (and group): ``dimension, item, E_item, P_item,
        label_zh, label_en, reverse, n, E, P, gap, sd_gap, se, t, dof, p,
        ci_low, ci_high, d_z`` (``n`` = distinct respondents with both
        answers; ``n_rows`` after it when a respondent can have several rows;
        d_z = mean gap / SD of the gaps, signed;
        ``reverse``: the item is negatively worded and was recoded, codebook
        ``reverse: true``).  Grouped results start with the ``by`` columns,
        each followed by its codebook value labels ``<by>_label_zh`` and
        ``<by>_label_en``.
    dimensions : DataFrame
        Same statistics for the per-respondent dimension scores.
    overall : DataFrame
        ``score`` = ``"unweighted"`` (mean of the dimension gaps) and, when
        weights are available, ``"weighted"``.
    weights : str or None
        ``"respondent"``, ``"mean"``, ``"fixed"`` or ``None`` (no weighted score).
    by : list of str
    confidence : float
    min_group_size : int
    unit : str
        What ``n`` and the tests count (:data:`kitlib.service._shared.UNITS`):
        ``"respondent"`` (one row each) or ``"respondent_mean"`` (a
        respondent's several rows in a group are averaged first; ``n_rows``
        then gives the rows).
    """

    items: pd.DataFrame
    dimensions: pd.DataFrame
    overall: pd.DataFrame
    weights: str | None
    by: list = field(default_factory=list)
    confidence: float = 0.95
    min_group_size: int = svc.MIN_GROUP_SIZE
    unit: str = "respondent"

    def __repr__(self) -> str:
        shown = self.dimensions[self.by + ["dimension", "n", "gap", "ci_low", "ci_high", "p", "d_z"]].copy()
        numbers = shown.select_dtypes("number").columns
        shown[numbers] = shown[numbers].round(3)
        hidden = int(self.dimensions["suppressed"].sum())
        lines = [
            f"GapResult({len(self.items)} item rows, weights={self.weights!r}"
            + (f", by={self.by}" if self.by else "")
            + (f", {hidden} dimension rows suppressed (n<{self.min_group_size} or complementary)" if hidden else "")
            + ")",
            shown.to_string(index=False),
        ]
        return "\n".join(lines)


def _weights(survey, weights) -> tuple[pd.DataFrame | None, str | None]:
    """Per-respondent dimension weights summing to 1 (rows), and how they were obtained."""
    dimensions = list(svc.servqual_model(survey, "P"))
    columns = svc.allocation_columns(survey)
    if isinstance(weights, dict):
        values = svc.fixed_weights(weights, dimensions)
        return pd.DataFrame([values] * len(survey.data), index=survey.data.index), "fixed"
    if weights is None and not columns:
        return None, None
    if weights not in (None, "respondent", "mean"):
        raise OptionError(f"weights must be None, 'respondent', 'mean' or a dict of dimension weights, not {weights!r}")
    missing = [d for d in dimensions if d not in columns]
    if missing:
        raise AnalysisInputError(
            f"weights={weights!r} needs the 100-point allocation columns (kind importance with a dimension) for: {', '.join(missing)}"
        )
    per_respondent = svc.allocation_shares(survey, dimensions)
    if weights == "mean":
        mean = per_respondent.mean()
        return pd.DataFrame([mean] * len(survey.data), index=survey.data.index), "mean"
    return per_respondent, "respondent"


def _test_rows(perception: pd.DataFrame, expectation: pd.DataFrame, groups: list[tuple[tuple, pd.Index]], keys: list[str],
               confidence: float, ids: pd.Series | None = None) -> pd.DataFrame:
    """Paired tests of every column, per group of :func:`~kitlib.service._shared.group_indices` (``keys``), on respondents.

    ``ids``: average a respondent's rows first (:func:`~kitlib.service._shared.person_means`).
    """
    p_all = perception.to_numpy(dtype=float, na_value=np.nan)
    e_all = expectation.to_numpy(dtype=float, na_value=np.nan)
    rows = []
    for name, index in groups:
        at = perception.index.get_indexer(index)
        p, e = p_all[at], e_all[at]
        unpaired = np.isnan(p) | np.isnan(e)
        p[unpaired], e[unpaired] = np.nan, np.nan
        if ids is not None:
            p = svc.person_means(pd.DataFrame(p, index=index), ids).to_numpy()
            e = svc.person_means(pd.DataFrame(e, index=index), ids).to_numpy()
        answered = (~unpaired).sum(axis=0)
        for position, column in enumerate(perception.columns):
            test = gap_row(paired_test(p[:, position], e[:, position], confidence))
            rows_used = {} if ids is None else {"n_rows": int(answered[position])}
            rows.append({**dict(zip(keys, name)), "key": column, "n": test.pop("n"), **rows_used, **test})
    return pd.DataFrame(rows)


def servqual_gaps(survey, by=None, weights=None, min_group_size: int = 5, confidence: float = 0.95) -> GapResult:
    """SERVQUAL gaps (P − E) per item, dimension and overall, with paired t-tests.

    Parameters
    ----------
    survey : Survey
        With matched E/P items (codebook kinds ``servqual_E``/``servqual_P``
        sharing an ``item`` number).
    by : str or list of str, optional
        Group columns (e.g. ``"provider"``, ``"department"``, ``"wave"``);
        each group is tested separately.  Groups below ``min_group_size``
        distinct respondents (not rows) — and siblings that would reveal them — are blanked
        (``group_n`` / ``suppressed`` / ``suppression`` columns; without
        ``by`` the whole survey is checked, e.g. one small department
        selected with ``survey.filter``).
    weights : None, "respondent", "mean" or dict
        Weighted overall score.  ``"respondent"``: each respondent's own
        100-point allocation ``W_<dimension>`` (normalized to sum 1);
        ``"mean"``: the sample-mean allocation for everyone; dict: fixed
        weights per dimension.  ``None`` (default) means ``"respondent"`` when
        the codebook has allocation columns and no weighted score otherwise.
    min_group_size : int, default 5
    confidence : float, default 0.95

    Returns
    -------
    GapResult
        ``.items``, ``.dimensions`` and ``.overall`` tidy tables; with ``by``
        each group column is followed by ``<by>_label_zh``/``<by>_label_en``
        (codebook value labels, for charts and reports).  The effect size
        is ``d_z`` = mean(P − E) / SD(P − E) (signed), not pingouin's
        ``cohen_d``.

    Raises
    ------
    AnalysisInputError
        Not a Survey, no E/P pairs, unknown group column, bad weights.

    Notes
    -----
    For every item and dimension the gap is P − E per respondent; a negative gap
    means the internal provider falls short of what its internal customers
    expect.  The overall SERVQUAL score is the mean of the five dimension gaps
    (unweighted) and, with the 100-point importance allocation, the weighted
    sum ``Σ_d w_d · gap_d`` with ``w_d = W_d / Σ W`` (Parasuraman, Zeithaml &
    Berry 1988; Zeithaml, Parasuraman & Berry 1990, appendix).

    The observations are respondents.  Where one respondent has several
    rows in a group (one per rated provider), the respondent's P and E are
    averaged over those rows before the test, so that ``n`` counts people
    and the t-test does not treat one person's correlated ratings as
    independent (``unit = "respondent_mean"``; ``n_rows`` gives the rows).

    Example
    -------
    >>> import kitlib as kl
    >>> gaps = kl.servqual_gaps(kl.load_case("bank"), by="wave")
    >>> gaps.overall["score"].unique().tolist()
    ['unweighted', 'weighted']

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
    Lakens, D. (2013). *Frontiers in Psychology*, 4, 863 (d_z for paired designs).
    """
    survey, min_group_size, keys = svc.check_inputs(survey, "servqual_gaps", min_group_size, by)
    check_confidence(confidence)
    data = survey.data
    pairs = survey.codebook.servqual_pairs()
    if not pairs:
        raise AnalysisInputError("servqual_gaps() needs matched SERVQUAL E and P items (kinds servqual_E/servqual_P with the same 'item')")
    e_items = data[[e for _, e, _ in pairs]].set_axis([p for _, _, p in pairs], axis=1)
    p_items = data[[p for _, _, p in pairs]]
    ids, respondent = svc.person_ids(survey), svc.respondent_column(survey)
    groups = svc.group_indices(data, keys)
    items = _test_rows(p_items, e_items, groups, keys, confidence, ids)
    meta = pd.DataFrame(
        [{"key": p, "dimension": d, "item": survey.codebook.columns[p].item, "E_item": e, "P_item": p,
          "label_zh": survey.codebook.label(p, "zh"), "label_en": survey.codebook.label(p, "en"),
          "reverse": survey.codebook.columns[p].reverse} for d, e, p in pairs]
    )
    items = meta.merge(items, on="key").drop(columns="key")
    items = items[keys + [c for c in items.columns if c not in keys]]

    model = {}
    for dimension, e, p in pairs:
        model.setdefault(dimension, []).append((e, p))
    e_dims = pd.DataFrame({d: data[[e for e, _ in ps]].mean(axis=1) for d, ps in model.items()})
    p_dims = pd.DataFrame({d: data[[p for _, p in ps]].mean(axis=1) for d, ps in model.items()})
    both = e_dims.notna() & p_dims.notna()
    e_dims, p_dims = e_dims.where(both), p_dims.where(both)
    dimensions = _test_rows(p_dims, e_dims, groups, keys, confidence, ids).rename(columns={"key": "dimension"})
    dim_labels = pd.DataFrame([{"dimension": d, "label_zh": survey.codebook.label(d, "zh"), "label_en": survey.codebook.label(d, "en")} for d in model])
    dimensions = dimensions.merge(dim_labels, on="dimension", how="left")

    complete = both.all(axis=1)
    overall_e = pd.DataFrame({"unweighted": e_dims.mean(axis=1).where(complete)})
    overall_p = pd.DataFrame({"unweighted": p_dims.mean(axis=1).where(complete)})
    weight_frame, weight_kind = _weights(survey, weights)
    if weight_frame is not None:
        weight_frame = weight_frame[list(model)]
        overall_e["weighted"] = (e_dims * weight_frame).sum(axis=1, min_count=len(model)).where(complete)
        overall_p["weighted"] = (p_dims * weight_frame).sum(axis=1, min_count=len(model)).where(complete)
    overall = _test_rows(overall_p, overall_e, groups, keys, confidence, ids).rename(columns={"key": "score"})

    items, dimensions, overall = (svc.suppress_groups(table, data, keys, min_group_size, HIDDEN_COLUMNS, respondent, survey)
                                  for table in (items, dimensions, overall))
    items, dimensions, overall = (svc.add_group_labels(table, survey, keys) for table in (items, dimensions, overall))
    return GapResult(items, dimensions, overall, weight_kind, keys, confidence, min_group_size, svc.unit_of(ids))



SELF_VIEW_STATS = ["receivers_P", "self_P", "self_view_gap", "se", "t", "dof", "p", "ci_low", "ci_high"]


def self_view_gap(survey, by: str = "provider", min_group_size: int = 5, confidence: float = 0.95) -> pd.DataFrame:
    """Receivers' perception minus the provider's self-assessment, per provider and dimension.

    Parameters
    ----------
    survey : Survey
        With ``survey.self_assessment`` (staff rows with the ``by`` column and
        the P items; load it with ``kl.load_survey(..., self_assessment=...)``).
    by : str, default "provider"
        Column naming the provider in both tables.
    min_group_size : int, default 5
        A provider is blanked when fewer than this many distinct receivers
        *or* staff answered (staff are respondents too), and complementary suppression
        protects it against differencing with the other providers.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``provider, dimension, label_zh, label_en, n_receivers, n_staff,
        receivers_P, self_P, self_view_gap, se, t, dof, p, ci_low, ci_high,
        suppressed, suppression``; ``attrs["unit"]`` says what the receivers'
        observations are (:data:`kitlib.service._shared.UNITS`).

    Raises
    ------
    AnalysisInputError
        No self-assessment, or it lacks the ``by`` column.

    Notes
    -----
    In the gaps model of service quality (Parasuraman, Zeithaml & Berry 1985) a
    provider that misjudges its customers' experience cannot close gap 5.  When
    provider staff answered the perception items about their own service
    (``survey.self_assessment``), this compares, per provider and dimension,
    the receivers' mean perception with the staff's self-rating:

        self_view_gap = receivers' P − staff's self-rated P

    A negative value means the provider sees itself more favourably than its
    customers do (a blind spot).  Welch's t-test checks the difference; a
    receiver with several rows for the provider (e.g. one per wave) is
    averaged first, so ``n_receivers`` counts distinct respondents.

    Example
    -------
    >>> import kitlib as kl
    >>> table = kl.self_view_gap(kl.load_case("manufacturer"))
    >>> sorted(table.columns[:3])
    ['dimension', 'label_zh', 'provider']

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1985). *Journal of Marketing*, 49(4), 41–50.
    """
    survey = svc.require_survey(survey, "self_view_gap")
    min_group_size = svc.check_min_group_size(min_group_size)
    staff = survey.self_assessment
    if staff is None or len(staff) == 0:
        raise AnalysisInputError(
            "self_view_gap() needs the provider self-assessment (staff rating their own service): "
            "load it with kl.load_survey(..., self_assessment='self_assessment.csv')"
        )
    if by not in survey.data.columns or by not in staff.columns:
        raise AnalysisInputError(f"self_view_gap(): column '{by}' must exist in both the responses and the self-assessment")
    model = svc.servqual_model(survey, "P")
    missing = [item for items in model.values() for item in items if item not in staff.columns]
    if missing:
        raise AnalysisInputError(f"the self-assessment lacks perception item(s) {', '.join(missing[:5])}")
    receivers = svc.dimension_scores(survey, "P")
    ids, respondent = svc.person_ids(survey), svc.respondent_column(survey)
    own = pd.DataFrame({d: staff[items].mean(axis=1) for d, items in model.items()}, index=staff.index)
    rows = []
    for provider in sorted(set(survey.data[by].dropna()) & set(staff[by].dropna())):
        r_index = survey.data.index[survey.data[by] == provider]
        s_index = staff.index[staff[by] == provider]
        people = int(svc.group_sizes(survey.data.loc[r_index], [], respondent).at[0, "n"])
        receivers_people, staff_own = svc.person_means(receivers.loc[r_index], ids), own.loc[s_index]
        for dimension in model:
            test = welch_test(receivers_people[dimension].to_numpy(), staff_own[dimension].to_numpy(), confidence)
            rows.append({
                by: provider, "dimension": dimension,
                "label_zh": survey.codebook.label(dimension, "zh"), "label_en": survey.codebook.label(dimension, "en"),
                "n_receivers": people, "n_staff": int(len(s_index)),
                "receivers_P": test.mean_x, "self_P": test.mean_y, "self_view_gap": test.diff,
                **{k: getattr(test, k) for k in ("se", "t", "dof", "p", "ci_low", "ci_high")},
            })
    if not rows:
        raise AnalysisInputError(f"no {by} appears in both the responses and the self-assessment")
    table = pd.DataFrame(rows)
    table["n_smaller"] = table[["n_receivers", "n_staff"]].min(axis=1)
    flags = suppress_small_groups(table[[by, "n_smaller"]].drop_duplicates(), by, min_group_size, n="n_smaller", values=[])
    table = table.drop(columns="n_smaller").merge(flags.drop(columns="n_smaller"), on=by, how="left")
    table[SELF_VIEW_STATS] = table[SELF_VIEW_STATS].astype(float).mask(table["suppressed"].to_numpy(bool)[:, None].repeat(len(SELF_VIEW_STATS), 1))
    table.attrs["unit"] = svc.unit_of(ids)
    return table
