"""Speed of kitlib's psychometrics against R on 50,000 simulated respondents x 22 SERVQUAL items.

Steps (same CSV in both languages, data loading not timed, best of ``--repeats``):

* ``alpha``: ``kl.reliability`` (alpha + Feldt CI + omega) on the 5 dimensions vs ``psych::alpha`` per dimension;
* ``efa``: ``kl.efa(df, 5)`` (minres, oblimin) vs ``psych::fa(x, 5)``;
* ``cfa``: ``kl.cfa(df, model)`` (5 factors, ML) vs ``lavaan::cfa``;
* ``invariance``: ``kl.invariance(df, model, group="wave")`` (configural, metric, scalar; the 50,000 split into
  two seeded waves) vs three ``lavaan::cfa(..., group = "wave", group.equal = ...)`` fits with ``fitMeasures``
  and ``lavTestLRT``;
* ``invariance_bank``: the same on the bank case (22 perception items, 2 waves, 1,171 complete respondents);
* ``cfa_wlsmv``: ordinal CFA, ``kl.cfa(df, model, estimator="WLSMV")`` vs ``lavaan::cfa(..., ordered = TRUE,
  estimator = "WLSMV")`` with ``fitMeasures``, on the first 5,000 simulated respondents recoded to 5 points.

The invariance and WLSMV steps time R with ``Rscript -e`` and ``system.time`` inside R, so R's start-up and
package loading are not counted.

Also timed for diagnosis: semopy fitted on the raw data (``Model.fit(data)``) instead of the
covariance matrix, the way kitlib calls it.  Prints the ratio kitlib / R per step (goal <= 1.0).
Run from the repository root:  ``.venv/bin/python benchmarks/psychometrics.py``.
The data are simulated once (seeded) into ``benchmarks/out/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import semopy
from _timing import best_of

import kitlib as kl
from kitlib.psychometrics.confirmatory import lavaan_syntax

HERE = Path(__file__).parent
OUT = HERE / "out"
DATA = OUT / "servqual_50k.csv"
WAVES = OUT / "servqual_50k_waves.csv"
BANK = OUT / "bank_waves_P.csv"
ORDINAL = OUT / "servqual_5k_5point.csv"
MODEL = {
    "tangibles": [f"P{i:02d}" for i in range(1, 5)],
    "reliability": [f"P{i:02d}" for i in range(5, 10)],
    "responsiveness": [f"P{i:02d}" for i in range(10, 14)],
    "assurance": [f"P{i:02d}" for i in range(14, 18)],
    "empathy": [f"P{i:02d}" for i in range(18, 23)],
}


def simulate(n: int = 50_000, seed: int = 20261126) -> pd.DataFrame:
    """Seeded 7-point answers from a 5-factor model (factor correlations 0.5, loadings 0.6-0.8)."""
    rng = np.random.default_rng(seed)
    k = len(MODEL)
    factors = rng.multivariate_normal(np.zeros(k), 0.5 * np.eye(k) + 0.5, size=n)
    columns = {}
    for f, items in enumerate(MODEL.values()):
        for item in items:
            loading = rng.uniform(0.6, 0.8)
            latent = loading * factors[:, f] + np.sqrt(1 - loading**2) * rng.standard_normal(n)
            columns[item] = np.clip(np.round(4.6 + 1.3 * latent), 1, 7)
    return pd.DataFrame(columns)


R_INVARIANCE = """
suppressMessages(library(lavaan))
x <- read.csv("{path}")
model <- "{syntax}"
run <- function() {{
  fits <- lapply(list("", "loadings", c("loadings", "intercepts")),
                 function(e) lavaan::cfa(model, data = x, group = "wave", group.equal = e))
  lapply(fits, fitMeasures)
  lavTestLRT(fits[[1]], fits[[2]], fits[[3]])
}}
cat(min(replicate({repeats}, system.time(run())[["elapsed"]])), "\\n")
"""


def r_invariance(rscript: str, path: Path, repeats: int) -> float:
    """Seconds lavaan needs for the three invariance fits (best of ``repeats``, timed inside R)."""
    code = R_INVARIANCE.format(path=path.as_posix(), syntax=lavaan_syntax(MODEL).replace("\n", "\\n"), repeats=repeats)
    run = subprocess.run([rscript, "-e", code], capture_output=True, text=True, check=True)
    return float(run.stdout.strip().splitlines()[-1])


R_WLSMV = """
suppressMessages(library(lavaan))
x <- read.csv("{path}")
model <- "{syntax}"
run <- function() fitMeasures(lavaan::cfa(model, data = x, ordered = TRUE, estimator = "WLSMV"))
cat(min(replicate({repeats}, system.time(run())[["elapsed"]])), "\\n")
"""


def five_point(df: pd.DataFrame, n: int = 5_000) -> pd.DataFrame:
    """The first ``n`` respondents with the 7-point answers collapsed to 5 points (1-2, 3, 4, 5, 6-7)."""
    mapping = {1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 7: 5}
    return df.head(n).apply(lambda column: column.map(mapping)).astype(int)


def r_wlsmv(rscript: str, path: Path, repeats: int) -> float:
    """Seconds lavaan needs for the ordinal WLSMV fit and its fit measures (best of ``repeats``, timed inside R)."""
    code = R_WLSMV.format(path=path.as_posix(), syntax=lavaan_syntax(MODEL).replace("\n", "\\n"), repeats=repeats)
    run = subprocess.run([rscript, "-e", code], capture_output=True, text=True, check=True)
    return float(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if not DATA.exists():
        simulate().to_csv(DATA, index=False)
    df = pd.read_csv(DATA)
    print(f"data: {DATA} ({df.shape[0]} respondents x {df.shape[1]} items)")
    if not WAVES.exists():
        wave = np.random.default_rng(20261127).permutation(np.repeat(["2025Q4", "2026Q2"], [len(df) // 2, len(df) - len(df) // 2]))
        df.assign(wave=wave).to_csv(WAVES, index=False)
    waves = pd.read_csv(WAVES)
    if not BANK.exists():
        survey = kl.load_case("bank")
        survey.servqual("P").assign(wave=survey.data["wave"].astype(str)).dropna().to_csv(BANK, index=False)
    bank = pd.read_csv(BANK)
    if not ORDINAL.exists():
        five_point(df).to_csv(ORDINAL, index=False)
    ordinal = pd.read_csv(ORDINAL)

    python = {
        "alpha": best_of(lambda: kl.reliability(df, MODEL), args.repeats),
        "efa": best_of(lambda: kl.efa(df, 5), args.repeats),
        "cfa": best_of(lambda: kl.cfa(df, MODEL), args.repeats),
        "invariance": best_of(lambda: kl.invariance(waves, MODEL, group="wave"), args.repeats),
        "invariance_bank": best_of(lambda: kl.invariance(bank, MODEL, group="wave"), args.repeats),
        "cfa_wlsmv": best_of(lambda: kl.cfa(ordinal, MODEL, estimator="WLSMV"), args.repeats),
    }
    semopy_raw = best_of(lambda: semopy.Model(lavaan_syntax(MODEL)).fit(df), args.repeats)

    rscript = shutil.which("Rscript")
    r = None
    if rscript:
        run = subprocess.run(
            [rscript, str(HERE / "psychometrics.R"), str(DATA), str(args.repeats)], capture_output=True, text=True, check=True
        )
        r = json.loads(run.stdout.strip().splitlines()[-1])
        r["invariance"] = r_invariance(rscript, WAVES, args.repeats)
        r["invariance_bank"] = r_invariance(rscript, BANK, args.repeats)
        r["cfa_wlsmv"] = r_wlsmv(rscript, ORDINAL, args.repeats)
    else:
        print("R is absent (no Rscript on PATH): only kitlib times are shown")

    print(f"{'step':<16}{'kitlib s':>10}{'R s':>10}{'kitlib/R':>10}")
    for step, seconds in python.items():
        if r:
            print(f"{step:<16}{seconds:>10.3f}{r[step]:>10.3f}{seconds / r[step]:>10.2f}")
        else:
            print(f"{step:<16}{seconds:>10.3f}{'-':>10}{'-':>10}")
    note = f" (lavaan {r['cfa']:.3f} s, ratio {semopy_raw / r['cfa']:.2f})" if r else ""
    print(f"diagnosis: semopy fitted on raw data instead of the covariance matrix: {semopy_raw:.3f} s{note}")


if __name__ == "__main__":
    main()
