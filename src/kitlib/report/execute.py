"""Execute report jobs with papermill in parallel and write HTML without code.

Each job runs in a worker process: papermill executes the report notebook
into a scratch folder in a kernel the worker keeps warm.  The workers
(:class:`LocalWorkers`) and the batch's fork server
(:mod:`kitlib.report._forkserver`) start before the batch is planned: the
server imports the report's stack once for the whole batch while the
``kitlib`` command plans (leaving the surveys it read for the kernels) and
prepares papermill and the HTML exporter, then forks each worker's kernel
(in about 0.3 s); a custom ``kernel`` or a Dask worker starts a kernel of its
own that imports the stack.  The largest reports start first, and a worker
goes on to its next report while the batch's own process writes the finished
one's HTML.  A first
``%reset -f`` cell empties the namespace before every report; the kernel is
replaced after any failure (``fresh_kernels=True`` starts a new kernel from
scratch for every report instead).  The notebook writes its key figures to a JSON file
(the ``summary_path`` parameter), and the executed notebook is converted to
safe, self-contained HTML (:mod:`kitlib.report.html`: every text from the data
escaped, no script, nothing loaded from the network, the Chinese glyphs of the
page embedded by :mod:`kitlib.report.fonts`) and, on request, to PDF
(:mod:`kitlib.report.pdf`).  Results are moved into place with
:func:`os.replace`, so a report file is either complete or absent.  A failed
run keeps its executed notebook and error message under ``failed/``.

The runner owns only what it creates: a private, uniquely named work folder
(``.kitlib-work-*``) in the system's temporary folder, removed at the end; a lock file
``.kitlib-report.lock`` refuses a second batch into the same folder while one
runs.  Every failure of one report (a notebook error, an unwritable file, a
crashed worker) becomes a failed result; Ctrl-C or SIGTERM stops the workers
and their kernels and raises :class:`BatchInterrupted` carrying the results
of what finished, so the caller still writes the index.

A manifest, ``.kitlib-manifest.json`` (written atomically), lists the files
the runner wrote into the output folder.  At the end of a batch, files of the
previous manifest that this batch does not produce (the report of a group now
withheld under a stricter threshold, a format no longer asked for, the failure
record of a report that now succeeds) are removed; nothing that is not in a
manifest is ever deleted.  The threshold (``min_group_size``) is one per batch:
notebook parameters cannot set or lower it (:func:`refuse_threshold_parameters`).

With ``scheduler`` the reports run on a Dask distributed cluster instead of
local workers: each job runs on a worker in a private folder with the survey
files, codebook and notebook it reads shipped along (workers need only the
installed kit, not the submitter's files); the worker returns the report
files' bytes, which this process writes atomically into the output folder.
Progress bar, failed-run records, manifest and Ctrl-C (futures cancelled,
the batch's kernels on the workers killed) behave as with local workers.

Example
-------
>>> from kitlib.report import build_jobs, run_jobs
>>> results = run_jobs(build_jobs(cases=["bank"]), "reports", workers=1)  # doctest: +SKIP
>>> results[0].status  # doctest: +SKIP
'ok'

References
----------
nteract team. *papermill*. https://papermill.readthedocs.io/ ;
Jupyter team. *nbconvert: HTMLExporter* (``exclude_input``). https://nbconvert.readthedocs.io/ ;
Dask developers. *Dask.distributed*. https://distributed.dask.org/
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import numbers
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from functools import cache, partial
from multiprocessing import util
from pathlib import Path, PurePosixPath
from queue import Empty
from typing import TYPE_CHECKING

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from tqdm.auto import tqdm
from traitlets import Type

from kitlib._lazy import without_optional_iri_grammar
from kitlib.atomic import write_atomically
from kitlib.errors import KitError, OptionError
from kitlib.report._forkserver import FORK_KERNEL, SCRATCH_PREFIX, ForkServer, batch_folder, die_with_parent, kernel_folders
from kitlib.report.grid import REPORT_NOTEBOOK, ReportJob, longest_first, notebooks_dir, refuse_threshold_parameters

__all__ = [
    "BatchInterrupted",
    "batch_lock",
    "batch_threshold",
    "default_workers",
    "describe_error",
    "discard_kernels",
    "execute_report",
    "ExecutedReport",
    "Manifest",
    "notebook_to_html",
    "output_folder",
    "OutputFolderError",
    "parse_formats",
    "prepare_runner",
    "publish_report",
    "read_executed",
    "read_manifest",
    "refuse_threshold_parameters",
    "ReportResult",
    "run_job",
    "run_jobs",
    "SchedulerError",
    "LocalWorkers",
    "start_worker",
    "stop_signals",
    "tidy_output_folder",
    "warm_kernel",
    "with_reset_cell",
]

if TYPE_CHECKING:
    import nbformat

KERNEL = "python3"
FORMATS = ("html", "ipynb", "pdf", "html,pdf")
LOCK_FILE = ".kitlib-report.lock"
MANIFEST = ".kitlib-manifest.json"
INDEX = "index.html"
FAILED = "failed"
#: Seconds to reach a Dask scheduler and see at least one of its workers.
CONNECT_SECONDS = 30
# The first cell of every report: empty the namespace, then undo what %reset -f leaves behind (see _kernel).
RESET = "%reset -f\nimport kitlib.report._kernel as _kitlib_kernel\n_kitlib_kernel.restore()\ndel _kitlib_kernel"
RESET_TAG = "kitlib-reset"
WARM_UP = "import kitlib.report._kernel; kitlib.report._kernel.warm_up()"
MAX_ERROR = 2000

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
    files : list of str
        Every report file written (one per format), relative to the output folder.
    min_group_size : int or None
        The threshold the notebook was given (None when the job set none).
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
    min_group_size: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class OutputFolderError(KitError):
    """The output folder cannot be used (it is a file, or another batch is writing into it)."""


class SchedulerError(KitError):
    """The Dask scheduler given with ``--scheduler`` cannot be reached or has no workers."""


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


@dataclass(frozen=True, eq=False)
class _Kernel:
    """A kernel this process started: its manager, kernel name, working folder, and whether it is kept warm."""

    manager: AsyncKernelManager
    name: str
    folder: str
    warm: bool


#: This process's running kernels.  A warm one serves every report run in its folder (one folder per batch and
#: worker thread); a fresh one (``fresh_kernels``) serves one report.
_kernels: list[_Kernel] = []


#: Milliseconds between a kernel client's attempts to reach a kernel that is not listening yet (ZeroMQ's default: 100).
RECONNECT_MS = 10


class _KeptClient(AsyncKernelClient):
    """A kernel client whose channels start once and that waits for its kernel once (see :class:`_OneClientManager`).

    A batch's clients connect before their kernels listen (a forked kernel is
    ready when the fork server has imported the stack); they retry every
    :data:`RECONNECT_MS` milliseconds, so the first report starts as soon as its kernel is there.
    """

    ready = False

    def start_channels(self, *args, **kwargs) -> None:
        if not self.channels_running:
            self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)  # the default for the channels' new sockets
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout=None) -> None:
        """Wait until the kernel answers a ``kernel_info`` request and IOPub delivers (once per client).

        jupyter_client's loop (``KernelClient._async_wait_for_ready``) without
        its last step, which drains IOPub until 0.2 s pass without a message:
        nbclient ignores the messages that answer none of its requests anyway.
        """
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while not self.ready:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected once it delivers the status of that request (or the kernel's welcome)
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    self.ready = True
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class _OneClientManager(AsyncKernelManager):
    """A kernel manager that gives every notebook run in its kernel the same client, connected and ready once.

    nbclient connects a new client for every notebook it runs and waits until
    the kernel answers on it; jupyter_client's wait ends only after 0.2 s
    without an IOPub message, so every report of a warm kernel began 0.2 s
    late (measured).  The kept client waits before the kernel's first report
    only (a later report runs in a kernel :func:`warm_kernel` found alive),
    and a report ignores the IOPub messages left from the previous one
    (nbclient reads only the messages that answer its own requests).  Its
    channels stop when the kernel is shut down (:func:`_shutdown`).
    """

    client_factory = Type(klass=_KeptClient, config=True)
    kept_client: _KeptClient | None = None

    def client(self, **kwargs) -> AsyncKernelClient:
        """The kept client (a new one for a call with arguments)."""
        if kwargs:
            return super().client(**kwargs)
        if self.kept_client is None:
            self.kept_client = super().client()
        return self.kept_client


def _shutdown(manager: AsyncKernelManager) -> None:
    """Stop a kernel at once and release its client, connection file and sockets.

    The process is killed and waited for here: jupyter_client's own shutdown
    polls for its exit every 0.1 s, which every batch's end waited through.
    """
    kept = getattr(manager, "kept_client", None)
    if kept is not None and kept.channels_running:
        kept.stop_channels()
    if run_sync(manager.is_alive)():
        _kill(manager)
        with suppress(Exception):  # gone already, or it is the kernel's business to end
            manager.provisioner.process.wait(timeout=5)
        run_sync(manager.shutdown_kernel)(now=True)
    shutil.rmtree(Path(manager.ip).parent, ignore_errors=True)


def _start_kernel(kernel: str, cwd: Path, *, warm: bool, kernel_dirs=None) -> AsyncKernelManager:
    """Start a kernel working in ``cwd``; a warm one is kept for the next reports run there.

    ``kernel_dirs`` are further folders of kernel specs (the fork server's,
    :class:`ForkServer`).  A kernel forked by the server has the stack already;
    any other warm kernel imports it at once (:data:`WARM_UP`).
    """
    # Unix-domain sockets in a private folder: no TCP ports to race for with other kernels on the machine.
    sockets = Path(tempfile.mkdtemp(prefix="kitlib-kernel-"))
    specs = {"kernel_spec_manager": KernelSpecManager(kernel_dirs=list(kernel_dirs))} if kernel_dirs else {}
    manager = _OneClientManager(kernel_name=kernel, transport="ipc", ip=str(sockets / "kernel"), **specs)
    extra = [f"--IPKernelApp.exec_lines={WARM_UP}"] if warm and kernel != FORK_KERNEL else []
    run_sync(manager.start_kernel)(cwd=str(cwd), extra_arguments=extra)
    util.Finalize(manager, _shutdown, args=(manager,), exitpriority=10)
    _kernels.append(_Kernel(manager, kernel, str(Path(cwd).resolve()), warm))
    return manager


def _forget(manager: AsyncKernelManager) -> None:
    """Drop a kernel from the registry (it is being shut down or killed)."""
    for kernel in list(_kernels):
        if kernel.manager is manager:
            try:
                _kernels.remove(kernel)
            except ValueError:
                pass  # another thread got there first


def warm_kernel(kernel: str, cwd: Path, kernel_dirs=None) -> AsyncKernelManager:
    """This process's kernel for reports run in ``cwd``, started on first use and kept for the next reports.

    ``kernel_dirs``: further folders of kernel specs (see :func:`_start_kernel`).
    """
    folder = str(Path(cwd).resolve())
    for running in list(_kernels):
        if running.warm and running.name == kernel and running.folder == folder:
            if run_sync(running.manager.is_alive)():
                return running.manager
            _forget(running.manager)
    return _start_kernel(kernel, cwd, warm=True, kernel_dirs=kernel_dirs)


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


def _kill(manager: AsyncKernelManager) -> None:
    """Kill a kernel process at once, without asyncio (best effort: it may be gone already)."""
    try:
        manager.provisioner.process.kill()
    except Exception:  # noqa: BLE001 - best effort while stopping
        pass


def _kill_children(signum=None, frame=None) -> None:
    """Kill this process's kernels (and anything else it started) at once, without asyncio; remove their files.

    A kernel's connection file and socket folder are removed too (a stopped
    batch leaves nothing in the temporary folder).
    """
    try:
        import psutil

        for child in psutil.Process().children(recursive=True):
            child.kill()
    except Exception:  # noqa: BLE001 - best effort while stopping
        pass
    for kernel in list(_kernels):
        _kill(kernel.manager)
        with suppress(Exception):  # best effort while stopping
            Path(kernel.manager.connection_file).unlink(missing_ok=True)
        shutil.rmtree(Path(kernel.manager.ip).parent, ignore_errors=True)


def _worker_stop(signum, frame) -> None:
    _kill_children()
    os._exit(128 + signum)


@cache
def prepare_runner() -> None:
    """Import papermill, compile the HTML templates and load the CJK font now, not after the first report.

    Once per process: :class:`LocalWorkers` does it before forking its workers, which inherit it.
    """
    import nbformat
    import papermill  # noqa: F401 - ready for the first report

    notebook_to_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("报告")]), "", lang="zh")


def start_worker(kernel: str, cwd: Path, warm: bool, kernel_dirs=None) -> None:
    """Pool initializer: stop signals handled by the parent; start this worker's ``warm`` kernel.

    ``kernel_dirs``: further folders of kernel specs (the fork server's, see :func:`_start_kernel`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole terminal group; the parent decides
    signal.signal(signal.SIGTERM, _worker_stop)
    die_with_parent()
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
    if warm:
        warm_kernel(kernel, cwd, kernel_dirs)


class LocalWorkers:
    """The worker processes of a batch, started before it is planned so that their kernels warm up meanwhile.

    The batch's fork server (:class:`~kitlib.report._forkserver.ForkServer`) starts first and imports
    :data:`~kitlib.report._kernel.REPORT_STACK` once; papermill and the HTML exporter are prepared once
    (:func:`prepare_runner`); each worker is a forked process that inherits them and runs its reports in
    one kernel forked by the server, asked for at once and kept warm between them (with one worker, the
    jobs run in this process).  With a ``kernel`` other than the kit's own, each worker starts that
    kernel at once instead.  Kernels work in :attr:`scratch`, a private folder in the system's temporary
    folder.  Leaving the ``with`` block (or :meth:`close`) waits for the workers, or stops them at once
    when an exception is leaving, stops the fork server and every kernel it forked, and removes the folder.

    Parameters
    ----------
    workers : int
        Number of worker processes (at least 1).
    kernel : str
        Jupyter kernel name.
    fresh_kernels : bool
        Start no kernel and no fork server now: every report gets a new kernel started from scratch.
    forkserver : ForkServer, optional
        A fork server the caller started already, in a folder of its own (:func:`~kitlib.report._forkserver.batch_folder`):
        the ``kitlib`` command starts it before anything else, so the stack import begins at once.  The workers take it
        over, with its folder as :attr:`scratch`.  Only with the kit's kernel and without ``fresh_kernels``.

    Example
    -------
    >>> with LocalWorkers(1, fresh_kernels=True) as workers:  # no kernel yet: each report will start its own
    ...     ready = workers.pool is None and workers.scratch.is_dir()
    >>> ready, workers.scratch.exists()
    (True, False)

    With kernels warming up while the jobs are planned:
    ``with LocalWorkers(2) as workers: run_jobs(build_jobs(), "reports", workers=workers)``.
    """

    def __init__(self, workers: int, *, kernel: str = KERNEL, fresh_kernels: bool = False, forkserver: ForkServer | None = None):
        forks = not fresh_kernels and kernel == KERNEL
        if forkserver is not None and not forks:
            raise OptionError("a fork server serves only the kit's own kernel, and no batch of fresh kernels")
        self.workers = max(1, int(workers))
        self.kernel = kernel
        self.fresh_kernels = fresh_kernels
        self.pool = None
        self.closed = False
        self.forkserver = forkserver or (ForkServer(batch_folder()) if forks else None)
        self.scratch = self.forkserver.folder if self.forkserver else batch_folder()
        #: Where the planner leaves the surveys it read for the kernels (None: the kernels read them themselves).
        self.surveys = self.forkserver.surveys if self.forkserver else None
        # Each worker's kernel: forked by the server (ready once it has imported the stack), or of its own.
        spec = (FORK_KERNEL, self.forkserver.kernel_dirs) if self.forkserver else (kernel, None)
        with without_optional_iri_grammar():
            if self.workers > 1:
                prepare_runner()  # once, while the fork server imports the stack; the workers inherit it
                self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("fork"),
                                                initializer=start_worker,
                                                initargs=(spec[0], self.scratch, not fresh_kernels, spec[1]))
                self.pool.submit(os.getpid)  # forks every worker now (a fork-context pool starts them all at once)
            elif not fresh_kernels:
                warm_kernel(spec[0], self.scratch, spec[1])

    def __repr__(self) -> str:
        return f"LocalWorkers({self.workers}, kernel={self.kernel!r}, fresh_kernels={self.fresh_kernels})"

    def close(self, stop: bool = False) -> None:
        """Wait for the workers (or, with ``stop``, stop them and their kernels now); remove :attr:`scratch`."""
        if self.closed:
            return
        self.closed = True
        try:
            if self.pool is None:
                discard_kernels(self.scratch)
            elif stop:
                _stop_pool(self.pool)
            else:
                self.pool.shutdown(wait=True)
        finally:
            if self.forkserver is not None:
                self.forkserver.close()
            shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> LocalWorkers:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.close(stop=kind is not None)


