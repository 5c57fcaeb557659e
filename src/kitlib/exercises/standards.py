"""Exercise 11 — service standards: SLA attainment by hand and its link to satisfaction.

The IT firm's monthly SLA report: the tickets opened in the four weeks before the export
(:data:`AS_OF`, a working day, so some tickets are still open) and the service standards (hours per provider × category × priority).  The participant
computes, per provider, the share of tickets that met the response and the resolution target and
the median resolution time; then, per ticket, the mean rating when the resolution target was met
minus when it was missed with Cohen's *d*; and, per provider, Spearman's ρ between the survey's
overall satisfaction and resolution attainment.  The check works every answer out with
:func:`kitlib.sla` and :func:`kitlib.satisfaction_link`.

Notes
-----
With target :math:`T_i` (hours) for ticket *i*, time :math:`h_i` from opening to first response
(or to resolution) and export time :math:`e`:

.. math:: \\text{met}_i = [h_i \\le T_i]; \\quad \\text{an open ticket counts as missed once } e - \\text{opened}_i > T_i
   \\text{, and is left out before}

Attainment = mean of met over the tickets counted.  Cohen's
:math:`d = (\\bar r_{met} - \\bar r_{missed}) / s_p` with the pooled standard deviation
:math:`s_p = \\sqrt{((n_1 - 1)s_1^2 + (n_2 - 1)s_2^2)/(n_1 + n_2 - 2)}`.

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_sla, sla_exercise_data
>>> tickets, standards = sla_exercise_data()
>>> check_sla(None, tickets, standards, kl.load_case("it_firm"), lang="en").mistakes
['unanswered']

References
----------
Zeithaml, V. A., Bitner, M. J., & Gremler, D. D. (2018). *Services Marketing* (7th ed.), ch. 9. McGraw-Hill.
Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.). Erlbaum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kitlib.data.cases import case_dir
from kitlib.data.survey import Survey
from kitlib.exercises.feedback import Feedback, checker, close, close_all, decimals_tolerance, fmt, is_unanswered, read_number
from kitlib.exercises.result import CheckResult
from kitlib.service.standards import read_standards, read_tickets, satisfaction_link, sla

__all__ = ["AS_OF", "DECIMALS", "HINTS", "PERIOD_DAYS", "check_sla", "sla_exercise_data"]

AS_OF = "2026-06-26 12:00"  # the export time of the exercise's ticket log: later timestamps are not known yet
PERIOD_DAYS = 28  # the report covers the tickets opened in the four weeks before the export
DECIMALS = {"response_met": 2, "resolution_met": 2, "median_resolution_h": 1, "rating_difference": 2, "cohens_d": 2,
            "satisfaction_rho": 2}
PARTS = tuple(DECIMALS)
PROVIDER = {"zh": "服务部门", "en": "provider"}

MESSAGES = {
    "met_ok": {"zh": "{what}达成率正确；最低的是{provider}（{value}）。{tolerance}",
               "en": "Right {what} attainment; the lowest is {provider} ({value}). {tolerance}"},
    "open_counted": {
        "zh": "分母多算了还没到时限的未结工单：导出时还开着、但时限还没过的工单既没达标也没超时，不计入。",
        "en": "The denominator includes open tickets whose target has not passed yet: at export time they have neither met nor "
              "missed it, so leave them out.",
    },
    "open_dropped": {
        "zh": "你只算了已有时间戳的工单。导出时仍未处理、且已超过时限的工单肯定超时了，要算作未达标。",
        "en": "You counted only tickets with a timestamp. A ticket still open after its target has passed has certainly missed it: "
              "count it as missed.",
    },
    "response_resolution_swapped": {
        "zh": "这是{other}的达成率。响应 = 开单到首次响应（first_response），解决 = 开单到解决（resolved），各有各的时限。",
        "en": "That is the {other} attainment. Response = opened to first response, resolution = opened to resolved; each has its own target.",
    },
    "met_wrong": {"zh": "{providers}的{what}达成率不对。", "en": "The {what} attainment of {providers} is off."},
    "median_ok": {"zh": "解决时长中位数正确；最长的是{provider}（{value} 小时）。{tolerance}",
                  "en": "Right median resolution times; the longest is {provider} ({value} h). {tolerance}"},
    "mean_not_median": {
        "zh": "这是平均数。解决时长右偏（少数工单拖很久），服务标准里常用中位数：一半工单快于它、一半慢于它。",
        "en": "That is the mean. Resolution times are right-skewed (a few tickets drag on), so standards use the median: half the "
              "tickets are faster, half slower.",
    },
    "median_response": {"zh": "这是响应时长的中位数。题目问的是开单到解决（resolved）的时长。",
                        "en": "That is the median response time. The task asks for the time from opening to resolution."},
    "median_wrong": {"zh": "{providers}的解决时长中位数不对（单位：小时）。", "en": "The median resolution times of {providers} are off (in hours)."},
    "difference_ok": {"zh": "评分差正确：解决达标的工单平均高 {value} 分。{tolerance}",
                      "en": "Right rating difference: tickets resolved on time are rated {value} points higher. {tolerance}"},
    "cohens_d_ok": {"zh": "Cohen's d 正确：{value}（大于 0.8 是大效应）。{tolerance}",
                    "en": "Right Cohen's d: {value} (above 0.8 is a large effect). {tolerance}"},
    "sign_flipped": {"zh": "符号反了：用 达标 − 未达标。正数表示达标的工单评分更高。",
                     "en": "The sign is flipped: take met − missed. Positive means tickets that met the target are rated higher."},
    "response_standard": {"zh": "这是按响应时限分组的结果。题目问的是解决时限：评分是否随解决是否达标而变。",
                          "en": "That is split by the response standard. The task asks about the resolution standard."},
    "sd_of_all": {
        "zh": "你除以的是全部评分的标准差，其中含有两组之间的差异本身。Cohen's d 用两组的合并标准差 s_p。",
        "en": "You divided by the standard deviation of all ratings, which contains the group difference itself. Cohen's d uses the "
              "pooled within-group standard deviation s_p.",
    },
    "number_wrong": {"zh": "“{part}”不对。", "en": "'{part}' is off."},
    "rho_ok": {"zh": "ρ 正确：{value}。满意度跟着解决达成率走（只有 {n} 个服务部门，仅作参考）。{tolerance}",
               "en": "Right ρ: {value}. Satisfaction tracks resolution attainment (only {n} providers: indicative). {tolerance}"},
    "pearson": {"zh": "这是 Pearson 相关。只有几个服务部门、关系未必是直线时，用秩相关 Spearman ρ。",
                "en": "That is Pearson's r. With a handful of providers and no reason to expect a straight line, use the rank correlation, Spearman's ρ."},
    "rho_response": {"zh": "这是满意度与响应达成率的相关。题目问的是解决达成率。",
                     "en": "That correlates satisfaction with response attainment. The task asks about resolution attainment."},
}

HINTS = {
    "met": [
        {"zh": "一张工单在导出时可能还开着：它算达标、未达标，还是先不算？",
         "en": "At export time a ticket may still be open: has it met the target, missed it, or is it too early to say?"},
        {"zh": "达标 = 用时（小时）≤ 该工单的时限；未结工单：导出时已超过时限 → 未达标，未超过 → 不计入。达成率 = 达标数 ÷ 计入数。",
         "en": "Met = hours taken ≤ the ticket's target; an open ticket: past its target at export → missed, not yet → left out. "
               "Attainment = met ÷ counted."},
        {"zh": "示范{provider}：计入 {counted} 张（其中未结且已超时 {overdue} 张，未结未超时 {pending} 张不计入），达标 {met} 张，达成率 {value}。",
         "en": "Worked for {provider}: {counted} tickets counted ({overdue} still open past their target; {pending} open within it "
               "left out), {met} met: attainment {value}."},
    ],
    "median_resolution_h": [
        {"zh": "时长的分布是对称的吗？少数拖了几周的工单会把哪个统计量拉高？",
         "en": "Are the times symmetric? Which statistic do a few tickets that drag on for weeks pull up?"},
        {"zh": "解决时长 = resolved − opened（小时），只用已解决的工单，取中位数。",
         "en": "Resolution time = resolved − opened in hours, over the resolved tickets; take the median."},
        {"zh": "示范{provider}：{n} 张已解决的工单，中位数 {median} 小时（平均数是 {mean} 小时）。",
         "en": "Worked for {provider}: {n} resolved tickets, median {median} h (the mean is {mean} h)."},
    ],
    "rating_difference": [
        {"zh": "把有评分的工单按“解决是否达标”分成两组，比较平均评分。",
         "en": "Split the rated tickets by whether the resolution target was met; compare their mean ratings."},
        {"zh": "差 = 达标组平均评分 − 未达标组平均评分（解决时限）。",
         "en": "Difference = mean rating when met − mean rating when missed (resolution standard)."},
        {"zh": "示范：达标组 {n_met} 张，平均 {mean_met}；未达标组 {n_missed} 张，平均 {mean_missed}。",
         "en": "Worked: {n_met} met, mean {mean_met}; {n_missed} missed, mean {mean_missed}."},
    ],
    "cohens_d": [
        {"zh": "效应量把平均分之差换算成“几个标准差”。用哪个标准差？",
         "en": "An effect size expresses the difference in standard deviations. Which standard deviation?"},
        {"zh": "d = (达标平均 − 未达标平均) / s_p，s_p = √[((n₁−1)s₁² + (n₂−1)s₂²) / (n₁+n₂−2)]。",
         "en": "d = (mean met − mean missed) / s_p, s_p = √[((n₁−1)s₁² + (n₂−1)s₂²) / (n₁+n₂−2)]."},
        {"zh": "示范：s₁ = {sd_met}（n₁ = {n_met}），s₂ = {sd_missed}（n₂ = {n_missed}），s_p = {pooled}。",
         "en": "Worked: s₁ = {sd_met} (n₁ = {n_met}), s₂ = {sd_missed} (n₂ = {n_missed}), s_p = {pooled}."},
    ],
    "satisfaction_rho": [
        {"zh": "每个服务部门一个点：横轴解决达成率，纵轴问卷总体满意度。两者同升同降吗？",
         "en": "One point per provider: resolution attainment across, survey satisfaction up. Do they rise together?"},
        {"zh": "问卷按服务部门算总体满意度平均分，与各部门的解决达成率求 Spearman 秩相关（scipy.stats.spearmanr）。",
         "en": "Mean overall satisfaction per provider from the survey, against each provider's resolution attainment: Spearman's "
               "rank correlation (scipy.stats.spearmanr)."},
        {"zh": "示范：满意度排名 {satisfaction_rank}，解决达成率排名 {attainment_rank}（按服务部门 {providers}）。",
         "en": "Worked: satisfaction ranks {satisfaction_rank}, resolution attainment ranks {attainment_rank} (providers {providers})."},
    ],
}
HINTS["response_met"] = HINTS["resolution_met"] = HINTS.pop("met")


def sla_exercise_data(as_of: str = AS_OF, days: int = PERIOD_DAYS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The IT firm's tickets opened in the ``days`` before ``as_of``, as exported then, and its service standards.

    Responses and resolutions after ``as_of`` are not known yet (blank), nor are the ratings of
    tickets not resolved by then.

    Example
    -------
    >>> tickets, standards = sla_exercise_data()
    >>> bool(tickets["resolved"].isna().any()), list(standards.columns)[:3]
    (True, ['provider', 'category', 'priority'])
    """
    folder = case_dir("it_firm")
    tickets = read_tickets(folder / "tickets.csv")
    cut = pd.Timestamp(as_of)
    tickets = tickets[(tickets["opened"] <= cut) & (tickets["opened"] > cut - pd.Timedelta(days=days))].copy()
    for column in ("first_response", "resolved"):
        tickets[column] = tickets[column].where(tickets[column] <= cut)
    tickets["rating"] = tickets["rating"].where(tickets["resolved"].notna())
    tickets.attrs["as_of"] = str(cut)
    return tickets.reset_index(drop=True), read_standards(folder / "standards.csv")


