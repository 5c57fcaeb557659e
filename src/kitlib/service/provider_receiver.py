"""Provider × receiver satisfaction matrix: who serves whom how well.

Example
-------
>>> import kitlib as kl
>>> kl.provider_matrix(kl.load_case("it_firm")).values  # doctest: +SKIP

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kitlib.errors import OptionError
from kitlib.service import _shared as svc
from kitlib.service.net_promoter import nps_row

__all__ = ["provider_matrix", "ProviderMatrix"]


@dataclass(frozen=True)
class ProviderMatrix:
    """Tidy cells plus wide views (``values`` with NaN for suppressed cells, ``counts`` of distinct respondents).

    ``unit`` (:data:`kitlib.service._shared.UNITS`) says what a cell mean is
    over: ``"respondent"``, ``"respondent_mean"`` (a respondent's several
    rows in a cell averaged first) or, for NPS, ``"rating"``.
    """

    cells: pd.DataFrame
    value: str
    rows: str
    columns: str
    label_zh: str
    label_en: str
    min_group_size: int
    unit: str = "respondent"

    @property
    def values(self) -> pd.DataFrame:
        return self.cells.pivot(index=self.rows, columns=self.columns, values="mean")

    @property
    def counts(self) -> pd.DataFrame:
        return self.cells.pivot(index=self.rows, columns=self.columns, values="group_n")

    @property
    def suppressed(self) -> pd.DataFrame:
        return self.cells.pivot(index=self.rows, columns=self.columns, values="suppressed")

    def __repr__(self) -> str:
        hidden = int(self.cells["suppressed"].sum())
        return (f"ProviderMatrix({self.value!r}: {self.rows} × {self.columns}, {hidden} cell(s) suppressed "
                f"(n<{self.min_group_size} or complementary))\n{self.values.round(2).to_string()}")


def _measure(survey, value: str) -> tuple[pd.Series | None, str, str]:
    """Per-respondent measure and its labels (``None`` for NPS, computed per cell)."""
    dimensions = survey.codebook.servqual_model("P")
    if value == "overall":
        return survey.data[svc.single_column(survey, "overall")], "总体满意度", "Overall satisfaction"
    if value == "nps":
        svc.single_column(survey, "nps")
        return None, "净推荐值", "NPS"
    if value == "perception":
        scores = svc.dimension_scores(survey, "P")
        return scores.mean(axis=1).where(scores.notna().all(axis=1)), "感知得分", "Perception score"
    if value == "gap":
        gaps = svc.dimension_gaps(survey)
        return gaps.mean(axis=1).where(gaps.notna().all(axis=1)), "SERVQUAL差距", "SERVQUAL gap"
    if value in dimensions:
        return svc.dimension_scores(survey, "P")[value], *svc.labels(survey, value)
    raise OptionError(
        f"value must be 'overall', 'gap', 'perception', 'nps' or a dimension ({', '.join(dimensions)}), not {value!r}"
    )


def provider_matrix(survey, value: str = "overall", rows: str = "provider", columns: str = "department",
                    min_group_size: int = 5) -> ProviderMatrix:
    """Mean satisfaction of every receiving department with every provider.

    Parameters
    ----------
    survey : Survey
    value : str, default "overall"
        ``"overall"`` (overall satisfaction), ``"gap"`` (unweighted SERVQUAL
        gap), ``"perception"`` (unweighted mean of the perception dimension
        scores, for perceptions-only surveys), ``"nps"`` or a dimension name
        (its perception score).
    rows, columns : str
        Group columns for the two axes.
    min_group_size : int, default 5

    Returns
    -------
    ProviderMatrix
        ``cells``: ``rows, columns, group_n, n, mean, suppressed, suppression``
        (``group_n`` = distinct respondents of the cell, ``n`` = those with an
        answer; ``n_rows`` after ``n`` where a respondent can have several
        rows), each of the two group columns
        followed by its codebook value labels ``<column>_label_zh`` and
        ``<column>_label_en``; ``values``/``counts``/``suppressed`` pivot
        tables (indexed by the raw group values).

    Notes
    -----
    Rows are the internal providers (e.g. IT, HR), columns the receiving
    departments; each cell is the mean of one measure over the respondents of
    that department who rated that provider (a respondent's several rows in a
    cell, e.g. one per wave, averaged first).  Cells below the confidentiality
    threshold — and the cells that would reveal them through the row or column
    totals — are blanked (see :func:`kitlib.suppress_small_groups`).

    Example
    -------
    >>> import kitlib as kl
    >>> matrix = kl.provider_matrix(kl.load_case("it_firm"), value="reliability")
    >>> bool(matrix.values.isna().any().any())  # the small department is hidden
    True

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    survey, min_group_size, keys = svc.check_inputs(survey, "provider_matrix", min_group_size, [rows, columns])
    if rows == columns:
        raise OptionError("provider_matrix(): rows and columns must be different columns")
    measure, label_zh, label_en = _measure(survey, value)
    data = survey.data
    ids, respondent = svc.person_ids(survey), svc.respondent_column(survey)
    records = []
    for (row, column), index in svc.group_indices(data.dropna(subset=keys), keys):
        if measure is None:
            cell = nps_row(data.loc[index, svc.single_column(survey, "nps")], ids)
            mean, n, n_rows = cell.get("nps", float("nan")), cell["n"], cell.get("n_rows")
        else:
            answered = measure.loc[index].dropna()
            values = svc.person_means(answered, ids)
            mean, n, n_rows = (values.mean() if len(values) else float("nan")), len(values), len(answered)
        rows_used = {} if ids is None else {"n_rows": n_rows}
        records.append({rows: row, columns: column, "n": n, **rows_used, "mean": mean})
    cells = svc.suppress_groups(pd.DataFrame(records), data, keys, min_group_size, ["n", "n_rows", "mean"], respondent, survey)
    cells = svc.add_group_labels(cells, survey, keys)
    unit = svc.unit_of(ids, counted=measure is None)
    return ProviderMatrix(cells, value, rows, columns, label_zh, label_en, min_group_size, unit)
