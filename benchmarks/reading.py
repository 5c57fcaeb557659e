"""Benchmark: :func:`kitlib.data.files.read_table` against a bare ``pandas.read_csv`` of the same CSV.

Generates a survey-like CSV (default 200,000 rows x 85 columns, about 60 MB: an id, a department and a
comment column in Chinese, the rest 0-100 answers, a few quoted comments with commas and newlines)
in a temporary folder, then times, alternately, ``--repeats`` times each:

* floor  = ``pd.read_csv(path, dtype=str, keep_default_na=False)``;
* kitlib = ``read_table(path)`` (decoding and encoding check, header detection, record scan for line
  numbers and ragged rows, pandas' C parser, blank-row handling).

ratio = median(kitlib) / median(floor).  Goal: <= 1.5.

Usage: ``.venv/bin/python benchmarks/reading.py [--rows N] [--columns K] [--repeats R] [--encoding utf-8|gb18030]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kitlib.data.files import read_table


def write_csv(path: Path, rows: int, columns: int, encoding: str, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    answers = rng.integers(0, 101, size=(rows, columns - 3)).astype(str)  # 0-100 ratings and importance points
    departments = np.array(["财务部", "信息技术部", "人力资源部", "行政部"])[rng.integers(0, 4, rows)]
    comments = np.array(["服务态度很好，响应及时", "", "ok", '"慢, 需要改进\n希望更快"', "no comment"])[rng.integers(0, 5, rows)]
    header = ",".join(["id", "部门", *[f"q{i:02d}" for i in range(1, columns - 2)], "comment"])
    lines = [header]
    for i in range(rows):
        lines.append(",".join([f"R{i:06d}", departments[i], *answers[i], comments[i]]))
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--columns", type=int, default=85)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        write_csv(path, args.rows, args.columns, args.encoding)
        print(f"{path.stat().st_size / 1024**2:.1f} MB, {args.rows:,} rows x {args.columns} columns, {args.encoding}")
        floor, ours = [], []
        for _ in range(args.repeats):
            started = time.perf_counter()
            expected = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=args.encoding)
            floor.append(time.perf_counter() - started)
            started = time.perf_counter()
            table = read_table(path)
            ours.append(time.perf_counter() - started)
        assert table.frame.shape == expected.shape, (table.frame.shape, expected.shape)
        assert table.frame.equals(expected.astype(str)) or (table.frame.to_numpy() == expected.to_numpy()).all()
        ratio = statistics.median(ours) / statistics.median(floor)
        print(f"pandas.read_csv: {statistics.median(floor):.2f} s  read_table: {statistics.median(ours):.2f} s  ratio: {ratio:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
