"""Gap-model view: how a provider rates itself versus how its internal customers rate it.

In the gaps model of service quality (Parasuraman, Zeithaml & Berry 1985) a
provider that misjudges its customers' experience cannot close gap 5.  When
provider staff answered the perception items about their own service
(``survey.self_assessment``), this compares, per provider and dimension,
the receivers' mean perception with the staff's self-rating:

    self_view_gap = receivers' P − staff's self-rated P

A negative value means the provider sees itself more favourably than its
customers do (a blind spot).  Welch's t-test checks the difference.

Example
-------
>>> import kitlib as kl
>>> kl.self_view_gap(kl.load_case("it_firm"))  # doctest: +SKIP

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1985). A conceptual model of service
quality and its implications for future research. *Journal of Marketing*, 49(4), 41–50.
Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
"""

from __future__ import annotations

import pandas as pd

from . import _service as svc
from .confidentiality import suppress_small_groups
from .errors import AnalysisInputError
from .welch_test import welch_test

STAT_COLUMNS = ["receivers_P", "self_P", "self_view_gap", "se", "t", "dof", "p", "ci_low", "ci_high"]


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
        A provider is blanked when fewer than this many receivers *or* staff
        answered (staff are respondents too), and complementary suppression
        protects it against differencing with the other providers.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``provider, dimension, label_zh, label_en, n_receivers, n_staff,
        receivers_P, self_P, self_view_gap, se, t, dof, p, ci_low, ci_high,
        suppressed, suppression``.

    Raises
    ------
    AnalysisInputError
        No self-assessment, or it lacks the ``by`` column.

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
    own = pd.DataFrame({d: staff[items].mean(axis=1) for d, items in model.items()}, index=staff.index)
    rows = []
    for provider in sorted(set(survey.data[by].dropna()) & set(staff[by].dropna())):
        r_index = survey.data.index[survey.data[by] == provider]
        s_index = staff.index[staff[by] == provider]
        for dimension in model:
            test = welch_test(receivers.loc[r_index, dimension], own.loc[s_index, dimension], confidence)
            rows.append({
                by: provider, "dimension": dimension,
                "label_zh": survey.codebook.label(dimension, "zh"), "label_en": survey.codebook.label(dimension, "en"),
                "n_receivers": int(len(r_index)), "n_staff": int(len(s_index)),
                "receivers_P": test["mean_after"], "self_P": test["mean_before"], "self_view_gap": test["diff"],
                **{k: test[k] for k in ("se", "t", "dof", "p", "ci_low", "ci_high")},
            })
    if not rows:
        raise AnalysisInputError(f"no {by} appears in both the responses and the self-assessment")
    table = pd.DataFrame(rows)
    table["n_smaller"] = table[["n_receivers", "n_staff"]].min(axis=1)
    flags = suppress_small_groups(table[[by, "n_smaller"]].drop_duplicates(), by, min_group_size, n="n_smaller", values=[])
    table = table.drop(columns="n_smaller").merge(flags.drop(columns="n_smaller"), on=by, how="left")
    table[STAT_COLUMNS] = table[STAT_COLUMNS].astype(float).mask(table["suppressed"].to_numpy(bool)[:, None].repeat(len(STAT_COLUMNS), 1))
    return table
