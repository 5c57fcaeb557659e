"""Benchmark: ``kitlib report`` against the floor of one papermill run that only imports the stack.

Measured in one run on this machine:

* floor  = wall time of ``papermill`` executing a notebook whose only cell imports
  what the report notebook imports, directly or on first use (``kitlib.report._kernel.REPORT_STACK``: pandas,
  seaborn, scipy.stats, factor_analyzer, semopy, kitlib's analyses...; like a report kernel, it skips
  jsonschema's optional IRI grammar, which no report uses; median of ``--floor-runs`` runs, fresh kernel each);
* batch  = wall time of the ``kitlib report`` command (a subprocess, so CLI start-up,
  planning, HTML conversion and index writing all count) for every case
  (median of ``--repeats`` runs; the machine is shared, so single runs are noisy);
* ratio  = batch / (floor x runs / workers).  Goal: <= 1.5.

The default grid (one report per case) and the ``--by provider`` grid are both timed.

Where the time goes: the ``kitlib`` command starts the batch's fork server before it imports anything
else; the server imports the stack once for the whole batch while the command loads, audits and plans the
surveys (leaving each survey it read for the kernels), and then forks each worker's kernel (about 0.3 s),
kept warm and reset between reports, so a report costs only its own computation (2-4 s of one core for the
case reports).  The largest reports start first (LPT), and a worker starts its next report while the command
writes the finished one's HTML.  A kernel keeps one client for all its reports (jupyter_client's readiness
wait cost 0.2 s per report), forked kernels start without ipykernel's debugger, a kernel is killed and waited
for directly at the end (jupyter_client polls every 0.1 s), and the command imports and plans with its garbage
collector paused and freezes what that leaves, and again before it exits (its collections took about 1 s of a
case batch, Python's final ones 0.5 s).  With 3 reports on 2 workers one worker runs two reports after the start-up;
with many reports the ratio falls well below 1.

``--scale N`` (issue 11) adds a simulated organisation of N receiving departments (``--by department``,
one report each; default N = 500 when the flag is given without a number): it_firm's respondents resampled
into N departments of ``--scale-size`` respondents, written with a codebook naming every department, and run
once on the local workers (and, with ``--scale-dask``, once more through ``--scheduler`` on a Dask
``LocalCluster`` with the same number of one-thread worker processes).

Usage: ``.venv/bin/python benchmarks/reports.py [--workers N] [--floor-runs K] [--repeats R] [--scale [N]] [--scale-dask]``
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from kitlib.report.execute import default_workers

#: The floor notebook imports what a report kernel imports before its first report (kitlib's own list).
STACK = "import kitlib.report._kernel\nkitlib.report._kernel.import_report_stack()"


def floor_seconds(folder: Path, runs: int) -> float:
    """Median wall time of a papermill run of an import-only notebook."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(STACK)]
    source = folder / "floor.ipynb"
    nbformat.write(notebook, source)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        papermill.execute_notebook(str(source), str(folder / "floor_out.ipynb"), kernel_name="python3",
                                   progress_bar=False, log_output=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def batch_seconds(out: Path, workers: int, extra: list[str]) -> tuple[float, int]:
    """Wall time of one ``kitlib report`` command and the number of reports it wrote."""
    command = [str(Path(sys.executable).with_name("kitlib")), "report", "--out", str(out),
               "--workers", str(workers), "--no-progress", *extra]
    start = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if finished.returncode != 0:
        raise SystemExit(f"kitlib report failed ({finished.returncode}):\n{finished.stdout}\n{finished.stderr}")
    return seconds, len(list(out.glob("*.html"))) - 1  # minus index.html


def scaled_organisation(folder: Path, departments: int, size: int, seed: int = 11) -> tuple[Path, Path]:
    """it_firm's respondents resampled into ``departments`` departments of ``size``; the CSV and its codebook."""
    import numpy as np
    import pandas as pd
    import yaml

    from kitlib.data.cases import case_dir

    source = case_dir("it_firm")
    frame = pd.read_csv(source / "responses.csv")
    frame = frame[frame["department"] != "Internal Audit"]  # a 3-person department: keep only reportable rows
    rows = np.random.default_rng(seed).integers(0, len(frame), departments * size)
    scaled = frame.iloc[rows].reset_index(drop=True)
    names = [f"Unit {number:04d}" for number in range(1, departments + 1)]
    scaled["department"] = np.repeat(names, size)
    scaled["respondent_id"] = [f"S{number:06d}" for number in range(1, len(scaled) + 1)]
    book = yaml.safe_load((source / "codebook.yaml").read_text(encoding="utf-8"))
    for column in book["columns"]:
        if column.get("id") == "department":
            column["labels"] = {name: {"zh": f"单位{name[-4:]}", "en": name} for name in names}
    data, codebook = folder / "organisation.csv", folder / "codebook.yaml"
    scaled.to_csv(data, index=False)
    codebook.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data, codebook


@contextlib.contextmanager
def local_cluster(workers: int):
    """A Dask LocalCluster of ``workers`` one-thread worker processes; yields its scheduler address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def scale_benchmark(folder: Path, floor: float, workers: int, departments: int, size: int, dask: bool) -> None:
    """Time the ``--by department`` batch of a simulated organisation; print batch / (floor x runs / workers)."""
    data, codebook = scaled_organisation(folder, departments, size)
    extra = ["--data", str(data), "--codebook", str(codebook), "--by", "department"]
    runs = [("local workers", lambda: batch_seconds(folder / "scale_local", workers, extra))]
    if dask:
        def on_cluster():
            with local_cluster(workers) as address:
                return batch_seconds(folder / "scale_dask", workers, [*extra, "--scheduler", address])
        runs.append(("Dask LocalCluster", on_cluster))
    print(f"simulated organisation: {departments} departments x {size} respondents ({departments * size} rows)")
    print(f"{'runner':<22}{'runs':>5}{'workers':>8}{'batch s':>9}{'ideal s':>9}{'ratio':>7}")
    for label, run in runs:
        seconds, reports = run()
        ideal = floor * reports / workers
        print(f"{label:<22}{reports:>5}{workers:>8}{seconds:>9.2f}{ideal:>9.2f}{seconds / ideal:>7.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--floor-runs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--scale", type=int, nargs="?", const=500, metavar="N",
                        help="only the simulated organisation of N departments (default 500), --by department")
    parser.add_argument("--scale-size", type=int, default=12, help="respondents per simulated department (default 12)")
    parser.add_argument("--scale-dask", action="store_true", help="also run the simulated organisation on a Dask LocalCluster")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        floor = floor_seconds(folder, args.floor_runs)
        print(f"floor (papermill, import-only notebook, median of {args.floor_runs}): {floor:.2f} s")
        if args.scale:
            scale_benchmark(folder, floor, args.workers, args.scale, args.scale_size, args.scale_dask)
            return 0
        print(f"{'grid':<22}{'runs':>5}{'workers':>8}{'batch s':>9}{'ideal s':>9}{'ratio':>7}")
        for label, extra in [("all cases", []), ("all cases by provider", ["--by", "provider"])]:
            timings = [batch_seconds(folder / f"{label.replace(' ', '_')}_{repeat}", args.workers, extra)
                       for repeat in range(args.repeats)]
            seconds, runs = statistics.median(t for t, _ in timings), timings[0][1]
            ideal = floor * runs / args.workers
            print(f"{label:<22}{runs:>5}{args.workers:>8}{seconds:>9.2f}{ideal:>9.2f}{seconds / ideal:>7.2f}")
    print("goal: ratio <= 1.5")
    return 0


if __name__ == "__main__":
    sys.exit(main())
