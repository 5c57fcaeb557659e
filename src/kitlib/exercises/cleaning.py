"""Exercise 1 — read the codebook and clean the raw responses.

The participant reads ``responses.csv`` with pandas, finds the reverse-keyed
items in the codebook, recodes the perception one and lists the departments
too small to report.  Expected answers come from the codebook and the data.

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_cleaning
>>> check_cleaning(None, kl.load_case("it_firm"), lang="en").correct
False

References
----------
Groves, R. M. et al. (2009). *Survey Methodology* (2nd ed.), ch. 10. Wiley.
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, ch. 5. Wiley.
"""

from __future__ import annotations

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import Feedback, checker, is_unanswered, read_labels, read_vector, same_vector
from kitlib.exercises.reference import undo_reverse_coding
from kitlib.exercises.result import CheckResult

__all__ = ["HINTS", "check_cleaning", "department_sizes"]

PARTS = ("reverse_items", "recoded", "small_departments")

MESSAGES = {
    "reverse_ok": {"zh": "反向题找对了：{items}。", "en": "Right reverse-keyed items: {items}."},
    "reverse_partial": {
        "zh": "只找到一部分反向题。codebook 里每个 reverse: true 的列都算，期望值（E）和感知值（P）各有一列。",
        "en": "Only some of the reverse-keyed items. Every column with reverse: true counts — the expectation (E) and the perception (P) version.",
    },
    "reverse_wrong": {
        "zh": "反向题不对。在 codebook.columns 中找 reverse 为 True 的列（题目措辞是否定的，如“太忙而无法回应”）。",
        "en": "Wrong reverse-keyed items. Look for columns whose reverse is True in codebook.columns (negatively worded, e.g. 'too busy to respond').",
    },
    "recoded_ok": {"zh": "{item} 反向计分正确（新值 = 最小值 + 最大值 − 原值）。", "en": "{item} recoded correctly (new = min + max − old)."},
    "not_recoded": {
        "zh": "{item} 还是原始值，没有反向计分。7 点量表上用 8 − x（最小值 + 最大值 − x）。",
        "en": "{item} still holds the raw answers: it was not recoded. On a 7-point scale use 8 − x (min + max − x).",
    },
    "off_by_one": {
        "zh": "{item} 用了 7 − x，结果落在 0..6。反向计分是 最小值 + 最大值 − x，即 8 − x，才能保持 1..7。",
        "en": "{item} was recoded as 7 − x, which gives 0..6. Reverse coding is min + max − x, i.e. 8 − x, so values stay within 1..7.",
    },
    "recoded_wrong": {
        "zh": "{item} 反向计分后的数值不对：应为 8 − 原值，长度与数据行数相同（{n} 行）。",
        "en": "{item} recoded values are wrong: expected 8 − raw value, one per data row ({n} rows).",
    },
    "small_ok": {"zh": "需要隐藏的小部门找对了：{groups}。", "en": "Right small departments to suppress: {groups}."},
    "counted_rows": {
        "zh": "你数的是行数，而一位受访者可能评价了多个服务部门（一人多行）。按 respondent_id 去重后再数人数。",
        "en": "You counted rows, but one respondent can rate several providers (several rows). Count distinct respondent_id values.",
    },
    "threshold_inclusive": {
        "zh": "规则是“少于 {min_n} 人”才隐藏（< {min_n}），恰好 {min_n} 人的部门可以报告。",
        "en": "The rule hides groups with fewer than {min_n} respondents (< {min_n}); a department with exactly {min_n} may be reported.",
    },
    "small_reversed": {
        "zh": "你列出的是人数足够的部门。要隐藏的是人数少于 {min_n} 的部门，以保护受访者匿名。",
        "en": "You listed the departments that are large enough. Suppress those with fewer than {min_n} respondents, to protect anonymity.",
    },
    "small_wrong": {
        "zh": "小部门名单不对：按 department 分组，数不同的 respondent_id，少于 {min_n} 的就要隐藏。",
        "en": "Wrong list: group by department, count distinct respondent_id, and suppress those below {min_n}.",
    },
}


