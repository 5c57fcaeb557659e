"""Small seeded synthetic surveys for the service-quality tests (issue 4).

``make_survey`` builds a :class:`kitlib.Survey` with the shipped cases' column
layout (E01..E22, P01..P22, W_<dimension>, K01_f/K01_d/K01_imp.., nps,
overall, comment, provider, department, optional wave) via
``kitlib.codebook.parse_codebook``, so tests do not depend on datasets/.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kitlib.data.codebook import SERVQUAL_DIMENSIONS, parse_codebook
from kitlib.data.survey import Survey

DIMENSION_ITEMS = {
    "tangibles": range(1, 5),
    "reliability": range(5, 10),
    "responsiveness": range(10, 14),
    "assurance": range(14, 18),
    "empathy": range(18, 23),
}
DIMENSION_ZH = {"tangibles": "有形性", "reliability": "可靠性", "responsiveness": "响应性", "assurance": "保证性", "empathy": "移情性"}
FEATURES = {f"F{i:02d}": ({"zh": f"功能{i}", "en": f"Feature {i}"}) for i in range(1, 5)}


def codebook_dict(waves: bool = False, n_features: int = 4) -> dict:
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


def make_frame(n: int = 80, seed: int = 7, waves: bool = False, n_features: int = 4,
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


def make_survey(n: int = 80, seed: int = 7, waves: bool = False, n_features: int = 4, frame: pd.DataFrame | None = None,
                self_assessment: bool = True) -> Survey:
    data = make_frame(n, seed, waves, n_features) if frame is None else frame
    book = parse_codebook(codebook_dict(waves, n_features))
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
