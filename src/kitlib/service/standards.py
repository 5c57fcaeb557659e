"""Service standards and tickets: SLA attainment, control charts and the link to satisfaction.

A ticket log (request id, provider, requesting unit, category, priority, opened / first response /
resolved timestamps, reopened, optionally contacts and a per-ticket rating) is read with a small
ticket codebook (:func:`read_tickets`), checked like a survey (errors name file, column and rows).
:func:`sla` compares it with the service standards declared per provider × category × priority.

Example
-------
>>> import kitlib as kl
>>> from kitlib.data.cases import case_dir
>>> tickets = kl.read_tickets(case_dir("it_firm") / "tickets.csv")
>>> result = kl.sla(tickets, case_dir("it_firm") / "standards.csv")
>>> bool(result.table.loc["IT Support", "response_met"] > result.table.loc["IT Support", "resolution_met"])
True

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. *JASA*, 22(158), 209–212.
Montgomery, D. C. (2019). *Introduction to Statistical Quality Control* (8th ed.), ch. 6–7 (Shewhart p and XmR charts). Wiley.
Zeithaml, V. A., Bitner, M. J., & Gremler, D. D. (2018). *Services Marketing* (7th ed.), ch. 9 (customer-defined service standards).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import yaml
from scipy import stats

from kitlib.data.files import read_table
from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError, CodebookError, DataFileError, DataValidationError, MissingColumnError, OutOfRangeError

__all__ = ["TICKET_FIELDS", "SLAResult", "control_limits", "read_standards", "read_tickets", "satisfaction_link", "sla", "wilson_interval"]

#: Ticket fields (the keys of a ticket codebook's ``columns:``) and whether a log must have them.
TICKET_FIELDS = {"request_id": True, "provider": True, "unit": False, "category": True, "priority": True, "opened": True,
                 "first_response": True, "resolved": True, "reopened": False, "contacts": False, "rating": False}
TICKET_CODEBOOK_SCHEMA = {
    "type": "object",
    "required": ["columns"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "title": {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}, "additionalProperties": False},
        "columns": {"type": "object", "additionalProperties": False, "properties": {k: {"type": "string"} for k in TICKET_FIELDS}},
        "rating_scale": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "labels": {"type": "object"},
    },
}
_TRUE = {"1", "true", "yes", "y", "是", "t"}
_FALSE = {"0", "false", "no", "n", "否", "f", ""}


def read_tickets(path, codebook=None) -> pd.DataFrame:
    """Read and check a ticket log through its ticket codebook (default ``tickets.yaml`` next to the file).

    Returns
    -------
    DataFrame
        Columns named by the ticket fields (:data:`TICKET_FIELDS`); timestamps as datetimes, ``reopened``
        boolean, ``contacts`` and ``rating`` numeric; ``attrs["rating_scale"]`` and ``attrs["source"]``.

    Raises
    ------
    DataFileError, CodebookError, MissingColumnError, DataValidationError, OutOfRangeError
        Unreadable files; a wrong codebook; absent columns; unreadable or impossible timestamps (resolved
        before opened), duplicate ids, a ``reopened`` that is not yes/no, ratings off the scale — naming
        file, column (its header) and rows.
    """
    path = Path(path)
    book = _ticket_codebook(codebook if codebook is not None else path.with_name("tickets.yaml"))
    raw = read_table(path)
    frame, rows = raw.frame, np.asarray(raw.row_numbers)
    headers = book["columns"]
    missing = [headers.get(k, k) for k, required in TICKET_FIELDS.items() if required and headers.get(k, k) not in frame.columns]
    if missing:
        raise MissingColumnError(f"the ticket log lacks column(s) {', '.join(missing)}; the file has {', '.join(map(str, frame.columns[:12]))}",
                                 path=path)
    out = pd.DataFrame(index=frame.index)
    for field_name in TICKET_FIELDS:
        header = headers.get(field_name, field_name)
        if header in frame.columns:
            out[field_name] = frame[header].astype("string").str.strip()

    def fail(error, field_name, mask, issue):
        if mask.any():
            raise error(issue, path=path, column=headers.get(field_name, field_name), rows=[int(r) for r in rows[mask.to_numpy()]])

    for field_name in ("opened", "first_response", "resolved"):
        text = out[field_name].replace("", pd.NA)
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        required = field_name == "opened"
        fail(DataValidationError, field_name, (text.notna() & parsed.isna()) | (parsed.isna() if required else False),
             "timestamps that cannot be read (write them as 2026-03-02 09:15)" + (" or are blank" if required else ""))
        out[field_name] = parsed
    fail(DataValidationError, "first_response", out["first_response"] < out["opened"], "first response before the ticket was opened")
    fail(DataValidationError, "resolved", out["resolved"] < out["opened"], "resolved before the ticket was opened")
    fail(DataValidationError, "request_id", out["request_id"].duplicated(keep=False) | out["request_id"].isna() | (out["request_id"] == ""),
         "duplicate or blank request ids")
    if "reopened" in out:
        folded = out["reopened"].fillna("").str.lower()
        fail(DataValidationError, "reopened", ~folded.isin(_TRUE | _FALSE), "reopened must be yes/no (1/0, true/false, 是/否)")
        out["reopened"] = folded.isin(_TRUE)
    for field_name in ("contacts", "rating"):
        if field_name in out:
            text = out[field_name].replace("", pd.NA)
            numbers = pd.to_numeric(text, errors="coerce")
            fail(DataValidationError, field_name, text.notna() & numbers.isna(), "values that are not numbers")
            out[field_name] = numbers.astype(float)
    low, high = book.get("rating_scale", [1, 5])
    if "rating" in out:
        fail(OutOfRangeError, "rating", (out["rating"] < low) | (out["rating"] > high), f"ratings outside the scale {low}–{high}")
    out.attrs.update(rating_scale=(low, high), source=str(path), labels=book.get("labels", {}))
    return out


def _ticket_codebook(codebook) -> dict:
    if isinstance(codebook, dict):
        raw, source = codebook, "<ticket codebook>"
    else:
        source = Path(codebook)
        if not source.is_file():
            return {"columns": {}}  # headers are the field names themselves
        try:
            raw = yaml.safe_load(source.read_text(encoding="utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise DataFileError(f"ticket codebook {source} is not valid UTF-8 YAML: {error}") from None
    errors = list(jsonschema.Draft202012Validator(TICKET_CODEBOOK_SCHEMA).iter_errors(raw))
    if errors:
        error = errors[0]
        where = "/".join(map(str, error.absolute_path)) or "top level"
        known = f" (known ticket fields: {', '.join(TICKET_FIELDS)})" if error.validator == "additionalProperties" else ""
        raise CodebookError(f"{source}: {where}: {error.message}{known}")
    return raw


def read_standards(source) -> pd.DataFrame:
    """Service standards: ``provider, category, priority, response_hours, resolution_hours`` (``*`` = any).

    ``source`` is a CSV/XLSX path or a DataFrame.  A more specific row wins over one with ``*``.
    """
    frame = source.copy() if isinstance(source, pd.DataFrame) else read_table(source).frame
    needed = ["provider", "category", "priority", "response_hours", "resolution_hours"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"the service standards lack column(s) {', '.join(missing)}", path=None if isinstance(source, pd.DataFrame) else source)
    frame = frame[needed].copy()
    for column in ("provider", "category", "priority"):
        frame[column] = frame[column].astype(str).str.strip()
    for column in ("response_hours", "resolution_hours"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
        if frame[column].isna().any() or (frame[column] <= 0).any():
            raise DataValidationError("targets must be positive numbers of hours", column=column,
                                      rows=[int(i) + 2 for i in np.flatnonzero(frame[column].isna() | (frame[column] <= 0))])
    return frame


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (vectorised).

    Example
    -------
    >>> low, high = wilson_interval(45, 50)
    >>> round(float(low), 3), round(float(high), 3)
    (0.786, 0.957)
    """
    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def _factorize(column: pd.Series, sort: bool = False) -> tuple[np.ndarray, pd.Index]:
    """``pandas.factorize(column, sort=sort)``: each value's number and the distinct values (an Index).

    A text column kept in Python objects is hashed through its object array: the same numbers in less than
    half the time of pandas' string-array path, which first copies the values to mark the missing ones.
    """
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "python":
        codes, uniques = pd.factorize(column.to_numpy(dtype=object), sort=sort)
        return codes, pd.Index(uniques, dtype=column.dtype)
    return pd.factorize(column, sort=sort)


