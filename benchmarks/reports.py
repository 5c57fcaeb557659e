"""Benchmark: ``kitlib report`` against the floor of one papermill run that only imports the stack.

Measured in one run on this machine:

* floor  = wall time of ``papermill`` executing a notebook whose only cell imports
  what the report notebook imports (median of ``--floor-runs`` runs, fresh kernel each);
* batch  = wall time of the ``kitlib report`` command (a subprocess, so CLI start-up,
  planning, HTML conversion and index writing all count) for every case
  (median of ``--repeats`` runs; the machine is shared, so single runs are noisy);
* ratio  = batch / (floor x runs / workers).  Goal: <= 1.5.

The default grid (one report per case) and the ``--by provider`` grid are both timed.

Where the time goes (see the report of issue 5): the CLI process must ``import kitlib``
(about 2 s, mostly seaborn and semopy) before it can start anything, and the floor does
not contain that; each worker then boots one kernel (= one floor) and reuses it, so a
report after the first costs only its own computation (about 1 s).  With 3 reports on 2
workers the serial start-up dominates; with many reports the ratio falls well below 1.

Usage: ``.venv/bin/python benchmarks/reports.py [--workers N] [--floor-runs K] [--repeats R]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from kitlib.report.execute import default_workers

STACK = (
    "import warnings\n"
    "import matplotlib.pyplot as plt\n"
    "import numpy as np\n"
    "import pandas as pd\n"
    "import seaborn as sns\n"
    "from IPython.display import display\n"
    "import kitlib as kl\n"
    "import kitlib.report.chapter"
)


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--floor-runs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        floor = floor_seconds(folder, args.floor_runs)
        print(f"floor (papermill, import-only notebook, median of {args.floor_runs}): {floor:.2f} s")
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
