"""Shared test settings: headless matplotlib, and the kit's theme so Chinese glyphs are available.

Shared fixtures:

- service quality (issue 4): ``make_survey`` / ``make_frame`` / ``codebook_dict`` build small seeded synthetic
  surveys with the shipped cases' column layout (E01..E22, P01..P22, W_<dimension>, K01_f/K01_d/K01_imp..,
  nps, overall, comment, provider, department, optional wave) via ``kitlib.codebook.parse_codebook``, so tests
  do not depend on datasets/; ``labelled_survey`` adds bilingual value labels (``value_labels``) and a
  reverse-keyed item 13; ``small`` is the survey of ``fixtures/r/service_small.csv`` that ``gaps.R`` analysed.
- psychometrics (issue 3): ``reference(name)`` loads the R reference values written by
  ``fixtures/r/psychometrics.R`` (and ``gaps.R``), ``raw_data`` / ``r_data`` / ``items`` the data R read,
  ``matrix`` and ``align_factors`` read R's matrices, ``tolerance`` holds the agreed tolerances.
  The dataset names themselves stay plain lists in the test modules, because ``parametrize`` needs them at import.
- ``case(name)``: a shipped case, loaded once per session.

The factories are returned as functions (call them with the arguments a test needs); loaders hand out a fresh
copy on every call, so a test may change what it gets.
"""

import json
import os
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import kitlib as kl  # noqa: E402
from kitlib.data.codebook import SERVQUAL_DIMENSIONS, parse_codebook  # noqa: E402
from kitlib.data.survey import Survey  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"

# --- service quality: synthetic surveys -------------------------------------------------------------------------------

DIMENSION_ITEMS = {
    "tangibles": range(1, 5),
    "reliability": range(5, 10),
    "responsiveness": range(10, 14),
    "assurance": range(14, 18),
    "empathy": range(18, 23),
}
DIMENSION_ZH = {"tangibles": "有形性", "reliability": "可靠性", "responsiveness": "响应性", "assurance": "保证性", "empathy": "移情性"}
VALUE_LABELS = {
    "department": {"Legal": {"zh": "法务部", "en": "Legal Affairs"}, "Sales": {"zh": "销售部", "en": "Sales & Marketing"},
                   "Finance": {"zh": "财务部", "en": "Finance"}, "Ops": {"zh": "运营部", "en": "Operations"}},
    "provider": {"IT Support": {"zh": "信息技术支持部", "en": "IT Support"}, "HR Service": {"zh": "人力资源服务部", "en": "HR Service"}},
    "wave": {"2025Q4": {"zh": "2025年第四季度", "en": "Q4 2025"}, "2026Q2": {"zh": "2026年第二季度", "en": "Q2 2026"}},
}


def _codebook_dict(waves: bool = False, n_features: int = 4) -> dict:
    columns = [
        {"id": "respondent_id", "kind": "id"},
        {"id": "provider", "kind": "group", "text_zh": "服务提供部门", "text_en": "Provider"},
        {"id": "department", "kind": "group", "text_zh": "接受服务部门", "text_en": "Department"},
    ]
    if waves:
        columns.append({"id": "wave", "kind": "wave", "text_zh": "调查轮次", "text_en": "Wave"})
    for kind in ("E", "P"):
        for dimension, items in DIMENSION_ITEMS.items():
            for item in items:
                columns.append({
                    "id": f"{kind}{item:02d}", "kind": f"servqual_{kind}", "dimension": dimension, "item": item,
                    "scale": {"min": 1, "max": 7},
                    "text_zh": f"{'期望' if kind == 'E' else '感知'}题{item}", "text_en": f"{kind} item {item}",
                })
    for dimension in SERVQUAL_DIMENSIONS:
        columns.append({"id": f"W_{dimension}", "kind": "importance", "dimension": dimension, "scale": {"min": 0, "max": 100}})
    for i in range(1, n_features + 1):
        feature = f"F{i:02d}"
        columns.append({"id": f"K{i:02d}_f", "kind": "kano_functional", "feature": feature})
        columns.append({"id": f"K{i:02d}_d", "kind": "kano_dysfunctional", "feature": feature})
        columns.append({"id": f"K{i:02d}_imp", "kind": "importance", "feature": feature, "scale": {"min": 1, "max": 7}})
    columns += [
        {"id": "nps", "kind": "nps"},
        {"id": "overall", "kind": "overall", "scale": {"min": 1, "max": 7}},
        {"id": "comment", "kind": "comment", "required": False},
    ]
    return {
        "name": "synthetic",
        "respondent_id": "respondent_id",
        "rated_unit": "provider",
        "dimensions": {d: {"zh": DIMENSION_ZH[d], "en": d.capitalize()} for d in SERVQUAL_DIMENSIONS},
        "features": {f"F{i:02d}": {"zh": f"功能{i}", "en": f"Feature {i}"} for i in range(1, n_features + 1)},
        "columns": columns,
    }


