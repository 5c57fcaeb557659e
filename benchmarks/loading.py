"""Loading speed: ``kl.load_survey`` (all checks on) against ``pandas.read_csv`` of the same file, one run.

A 200,000-row × 85-column survey (the bank case's layout and codebook, rows resampled with new
respondent ids; about 60 MB) is written to a temporary folder.  Printed: both times, their ratio
(goal ≤ 3), and the peak memory of ``load_survey`` (tracemalloc) against the size of the DataFrame it
returns (goal ≤ 3).

Run: ``.venv/bin/python benchmarks/loading.py [ROWS]``
"""

from __future__ import annotations

import sys
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best_of

import kitlib as kl
from kitlib.data.cases import case_dir


def make_file(folder: Path, rows: int) -> tuple[Path, Path]:
    source = case_dir("bank")
    frame = pd.read_csv(source / "responses.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(0)
    big = frame.iloc[rng.integers(0, len(frame), rows)].reset_index(drop=True)
    big["respondent_id"] = [f"R{i:07d}" for i in range(rows)]
    path = folder / "responses.csv"
    big.to_csv(path, index=False)
    return path, source / "codebook.yaml"


def main(rows: int = 200_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path, codebook = make_file(Path(folder), rows)
        size = path.stat().st_size / 1e6
        book = kl.load_codebook(codebook)
        floor = best_of(lambda: pd.read_csv(path))
        loading = best_of(lambda: kl.load_survey(path, book))
        tracemalloc.start()
        survey = kl.load_survey(path, book)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        frame_bytes = survey.data.memory_usage(deep=True).sum()
        print(f"file: {rows:,} rows x {survey.data.shape[1]} columns, {size:.0f} MB")
        print(f"pandas.read_csv: {floor:.2f} s; kl.load_survey: {loading:.2f} s; ratio {loading / floor:.2f} (goal <= 3)")
        print(f"load_survey peak memory {peak / 1e6:.0f} MB vs DataFrame {frame_bytes / 1e6:.0f} MB; "
              f"ratio {peak / frame_bytes:.2f} (goal <= 3)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
