"""Batch reports: run the case report notebook for every case / group with papermill.

``kitlib report`` (see :mod:`kitlib.cli`) builds a grid of report jobs
(:mod:`kitlib.report.grid`), executes them in parallel worker processes
(:mod:`kitlib.report.execute`), converts each executed notebook to HTML with
the code hidden and writes an ``index.html`` (:mod:`kitlib.report.index`).
The chapter notebooks use the small helpers in :mod:`kitlib.report.chapter`.

Example
-------
>>> from kitlib.report.grid import build_jobs
>>> [job.name for job in build_jobs(cases=["bank"])]
['bank']

References
----------
nteract team. *papermill: parameterize and execute Jupyter notebooks*.
https://papermill.readthedocs.io/
"""

from kitlib._lazy import attach

# Loaded on first use: the ``kitlib`` command imports the runner only after its kernels are starting.
_EXPORTS = {
    "kitlib.report.execute": ("ReportResult", "run_job", "run_jobs"),
    "kitlib.report.grid": ("ReportJob", "build_jobs", "notebooks_dir"),
}

__all__ = ["ReportJob", "ReportResult", "build_jobs", "notebooks_dir", "run_job", "run_jobs"]

__getattr__, __dir__ = attach(__name__, _EXPORTS)
