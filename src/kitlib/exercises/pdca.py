"""Exercise 9 — design a service standard from the results and close the PDCA loop.

Bank case: in the 2025Q4 wave the participant picks the dimension with the
largest shortfall (most negative P − E) for one provider, states the baseline
perception and a target, orders the PDCA steps of the improvement and, after
the 2026Q2 wave, measures how much the gap changed.

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_service_standard
>>> check_service_standard(None, kl.load_case("bank"), provider="IT", lang="en").correct
False

References
----------
Deming, W. E. (1986). *Out of the Crisis*. MIT Press.
Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality
Service*, ch. 5 "Gap 2: setting service standards". Free Press.
"""

from __future__ import annotations

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import (
    Feedback,
    checker,
    close,
    decimals_tolerance,
    fmt,
    is_unanswered,
    read_labels,
    read_number,
)
from kitlib.exercises.reference import dimension_gaps, dimension_means
from kitlib.exercises.result import CheckResult

__all__ = ["DECIMALS", "HINTS", "check_service_standard"]

DECIMALS = 2  # baseline and gap change to two decimals: tolerance ±0.005

PARTS = ("focus_dimension", "baseline", "target", "pdca_order", "gap_change")

# The activities the notebook lists, in their correct PDCA order (Plan, Do, Check, Act).
PDCA_STEPS = {
    "plan": {"zh": "计划（Plan）", "en": "Plan"},
    "do": {"zh": "执行（Do）", "en": "Do"},
    "check": {"zh": "检查（Check）", "en": "Check"},
    "act": {"zh": "处理（Act）", "en": "Act"},
}
ACTIVITIES = {
    "standard": {
        "zh": "根据差距最大的维度写出服务标准和目标值",
        "en": "write the service standard and its target for the dimension with the largest gap",
    },
    "training": {"zh": "培训员工并按新标准提供服务", "en": "train staff and deliver the service to the new standard"},
    "resurvey": {"zh": "第二轮调查，比较前后差距", "en": "survey again and compare the gap before and after"},
    "adopt": {"zh": "有效则固化为制度，无效则调整后进入下一轮", "en": "make the standard permanent if it worked, else adjust and start the next cycle"},
}
PDCA_ORDER = ["standard", "training", "resurvey", "adopt"]

