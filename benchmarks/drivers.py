"""Benchmark: key-driver analysis with a 1,000-resample bootstrap, kitlib against R on the same data.

Data: the it_firm case as ``tests/fixtures/r/drivers_it_firm.csv`` (640 respondents; outcome
``overall``; predictors the 5 SERVQUAL perception dimension scores).  Both sides start from the
CSV already read, compute the dimension scores, drop incomplete rows, decompose R² and run 1,000
percentile-bootstrap resamples:

* kitlib: ``kl.drivers(frame, "overall", model, method=..., n_boot=1000)`` (batched numpy);
* R: ``benchmarks/drivers.R`` — the same all-subsets LMG (one ``solve`` per subset, as
  ``relaimpo::calc.relimp(type = "lmg")``) or Johnson's relative weights inside
  ``boot::boot(R = 1000)`` + ``boot.ci(type = "perc")``, timed with ``system.time`` in Rscript
  (relaimpo itself is not packaged in Debian).

Prints best-of-``--repeats`` seconds and the ratio kitlib / R (goal <= 1.0), and checks that both
sides report the same point values.  Run from the repository root:
``.venv/bin/python benchmarks/drivers.py``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best_of

import kitlib as kl

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests/fixtures/r/drivers_it_firm.csv"
MODEL = {
    "tangibles": [f"P{i:02d}" for i in range(1, 5)],
    "reliability": [f"P{i:02d}" for i in range(5, 10)],
    "responsiveness": [f"P{i:02d}" for i in range(10, 14)],
    "assurance": [f"P{i:02d}" for i in range(14, 18)],
    "empathy": [f"P{i:02d}" for i in range(18, 23)],
}
GOAL = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    frame = pd.read_csv(DATA)
    methods = ("shapley", "relative_weights")
    kl.drivers(frame, "overall", MODEL, n_boot=10)  # warm-up (imports, BLAS)
    python = {m: best_of(lambda m=m: kl.drivers(frame, "overall", MODEL, method=m, n_boot=args.n_boot), args.repeats)
              for m in methods}
    points = {m: kl.drivers(frame, "overall", MODEL, method=m, n_boot=0).table["raw"].to_numpy() for m in methods}

    rscript = shutil.which("Rscript")
    r = None
    if rscript:
        run = subprocess.run([rscript, str(ROOT / "benchmarks/drivers.R"), str(DATA), str(args.n_boot), str(args.repeats)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        r = json.loads(run.stdout.strip().splitlines()[-1])
    else:
        print("R is absent (no Rscript on PATH): only kitlib times are shown")

    n = kl.drivers(frame, "overall", MODEL, n_boot=0).n
    print(f"Key-driver analysis, it_firm: n={n}, 5 dimension scores -> overall, {args.n_boot} bootstrap resamples, "
          f"best of {args.repeats}")
    print(f"{'method':<18}{'kitlib s':>10}{'R s':>10}{'kitlib/R':>10}{'max |diff| raw':>16}")
    for method, seconds in python.items():
        if r:
            ratio = seconds / r["seconds"][method]
            diff = float(np.max(np.abs(points[method] - np.asarray(r["raw"][method]))))
            verdict = "met" if ratio <= GOAL else "MISSED"
            print(f"{method:<18}{seconds:>10.3f}{r['seconds'][method]:>10.3f}{ratio:>10.2f}{diff:>16.1e}   goal <= {GOAL}: {verdict}")
        else:
            print(f"{method:<18}{seconds:>10.3f}{'-':>10}{'-':>10}{'-':>16}")


if __name__ == "__main__":
    main()