def _targets(tickets: pd.DataFrame, standards: pd.DataFrame, factorized=None) -> tuple[np.ndarray, np.ndarray]:
    """Response and resolution target (hours) of every ticket; the most specific standard wins.

    The standards are matched against one ticket per distinct combination of the columns they name (not
    ``*``), and the targets then spread to every ticket.  ``factorized`` holds ``{column: (codes, values)}``
    already computed (by :func:`_factorize`), so that no column is hashed twice.
    """
    keys = [key for key in ("provider", "category", "priority") if (standards[key] != "*").any()]
    combination = np.zeros(len(tickets), dtype=np.int64)
    for key in keys:
        codes, values = (factorized or {}).get(key) or _factorize(tickets[key])
        combination = pd.factorize(combination * (len(values) + 1) + codes + 1)[0]
    # factorize numbers combinations in order of appearance: the running maximum rises at each one's first ticket
    distinct = tickets.iloc[np.flatnonzero(np.diff(np.maximum.accumulate(combination), prepend=-1) > 0)]
    response = np.full(len(distinct), np.nan)
    resolution = np.full(len(distinct), np.nan)
    specificity = (standards[["provider", "category", "priority"]] != "*").sum(axis=1)
    for _, row in standards.assign(_s=specificity).sort_values("_s", kind="stable").iterrows():
        mask = np.ones(len(distinct), dtype=bool)
        for key in keys:
            if row[key] != "*":
                mask &= (distinct[key] == row[key]).to_numpy()
        response[mask] = row["response_hours"]
        resolution[mask] = row["resolution_hours"]
    return response[combination], resolution[combination]


