"""Report kernels forked from one process that imported the report stack once per batch.

A kernel that imports the report's stack (:data:`kitlib.report._kernel.REPORT_STACK`:
pandas, seaborn, scipy, semopy, kitlib's analyses...) costs as much as the floor of
``benchmarks/reports.py``, 3-5 s of one core, and a batch used to pay it once per
worker.  The fork server of a batch pays it once: it imports the stack, applies the
chart theme, takes the kernel snapshot (:func:`kitlib.report._kernel.snapshot`, which
also freezes the imported objects out of the garbage collector's sight) and then
forks a new IPython kernel for every worker.  The child starts ipykernel's
``IPKernelApp`` on the connection file jupyter_client wrote and shares the server's
imported modules copy-on-write (a forked kernel is ready in about 0.3 s; it has no
debugger, which papermill never uses: :data:`NO_DEBUGGER`); the worker
keeps it for its next reports, reset between them (:mod:`kitlib.report._kernel`), and
a failed report's kernel is replaced by a new fork.

jupyter_client launches a kernel as its own child process and watches, interrupts
and kills it.  The kernel spec of a forked kernel (:func:`kernel_spec`) therefore
runs a small relay, ``python -m kitlib.report._forkserver CONNECTION_FILE``: it asks
the server for a kernel, forwards SIGINT (interrupt), SIGTERM, SIGHUP and SIGQUIT to
it, and exits with the kernel's status.  If the relay dies, even by SIGKILL, the
server kills its kernel; if the server dies, its kernels die with it (Linux
``PR_SET_PDEATHSIG``; the kernels' parent poller too).

Protocol (one Unix-domain connection per kernel, JSON lines): the relay sends
``{"connection_file", "cwd", "env"}``; the server answers ``{"pid"}`` once the
kernel is forked and ``{"status"}`` when it has ended.

Example
-------
>>> spec = kernel_spec("/tmp/kitlib-work-x/forkserver.sock")
>>> spec["argv"][1:]
['-m', 'kitlib.report._forkserver', '{connection_file}']
>>> spec["env"][ADDRESS_VARIABLE]
'/tmp/kitlib-work-x/forkserver.sock'

References
----------
Jupyter team. *Kernels: kernel specs and connection files*. https://jupyter-client.readthedocs.io/
Linux man-pages. *fork(2)*, *prctl(2)* (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

__all__ = ["ADDRESS_VARIABLE", "FORK_KERNEL", "NO_DEBUGGER", "SCRATCH_PREFIX", "SURVEYS", "ForkServer", "batch_folder", "die_with_parent",
           "kernel_folders", "kernel_spec", "relay", "serve"]

#: Name of the kernel spec that :class:`ForkServer` writes into its batch folder.
FORK_KERNEL = "kitlib-forked"
#: Environment variable that tells a relay where its server listens.
ADDRESS_VARIABLE = "KITLIB_FORKSERVER"
#: The backend ipykernel sets when none is chosen; the server sets it before matplotlib is imported.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Signals a relay passes on to its kernel (SIGINT is jupyter_client's interrupt).
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
#: The module a forked kernel is not given (``None`` in ``sys.modules`` makes its import fail): ipykernel then starts
#: the kernel without its debugger, which a batch's kernels never use.
NO_DEBUGGER = "debugpy"
#: Seconds the server waits for a relay's request once it has connected.
REQUEST_SECONDS = 10
#: Name prefix of a batch's private work folder (:func:`batch_folder`).
SCRATCH_PREFIX = ".kitlib-work-"
#: Sub-folder of the batch folder where the planner leaves the surveys it read for the kernels
#: (:func:`kitlib.report.chapter.share_survey`).
SURVEYS = "surveys"


def batch_folder() -> Path:
    """A new private work folder for one batch (mode 0700, in the system's temporary folder)."""
    return Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX)).resolve()


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """On Linux, have the kernel send this process ``signum`` when its parent dies (even by SIGKILL)."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signum)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def kernel_spec(address: str) -> dict:
    """The ``kernel.json`` of a kernel forked by the server listening at ``address``."""
    return {"argv": [sys.executable, "-m", __name__, "{connection_file}"], "display_name": "kitlib (forked)",
            "language": "python", "interrupt_mode": "signal", "env": {ADDRESS_VARIABLE: address}}


def kernel_folders(folder) -> list[str]:
    """Where jupyter_client finds the kernel spec :data:`FORK_KERNEL` of the server of batch folder ``folder``."""
    return [str(Path(folder) / "kernels")]


class ForkServer:
    """The fork server of one batch: its socket and kernel spec live in the batch's private ``folder``.

    The listening socket is bound here, before the server starts, so a relay can
    connect at once; the server accepts once the stack is imported.
    :meth:`close` stops the server and every kernel it forked.

    Parameters
    ----------
    folder : Path
        The batch's private work folder (short: Unix socket paths hold at most 107 bytes).

    Attributes
    ----------
    folder : Path
        The batch folder it was started in.
    surveys : Path
        Where its kernels look for the surveys the batch's planner read (:data:`SURVEYS`).
    address : str
        The server's Unix-domain socket.
    kernel_dirs : list of str
        Where jupyter_client finds the kernel spec :data:`FORK_KERNEL`.
    process : subprocess.Popen
        The server (in its own session: Ctrl-C in a terminal reaches its owner only).
    """

    def __init__(self, folder):
        self.folder = folder = Path(folder)
        self.surveys = folder / SURVEYS
        self.address = str(folder / "forkserver.sock")
        self.kernel_dirs = kernel_folders(folder)
        spec = Path(self.kernel_dirs[0]) / FORK_KERNEL
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps(kernel_spec(self.address)), encoding="utf-8")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.address)
            listener.listen(64)
            self.process = subprocess.Popen([sys.executable, "-m", __name__, "--serve", str(listener.fileno())],
                                            pass_fds=(listener.fileno(),), cwd=folder, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        finally:
            listener.close()

    def __repr__(self) -> str:
        return f"ForkServer(address={self.address!r}, pid={self.process.pid})"

    def close(self) -> None:
        """Stop the server; it kills the kernels it forked first."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---------------------------------------------------------------- the server process
