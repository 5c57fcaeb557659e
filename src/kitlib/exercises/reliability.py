"""Exercise 3 — reliability of the SERVQUAL perception scales; spot the weak item.

The participant computes Cronbach's alpha of the five perception (P) scales and
names the item that fits its scale worst (lowest corrected item-total
correlation, ``r_drop``).  Expected values come from the alpha formula.

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_reliability
>>> check_reliability({"alpha": None, "weak_item": None}, kl.load_case("it_firm"), lang="en").correct
False

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
*Psychometrika*, 16(3), 297–334.
Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.). McGraw-Hill.
"""

from __future__ import annotations

import pandas as pd

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import (
    Feedback,
    checker,
    close,
    close_all,
    decimals_tolerance,
    fmt,
    is_unanswered,
    read_keyed,
    read_labels,
    read_number,
)
from kitlib.exercises.reference import cronbach_alpha, item_total_correlations, undo_reverse_coding
from kitlib.exercises.result import CheckResult

__all__ = ["DECIMALS", "HINTS", "check_reliability", "scale_statistics"]

PARTS = ("alpha", "weak_item")
DECIMALS = 2  # alphas to two decimals: tolerance ±0.005
SCALE = {"zh": "维度", "en": "dimension"}

MESSAGES = {
    "alpha_ok": {
        "zh": "五个维度的 α 都对，最低的是“{lowest}”：{value}。{tolerance}",
        "en": "All five alphas right; the lowest is '{lowest}': {value}. {tolerance}",
    },
    "alpha_all_items": {
        "zh": "你把 22 道题放在一起算了一个 α。信度要按维度（每个分量表）分别算：model = survey.codebook.servqual_model(\"P\")。",
        "en": "You computed one alpha over all 22 items. Reliability is per scale: use model "
              "= survey.codebook.servqual_model(\"P\") and compute one alpha per dimension.",
    },
    "alpha_expectations": {
        "zh": "这些是期望值（E）题目的 α。练习问的是感知值（P）量表。",
        "en": "These are the alphas of the expectation (E) items; the exercise asks about the perception (P) scales.",
    },
    "alpha_not_recoded": {
        "zh": "“{dimensions}”的 α 偏低：反向题没有反向计分，它和同维度其他题负相关。先用 8 − x 反向计分（kl.load_case 已处理）。",
        "en": "The alpha of {dimensions} is too low: the reverse-keyed item was not recoded, so it "
              "correlates negatively with its scale. Recode with 8 − x first (kl.load_case does it).",
    },
    "alpha_wrong": {
        "zh": "“{dimensions}”的 α 不对，也不像常见的错误（22 题一起算、用了 E 题、没有反向计分）。",
        "en": "The alpha of {dimensions} is wrong, and not in one of the usual ways (all 22 items at once, E items, item 13 not recoded).",
    },
    "weak_ok": {
        "zh": "没错，{item} 与本维度其他题的校正相关最低（r_drop = {r}），删掉它后 α 从 {before} 变为 {after}。",
        "en": "Right: {item} has the lowest corrected item-total correlation (r_drop = {r}); without it alpha goes from {before} to {after}.",
    },
    "weak_lowest_mean": {
        "zh": "{item} 是平均分最低的题，但“弱题”指与同维度其他题关联弱（r_drop 最低），不是得分低。看 kl.item_analysis 的 r_drop 列。",
        "en": "{item} has the lowest mean, but a weak item is one that hangs together poorly with its "
              "scale (lowest r_drop), not one with low scores. Look at r_drop in kl.item_analysis.",
    },
    "weak_highest": {
        "zh": "{item} 的 r_drop 是最高的——它是最好的题。要找 r_drop 最低的那一道。",
        "en": "{item} has the highest r_drop — it is the best item. Look for the lowest r_drop.",
    },
    "weak_not_recoded": {
        "zh": "{item} 看起来很弱，只是因为它是反向题还没有反向计分。先反向计分，再找 r_drop 最低的题。",
        "en": "{item} only looks weak because it is the reverse-keyed item and was not recoded. Recode it, then look for the lowest r_drop.",
    },
    "weak_wrong": {
        "zh": "{item} 不是最弱的题。",
        "en": "{item} is not the weakest item.",
    },
}


