"""Execute report jobs with papermill in parallel and write HTML without code.

Each job runs in a worker process: papermill executes the report notebook
into a scratch folder in a kernel the worker keeps warm.  The kernel is started
as soon as the worker starts and imports the scientific stack while the worker
imports papermill (so the stack is imported once per worker, not per report);
a first ``%reset -f`` cell empties the namespace before every report; the
kernel is replaced after any failure (``fresh_kernels=True`` starts a new
kernel per report instead).  The notebook writes its key figures to a JSON file
(the ``summary_path`` parameter), and the executed notebook is converted to
safe, self-contained HTML (:mod:`kitlib.report.html`: every text from the data
escaped, no script, nothing loaded from the network, the Chinese glyphs of the
page embedded by :mod:`kitlib.report.fonts`) and, on request, to PDF
(:mod:`kitlib.report.pdf`).  Results are moved into place with
:func:`os.replace`, so a report file is either complete or absent.  A failed
run keeps its executed notebook and error message under ``failed/``.

The runner owns only what it creates: a private, uniquely named work folder
(``.kitlib-work-*``) inside the output folder, removed at the end; a lock file
``.kitlib-report.lock`` refuses a second batch into the same folder while one
runs.  Every failure of one report (a notebook error, an unwritable file, a
crashed worker) becomes a failed result; Ctrl-C or SIGTERM stops the workers
and their kernels and raises :class:`BatchInterrupted` carrying the results
of what finished, so the caller still writes the index.

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
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
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
from kitlib.errors import KitError
from kitlib.report.grid import REPORT_NOTEBOOK, ReportJob, notebooks_dir

__all__ = [
    "BatchInterrupted",
    "batch_lock",
    "default_workers",
    "describe_error",
    "discard_kernels",
    "notebook_to_html",
    "output_folder",
    "OutputFolderError",
    "parse_formats",
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
FORMATS = ("html", "ipynb", "pdf", "html,pdf")
SCRATCH_PREFIX = ".kitlib-work-"
LOCK_FILE = ".kitlib-report.lock"
FAILED = "failed"
# The first cell of every report: empty the namespace, then undo what %reset -f leaves behind (see _kernel).
RESET = "%reset -f\nimport kitlib.report._kernel as _kitlib_kernel\n_kitlib_kernel.restore()\ndel _kitlib_kernel"
RESET_TAG = "kitlib-reset"
WARM_UP = ("import IPython.display, matplotlib.pyplot, numpy, pandas, seaborn, kitlib, kitlib.report.chapter, "
           "kitlib.report._kernel; kitlib.plot.set_theme(); kitlib.report._kernel.snapshot()")
MAX_ERROR = 2000

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

    files: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


class OutputFolderError(KitError):
    """The output folder cannot be used (it is a file, or another batch is writing into it)."""


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a batch; ``results`` lists every job (unfinished ones failed)."""

    def __init__(self, results=None, signum: int = signal.SIGINT):
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.results = results or []
        self.signum = signum


def notebook_to_html(notebook: nbformat.NotebookNode, title: str, *, lang: str = "zh", fonts: bool = True) -> str:
    """Safe, self-contained HTML of an executed notebook (no code, stderr, script or network; see ``report.html``).

    With ``fonts`` the CJK glyphs of the page are embedded (:mod:`kitlib.report.fonts`).
    """
    from kitlib.report import html

    page = html.notebook_to_html(notebook, title, lang=lang)
    if not fonts:
        return page
    from kitlib.report.fonts import embed_font

    return embed_font(page)




def describe_error(error: BaseException) -> str:
    """One-line ``Name: message`` of a papermill or other failure."""
    import papermill

    if isinstance(error, papermill.PapermillExecutionError):
        text = f"{error.ename}: {error.evalue}"
    else:
        text = f"{type(error).__name__}: {error}"
    return text if len(text) <= MAX_ERROR else text[:MAX_ERROR] + " …"


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
    """The notebook at ``path`` with a first cell that empties a reused kernel (see :mod:`kitlib.report._kernel`)."""
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


