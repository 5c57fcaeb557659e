"""Exercise 8 — importance–performance analysis: quadrants and priorities.

The participant places the five SERVQUAL dimensions in the IPA grid (stated
importance = mean share of the 100-point allocation, performance = mean
perception, crosshairs at the means) and names the dimensions to concentrate
on.  Expected answers come from :func:`kitlib.ipa`.

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_ipa
>>> check_ipa(None, kl.load_case("it_firm"), lang="en").correct
False

References
----------
Martilla, J. A., & James, J. C. (1977). Importance-performance analysis.
*Journal of Marketing*, 41(1), 77–79.
Bacon, D. R. (2003). A comparison of approaches to importance-performance
analysis. *International Journal of Market Research*, 45(1), 55–71.
"""

from __future__ import annotations

import pandas as pd

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import Feedback, checker, fmt, is_unanswered, read_labels, read_mapping
from kitlib.exercises.result import CheckResult
from kitlib.service.indices import QUADRANTS

__all__ = ["HINTS", "check_ipa", "quadrant_key"]

PARTS = ("quadrants", "priority")

MESSAGES = {
    "quadrants_ok": {"zh": "五个维度的象限都对。", "en": "All five quadrants right."},
    "axes_swapped": {
        "zh": "重要性和表现的轴用反了：“重点改进”是重要性高、表现低；“可能过度投入”是重要性低、表现高。",
        "en": "Importance and performance axes are swapped: 'concentrate here' is high importance "
              "with low performance; 'possible overkill' is low importance with high performance.",
    },
    "midpoint_cut": {
        "zh": "你把表现的分界线放在量表中点（{midpoint}）。本练习用各维度表现的平均值（{cut}）作分界线（以数据为中心的十字线）。",
        "en": "You split performance at the scale midpoint ({midpoint}). This exercise splits "
              "at the mean performance of the dimensions ({cut}) (data-centred crosshairs).",
    },
    "quadrant_wrong": {
        "zh": "{units} 的象限不对。重要性 ≥ {icut} 为高，表现 ≥ {pcut} 为高（等于分界值算高）。",
        "en": "Wrong quadrant for {units}. Importance ≥ {icut} is high, performance ≥ {pcut} is high (ties count as high).",
    },
    "priority_ok": {"zh": "优先改进：{units}（重要但表现差）。", "en": "Improve first: {units} (important but performing poorly)."},
    "priority_overkill": {
        "zh": "这些维度表现好但不太重要（可能过度投入），不是优先改进对象。要选重要性高、表现低的维度。",
        "en": "Those perform well but matter less (possible overkill); they are not the priority. Pick high importance with low performance.",
    },
    "priority_lowest_performance": {
        "zh": "只看表现最低还不够：IPA 的优先级是“重要性高且表现低”，即“重点改进”象限中的维度。",
        "en": "Lowest performance alone is not enough: IPA's priority is high importance and low performance — the 'concentrate here' quadrant.",
    },
    "priority_wrong": {
        "zh": "优先改进的应是“重点改进”象限（重要性高、表现低）中的全部维度。",
        "en": "The priorities are all dimensions in the 'concentrate here' quadrant (high importance, low performance).",
    },
}
HINTS = {
    "quadrants": [
        {"zh": "每个维度问两个问题：它的重要性高还是低？表现高还是低？",
         "en": "Ask two questions of every dimension: is its importance high or low? Is its performance high or low?"},
        {"zh": "IPA 的十字线放在各维度重要性的平均值和表现的平均值上（等于分界值算高）。"
               "重要性高、表现低 = 重点改进；都高 = 继续保持；都低 = 低优先；重要性低、表现高 = 可能过度投入。",
         "en": "IPA puts the crosshairs at the mean importance and the mean performance of the dimensions (ties count as "
               "high). High importance with low performance = concentrate here; both high = keep up the good work; both "
               "low = low priority; low importance with high performance = possible overkill."},
        {"zh": "示范“{dimension}”：重要性 {importance}，分界值 {icut}，所以{importance_level}；"
               "表现 {performance}，分界值 {pcut}，所以{performance_level}；象限 = {quadrant}。其余维度照此判断。",
         "en": "Worked for '{dimension}': importance {importance} against the cut {icut}, so {importance_level}; "
               "performance {performance} against {pcut}, so {performance_level}; quadrant: {quadrant}. Do the other dimensions the same way."},
    ],
    "priority": [
        {"zh": "在哪里投入改进最值得：大家很在乎、却做得不好的地方。",
         "en": "Where is improvement worth most? Where people care a lot and the service does poorly."},
        {"zh": "优先改进 = “重点改进”象限中的全部维度：重要性高且表现低。只看表现最低或只看重要性最高都不够。",
         "en": "The priorities are all dimensions in the 'concentrate here' quadrant: high importance and low performance. "
               "Lowest performance alone, or highest importance alone, is not enough."},
        {"zh": "示范“{dimension}”：重要性 {importance}（分界 {icut}），"
               "表现 {performance}（分界 {pcut}），落在“{quadrant}”象限，所以{verdict}。对每个维度都这样判断。",
         "en": "Worked for '{dimension}': importance {importance} (cut {icut}), performance {performance} (cut {pcut}): "
               "quadrant '{quadrant}', so it {verdict}. Decide every dimension the same way."},
    ],
}
LEVEL = {True: {"zh": "高", "en": "high"}, False: {"zh": "低", "en": "low"}}
PRIORITY_VERDICT = {True: {"zh": "是优先改进对象", "en": "is a priority"},
                    False: {"zh": "不是优先改进对象", "en": "is not a priority"}}