def _by_hand(frame: pd.DataFrame, standard: str, counted: str) -> pd.Series:
    """Attainment per provider with a participant's denominator: ``"all"`` tickets or only ``"closed"`` ones."""
    hours, target = frame[f"{standard}_h"], frame[f"{standard}_target_h"]
    met = (hours <= target).astype(float)
    if counted == "closed":
        met = met.where(hours.notna())
    return met.groupby(frame["provider"]).mean()


def _check_met(feedback, part, given, expected, result, name):
    standard = part.removesuffix("_met")
    other = "resolution" if standard == "response" else "response"
    what = {"response": {"zh": "响应", "en": "response"}, "resolution": {"zh": "解决", "en": "resolution"}}
    tol = decimals_tolerance(DECIMALS[part])
    if close_all(given, expected, tol):
        lowest = expected.idxmin()
        feedback.right(part, "met_ok", what=what[standard][feedback.lang], provider=name(lowest), value=fmt(expected[lowest]),
                       tolerance=feedback.tolerance(DECIMALS[part]))
        return
    frame = result.tickets
    candidates = {"open_counted": _by_hand(frame, standard, "all"), "open_dropped": _by_hand(frame, standard, "closed"),
                  "response_resolution_swapped": result.table[f"{other}_met"]}
    for mistake, predicted in candidates.items():
        predicted = predicted.reindex(expected.index)
        if not close_all(predicted.to_dict(), expected, tol) and close_all(given, predicted, tol):
            feedback.wrong(part, mistake, mistake=mistake, other=what[other][feedback.lang])
            return
    wrong = [name(p) for p in expected.index if not close_all(given, {p: expected[p]}, tol)]
    feedback.wrong(part, "met_wrong", what=what[standard][feedback.lang], providers=", ".join(wrong))


