"""Load the R reference fixtures of issue 3 (written by tests/fixtures/r/psychometrics.R) and their input data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

FIXTURES = Path(__file__).parent / "fixtures"
DATASETS = ["holzinger_swineford", "bfi", "case_it_firm", "case_manufacturer", "case_bank"]
CASES = [name for name in DATASETS if name.startswith("case_")]
CLOSED_FORM = 1e-6
ITERATIVE = 1e-3


def reference(name: str) -> dict:
    """The JSON reference values R wrote for one dataset."""
    return json.loads((FIXTURES / "r" / f"{name}.json").read_text(encoding="utf-8"))


def raw_data(name: str) -> pd.DataFrame:
    """The data R read (before recoding reverse-keyed items)."""
    file = f"{name}_P.csv" if name.startswith("case_") else f"{name}.csv"
    return pd.read_csv(FIXTURES / "data" / file)


def data(name: str) -> pd.DataFrame:
    """The data R analysed: reverse-keyed items recoded as R did (``min + max - x``)."""
    ref = reference(name)
    df = raw_data(name)
    for item in ref["reverse"] or []:
        low, high = ref["scale_range"]
        df[item] = low + high - df[item]
    return df


def matrix(entry: dict) -> pd.DataFrame:
    """A matrix written by the R helper ``mat()``."""
    return pd.DataFrame(np.array(entry["values"], dtype=float), index=entry["rows"], columns=entry["cols"])


def align_factors(mine: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column permutation and signs that best match ``mine`` to ``ref`` (factors have no natural order/sign)."""
    congruence = mine.T @ ref / np.sqrt(np.outer((mine**2).sum(0), (ref**2).sum(0)))
    rows, cols = linear_sum_assignment(-np.abs(congruence))
    order = np.empty(ref.shape[1], dtype=int)
    order[cols] = rows
    signs = np.sign(congruence[order, np.arange(ref.shape[1])])
    return order, signs
