"""``kitlib report --scheduler`` on Dask, and batch hygiene (issues 11 and 12).

* a batch sent to a Dask ``LocalCluster`` of 2 worker processes writes the
  same reports (files, key figures, threshold) as local workers; a failing
  job becomes a failed record; the CLI shows the progress bar and writes the
  index; Ctrl-C cancels the futures and kills the batch's kernels on the workers;
* the threshold is set once per batch: ``--param min_group_size=...`` is
  refused, the index states the threshold the reports used;
* outputs of a previous run into the same folder that the new run does not
  produce are removed, only when the runner's manifest lists them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from kitlib.cli import main
from kitlib.data.cases import case_dir
from kitlib.errors import OptionError
from kitlib.report import ReportJob, execute, run_jobs
from kitlib.report.execute import (
    MANIFEST,
    ReportResult,
    SchedulerError,
    batch_threshold,
    read_manifest,
    refuse_threshold_parameters,
    tidy_output_folder,
)
from kitlib.report.grid import plan
from kitlib.report.index import reports_threshold, write_index

KITLIB = Path(sys.executable).with_name("kitlib")
pytestmark = pytest.mark.xdist_group("dask")  # one LocalCluster per run, also under xdist --dist loadgroup


# ---------------------------------------------------------------- one threshold per batch (fast)
@pytest.mark.parametrize("name", ["min_group_size", "min_n", "comment_group_size"])
def test_a_notebook_parameter_cannot_set_the_threshold(tmp_path, capsys, name):
    out = tmp_path / "out"
    code = main(["report", "--case", "bank", "--min-group-size", "5", "--param", f"{name}=1", "--out", str(out),
                 "--no-progress"])
    assert code == 2
    error = capsys.readouterr().err
    assert f"--param {name}=1 is refused" in error and "--min-group-size" in error
    assert not out.exists()  # refused before anything is planned or written
    refuse_threshold_parameters({"alpha_level": 0.01, "lang": "en"})  # other parameters pass


def test_jobs_of_one_batch_share_one_threshold(tmp_path):
    jobs = [ReportJob("a", "bank", parameters={"min_group_size": 5}), ReportJob("b", "bank", parameters={"min_group_size": 1})]
    with pytest.raises(OptionError, match=r"one min_group_size, not \[1, 5\]"):
        run_jobs(jobs, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()
    assert batch_threshold([ReportJob("a", "bank"), ReportJob("b", "bank", parameters={"min_group_size": 7})]) == 7


def test_index_states_the_threshold_the_reports_used(tmp_path):
    results = [ReportResult("a", "A", "ok", "a.html", 1.0, {"n": 12}, min_group_size=8),
               ReportResult("b", "B", "failed", error="DataFileError: x", min_group_size=8)]
    english = write_index(results, tmp_path, lang="en", min_group_size=8).read_text(encoding="utf-8")
    assert "groups of fewer than 8 respondents are not shown; every report of this batch used this threshold" in english
    chinese = write_index(results, tmp_path, lang="zh", min_group_size=8).read_text(encoding="utf-8")
    assert "少于 8 名受访者的组不单独显示" in chinese
    with pytest.raises(OptionError, match=r"reports used min_group_size \[8\], the batch states 5"):
        write_index(results, tmp_path, lang="en", min_group_size=5)
    assert reports_threshold([ReportResult("c", "C", "ok")], 5) == 5  # a job that set no threshold


# ---------------------------------------------------------------- manifest: stale outputs (fast)
def _write(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"content of {name}", encoding="utf-8")


def _ok(name: str, *formats: str) -> ReportResult:
    files = [f"{name}.{fmt}" for fmt in formats or ("html",)]
    return ReportResult(name, name, "ok", files[0], files=files)


def test_stale_outputs_of_a_previous_run_are_removed_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    first = [ReportJob(f"case__department-{name}", "bank") for name in ("Sales", "Audit", "Legal")]
    _write(out, *(f"{job.name}.html" for job in first), "case__department-Legal.pdf", "failed/case__department-Sales.ipynb",
           "failed/case__department-Sales.error.txt")
    _write(out, "notes.html", "failed/mine.txt", "index.html")  # the user's files, and an index: in no manifest
    manifest = tidy_output_folder(out, first, [_ok(first[0].name), _ok(first[1].name), _ok(first[2].name, "html", "pdf")])
    assert manifest.removed_reports == 0
    assert "failed/case__department-Sales.ipynb" not in manifest.files  # not produced by this batch, but unlisted: kept
    assert (out / "failed/case__department-Sales.ipynb").exists()
    # A stricter threshold: Audit and Legal are withheld now; Sales fails this time.
    second = [first[0]]
    failed = ReportResult(first[0].name, first[0].name, "failed", error="boom", notebook=f"failed/{first[0].name}.ipynb")
    manifest = tidy_output_folder(out, second, [failed])
    assert manifest.removed_reports == 3 and manifest.removed_files == 4
    left = sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file())
    assert left == [MANIFEST, "failed/case__department-Sales.error.txt", "failed/case__department-Sales.ipynb",
                    "failed/mine.txt", "index.html", "notes.html"]
    assert manifest.files == ("failed/case__department-Sales.error.txt", "failed/case__department-Sales.ipynb")
    saved = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert "Audit" not in json.dumps(saved), "a withheld group's name stays in the folder"
    assert read_manifest(out) == manifest
    page = write_index([failed], out, lang="en").read_text(encoding="utf-8")
    assert "3 report(s) of a previous run in this folder that this run does not produce" in page
    assert "Audit" not in page and "Legal" not in page
    # It succeeds again: its old failure records go, its report is listed.
    _write(out, f"{first[0].name}.html")
    manifest = tidy_output_folder(out, second, [_ok(first[0].name)])
    assert manifest.files == (f"{first[0].name}.html",) and manifest.removed_reports == 0 and manifest.removed_files == 2
    assert not (out / "failed" / f"{first[0].name}.ipynb").exists() and (out / "failed/mine.txt").exists()


def test_reports_of_unfinished_jobs_stay_listed(tmp_path):
    jobs = [ReportJob("a", "bank"), ReportJob("b", "bank")]
    _write(tmp_path, "a.html", "b.html")
    tidy_output_folder(tmp_path, jobs, [_ok("a"), _ok("b")])
    manifest = tidy_output_folder(tmp_path, jobs, [_ok("a")])  # b was stopped before it finished
    assert manifest.files == ("a.html", "b.html") and manifest.removed_files == 0
    assert (tmp_path / "b.html").exists()


def test_a_tampered_manifest_deletes_nothing_outside_the_runners_files(tmp_path):
    out = tmp_path / "out"
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    _write(out, "index.html", "sub/report.html")
    (out / "link.html").symlink_to(outside)
    (out / MANIFEST).write_text(json.dumps({"files": ["../precious.txt", str(outside), "index.html", ".kitlib-report.lock",
                                                      "sub/report.html", "link.html", 7, "..\\precious.txt"]}))
    manifest = tidy_output_folder(out, [], [])
    assert outside.read_text() == "keep" and (out / "index.html").exists() and (out / "sub/report.html").exists()
    assert (out / "link.html").is_symlink() and manifest.removed_files == 0
    (out / MANIFEST).write_text("{not json")
    assert read_manifest(out).files == ()


def test_a_stricter_threshold_removes_the_withheld_groups_reports(tmp_path, monkeypatch):
    """End to end without notebooks: the planner's jobs at threshold 5, then 150, into one folder."""
    out = tmp_path / "out"

    def fake_run_job(job, out_dir, **options):
        Path(out_dir, f"{job.name}.html").write_text(job.group or "", encoding="utf-8")
        return _ok(job.name)

    monkeypatch.setattr(execute, "_run_all", lambda jobs, out_dir, workers, options, results, bar: results.update(
        {job.name: fake_run_job(job, out_dir) for job in jobs}))
    lenient, _ = plan(["it_firm"], by="department", min_group_size=5)
    strict, withheld = plan(["it_firm"], by="department", min_group_size=150)
    run_jobs(lenient, out, progress=False)
    _write(out, "my_notes.html")
    run_jobs(strict, out, progress=False)
    now_withheld = {job.name for job in lenient} - {job.name for job in strict}
    assert now_withheld and withheld["it_firm"] >= len(now_withheld)
    assert sorted(path.name for path in out.glob("*.html")) == sorted([f"{job.name}.html" for job in strict] + ["my_notes.html"])
    assert read_manifest(out).removed_reports == len(now_withheld)
    page = write_index([_ok(job.name) for job in strict], out, lang="en").read_text(encoding="utf-8")
    assert f"{len(now_withheld)} report(s) of a previous run" in page


