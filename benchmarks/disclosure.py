"""Benchmark: what the batch disclosure audit hides and what it costs.

For each shipped case, and for a simulated 500-department organisation
(60,000 answers: 500 departments x 5 providers x 2 waves), prints the cells of
the linked tables, how many are small (primary suppression) and how many the
audit hides to protect them (secondary suppression, the cells a table-by-table
rule would have published), and the audit's time against a floor measured in
the same run: one pandas groupby counting distinct respondents over the finest
cells (the audit needs at least that).

Run: ``.venv/bin/python benchmarks/disclosure.py``  (``make bench``)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from _timing import best_of

import kitlib as kl
from kitlib import disclosure

REPEATS = 3


def fresh_audit(survey):
    disclosure._CACHE.clear()  # time the computation, not the per-process cache
    return kl.audit_disclosure(survey)


def organisation(departments: int = 500, answers: int = 60_000) -> kl.Survey:
    """The bank case resampled into ``departments`` receiving departments (sizes vary, some are small)."""
    bank = kl.load_case("bank")
    rng = np.random.default_rng(1)
    rows = bank.data.sample(answers, replace=True, random_state=1).reset_index(drop=True)
    weights = rng.gamma(0.8, size=departments)
    rows["department"] = [f"D{i:03d}" for i in rng.choice(departments, size=answers, p=weights / weights.sum())]
    rows["respondent_id"] = [f"R{i}" for i in range(answers)]
    return replace(bank, data=rows)


def main() -> None:
    surveys = {case: kl.load_case(case) for case in kl.CASES} | {"500 departments": organisation()}
    print(f"{'data':>16} {'cells':>6} {'shown':>6} {'small':>6} {'hidden to protect':>18} {'audit s':>8} {'floor s':>8} {'ratio':>6}")
    for name, survey in surveys.items():
        audit = fresh_audit(survey)
        counts = audit.cells["status"].value_counts()
        seconds = best_of(lambda survey=survey: fresh_audit(survey), REPEATS)
        columns = list(audit.dimensions)
        floor = best_of(lambda survey=survey, columns=columns: survey.data.groupby(columns)["respondent_id"].nunique(), REPEATS)
        print(f"{name:>16} {len(audit.cells):>6} {counts.get('shown', 0):>6} {counts.get('small', 0):>6} "
              f"{counts.get('protection', 0):>18} {seconds:>8.3f} {floor:>8.4f} {seconds / floor:>6.0f}")


if __name__ == "__main__":
    main()
