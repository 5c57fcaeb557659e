"""Batch reports: run the case report notebook for every case / group with papermill.

``kitlib report`` (see :mod:`kitlib.report.cli`) builds a grid of report jobs
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

import sys

# nbformat imports jsonschema, which imports the optional ``rfc3987_syntax`` at
# start-up (about one second compiling a grammar) only to check "iri" string
# formats; nbformat never asks for format checks.  Report runs import nbformat
# in the parent and in every worker, so skip that optional import unless
# something has loaded it already.
sys.modules.setdefault("rfc3987_syntax", None)

from .execute import ReportResult, run_job, run_jobs  # noqa: E402 - after the import guard above
from .grid import ReportJob, build_jobs, notebooks_dir  # noqa: E402

__all__ = ["ReportJob", "ReportResult", "build_jobs", "notebooks_dir", "run_job", "run_jobs"]