MESSAGES = {
    "focus_ok": {"zh": "重点维度选对了：“{dimension}”差距最大（{gap}）。", "en": "Right focus: '{dimension}' has the largest shortfall ({gap})."},
    "focus_lowest_p": {
        "zh": "“{given}”的感知分最低，但标准要针对差距（P − E）最大的维度：期望高的地方同样的分数意味着更大的失望。",
        "en": "'{given}' has the lowest perception, but the standard should target the largest "
              "gap (P − E): the same score disappoints more where expectations are high.",
    },
    "focus_smallest_gap": {
        "zh": "“{given}”的差距最小（是优势）。差距是负数，要选最负的那个维度。",
        "en": "'{given}' has the smallest gap (a strength). Gaps are negative; pick the most negative one.",
    },
    "focus_wrong_wave": {
        "zh": "“{given}”是用全部两轮数据选出的。计划阶段只能用培训前的 {wave} 数据。",
        "en": "'{given}' was chosen from both waves. At the Plan stage only the {wave} (before) data exist.",
    },
    "focus_wrong": {"zh": "“{given}”不是差距最大的维度。比较 {wave} 各维度的 P − E。",
                    "en": "'{given}' is not the dimension with the largest gap. Compare P − E per dimension in {wave}."},
    "baseline_ok": {"zh": "基线正确：{value}。{tolerance}", "en": "Right baseline: {value}. {tolerance}"},
    "baseline_expectation": {
        "zh": "这是期望值 E 的平均分。基线是现在的感知值 P（培训前），目标在它之上。",
        "en": "That is the expectation (E) mean. The baseline is the current perception P (before training); the target lies above it.",
    },
    "baseline_gap": {
        "zh": "这是差距 P − E。基线要用感知值 P 的平均分（1–7 分），目标才能用同一把尺子衡量。",
        "en": "That is the gap P − E. The baseline is the perception mean (1–7) so that the target is on the same scale.",
    },
    "baseline_wrong": {
        "zh": "基线不对：{wave} 中 {provider} 在该维度所有 P 题的平均分。",
        "en": "Wrong baseline: the mean of that dimension's P items for {provider} in {wave}.",
    },
    "target_ok": {"zh": "目标 {value} 高于基线，且在量表范围内。", "en": "Target {value} is above the baseline and on the scale."},
    "target_not_above": {
        "zh": "目标 {value} 不高于基线 {baseline}：服务标准要求改进，目标应高于现状。",
        "en": "Target {value} is not above the baseline {baseline}: a service standard asks for improvement, so the target must exceed the current level.",
    },
    "target_off_scale": {
        "zh": "目标 {value} 超出了 1–{max} 的量表，无法达到。",
        "en": "Target {value} is outside the 1–{max} scale and can never be reached.",
    },
    "order_ok": {"zh": "PDCA 顺序正确。", "en": "Right PDCA order."},
    "check_before_do": {
        "zh": "还没有执行（Do）就检查（Check）了：先培训和执行，再用第二轮调查检查效果。",
        "en": "You check before you do: train and deliver first, then check the effect with the second survey.",
    },
    "act_first": {
        "zh": "“固化或调整”是最后一步（Act），依据的是检查结果；第一步是计划：定标准和目标。",
        "en": "'Make permanent or adjust' is the last step (Act), based on the Check results; the first step is Plan: set the standard and target.",
    },
    "order_wrong": {
        "zh": "顺序不对。依次为：计划（{plan}）→ 执行（{do}）→ 检查（{check}）→ 处理（{act}）。",
        "en": "Wrong order. It runs Plan ({plan}) → Do ({do}) → Check ({check}) → Act ({act}).",
    },
    "order_format": {
        "zh": "pdca_order 应为四个活动名组成的列表，取自：{allowed}。",
        "en": "pdca_order should be a list of the four activity names: {allowed}.",
    },
    "change_ok": {
        "zh": "差距变化正确：{value}（正数表示差距缩小，改进有效）。{tolerance}",
        "en": "Right change in the gap: {value} (positive means the gap narrowed: the improvement worked). {tolerance}",
    },
    "change_reversed": {
        "zh": "符号反了：变化 = 培训后差距 − 培训前差距。差距从 −1.5 变到 −0.8，变化是 +0.7（变好）。",
        "en": "Sign flipped: change = gap after − gap before. A gap going from −1.5 to −0.8 changes by +0.7 (better).",
    },
    "change_perception_only": {
        "zh": "这是感知值 P 的变化。期望值 E 也可能变了，要比较的是差距 P − E 的变化。",
        "en": "That is the change in perception P. Expectations E can move too; compare the change in the gap P − E.",
    },
    "change_all_providers": {
        "zh": "这是全部服务部门的变化。只看 {provider}。",
        "en": "That is the change over all providers. Look at {provider} only.",
    },
    "change_wrong": {
        "zh": "变化不对：分别算 {before} 和 {after} 两轮中 {provider} 在重点维度的差距 P − E，再相减（后 − 前）。",
        "en": "Wrong change: compute {provider}'s gap P − E on the focus dimension in {before} and in {after}, then subtract (after − before).",
    },
}

HINTS = {
    "focus_dimension": [
        {"zh": "哪个数字说明服务离期望最远？只用改进之前就已有的数据。",
         "en": "Which number shows where the service falls furthest short of expectations? Use only data that exist before the change."},
        {"zh": "服务标准针对差距 P − E 最大（最负）的维度，而不是感知分最低的维度；计划阶段只有 {wave} 的数据。",
         "en": "The standard targets the dimension with the largest gap P − E (the most negative), not the lowest "
               "perception; at the Plan stage only the {wave} data exist."},
        {"zh": "示范“{dimension}”（{provider}，{wave}）：P 平均 {p_mean} − E 平均 {e_mean} = 差距 {gap}。每个维度都这样算，选最负的。",
         "en": "Worked for '{dimension}' ({provider}, {wave}): P mean {p_mean} − E mean {e_mean} = gap {gap}. Do every "
               "dimension, then pick the most negative."},
    ],
    "baseline": [
        {"zh": "基线是“现在的水平”，要和目标用同一把尺子（1–7 分）。",
         "en": "The baseline is today's level, on the same 1–7 ruler as the target."},
        {"zh": "基线 = {provider} 在 {wave}（培训前）重点维度各 P 题的平均分（先算每题平均，再取平均）；不是 E，也不是差距。",
         "en": "Baseline = the mean of the focus dimension's P items for {provider} in {wave} (before training): item "
               "means, then their mean; not E, not the gap."},
        {"zh": "示范“{dimension}”：P 题 {items} 的平均分为 {means}，基线 = 它们的平均 = {value}。",
         "en": "Worked for '{dimension}': the P items {items} have means {means}; baseline = their mean = {value}."},
    ],
    "target": [
        {"zh": "标准是要达到的目标：它应当在现状之上还是之下？能达到吗？",
         "en": "A standard is a goal to reach: should it lie above or below today's level? Can it be reached?"},
        {"zh": "目标要高于基线，并且在量表范围 1–{max} 之内；一轮改进通常提高 0.3–0.5 分比较现实。",
         "en": "The target lies above the baseline and within the 1–{max} scale; one improvement cycle realistically gains 0.3–0.5 points."},
        {"zh": "示范：基线 {baseline} + 0.3 = {example}，高于基线，且 ≤ {max}。",
         "en": "Worked: baseline {baseline} + 0.3 = {example}, above the baseline and ≤ {max}."},
    ],
    "pdca_order": [
        {"zh": "哪件事必须先存在，另一件事才能做？比如：没有标准，能培训吗？",
         "en": "What has to exist before the next thing can happen? Can staff be trained on a standard nobody has written?"},
        {"zh": "PDCA：计划（定标准和目标）→ 执行（培训、按标准服务）→ 检查（再调查、比较前后）→ 处理（固化或调整）。",
         "en": "PDCA: Plan (set the standard and target) → Do (train, deliver to the standard) → Check (survey again, "
               "compare) → Act (make permanent or adjust)."},
        {"zh": "示范第一步：“{first}”是计划（Plan）——标准要先写出来，才能据此培训。其余三项照此排序。",
         "en": "Worked, first step: '{first}' is the Plan — the standard must exist before anyone is trained on it. "
               "Place the other three the same way."},
    ],
    "gap_change": [
        {"zh": "两轮、同一个维度、同一个服务部门：相减时哪一轮在前？",
         "en": "Two waves, one dimension, one provider: which wave comes first in the subtraction?"},
        {"zh": "变化 = 培训后差距 − 培训前差距，两个差距都是 P − E，都只用 {provider} 的数据；正数表示差距缩小。",
         "en": "Change = gap after − gap before, both gaps P − E and both from {provider}'s rows only; positive means the gap narrowed."},
        {"zh": "示范：{provider} 在“{dimension}”上 {before} 的差距 = {p_mean} − {e_mean} = {gap_before}。用同样方法算 {after} 的差距，再用 后 − 前。",
         "en": "Worked: {provider}'s gap on '{dimension}' in {before} = {p_mean} − {e_mean} = {gap_before}. Compute the "
               "{after} gap the same way, then subtract: after − before."},
    ],
}