HINTS = {
    "reverse_items": [
        {"zh": "哪些题目是用否定的方式提问的？codebook 把它们标了出来。",
         "en": "Which questions are worded negatively? The codebook marks them."},
        {"zh": "反向题就是 codebook.columns 中 reverse 为 True 的列；每道 SERVQUAL 题都有期望（E）和感知（P）两列，两列都要列出。",
         "en": "Reverse-keyed items are the columns of codebook.columns whose reverse is True; each SERVQUAL item has an "
               "expectation (E) and a perception (P) column, and both count."},
        {"zh": "示范：codebook.columns[\"{item}\"].reverse 是 {flag}，题目是“{text}”。对每一列都这样检查，列出所有 reverse 为 True 的列。",
         "en": "Worked: codebook.columns[\"{item}\"].reverse is {flag}; its text is '{text}'. Check every column this "
               "way and list all those whose reverse is True."},
    ],
    "recoded": [
        {"zh": "在否定措辞的题上打 1 分，相当于在其他题上打 {max} 分：数值要“翻过来”。",
         "en": "A 1 on a negatively worded item means what a {max} means on the others: the values have to be flipped."},
        {"zh": "反向计分：新值 = 最小值 + 最大值 − 原值，这里是 {min} + {max} − x = {total} − x，结果仍在 {min}..{max} 之内。",
         "en": "Reverse coding: new = min + max − old, here {min} + {max} − x = {total} − x, so values stay within {min}..{max}."},
        {"zh": "示范第 {row} 行：{item} 原值 = {raw}，反向计分后 = {total} − {raw} = {new}。对整列做同样的计算。",
         "en": "Worked for row {row}: {item} raw = {raw}, recoded = {total} − {raw} = {new}. Do the same for the whole column."},
    ],
    "small_departments": [
        {"zh": "数的是人还是行？再对照规则：少于 {min_n} 人。",
         "en": "Are you counting people or rows? Then compare with the rule: fewer than {min_n} respondents."},
        {"zh": "小单元格隐藏：不同 respondent_id 少于 {min_n} 个的部门不单独报告。一位受访者可能评价多个服务部门（一人多行），所以要去重后数人数。",
         "en": "Small-cell suppression: a department with fewer than {min_n} distinct respondent_id values is not reported "
               "on its own. One respondent can rate several providers (several rows), so count distinct people."},
        {"zh": "示范“{department}”：{rows} 行，但只有 {people} 个不同的 respondent_id；{people} {relation} {min_n}，所以{verdict}。对每个部门都这样判断。",
         "en": "Worked for '{department}': {rows} rows but {people} distinct respondent_id values; {people} {relation} "
               "{min_n}, so it {verdict}. Decide every department the same way."},
    ],
}
VERDICT = {
    True: {"zh": "要隐藏", "en": "is suppressed"},
    False: {"zh": "可以报告", "en": "may be reported"},
}


def department_sizes(survey: Survey, by: str = "department") -> tuple:
    """Respondents and rows per department: ``(distinct respondents, rows)``."""
    respondent = survey.codebook.respondent_id or "respondent_id"
    grouped = survey.data.groupby(by)
    return grouped[respondent].nunique(), grouped.size()


