"""Start-up of the kit and of a report batch: lazy package attributes, workers that warm up while the batch is planned.

``import kitlib`` loads no scientific library; every public name still
resolves (and is listed by ``dir``).  ``kitlib report`` starts its workers and
their kernels before it plans, and a plan that fails stops them at once.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

import kitlib
from kitlib import cli
from kitlib.report import execute, grid

LAZY_PACKAGES = ["kitlib", "kitlib.service", "kitlib.psychometrics", "kitlib.plot", "kitlib.report"]
HEAVY = ("pandas", "numpy", "matplotlib", "scipy", "seaborn", "semopy", "jsonschema", "sklearn")


def test_importing_the_kit_and_its_command_loads_no_scientific_library():
    code = ("import sys, kitlib, kitlib.cli, kitlib.report, kitlib.service, kitlib.psychometrics, kitlib.plot\n"
            f"print(','.join(sorted(name for name in {HEAVY!r} if name in sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"import kitlib loaded {loaded}"


def test_the_command_summary_of_a_batch_loads_no_analysis_module():
    """The summary table printed at the end of ``kitlib report`` needs its value labels, not scipy or the analyses."""
    code = ("import sys\nfrom kitlib.i18n import display_table\nfrom kitlib.report.execute import ReportResult\n"
            "from kitlib.report.index import summary_table\n"
            "results = [ReportResult('it_firm', 'IT', 'ok', seconds=1.0, summary={'n': 640}), ReportResult('bank', 'Bank', 'failed')]\n"
            "shown = display_table(summary_table(results), 'zh')\n"
            "print(shown['状态'].tolist(), [name for name in ('scipy', 'kitlib.service.kano') if name in sys.modules])")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert printed == "['成功', '失败'] []"


def test_a_report_kernel_imports_its_stack_without_the_optional_iri_grammar():
    """The kernels (and the benchmark's floor) import the report stack; jsonschema's IRI grammar is not part of it."""
    code = ("import sys, kitlib.report._kernel as kernel\nkernel.import_report_stack()\n"
            "import jsonschema\njsonschema.Draft202012Validator({'type': 'string', 'format': 'email'}).validate('a@b.cn')\n"
            "print(sys.modules['rfc3987_syntax'] is None, all(name in sys.modules for name in kernel.REPORT_STACK))")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert printed == ["True", "True"]


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_public_name_of_a_lazy_package_resolves_and_is_listed(package):
    module = importlib.import_module(package)
    listed = dir(module)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
        assert name in listed, f"{name} missing from dir({package})"
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        module.no_such_name  # noqa: B018 - the attribute access is the test


def test_a_lazy_name_is_the_object_of_its_module():
    from kitlib.service.gaps import servqual_gaps
    from kitlib.stats import paired_test

    assert kitlib.servqual_gaps is servqual_gaps
    assert kitlib.paired_gap_test is paired_test  # the earlier name, kept
    assert kitlib.plot is importlib.import_module("kitlib.plot")


def _children(besides=frozenset()) -> list[psutil.Process]:
    """This process's living descendants not in ``besides`` (pids of processes that were there before the test:
    another test's kernel, multiprocessing's resource tracker); zombies and processes that ended are left out."""
    alive = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.pid not in besides and child.status() != psutil.STATUS_ZOMBIE:
                alive.append(child)
        except psutil.Error:
            pass
    return alive


def _fork_servers(besides) -> int:
    count = 0
    for child in _children(besides):
        try:
            count += "kitlib.report._forkserver --serve" in " ".join(child.cmdline())
        except psutil.Error:
            pass
    return count


@pytest.fixture
def private_temp(monkeypatch):
    """The system temporary folder of this test (other tests may run batches at the same time).

    A short path: the kernels' Unix-domain sockets live below it, and socket paths are limited to 107 bytes.
    """
    folder = Path(tempfile.mkdtemp(prefix="kt-"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _work_folders(temp: Path) -> list[Path]:
    return sorted(temp.glob(f"{execute.SCRATCH_PREFIX}*"))


def _wait_for_no_children(besides, seconds: float = 30) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while (alive := _children(besides)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


def test_the_fork_server_starts_before_the_batch_is_planned(tmp_path, monkeypatch, private_temp):
    seen = {}
    before = {child.pid for child in _children()}

    def plan(*args, **kwargs):
        # the server that imports the report stack for the batch's kernels runs while the plan is still running
        seen["fork servers"] = _fork_servers(before)
        seen["work folders"] = len(_work_folders(private_temp))
        return [], {}

    monkeypatch.setattr(grid, "plan_batch", plan)
    assert cli.main(["report", "--out", str(tmp_path / "out"), "--workers", "2", "--no-progress"]) == 0
    assert seen["fork servers"] == 1 and seen["work folders"] == 1
    assert _wait_for_no_children(before) == []
    assert _work_folders(private_temp) == []


def test_a_failed_plan_stops_the_workers_at_once(tmp_path, capsys, private_temp):
    before = {child.pid for child in _children()}
    start = time.monotonic()
    code = cli.main(["report", "--param", "min_group_size=1", "--out", str(tmp_path / "out"), "--no-progress"])
    seconds = time.monotonic() - start
    assert code == 2
    assert "min_group_size" in capsys.readouterr().err
    assert _wait_for_no_children(before) == []
    assert _work_folders(private_temp) == []
    assert not (tmp_path / "out").exists()  # nothing was planned, so no output folder either
    assert seconds < 30, f"the refusal waited {seconds:.1f} s for kernels to warm up"


def test_the_command_starts_its_fork_server_before_it_imports_pandas(tmp_path):
    """The stack import of the fork server runs beside the command's own imports and planning, not after them."""
    code = ("import os, sys\nfrom kitlib import cli\nfrom kitlib.report import _forkserver\n"
            "class Spy(_forkserver.ForkServer):\n"
            "    def __init__(self, folder):\n"
            "        print('pandas' in sys.modules, flush=True)\n"
            "        super().__init__(folder)\n"
            "        Spy.started = self\n"
            "_forkserver.ForkServer = Spy\n"
            f"code = cli.main(['report', '--workers', '0', '--out', {str(tmp_path / 'out')!r}])\n"
            "print(code, Spy.started.process.poll() is not None, os.path.exists(Spy.started.folder))")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert printed == ["False", "2", "True", "False"]  # started first; stopped and removed although no batch ran