def _kill_children(signum=None, frame=None) -> None:
    """Kill this process's kernels (and anything else it started) at once, without asyncio."""
    try:
        import psutil

        for child in psutil.Process().children(recursive=True):
            child.kill()
    except Exception:  # noqa: BLE001 - best effort while stopping
        pass
    for manager in list(_warm_kernels.values()):
        try:
            manager.provisioner.process.kill()
        except Exception:  # noqa: BLE001 - best effort while stopping
            pass


def _worker_stop(signum, frame) -> None:
    _kill_children()
    os._exit(128 + signum)


def _die_with_parent() -> None:
    """On Linux, have the kernel send this worker SIGTERM when its parent dies (even by SIGKILL)."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_worker(kernel: str, cwd: Path, fresh_kernels: bool) -> None:
    """Pool initializer: stop signals handled by the parent, then start this worker's kernel right away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole terminal group; the parent decides
    signal.signal(signal.SIGTERM, _worker_stop)
    _die_with_parent()
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
    if not fresh_kernels:
        warm_kernel(kernel, cwd)


def discard_kernels() -> None:
    """Shut down this process's warm kernels (after a failure, or at the end of a batch)."""
    while _warm_kernels:
        _, manager = _warm_kernels.popitem()
        _shutdown(manager)


def _clear(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def parse_formats(fmt: str) -> tuple[str, ...]:
    """``"html"``, ``"ipynb"``, ``"pdf"`` or a comma-separated list such as ``"html,pdf"``."""
    formats = tuple(dict.fromkeys(part.strip() for part in str(fmt).split(",") if part.strip()))
    allowed = {"html", "ipynb", "pdf"}
    if not formats or not set(formats) <= allowed:
        raise ValueError(f"format must be html, ipynb, pdf or a comma-separated list of them, not {fmt!r}")
    return formats


def _write_outputs(executed_nb, job: ReportJob, summary: dict, out_dir: Path, formats) -> list[str]:
    """Write the report in every format; return the file names (relative to ``out_dir``)."""
    import copy

    import nbformat

    title = str(summary.get("title") or job.title)
    lang = str(job.parameters.get("lang", "zh"))
    written, page = [], None
    for fmt in formats:
        target = out_dir / f"{job.name}.{fmt}"
        if fmt == "ipynb":
            write_atomically(target, nbformat.writes(executed_nb))
        else:
            if page is None:
                page = notebook_to_html(copy.deepcopy(executed_nb), title, lang=lang)
            if fmt == "html":
                write_atomically(target, page)
            else:
                from kitlib.report.pdf import html_to_pdf

                html_to_pdf(page, target, title=title)
        written.append(target.name)
    return written


def _failed(job: ReportJob, out_dir: Path, message: str, seconds: float, executed: Path | None) -> ReportResult:
    """Record a failed run: its error message and (when there is one) its executed notebook under ``failed/``."""
    import nbformat

    failed_dir = out_dir / FAILED
    kept = failed_dir / f"{job.name}.ipynb"
    try:
        failed_dir.mkdir(exist_ok=True)
        if executed is not None and executed.exists():
            write_atomically(kept, nbformat.writes(read_executed(executed)))
        write_atomically(failed_dir / f"{job.name}.error.txt", message + "\n")
    except (OSError, ValueError):
        pass  # the failure is still recorded in the result and the index
    return ReportResult(job.name, job.title, "failed", seconds=seconds, error=message,
                        notebook=str(kept.relative_to(out_dir)) if kept.exists() else None)


def run_job(job: ReportJob, out_dir, *, notebook=None, fmt: str = "html", kernel: str = KERNEL,
            fresh_kernels: bool = False, scratch=None) -> ReportResult:
    """Execute one report job and write its report (or its failure) into ``out_dir``.

    ``scratch`` is the batch's private work folder; without it a private one
    is created in ``out_dir`` and removed afterwards.  Any exception of the
    run becomes a failed result; only an interruption propagates.
    """
    import papermill  # imported by the workers only, while their kernels start

    formats = parse_formats(fmt)
    out_dir = Path(out_dir)
    own = scratch is None
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=out_dir)) if own else Path(scratch)
    notebook = Path(job.notebook or notebook or notebooks_dir() / REPORT_NOTEBOOK)
    executed = scratch / f"{job.name}.ipynb"
    summary_file = scratch / f"{job.name}.summary.json"
    start = time.perf_counter()
    ran = False
    try:
        _clear(summary_file)
        parameters = {**job.notebook_parameters(), "summary_path": str(summary_file.resolve())}
        manager = None if fresh_kernels else warm_kernel(kernel, scratch)
        papermill.execute_notebook(
            with_reset_cell(notebook), str(executed),
            parameters=parameters, kernel_name=kernel,
            progress_bar=False, log_output=False, cwd=str(scratch), km=manager,
            request_save_on_cell_execute=False,  # write the output notebook once, at the end
        )
        ran = True
        summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
        summary = summary if isinstance(summary, dict) else {}
        files = _write_outputs(read_executed(executed), job, summary, out_dir, formats)
    except Exception as error:  # noqa: BLE001 - any failure of one run is reported, never fatal
        if not ran:
            discard_kernels()
        for name in formats:
            _clear(out_dir / f"{job.name}.{name}")
        return _failed(job, out_dir, describe_error(error), time.perf_counter() - start, executed)
    finally:
        _clear(summary_file)
        if own:
            shutil.rmtree(scratch, ignore_errors=True)
    _clear(executed, out_dir / FAILED / f"{job.name}.ipynb", out_dir / FAILED / f"{job.name}.error.txt")
    return ReportResult(job.name, job.title, "ok", path=files[0], seconds=time.perf_counter() - start,
                        summary=summary, files=files)