def discard_kernels(cwd=None) -> None:
    """Shut down this process's warm kernels working in ``cwd`` (all of them without it).

    Called after a failure (the kernel of that folder only: on a Dask worker
    other threads' kernels keep running) and at the end of a batch.
    """
    folder = None if cwd is None else str(Path(cwd).resolve())
    for kernel in list(_kernels):
        if kernel.warm and (folder is None or kernel.folder == folder):
            _forget(kernel.manager)
            _shutdown(kernel.manager)


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


def _write_outputs(executed_nb, job: ReportJob, summary: dict, out_dir: Path, formats, written: list) -> list[str]:
    """Write the report in every format; return the file names (relative to ``out_dir``).

    Each file is appended to ``written`` as soon as it is in place, so a
    failure half-way can remove what this run wrote.
    """
    import copy

    import nbformat

    title = str(summary.get("title") or job.title)
    lang = str(job.parameters.get("lang", "zh"))
    page = None
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
    return list(written)


def _threshold(job: ReportJob) -> int | None:
    """The ``min_group_size`` the job's notebook is given (None when the job sets none)."""
    value = job.notebook_parameters().get("min_group_size")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise OptionError(f"min_group_size must be a whole number >= 1, not {value!r} (job {job.name})")
    return int(value)


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
                        notebook=kept.relative_to(out_dir).as_posix() if kept.exists() else None,
                        min_group_size=_threshold(job))


