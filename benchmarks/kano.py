"""Benchmark: classify and summarize 1,000,000 KANO answer pairs over 10 features.

Goal: <= 0.1 s for ``kl.kano_table`` on 100,000 respondents x 10 features.
KANO classification is a table lookup, so the floor is plain NumPy: index a
flat 36-cell lookup table with ``functional * 6 + dysfunctional`` and count the
categories with ``np.bincount`` — measured in the same run, printed as a ratio.

Run: ``.venv/bin/python benchmarks/kano.py``  (``make bench``)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from _timing import best_of

import kitlib as kl
from kitlib.data.codebook import parse_codebook
from kitlib.service.kano import LOOKUP

RESPONDENTS = 100_000
FEATURES = 10
REPEATS = 7
GOAL_SECONDS = 0.1


def build_survey(rng: np.random.Generator) -> tuple[kl.Survey, np.ndarray, np.ndarray]:
    functional = rng.integers(1, 6, size=(RESPONDENTS, FEATURES))
    dysfunctional = rng.integers(1, 6, size=(RESPONDENTS, FEATURES))
    columns, frame = [], {}
    for j in range(FEATURES):
        feature = f"F{j + 1:02d}"
        columns += [{"id": f"K{j + 1:02d}_f", "kind": "kano_functional", "feature": feature},
                    {"id": f"K{j + 1:02d}_d", "kind": "kano_dysfunctional", "feature": feature}]
        frame[f"K{j + 1:02d}_f"] = functional[:, j].astype(float)  # loaded surveys hold floats
        frame[f"K{j + 1:02d}_d"] = dysfunctional[:, j].astype(float)
    book = parse_codebook({"name": "bench", "columns": columns})
    return kl.Survey(pd.DataFrame(frame), book), functional, dysfunctional


def main() -> None:
    rng = np.random.default_rng(2026)
    survey, functional, dysfunctional = build_survey(rng)
    pairs = functional.size

    def numpy_floor():
        codes = LOOKUP[functional * 6 + dysfunctional]
        return [np.bincount(codes[:, j], minlength=7) for j in range(FEATURES)]

    floor = best_of(numpy_floor, REPEATS)
    classify = best_of(lambda: kl.kano_classify(functional, dysfunctional), REPEATS)
    table = best_of(lambda: kl.kano_table(survey), REPEATS)

    result = kl.kano_table(survey)
    expected = numpy_floor()
    assert all((result.loc[j, list("AOMIRQ")].to_numpy() == expected[j][:6]).all() for j in range(FEATURES))

    print(f"KANO benchmark: {pairs:,} answer pairs ({RESPONDENTS:,} respondents x {FEATURES} features), best of {REPEATS}")
    print(f"  NumPy floor (lookup + bincount, int arrays): {floor * 1e3:8.2f} ms")
    print(f"  kl.kano_classify (validated, letters):      {classify * 1e3:8.2f} ms   {classify / floor:6.1f} x floor")
    print(f"  kl.kano_table (Survey -> full summary):     {table * 1e3:8.2f} ms   {table / floor:6.1f} x floor")
    verdict = "met" if table <= GOAL_SECONDS else "MISSED"
    print(f"  goal kano_table <= {GOAL_SECONDS:.2f} s: {verdict}")


if __name__ == "__main__":
    main()
