"""Report kernels forked from a batch's fork server (kitlib.report._forkserver, issue 11).

A forked kernel must behave like a kernel jupyter_client started itself: it
runs code, shares nothing with its siblings but the imported stack, can be
interrupted, dies when its relay is killed and when the server is closed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest
import zmq
from jupyter_core.utils import run_sync
from test_report_safety import probe_notebook

from kitlib.report import ReportJob, execute
from kitlib.report._forkserver import FORK_KERNEL, INLINE_BACKEND, ForkServer, kernel_folders, main

pytestmark = pytest.mark.xdist_group("forkserver")


@pytest.fixture(scope="module")
def server():
    """One fork server for the module, in a short private folder (Unix socket paths hold at most 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="kf-"))
    started = ForkServer(folder)
    yield started, folder
    started.close()
    shutil.rmtree(folder, ignore_errors=True)


def _kernel(folder: Path):
    manager = execute._start_kernel(FORK_KERNEL, folder, warm=False, kernel_dirs=kernel_folders(folder))
    client = manager.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    return manager, client


def _run(client, code: str, timeout: float = 60) -> tuple[str, dict]:
    """The text a cell printed and its reply content."""
    printed = []

    def keep(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    reply = client.execute_interactive(code, timeout=timeout, output_hook=keep)
    return "".join(printed), reply["content"]


def _wait_for(client, msg_id: str, msg_type: str, state: str | None = None, timeout: float = 60) -> dict:
    """The kernel's next IOPub message of ``msg_type`` (and execution ``state``) that answers request ``msg_id``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if (message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == msg_type
                and state in (None, message["content"].get("execution_state"))):
            return message
    raise AssertionError(f"no {msg_type} {state or ''} message for {msg_id} in {timeout} s")


def _stop(manager, client) -> None:
    client.stop_channels()
    execute._shutdown(manager)


def _gone(pid: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.1)
    return False


def test_a_forked_kernel_has_the_stack_and_nothing_of_its_siblings(server):
    started, folder = server
    first, first_client = _kernel(folder)
    second, second_client = _kernel(folder)
    try:
        check = ("import gc, os, sys, matplotlib\nfrom kitlib.report import chapter\n"
                 "print(os.getpid(), os.getppid(), 'semopy' in sys.modules, gc.get_freeze_count() > 0,\n"
                 "      matplotlib.get_backend(), matplotlib.rcParams['text.parse_math'],\n"
                 "      chapter._SHARED['folder'] == started.surveys, getattr(get_ipython().kernel, 'debugger', None) is None)")
        check = check.replace("started.surveys", repr(started.surveys))
        out_first, _ = _run(first_client, "secret = 42\nfrom pathlib import PosixPath\n" + check)
        out_second, reply = _run(second_client, "from pathlib import PosixPath\n" + check + "\nprint('secret' in dir())")
        pid_first, parent_first, *facts = out_first.split()
        pid_second, parent_second, *facts_second = out_second.split()
        assert reply["status"] == "ok"
        assert pid_first != pid_second and parent_first == parent_second == str(started.process.pid)
        # the stack was imported (and frozen out of the collector's sight) before the fork; the chart backend is
        # the one any kernel of this environment gets (ipykernel's inline one unless MPLBACKEND names another)
        backend = os.environ.get("MPLBACKEND") or INLINE_BACKEND
        assert facts[:2] == facts_second[:2] == ["True", "True"] and facts[3] == facts_second[3] == "False"
        assert facts[2].lower() == facts_second[2].lower() == backend.lower()
        # the kernels look for the surveys the batch's planner read in the server's batch folder
        assert facts[4] == facts_second[4] == "True"
        assert facts[5] == facts_second[5] == "True"  # started without ipykernel's debugger (papermill never debugs)
        assert facts_second[6] == "False"  # no variable crosses from one report's kernel to another
    finally:
        _stop(first, first_client)
        _stop(second, second_client)


def test_the_notebooks_run_in_one_kernel_share_a_client_that_waits_for_the_kernel_once(server, tmp_path):
    import papermill

    started, folder = server
    manager = execute._start_kernel(FORK_KERNEL, folder, warm=False, kernel_dirs=kernel_folders(folder))
    client = manager.client()
    try:
        assert manager.client() is client and manager.client(session=client.session) is not client
        asked = []
        ask = client.kernel_info
        client.kernel_info = lambda: asked.append(1) or ask()
        client.start_channels()
        # its sockets retry a kernel that is not listening yet every RECONNECT_MS, not ZeroMQ's 100 ms
        assert client.shell_channel.socket.getsockopt(zmq.RECONNECT_IVL) == execute.RECONNECT_MS < 100
        run_sync(client.wait_for_ready)(timeout=120)
        first = len(asked)
        run_sync(client.wait_for_ready)(timeout=120)
        assert client.ready and first >= 1 and len(asked) == first  # ready once: no second handshake
        printed = []
        for number in (1, 2):  # each notebook gets its own outputs, none left from the one before
            notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"print('notebook {number}')"),
                                                       nbformat.v4.new_code_cell(f"{number} * 10")])
            notebook.metadata["kernelspec"] = {"name": FORK_KERNEL, "display_name": "kitlib", "language": "python"}
            ran = papermill.execute_notebook(notebook, str(tmp_path / f"{number}.ipynb"), km=manager, kernel_name=FORK_KERNEL,
                                             progress_bar=False)
            printed.append([output.get("text") or output.get("data", {}).get("text/plain") for cell in ran.cells for output in cell.outputs])
        assert printed == [["notebook 1\n", "10"], ["notebook 2\n", "20"]]
        assert client.channels_running and len(asked) == first + 2  # papermill's own kernel_info at the end of each run
    finally:
        execute._shutdown(manager)
    assert not client.channels_running


def test_a_forked_kernel_can_be_interrupted(server):
    _, folder = server
    manager, client = _kernel(folder)
    try:
        message = client.execute("import time\ntime.sleep(120)")
        _wait_for(client, message, "execute_input")  # the cell runs (a busy machine may take a while to start it)
        time.sleep(0.5)
        start = time.monotonic()
        run_sync(manager.interrupt_kernel)()
        reply = client.get_shell_msg(timeout=30)
        while reply["msg_type"] == "kernel_info_reply":  # a busy machine makes wait_for_ready ask more than once
            reply = client.get_shell_msg(timeout=30)
        assert reply["parent_header"]["msg_id"] == message
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - start < 30
        _wait_for(client, message, "status", "idle")  # the interrupted cell has ended, as a front end sees it
        printed, content = _run(client, "print(1 + 1)")
        assert content["status"] == "ok" and printed.strip() == "2", content  # and keeps working
    finally:
        _stop(manager, client)


def test_killing_the_relay_kills_its_kernel_and_shutdown_ends_both(server):
    _, folder = server
    manager, client = _kernel(folder)
    kernel = int(_run(client, "import os\nprint(os.getpid())")[0])
    relay = manager.provisioner.process
    client.stop_channels()
    relay.kill()  # SIGKILL: the relay cannot pass anything on, the server notices its connection close
    assert _gone(kernel), "the kernel outlived its relay"
    execute._shutdown(manager)

    manager, client = _kernel(folder)
    kernel = int(_run(client, "import os\nprint(os.getpid())")[0])
    relay = manager.provisioner.process.pid
    _stop(manager, client)  # a normal shutdown: the kernel exits and the relay with it
    assert _gone(kernel) and _gone(relay)


def test_closing_the_server_kills_its_kernels():
    folder = Path(tempfile.mkdtemp(prefix="kf-"))
    started = ForkServer(folder)
    try:
        manager, client = _kernel(folder)
        kernel = int(_run(client, "import os\nprint(os.getpid())")[0])
        client.stop_channels()
        started.close()
        assert started.process.returncode == 0
        assert _gone(kernel), "a kernel outlived its server"
        assert _gone(manager.provisioner.process.pid), "the relay did not hear that its server ended"
        execute._shutdown(manager)
    finally:
        started.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_batch_runs_its_reports_in_a_kernel_of_its_fork_server_and_replaces_a_failed_one(tmp_path):
    source = probe_notebook(tmp_path, "import os\nprint(os.getpid(), os.getppid(), 'carried' in dir())\n"
                                      "carried = step\nassert step != 1, 'the second report fails'")
    jobs = [ReportJob(name=f"probe{i}", case="bank", notebook=str(source), parameters={"step": i}) for i in range(3)]
    with execute.LocalWorkers(1) as workers:
        server = workers.forkserver.process.pid
        results = execute.run_jobs(jobs, tmp_path / "out", workers=workers, progress=False, fmt="ipynb")
    assert [result.status for result in results] == ["ok", "failed", "ok"], [result.error for result in results]
    printed = []
    for path in (tmp_path / "out" / "probe0.ipynb", tmp_path / "out" / "failed" / "probe1.ipynb",
                 tmp_path / "out" / "probe2.ipynb"):
        executed = nbformat.read(path, as_version=4)
        printed.append(executed.cells[-1].outputs[0]["text"].split())
    assert all(words[1] == str(server) for words in printed)  # every kernel was forked by the batch's server
    assert printed[0][0] == printed[1][0] != printed[2][0]  # one kernel kept warm, replaced after the failure
    assert all(words[2] == "False" for words in printed)  # the namespace is emptied between reports
    assert workers.forkserver.process.poll() is not None and not workers.scratch.exists()


def test_the_relay_needs_a_connection_file_or_the_serve_flag(capsys):
    assert [main([]), main(["--serve"]), main(["--serve", "x"]), main(["a.json", "b.json"])] == [2, 2, 2, 2]
    assert "usage" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_the_server_dies_with_its_owner(tmp_path):
    code = ("import sys, time\nfrom pathlib import Path\nfrom kitlib.report._forkserver import ForkServer\n"
            f"server = ForkServer(Path({str(tmp_path)!r}))\nprint(server.process.pid, flush=True)\n"
            "time.sleep(120)\n")
    import subprocess

    owner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pid = int(owner.stdout.readline())
    time.sleep(1)
    os.kill(owner.pid, signal.SIGKILL)
    owner.wait()
    assert _gone(pid, 60), "the fork server outlived its owner"