def serve(listener_fd: int) -> None:
    """Import the report stack, then fork a kernel for every relay that connects to ``listener_fd``."""
    kernels: dict[int, socket.socket] = {}

    def stop(signum, frame):
        for pid in kernels:
            _signal(pid, signal.SIGKILL)
        os._exit(0)

    die_with_parent()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # ipykernel's default, set before matplotlib is imported
    # papermill never debugs a kernel: without debugpy (and pydevd, which ipykernel imports for its debugger in every
    # kernel it starts) a forked kernel is ready about 0.07 s sooner, measured.
    sys.modules[NO_DEBUGGER] = None
    from kitlib.report import _kernel

    with _kernel.collector_paused():
        from ipykernel import kernelapp  # imported once here, used by every kernel

        _kernel.warm_up()  # its snapshot also freezes everything imported (ipykernel too) out of the collector's sight
    from kitlib.report.chapter import shared_surveys

    shared_surveys(Path.cwd() / SURVEYS)  # the server runs in its batch folder (ForkServer)
    listener = socket.socket(fileno=listener_fd)
    wake_reader, wake_writer = socket.socketpair()
    for end in (wake_reader, wake_writer):
        end.setblocking(False)
    signal.set_wakeup_fd(wake_writer.fileno())
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # wakes select through the wake-up socket
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wake_reader, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj is listener:
                connection, _ = listener.accept()
                request = _request(connection)
                if request is None:
                    connection.close()
                    continue
                server = os.getpid()
                pid = os.fork()
                if pid == 0:
                    _kernel_child(request, server, [connection, listener, wake_reader, wake_writer, *kernels.values()],
                                  selector, kernelapp)
                kernels[pid] = connection
                _send(connection, {"pid": pid})
                selector.register(connection, selectors.EVENT_READ, pid)
            elif key.fileobj is wake_reader:
                try:
                    while wake_reader.recv(512):
                        pass
                except BlockingIOError:
                    pass
            else:  # a relay's connection is readable only when the relay has gone: kill its kernel
                _signal(key.data, signal.SIGKILL)
                selector.unregister(key.fileobj)
        _reap(kernels, selector)