@dataclass(frozen=True)
class ExecutedReport:
    """A report whose notebook has run and whose files are still to be written (:func:`publish_report`).

    Attributes
    ----------
    job : ReportJob
    notebook : Path
        The executed notebook, in the batch's work folder.
    summary : dict
        The key figures the notebook recorded.
    seconds : float
        Time taken so far.
    """

    job: ReportJob
    notebook: Path
    summary: dict
    seconds: float


def run_job(job: ReportJob, out_dir, *, notebook=None, fmt: str = "html", kernel: str = KERNEL,
            fresh_kernels: bool = False, scratch=None, forked: bool = False) -> ReportResult:
    """Execute one report job and write its report (or its failure) into ``out_dir``.

    ``scratch`` is the batch's private work folder (the kernel works there);
    without it a private one is created in ``out_dir`` and removed afterwards.
    With ``forked`` the warm kernel is one forked by the fork server of
    ``scratch`` (:class:`LocalWorkers`).
    Any exception of the run becomes a failed result; only an interruption
    propagates.  A failed run removes only the files it wrote itself; the
    previous batch's report of the same name is the manifest's business
    (:func:`tidy_output_folder`).  The two steps, :func:`execute_report` and
    :func:`publish_report`, may also run apart (:class:`LocalWorkers` does).
    """
    parse_formats(fmt)
    own = scratch is None
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=out_dir)) if own else scratch
    try:
        executed = execute_report(job, out_dir, notebook=notebook, kernel=kernel, fresh_kernels=fresh_kernels, scratch=scratch,
                                  forked=forked)
        return executed if isinstance(executed, ReportResult) else publish_report(executed, out_dir, fmt)
    finally:
        if own:
            discard_kernels(Path(scratch).resolve())
            shutil.rmtree(scratch, ignore_errors=True)