def _weeks(opened: pd.Series) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """The Monday-to-Sunday weeks of ``opened``: their start times (Monday 00:00, the unit of ``opened``) in
    order, and each ticket's week number among them (-1 where ``opened`` is missing).

    Same weeks as ``opened.dt.to_period("W-SUN").dt.start_time``, counted as whole days from a Monday
    (1969-12-29) instead of through periods.
    """
    days = opened.to_numpy().astype("datetime64[D]")
    known = ~np.isnat(days)
    week = np.floor_divide(days.astype(np.int64) + 3, 7)  # 1970-01-01 is a Thursday: day -3 is a Monday
    first = week[known].min() if known.any() else 0
    number = np.where(known, week - first, -1)
    count = int(number.max()) + 1 if known.any() else 0
    starts = ((np.arange(count, dtype=np.int64) + first) * 7 - 3).astype("datetime64[D]").astype(opened.dtype)
    return pd.DatetimeIndex(starts), number


def control_limits(values, n=None, chart: str = "p") -> pd.DataFrame:
    """Shewhart limits: ``chart="p"`` (proportions with sample sizes ``n``) or ``"xmr"`` (individuals).

    Returns ``value, center, lcl, ucl, special`` (outside the 3-sigma limits); for XmR also ``mr``.

    Example
    -------
    >>> control_limits([0.9, 0.92, 0.5, 0.91], n=[100, 100, 100, 100])["special"].tolist()
    [False, False, True, False]
    """
    values = np.asarray(values, dtype=float)
    if chart == "p":
        n = np.asarray(n, dtype=float)
        center = np.nansum(values * n) / np.nansum(n)
        sigma = np.sqrt(center * (1 - center) / n)
        lcl, ucl = np.clip(center - 3 * sigma, 0, 1), np.clip(center + 3 * sigma, 0, 1)
        out = pd.DataFrame({"value": values, "n": n, "center": center, "lcl": lcl, "ucl": ucl})
    elif chart == "xmr":
        moving = np.abs(np.diff(values, prepend=np.nan))
        center = np.nanmean(values)
        spread = 2.66 * np.nanmean(moving)  # 3 / d2, d2 = 1.128 for moving ranges of two
        out = pd.DataFrame({"value": values, "mr": moving, "center": center, "lcl": center - spread, "ucl": center + spread})
    else:
        raise AnalysisInputError(f"chart must be 'p' or 'xmr', not {chart!r}")
    out["special"] = (out["value"] < out["lcl"]) | (out["value"] > out["ucl"])
    return out


@dataclass(frozen=True)
class SLAResult:
    """Result of :func:`sla`.

    Attributes
    ----------
    table : DataFrame
        Per ``by`` group: ``tickets``, ``response_met`` / ``resolution_met`` (attainment) with Wilson
        ``*_low`` / ``*_high``, ``median_response_h``, ``p90_response_h``, ``median_resolution_h``,
        ``p90_resolution_h``, ``fcr`` (first-contact resolution: one contact, not reopened), ``reopen_rate``.
    p_chart : DataFrame
        Weekly resolution attainment per group with p-chart limits; ``special`` flags special-cause weeks.
    xmr : DataFrame
        Weekly mean ticket rating per group with XmR limits (when the log has ratings).
    rating_link : DataFrame
        Per standard (response, resolution): mean rating when met and when missed, difference, Cohen's d,
        Welch t and p.
    tickets : DataFrame
        The tickets with ``response_h``, ``resolution_h``, targets and ``response_ok`` / ``resolution_ok``.
    """

    table: pd.DataFrame
    p_chart: pd.DataFrame
    xmr: pd.DataFrame
    rating_link: pd.DataFrame
    tickets: pd.DataFrame
    by: str = "provider"

    def __repr__(self) -> str:
        return f"SLAResult({len(self.tickets)} tickets, {len(self.table)} {self.by} group(s))"


