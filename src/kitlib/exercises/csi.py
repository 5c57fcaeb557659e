"""Exercise 7 (part 2) — the Customer Satisfaction Index (0–100).

The participant follows :func:`kitlib.csi`'s formula by hand: rescale each
perception dimension mean to 0–100 and weight it by the mean importance
allocation.  The expected value is kitlib's own.

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_csi
>>> survey = kl.load_case("it_firm")
>>> check_csi(kl.csi(survey).csi, survey, lang="en").correct
True

References
----------
Fornell, C. (1992). A national customer satisfaction barometer: the Swedish
experience. *Journal of Marketing*, 56(1), 6–21.
"""

from __future__ import annotations

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import Feedback, checker, close, decimals_tolerance, fmt
from kitlib.exercises.result import CheckResult

__all__ = ["DECIMALS", "check_csi"]

DECIMALS = 1  # CSI to one decimal on 0–100: tolerance ±0.05

MESSAGES = {
    "csi_ok": {
        "zh": "CSI = {value}（0–100）：各维度 P 平均分换算为 0–100 后按重要性加权。{tolerance}",
        "en": "CSI = {value} (0–100): each dimension's P mean rescaled to 0–100, weighted by importance. {tolerance}",
    },
    "divided_by_max": {
        "zh": "你用了 平均分 / 7 × 100，这样 1 分（最差）也有 14 分。换算要减去最小值：(平均分 − 1) / (7 − 1) × 100。",
        "en": "You used mean / 7 × 100, which gives the worst answer (1) 14 points. Subtract the minimum: (mean − 1) / (7 − 1) × 100.",
    },
    "not_rescaled": {
        "zh": "这是 1–7 分上的加权平均分，还没换算成 0–100：(平均分 − 1) / 6 × 100。",
        "en": "That is the weighted mean on the 1–7 scale, not yet on 0–100: (mean − 1) / 6 × 100.",
    },
    "equal_weights": {
        "zh": "你用了等权重。本练习按受访者分配的重要性点数（W_ 列，先换成比例再取平均）加权。",
        "en": "You used equal weights. This exercise weights by the importance points respondents allocated (W_ columns, as shares, averaged).",
    },
    "weights_not_normalized": {
        "zh": "权重没有换成比例：100 点分配要除以 100（各维度权重之和应为 1）。",
        "en": "The weights are still points: divide the 100-point allocation by 100 (weights must sum to 1).",
    },
    "csi_wrong": {
        "zh": "CSI 不对。步骤：每个维度 P 平均分 → (平均 − 1)/6 × 100 → 乘以该维度平均重要性比例 → 相加。",
        "en": "Wrong CSI. Steps: each dimension's P mean → (mean − 1)/6 × 100 → times the dimension's mean importance share → sum.",
    },
}


HINTS = {
    "csi": [
        {"zh": "先换算、再加权：每个维度的平均分先换到 0–100，再乘以它的权重。",
         "en": "Rescale first, then weight: put each dimension's mean on 0–100, then multiply by its weight."},
        {"zh": "0–100 分 = (平均 − 最小值) / (最大值 − 最小值) × 100，7 点量表即 (平均 − 1)/6 × 100；权重 = 每人点数 / 本人总点数，再取平均，权重和为 1。",
         "en": "0–100 score = (mean − min) / (max − min) × 100, i.e. (mean − 1)/6 × 100 on a 7-point "
               "scale; weight = each respondent's points / their total, averaged; weights sum to 1."},
        {"zh": "示范“{dimension}”：平均 {mean} → ({mean} − 1)/6 × 100 = {score}，权重 {weight}，贡献 {score} × {weight}。其余维度照此相加。",
         "en": "Worked for '{dimension}': mean {mean} → ({mean} − 1)/6 × 100 = {score}, weight "
               "{weight}, contribution {score} × {weight}. Add the other dimensions the same way."},
    ],
}


@checker
def check_csi(answer, survey: Survey, lang: str = "zh") -> CheckResult:
    """Check a CSI computed by hand against :func:`kitlib.csi` on the same survey.

    Parameters
    ----------
    answer : float or dict
        The CSI on 0–100 (or ``{"csi": value}``).
    survey : Survey
        The survey (or filtered part) the participant used.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``divided_by_max``, ``not_rescaled``,
        ``equal_weights``, ``weights_not_normalized``.

    Example
    -------
    >>> import kitlib as kl
    >>> check_csi(..., kl.load_case("bank"), lang="en").correct
    False

    References
    ----------
    Fornell, C. (1992). *Journal of Marketing*, 56(1), 6–21.
    """
    from kitlib.service.indices import csi

    feedback = Feedback("csi", lang, MESSAGES, HINTS)
    given = feedback.number(answer, "csi")
    if given is None:
        return feedback.result()
    result = csi(survey)
    tol = decimals_tolerance(DECIMALS)
    if close(given, result.csi, tol=tol):
        feedback.right("csi", "csi_ok", value=fmt(result.csi, 1), tolerance=feedback.tolerance(DECIMALS))
        return feedback.result()
    table = result.dimensions
    row = table.iloc[0]
    name = row["dimension"] if "dimension" in table.columns else table.index[0]
    feedback.step("csi", dimension=survey.codebook.label(name, lang), mean=fmt(row["mean"]),
                  score=fmt(100 * (row["mean"] - 1) / 6, 1), weight=fmt(row["weight"], 3))
    high = max(survey.codebook.columns[c].scale_max for c in survey.codebook.items("servqual_P"))
    candidates = {
        "divided_by_max": float((100 * table["mean"] / high * table["weight"]).sum()),
        "not_rescaled": float((table["mean"] * table["weight"]).sum()),
        "equal_weights": csi(survey, weights="equal").csi,
        "weights_not_normalized": 100 * result.csi,
    }
    for mistake, predicted in candidates.items():
        if close(given, predicted, tol=tol):
            feedback.wrong("csi", mistake, mistake=mistake)
            return feedback.result()
    if feedback.coarse("csi", given, result.csi, DECIMALS):
        return feedback.result()
    feedback.wrong("csi", "csi_wrong")
    return feedback.result()