def _check_median(feedback, given, result, name):
    part, tol = "median_resolution_h", decimals_tolerance(DECIMALS["median_resolution_h"])
    expected = result.table["median_resolution_h"]
    if close_all(given, expected, tol):
        longest = expected.idxmax()
        feedback.right(part, "median_ok", provider=name(longest), value=fmt(expected[longest], 1),
                       tolerance=feedback.tolerance(DECIMALS[part]))
        return
    hours = result.tickets.groupby("provider")
    candidates = {"mean_not_median": hours["resolution_h"].mean(), "median_response": hours["response_h"].median()}
    for mistake, predicted in candidates.items():
        if close_all(given, predicted.reindex(expected.index), tol):
            feedback.wrong(part, mistake, mistake=mistake)
            return
    wrong = [name(p) for p in expected.index if not close_all(given, {p: expected[p]}, tol)]
    feedback.wrong(part, "median_wrong", providers=", ".join(wrong))


def _check_number(feedback, part, value, expected, candidates, ok_key, **values):
    given = read_number(value)
    if given is None:
        if is_unanswered(value):
            feedback.wrong(part, "missing_part", part=part, expected_kind=feedback.say("kind_number"), attempted=False)
        else:
            feedback.wrong(part, "not_number", part=part, given=value)
        return
    tol = decimals_tolerance(DECIMALS[part])
    if close(given, expected, tol):
        feedback.right(part, ok_key, value=fmt(expected), tolerance=feedback.tolerance(DECIMALS[part]), **values)
        return
    for mistake, predicted in candidates.items():
        if np.isfinite(predicted) and not close(predicted, expected, tol) and close(given, predicted, tol):
            key = "rho_response" if mistake == "response_standard" and part == "satisfaction_rho" else mistake
            feedback.wrong(part, key, mistake=mistake)
            return
    if not feedback.coarse(part, given, expected, DECIMALS[part]):
        feedback.wrong(part, "number_wrong", part=part)