def _dimension(value, survey: Survey) -> str | None:
    labels = read_labels(value)
    if not labels or len(labels) != 1:
        return None
    for key, names in survey.codebook.dimensions.items():
        if labels[0] in (key, *names.values()) or labels[0].lower() == key:
            return key
    return labels[0]


def _check_order(feedback: Feedback, value) -> None:
    order = read_labels(value)
    if order is None or sorted(order) != sorted(PDCA_ORDER):
        feedback.wrong("pdca_order", "order_format", allowed=", ".join(PDCA_ORDER), attempted=not is_unanswered(value))
    elif order == PDCA_ORDER:
        feedback.right("pdca_order", "order_ok")
    elif order.index("resurvey") < order.index("training"):
        feedback.wrong("pdca_order", "check_before_do", mistake="check_before_do")
    elif order[0] == "adopt":
        feedback.wrong("pdca_order", "act_first", mistake="act_first")
    else:
        names = {step: ACTIVITIES[activity][feedback.lang] for step, activity in zip(PDCA_STEPS, PDCA_ORDER)}
        feedback.wrong("pdca_order", "order_wrong", **names)


@checker
def check_service_standard(answer, survey: Survey, provider: str, lang: str = "zh") -> CheckResult:
    """Check a service standard designed from the gaps, its PDCA order and its measured effect.

    Parameters
    ----------
    answer : dict
        ``focus_dimension`` (dimension id or label), ``baseline`` (P mean of that
        dimension before), ``target`` (the standard's goal on the 1–7 scale),
        ``pdca_order`` (the four activity names of :data:`ACTIVITIES` in order),
        ``gap_change`` (gap after − gap before on the focus dimension).
    survey : Survey
        A case with two waves (the bank case).
    provider : str
        The provider the standard is for.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``focus_lowest_p``, ``focus_smallest_gap``,
        ``focus_wrong_wave``, ``baseline_expectation``, ``baseline_gap``,
        ``target_not_above``, ``check_before_do``, ``act_first``,
        ``change_reversed``, ``change_perception_only``, ``change_all_providers``.

    Example
    -------
    >>> import kitlib as kl
    >>> check_service_standard(..., kl.load_case("bank"), provider="IT", lang="en").mistakes
    ['unanswered']

    References
    ----------
    Deming, W. E. (1986). *Out of the Crisis*. MIT Press.
    """
    feedback = Feedback("service_standard", lang, MESSAGES, HINTS)
    tol = decimals_tolerance(DECIMALS)
    parts = feedback.parts(answer, PARTS)
    if parts is None:
        return feedback.result()
    book = survey.codebook
    wave = survey.wave_column()
    before, after = sorted(survey.data[wave].dropna().unique())
    mine = survey.filter(provider=provider)
    first, second = mine.filter(**{wave: before}).data, mine.filter(**{wave: after}).data
    gaps = dimension_gaps(first, book)
    focus = gaps.idxmin()
    label = lambda key: book.label(key, lang)  # noqa: E731
    p_means, e_means = dimension_means(first, book, "P"), dimension_means(first, book, "E")
    model = book.servqual_model("P")

    given = _dimension(parts.get("focus_dimension"), survey)
    example = given if given in gaps.index and given != focus else next(d for d in gaps.index if d != focus)
    feedback.step("focus_dimension", dimension=label(example), provider=provider, wave=before,
                  p_mean=fmt(p_means[example]), e_mean=fmt(e_means[example]), gap=fmt(gaps[example]))
    shown = given if given in gaps.index else focus  # the participant's own focus when it is a dimension
    feedback.step("baseline", dimension=label(shown), provider=provider, wave=before, items=", ".join(model[shown]),
                  means=", ".join(fmt(v) for v in first[model[shown]].mean()), value=fmt(p_means[shown]))
    feedback.step("gap_change", provider=provider, dimension=label(shown), before=before, after=after,
                  p_mean=fmt(p_means[shown]), e_mean=fmt(e_means[shown]), gap_before=fmt(gaps[shown]))
    feedback.step("pdca_order", first=ACTIVITIES[PDCA_ORDER[0]][lang])
    if given is None:
        feedback.wrong("focus_dimension", "missing_part", part="focus_dimension", expected_kind="dimension")
    elif given == focus:
        feedback.right("focus_dimension", "focus_ok", dimension=label(focus), gap=fmt(gaps[focus]))
    elif given == dimension_means(first, book, "P").idxmin():
        feedback.wrong("focus_dimension", "focus_lowest_p", mistake="focus_lowest_p", given=label(given))
    elif given == gaps.idxmax():
        feedback.wrong("focus_dimension", "focus_smallest_gap", mistake="focus_smallest_gap", given=label(given))
    elif given == dimension_gaps(mine.data, book).idxmin():
        feedback.wrong("focus_dimension", "focus_wrong_wave", mistake="focus_wrong_wave", given=label(given), wave=before)
    else:
        feedback.wrong("focus_dimension", "focus_wrong", given=label(given), wave=before)

    baseline = dimension_means(first, book, "P")[focus]
    value = read_number(parts.get("baseline"))
    if value is None:
        feedback.wrong("baseline", "not_number", part="baseline", given=parts.get("baseline"))
    elif close(value, baseline, tol):
        feedback.right("baseline", "baseline_ok", value=fmt(baseline), tolerance=feedback.tolerance(DECIMALS))
    elif close(value, dimension_means(first, book, "E")[focus], tol):
        feedback.wrong("baseline", "baseline_expectation", mistake="baseline_expectation")
    elif close(value, gaps[focus], tol):
        feedback.wrong("baseline", "baseline_gap", mistake="baseline_gap")
    else:
        feedback.wrong("baseline", "baseline_wrong", provider=provider, wave=before)

    scale_max = max(book.columns[c].scale_max for c in book.items("servqual_P"))
    feedback.step("target", max=f"{scale_max:g}", baseline=fmt(baseline), example=fmt(min(baseline + 0.3, scale_max)))
    target = read_number(parts.get("target"))
    if target is None:
        feedback.wrong("target", "not_number", part="target", given=parts.get("target"))
    elif target > scale_max:
        feedback.wrong("target", "target_off_scale", mistake="target_off_scale", value=fmt(target), max=f"{scale_max:g}")
    elif target <= baseline:
        feedback.wrong("target", "target_not_above", mistake="target_not_above", value=fmt(target), baseline=fmt(baseline))
    else:
        feedback.right("target", "target_ok", value=fmt(target))

    _check_order(feedback, parts.get("pdca_order"))

    change = dimension_gaps(second, book)[focus] - gaps[focus]
    everyone = [survey.filter(**{wave: w}).data for w in (before, after)]
    value = read_number(parts.get("gap_change"))
    candidates = {
        "change_reversed": -change,
        "change_perception_only": dimension_means(second, book, "P")[focus] - baseline,
        "change_all_providers": dimension_gaps(everyone[1], book)[focus] - dimension_gaps(everyone[0], book)[focus],
    }
    if value is None:
        feedback.wrong("gap_change", "not_number", part="gap_change", given=parts.get("gap_change"))
    elif close(value, change, tol):
        feedback.right("gap_change", "change_ok", value=fmt(change), tolerance=feedback.tolerance(DECIMALS))
    else:
        mistake = next((m for m, predicted in candidates.items() if close(value, predicted, tol)), None)
        feedback.wrong("gap_change", mistake or "change_wrong", mistake=mistake, provider=provider, before=before, after=after)
    return feedback.result()