# ---------------------------------------------------------------- Dask (fast: no cluster)
def test_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(execute, "CONNECT_SECONDS", 1)
    with pytest.raises(SchedulerError, match="cannot reach the Dask scheduler"):
        run_jobs([ReportJob("bank", "bank")], tmp_path / "a", scheduler="tcp://127.0.0.1:9", progress=False)
    assert main(["report", "--case", "bank", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "b"),
                 "--no-progress"]) == 2
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in capsys.readouterr().err
    assert not (tmp_path / "b" / "index.html").exists()


def test_shipped_inputs_keep_a_survey_beside_its_codebook(tmp_path):
    source = tmp_path / "mine"
    _write(source, "survey.csv", "codebook.yaml", "report.ipynb")
    job = ReportJob("mine", data_path=str(source / "survey.csv"))
    files = execute._input_files(job, str(source / "report.ipynb"))
    assert files == [str(source / "survey.csv"), str(source / "report.ipynb"), str(source / "codebook.yaml")]
    worker = tmp_path / "worker"
    moved, notebook = execute._localise(job, str(source / "report.ipynb"),
                                        {path: Path(path).read_bytes() for path in files}, worker)
    assert Path(moved.data_path).is_relative_to(worker) and Path(notebook).is_relative_to(worker)
    assert (Path(moved.data_path).parent / "codebook.yaml").read_text() == "content of codebook.yaml"
    assert moved.name == job.name and moved.title == job.title
    missing = ReportJob("gone", data_path=str(tmp_path / "gone.csv"))
    assert execute._input_files(missing, None) == []  # not shipped: the worker reports the submitter's path