@checker
def check_cleaning(answer, survey: Survey, lang: str = "zh", min_group_size: int = 5) -> CheckResult:
    """Check the cleaning exercise.

    Parameters
    ----------
    answer : dict
        ``reverse_items`` (list of column ids), ``recoded`` (the recoded
        reverse-keyed perception column, one value per row of the raw file),
        ``small_departments`` (list of department names to suppress).
    survey : Survey
        The case as loaded by :func:`kitlib.load_case` (already recoded).
    lang : {"zh", "en"}
    min_group_size : int
        Smallest reportable number of respondents.

    Returns
    -------
    CheckResult

    Example
    -------
    >>> import kitlib as kl
    >>> result = check_cleaning({"reverse_items": ["E13", "P13"]}, kl.load_case("bank"), lang="en")
    >>> result.findings[0].ok
    True

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley.
    """
    feedback = Feedback("cleaning", lang, MESSAGES, HINTS)
    parts = feedback.parts(answer, PARTS)
    if parts is None:
        return feedback.result()
    book = survey.codebook
    reverse = [c.id for c in book.columns.values() if c.reverse]
    perception = next(c for c in reverse if book.columns[c].kind == "servqual_P")
    raw = undo_reverse_coding(survey.data, book)
    example = book.columns[perception]
    feedback.step("reverse_items", item=perception, flag=True,
                  text=getattr(example, f"text_{feedback.lang}", "") or example.id)
    low, high = example.scale_min, example.scale_max
    answered = raw[perception].reset_index(drop=True).dropna()
    first_raw = answered.iloc[0] if len(answered) else low
    feedback.step("recoded", item=perception, min=f"{low:g}", max=f"{high:g}", total=f"{low + high:g}",
                  row=int(answered.index[0]) + 1 if len(answered) else 1, raw=f"{first_raw:g}", new=f"{low + high - first_raw:g}")

    given = read_labels(parts.get("reverse_items"))
    if given is None:
        feedback.wrong("reverse_items", "missing_part", part="reverse_items", expected_kind="list")
    elif set(given) == set(reverse):
        feedback.right("reverse_items", "reverse_ok", items=", ".join(reverse))
    elif set(given) < set(reverse) and given:
        feedback.wrong("reverse_items", "reverse_partial", mistake="reverse_partial")
    else:
        feedback.wrong("reverse_items", "reverse_wrong", attempted=not is_unanswered(parts.get("reverse_items")))

    recoded = read_vector(parts.get("recoded"))
    column = book.columns[perception]
    if recoded is None:
        feedback.wrong("recoded", "missing_part", part="recoded", expected_kind="column / Series")
    elif same_vector(recoded, survey.data[perception]):
        feedback.right("recoded", "recoded_ok", item=perception)
    elif same_vector(recoded, raw[perception]):
        feedback.wrong("recoded", "not_recoded", mistake="not_recoded", item=perception)
    elif same_vector(recoded, column.scale_max - raw[perception]):
        feedback.wrong("recoded", "off_by_one", mistake="off_by_one", item=perception)
    else:
        feedback.wrong("recoded", "recoded_wrong", item=perception, n=len(raw),
                       attempted=not is_unanswered(parts.get("recoded")))

    people, rows = department_sizes(survey)
    expected = set(people[people < min_group_size].index)
    several = [d for d in sorted(people.index, key=str) if rows[d] != people[d]]  # shows rows ≠ people if it can
    department = (several or sorted(people.index, key=str))[0]
    small = bool(people[department] < min_group_size)
    feedback.step("small_departments", min_n=min_group_size, department=department, rows=int(rows[department]),
                  people=int(people[department]), relation="<" if small else "≥", verdict=VERDICT[small][feedback.lang])
    given = read_labels(parts.get("small_departments"))
    if given is None:
        feedback.wrong("small_departments", "missing_part", part="small_departments", expected_kind="list")
    elif set(given) == expected:
        feedback.right("small_departments", "small_ok", groups=", ".join(sorted(expected)))
    elif set(given) == set(rows[rows < min_group_size].index):
        feedback.wrong("small_departments", "counted_rows", mistake="counted_rows")
    elif set(given) == set(people[people <= min_group_size].index):
        feedback.wrong("small_departments", "threshold_inclusive", mistake="threshold_inclusive", min_n=min_group_size)
    elif set(given) == set(people[people >= min_group_size].index):
        feedback.wrong("small_departments", "small_reversed", mistake="small_reversed", min_n=min_group_size)
    else:
        feedback.wrong("small_departments", "small_wrong", min_n=min_group_size,
                       attempted=not is_unanswered(parts.get("small_departments")))
    return feedback.result()
