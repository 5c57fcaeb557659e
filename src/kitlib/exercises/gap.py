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
from kitlib.exercises.feedback import Feedback, checker, close_all, decimals_tolerance, fmt, is_unanswered
from kitlib.exercises.reference import dimension_gaps, dimension_means, undo_reverse_coding
from kitlib.exercises.result import CheckResult

__all__ = ["DECIMALS", "HINTS", "check_gap"]

DECIMALS = 1  # the task asks for gaps to one decimal: tolerance ±0.05
DIMENSION = {"zh": "维度", "en": "dimension"}

MESSAGES = {
    "gap_ok": {
        "zh": "各维度差距正确（P − E），最大的负差距在“{worst}”：{value}。{tolerance}",
        "en": "All dimension gaps right (P − E); the largest shortfall is '{worst}': {value}. {tolerance}",
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
        "zh": "“{dimensions}”的差距不对，也不像常见的错误（E − P、只用 P、用了全部部门、没有反向计分）。",
        "en": "The gaps of {dimensions} are wrong, and not in one of the usual ways (E − P, P only, all providers, item 13 not recoded).",
    },
    "missing_dimensions": {
        "zh": "缺少维度：{dimensions}。答案要包含五个维度。",
        "en": "Missing dimensions: {dimensions}. Give all five dimensions.",
    },
}


HINTS = {
    "gap": [
        {"zh": "先确认三件事：只用了“{provider}”的行吗？是 P 减 E 吗？第 13 题反向计分了吗？",
         "en": "Check three things first: only the rows of '{provider}'? P minus E? Item 13 recoded?"},
        {"zh": "SERVQUAL 差距 = 感知 P − 期望 E。每道题先算 P 平均和 E 平均，差距 = P 平均 − E 平均；维度差距 = 该维度各题差距的平均。",
         "en": "The SERVQUAL gap is perception P − expectation E. Per item, mean P − mean E; a dimension's gap is the mean of its items' gaps."},
        {"zh": "示范“{dimension}”：题目 {items}；P 题平均 {p_mean}，E 题平均 {e_mean}，差距 = {p_mean} − {e_mean} = {gap}。其余维度照此计算。",
         "en": "Worked for '{dimension}': items {items}; mean of the P items {p_mean}, of the E items "
               "{e_mean}; gap = {p_mean} − {e_mean} = {gap}. Do the other dimensions the same way."},
    ],
}


@checker
def check_gap(answer, survey: Survey, provider: str, lang: str = "zh") -> CheckResult:
    """Check the hand-computed gap P − E per SERVQUAL dimension for one provider.

    Parameters
    ----------
    answer : dict, Series, DataFrame or GapResult
        ``{dimension: gap}`` for the five dimensions, keyed by codes, Chinese
        or English names; or a table with a ``gap`` column (``kl.servqual_gaps(...)``
        itself, or its ``.dimensions``).  Tolerance ±0.05 (one decimal).
    survey : Survey
        The whole case (all providers), as loaded.
    provider : str
        The provider the exercise asks about.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes recognised: ``reversed`` (E − P), ``perception_only``,
        ``all_providers``, ``not_recoded``; shape problems ``shape_index``,
        ``shape_rows``, ``shape_columns``, ``unknown_keys``, ``missing_keys``.

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
    feedback = Feedback("gap", lang, MESSAGES, HINTS)
    book = survey.codebook
    data = survey.filter(provider=provider).data
    expected = dimension_gaps(data, book)
    feedback.step("gap", provider=provider)
    if is_unanswered(answer):
        return feedback.unanswered("gap")
    labels = {d: book.dimensions.get(d, {"zh": d, "en": d}) for d in expected.index}
    given = feedback.keyed("gap", answer, labels, "gap", DIMENSION)
    if given is None:
        return feedback.result()
    tol = decimals_tolerance(DECIMALS)
    if close_all(given, expected, tol):
        worst = expected.idxmin()
        feedback.right("gap", "gap_ok", worst=book.label(worst, lang), value=fmt(expected[worst]),
                       tolerance=feedback.tolerance(DECIMALS))
        return feedback.result()
    wrong = [d for d in expected.index if not close_all(given, {d: expected[d]}, tol)]
    first = wrong[0]
    pairs = [(e, p) for d, e, p in book.servqual_pairs() if d == first]
    feedback.step("gap", dimension=book.label(first, lang), items=", ".join(p for _, p in pairs),
                  p_mean=fmt(data[[p for _, p in pairs]].mean().mean()),
                  e_mean=fmt(data[[e for e, _ in pairs]].mean().mean()), gap=fmt(expected[first]))
    raw = dimension_gaps(undo_reverse_coding(data, book), book)
    candidates = {
        "reversed": -expected,
        "perception_only": dimension_means(data, book, "P"),
        "all_providers": dimension_gaps(survey.data, book),
    }
    for mistake, predicted in candidates.items():
        if close_all(given, predicted, tol):
            feedback.wrong("gap", mistake, mistake=mistake, provider=provider)
            return feedback.result()
    if all(close_all(given, {d: raw[d]}, tol) for d in wrong):
        feedback.wrong("gap", "not_recoded", mistake="not_recoded", dimension=", ".join(book.label(d, lang) for d in wrong))
    elif all(close_all(given, {d: expected[d]}, decimals_tolerance(DECIMALS - 1)) for d in wrong):
        feedback.coarse("gap", given[first], expected[first], DECIMALS)
    else:
        feedback.wrong("gap", "gap_wrong", dimensions=", ".join(book.label(d, lang) for d in wrong))
    return feedback.result()