HINTS = {
    "alpha": [
        {"zh": "每个维度单独算一个 α，只用感知值（P）题。", "en": "One alpha per dimension, from the perception (P) items only."},
        {"zh": "α = k/(k−1) · (1 − 各题方差之和 / 总分方差)，k 为该维度题数；只用没有缺失的行；反向题要先反向计分（kl.load_case 已处理）。",
         "en": "alpha = k/(k−1) · (1 − sum of item variances / variance of the total score), k items in the "
               "dimension; complete rows only; reverse-keyed items recoded first (kl.load_case does it)."},
        {"zh": "示范“{dimension}”：k = {k}，各题方差之和 = {item_var}，总分方差 = {total_var}，α = {k}/{k_1} × (1 − {item_var}/{total_var}) = {alpha}。",
         "en": "Worked for '{dimension}': k = {k}, sum of item variances = {item_var}, variance of "
               "the total = {total_var}, alpha = {k}/{k_1} × (1 − {item_var}/{total_var}) = {alpha}."},
    ],
    "weak_item": [
        {"zh": "“弱题”是和同一维度其他题关联最弱的题，不是得分最低的题。",
         "en": "A weak item hangs together poorly with the rest of its dimension; it is not the item with low scores."},
        {"zh": "校正的题总相关 r_drop = 该题与同维度其余题之和的相关（kl.item_analysis 的 r_drop 列）；在所有维度里找最低的。",
         "en": "The corrected item-total correlation r_drop is an item's correlation with the sum of the other "
               "items of its dimension (column r_drop of kl.item_analysis); find the lowest across all dimensions."},
        {"zh": "示范：“{scale}”中各题的 r_drop 为 {r_drops}。其余维度也这样算，再比较。",
         "en": "Worked: in '{scale}' the r_drop values are {r_drops}. Do the same for the other dimensions and compare."},
    ],
}


def scale_statistics(data: pd.DataFrame, model: dict) -> tuple[pd.Series, pd.Series]:
    """Alpha per scale and corrected item-total correlation (r_drop) per item."""
    alphas = pd.Series({scale: cronbach_alpha(data[items]) for scale, items in model.items()})
    corrected = pd.concat([item_total_correlations(data[items]) for items in model.values()])
    return alphas, corrected


def _check_alpha(feedback: Feedback, given, survey: Survey, alphas: pd.Series, raw_alphas: pd.Series) -> None:
    book, lang = survey.codebook, feedback.lang
    tol = decimals_tolerance(DECIMALS)
    single = read_number(given)
    if single is not None:
        if close(single, cronbach_alpha(survey.servqual("P")), tol):
            feedback.wrong("alpha", "alpha_all_items", mistake="alpha_all_items")
        else:
            feedback.wrong("alpha", "not_mapping", mistake="not_mapping", keys=", ".join(alphas.index), given="number")
        return
    if is_unanswered(given):
        feedback.wrong("alpha", "missing_part", mistake="unanswered", part="alpha", expected_kind="dict {dimension: alpha}")
        return
    labels = {s: book.dimensions.get(s, {"zh": s, "en": s}) for s in alphas.index}
    given = feedback.keyed("alpha", given, labels, "alpha", SCALE)
    if given is None:
        return
    if close_all(given, alphas, tol):
        feedback.right("alpha", "alpha_ok", lowest=book.label(alphas.idxmin(), lang), value=fmt(alphas.min(), 3),
                       tolerance=feedback.tolerance(DECIMALS))
        return
    wrong = [s for s in alphas.index if not close_all(given, {s: alphas[s]}, tol)]
    items = survey.data[book.servqual_model("P")[wrong[0]]].dropna()
    feedback.step("alpha", dimension=book.label(wrong[0], lang), k=items.shape[1], k_1=items.shape[1] - 1,
                  item_var=fmt(items.var(ddof=1).sum()), total_var=fmt(items.sum(axis=1).var(ddof=1)), alpha=fmt(alphas[wrong[0]], 3))
    expectation = pd.Series({s: cronbach_alpha(survey.data[i]) for s, i in book.servqual_model("E").items()})
    if close_all(given, expectation, tol):
        feedback.wrong("alpha", "alpha_expectations", mistake="alpha_expectations")
        return
    names = ", ".join(book.label(s, lang) for s in wrong)
    if all(close_all(given, {s: raw_alphas[s]}, tol) for s in wrong):
        feedback.wrong("alpha", "alpha_not_recoded", mistake="alpha_not_recoded", dimensions=names)
    elif all(close_all(given, {s: alphas[s]}, decimals_tolerance(DECIMALS - 1)) for s in wrong):
        feedback.coarse("alpha", given[wrong[0]], alphas[wrong[0]], DECIMALS)
    else:
        feedback.wrong("alpha", "alpha_wrong", dimensions=names)