def _rating_link(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    if "rating" not in frame or frame["rating"].notna().sum() < 4:
        return pd.DataFrame(columns=["standard", "mean_met", "mean_missed", "n_met", "n_missed", "difference", "cohens_d", "t", "p"])
    rating = frame["rating"].to_numpy(dtype=float, na_value=np.nan)
    for standard in ("response", "resolution"):
        ok = frame[f"{standard}_ok"].to_numpy()
        rated = ~np.isnan(rating) & ~np.isnan(ok)
        met, missed = rating[rated & (ok != 0)], rating[rated & (ok == 0)]
        if len(met) < 2 or len(missed) < 2:
            continue
        pooled = np.sqrt(((len(met) - 1) * met.var(ddof=1) + (len(missed) - 1) * missed.var(ddof=1)) / (len(met) + len(missed) - 2))
        test = stats.ttest_ind(met, missed, equal_var=False)
        rows.append({"standard": standard, "mean_met": met.mean(), "mean_missed": missed.mean(), "n_met": len(met), "n_missed": len(missed),
                     "difference": met.mean() - missed.mean(), "cohens_d": (met.mean() - missed.mean()) / pooled if pooled > 0 else np.nan,
                     "t": float(test.statistic), "p": float(test.pvalue)})
    return pd.DataFrame(rows)


def sla(tickets: pd.DataFrame, standards, *, by: str = "provider", confidence: float = 0.95, min_n: int = 5) -> SLAResult:
    """Attainment of the service standards, control charts and the rating when standards are met vs missed.

    Parameters
    ----------
    tickets : DataFrame
        From :func:`read_tickets` (or with the same columns).
    standards : DataFrame or path
        See :func:`read_standards`; every ticket must be covered by a standard.
    by : str, default "provider"
        Grouping of the attainment table and control charts.
    confidence : float, default 0.95
        Of the Wilson intervals.
    min_n : int, default 5
        Groups with fewer tickets are left out of the table.

    Returns
    -------
    SLAResult

    Notes
    -----
    Times are calendar hours from ``opened``.  A ticket without first response (or not resolved) counts as
    missing its target once the target has passed at the end of the log, and is left out before that.
    """
    needed = ["provider", "category", "priority", "opened", "first_response", "resolved", by]
    missing = [c for c in dict.fromkeys(needed) if c not in tickets.columns]
    if missing:
        raise AnalysisInputError(f"sla(): the tickets lack column(s) {', '.join(missing)}")
    if len(tickets) == 0:
        raise AnalysisInputError("sla(): the ticket log is empty")
    standards = read_standards(standards)
    frame = tickets.copy(deep=False)  # copy-on-write: the new columns never reach the caller's frame
    # each group as its number in sorted order (-1 for none), so that no grouping below hashes the group texts again
    numbers, groups = _factorize(frame[by], sort=True)
    response_target, resolution_target = _targets(frame, standards, {by: (numbers, groups)})
    uncovered = np.isnan(response_target)
    if uncovered.any():
        example = frame.loc[uncovered, ["provider", "category", "priority"]].drop_duplicates().head(3).astype(str).agg(" × ".join, axis=1)
        raise AnalysisInputError(f"sla(): {uncovered.sum()} ticket(s) have no service standard, e.g. {'; '.join(example)}; add rows (or '*')")
    end = frame[["opened", "first_response", "resolved"]].max().max()
    hour = np.timedelta64(1, "h")
    opened = frame["opened"].to_numpy()
    for standard, column, target in (("response", "first_response", response_target), ("resolution", "resolved", resolution_target)):
        hours = (frame[column].to_numpy() - opened) / hour
        waited = (np.datetime64(end) - opened) / hour
        ok = np.where(np.isnan(hours), np.where(waited > target, 0.0, np.nan), (hours <= target).astype(float))
        frame[f"{standard}_h"] = hours
        frame[f"{standard}_target_h"] = target
        frame[f"{standard}_ok"] = ok
    reopened = frame["reopened"].astype(float) if "reopened" in frame else pd.Series(np.nan, index=frame.index)
    fcr = ((frame["contacts"] == 1) & ~frame.get("reopened", False)).astype(float).where(frame["contacts"].notna()) if "contacts" in frame \
        else pd.Series(np.nan, index=frame.index)
    # groups keyed by their numbers as categories: grouping reads the codes and hashes nothing again
    key = pd.Categorical.from_codes(numbers, categories=pd.RangeIndex(len(groups)))
    work = pd.DataFrame({"resp": frame["response_ok"], "res": frame["resolution_ok"], "rh": frame["response_h"],
                         "sh": frame["resolution_h"], "fcr": fcr, "reopen": reopened})
    grouped = work.groupby(key, sort=True, observed=True)
    table = grouped.agg(tickets=("resp", "size"), response_n=("resp", "count"), response_met=("resp", "mean"), resolution_n=("res", "count"),
                        resolution_met=("res", "mean"), median_response_h=("rh", "median"), median_resolution_h=("sh", "median"),
                        fcr=("fcr", "mean"), reopen_rate=("reopen", "mean"))
    quantiles = grouped[["rh", "sh"]].quantile(0.9)
    table["p90_response_h"], table["p90_resolution_h"] = quantiles["rh"], quantiles["sh"]
    for standard in ("response", "resolution"):
        low, high = wilson_interval(table[f"{standard}_met"] * table[f"{standard}_n"], table[f"{standard}_n"], confidence)
        table[f"{standard}_low"], table[f"{standard}_high"] = low, high
    table.index = groups.take(table.index.to_numpy().astype(np.int64))
    table = table[table["tickets"] >= min_n]
    table.index.name = by
    order = ["tickets", "response_met", "response_low", "response_high", "resolution_met", "resolution_low", "resolution_high",
             "median_response_h", "p90_response_h", "median_resolution_h", "p90_resolution_h", "fcr", "reopen_rate"]
    table = table[order]

    weeks, week_numbers = _weeks(frame["opened"])
    dated = (numbers >= 0) & (week_numbers >= 0)
    group_week = pd.Categorical.from_codes(np.where(dated, numbers * len(weeks) + week_numbers, -1),
                                           categories=pd.RangeIndex(len(groups) * len(weeks)))
    weekly = pd.DataFrame({"res": frame["resolution_ok"], "rating": frame["rating"] if "rating" in frame else np.nan})
    per_group_week = weekly.groupby(group_week, sort=True, observed=True).agg(n=("res", "count"), met=("res", "mean"),
                                                                            rating=("rating", "mean"), rated=("rating", "count"))
    cell = per_group_week.index.to_numpy().astype(np.int64)
    per_group_week.index = pd.MultiIndex.from_arrays([cell // len(weeks), weeks.take(cell % len(weeks))], names=["group", "week"])
    charts, xmrs = [], []
    for number, per_week in per_group_week.groupby(level="group", sort=True):
        group = groups[int(number)]
        if group not in table.index:
            continue
        per_week = per_week.droplevel("group")
        per_week = per_week[per_week["n"] > 0]
        limits = control_limits(per_week["met"], per_week["n"], "p")
        limits.insert(0, "week", per_week.index)
        limits.insert(0, by, group)
        charts.append(limits)
        rated = per_week[per_week["rated"] > 0]
        if len(rated) >= 3:
            limits = control_limits(rated["rating"], chart="xmr")
            limits.insert(0, "week", rated.index)
            limits.insert(0, by, group)
            xmrs.append(limits)
    p_chart = pd.concat(charts, ignore_index=True) if charts else pd.DataFrame()
    xmr = pd.concat(xmrs, ignore_index=True) if xmrs else pd.DataFrame()
    return SLAResult(table=table, p_chart=p_chart, xmr=xmr, rating_link=_rating_link(frame), tickets=frame, by=by)


def satisfaction_link(result: SLAResult, survey: Survey, column: str | None = None) -> pd.DataFrame:
    """Per provider: the survey's mean satisfaction beside SLA attainment, with their correlations.

    Returns a table ``provider, satisfaction, respondents, response_met, resolution_met``; its
    ``attrs["correlation"]`` holds Spearman's rho (and p) of satisfaction with each attainment.
    """
    if not isinstance(survey, Survey):
        raise AnalysisInputError(f"satisfaction_link() needs a Survey, not {type(survey).__name__}")
    if column is None:
        overall = survey.codebook.items("overall")
        if not overall:
            raise AnalysisInputError("satisfaction_link(): the survey has no overall satisfaction column; pass column=")
        column = overall[0]
    means = survey.data.groupby("provider")[column].agg(satisfaction="mean", respondents="count")
    table = means.join(result.table[["response_met", "resolution_met"]], how="inner")
    table.index.name = "provider"
    correlation = {}
    if len(table) >= 3:
        for standard in ("response_met", "resolution_met"):
            rho, p = stats.spearmanr(table["satisfaction"], table[standard])
            correlation[standard] = {"rho": float(rho), "p": float(p)}
    table.attrs["correlation"] = correlation
    return table.reset_index()