@pytest.mark.parametrize("argv", [["codebook", "check", "c.yaml"], ["report", "--help"], ["report", "-h"],
                                  ["report", "--fresh-kernels"], ["report", "--scheduler", "tcp://x:8786"],
                                  ["report", "--scheduler=tcp://x:8786"]])
def test_no_fork_server_is_started_for_a_command_that_forks_no_kernel(argv):
    assert cli.early_fork_server(argv) is None


def test_a_batch_starts_its_largest_reports_first_and_lists_them_in_plan_order(tmp_path, monkeypatch):
    jobs, _ = grid.plan_batch(["it_firm", "manufacturer", "bank"])
    sizes = {job.name: job.rows for job in jobs}
    assert sizes == {name: len(kitlib.load_case(name, on_invalid="exclude").data) for name in sizes}
    by_provider, _ = grid.plan_batch(["bank"], by="provider")
    assert 0 < sum(job.rows for job in by_provider) <= sizes["bank"]
    started = []

    def run_job(job, out_dir, **options):
        started.append(job.name)
        return execute.ReportResult(job.name, job.title, "ok")

    monkeypatch.setattr(execute, "run_job", run_job)
    results = execute.run_jobs(jobs, tmp_path / "out", workers=1, fresh_kernels=True, progress=False)
    assert started == sorted(sizes, key=lambda name: -sizes[name]) and started[0] == "bank"
    assert [result.name for result in results] == [job.name for job in jobs]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_the_stack_is_imported_and_restored_after(enabled):
    import gc

    from kitlib.report import _kernel

    (gc.enable if enabled else gc.disable)()
    try:
        with _kernel.collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_the_console_script_returns_the_commands_code_with_the_objects_frozen_for_exit():
    from importlib.metadata import entry_points

    assert entry_points(group="console_scripts")["kitlib"].value == "kitlib.cli:console"
    code = ("import gc\nfrom kitlib import cli\ncli.main = lambda argv=None: 3\n"
            "frozen = gc.get_freeze_count()\nprint(cli.console(), frozen, gc.get_freeze_count() > 1000)")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert finished.stdout.split() == ["3", "0", "True"], finished.stderr


def test_a_report_command_run_in_process_freezes_nothing_and_restores_the_collector(tmp_path, monkeypatch):
    import gc
    from types import SimpleNamespace

    monkeypatch.setattr(grid, "plan_batch", lambda *args, **kwargs: ([], {}))
    monkeypatch.setattr(execute, "LocalWorkers", lambda *args, **kwargs: SimpleNamespace(close=lambda stop=False: None, surveys=None))
    monkeypatch.setattr(execute, "run_jobs", lambda *args, **kwargs: [])
    frozen = gc.get_freeze_count()
    assert cli.main(["report", "--case", "bank", "--out", str(tmp_path), "--no-progress", "--lang", "en"]) == 0
    assert gc.get_freeze_count() == frozen and gc.isenabled()  # only the kitlib command (cli.console) freezes


_LOG: list[Path] = []  # the event log of the scheduling test, inherited by its forked workers


def _event(text: str) -> None:
    with open(_LOG[0], "a", encoding="utf-8") as log:
        log.write(text + "\n")


def _fake_execute(job, out_dir, *, scratch, **options):
    _event(f"execute {job.name}")
    time.sleep(job.rows / 10)
    _event(f"executed {job.name}")
    return execute.ExecutedReport(job, Path(scratch) / f"{job.name}.ipynb", {"n": job.rows}, job.rows / 10)


def _fake_publish(report, out_dir, fmt):
    _event(f"publish {report.job.name}")
    if report.job.name == "broken":
        raise RuntimeError("the disk is full")
    return execute.ReportResult(report.job.name, report.job.title, "ok", seconds=report.seconds, summary=report.summary)


def test_a_worker_starts_its_next_notebook_while_the_batch_writes_the_finished_one(tmp_path, monkeypatch):
    _LOG[:] = [tmp_path / "events.txt"]
    monkeypatch.setattr(execute, "execute_report", _fake_execute)
    monkeypatch.setattr(execute, "publish_report", _fake_publish)
    jobs = [grid.ReportJob("short", rows=2), grid.ReportJob("long", rows=20), grid.ReportJob("broken", rows=1)]
    with execute.LocalWorkers(2, fresh_kernels=True) as workers:  # forked now: the workers see the fakes
        results = execute.run_jobs(jobs, tmp_path / "out", workers=workers, progress=False)
    events = _LOG[0].read_text(encoding="utf-8").splitlines()
    # while "long" runs, the worker that ran "short" runs "broken", and "short" and "broken" are written
    for event in ("execute broken", "publish short", "publish broken"):
        assert events.index(event) < events.index("executed long"), events
    assert events[-1] == "publish long" and len(events) == 9
    assert [(result.name, result.status) for result in results] == [("short", "ok"), ("long", "ok"), ("broken", "failed")]
    assert results[0].summary == {"n": 2} and "the disk is full" in results[2].error
