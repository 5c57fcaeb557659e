"""Simulate survey responses for a :class:`~kitlib.casegen.stories.CaseStory`.

The model, in 7-point scale units:

* five correlated SERVQUAL factors per respondent (correlation 0.55) for
  perceptions and, independently, for expectations;
* perception item = dimension mean + provider effect + wave effect +
  loading x factor + unique noise, rounded and clipped to 1..7; every item
  loads 0.8 on its dimension except the planted weak item (0.25) and one
  planted cross-loading item (0.6 on its own dimension, 0.35 on another), so
  the CFA fits well but not perfectly, as real SERVQUAL data do;
* expectations are high (means 5.5–6.4) with loadings 0.6, so they pile up
  near the top of the scale as real expectation data do;
* item 13 is negatively worded, so the file stores ``8 - x``;
* overall satisfaction depends most on reliability and responsiveness; NPS
  follows overall satisfaction;
* each KANO feature has a planted category that 55 % of respondents give it;
  the rest follow a background mix; answer pairs are drawn uniformly from the
  evaluation-table cells of the respondent's category;
* 0.2 % of item answers are left blank, ~1 % of respondents straight-line the
  perception items and ~1 % misallocate the 100 importance points, so the
  data-quality report has something to show.

Example
-------
>>> from kitlib.casegen.simulate import simulate_case
>>> from kitlib.casegen.stories import STORIES
>>> responses, staff = simulate_case(STORIES["it_firm"])
>>> len(responses)
640

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
*Center for Quality of Management Journal*, 2(4), 3–36.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kitlib.casegen.items import SERVQUAL_ITEMS
from kitlib.casegen.stories import CaseStory
from kitlib.casegen.voices import comment_texts
from kitlib.data.codebook import KANO_CODES, SERVQUAL_DIMENSIONS
from kitlib.service.kano import kano_classify

__all__ = ["simulate_case"]

FACTOR_CORRELATION = 0.55
LOADING = 0.8
WEAK_LOADING = 0.25
CROSS_LOADING = 0.35
CROSS_MAIN_LOADING = 0.6
EXPECTATION_LOADING = 0.6
PERCEPTION_SD = 1.15
EXPECTATION_SD = 0.75
PLANTED_SHARE = 0.55
BACKGROUND_CATEGORIES = {"A": 0.14, "O": 0.14, "M": 0.14, "I": 0.5, "R": 0.05, "Q": 0.03}
IMPORTANCE_BY_CATEGORY = {"M": 6.2, "O": 5.8, "A": 4.9, "I": 3.2, "R": 2.4, "Q": 4.0}
MISSING_SHARE = 0.002
STRAIGHTLINE_SHARE = 0.01
MISALLOCATION_SHARE = 0.01
COMMENT_SHARE = 0.08
OVERALL_WEIGHTS = {"tangibles": 0.1, "reliability": 0.35, "responsiveness": 0.3, "assurance": 0.15, "empathy": 0.1}
COMMENTS = {
    "low": ("工单处理太慢，催了好几次才有人回复", "承诺的时间经常做不到", "找不到具体负责的人",
            "流程太复杂，来回退件", "希望能主动告诉我们进度"),
    "high": ("对接人很专业，响应及时", "问题一次就解决了，点赞", "服务态度很好", "资料清楚，自助平台好用"),
}


def _likert(values: np.ndarray, low: int = 1, high: int = 7) -> np.ndarray:
    return np.clip(np.rint(values), low, high)


def _factors(rng: np.random.Generator, n: int) -> np.ndarray:
    k = len(SERVQUAL_DIMENSIONS)
    correlation = np.full((k, k), FACTOR_CORRELATION) + np.eye(k) * (1 - FACTOR_CORRELATION)
    return rng.multivariate_normal(np.zeros(k), correlation, size=n, method="cholesky")


def _items(rng, factors, means, loadings, sd, cross_loading=None) -> np.ndarray:
    """Item scores; ``cross_loading = (item, dimension)`` makes one item load on a second factor too."""
    columns = []
    for spec, loading in zip(SERVQUAL_ITEMS, loadings):
        d = SERVQUAL_DIMENSIONS.index(spec["dimension"])
        common = loading * factors[:, d]
        explained = loading**2
        if cross_loading and cross_loading[0] == spec["item"]:
            other = SERVQUAL_DIMENSIONS.index(cross_loading[1])
            common = common + CROSS_LOADING * factors[:, other]
            explained += CROSS_LOADING**2 + 2 * loading * CROSS_LOADING * FACTOR_CORRELATION
        unique = rng.standard_normal(len(factors)) * np.sqrt(1 - explained)
        columns.append(means[:, d] + sd * (common + unique))
    return np.column_stack(columns)


def _largest_remainder(shares: np.ndarray, total: int = 100) -> np.ndarray:
    raw = shares * total
    points = np.floor(raw).astype(int)
    short = total - points.sum(axis=1)
    order = np.argsort(-(raw - points), axis=1, kind="stable")
    for row, missing in enumerate(short):
        points[row, order[row, :missing]] += 1
    return points


def _kano_cells() -> dict[str, list[tuple[int, int]]]:
    functional, dysfunctional = np.meshgrid(KANO_CODES, KANO_CODES, indexing="ij")
    categories = kano_classify(functional.ravel(), dysfunctional.ravel())
    cells: dict[str, list[tuple[int, int]]] = {}
    for f, d, category in zip(functional.ravel(), dysfunctional.ravel(), categories):
        cells.setdefault(str(category), []).append((int(f), int(d)))
    return cells


def _kano_answers(rng, story: CaseStory, n: int) -> dict[str, np.ndarray]:
    cells = _kano_cells()
    labels = list(BACKGROUND_CATEGORIES)
    answers = {}
    for number, feature in enumerate(story.features, start=1):
        background = np.array([BACKGROUND_CATEGORIES[c] for c in labels])
        background = background / background.sum() * (1 - PLANTED_SHARE)
        probabilities = background + PLANTED_SHARE * (np.array(labels) == feature.category)
        chosen = rng.choice(labels, size=n, p=probabilities / probabilities.sum())
        pick = rng.random(n)
        functional = np.empty(n, dtype=int)
        dysfunctional = np.empty(n, dtype=int)
        for category in labels:
            mask = chosen == category
            options = cells[category]
            index = np.minimum((pick[mask] * len(options)).astype(int), len(options) - 1)
            functional[mask] = [options[i][0] for i in index]
            dysfunctional[mask] = [options[i][1] for i in index]
        mean = np.vectorize(IMPORTANCE_BY_CATEGORY.get)(chosen)
        answers[f"K{number:02d}_f"] = functional
        answers[f"K{number:02d}_d"] = dysfunctional
        answers[f"K{number:02d}_imp"] = _likert(mean + rng.normal(0, 1.0, n)).astype(int)
    return answers


def _respondents(rng, story: CaseStory) -> pd.DataFrame:
    departments = np.repeat(list(story.departments), [d["size"] for d in story.departments.values()])
    rng.shuffle(departments)
    n = len(departments)
    names = list(story.providers)
    weights = np.array([story.providers[p]["weight"] for p in names])
    providers = rng.choice(names, size=n, p=weights / weights.sum())
    frame = pd.DataFrame({"department": departments, "provider": providers})
    if story.waves:
        frame.insert(0, "wave", np.where(np.arange(n) % 2 == 0, story.waves[0], story.waves[-1]))
        frame = frame.sort_values("wave", kind="stable").reset_index(drop=True)
    frame.insert(0, "respondent_id", [f"{story.id_prefix}{i:04d}" for i in range(1, n + 1)])
    return frame


def _perception_means(story: CaseStory, frame: pd.DataFrame) -> np.ndarray:
    means = np.tile([story.perception_means[d] for d in SERVQUAL_DIMENSIONS], (len(frame), 1))
    for name, provider in story.providers.items():
        shift = [provider["effects"].get(d, 0.0) for d in SERVQUAL_DIMENSIONS]
        means[frame["provider"].to_numpy() == name] += shift
    if story.waves and story.wave_effects:
        after = frame["wave"].to_numpy() == story.waves[-1]
        means[after] += [story.wave_effects[d] for d in SERVQUAL_DIMENSIONS]
    return means


def simulate_case(story: CaseStory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(responses, self_assessment)`` for one case, fully determined by ``story.seed``."""
    rng = np.random.default_rng(story.seed)
    frame = _respondents(rng, story)
    n = len(frame)
    loadings = [
        WEAK_LOADING if s["item"] == story.weak_item
        else CROSS_MAIN_LOADING if s["item"] == story.cross_loading[0]
        else LOADING
        for s in SERVQUAL_ITEMS
    ]
    perception_means = _perception_means(story, frame)
    expectation_means = np.tile([story.expectation_means[d] for d in SERVQUAL_DIMENSIONS], (n, 1))
    perception_factors = _factors(rng, n)
    expectations = _likert(_items(rng, _factors(rng, n), expectation_means, [EXPECTATION_LOADING] * 22, EXPECTATION_SD))
    perceptions_latent = _items(rng, perception_factors, perception_means, loadings, PERCEPTION_SD, story.cross_loading)
    perceptions = _likert(perceptions_latent)
    straight = rng.random(n) < STRAIGHTLINE_SHARE
    perceptions[straight] = _likert(perceptions[straight].mean(axis=1, keepdims=True)).repeat(22, axis=1)
    for block in (expectations, perceptions):
        block[:, 12] = 8 - block[:, 12]
        block[rng.random(block.shape) < MISSING_SHARE] = np.nan
    for prefix, block in (("E", expectations), ("P", perceptions)):
        for number in range(1, 23):
            frame[f"{prefix}{number:02d}"] = pd.array(block[:, number - 1], dtype="Int64")

    preference = np.array([story.importance_preference[d] for d in SERVQUAL_DIMENSIONS], dtype=float)
    shares = rng.dirichlet(preference / 4, size=n)
    points = _largest_remainder(shares)
    wrong = rng.random(n) < MISALLOCATION_SHARE
    points[wrong, 0] += rng.integers(5, 21, wrong.sum())
    for d, dimension in enumerate(SERVQUAL_DIMENSIONS):
        frame[f"W_{dimension}"] = points[:, d]

    for column, values in _kano_answers(rng, story, n).items():
        frame[column] = values

    weights = np.array([OVERALL_WEIGHTS[d] for d in SERVQUAL_DIMENSIONS])
    dimension_scores = np.column_stack(
        [perceptions_latent[:, [s["dimension"] == d for s in SERVQUAL_ITEMS]].mean(axis=1) for d in SERVQUAL_DIMENSIONS]
    )
    satisfaction = dimension_scores @ weights + rng.normal(0, 0.55, n)
    frame["overall"] = _likert(satisfaction).astype(int)
    frame["nps"] = _likert(1.55 * satisfaction - 1.2 + rng.normal(0, 1.0, n), 0, 10).astype(int)
    tone = np.where(satisfaction < 4.5, "low", "high")
    has_comment = rng.random(n) < COMMENT_SHARE
    for t, c in zip(tone, has_comment):  # the original draws, kept so that every later number stays the same
        if c:
            rng.choice(COMMENTS[t])
    frame["comment"] = comment_texts(story.seed, frame["provider"], tone, has_comment, story.planted_theme)
    return frame, _self_assessment(rng, story)


def _self_assessment(rng, story: CaseStory) -> pd.DataFrame:
    rows = []
    for name, provider in story.providers.items():
        means = np.array([story.perception_means[d] for d in SERVQUAL_DIMENSIONS]) + story.self_view_bias
        means[SERVQUAL_DIMENSIONS.index(story.largest_gap)] += 0.6  # the provider's blind spot
        staff = provider["staff"]
        latent = _items(rng, _factors(rng, staff), np.tile(means, (staff, 1)), [LOADING] * 22, 0.8)
        ratings = _likert(latent).astype(int)
        ratings[:, 12] = 8 - ratings[:, 12]
        for member in range(staff):
            row = {"staff_id": f"{story.id_prefix}-S{len(rows) + 1:03d}", "provider": name}
            row.update({f"P{i:02d}": int(ratings[member, i - 1]) for i in range(1, 23)})
            rows.append(row)
    return pd.DataFrame(rows)