def execute_report(job: ReportJob, out_dir, *, scratch, notebook=None, kernel: str = KERNEL, fresh_kernels: bool = False,
                   forked: bool = False) -> ExecutedReport | ReportResult:
    """Run one job's notebook in a kernel working in the batch folder ``scratch`` (see :func:`run_job`).

    Returns the :class:`ExecutedReport`, or the failed :class:`ReportResult` (its notebook kept under ``failed/``).
    """
    import papermill  # imported by the workers only, while their kernels start

    out_dir = Path(out_dir)
    scratch = Path(scratch).resolve()
    notebook = Path(job.notebook or notebook or notebooks_dir() / REPORT_NOTEBOOK)
    executed = scratch / f"{job.name}.ipynb"
    summary_file = scratch / f"{job.name}.summary.json"
    start = time.perf_counter()
    ran, manager = False, None
    try:
        _clear(summary_file)
        parameters = {**job.notebook_parameters(), "summary_path": str(summary_file)}
        # The kernel is started in ``scratch``; papermill gets no ``cwd``, so it never changes this process's
        # working folder (a Dask worker runs several reports at once in threads of one process).
        if fresh_kernels:
            manager = _start_kernel(kernel, scratch, warm=False)
        elif forked:
            manager = warm_kernel(FORK_KERNEL, scratch, kernel_folders(scratch))
        else:
            manager = warm_kernel(kernel, scratch)
        papermill.execute_notebook(
            with_reset_cell(notebook), str(executed),
            parameters=parameters, kernel_name=kernel,
            progress_bar=False, log_output=False, km=manager,
            request_save_on_cell_execute=False,  # write the output notebook once, at the end
        )
        ran = True
        summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    except Exception as error:  # noqa: BLE001 - any failure of one run is reported, never fatal
        if not ran:
            discard_kernels(scratch)
        failed = _failed(job, out_dir, describe_error(error), time.perf_counter() - start, executed)
        _clear(executed)
        return failed
    finally:
        _clear(summary_file)
        if fresh_kernels and manager is not None:
            _forget(manager)
            _shutdown(manager)
    return ExecutedReport(job, executed, summary if isinstance(summary, dict) else {}, time.perf_counter() - start)