def _make_frame(n: int = 80, seed: int = 7, waves: bool = False, n_features: int = 4,
                departments=(("Sales", 0.45), ("Finance", 0.3), ("Legal", 0.0), ("Ops", 0.25))) -> pd.DataFrame:
    """Respondent-level data: E around 6, P lower on reliability; department 'Legal' gets exactly 3 rows."""
    rng = np.random.default_rng(seed)
    names = [d for d, _ in departments if d != "Legal"]
    shares = np.array([s for d, s in departments if d != "Legal"])
    department = list(rng.choice(names, size=n - 3, p=shares / shares.sum())) + ["Legal"] * 3
    provider = rng.choice(["IT Support", "HR Service"], size=n)
    frame = {"respondent_id": [f"R{i:04d}" for i in range(n)], "provider": provider, "department": department}
    if waves:
        frame["wave"] = np.where(np.arange(n) % 2 == 0, "2025Q4", "2026Q2")
    level = rng.normal(0, 0.6, size=n)
    after = (np.asarray(frame.get("wave", ["2025Q4"] * n)) == "2026Q2") * 0.6
    shift = {"tangibles": 0.0, "reliability": -1.2, "responsiveness": -0.6, "assurance": -0.2, "empathy": -0.4}
    for dimension, items in DIMENSION_ITEMS.items():
        for item in items:
            e = np.clip(np.round(6 + 0.5 * level + rng.normal(0, 0.8, n)), 1, 7)
            p = np.clip(np.round(5 + shift[dimension] + level + after + rng.normal(0, 1.0, n)), 1, 7)
            frame[f"E{item:02d}"] = e
            frame[f"P{item:02d}"] = p
    raw = rng.dirichlet([4, 6, 5, 3, 2], size=n) * 100
    allocation = np.round(raw)
    allocation[:, 0] += 100 - allocation.sum(axis=1)
    for j, dimension in enumerate(SERVQUAL_DIMENSIONS):
        frame[f"W_{dimension}"] = allocation[:, j]
    for i in range(1, n_features + 1):
        frame[f"K{i:02d}_f"] = rng.integers(1, 6, size=n).astype(float)
        frame[f"K{i:02d}_d"] = rng.integers(1, 6, size=n).astype(float)
        frame[f"K{i:02d}_imp"] = rng.integers(1, 8, size=n).astype(float)
    p_mean = np.mean([frame[f"P{i:02d}"] for i in range(1, 23)], axis=0)
    frame["overall"] = np.clip(np.round(p_mean + rng.normal(0, 0.5, n)), 1, 7)
    frame["nps"] = np.clip(np.round((p_mean - 1) / 6 * 10 + rng.normal(0, 1.5, n)), 0, 10)
    frame["comment"] = [None] * n
    return pd.DataFrame(frame)


def _make_survey(n: int = 80, seed: int = 7, waves: bool = False, n_features: int = 4, frame: pd.DataFrame | None = None,
                 self_assessment: bool = True) -> Survey:
    data = _make_frame(n, seed, waves, n_features) if frame is None else frame
    book = parse_codebook(_codebook_dict(waves, n_features))
    assessment = None
    if self_assessment:
        rng = np.random.default_rng(seed + 1)
        rows = []
        for provider in ("IT Support", "HR Service"):
            for staff in range(6):
                rows.append({"staff_id": f"{provider[:2]}{staff}", "provider": provider,
                             **{f"P{i:02d}": float(np.clip(round(6 + rng.normal(0, 0.7)), 1, 7)) for i in range(1, 23)}})
        assessment = pd.DataFrame(rows)
    return Survey(data.reset_index(drop=True), book, self_assessment=assessment)


def _labelled_survey(waves: bool = True, frame: pd.DataFrame | None = None) -> Survey:
    """The synthetic survey with bilingual value labels for its groups and item 13 reverse-keyed (as in the cases)."""
    book = _codebook_dict(waves=waves)
    for column in book["columns"]:
        if column["id"] in VALUE_LABELS:
            column["labels"] = VALUE_LABELS[column["id"]]
        if column["id"] in ("E13", "P13"):
            column["reverse"] = True
    data = _make_frame(waves=waves) if frame is None else frame
    return Survey(data.reset_index(drop=True), parse_codebook(book))


@pytest.fixture(scope="session")
def codebook_dict():
    """``codebook_dict(waves=False, n_features=4)``: the synthetic survey's codebook as the dict a YAML file holds."""
    return _codebook_dict