def _request(connection: socket.socket) -> dict | None:
    connection.settimeout(REQUEST_SECONDS)
    try:
        line = connection.makefile("r", encoding="utf-8").readline()
        request = json.loads(line)
    except (OSError, ValueError):
        return None
    connection.settimeout(None)
    if not isinstance(request, dict) or not {"connection_file", "cwd", "env"} <= set(request):
        return None
    return request


def _send(connection: socket.socket, message: dict) -> None:
    try:
        connection.sendall((json.dumps(message) + "\n").encode("utf-8"))
    except OSError:
        pass  # the relay has gone; its kernel is killed when the server sees that


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _reap(kernels: dict, selector: selectors.BaseSelector) -> None:
    """Collect ended kernels and tell their relays how they ended."""
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = kernels.pop(pid, None)
        if connection is None:
            continue
        _send(connection, {"status": os.waitstatus_to_exitcode(status)})
        try:
            selector.unregister(connection)
        except KeyError:
            pass  # unregistered when its relay went away
        connection.close()


def _kernel_child(request: dict, server: int, inherited, selector: selectors.BaseSelector, kernelapp) -> None:
    """In the forked child: close the server's sockets and become the kernel of ``request`` (never returns)."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        die_with_parent(signal.SIGKILL)
        if os.getppid() != server:  # the server died before prctl took effect
            return
        selector.close()
        for end in inherited:
            end.close()
        os.chdir(request["cwd"])
        environment = {str(key): str(value) for key, value in request["env"].items()}
        environment["JPY_PARENT_PID"] = str(server)
        os.environ.clear()
        os.environ.update(environment)
        sys.argv = [kernelapp.__file__, "-f", str(request["connection_file"])]  # as ipykernel's launcher has it
        app = kernelapp.IPKernelApp.instance()
        # The parent poller watches the server; a kernel with a parent also keeps its connection details to itself.
        # Input history stays in memory, as in kernels that nbclient starts: no shared SQLite file between kernels.
        app.initialize([*sys.argv[1:], f"--IPKernelApp.parent_handle={server}", "--HistoryManager.hist_file=:memory:"])
        app.start()
        code = 0
    except BaseException:  # noqa: BLE001 - the child must never return into the server's loop
        traceback.print_exc()
    finally:
        os._exit(code)


# ---------------------------------------------------------------- the relay process
def relay(connection_file: str) -> int:
    """Ask the server named by :data:`ADDRESS_VARIABLE` for a kernel; forward signals; return its exit status."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(os.environ[ADDRESS_VARIABLE])
    request = {"connection_file": os.path.abspath(connection_file), "cwd": os.getcwd(), "env": dict(os.environ)}
    connection.sendall((json.dumps(request) + "\n").encode("utf-8"))
    replies = connection.makefile("r", encoding="utf-8")
    pid = json.loads(replies.readline())["pid"]
    for signum in FORWARDED:
        signal.signal(signum, lambda number, frame: _signal(pid, number))
    line = replies.readline()  # blocks until the kernel has ended ("" if the server died)
    status = json.loads(line)["status"] if line else 1
    return 128 - status if status < 0 else status


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"] and len(argv) == 2 and argv[1].isdigit():
        serve(int(argv[1]))
        return 0
    if len(argv) == 1 and not argv[0].startswith("-"):
        return relay(argv[0])
    print("usage: python -m kitlib.report._forkserver (CONNECTION_FILE | --serve FD)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