EXTRA_MESSAGES = {
    "kind_keyed": {"zh": "字典 {服务部门: 数值}", "en": "a dict {provider: number}"},
    "kind_number": {"zh": "一个数", "en": "a number"},
}


@checker
def check_sla(answer, tickets: pd.DataFrame, standards, survey: Survey, lang: str = "zh") -> CheckResult:
    """Check SLA attainment per provider and its link to satisfaction, computed by hand.

    Parameters
    ----------
    answer : dict
        ``response_met`` and ``resolution_met`` (``{provider: share of tickets on time}``, two decimals),
        ``median_resolution_h`` (``{provider: hours}``, one decimal), ``rating_difference`` (mean ticket
        rating when the resolution target was met − when missed), ``cohens_d`` (that difference over the
        pooled SD) and ``satisfaction_rho`` (Spearman's ρ of the survey's mean overall satisfaction with
        resolution attainment across providers), each to two decimals.  Providers may be keyed by code or
        by their Chinese / English label.
    tickets : DataFrame
        From :func:`sla_exercise_data` (or :func:`kitlib.read_tickets`).
    standards : DataFrame or path
        The service standards.
    survey : Survey
        The survey of the same organisation (overall satisfaction per provider).
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``open_counted``, ``open_dropped``, ``response_resolution_swapped``,
        ``mean_not_median``, ``median_response``, ``sign_flipped``, ``response_standard``, ``sd_of_all``,
        ``pearson``, ``too_coarse``.

    Notes
    -----
    Expected values: :func:`kitlib.sla` (``table``, ``rating_link``) and :func:`kitlib.satisfaction_link`.

    Example
    -------
    >>> import kitlib as kl
    >>> tickets, standards = sla_exercise_data()
    >>> d = kl.sla(tickets, standards).rating_link.set_index("standard").loc["resolution", "cohens_d"]
    >>> check_sla({"cohens_d": -d}, tickets, standards, kl.load_case("it_firm"), lang="en").mistakes
    ['sign_flipped']

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.). Erlbaum.
    """
    feedback = Feedback("sla", lang, {**MESSAGES, **EXTRA_MESSAGES}, HINTS)
    result = sla(tickets, standards)
    book = survey.codebook
    name = lambda value: book.value_label("provider", value, lang)  # noqa: E731
    table, frame = result.table, result.tickets
    link = result.rating_link.set_index("standard")
    linked = satisfaction_link(result, survey)
    rho = linked.attrs["correlation"]

    example = table["resolution_met"].idxmin()
    mine = frame[frame["provider"] == example]
    for standard in ("response", "resolution"):
        hours, target = mine[f"{standard}_h"], mine[f"{standard}_target_h"]
        open_ = hours.isna()
        feedback.step(f"{standard}_met", provider=name(example), counted=int(mine[f"{standard}_ok"].notna().sum()),
                      overdue=int((open_ & (mine[f"{standard}_ok"] == 0)).sum()), pending=int(mine[f"{standard}_ok"].isna().sum()),
                      met=int((hours <= target).sum()), value=fmt(table.loc[example, f"{standard}_met"]))
    resolved = mine["resolution_h"].dropna()
    feedback.step("median_resolution_h", provider=name(example), n=len(resolved), median=fmt(resolved.median(), 1), mean=fmt(resolved.mean(), 1))
    rated = frame[frame["rating"].notna() & frame["resolution_ok"].notna()]
    met, missed = rated.loc[rated["resolution_ok"] == 1, "rating"], rated.loc[rated["resolution_ok"] == 0, "rating"]
    feedback.step("rating_difference", n_met=len(met), n_missed=len(missed), mean_met=fmt(met.mean()), mean_missed=fmt(missed.mean()))
    pooled = link.loc["resolution", "difference"] / link.loc["resolution", "cohens_d"]
    feedback.step("cohens_d", sd_met=fmt(met.std()), sd_missed=fmt(missed.std()), n_met=len(met), n_missed=len(missed), pooled=fmt(pooled))
    feedback.step("satisfaction_rho", providers=", ".join(name(p) for p in linked["provider"]),
                  satisfaction_rank=", ".join(f"{r:g}" for r in linked["satisfaction"].rank()),
                  attainment_rank=", ".join(f"{r:g}" for r in linked["resolution_met"].rank()))

    parts = feedback.parts(answer, PARTS)
    if parts is None:
        return feedback.result()
    labels = {p: {"zh": book.value_label("provider", p, "zh"), "en": book.value_label("provider", p, "en")} for p in table.index}
    for part in ("response_met", "resolution_met", "median_resolution_h"):
        value = parts.get(part)
        if is_unanswered(value):
            feedback.wrong(part, "missing_part", part=part, expected_kind=feedback.say("kind_keyed"), attempted=False)
            continue
        given = feedback.keyed(part, value, labels, part, PROVIDER)
        if given is None:
            continue
        if part == "median_resolution_h":
            _check_median(feedback, given, result, name)
        else:
            _check_met(feedback, part, given, table[part], result, name)
    ratings = rated["rating"]
    candidates = {
        "rating_difference": {"sign_flipped": -link.loc["resolution", "difference"], "response_standard": link.loc["response", "difference"]},
        "cohens_d": {"sign_flipped": -link.loc["resolution", "cohens_d"], "response_standard": link.loc["response", "cohens_d"],
                     "sd_of_all": link.loc["resolution", "difference"] / ratings.std()},
        "satisfaction_rho": {"response_standard": rho["response_met"]["rho"],
                             "pearson": float(stats.pearsonr(linked["satisfaction"], linked["resolution_met"])[0])},
    }
    expected = {"rating_difference": link.loc["resolution", "difference"], "cohens_d": link.loc["resolution", "cohens_d"],
                "satisfaction_rho": rho["resolution_met"]["rho"]}
    ok_keys = {"rating_difference": "difference_ok", "cohens_d": "cohens_d_ok", "satisfaction_rho": "rho_ok"}
    for part, value in expected.items():
        _check_number(feedback, part, parts.get(part), value, candidates[part], ok_keys[part], n=len(linked))
    return feedback.result()