# ---------------------------------------------------------------- Dask LocalCluster (slow)
@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def _own_survey(folder: Path) -> tuple[Path, Path]:
    """A researcher's file (a copy of it_firm) outside the kit: the workers only get it shipped."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(case_dir("it_firm") / "responses.csv", folder / "survey.csv")
    shutil.copy(case_dir("it_firm") / "codebook.yaml", folder / "codebook.yaml")
    return folder / "survey.csv", folder / "codebook.yaml"


def _files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
                  and path.name not in {MANIFEST, ".kitlib-report.lock"})


def _batch_folders() -> set[str]:
    return {path.name for path in Path(tempfile.gettempdir()).glob("kitlib-batch-*")}


@pytest.mark.slow
def test_dask_batch_equals_a_local_batch(tmp_path, cluster):
    data, _ = _own_survey(tmp_path / "survey")
    jobs, _ = plan(data=[str(data)], by="provider", min_group_size=5, parameters={"lang": "en"})
    jobs = jobs[:3] + [ReportJob("broken_survey", data_path=str(tmp_path / "broken_survey.csv"),
                                 parameters={"lang": "en", "min_group_size": 5})]
    before = _batch_folders()
    remote = run_jobs(jobs, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    local = run_jobs(jobs, tmp_path / "local", workers=2, progress=False)
    assert [r.status for r in remote] == [r.status for r in local] == ["ok", "ok", "ok", "failed"], [r.error for r in remote]
    assert [r.summary for r in remote] == [r.summary for r in local]
    assert all(r.summary["n"] >= 5 for r in remote[:3])
    assert [r.files for r in remote] == [r.files for r in local] and [r.min_group_size for r in remote] == [5] * 4
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")
    assert read_manifest(tmp_path / "dask").files == read_manifest(tmp_path / "local").files
    # the failing job is a failed record: its message, its executed notebook, no report
    failed = remote[3]
    assert failed.error.startswith("DataFileError") and str(tmp_path / "broken_survey.csv") in failed.error
    kept = nbformat.read(tmp_path / "dask" / failed.notebook, as_version=4)
    assert any(output.get("ename") == "DataFileError" for cell in kept.cells for output in cell.get("outputs", []))
    assert "DataFileError" in (tmp_path / "dask/failed/broken_survey.error.txt").read_text(encoding="utf-8")
    for result in remote[:3]:
        page = (tmp_path / "dask" / result.path).read_text(encoding="utf-8")
        assert page.count("<table") == (tmp_path / "local" / result.path).read_text(encoding="utf-8").count("<table") > 0
        assert str(tmp_path) not in page  # no path of the submitter's (or the worker's) folders
    assert not list((tmp_path / "dask").glob(".kitlib-work-*")) and not list((tmp_path / "dask").rglob("*.tmp"))
    deadline = time.monotonic() + 30  # a worker busy with its last report's kernel may take a moment to remove its folder
    while not _batch_folders() <= before and time.monotonic() < deadline:
        time.sleep(0.5)
    left = {name: _files(Path(tempfile.gettempdir()) / name) for name in _batch_folders() - before}
    assert not left, f"the batch's work folders on the workers were left behind: {left}"


@pytest.mark.slow
def test_cli_scheduler_shows_progress_and_writes_the_index(tmp_path, cluster):
    out = tmp_path / "out"
    finished = subprocess.run([str(KITLIB), "report", "--case", "bank", "--scheduler", cluster.scheduler_address,
                               "--out", str(out), "--lang", "en", "--min-group-size", "6"],
                              capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "reports: 100%" in finished.stderr and re.search(r"bank\s+ok", finished.stdout)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="bank.html"' in index and "groups of fewer than 6 respondents are not shown" in index
    assert read_manifest(out).files == ("bank.html",)


def _ipykernels_under(pid: int) -> list[int]:
    import psutil

    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child.pid)
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.mark.slow
def test_ctrl_c_cancels_the_futures_kills_the_kernels_and_writes_the_index(tmp_path, cluster):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('case = ""\nsummary_path = ""\nstep = 0')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell("import time\ntime.sleep(0.5 if step == 0 else 300)")]
    source = tmp_path / "probe.ipynb"
    nbformat.write(notebook, source)
    out = tmp_path / "out"
    code = ("import sys\nfrom kitlib.report import ReportJob, run_jobs\nfrom kitlib.report.execute import BatchInterrupted\n"
            "from kitlib.report.index import write_index\n"
            f"jobs = [ReportJob(name=f'p{{i}}', case='bank', notebook={str(source)!r}, parameters={{'step': i}}) for i in range(4)]\n"
            "try:\n"
            f"    run_jobs(jobs, {str(out)!r}, progress=False, fmt='ipynb', scheduler={cluster.scheduler_address!r})\n"
            "except BatchInterrupted as stopped:\n"
            f"    write_index(stopped.results, {str(out)!r}); print('stopped', [r.status for r in stopped.results]); sys.exit(3)\n")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (out / "p0.ipynb").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.5)
    assert (out / "p0.ipynb").exists(), process.communicate()
    while len(_ipykernels_under(os.getpid())) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)  # both workers are running a 300-second report now
    assert len(_ipykernels_under(os.getpid())) >= 2
    stopped_at = time.monotonic()
    os.kill(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 3, stdout + stderr
    assert "stopped ['ok', 'failed', 'failed', 'failed']" in stdout
    assert time.monotonic() - stopped_at < 60
    while _ipykernels_under(os.getpid()) and time.monotonic() - stopped_at < 30:
        time.sleep(0.5)
    assert _ipykernels_under(os.getpid()) == [], "the batch's kernels on the workers survived Ctrl-C"
    assert "Interrupted" in (out / "index.html").read_text(encoding="utf-8")
    assert read_manifest(out).files == ("p0.ipynb",)
    # both one-thread workers are free again at once: the cancelled 300-second reports ended with their kernels
    from distributed import Client

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        addresses = list(client.scheduler_info()["workers"])
        assert len(addresses) == 2
        pids = [client.submit(os.getpid, workers=[address], pure=False).result(timeout=30) for address in addresses]
    assert len(set(pids)) == 2
