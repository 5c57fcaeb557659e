"""Exercise 7 (part 1) — the Net Promoter Score by hand.

Example
-------
>>> from kitlib.exercises import check_nps
>>> check_nps(20.0, [10, 9, 8, 7, 3], lang="en").correct
True

References
----------
Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
Review*, 81(12), 46–54.
"""

from __future__ import annotations

import pandas as pd

from kitlib.exercises.feedback import Feedback, checker, close, decimals_tolerance, fmt
from kitlib.exercises.reference import net_promoter_score
from kitlib.exercises.result import CheckResult

__all__ = ["DECIMALS", "HINTS", "check_nps"]

DECIMALS = 0  # NPS is reported in whole percentage points: −29 and −29.2 are both right for −29.2

MESSAGES = {
    "nps_ok": {
        "zh": "NPS = {value}：推荐者 {promoters}% − 贬损者 {detractors}%（被动者 {passives}% 不计入）。{tolerance}",
        "en": "NPS = {value}: promoters {promoters}% − detractors {detractors}% (passives {passives}% count for neither). {tolerance}",
    },
    "seven_as_detractor": {
        "zh": "7 分不是贬损者：贬损者是 0–6 分，7–8 分是被动者。你把 0–7 分都算成了贬损者。",
        "en": "A 7 is not a detractor: detractors are 0–6, and 7–8 are passives. You counted 0–7 as detractors.",
    },
    "eight_as_promoter": {
        "zh": "8 分不是推荐者：推荐者只有 9–10 分。你把 8–10 分都算成了推荐者。",
        "en": "An 8 is not a promoter: promoters are 9–10 only. You counted 8–10 as promoters.",
    },
    "passives_as_promoters": {
        "zh": "7–8 分是“被动者”，不是推荐者。推荐者只有 9–10 分，贬损者是 0–6 分。",
        "en": "Scores 7–8 are passives, not promoters. Promoters are 9–10 only; detractors 0–6.",
    },
    "passives_as_detractors": {
        "zh": "7–8 分是“被动者”，不算贬损者。贬损者只有 0–6 分。",
        "en": "Scores 7–8 are passives, not detractors. Detractors are 0–6 only.",
    },
    "proportion": {
        "zh": "方法对了，但 NPS 用百分点表示（−100 到 100）：乘以 100。",
        "en": "Right method, but NPS is stated in percentage points (−100 to 100): multiply by 100.",
    },
    "mean_score": {
        "zh": "这是 0–10 分的平均分。NPS 不是平均分，而是推荐者百分比减去贬损者百分比。",
        "en": "That is the mean 0–10 score. NPS is not an average: it is % promoters minus % detractors.",
    },
    "promoters_only": {
        "zh": "这只是推荐者的百分比。还要减去贬损者（0–6 分）的百分比。",
        "en": "That is only the share of promoters. Subtract the share of detractors (0–6).",
    },
    "nps_wrong": {
        "zh": "NPS 不对。数 9–10 分（推荐者）和 0–6 分（贬损者）各占百分之几，相减；缺失值不计入分母。",
        "en": "Wrong NPS. Find the % of 9–10 scores (promoters) and of 0–6 scores (detractors) and subtract; leave missing answers out of the denominator.",
    },
}


HINTS = {
    "nps": [
        {"zh": "把分数分成三组：9–10、7–8、0–6，各数一数。",
         "en": "Sort the scores into three groups, 9–10, 7–8 and 0–6, and count each."},
        {"zh": "NPS = 推荐者（9–10）百分比 − 贬损者（0–6）百分比；被动者（7–8）只计入分母；单位是百分点（−100 到 100）。",
         "en": "NPS = % promoters (9–10) − % detractors (0–6); passives (7–8) count only in the denominator; in percentage points (−100 to 100)."},
        {"zh": "共 {n} 个有效回答，其中 9–10 分 {n_promoters} 个，0–6 分 {n_detractors} 个，7–8 分 {n_passives} 个；"
               "NPS = 100 × ({n_promoters} − {n_detractors}) / {n}。",
         "en": "{n} valid answers, of which {n_promoters} are 9–10, {n_detractors} are 0–6 and {n_passives} are 7–8; "
               "NPS = 100 × ({n_promoters} − {n_detractors}) / {n}."},
    ],
}


@checker
def check_nps(answer, scores, lang: str = "zh") -> CheckResult:
    """Check a Net Promoter Score computed by hand.

    Parameters
    ----------
    answer : float or dict
        The NPS in percentage points (or ``{"nps": value}``).
    scores : sequence of numbers 0..10
        The likelihood-to-recommend answers the participant used.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``passives_as_promoters``, ``passives_as_detractors``,
        ``seven_as_detractor``, ``eight_as_promoter``, ``proportion``,
        ``mean_score``, ``promoters_only``.  Tolerance ±0.5 point: the task asks
        for whole percentage points, so −29 and −29.2 are both right for −29.2.

    Example
    -------
    >>> check_nps(60.0, [10, 9, 8, 7, 3], lang="en").mistakes
    ['passives_as_promoters']

    References
    ----------
    Reichheld, F. F. (2003). *Harvard Business Review*, 81(12), 46–54.
    """
    feedback = Feedback("nps", lang, MESSAGES, HINTS)
    values = pd.Series(scores, dtype=float).dropna()
    feedback.step("nps", n=len(values), n_promoters=int((values >= 9).sum()), n_detractors=int((values <= 6).sum()),
                  n_passives=int(values.between(7, 8).sum()))
    given = feedback.number(answer, "nps")
    if given is None:
        return feedback.result()
    expected = net_promoter_score(values)
    tol = decimals_tolerance(DECIMALS)
    if close(given, expected, tol):
        share = lambda mask: fmt(100 * mask.mean(), 1)  # noqa: E731
        feedback.right(
            "nps", "nps_ok", value=fmt(expected, 1), promoters=share(values >= 9),
            detractors=share(values <= 6), passives=share(values.between(7, 8)), tolerance=feedback.tolerance(DECIMALS),
        )
        return feedback.result()
    candidates = {
        "passives_as_promoters": net_promoter_score(values, promoter_min=7),
        "passives_as_detractors": net_promoter_score(values, detractor_max=8),
        "seven_as_detractor": net_promoter_score(values, detractor_max=7),
        "eight_as_promoter": net_promoter_score(values, promoter_min=8),
        "proportion": expected / 100,
        "mean_score": values.mean(),
        "promoters_only": 100 * (values >= 9).mean(),
    }
    for mistake, predicted in candidates.items():
        if close(given, predicted, tol=tol if mistake != "proportion" else tol / 100):
            feedback.wrong("nps", mistake, mistake=mistake)
            return feedback.result()
    feedback.wrong("nps", "nps_wrong")
    return feedback.result()