def publish_report(executed: ExecutedReport, out_dir, fmt: str = "html") -> ReportResult:
    """Write an executed report in every format of ``fmt`` into ``out_dir``; remove its executed notebook.

    A failure becomes a failed result, and the files this step wrote are removed again.
    """
    job, out_dir, formats = executed.job, Path(out_dir), parse_formats(fmt)
    start = time.perf_counter()
    written: list[str] = []
    try:
        files = _write_outputs(read_executed(executed.notebook), job, executed.summary, out_dir, formats, written)
    except Exception as error:  # noqa: BLE001 - any failure of one run is reported, never fatal
        _clear(*(out_dir / name for name in written))
        return _failed(job, out_dir, describe_error(error), executed.seconds + time.perf_counter() - start, executed.notebook)
    finally:
        _clear(executed.notebook)
    return ReportResult(job.name, job.title, "ok", path=files[0], seconds=executed.seconds + time.perf_counter() - start,
                        summary=executed.summary, files=files, min_group_size=_threshold(job))


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
def stop_signals():
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


def batch_threshold(jobs) -> int | None:
    """The one ``min_group_size`` every job of a batch gives its notebook; :class:`OptionError` if they differ.

    Example
    -------
    >>> batch_threshold([ReportJob("a", "bank", parameters={"min_group_size": 8}), ReportJob("b", "bank")])
    8
    """
    values = {value for value in (_threshold(job) for job in jobs) if value is not None}
    if len(values) > 1:
        raise OptionError(f"the reports of one batch must share one min_group_size, not {sorted(values)}; "
                          "set it once with --min-group-size")
    return values.pop() if values else None


def run_jobs(jobs, out_dir, *, workers: int | None = None, notebook=None, fmt: str = "html",
             kernel: str = KERNEL, fresh_kernels: bool = False, progress: bool = True,
             scheduler: str | None = None) -> list[ReportResult]:
    """Run every job, ``workers`` at a time (or on a Dask cluster), with a progress bar; results in job order.

    The jobs start largest first (:func:`~kitlib.report.grid.longest_first`).

    Parameters
    ----------
    jobs : list of ReportJob
        They must share one ``min_group_size`` (:func:`batch_threshold`).
    out_dir : str or Path
        Created if missing; receives ``<name>.html`` (and/or ``.pdf``, ``.ipynb``), ``failed/`` and the
        manifest ``.kitlib-manifest.json``; files of the previous manifest this batch does not produce are
        removed (:func:`tidy_output_folder`).
    workers : int or LocalWorkers, optional
        Parallel worker processes (default: number of cores, at most one per job), or workers already
        started (:class:`LocalWorkers`, whose kernels warmed up while the batch was planned; the caller
        closes them); ignored with ``scheduler``.
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
        Address of a Dask distributed scheduler (``tcp://host:8786``): the reports run on its workers, which
        need only the installed kit; the survey files, codebook and notebook are shipped to them.

    Raises
    ------
    OutputFolderError
        ``out_dir`` is a file, or another batch is writing into it.
    SchedulerError
        ``scheduler`` cannot be reached or has no worker.
    OptionError
        The jobs carry different ``min_group_size`` values.
    BatchInterrupted
        Ctrl-C or SIGTERM; ``.results`` holds every job's result.
    """
    jobs = list(jobs)
    parse_formats(fmt)
    batch_threshold(jobs)
    out_dir = output_folder(out_dir)
    with batch_lock(out_dir):
        client = _connect(scheduler) if scheduler else None
        options = {"notebook": notebook, "fmt": fmt, "kernel": kernel, "fresh_kernels": fresh_kernels}
        results: dict[str, ReportResult] = {}
        bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress)
        stopped = None
        started = longest_first(jobs)  # results stay in plan order
        try:
            with stop_signals():
                if client is not None:
                    _run_on_cluster(client, started, out_dir, options, results, bar)
                elif isinstance(workers, LocalWorkers):
                    _run_all(started, out_dir, workers, options, results, bar)
                else:
                    count = max(1, min(workers or default_workers(), len(jobs) or 1))
                    with LocalWorkers(count, kernel=kernel, fresh_kernels=fresh_kernels) as local:
                        _run_all(started, out_dir, local, options, results, bar)
        except KeyboardInterrupt as error:
            stopped = error
        finally:
            bar.close()
            if client is not None:
                client.close()
        ordered = [results.get(job.name) or ReportResult(job.name, job.title, "failed", error=STOPPED,
                                                         min_group_size=_threshold(job)) for job in jobs]
        tidy_output_folder(out_dir, jobs, [results[job.name] for job in jobs if job.name in results])
    if stopped is not None:
        raise BatchInterrupted(ordered, getattr(stopped, "signum", signal.SIGINT)) from None
    return ordered


