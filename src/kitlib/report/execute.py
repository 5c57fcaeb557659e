"""Execute report jobs with papermill in parallel and write HTML without code.

Each job runs in a worker process: papermill executes the report notebook
into a scratch folder in a kernel the worker keeps warm.  The kernel is started
as soon as the worker starts and imports the scientific stack while the worker
imports papermill (so the stack is imported once per worker, not per report);
a first ``%reset -f`` cell empties the namespace before every report; the
kernel is replaced after any failure (``fresh_kernels=True`` starts a new
kernel per report instead).  The notebook writes its key figures to a JSON file
(the ``summary_path`` parameter), and the executed notebook is converted to
HTML with every input cell hidden.  Results are moved into place with
:func:`os.replace`, so a report file is either complete or absent.  A failed
run keeps its executed notebook and error message under ``failed/``.

Example
-------
>>> from kitlib.report import build_jobs, run_jobs
>>> results = run_jobs(build_jobs(cases=["bank"]), "reports", workers=1)  # doctest: +SKIP
>>> results[0].status  # doctest: +SKIP
'ok'

References
----------
nteract team. *papermill*. https://papermill.readthedocs.io/ ;
Jupyter team. *nbconvert: HTMLExporter* (``exclude_input``). https://nbconvert.readthedocs.io/
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from multiprocessing import util
from pathlib import Path
from typing import TYPE_CHECKING

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from tqdm.auto import tqdm

from kitlib.atomic import write_atomically
from kitlib.report.grid import REPORT_NOTEBOOK, ReportJob, notebooks_dir

__all__ = [
    "default_workers",
    "describe_error",
    "discard_kernels",
    "notebook_to_html",
    "read_executed",
    "ReportResult",
    "run_job",
    "run_jobs",
    "start_worker",
    "warm_kernel",
    "with_reset_cell",
    "without_optional_iri_grammar",
]

if TYPE_CHECKING:
    import nbformat

KERNEL = "python3"
FORMATS = ("html", "ipynb")
SCRATCH = ".work"
FAILED = "failed"
RESET = "%reset -f"
RESET_TAG = "kitlib-reset"
WARM_UP = ("import IPython.display, matplotlib.pyplot, numpy, pandas, seaborn, kitlib, kitlib.report.chapter; "
           "kitlib.plot.set_theme()")

_warm_kernels: dict[str, AsyncKernelManager] = {}
OPTIONAL_IRI_GRAMMAR = "rfc3987_syntax"


@contextmanager
def without_optional_iri_grammar():
    """Within a batch, skip jsonschema's optional IRI grammar (about 1 s to compile per process).

    nbformat imports jsonschema, which imports ``rfc3987_syntax`` when it is
    installed (Jupyter's ``jsonschema[format-nongpl]`` brings it) only to
    check ``"iri"`` string formats; nbformat never checks formats.  The
    batch's parent and its forked workers import nbformat while this is
    active; the entry is removed afterwards, so nothing outside a report
    batch is affected.
    """
    added = OPTIONAL_IRI_GRAMMAR not in sys.modules
    if added:
        sys.modules[OPTIONAL_IRI_GRAMMAR] = None
    try:
        yield
    finally:
        if added and OPTIONAL_IRI_GRAMMAR in sys.modules and sys.modules[OPTIONAL_IRI_GRAMMAR] is None:
            del sys.modules[OPTIONAL_IRI_GRAMMAR]


@dataclass
class ReportResult:
    """Outcome of one report job.

    Attributes
    ----------
    name, title : str
        File stem and human label of the job.
    status : {"ok", "failed"}
    path : str or None
        The report file, relative to the output folder (None when failed).
    seconds : float
        Wall time of execution and conversion.
    summary : dict
        Key figures the notebook recorded (n, CSI, NPS, largest gap...).
    error : str
        ``ExceptionName: message`` of a failed run, else "".
    notebook : str or None
        Kept executed notebook of a failed run, relative to the output folder.
    """

    name: str
    title: str
    status: str
    path: str | None = None
    seconds: float = 0.0
    summary: dict = field(default_factory=dict)
    error: str = ""
    notebook: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def notebook_to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """HTML of an executed notebook with every input cell, prompt and stderr stream removed."""
    from nbconvert import HTMLExporter  # imported by the workers only, while their kernels start

    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.outputs if out.get("name") != "stderr"]
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.log.setLevel(logging.ERROR)  # no "alternative text is missing" notes for charts
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def describe_error(error: BaseException) -> str:
    """One-line ``Name: message`` of a papermill or other failure."""
    import papermill

    if isinstance(error, papermill.PapermillExecutionError):
        return f"{error.ename}: {error.evalue}"
    return f"{type(error).__name__}: {error}"


def _shutdown(manager: AsyncKernelManager) -> None:
    if run_sync(manager.is_alive)():
        run_sync(manager.shutdown_kernel)(now=True)
    shutil.rmtree(Path(manager.ip).parent, ignore_errors=True)


def warm_kernel(kernel: str, cwd: Path) -> AsyncKernelManager:
    """This process's kernel, started on first use and kept for the next reports."""
    manager = _warm_kernels.get(kernel)
    if manager is not None and run_sync(manager.is_alive)():
        return manager
    # Unix-domain sockets in a private folder: no TCP ports to race for with other kernels on the machine.
    sockets = Path(tempfile.mkdtemp(prefix="kitlib-kernel-"))
    manager = AsyncKernelManager(kernel_name=kernel, transport="ipc", ip=str(sockets / "kernel"))
    run_sync(manager.start_kernel)(cwd=str(cwd), extra_arguments=[f"--IPKernelApp.exec_lines={WARM_UP}"])
    util.Finalize(manager, _shutdown, args=(manager,), exitpriority=10)
    _warm_kernels[kernel] = manager
    return manager


def with_reset_cell(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` with a first cell that empties a reused kernel's namespace."""
    import nbformat  # imported inside a batch (see without_optional_iri_grammar)
    notebook = nbformat.read(path, as_version=4)
    reset = nbformat.v4.new_code_cell(RESET)
    reset.metadata["tags"] = [RESET_TAG]
    notebook.cells.insert(0, reset)
    return notebook


def read_executed(path: Path) -> nbformat.NotebookNode:
    """An executed notebook without the reset cell that :func:`with_reset_cell` added."""
    import nbformat  # imported inside a batch (see without_optional_iri_grammar)
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [cell for cell in notebook.cells if RESET_TAG not in cell.metadata.get("tags", [])]
    return notebook


def start_worker(kernel: str, cwd: Path, fresh_kernels: bool) -> None:
    """Pool initializer: start this worker's kernel right away (it boots while papermill is imported)."""
    if not fresh_kernels:
        warm_kernel(kernel, cwd)


def discard_kernels() -> None:
    """Shut down this process's warm kernels (after a failure, or at the end of a batch)."""
    while _warm_kernels:
        _, manager = _warm_kernels.popitem()
        _shutdown(manager)


def _clear(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def run_job(job: ReportJob, out_dir, *, notebook=None, fmt: str = "html", kernel: str = KERNEL,
            fresh_kernels: bool = False) -> ReportResult:
    """Execute one report job and write its report (or its failure) into ``out_dir``."""
    import nbformat  # imported inside a batch (see without_optional_iri_grammar)
    import papermill  # imported by the workers only, while their kernels start

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    out_dir = Path(out_dir)
    notebook = Path(job.notebook or notebook or notebooks_dir() / REPORT_NOTEBOOK)
    scratch = out_dir / SCRATCH
    scratch.mkdir(parents=True, exist_ok=True)
    executed = scratch / f"{job.name}.ipynb"
    summary_file = scratch / f"{job.name}.summary.json"
    target = out_dir / f"{job.name}.{fmt}"
    failed_dir = out_dir / FAILED
    kept, error_file = failed_dir / f"{job.name}.ipynb", failed_dir / f"{job.name}.error.txt"
    _clear(summary_file)
    parameters = {**job.notebook_parameters(), "summary_path": str(summary_file.resolve())}
    start = time.perf_counter()
    try:
        manager = None if fresh_kernels else warm_kernel(kernel, scratch)
        papermill.execute_notebook(
            str(notebook) if fresh_kernels else with_reset_cell(notebook), str(executed),
            parameters=parameters, kernel_name=kernel,
            progress_bar=False, log_output=False, cwd=str(scratch), km=manager,
            request_save_on_cell_execute=False,  # write the output notebook once, at the end
        )
    except Exception as error:  # noqa: BLE001 - any failure of one run is reported, never fatal
        discard_kernels()
        message = describe_error(error)
        failed_dir.mkdir(exist_ok=True)
        if executed.exists():
            write_atomically(kept, nbformat.writes(read_executed(executed)))
        write_atomically(error_file, message + "\n")
        _clear(target, summary_file, executed)
        return ReportResult(
            job.name, job.title, "failed", seconds=time.perf_counter() - start, error=message,
            notebook=str(kept.relative_to(out_dir)) if kept.exists() else None,
        )
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    result = read_executed(executed)
    text = notebook_to_html(result, title=summary.get("title", job.title)) if fmt == "html" else nbformat.writes(result)
    write_atomically(target, text)
    _clear(executed, summary_file, kept, error_file)
    return ReportResult(
        job.name, job.title, "ok", path=target.name, seconds=time.perf_counter() - start, summary=summary
    )


def default_workers() -> int:
    """Number of usable CPU cores."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_jobs(jobs, out_dir, *, workers: int | None = None, notebook=None, fmt: str = "html",
             kernel: str = KERNEL, fresh_kernels: bool = False, progress: bool = True) -> list[ReportResult]:
    """Run every job, ``workers`` at a time, with a progress bar; results in job order.

    Parameters
    ----------
    jobs : list of ReportJob
    out_dir : str or Path
        Created if missing; receives ``<name>.html`` (or ``.ipynb``) and ``failed/``.
    workers : int, optional
        Parallel papermill runs (default: number of cores).
    notebook : path, optional
        The report notebook (default ``notebooks/report.ipynb``).
    fmt : {"html", "ipynb"}
    kernel : str
        Jupyter kernel name (default ``python3``).
    fresh_kernels : bool
        Start a new kernel for every report instead of reusing a warm one per worker.
    progress : bool
        Show a tqdm progress bar.
    """
    jobs = list(jobs)
    out_dir = Path(out_dir)
    (out_dir / SCRATCH).mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or default_workers(), len(jobs) or 1))
    options = {"notebook": notebook, "fmt": fmt, "kernel": kernel, "fresh_kernels": fresh_kernels}
    results: dict[str, ReportResult] = {}
    bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress)
    try:
        _run_all(jobs, out_dir, workers, options, results, bar)
    finally:
        bar.close()
    shutil.rmtree(out_dir / SCRATCH, ignore_errors=True)
    return [results[job.name] for job in jobs]


def _run_all(jobs, out_dir, workers, options, results, bar) -> None:
    """Run the jobs in this process (one worker) or in a pool of forked workers, filling ``results``."""
    with without_optional_iri_grammar():
        if workers == 1:
            try:
                for job in jobs:
                    results[job.name] = run_job(job, out_dir, **options)
                    bar.set_postfix_str(f"{job.name}: {results[job.name].status}")
                    bar.update()
            finally:
                discard_kernels()
            return
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker,
                                 initargs=(options["kernel"], out_dir / SCRATCH, options["fresh_kernels"])) as pool:
            futures = {pool.submit(run_job, job, out_dir, **options): job for job in jobs}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    results[job.name] = future.result()
                except Exception as error:  # noqa: BLE001 - a crashed worker fails only its job
                    results[job.name] = ReportResult(job.name, job.title, "failed", error=describe_error(error))
                bar.set_postfix_str(f"{job.name}: {results[job.name].status}")
                bar.update()
