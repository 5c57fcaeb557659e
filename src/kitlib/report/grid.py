"""The grid of reports to run: cases (or a researcher's own data) x groups.

Example
-------
>>> from kitlib.report.grid import build_jobs
>>> jobs = build_jobs(cases=["it_firm"], by="department")
>>> all(job.group_by == "department" for job in jobs)
True

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 4
(threshold rule for frequency tables). Wiley.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from kitlib.data.cases import CASES, case_files, shipped_dir
from kitlib.data.readers import load_survey
from kitlib.disclosure import audit_disclosure
from kitlib.errors import KitError, OptionError
from kitlib.privacy import count_respondents

__all__ = ["build_jobs", "group_counts", "longest_first", "most_reports", "notebooks_dir", "plan", "plan_batch", "refuse_threshold_parameters",
           "report_scope", "reportable_groups", "ReportJob", "scope_rows", "slug", "Withheld"]

GROUP_COLUMNS = ("provider", "department")
#: Notebook parameters that would set a batch's confidentiality threshold (only ``--min-group-size`` may).
THRESHOLD_PARAMETERS = ("min_group_size", "min_n", "comment_group_size")
REPORT_NOTEBOOK = "report.ipynb"


def notebooks_dir() -> Path:
    """The shipped ``notebooks/`` folder (see :func:`kitlib.data.cases.shipped_dir`)."""
    return shipped_dir("notebooks")


#: Longest slug in UTF-8 bytes: job names stay far below the 255-byte file-name limit (and Windows' 260-character paths).
MAX_SLUG_BYTES = 60
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def slug(text: str) -> str:
    """File-name-safe form of a label (keeps letters of any script, digits, ``-`` and ``_``).

    At most :data:`MAX_SLUG_BYTES` UTF-8 bytes: a longer label is cut and
    ends in 8 hex digits of its hash, so different long labels stay distinct.
    Names Windows reserves (``CON``, ``NUL``, ``COM1``...) get a ``_``.

    Example
    -------
    >>> len(slug("x" * 600).encode()) <= MAX_SLUG_BYTES, slug("nul")
    (True, 'nul_')
    """
    cleaned = re.sub(r"[^\w-]+", "-", str(text), flags=re.UNICODE).strip("-_") or "group"
    if len(cleaned.encode("utf-8")) > MAX_SLUG_BYTES:
        digest = hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:8]
        cut = cleaned.encode("utf-8")[:MAX_SLUG_BYTES - 9].decode("utf-8", errors="ignore").rstrip("-_")
        cleaned = f"{cut}-{digest}"
    if cleaned.upper() in WINDOWS_RESERVED:
        cleaned += "_"
    return cleaned


@dataclass(frozen=True)
class ReportJob:
    """One report to produce: a survey source, an optional group filter and options.

    Attributes
    ----------
    name : str
        File stem of the report (``it_firm``, ``bank__provider-HR``).
    case : str or None
        Shipped case, or None when ``data_path`` names a researcher's file.
    data_path, codebook_path : str or None
        A researcher's data; they override ``case`` in the notebook.
    group_by, group : str or None
        ``provider``/``department`` and the value the report is restricted to.
    parameters : dict
        Further notebook parameters (``lang``, ``min_group_size``, ``wave``...).
    notebook : str or None
        Notebook to run for this job (default: the batch's report notebook).
    rows : int
        Survey rows the report covers, as the planner counted them (0 when unknown): a batch starts its
        largest reports first (:func:`longest_first`).
    """

    name: str
    case: str | None = None
    data_path: str | None = None
    codebook_path: str | None = None
    group_by: str | None = None
    group: str | None = None
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    notebook: str | None = None
    rows: int = field(default=0, compare=False)

    @property
    def title(self) -> str:
        """Short human label of the job for tables and the index page."""
        source = self.case or Path(self.data_path or "?").name
        return f"{source} / {self.group}" if self.group else source

    def notebook_parameters(self) -> dict:
        """The papermill parameters of this job."""
        values = {"case": self.case or "", "data_path": self.data_path or "", "codebook_path": self.codebook_path or ""}
        if self.group_by:
            values[self.group_by] = self.group
        values.update(self.parameters)
        return values


def group_counts(survey, by: str) -> pd.DataFrame:
    """Respondents per value of ``by`` (distinct respondent ids when the codebook names them)."""
    if by not in survey.data:
        raise KitError(f"the survey has no '{by}' column to split reports by")
    counts = count_respondents(survey.data, by, survey.codebook.respondent_id)
    return counts.dropna(subset=[by]).drop(columns="n_rows").reset_index(drop=True)


@dataclass(frozen=True)
class Withheld:
    """Reports a batch does not produce for one source, by reason (never by name).

    Attributes
    ----------
    small : int
        Groups (or the filtered scope itself) with fewer than ``min_group_size`` respondents.
    protection : int
        Groups hidden by the disclosure audit to protect a small group against differencing.
    """

    small: int = 0
    protection: int = 0

    @property
    def total(self) -> int:
        """All withheld groups."""
        return self.small + self.protection


def report_scope(survey, parameters: dict) -> dict[str, str]:
    """The cell a report's filter parameters select: ``{"provider": …, "department": …, <wave column>: …}``."""
    columns = {"provider": "provider", "department": "department", "wave": survey.wave_column() or "wave"}
    return {columns[name]: str(parameters[name]) for name in columns if parameters.get(name) not in (None, "")}


def scope_rows(survey, scope: dict, by: str | None = None):
    """Rows of ``survey`` in the cell ``scope`` (:func:`report_scope`); with ``by``, rows per value of ``by`` within it.

    Example
    -------
    >>> from kitlib.data.cases import load_case
    >>> bank = load_case("bank")
    >>> scope_rows(bank, {}) == len(bank.data), int(scope_rows(bank, {}, "provider").sum()) == len(bank.data)
    (True, True)
    """
    rows = survey.data
    for column, value in scope.items():
        if column in rows:
            rows = rows[rows[column].astype(str) == value]
    return len(rows) if by is None else rows[by].dropna().astype(str).value_counts()


def longest_first(jobs) -> list[ReportJob]:
    """The order a batch starts ``jobs`` in: the most survey rows first, ties in plan order.

    A report's time grows with the rows it covers, and a batch ends when its
    last report does.  Starting the longest reports first (Graham's
    longest-processing-time rule) keeps a long one from starting last and
    running alone: three case reports on two workers then end with the two
    shorter ones sharing a worker while the bank's runs on the other.

    Example
    -------
    >>> [job.name for job in longest_first([ReportJob("a", rows=5), ReportJob("b", rows=9), ReportJob("c", rows=5)])]
    ['b', 'a', 'c']

    References
    ----------
    Graham, R. L. (1969). Bounds on multiprocessing timing anomalies. *SIAM Journal on Applied Mathematics*, 17(2), 416–429.
    """
    return sorted(jobs, key=lambda job: -job.rows)


def reportable_groups(survey, by: str, min_group_size: int, scope: dict | None = None) -> tuple[list[str], Withheld]:
    """Groups of ``by`` (within the filter ``scope``) that may get their own report, and what was withheld.

    The batch's disclosure audit (:func:`kitlib.audit_disclosure`) decides:
    a group is withheld when its cell — ``scope`` plus the group — has fewer
    than ``min_group_size`` respondents, or is hidden so that no combination
    of the batch's published cells reveals such a cell.
    """
    if by not in survey.data:
        raise KitError(f"the survey has no '{by}' column to split reports by")
    audit = audit_disclosure(survey, min_group_size)
    scope = scope or {}
    if not audit.shown(**scope):
        counts = audit.withheld(by, {})  # nothing of a hidden scope is shown
        return [], Withheld(small=int(audit.status(**scope) == "small") or counts["small"], protection=counts["protection"])
    counts = audit.withheld(by, scope)
    return audit.shown_groups(by, scope), Withheld(**counts)


def _batch_cases(cases, data) -> list[str]:
    """The shipped cases of a batch: the ones named, else all of them unless survey files are given."""
    if cases is None:
        return [] if data else list(CASES)
    return list(cases)


def most_reports(cases=None, data=(), by=None) -> int | None:
    """The most reports a batch can plan, known before any file is read: one per source, or None with ``by``.

    Example
    -------
    >>> most_reports(), most_reports(["bank"]), most_reports(by="provider")
    (3, 1, None)
    """
    return None if by is not None else len(_batch_cases(cases, data)) + len(list(data))


def _sources(cases, data, codebook) -> list[tuple[str, dict]]:
    sources = []
    for case in cases:
        if case not in CASES:
            raise OptionError(f"unknown case {case!r}; the kit ships {', '.join(CASES)}")
        sources.append((case, {"case": case}))
    for path in data:
        stem = slug(Path(path).stem)
        sources.append((stem, {"data_path": str(Path(path).resolve()), "codebook_path": str(Path(codebook).resolve()) if codebook else None}))
    return sources


def build_jobs(cases=None, data=(), codebook=None, by=None, *, min_group_size: int = 5, parameters=None):
    """Plan the reports: one per source, or one per reportable group of ``by``.

    Parameters
    ----------
    cases : list of str, optional
        Shipped cases; default all of them unless ``data`` is given.
    data : list of str
        Paths of a researcher's own survey files (added to the grid).
    codebook : str, optional
        Codebook for ``data`` (default ``codebook.yaml`` next to each file).
    by : {"provider", "department"}, optional
        Split every source into one report per group.
    min_group_size : int
        Groups below it (and groups hidden to protect them) get no report.
    parameters : dict, optional
        Further notebook parameters passed to every job.

    Returns
    -------
    list of ReportJob
        See :func:`plan` for the number of withheld groups as well.
    """
    jobs, _ = plan(cases, data, codebook, by, min_group_size=min_group_size, parameters=parameters)
    return jobs


def plan(cases=None, data=(), codebook=None, by=None, *, min_group_size: int = 5, parameters=None):
    """Like :func:`build_jobs` but also return ``{source: number of withheld groups}``."""
    jobs, withheld = plan_batch(cases, data, codebook, by, min_group_size=min_group_size, parameters=parameters)
    return jobs, {source: counts.total for source, counts in withheld.items()}


def refuse_threshold_parameters(parameters) -> None:
    """Refuse notebook parameters that would set a batch's disclosure threshold behind ``--min-group-size``.

    The threshold is set in one place per batch: the planner withholds groups
    with it, every report is given it, and the index states it.  A
    ``--param min_group_size=1`` (or any of :data:`THRESHOLD_PARAMETERS`)
    would let the reports show groups the planner and the index treat as
    withheld, so it raises :class:`~kitlib.errors.OptionError`.

    Example
    -------
    >>> refuse_threshold_parameters({"alpha_level": 0.01})
    >>> refuse_threshold_parameters({"min_group_size": 1})
    Traceback (most recent call last):
    ...
    kitlib.errors.OptionError: --param min_group_size=1 is refused: set the confidentiality threshold once per batch with --min-group-size
    """
    for name in THRESHOLD_PARAMETERS:
        if name in (parameters or {}):
            raise OptionError(f"--param {name}={parameters[name]} is refused: "
                              "set the confidentiality threshold once per batch with --min-group-size")


def plan_batch(cases=None, data=(), codebook=None, by=None, *, min_group_size: int = 5, parameters=None, share=None):
    """The reports of a batch and, per source, the :class:`Withheld` groups.

    Every report is a cell of the source's linked tables (its filter
    parameters ``provider``/``department``/``wave`` plus its ``by`` group);
    a report is planned only when the disclosure audit of the whole source
    publishes that cell, so no two outputs of the batch can be differenced
    to reveal a small group.  A filtered scope that is itself withheld gives
    no report at all.  With ``share`` (a folder), every survey read is also
    left there for the batch's kernels (:func:`kitlib.report.chapter.share_survey`).
    """
    if by is not None and by not in GROUP_COLUMNS:
        raise OptionError(f"--by must be one of {', '.join(GROUP_COLUMNS)}, not {by!r}")
    refuse_threshold_parameters(parameters)
    cases = _batch_cases(cases, data)
    options = {**(parameters or {}), "min_group_size": min_group_size}
    jobs, withheld = [], {}
    for stem, source in _sources(cases, list(data), codebook):
        try:
            survey = _load(source, share)
        except KitError:
            # The source cannot be read: plan one ungrouped job so that the
            # failure shows up as a failed report with the loader's message.
            jobs.append(ReportJob(name=stem, parameters=options, **source))
            continue
        scope = report_scope(survey, options)
        if by is None:
            audit = audit_disclosure(survey, min_group_size)
            status = audit.status(**scope)
            if status in ("shown", "empty"):  # "empty": the filter matches nobody; the report says so
                jobs.append(ReportJob(name=stem, parameters=options, rows=scope_rows(survey, scope), **source))
            else:
                withheld[stem] = Withheld(small=int(status == "small"), protection=int(status != "small"))
            continue
        groups, withheld[stem] = reportable_groups(survey, by, min_group_size, scope)
        rows = scope_rows(survey, scope, by) if groups else {}
        for group in groups:
            jobs.append(ReportJob(name=f"{stem}__{by}-{slug(group)}", group_by=by, group=group, parameters=options,
                                  rows=int(rows.get(group, 0)), **source))
    return _unique_names(jobs), withheld


def _unique_names(jobs: list[ReportJob]) -> list[ReportJob]:
    """Suffix ``-2``, ``-3``... to names that collide (e.g. "R&D" and "R-D" both slug to "R-D")."""
    seen: dict[str, int] = {}
    unique = []
    for job in jobs:
        seen[job.name] = seen.get(job.name, 0) + 1
        unique.append(job if seen[job.name] == 1 else replace(job, name=f"{job.name}-{seen[job.name]}"))
    return unique


def _load(source: dict, share=None):
    if share is not None:
        from kitlib.report.chapter import share_survey  # the chapter helpers import this module

        return share_survey(share, source.get("case") or "", source.get("data_path") or "", source.get("codebook_path") or "")
    if source.get("case"):
        files = case_files(source["case"])  # (planning needs no self-assessment)
        return load_survey(files["path"], files["codebook"], on_invalid="exclude")
    return load_survey(source["data_path"], source.get("codebook_path"), on_invalid="exclude")