def _record(results, bar, job, result) -> None:
    results[job.name] = result
    bar.set_postfix_str(f"{job.name[:40]}: {result.status}")
    bar.update()


def _run_all(jobs, out_dir, workers: LocalWorkers, options, results, bar) -> None:
    """Run the jobs in this process (one worker) or on the forked workers, filling ``results``.

    On the workers, a worker runs a report's notebook (:func:`execute_report`)
    and goes on to its next report at once, while this process writes the
    finished one's HTML or notebook (:func:`publish_report`, one thread): a
    batch waits for its kernels, not for the writing (three case reports on
    two workers end about 0.4 s sooner).  PDF reports are printed by the
    workers themselves (:func:`run_job`), each with its own browser.  An
    interruption stops the workers and their kernels at once; otherwise their
    owner closes them.
    """
    options = {**options, "scratch": workers.scratch, "forked": workers.forkserver is not None}
    if workers.pool is None:
        with without_optional_iri_grammar():
            _run_here(jobs, out_dir, options, results, bar)
        return
    fmt = options["fmt"]
    apart = "pdf" not in parse_formats(fmt)
    run = partial(execute_report, **{key: value for key, value in options.items() if key != "fmt"}) if apart else partial(run_job, **options)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kitlib-publish") as publisher:
        try:
            running = {workers.pool.submit(run, job, out_dir): job for job in jobs}
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    try:
                        outcome = future.result()
                    except Exception as error:  # noqa: BLE001 - a crashed worker fails only its job
                        outcome = ReportResult(job.name, job.title, "failed", error=describe_error(error))
                    if isinstance(outcome, ExecutedReport):
                        running[publisher.submit(publish_report, outcome, out_dir, fmt)] = job
                    else:
                        _record(results, bar, job, outcome)
        except BaseException:
            publisher.shutdown(wait=False, cancel_futures=True)  # the file being written is finished (atomically)
            workers.close(stop=True)
            raise


def _run_here(jobs, out_dir, options, results, bar) -> None:
    """The one-worker loop: every job in this process's kernel, the stop record checked between reports."""
    for job in jobs:
        if _stop_requested:
            raise BatchInterrupted(signum=_stop_requested[0])
        if threading.current_thread() is threading.main_thread():
            _catch_stop_signals()  # again: starting a kernel may have replaced the handlers
        _record(results, bar, job, run_job(job, out_dir, **options))
    if _stop_requested:
        raise BatchInterrupted(signum=_stop_requested[0])


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


# ---------------------------------------------------------------- Dask distributed
def _connect(scheduler: str):
    """A Dask client of ``scheduler`` with at least one worker, or :class:`SchedulerError`."""
    from distributed import Client

    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler!r}: {error}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as error:
        client.close()
        raise SchedulerError(f"the Dask scheduler at {scheduler!r} has no worker: {error}") from None
    return client


def _absolute(path) -> str | None:
    return str(Path(path).resolve()) if path else None


def _input_files(job: ReportJob, notebook: str | None) -> list[str]:
    """The submitter's files a job reads (survey, codebook, notebook), to ship to a Dask worker."""
    from kitlib.data.readers import default_codebook

    paths = [job.data_path, job.codebook_path, job.notebook or notebook]
    if job.data_path and not job.codebook_path:
        paths.append(str(default_codebook(job.data_path)))
    return [path for path in dict.fromkeys(paths) if path and Path(path).is_file()]


#: On a Dask worker: (batch, thread) -> the folder its warm kernel works in for that batch.
_batch_folders: dict[tuple[str, int], Path] = {}
#: On a Dask worker: batches whose submitter has finished or stopped (a report still running then cleans up after itself).
_closed_batches: set[str] = set()


def _batch_folder(batch: str) -> Path:
    key = (batch, threading.get_ident())
    folder = _batch_folders.get(key)
    if folder is None or not folder.is_dir():
        folder = Path(tempfile.mkdtemp(prefix=f"kitlib-batch-{batch[:8]}-")).resolve()
        _batch_folders[key] = folder
    return folder


