"""Exercise 2 — compute a SERVQUAL gap by hand, then with kitlib.

For one provider the participant computes the gap P − E of every dimension
with pandas, then compares with :func:`kitlib.servqual_gaps`.  The expected
gaps come from the data with the textbook formula.

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_gap
>>> check_gap(..., kl.load_case("it_firm"), provider="IT Support", lang="en").mistakes
['unanswered']

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of
Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import Feedback, close_all, fmt, is_unanswered, read_numbers
from kitlib.exercises.reference import dimension_gaps, dimension_means, undo_reverse_coding
from kitlib.exercises.result import CheckResult

__all__ = ["check_gap"]

MESSAGES = {
    "gap_ok": {
        "zh": "各维度差距正确（P − E），最大的负差距在“{worst}”：{value}。",
        "en": "All dimension gaps right (P − E); the largest shortfall is '{worst}': {value}.",
    },
    "reversed": {
        "zh": "符号反了：你算的是 E − P。SERVQUAL 差距 = 感知 P − 期望 E，负数表示服务没达到期望。",
        "en": "The sign is flipped: you computed E − P. The SERVQUAL gap is perception P − expectation E; negative means the service falls short.",
    },
    "perception_only": {
        "zh": "这些是感知值 P 的平均分，不是差距。还要减去同一维度期望值 E 的平均分。",
        "en": "These are perception (P) means, not gaps. Subtract the expectation (E) mean of the same dimension.",
    },
    "all_providers": {
        "zh": "你用了全部服务部门的数据。先筛选 provider == \"{provider}\"，再计算差距。",
        "en": "You used every provider's rows. Filter provider == \"{provider}\" first, then compute the gaps.",
    },
    "not_recoded": {
        "zh": "“{dimension}”不对：反向题（第 13 题）没有反向计分。用 kl.load_case 读入的数据已经处理过；自己读 CSV 时要用 8 − x。",
        "en": "'{dimension}' is off: the reverse-keyed item 13 was not recoded. kl.load_case data are already recoded; if you read the CSV yourself use 8 − x.",
    },
    "gap_wrong": {
        "zh": "“{dimensions}”的差距不对。每个维度：先算每题 P 和 E 的平均分，差距 = P 平均 − E 平均，再对该维度的题目取平均。",
        "en": "The gaps of {dimensions} are wrong. For each dimension: mean of each P and E item, gap = P mean − E mean, then average over the dimension's items.",
    },
    "missing_dimensions": {
        "zh": "缺少维度：{dimensions}。答案要包含五个维度。",
        "en": "Missing dimensions: {dimensions}. Give all five dimensions.",
    },
}


def check_gap(answer, survey: Survey, provider: str, lang: str = "zh") -> CheckResult:
    """Check the hand-computed gap P − E per SERVQUAL dimension for one provider.

    Parameters
    ----------
    answer : dict or Series
        ``{dimension: gap}`` for the five dimensions.
    survey : Survey
        The whole case (all providers), as loaded.
    provider : str
        The provider the exercise asks about.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes recognised: ``reversed`` (E − P), ``perception_only``,
        ``all_providers``, ``not_recoded``.

    Example
    -------
    >>> import kitlib as kl
    >>> from kitlib.exercises.reference import dimension_gaps
    >>> survey = kl.load_case("it_firm")
    >>> subset = survey.filter(provider="IT Support").data
    >>> check_gap(dimension_gaps(subset, survey.codebook), survey, "IT Support").correct
    True

    References
    ----------
    Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*. Free Press.
    """
    feedback = Feedback("gap", lang, MESSAGES)
    if is_unanswered(answer):
        return feedback.unanswered()
    given = read_numbers(answer)
    book = survey.codebook
    if given is None:
        feedback.wrong("gap", "not_mapping", mistake="not_mapping", keys=", ".join(book.dimensions), given=type(answer).__name__)
        return feedback.result()
    data = survey.filter(provider=provider).data
    expected = dimension_gaps(data, book)
    missing = [d for d in expected.index if d not in given]
    if missing:
        feedback.wrong("gap", "missing_dimensions", dimensions=", ".join(missing))
        return feedback.result()
    if close_all(given, expected):
        worst = expected.idxmin()
        feedback.right("gap", "gap_ok", worst=book.label(worst, lang), value=fmt(expected[worst]))
        return feedback.result()
    raw = dimension_gaps(undo_reverse_coding(data, book), book)
    candidates = {
        "reversed": -expected,
        "perception_only": dimension_means(data, book, "P"),
        "all_providers": dimension_gaps(survey.data, book),
    }
    for mistake, predicted in candidates.items():
        if close_all(given, predicted):
            feedback.wrong("gap", mistake, mistake=mistake, provider=provider)
            return feedback.result()
    wrong = [d for d in expected.index if not close_all(given, {d: expected[d]})]
    if all(close_all(given, {d: raw[d]}) for d in wrong):
        feedback.wrong("gap", "not_recoded", mistake="not_recoded", dimension=", ".join(book.label(d, lang) for d in wrong))
    else:
        feedback.wrong("gap", "gap_wrong", dimensions=", ".join(book.label(d, lang) for d in wrong))
    return feedback.result()