@pytest.fixture(scope="session")
def make_frame():
    """``make_frame(n=80, seed=7, waves=False, n_features=4, departments=...)``: seeded respondent-level data."""
    return _make_frame


@pytest.fixture(scope="session")
def make_survey():
    """``make_survey(n=80, seed=7, waves=False, n_features=4, frame=None, self_assessment=True)``: a synthetic Survey."""
    return _make_survey


@pytest.fixture(scope="session")
def value_labels():
    """The bilingual value labels ``labelled_survey`` gives department, provider and wave."""
    return VALUE_LABELS


@pytest.fixture(scope="session")
def labelled_survey():
    """``labelled_survey(waves=True, frame=None)``: the synthetic survey with value labels and item 13 reverse-keyed."""
    return _labelled_survey


@pytest.fixture(scope="module")
def small():
    """The 60-respondent, two-wave survey of fixtures/r/service_small.csv, the input of fixtures/r/gaps.R."""
    frame = pd.read_csv(FIXTURES / "r" / "service_small.csv")
    frame["comment"] = None
    return _make_survey(frame=frame, waves=True)


# --- psychometrics: R reference values and their input data -----------------------------------------------------------

@cache
def _reference_text(name: str) -> str:
    return (FIXTURES / "r" / f"{name}.json").read_text(encoding="utf-8")


def _reference(name: str) -> dict:
    """The JSON reference values R wrote for one dataset (read once, a fresh dict on every call)."""
    return json.loads(_reference_text(name))


@cache
def _raw_data_cached(name: str) -> pd.DataFrame:
    file = f"{name}_P.csv" if name.startswith("case_") else f"{name}.csv"
    return pd.read_csv(FIXTURES / "data" / file)


def _raw_data(name: str) -> pd.DataFrame:
    """The data R read (before recoding reverse-keyed items)."""
    return _raw_data_cached(name).copy()


def _r_data(name: str) -> pd.DataFrame:
    """The data R analysed: reverse-keyed items recoded as R did (``min + max - x``)."""
    ref = _reference(name)
    df = _raw_data(name)
    for item in ref["reverse"] or []:
        low, high = ref["scale_range"]
        df[item] = low + high - df[item]
    return df


def _items(name: str) -> pd.DataFrame:
    """The recoded data of the items in the dataset's model, in the model's order."""
    ref = _reference(name)
    return _r_data(name)[[i for members in ref["model"].values() for i in members]]


def _matrix(entry: dict) -> pd.DataFrame:
    """A matrix written by the R helper ``mat()``."""
    return pd.DataFrame(np.array(entry["values"], dtype=float), index=entry["rows"], columns=entry["cols"])


def _align_factors(mine: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column permutation and signs that best match ``mine`` to ``ref`` (factors have no natural order/sign)."""
    congruence = mine.T @ ref / np.sqrt(np.outer((mine**2).sum(0), (ref**2).sum(0)))
    rows, cols = linear_sum_assignment(-np.abs(congruence))
    order = np.empty(ref.shape[1], dtype=int)
    order[cols] = rows
    signs = np.sign(congruence[order, np.arange(ref.shape[1])])
    return order, signs


@pytest.fixture(scope="session")
def reference():
    """``reference(name)``: the dict R wrote to fixtures/r/<name>.json, e.g. ``reference("bfi")["model"]``."""
    return _reference


@pytest.fixture(scope="session")
def raw_data():
    """``raw_data(name)``: the data R read for one dataset, before recoding reverse-keyed items."""
    return _raw_data


@pytest.fixture(scope="session")
def r_data():
    """``r_data(name)``: the data R analysed, reverse-keyed items recoded as R did."""
    return _r_data


@pytest.fixture(scope="session")
def items():
    """``items(name)``: ``r_data(name)`` restricted to the items of the dataset's model."""
    return _items


@pytest.fixture(scope="session")
def matrix():
    """``matrix(entry)``: a matrix written by the R helper ``mat()`` as a DataFrame."""
    return _matrix


@pytest.fixture(scope="session")
def align_factors():
    """``align_factors(mine, ref)``: the column order and signs that best match our factors to R's."""
    return _align_factors


@pytest.fixture(scope="session")
def tolerance():
    """Agreement with R: ``closed_form`` for formulas both sides compute directly, ``iterative`` for fitted models."""
    return SimpleNamespace(closed_form=1e-6, iterative=1e-3)


# --- shipped cases ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def case():
    """``case(name)``: ``kl.load_case(name)``, loaded once per session (do not change what it returns)."""
    return cache(kl.load_case)