def _localise(job: ReportJob, notebook: str | None, inputs: dict, folder: Path) -> tuple[ReportJob, str | None]:
    """Write the shipped ``inputs`` (submitter's path -> bytes) into ``folder``; the job and notebook pointing at them.

    Files from one folder of the submitter stay together (a survey and the ``codebook.yaml`` beside it).
    """
    moved = {}
    for original, content in inputs.items():
        source = PurePosixPath(original.replace("\\", "/"))
        target = folder / hashlib.sha1(str(source.parent).encode("utf-8")).hexdigest()[:12] / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        moved[original] = str(target)

    def local(path):
        return moved.get(path, path) if path else path

    job = replace(job, data_path=local(job.data_path), codebook_path=local(job.codebook_path), notebook=local(job.notebook))
    return job, local(notebook)


def _run_remote(job: ReportJob, inputs: dict, batch: str, notebook, fmt: str, kernel: str,
                fresh_kernels: bool) -> tuple[ReportResult, dict[str, bytes]]:
    """On a Dask worker: run one job in a private folder; return its result and the bytes of every file it wrote.

    The warm kernel of this batch and worker thread starts booting before papermill is imported.
    """
    if batch in _closed_batches:
        raise RuntimeError("the batch was stopped before this report started")
    folder = _batch_folder(batch)
    try:
        with without_optional_iri_grammar():
            if not fresh_kernels:
                warm_kernel(kernel, folder)
            private = Path(tempfile.mkdtemp(prefix="job-", dir=folder))
            try:
                job, notebook = _localise(job, notebook, inputs, private / "inputs")
                out = private / "out"
                out.mkdir()
                result = run_job(job, out, notebook=notebook, fmt=fmt, kernel=kernel, fresh_kernels=fresh_kernels,
                                 scratch=folder)
                produced = {path.relative_to(out).as_posix(): path.read_bytes()
                            for path in sorted(out.rglob("*")) if path.is_file()}
            finally:
                shutil.rmtree(private, ignore_errors=True)
    finally:
        if batch in _closed_batches:  # the submitter closed the batch while this report ran
            _close_batch(batch)
    return result, produced


def _kill_batch_kernels(batch: str) -> None:
    """On a Dask worker (its event loop): kill this batch's kernels, so its running reports end now."""
    for (owner, _), folder in list(_batch_folders.items()):
        if owner == batch:
            _kill_folder_kernels(folder)