def default_workers() -> int:
    """Number of usable CPU cores."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def output_folder(out_dir) -> Path:
    """``out_dir``, created if missing; :class:`OutputFolderError` when it is a file or cannot be created."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputFolderError(f"--out {out_dir} is a file, not a folder; choose a folder for the reports")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputFolderError(f"cannot create the output folder {out_dir}: {error.strerror or error}") from None
    return out_dir


_held_locks: set[str] = set()


@contextmanager
def batch_lock(out_dir):
    """Hold ``out_dir/.kitlib-report.lock`` for a batch; :class:`OutputFolderError` if another batch holds it.

    The lock is an OS advisory lock (``flock``), released automatically when
    the process ends however it ends; the small file itself stays.  Re-entrant
    within one process.
    """
    path = Path(out_dir) / LOCK_FILE
    key = str(path.resolve())
    if key in _held_locks:
        yield path
        return
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock(handle)
    except OSError:
        os.close(handle)
        try:
            holder = path.read_text(encoding="utf-8").strip()
        except OSError:
            holder = "?"
        raise OutputFolderError(
            f"another 'kitlib report' (pid {holder or '?'}) is writing into {out_dir}; "
            "wait for it to finish or choose another --out") from None
    os.ftruncate(handle, 0)
    os.write(handle, str(os.getpid()).encode())
    _held_locks.add(key)
    try:
        yield path
    finally:
        _held_locks.discard(key)
        os.close(handle)  # releases the lock


