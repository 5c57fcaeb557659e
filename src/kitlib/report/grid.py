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

from kitlib.data.cases import CASES, case_dir, shipped_dir
from kitlib.data.readers import load_survey
from kitlib.errors import KitError, OptionError
from kitlib.privacy import suppress_small_groups

__all__ = ["build_jobs", "group_counts", "notebooks_dir", "plan", "reportable_groups", "ReportJob", "slug"]

GROUP_COLUMNS = ("provider", "department")
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
    """

    name: str
    case: str | None = None
    data_path: str | None = None
    codebook_path: str | None = None
    group_by: str | None = None
    group: str | None = None
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    notebook: str | None = None

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
    grouped = survey.data.groupby(by)
    respondent = survey.codebook.respondent_id
    sizes = grouped[respondent].nunique() if respondent else grouped.size()
    return sizes.rename("n").reset_index()


def reportable_groups(survey, by: str, min_group_size: int) -> tuple[list[str], int]:
    """Groups that may get their own report, and how many were withheld.

    A group is withheld when :func:`kitlib.suppress_small_groups` hides it
    (fewer than ``min_group_size`` respondents, or hidden to protect such a
    group against differencing).
    """
    counts = group_counts(survey, by)
    checked = suppress_small_groups(counts, by, min_n=min_group_size)
    visible = sorted(str(value) for value in checked.loc[~checked["suppressed"], by])
    return visible, counts[by].nunique() - len(visible)


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
    if by is not None and by not in GROUP_COLUMNS:
        raise OptionError(f"--by must be one of {', '.join(GROUP_COLUMNS)}, not {by!r}")
    if cases is None:
        cases = [] if data else list(CASES)
    options = {"min_group_size": min_group_size, **(parameters or {})}
    jobs, withheld = [], {}
    for stem, source in _sources(cases, list(data), codebook):
        if by is None:
            jobs.append(ReportJob(name=stem, parameters=options, **source))
            continue
        try:
            survey = _load(source)
        except KitError:
            # The source cannot be read: plan one ungrouped job so that the
            # failure shows up as a failed report with the loader's message.
            jobs.append(ReportJob(name=stem, parameters=options, **source))
            continue
        groups, hidden = reportable_groups(survey, by, min_group_size)
        withheld[stem] = hidden
        for group in groups:
            jobs.append(ReportJob(name=f"{stem}__{by}-{slug(group)}", group_by=by, group=group, parameters=options, **source))
    return _unique_names(jobs), withheld


def _unique_names(jobs: list[ReportJob]) -> list[ReportJob]:
    """Suffix ``-2``, ``-3``... to names that collide (e.g. "R&D" and "R-D" both slug to "R-D")."""
    seen: dict[str, int] = {}
    unique = []
    for job in jobs:
        seen[job.name] = seen.get(job.name, 0) + 1
        unique.append(job if seen[job.name] == 1 else replace(job, name=f"{job.name}-{seen[job.name]}"))
    return unique


def _load(source: dict):
    if source.get("case"):
        folder = case_dir(source["case"])
        return load_survey(folder / "responses.csv", folder / "codebook.yaml", on_invalid="exclude")
    return load_survey(source["data_path"], source.get("codebook_path"), on_invalid="exclude")