def _close_batch(batch: str) -> None:
    """On a Dask worker (its event loop): kill this batch's idle kernels and remove its folders."""
    _closed_batches.add(batch)
    for key in [key for key in _batch_folders if key[0] == batch]:
        folder = _batch_folders.pop(key)
        _kill_folder_kernels(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _kill_folder_kernels(folder: Path) -> None:
    for kernel in [kernel for kernel in list(_kernels) if kernel.folder == str(folder)]:
        _forget(kernel.manager)
        _kill(kernel.manager)
        try:
            kernel.manager.provisioner.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - best effort: it is killed or gone
            pass
        shutil.rmtree(Path(kernel.manager.ip).parent, ignore_errors=True)


def _on_workers(client, function, batch: str) -> None:
    try:
        client.run(function, batch, on_error="ignore")
    except Exception:  # noqa: BLE001 - the cluster may be gone; the workers' own exit cleans up
        pass


def _deliver(job: ReportJob, result: ReportResult, produced: dict, out_dir: Path) -> ReportResult:
    """Write a worker's files atomically into ``out_dir``; a write failure fails the report (nothing half there)."""
    written = []
    try:
        for relative, content in produced.items():
            parts = PurePosixPath(relative).parts
            if PurePosixPath(relative).is_absolute() or ".." in parts or parts[0] not in {FAILED, PurePosixPath(relative).name}:
                raise OSError(f"refused to write {relative!r} outside the output folder")
            target = out_dir.joinpath(*parts)
            target.parent.mkdir(exist_ok=True)
            write_atomically(target, content)
            written.append(target)
    except OSError as error:
        _clear(*written)
        return _failed(job, out_dir, describe_error(error), result.seconds, None)
    return result


def _run_on_cluster(client, jobs, out_dir, options, results, bar) -> None:
    """Submit every job to the Dask cluster of ``client``; write each finished report; fill ``results``.

    An interruption cancels the futures and kills this batch's kernels on the workers; the batch's
    folders on the workers are removed at the end either way.
    """
    from distributed import as_completed as finished_first

    batch = uuid.uuid4().hex
    notebook = _absolute(options["notebook"])
    shipped, futures = {}, {}
    try:
        for number, job in enumerate(jobs):
            remote = replace(job, data_path=_absolute(job.data_path), codebook_path=_absolute(job.codebook_path),
                             notebook=_absolute(job.notebook))
            inputs = {}
            for path in _input_files(remote, notebook):
                if path not in shipped:
                    shipped[path] = client.scatter(Path(path).read_bytes(), hash=False)
                inputs[path] = shipped[path]
            future = client.submit(_run_remote, remote, inputs, batch, notebook, options["fmt"], options["kernel"],
                                   options["fresh_kernels"], key=f"kitlib-report-{batch[:8]}-{number}", pure=False)
            futures[future] = job
        for future in finished_first(futures, loop=client.loop):
            job = futures[future]
            try:
                result, produced = future.result()
                result = _deliver(job, result, produced, out_dir)
            except Exception as error:  # noqa: BLE001 - a lost worker or a failed task fails only its job
                result = ReportResult(job.name, job.title, "failed", error=describe_error(error),
                                      min_group_size=_threshold(job))
            _record(results, bar, job, result)
            if _stop_requested:
                raise BatchInterrupted(signum=_stop_requested[0])
    except BaseException:
        client.cancel(list(futures), force=True)
        _on_workers(client, _kill_batch_kernels, batch)
        raise
    finally:
        _on_workers(client, _close_batch, batch)


# ---------------------------------------------------------------- manifest of the output folder
@dataclass(frozen=True)
class Manifest:
    """What the last batch left in an output folder (``.kitlib-manifest.json``).

    Attributes
    ----------
    files : tuple of str
        Files the runner wrote and keeps there (reports and failure records), relative, ``/``-separated.
    removed_reports : int
        Reports of the previous batch that this batch removed as stale (their names are not kept:
        a withheld group's name must not stay in the folder).
    removed_files : int
        All files removed as stale (reports in every format and old failure records).
    """

    files: tuple = ()
    removed_reports: int = 0
    removed_files: int = 0


def read_manifest(out_dir) -> Manifest:
    """The manifest of ``out_dir`` (empty when there is none or it is unreadable: then nothing is deleted).

    Only plain relative paths inside the folder are kept from the file.
    """
    try:
        raw = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(raw, dict):
        return Manifest()
    files = raw.get("files") if isinstance(raw.get("files"), list) else []
    kept = tuple(name for name in files if isinstance(name, str) and _owned_name(name))

    def count(key):
        value = raw.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0

    return Manifest(kept, count("removed_reports"), count("removed_files"))


def _owned_name(name: str) -> bool:
    """A path the runner may have written: ``NAME.EXT`` or ``failed/NAME.EXT``, never the index, lock or manifest."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        return False
    if len(path.parts) == 2 and path.parts[0] == FAILED:
        return True
    return len(path.parts) == 1 and name not in {INDEX, LOCK_FILE, MANIFEST}


def _job_files(job: ReportJob) -> set[str]:
    """Every file the runner may write for ``job``, in any format."""
    return {f"{job.name}.{fmt}" for fmt in ("html", "ipynb", "pdf")} | _failure_files(job.name)


def _failure_files(name: str) -> set[str]:
    return {f"{FAILED}/{name}.ipynb", f"{FAILED}/{name}.error.txt"}


def _produced(result: ReportResult) -> set[str]:
    if result.status == "ok":
        return set(result.files)
    return _failure_files(result.name)


def tidy_output_folder(out_dir, jobs, results) -> Manifest:
    """Remove the previous batch's files this batch does not produce; write and return the new manifest.

    Parameters
    ----------
    out_dir : Path
    jobs : list of ReportJob
        The batch as planned.
    results : list of ReportResult
        The jobs that finished (ok or failed); a job without a result was stopped before it finished, and its
        previous files stay (a later batch decides about them).  A format no longer asked for is not
        produced, so its previous files are stale too.

    Returns
    -------
    Manifest
        The new manifest (also written, atomically, to ``out_dir/.kitlib-manifest.json``).

    Notes
    -----
    With ``previous`` the files of the previous manifest, ``produced`` the files of the finished jobs
    (their reports when ok, their failure records when failed) and ``pending`` the previous files of
    jobs that did not finish::

        stale = previous − produced − pending        (removed)
        new manifest = (produced ∪ pending ∪ stale files that could not be removed) ∩ existing files

    A file that no manifest lists is never removed.

    Example
    -------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.html").write_text("old report"), (folder / "mine.html").write_text("not the runner's")
    >>> _ = (folder / MANIFEST).write_text('{"files": ["a.html"]}')
    >>> tidy_output_folder(folder, [], [])
    Manifest(files=(), removed_reports=1, removed_files=1)
    >>> sorted(path.name for path in folder.iterdir())
    ['.kitlib-manifest.json', 'mine.html']
    """
    out_dir = Path(out_dir)
    previous = set(read_manifest(out_dir).files)
    finished = {result.name for result in results}
    produced = set().union(*(_produced(result) for result in results)) if results else set()
    pending = set().union(*(_job_files(job) for job in jobs if job.name not in finished)) & previous if jobs else set()
    root = out_dir.resolve()
    removed = []
    for name in sorted(previous - produced - pending):
        target = out_dir / name
        try:
            if target.is_file() and not target.is_symlink() and target.resolve().is_relative_to(root):
                target.unlink()
                removed.append(name)
        except OSError:
            pass  # left in place and still listed below, so a later batch retries
    keep = sorted(name for name in (produced | pending | previous) - set(removed) if (out_dir / name).is_file())
    reports = {PurePosixPath(name).stem for name in removed if PurePosixPath(name).parent == PurePosixPath(".")}
    manifest = Manifest(tuple(keep), len(reports), len(removed))
    write_atomically(out_dir / MANIFEST, json.dumps({"kitlib_manifest": 1, **asdict(manifest), "files": keep},
                                                     ensure_ascii=False, indent=1))
    return manifest