QUADRANT_NAMES = {key: (key, names["en"].lower(), names["zh"]) for key, names in QUADRANTS.items()}
SWAP = {"concentrate": "overkill", "overkill": "concentrate"}


def quadrant_key(value) -> str | None:
    """Quadrant key from a key, or an English or Chinese quadrant name."""
    text = str(value).strip().lower()
    return next((key for key, names in QUADRANT_NAMES.items() if text in names), None)


def _units(value, survey: Survey) -> list[str]:
    """Dimension keys from ids or zh/en labels."""
    keys = []
    for label in read_labels(value) or []:
        match = [k for k, names in survey.codebook.dimensions.items() if label in (k, *names.values()) or label.lower() == k]
        keys.append(match[0] if match else label)
    return keys


@checker
def check_ipa(answer, survey: Survey, lang: str = "zh") -> CheckResult:
    """Check IPA quadrants of the dimensions and the priorities.

    Parameters
    ----------
    answer : dict
        ``quadrants``: ``{dimension: quadrant}`` with quadrant keys
        ``keep_up``, ``concentrate``, ``low_priority``, ``overkill`` (or their
        English/Chinese names); ``priority``: list of the dimensions to improve first.
    survey : Survey
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``axes_swapped``, ``midpoint_cut``,
        ``priority_overkill``, ``priority_lowest_performance``.

    Example
    -------
    >>> import kitlib as kl
    >>> check_ipa({"quadrants": None, "priority": None}, kl.load_case("it_firm"), lang="en").mistakes
    ['unanswered']

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). *Journal of Marketing*, 41(1), 77–79.
    """
    from kitlib.service.indices import ipa, quadrant

    feedback = Feedback("ipa", lang, MESSAGES, HINTS)
    parts = feedback.parts(answer, PARTS)
    if parts is None:
        return feedback.result()
    result = ipa(survey)
    table = result.table.set_index("unit")
    expected = table["quadrant"]
    label = lambda units: ", ".join(survey.codebook.label(u, lang) for u in units)  # noqa: E731

    def worked(part: str, unit) -> None:  # the worked step quotes one dimension's numbers
        row = table.loc[unit]
        high_i, high_p = row["importance"] >= result.importance_cut, row["performance"] >= result.performance_cut
        feedback.step(part, dimension=survey.codebook.label(unit, lang), importance=fmt(row["importance"]),
                      performance=fmt(row["performance"]), icut=fmt(result.importance_cut), pcut=fmt(result.performance_cut),
                      importance_level=LEVEL[bool(high_i)][lang], performance_level=LEVEL[bool(high_p)][lang],
                      quadrant=QUADRANTS[row["quadrant"]][lang],
                      verdict=PRIORITY_VERDICT[row["quadrant"] == "concentrate"][lang])

    given = read_mapping(parts.get("quadrants"))
    if given is None:
        feedback.wrong("quadrants", "missing_part", part="quadrants", expected_kind="dict {dimension: quadrant}")
    else:
        given = {_units([k], survey)[0]: quadrant_key(v) for k, v in given.items()}
        answer_series = pd.Series(given).reindex(expected.index)
        scale = [survey.codebook.columns[c] for c in survey.codebook.items("servqual_P")]
        midpoint = (scale[0].scale_min + scale[0].scale_max) / 2
        at_midpoint = pd.Series(quadrant(table["importance"], table["performance"], result.importance_cut, midpoint), index=expected.index)
        worked("quadrants", expected.index[0])
        if (answer_series == expected).all():
            feedback.right("quadrants", "quadrants_ok")
        elif (answer_series == expected.replace(SWAP)).all():
            feedback.wrong("quadrants", "axes_swapped", mistake="axes_swapped")
        elif (answer_series == at_midpoint).all():
            feedback.wrong("quadrants", "midpoint_cut", mistake="midpoint_cut", midpoint=f"{midpoint:g}", cut=f"{result.performance_cut:.2f}")
        else:
            wrong = list(expected.index[answer_series != expected])
            worked("quadrants", wrong[0])
            feedback.wrong("quadrants", "quadrant_wrong", attempted=not is_unanswered(parts.get("quadrants")),
                           units=label(wrong), icut=f"{result.importance_cut:.2f}", pcut=f"{result.performance_cut:.2f}")

    priority = set(_units(parts.get("priority"), survey))
    worked("priority", next((u for u in sorted(priority) if u in table.index), table.index[0]))
    concentrate = set(expected.index[expected == "concentrate"])
    if priority == concentrate:
        feedback.right("priority", "priority_ok", units=label(sorted(concentrate)))
    elif priority and priority == set(expected.index[expected == "overkill"]):
        feedback.wrong("priority", "priority_overkill", mistake="priority_overkill")
    elif priority == {table["performance"].idxmin()}:
        feedback.wrong("priority", "priority_lowest_performance", mistake="priority_lowest_performance")
    else:
        feedback.wrong("priority", "priority_wrong", attempted=not is_unanswered(parts.get("priority")))
    return feedback.result()
