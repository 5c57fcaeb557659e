"""Exercise 4 — interpret EFA and CFA of the SERVQUAL perception items.

The participant reads the parallel analysis (how many factors?), the EFA
loadings (which item has no clear home?) and the CFA fit indices (is the
five-dimension model acceptable?).  Expected answers come from
:func:`kitlib.parallel_analysis`, :func:`kitlib.efa` and :func:`kitlib.cfa`.

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_factor_analysis
>>> check_factor_analysis(None, kl.load_case("it_firm"), lang="en").mistakes
['unanswered']

References
----------
Horn, J. L. (1965). A rationale and test for the number of factors in factor
analysis. *Psychometrika*, 30(2), 179–185.
Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
structure analysis. *Structural Equation Modeling*, 6(1), 1–55.
Marsh, H. W., Hau, K.-T., & Wen, Z. (2004). In search of golden rules.
*Structural Equation Modeling*, 11(3), 320–341.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import Feedback, checker, fmt, is_unanswered, read_labels, read_number
from kitlib.exercises.reference import kaiser_count, undo_reverse_coding
from kitlib.exercises.result import CheckResult
from kitlib.formatting import format_p

__all__ = ["HINTS", "check_factor_analysis", "fit_value", "weakest_by_loading"]

PARTS = ("n_factors", "weakest_item", "fit_acceptable")
CFI_MIN = 0.90
RMSEA_MAX = 0.08

MESSAGES = {
    "n_ok": {
        "zh": "对：平行分析建议保留 {n} 个因子（实际特征值大于随机数据的特征值）。",
        "en": "Right: parallel analysis suggests {n} factors (observed eigenvalues above those of random data).",
    },
    "n_kaiser": {
        "zh": "{given} 是“特征值大于 1”规则（Kaiser 准则）的结果，它常常高估因子数。看平行分析：实际特征值要大于随机数据的特征值。",
        "en": "{given} comes from the eigenvalue-greater-than-1 (Kaiser) rule, which often "
              "over-extracts. Use parallel analysis: observed eigenvalues must beat random-data ones.",
    },
    "n_items": {
        "zh": "{given} 是题目数，不是因子数。因子数看平行分析结果的 n_factors。",
        "en": "{given} is the number of items, not of factors. Read n_factors from the parallel analysis.",
    },
    "n_wrong": {
        "zh": "因子数不对。数一数实际特征值（observed）大于模拟特征值（simulated_quantile）的前几个成分。",
        "en": "Wrong number of factors. Count the leading components whose observed eigenvalue exceeds the simulated quantile.",
    },
    "weak_ok": {
        "zh": "对：{item} 在任何因子上的载荷都不超过 {loading}，没有明确归属。",
        "en": "Right: {item} loads at most {loading} on any factor: it has no clear home.",
    },
    "weak_highest": {
        "zh": "{item} 的载荷是最高的，它是最能代表因子的题目。要找的是最高载荷最小的题。",
        "en": "{item} has the highest loading: it represents its factor best. Look for the item whose highest loading is smallest.",
    },
    "weak_lowest_mean": {
        "zh": "{item} 是平均分最低的题；因子分析看的是载荷（与因子的关系），不是分数高低。",
        "en": "{item} has the lowest mean; factor analysis is about loadings (relation to the factor), not about score levels.",
    },
    "weak_not_recoded": {
        "zh": "{item} 的载荷为负只是因为反向题没有反向计分。用 kl.load_case 读入（已反向计分）后再分析。",
        "en": "{item} loads negatively only because the reverse-keyed item was not recoded. Analyse the data from kl.load_case (already recoded).",
    },
    "weak_wrong": {
        "zh": "{item} 不是最弱的题。对每道题取它在各因子上绝对值最大的载荷，找出这个值最小的题。",
        "en": "{item} is not the weakest. For each item take its largest absolute loading across factors; find the item where this is smallest.",
    },
    "fit_ok": {
        "zh": "对：CFI = {cfi}（≥ {cfi_min}），RMSEA = {rmsea}（≤ {rmsea_max}），五维模型可以接受。",
        "en": "Right: CFI = {cfi} (≥ {cfi_min}) and RMSEA = {rmsea} (≤ {rmsea_max}): the five-dimension model is acceptable.",
    },
    "fit_not_ok": {
        "zh": "对：CFI = {cfi}、RMSEA = {rmsea}，没有同时满足 CFI ≥ {cfi_min} 和 RMSEA ≤ {rmsea_max}，模型需要修正。",
        "en": "Right: CFI = {cfi} and RMSEA = {rmsea} do not meet both CFI ≥ {cfi_min} and RMSEA ≤ {rmsea_max}: the model needs work.",
    },
    "fit_chi2": {
        "zh": "卡方检验显著（{p}）不代表模型不可用：样本大时卡方几乎总是显著。看 CFI（≥ {cfi_min}）和 RMSEA（≤ {rmsea_max}）：CFI = {cfi}，RMSEA = {rmsea}。",
        "en": "A significant chi-square ({p}) does not reject the model: with large samples it almost always "
              "is. Judge by CFI (≥ {cfi_min}) and RMSEA (≤ {rmsea_max}): CFI = {cfi}, RMSEA = {rmsea}.",
    },
    "fit_too_strict": {
        "zh": "CFI = {cfi} 已达到 ≥ {cfi_min}，RMSEA = {rmsea} 已达到 ≤ {rmsea_max}：按常用标准模型可以接受。",
        "en": "CFI = {cfi} meets ≥ {cfi_min} and RMSEA = {rmsea} meets ≤ {rmsea_max}: by the usual cut-offs the model is acceptable.",
    },
    "fit_direction": {
        "zh": "方向看反了：CFI 越高越好（≥ {cfi_min}），RMSEA 越低越好（≤ {rmsea_max}）。这里 CFI = {cfi}，RMSEA = {rmsea}，不满足。",
        "en": "Direction mixed up: CFI is better when higher (≥ {cfi_min}), RMSEA when lower (≤ {rmsea_max}). Here CFI = {cfi}, RMSEA = {rmsea}: not met.",
    },
    "fit_format": {
        "zh": "fit_acceptable 应为 True 或 False。",
        "en": "fit_acceptable should be True or False.",
    },
}

HINTS = {
    "n_factors": [
        {"zh": "本题问的是平行分析的结论，不是“特征值大于 1”，也不是题目数。",
         "en": "The task asks what parallel analysis suggests — not the eigenvalue-above-1 rule, not the number of items."},
        {"zh": "平行分析：把实际数据的特征值与同样大小的随机数据的特征值比较；"
               "只保留实际特征值大于随机特征值（simulated_quantile）的前几个成分，一旦不大于就停止。",
         "en": "Parallel analysis compares the observed eigenvalues with those of random data of the same size; keep the "
               "leading components whose observed eigenvalue beats the random one (simulated_quantile), and stop at the first that does not."},
        {"zh": "示范第 1 个成分：实际特征值 {observed} > 随机 {simulated}，保留。"
               "第 2 个：{observed_2} 对 {simulated_2}。照此往下数，直到实际值不再大于随机值。",
         "en": "Worked for component 1: observed {observed} > random {simulated}, keep it. Component 2: {observed_2} "
               "against {simulated_2}. Go on the same way until the observed value no longer beats the random one."},
    ],
    "weakest_item": [
        {"zh": "“弱”的题是没有明确归属的题：它在哪个因子上的载荷都不大。",
         "en": "A weak item has no clear home: it does not load strongly on any factor."},
        {"zh": "对每道题取它在各因子上绝对值最大的载荷（它的“归属”有多强）；最弱的题是这个值最小的题。看载荷，不看平均分。",
         "en": "For each item take its largest absolute loading across the factors (how strongly it belongs anywhere); the "
               "weakest item is the one where that value is smallest. Loadings, not mean scores."},
        {"zh": "示范 {item}：各因子载荷 {loadings}，绝对值最大的是 {highest}。对每道 P 题都这样算，再找最小的那个。",
         "en": "Worked for {item}: loadings {loadings}; the largest in absolute value is {highest}. Do this for every P "
               "item, then take the smallest."},
    ],
    "fit_acceptable": [
        {"zh": "判断模型拟合看哪几个指标？它们是越大越好还是越小越好？",
         "en": "Which indices decide whether the model fits, and is each better when higher or when lower?"},
        {"zh": "常用标准：CFI ≥ {cfi_min}（越高越好）且 RMSEA ≤ {rmsea_max}（越低越好），两者都满足才算可以接受；样本大时卡方检验几乎总是显著，不作为依据。",
         "en": "The usual cut-offs: CFI ≥ {cfi_min} (higher is better) and RMSEA ≤ {rmsea_max} (lower is better), both "
               "met for an acceptable model; with large samples the chi-square test is almost always significant, so it does not decide."},
        {"zh": "示范第一步：拟合结果中 CFI = {cfi}，与 {cfi_min} 比较——{cfi_verdict}。再用同样的方法看 RMSEA 是否 ≤ {rmsea_max}。",
         "en": "Worked, first step: the fit gives CFI = {cfi}; compared with {cfi_min} it {cfi_verdict}. Check in the same "
               "way whether RMSEA is ≤ {rmsea_max}."},
    ],
}
CFI_VERDICT = {
    True: {"zh": "达到了标准", "en": "meets the cut-off"},
    False: {"zh": "没有达到标准", "en": "falls short of it"},
}


def fit_value(fit, name: str) -> float:
    """One fit index from a dict, Series, one-row DataFrame or object attribute."""
    if isinstance(fit, pd.DataFrame):
        return float(fit[name].iloc[0])
    if isinstance(fit, (Mapping, pd.Series)):
        return float(fit[name])
    return float(getattr(fit, name))


def weakest_by_loading(loadings: pd.DataFrame, signed: bool = False) -> tuple[str, pd.Series]:
    """Item whose highest (absolute, unless ``signed``) loading is smallest, and those highest loadings."""
    highest = (loadings if signed else loadings.abs()).max(axis=1)
    return highest.idxmin(), highest


@checker
def check_factor_analysis(answer, survey: Survey, lang: str = "zh") -> CheckResult:
    """Check the interpretation of parallel analysis, EFA loadings and CFA fit.

    Parameters
    ----------
    answer : dict
        ``n_factors`` (int, from the parallel analysis), ``weakest_item``
        (P item with the smallest highest |loading| in the EFA with that many
        factors), ``fit_acceptable`` (bool: CFA with CFI ≥ 0.90 and RMSEA ≤ 0.08).
    survey : Survey
        The case as loaded; the perception items are analysed.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``n_kaiser``, ``n_items``, ``weak_highest``,
        ``weak_lowest_mean``, ``weak_not_recoded``, ``fit_chi2``,
        ``fit_too_strict``, ``fit_direction``.

    Example
    -------
    >>> import kitlib as kl
    >>> check_factor_analysis({"n_factors": 22}, kl.load_case("it_firm"), lang="en").mistakes
    ['n_items']

    References
    ----------
    Hu, L., & Bentler, P. M. (1999). *Structural Equation Modeling*, 6(1), 1–55.
    """
    from kitlib.psychometrics.confirmatory import cfa
    from kitlib.psychometrics.exploratory import efa, parallel_analysis

    feedback = Feedback("factor_analysis", lang, MESSAGES, HINTS)
    parts = feedback.parts(answer, PARTS)
    if parts is None:
        return feedback.result()
    items = survey.servqual("P").dropna()

    if "n_factors" in parts:
        analysis = parallel_analysis(items)
        n_factors = analysis.n_factors
        eigen = analysis.eigenvalues
        feedback.step("n_factors", observed=fmt(eigen["observed"].iloc[0]), simulated=fmt(eigen["simulated_quantile"].iloc[0]),
                      observed_2=fmt(eigen["observed"].iloc[1]), simulated_2=fmt(eigen["simulated_quantile"].iloc[1]))
        given = read_number(parts.get("n_factors"))
        if given is None:
            feedback.wrong("n_factors", "not_number", part="n_factors", given=parts.get("n_factors"))
        elif given == n_factors:
            feedback.right("n_factors", "n_ok", n=n_factors)
        elif given == kaiser_count(items):
            feedback.wrong("n_factors", "n_kaiser", mistake="n_kaiser", given=int(given))
        elif given == items.shape[1]:
            feedback.wrong("n_factors", "n_items", mistake="n_items", given=int(given))
        else:
            feedback.wrong("n_factors", "n_wrong", attempted=not is_unanswered(parts.get("n_factors")))
    else:
        feedback.wrong("n_factors", "missing_part", part="n_factors", expected_kind="int")

    if "weakest_item" in parts:
        n_factors = parallel_analysis(items).n_factors
        loadings = efa(items, n_factors).loadings
        weakest, highest = weakest_by_loading(loadings)
        labels = read_labels(parts.get("weakest_item"))
        item = labels[0].upper() if labels and len(labels) == 1 else None
        example = item if item in loadings.index else loadings.index[0]  # the participant's own item if it is one
        feedback.step("weakest_item", item=example, highest=fmt(highest[example]),
                      loadings=", ".join(fmt(v) for v in loadings.loc[example]))
        if item == weakest:
            feedback.right("weakest_item", "weak_ok", item=weakest, loading=fmt(highest[weakest]))
        elif item is None:
            feedback.wrong("weakest_item", "missing_part", part="weakest_item", expected_kind="one item id, e.g. 'P07'")
        else:
            raw = undo_reverse_coding(items, survey.codebook)
            candidates = {
                "weak_highest": highest.idxmax(),
                "weak_lowest_mean": items.mean().idxmin(),
                "weak_not_recoded": weakest_by_loading(efa(raw, n_factors).loadings, signed=True)[0],
            }
            mistake = next((m for m, predicted in candidates.items() if predicted == item), None)
            feedback.wrong("weakest_item", mistake or "weak_wrong", mistake=mistake, item=item)
    else:
        feedback.wrong("weakest_item", "missing_part", part="weakest_item", expected_kind="one item id")

    given = parts.get("fit_acceptable")
    feedback.step("fit_acceptable", cfi_min=CFI_MIN, rmsea_max=RMSEA_MAX)
    if not isinstance(given, bool):
        feedback.wrong("fit_acceptable", "fit_format", attempted=False)  # no fit numbers before a True/False
        return feedback.result()
    fit = cfa(items, survey.codebook.servqual_model("P")).fit
    cfi, rmsea, p = (fit_value(fit, name) for name in ("cfi", "rmsea", "pvalue"))
    acceptable = cfi >= CFI_MIN and rmsea <= RMSEA_MAX
    values = {"cfi": fmt(cfi, 3), "rmsea": fmt(rmsea, 3), "p": format_p(p), "cfi_min": CFI_MIN, "rmsea_max": RMSEA_MAX}
    feedback.step("fit_acceptable", cfi=values["cfi"], cfi_verdict=CFI_VERDICT[cfi >= CFI_MIN][feedback.lang])
    if given == acceptable:
        feedback.right("fit_acceptable", "fit_ok" if acceptable else "fit_not_ok", **values)
    elif acceptable and p < 0.05:
        feedback.wrong("fit_acceptable", "fit_chi2", mistake="fit_chi2", **values)
    elif acceptable:
        feedback.wrong("fit_acceptable", "fit_too_strict", mistake="fit_too_strict", **values)
    else:
        feedback.wrong("fit_acceptable", "fit_direction", mistake="fit_direction", **values)
    return feedback.result()