def _as_parts(feedback: Feedback, answer, survey: Survey):
    """The answer as ``{"alpha": ..., "weak_item": ...}``; a bare alpha table or Series counts as the alphas."""
    if is_unanswered(answer):
        return feedback.parts(answer, PARTS)
    labels = survey.codebook.dimensions
    if isinstance(answer, pd.DataFrame) or hasattr(answer, "table") or (
        isinstance(answer, (pd.Series, dict)) and not set(map(str, answer.keys())) & set(PARTS)
        and read_keyed(answer, labels, "alpha").problem in (None, "shape_index")
    ):
        return {"alpha": answer}
    return feedback.parts(answer, PARTS)


@checker
def check_reliability(answer, survey: Survey, lang: str = "zh") -> CheckResult:
    """Check alphas of the perception scales and the weakest item.

    Parameters
    ----------
    answer : dict
        ``alpha``: the alphas of the five P scales — a dict or Series keyed by
        dimension (codes, Chinese or English names) or the ``kl.reliability(...)``
        table itself; ``weak_item``: the id of the weakest P item (e.g. ``"P07"``).
        The reliability table alone is read as the alphas.  Tolerance ±0.005
        (two decimals).
    survey : Survey
        The case as loaded (all providers).
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``alpha_all_items``, ``alpha_expectations``,
        ``alpha_not_recoded``, ``too_coarse``, ``weak_lowest_mean``, ``weak_highest``,
        ``weak_not_recoded``; shape problems as in :func:`~kitlib.exercises.feedback.read_keyed`.

    Example
    -------
    >>> import kitlib as kl
    >>> check_reliability(..., kl.load_case("bank"), lang="en").hints[0][:9]
    'No answer'

    References
    ----------
    Cronbach, L. J. (1951). *Psychometrika*, 16(3), 297–334.
    """
    feedback = Feedback("reliability", lang, MESSAGES, HINTS)
    parts = _as_parts(feedback, answer, survey)
    if parts is None:
        return feedback.result()
    model = survey.codebook.servqual_model("P")
    data = survey.data
    raw = undo_reverse_coding(data, survey.codebook)
    alphas, corrected = scale_statistics(data, model)
    raw_alphas, raw_corrected = scale_statistics(raw, model)
    _check_alpha(feedback, parts.get("alpha"), survey, alphas, raw_alphas)

    labels = read_labels(parts.get("weak_item")) if not is_unanswered(parts.get("weak_item")) else None
    if not labels or len(labels) != 1:
        feedback.wrong("weak_item", "missing_part", mistake="unanswered" if labels is None else "missing_part",
                       part="weak_item", expected_kind="one item id, e.g. 'P07'")
        return feedback.result()
    item = labels[0].upper()
    weakest = corrected.idxmin()
    if item == weakest:
        scale = next(s for s, items in model.items() if weakest in items)
        others = [i for i in model[scale] if i != weakest]
        feedback.right(
            "weak_item", "weak_ok", item=weakest, r=fmt(corrected[weakest], 3),
            before=fmt(alphas[scale], 3), after=fmt(cronbach_alpha(data[others]), 3),
        )
        return feedback.result()
    scale = next((s for s, items in model.items() if item in items), next(iter(model)))
    feedback.step("weak_item", scale=survey.codebook.label(scale, lang),
                  r_drops=", ".join(f"{i} {fmt(corrected[i], 2)}" for i in model[scale]))
    candidates = {
        "weak_not_recoded": raw_corrected.idxmin(),
        "weak_lowest_mean": data[list(corrected.index)].mean().idxmin(),
        "weak_highest": corrected.idxmax(),
    }
    mistake = next((m for m, predicted in candidates.items() if predicted == item), None)
    feedback.wrong("weak_item", mistake or "weak_wrong", mistake=mistake, item=item)
    return feedback.result()