def _lock(handle: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


#: Signals received during the running batch (main thread), so a stop the notebook runner swallowed is still honoured.
_stop_requested: list[int] = []
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stop(signum, frame):
    _stop_requested.append(signum)
    raise BatchInterrupted(signum=signum)


def _catch_stop_signals() -> dict:
    """Install :func:`_stop` for Ctrl-C and SIGTERM; return the previous handlers."""
    return {number: signal.signal(number, _stop) for number in STOP_SIGNALS}


@contextmanager
def _stop_signals():
    """In the main thread, turn Ctrl-C and SIGTERM into :class:`BatchInterrupted`.

    The signal is also recorded, and the one-worker loop checks the record between reports: code
    that runs the notebook may catch the interrupt while a cell runs, and the batch must stop anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _stop_requested.clear()
    previous = _catch_stop_signals()
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


STOPPED = "Interrupted: the batch was stopped (Ctrl-C or SIGTERM) before this report finished"


def run_jobs(jobs, out_dir, *, workers: int | None = None, notebook=None, fmt: str = "html",
             kernel: str = KERNEL, fresh_kernels: bool = False, progress: bool = True,
             scheduler: str | None = None) -> list[ReportResult]:
    """Run every job, ``workers`` at a time, with a progress bar; results in job order.

    Parameters
    ----------
    jobs : list of ReportJob
    out_dir : str or Path
        Created if missing; receives ``<name>.html`` (and/or ``.pdf``, ``.ipynb``) and ``failed/``.
    workers : int, optional
        Parallel worker processes (default: number of cores).
    notebook : str or Path, optional
        Report notebook (default: the shipped ``notebooks/report.ipynb``).
    fmt : {"html", "ipynb", "pdf", "html,pdf"}
    kernel : str
        Jupyter kernel name.
    fresh_kernels : bool
        Start a new kernel for every report instead of reusing a warm one per worker.
    progress : bool
        Show a tqdm progress bar.
    scheduler : str, optional
        Address of a Dask distributed scheduler (not available yet: raises KitError).

    Raises
    ------
    OutputFolderError
        ``out_dir`` is a file, or another batch is writing into it.
    BatchInterrupted
        Ctrl-C or SIGTERM; ``.results`` holds every job's result.
    """
    jobs = list(jobs)
    parse_formats(fmt)
    if scheduler:
        raise KitError("--scheduler (Dask distributed) is not available yet; run without it to use local workers")
    out_dir = output_folder(out_dir)
    with batch_lock(out_dir):
        scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=out_dir))
        workers = max(1, min(workers or default_workers(), len(jobs) or 1))
        options = {"notebook": notebook, "fmt": fmt, "kernel": kernel, "fresh_kernels": fresh_kernels,
                   "scratch": scratch}
        results: dict[str, ReportResult] = {}
        bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress)
        stopped = None
        try:
            with _stop_signals():
                _run_all(jobs, out_dir, workers, options, results, bar)
        except KeyboardInterrupt as error:
            stopped = error
        finally:
            bar.close()
            shutil.rmtree(scratch, ignore_errors=True)
        ordered = [results.get(job.name) or ReportResult(job.name, job.title, "failed", error=STOPPED) for job in jobs]
    if stopped is not None:
        raise BatchInterrupted(ordered, getattr(stopped, "signum", signal.SIGINT)) from None
    return ordered


def _record(results, bar, job, result) -> None:
    results[job.name] = result
    bar.set_postfix_str(f"{job.name[:40]}: {result.status}")
    bar.update()


def _run_all(jobs, out_dir, workers, options, results, bar) -> None:
    """Run the jobs in this process (one worker) or in a pool of forked workers, filling ``results``."""
    with without_optional_iri_grammar():
        if workers == 1:
            try:
                for job in jobs:
                    if _stop_requested:
                        raise BatchInterrupted(signum=_stop_requested[0])
                    if threading.current_thread() is threading.main_thread():
                        _catch_stop_signals()  # again: starting a kernel may have replaced the handlers
                    _record(results, bar, job, run_job(job, out_dir, **options))
                if _stop_requested:
                    raise BatchInterrupted(signum=_stop_requested[0])
            finally:
                discard_kernels()
            return
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker,
                                   initargs=(options["kernel"], options["scratch"], options["fresh_kernels"]))
        try:
            futures = {pool.submit(run_job, job, out_dir, **options): job for job in jobs}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a crashed worker fails only its job
                    result = ReportResult(job.name, job.title, "failed", error=describe_error(error))
                _record(results, bar, job, result)
        except BaseException:
            _stop_pool(pool)
            raise
        pool.shutdown(wait=True)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now: SIGTERM makes each kill its kernel and exit; then cancel what is queued."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            try:
                os.kill(process.pid, signal.SIGTERM)
            except OSError:
                pass
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
