# %% tags=["parameters"]
case = "it_firm"        # shipped case: it_firm | manufacturer | bank
data_path = ""          # your own survey file (CSV/XLSX); overrides case when set
codebook_path = ""      # its codebook (default: codebook.yaml next to the data file)
lang = "zh"             # language of every text and chart: zh | en
min_group_size = 5      # groups with fewer respondents are never shown
provider = ""           # restrict to one service provider (empty: all)
department = ""         # restrict to one receiving department (empty: all)
wave = ""               # restrict to one survey wave (empty: all)
pool_waves = False      # key figures and plan: the latest wave and its change (False), or every wave pooled (True)
alpha_level = 0.05      # significance level of the tests
summary_path = ""     # where kitlib report collects the key figures (JSON)
cfa_estimator = "auto"  # CFA estimator: auto (WLSMV for scales of at most 5 answer points, else ML) | ML | MLR | WLSMV
n_boot = 300            # bootstrap resamples of the key-driver intervals

# %%
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import kitlib as kl
from kitlib.formatting import format_count, reverse_mark
from kitlib.i18n import pick, say
from kitlib.psychometrics.scale_check import InvarianceCheck, check_invariance, choose_estimator
from kitlib.report.chapter import (
    available,
    dimension_grid,
    driver_ipa_words,
    driver_method,
    driver_words,
    invariance_words,
    open_survey,
    record_summary,
    report_figures,
    sample_words,
    select,
    suppression_counts,
    visible,
    withheld_groups,
    withheld_note,
)
from kitlib.report.html import escape_markdown as md  # every data/codebook label in a say() text is literal
from kitlib.service.key_drivers import driver_importance, uncertain_quadrants
from kitlib.service.pdca import kano_priorities
from kitlib.service.waves import headline_change, latest_wave, wave_changes
from kitlib.stats import mean_interval

kl.plot.set_theme()
report_figures()  # every chart drawn once, at its laid-out size
pd.set_option("display.precision", 2)
full_survey = open_survey(case, data_path, codebook_path)
survey = select(full_survey, provider=provider, department=department, wave=wave, min_group_size=min_group_size)
book = survey.codebook
info = kl.instrument(survey)  # which sections this questionnaire can feed; the others are replaced by a note

# %%
title = book.title.get(lang) or book.name
scope_text = {"provider": pick(lang, "服务部门", "provider"), "department": pick(lang, "业务部门", "department"),
              "wave": pick(lang, "调查波次", "wave")}
scope_columns = {"provider": "provider", "department": "department", "wave": full_survey.wave_column() or "wave"}
restricted = [f"{scope_text[name]}: {md(book.value_label(scope_columns[name], value, lang))}" for name, value in
              {"provider": provider, "department": department, "wave": wave}.items() if value]
excluded = int((survey.quality["action"] == "excluded").sum())
join = pick(lang, "、", ", ")
group_label = join.join(book.value_label(column, value, lang) for column, value in
                        (("provider", provider), ("department", department)) if value)  # whose report this is ("" = everyone)
group_name = md(group_label)  # as written into say() texts
view = latest_wave(survey, pool=pool_waves, min_group_size=min_group_size)  # the wave of the key figures and the plan
current = view.survey  # its rows (every wave only when pool_waves, and then labelled "pooled")
organisation = (latest_wave(full_survey, wave=view.current, pool=pool_waves, min_group_size=min_group_size)
                if group_name else None)  # the whole organisation in the same wave: what a group's figures are compared with
several_waves = len(view.waves) >= 2


def md_join(names) -> str:
    """Labels listed for a say() text, each escaped."""
    return join.join(md(name) for name in names)


class MarkdownLabels:
    """The codebook as the library's sentence builders (driver_words, …) should quote it in say(): labels escaped."""

    def __init__(self, codebook):
        self.codebook = codebook

    def label(self, *args, **kwargs) -> str:
        return md(self.codebook.label(*args, **kwargs))

    def value_label(self, *args, **kwargs) -> str:
        return md(self.codebook.value_label(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(self.codebook, name)


labels_md = MarkdownLabels(book)


def item_md(item, language: str) -> str:
    """An item id for a say() text, marked (R) when reverse-keyed."""
    return md(reverse_mark(str(item), bool(getattr(book.columns.get(item), "reverse", False)), language))


wave_scope = {"zh": "", "en": ""}
if several_waves and view.pooled:
    wave_scope = {lang_: f"{pick(lang_, '。全部数字：', '. All figures: ')}{view.describe(lang_, md)}"
                  + pick(lang_, "，按要求合并；逐期变化见“前后对比”", ", as requested; the changes between waves: see *Before and after*")
                  for lang_ in ("zh", "en")}
elif several_waves:
    since_previous = {"zh": "，并给出与上一期相比的变化" if view.has_change else "",
                      "en": ", with the change from the previous wave" if view.has_change else ""}
    wave_scope = {"zh": f"。关键数字、服务差距、KANO 与改进计划：{view.describe('zh', md)}{since_previous['zh']}；其余各节合并全部 "
                        f"{len(view.waves)} 期（{sample_words(survey)['zh']}），“前后对比”逐期比较",
                  "en": f". Key figures, service gaps, KANO and the plan: {view.describe('en', md)}{since_previous['en']}; "
                        f"the other sections use all {len(view.waves)} waves together ({sample_words(survey)['en']}), and "
                        "*Before and after* compares them"}
say(lang,
    zh=f"# {md(title)}{f'：{group_name}' if group_name else ''}\n\n"
       f"**范围**：{'；'.join(restricted) if restricted else '全部数据'}。样本 {sample_words(survey)['zh']}"
       f"{f'（另有 {excluded} 行因数据错误被排除）' if excluded else ''}{wave_scope['zh']}；"
       f"少于 {min_group_size} 位受访者的组不单独显示，为防止通过相减反推出它们而隐藏的组也不显示（本批报告统一审核）。" + (f"{group_name}的数字与全组织（同一期）对照。" if group_name else ""),
    en=f"# {md(title)}{f': {group_name}' if group_name else ''}\n\n"
       f"**Scope**: {'; '.join(restricted) if restricted else 'all data'}. {sample_words(survey)['en']}"
       f"{f' ({excluded} rows with invalid data excluded)' if excluded else ''}{wave_scope['en']}; "
       f"groups of fewer than {min_group_size} respondents are not shown, nor are groups hidden to protect them against "
       "differencing (one audit for the whole batch)."
       + (f" {group_name}'s figures are compared with the whole organisation's (same wave)." if group_name else ""))
say(lang, zh=f"问卷：{md(info.describe('zh'))}。", en=f"Questionnaire: {md(info.describe('en'))}.")  # names the dimensions

# %%
nps_columns = book.items("nps")
wave_column = survey.wave_column()
invariant = None  # may the waves' scale means be compared? (scalar invariance, library rule; tested once, shown in "Before and after")
if info.supports("trend") and info.has_perceptions:
    wave_model = {name: book.servqual_model("P")[name] for name in info.cfa_dimensions}
    invariant = check_invariance(survey.servqual("P").assign(**{wave_column: survey.data[wave_column]}), wave_model,
                                 wave_column, kl.ScaleCutoffs())


def key_figures(rows) -> dict:
    """The key figures of ``rows``: the report's wave, or the whole organisation's."""
    confidence = 1 - alpha_level
    answers = rows.data[nps_columns[0]].dropna() if info.has_nps else pd.Series(dtype=float)
    return {"gaps": kl.servqual_gaps(rows, min_group_size=min_group_size, confidence=confidence) if info.has_gaps else None,
            "scores": kl.perception_scores(rows, min_group_size=min_group_size, confidence=confidence) if info.has_perceptions else None,
            "nps": kl.nps(answers, confidence=confidence) if len(answers) else None,
            "csi": kl.csi(rows, min_group_size=min_group_size).csi if info.supports("csi") else None,
            "overall": mean_interval(rows.data[book.items("overall")[0]], confidence) if info.has_overall else None}


figures = dict.fromkeys(["gaps", "scores", "nps", "csi", "overall"]) if view.withheld else key_figures(current)
compared = (key_figures(organisation.survey) if organisation is not None and not (organisation.withheld or view.withheld)
            else None)
gaps, scores, nps_result, csi_value, satisfaction = (figures[name] for name in ("gaps", "scores", "nps", "csi", "overall"))
focus_result = gaps if gaps is not None else scores  # gaps (P − E), or perceptions only (SERVPERF)
target = kl.largest_gap(focus_result) if focus_result is not None else None
worst, worst_key = (target.label(lang), target.dimension) if target else (None, None)
worst_md = md(worst) if target else None  # as written into say() texts
measure = "gap" if gaps is not None else "mean"
dimensions = focus_result.dimensions.assign(label=focus_result.dimensions[f"label_{lang}"]).set_index("label") if target else None
overall = focus_result.overall.set_index("score")[measure] if target else None
compared_focus = (compared["gaps"] if gaps is not None else compared["scores"]) if compared and target else None
compared_dimensions = compared_focus.dimensions.set_index("dimension")[measure] if compared_focus is not None else None
compared_overall = compared_focus.overall.set_index("score")[measure] if compared_focus is not None else None
low, high = info.scale or (None, None)
headline_changes = {}  # (measure, dimension) -> HeadlineChange, for the plan and the index


def versus(value, digits: int = 2, signed: bool = False) -> str:
    """'; organisation −0.80' after a group's figure ('' in a report on everyone)."""
    if compared is None or value is None or pd.isna(value):
        return ""
    number = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return pick(lang, f"；全组织 {number}", f"; organisation {number}")


def since(kind: str, dimension=None, digits: int = 2) -> str:
    """'; change since <previous wave> …' with its interval, test and invariance verdict ('' without a previous wave)."""
    if not view.has_change:
        return ""
    change = headline_changes[(kind, dimension)] = headline_change(view, kind, dimension, 1 - alpha_level, invariant)
    return pick(lang, "；", "; ") + change.words(lang, digits, md)


lines_zh, lines_en = [], []
if view.note(lang):
    lines_zh.append(view.note("zh", md))
    lines_en.append(view.note("en", md))
if gaps is not None:
    lines_zh += [f"- 服务质量总差距（P − E）：**{overall['unweighted']:.2f}**"
                 + (f"，按重要性加权 **{overall['weighted']:.2f}**" if "weighted" in overall else "")
                 + versus(compared_overall["unweighted"] if compared_focus is not None else None) + since("gap"),
                 f"- 差距最大的维度：**{worst_md}**（{dimensions.at[worst, 'gap']:.2f}）"
                 + versus(compared_dimensions[worst_key] if compared_focus is not None else None) + since("gap", worst_key)]
    lines_en += [f"- Overall service-quality gap (P − E): **{overall['unweighted']:.2f}**"
                 + (f", importance-weighted **{overall['weighted']:.2f}**" if "weighted" in overall else "")
                 + versus(compared_overall["unweighted"] if compared_focus is not None else None) + since("gap"),
                 f"- Largest gap: **{worst_md}** ({dimensions.at[worst, 'gap']:.2f})"
                 + versus(compared_dimensions[worst_key] if compared_focus is not None else None) + since("gap", worst_key)]
elif target:
    lines_zh += [f"- 总体感知得分（{low:g}–{high:g} 分）：**{overall['unweighted']:.2f}**"
                 + (f"，按重要性加权 **{overall['weighted']:.2f}**" if "weighted" in overall else "")
                 + versus(compared_overall["unweighted"] if compared_focus is not None else None) + since("perception"),
                 f"- 感知得分最低的维度：**{worst_md}**（{dimensions.at[worst, 'mean']:.2f}）"
                 + versus(compared_dimensions[worst_key] if compared_focus is not None else None) + since("perception", worst_key)]
    lines_en += [f"- Overall perception score ({low:g}–{high:g}): **{overall['unweighted']:.2f}**"
                 + (f", importance-weighted **{overall['weighted']:.2f}**" if "weighted" in overall else "")
                 + versus(compared_overall["unweighted"] if compared_focus is not None else None) + since("perception"),
                 f"- Lowest-rated dimension: **{worst_md}** ({dimensions.at[worst, 'mean']:.2f})"
                 + versus(compared_dimensions[worst_key] if compared_focus is not None else None) + since("perception", worst_key)]
if nps_result:
    nps_after = versus(compared["nps"].nps if compared and compared["nps"] else None, 0, signed=True) + since("nps", digits=1)
    lines_zh.append(f"- NPS：**{nps_result.nps:+.0f}**（{1 - alpha_level:.0%} 置信区间 {nps_result.ci_low:+.0f} ~ {nps_result.ci_high:+.0f}，"
                    f"n = {format_count(nps_result.n)}）{nps_after}")
    lines_en.append(f"- NPS: **{nps_result.nps:+.0f}** ({1 - alpha_level:.0%} CI {nps_result.ci_low:+.0f} to {nps_result.ci_high:+.0f}, "
                    f"n = {format_count(nps_result.n)}){nps_after}")
elif not info.has_nps:
    lines_zh.append("- NPS：问卷中没有推荐意愿题")
    lines_en.append("- NPS: the questionnaire has no recommendation question")
if satisfaction:
    scale = book.columns[book.items("overall")[0]]
    satisfaction_after = versus(compared["overall"].mean if compared else None) + since("overall")
    lines_zh.append(f"- 总体满意度（{scale.scale_min:g}–{scale.scale_max:g} 分）：**{satisfaction.mean:.2f}**"
                    f"（{1 - alpha_level:.0%} 置信区间 {satisfaction.ci_low:.2f} ~ {satisfaction.ci_high:.2f}，n = {format_count(satisfaction.n)}）"
                    f"{satisfaction_after}")
    lines_en.append(f"- Overall satisfaction ({scale.scale_min:g}–{scale.scale_max:g}): **{satisfaction.mean:.2f}** "
                    f"({1 - alpha_level:.0%} CI {satisfaction.ci_low:.2f} to {satisfaction.ci_high:.2f}, n = {format_count(satisfaction.n)})"
                    f"{satisfaction_after}")
if csi_value is not None and not pd.isna(csi_value):
    csi_after = versus(compared["csi"] if compared else None, 1) + since("csi", digits=1)
    lines_zh.append(f"- CSI 满意度指数：**{csi_value:.1f}** / 100{csi_after}")
    lines_en.append(f"- CSI: **{csi_value:.1f}** / 100{csi_after}")
summary_keys = {("gap", worst_key): "largest_gap", ("perception", worst_key): "lowest_perception", ("gap", None): "overall_gap",
                ("perception", None): "overall_perception", ("nps", None): "nps", ("overall", None): "overall_satisfaction",
                ("csi", None): "csi"}  # headline change -> its name in the index summary
change_summary = {summary_keys[key]: {field: getattr(change, field) for field in
                                      ("before", "after", "diff", "ci_low", "ci_high", "p", "significant", "means_comparable")}
                  for key, change in headline_changes.items()}
organisation_summary = None if compared is None else {
    "csi": compared["csi"], "nps": compared["nps"].nps if compared["nps"] else None,
    "overall_satisfaction": compared["overall"].mean if compared["overall"] else None,
    ("overall_gap" if gaps is not None else "overall_perception"):
        float(compared_overall["unweighted"]) if compared_focus is not None else None,
    ("largest_gap" if gaps is not None else "lowest_perception"):  # the organisation's score on the group's worst dimension
        float(compared_dimensions[worst_key]) if compared_focus is not None else None}
heading = {"zh": "## 关键数字" + (f"：{group_name}" if group_name else "") + (f"——{view.describe('zh', md)}" if several_waves else ""),
           "en": "## Key figures" + (f": {group_name}" if group_name else "") + (f" — {view.describe('en', md)}" if several_waves else "")}
say(lang, zh=heading["zh"] + "\n\n" + "\n".join(lines_zh), en=heading["en"] + "\n\n" + "\n".join(lines_en))

# %%
cutoffs = kl.ScaleCutoffs()
say(lang,
    zh="## 量表可信吗？\n\n只有量表可靠，下面的分数才值得解读。标准：每个维度 Cronbach's α ≥ "
       f"{cutoffs.alpha:.2f}；条目的校正后条目—总分相关 r_drop ≥ {cutoffs.r_drop:.2f}；验证性因子分析（CFA，至少 3 个条目的维度）"
       f"CFI ≥ {cutoffs.cfi:.2f}、TLI ≥ {cutoffs.tli:.2f}、RMSEA ≤ {cutoffs.rmsea:.2f}、SRMR ≤ {cutoffs.srmr:.2f}"
       "（Hu & Bentler, 1999, *Structural Equation Modeling* 6(1), 1–55）。",
    en="## Can we trust the scales?\n\nThe scores below are worth reading only if the scales hold up. Cut-offs: Cronbach's α ≥ "
       f"{cutoffs.alpha:.2f} per dimension; corrected item-total correlation r_drop ≥ {cutoffs.r_drop:.2f} per item; "
       f"confirmatory factor analysis (CFA, dimensions of at least three items) CFI ≥ {cutoffs.cfi:.2f}, TLI ≥ {cutoffs.tli:.2f}, "
       f"RMSEA ≤ {cutoffs.rmsea:.2f}, SRMR ≤ {cutoffs.srmr:.2f} "
       "(Hu & Bentler, 1999, *Structural Equation Modeling* 6(1), 1–55).")

# %%
check = None
if available(info, "reliability", lang):
    perceptions = survey.servqual("P")
    scaled = {name: book.servqual_model("P")[name] for name in info.scaled_dimensions}
    model = {name: scaled[name] for name in info.cfa_dimensions}
    for line in info.scale_notes(lang):  # plain sentences that name dimensions
        say(lang, zh=md(line), en=md(line))
    if available(info, "cfa", lang):
        estimator = choose_estimator(book, model, requested=cfa_estimator)  # WLSMV for ≤ 5 answer points (library rule)
        check = kl.check_scales(perceptions, model, cutoffs, confidence=1 - alpha_level, estimator=estimator)
    else:
        alphas = kl.reliability(perceptions, scaled, ci=1 - alpha_level)
        display(pd.DataFrame({"α": alphas["alpha"], "ω": alphas["omega_total"], "n": alphas["n"]})
                .rename(index=lambda name: book.label(name, lang)).rename_axis(None)
                .style.format({"α": "{:.2f}", "ω": "{:.2f}", "n": "{:.0f}"}))
        low_alpha = [book.label(name, lang) for name in alphas.index[alphas["alpha"] < cutoffs.alpha]]
        say(lang,
            zh=f"α 在 {alphas['alpha'].min():.2f}–{alphas['alpha'].max():.2f} 之间"
               + (f"（低于 {cutoffs.alpha:.2f}：{md_join(low_alpha)}）。" if low_alpha else f"，全部 ≥ {cutoffs.alpha:.2f}。"),
            en=f"Alpha ranges {alphas['alpha'].min():.2f}–{alphas['alpha'].max():.2f}"
               + (f" (below {cutoffs.alpha:.2f}: {md_join(low_alpha)})." if low_alpha else f", all ≥ {cutoffs.alpha:.2f}."))
if check is None:
    pass
elif check.verdict == "not_checked":
    say(lang,
        zh=f"只有 {check.n_complete} 份完整的感知题答卷（至少需要 {cutoffs.min_n_cfa} 份），本报告不检验量表；请以全部数据的报告为准。",
        en=f"Only {check.n_complete} complete sets of perception answers (at least {cutoffs.min_n_cfa} needed), so this report does not "
           "check the scales; rely on the report of all data.")
else:
    reliability, fit, items = check.reliability, check.fit_values, check.items  # fit: the indices the cut-offs judged
    say(lang, zh=check.choice.explain("zh"), en=check.choice.explain("en"))
    shown = pd.DataFrame({"α": reliability["alpha"], "ω": reliability["omega_total"], "n": reliability["n"]})
    if check.ordinal_reliability is not None:
        ordinal_names = {"ordinal_alpha": pick(lang, "有序 α", "ordinal α"), "ordinal_omega_total": pick(lang, "有序 ω", "ordinal ω")}
        shown = shown.join(check.ordinal_reliability[list(ordinal_names)].rename(columns=ordinal_names))[
            ["α", *ordinal_names.values(), "ω", "n"]]
    display(shown.rename(index=lambda name: book.label(name, lang)).rename_axis(None)
            .style.format({column: "{:.2f}" for column in shown.columns if column != "n"} | {"n": "{:.0f}"}))
    display(fit[["cfi", "tli", "rmsea", "srmr"]].astype(float).rename(str.upper)
            .to_frame(pick(lang, f"CFA 拟合（{check.estimator}）", f"CFA fit ({check.estimator})")).T
            .assign(n=int(fit["n"])).style.format("{:.3f}", subset=["CFI", "TLI", "RMSEA", "SRMR"]))
    low_alpha = [book.label(name, lang) for name in check.low_alpha]
    failed = check.failed_fit
    weakest = check.weak_items[0] if check.weak_items else check.weakest_item
    weak_row = items.loc[weakest]
    weak_dimension = book.label(weak_row["dimension"], lang)
    weak_alpha = weak_row["alpha"]
    is_weak = bool(weak_row["weak"])
    verdicts = {"trust": pick(lang, "量表可信", "the scales can be trusted"),
                "weak_item": pick(lang, "量表整体可信，但有弱条目", "the scales can be trusted, apart from weak items"),
                "use_with_care": pick(lang, "量表需谨慎使用", "use the scales with care")}
    say(lang,
        zh=f"**结论：{verdicts[check.verdict]}。** α 在 {reliability['alpha'].min():.2f}–{reliability['alpha'].max():.2f} 之间"
           + (f"（低于 {cutoffs.alpha:.2f}：{md_join(low_alpha)}）" if low_alpha else f"，全部 ≥ {cutoffs.alpha:.2f}")
           + (f"（有序 α {check.ordinal_reliability['ordinal_alpha'].min():.2f}–{check.ordinal_reliability['ordinal_alpha'].max():.2f}）"
              if check.ordinal_reliability is not None else "")
           + f"；CFA（{check.estimator}{'，校正指数' if check.estimator == 'WLSMV' else ''}）："
             f"CFI = {fit['cfi']:.3f}，TLI = {fit['tli']:.3f}，RMSEA = {fit['rmsea']:.3f}，SRMR = {fit['srmr']:.3f}，"
           + ("四项全部达标。" if not failed else f"未达标：{join.join(failed)}。")
           + f"最弱的条目是 **{item_md(weakest, 'zh')}**（{md(book.label(weakest, 'zh'))}，{md(weak_dimension)}）：r_drop = {weak_row['r_drop']:.2f}"
           + (f"；去掉它，{md(weak_dimension)}的 α 将从 {weak_alpha:.2f} 变为 {weak_row['alpha_if_deleted']:.2f}。"
              f"解读{md(weak_dimension)}时要谨慎，下次调查前改写该题。" if is_weak else f"，仍达到 {cutoffs.r_drop:.2f}，无需处理。"),
        en=f"**Verdict: {verdicts[check.verdict]}.** Alpha ranges {reliability['alpha'].min():.2f}–{reliability['alpha'].max():.2f}"
           + (f" (below {cutoffs.alpha:.2f}: {md_join(low_alpha)})" if low_alpha else f", all ≥ {cutoffs.alpha:.2f}")
           + (f" (ordinal alpha {check.ordinal_reliability['ordinal_alpha'].min():.2f}–{check.ordinal_reliability['ordinal_alpha'].max():.2f})"
              if check.ordinal_reliability is not None else "")
           + f"; CFA ({check.estimator}{', scaled indices' if check.estimator == 'WLSMV' else ''}): "
             f"CFI = {fit['cfi']:.3f}, TLI = {fit['tli']:.3f}, RMSEA = {fit['rmsea']:.3f}, SRMR = {fit['srmr']:.3f}, "
           + ("all four meet their cut-offs. " if not failed else f"not met: {join.join(failed)}. ")
           + f"The weakest item is **{item_md(weakest, 'en')}** ({md(book.label(weakest, 'en'))}, {md(weak_dimension)}): r_drop = {weak_row['r_drop']:.2f}"
           + (f"; without it the alpha of {md(weak_dimension)} would go from {weak_alpha:.2f} to "
              f"{weak_row['alpha_if_deleted']:.2f}. Read {md(weak_dimension)} with care and reword the item before the next survey."
              if is_weak else f", still at least {cutoffs.r_drop:.2f}: no action needed."))
    if check.estimator != "ML":  # what a reader used to ML would have seen
        continuous = kl.cfa(perceptions, model).fit
        say(lang,
            zh=f"作为对照，把答案当作连续变量（ML）拟合同一模型：CFI = {continuous['cfi']:.3f}，TLI = {continuous['tli']:.3f}，"
               f"RMSEA = {continuous['rmsea']:.3f}，SRMR = {continuous['srmr']:.3f}。",
            en=f"For comparison, the same model fitted as if the answers were continuous (ML): CFI = {continuous['cfi']:.3f}, "
               f"TLI = {continuous['tli']:.3f}, RMSEA = {continuous['rmsea']:.3f}, SRMR = {continuous['srmr']:.3f}.")

# %%
if gaps is not None:
    say(lang, zh="## 服务差距", en="## Service gaps")
    kl.plot.gap_bars(gaps, lang=lang)
    plt.show()
    shortfalls = dimensions[(dimensions["p"] < alpha_level) & (dimensions["gap"] < 0)]
    say(lang,
        zh=f"{len(shortfalls)} / {len(dimensions)} 个维度显著低于期望（α = {alpha_level}）。最需改进：**{worst_md}**。",
        en=f"{len(shortfalls)} of {len(dimensions)} dimensions fall significantly short of expectations (α = {alpha_level}). "
           f"Most in need of improvement: **{worst_md}**.")
elif available(info, "gaps", lang) or target is None:
    pass
else:
    say(lang, zh="## 感知得分", en="## Perception scores")
    kl.plot.perception_bars(scores, lang=lang)
    plt.show()
    best = dimensions["mean"].idxmax()
    say(lang,
        zh=f"感知得分最低的维度：**{worst_md}**（{dimensions.at[worst, 'mean']:.2f}，{1 - alpha_level:.0%} 置信区间 "
           f"{dimensions.at[worst, 'ci_low']:.2f} ~ {dimensions.at[worst, 'ci_high']:.2f}），最高：**{md(best)}**（{dimensions.at[best, 'mean']:.2f}）；"
           f"量表 {low:g}–{high:g} 分。最需改进：**{worst_md}**。",
        en=f"Lowest-rated dimension: **{worst_md}** ({dimensions.at[worst, 'mean']:.2f}, {1 - alpha_level:.0%} CI "
           f"{dimensions.at[worst, 'ci_low']:.2f} to {dimensions.at[worst, 'ci_high']:.2f}); highest: **{md(best)}** "
           f"({dimensions.at[best, 'mean']:.2f}); scale {low:g}–{high:g}. Most in need of improvement: **{worst_md}**.")

# %%
compare = "department" if provider or not department else "provider"
if target is None or compare not in survey.data:
    by_group = pd.DataFrame({compare: []})
elif gaps is not None:
    by_group = visible(kl.servqual_gaps(survey, by=compare, min_group_size=min_group_size).dimensions)
else:
    by_group = visible(kl.perception_scores(survey, by=compare, min_group_size=min_group_size).dimensions)
if target is None:
    pass
elif by_group.empty or by_group[compare].nunique() < 2:
    say(lang, zh="可比较的组不足两个，略去分组比较。", en="Fewer than two groups can be shown, so there is no group comparison.")
else:
    grid = dimension_grid(by_group, compare, measure, book, lang).rename_axis(index=scope_text[compare])
    if gaps is not None:
        limit = grid.abs().max().max()
        say(lang, zh=f"### 各{scope_text[compare]}的差距（P − E）", en=f"### Gap (P − E) by {scope_text[compare]}")
        display(grid.style.format("{:.2f}").background_gradient(cmap="RdBu", vmin=-limit, vmax=limit, axis=None))
    else:
        say(lang, zh=f"### 各{scope_text[compare]}的感知得分", en=f"### Perception score by {scope_text[compare]}")
        display(grid.style.format("{:.2f}").background_gradient(cmap="RdBu", vmin=low, vmax=high, axis=None))
    weakest_pair, weakest_value = kl.weakest_cell(grid)
    say(lang,
        zh=f"最弱的组合：**{md(weakest_pair[0])}** 的 **{md(weakest_pair[1])}**（{weakest_value:.2f}）。",
        en=f"Weakest combination: **{md(weakest_pair[0])}** on **{md(weakest_pair[1])}** ({weakest_value:.2f}).")

# %%
focus = []
if target is not None and available(info, "ipa", lang):
    grid_result = kl.ipa(survey, importance=info.ipa_importance, min_group_size=min_group_size)
    say(lang, zh="### 重点改进在哪里？（IPA）", en="### Where to concentrate (IPA)")
    kl.plot.ipa_grid(grid_result, lang=lang)
    plt.show()
    if not grid_result.suppressed:
        quadrants = grid_result.table.set_index("unit")
        focus = [book.label(name, lang) for name in quadrants.index[quadrants["quadrant"] == "concentrate"]]
        keep_up = [book.label(name, lang) for name in quadrants.index[quadrants["quadrant"] == "keep_up"]]
        say(lang,
            zh=f"落在“重点改进”象限（重要性高于平均、表现低于平均）的维度：**{md_join(focus) or '无'}**；"
               f"“继续保持”：{md_join(keep_up) or '无'}。"
               f"（重要性：{'受访者的 100 分分配' if grid_result.importance_kind == 'stated' else '与总体满意度的相关'}。）",
            en=f"In the *concentrate here* quadrant (above-average importance, below-average performance): **{md_join(focus) or 'none'}**; "
               f"*keep up the good work*: {md_join(keep_up) or 'none'}. "
               f"(Importance: {'the respondents’ 100-point allocation' if grid_result.importance_kind == 'stated' else 'correlation with overall satisfaction'}.)")

# %%
outcomes = {name: words for name, words, present in
            (("overall", {"zh": "总体满意度", "en": "overall satisfaction"}, info.has_overall),
             ("nps", {"zh": "推荐意愿（NPS）", "en": "the likelihood to recommend, NPS"}, info.has_nps)) if present}
if target is not None and len(info.dimensions) >= 2 and outcomes and len(survey) >= min_group_size:
    say(lang, zh="### 什么最能带动满意度？（关键驱动分析）", en="### What drives satisfaction? (key drivers)")
    predictors = {name: book.servqual_model("P")[name] for name in info.dimensions}
    ran = set()
    for outcome, words in outcomes.items():
        try:
            key = kl.drivers(survey, outcome, predictors, method=driver_method(len(predictors)), n_boot=n_boot,
                             confidence=1 - alpha_level)
        except kl.AnalysisInputError:
            say(lang, zh=f"*{words['zh']}的关键驱动分析无法进行（完整答卷太少或维度得分共线）。*",
                en=f"*No key-driver analysis of {words['en']}: too few complete answers, or collinear dimension scores.*")
            continue
        say(lang, **driver_words(key, words, labels_md))
        ran.add(outcome)
    if "overall" in ran and info.supports("ipa") and not grid_result.suppressed:
        importance = driver_importance(survey, "overall", method=driver_method(len(predictors)), n_boot=n_boot,
                                       confidence=1 - alpha_level, min_group_size=min_group_size)
        driver_grid = uncertain_quadrants(grid_result, importance)
        say(lang, **driver_ipa_words(driver_grid, labels_md, outcomes["overall"]))

# %%
from dataclasses import replace

if not provider and not department and info.matrix_value:
    matrix = kl.provider_matrix(survey, value=info.matrix_value, min_group_size=min_group_size)
    shown_matrix = replace(matrix, cells=matrix.cells[~matrix.cells["suppressed"].astype(bool)])  # audited cells only
    hidden = {reason: survey.disclosure.withheld("provider", survey.scope)[reason] + survey.disclosure.withheld("department", survey.scope)[reason]
              for reason in ("small", "protection")}
    table = shown_matrix.values
    if table.notna().any().any() and min(table.shape) >= 2:
        say(lang, zh="### 谁对谁不满意？", en="### Who is dissatisfied with whom?")
        kl.plot.provider_heatmap(shown_matrix, lang=lang)
        plt.show()
        pair, pair_gap = kl.weakest_cell(table)
        row_name, column_name = book.value_label("provider", pair[0], lang), book.value_label("department", pair[1], lang)
        grey = bool(table.isna().any().any())
        left_out = withheld_note(hidden, min_group_size)
        lowest_zh = "差距最大的组合" if matrix.value == "gap" else f"{matrix.label_zh}最低的组合"
        lowest_en = "The largest gap is" if matrix.value == "gap" else f"The lowest {matrix.label_en.lower()} is"
        say(lang,
            zh=f"{lowest_zh}：**{md(column_name)}** 对 **{md(row_name)}**（{table.loc[pair]:.2f}；所有显示组合的平均为 "
               f"{table.stack().mean():.2f}）。{left_out['zh']}" + ("灰色格子：该组合人数太少或为保护其他组而隐藏。" if grey else ""),
            en=f"{lowest_en} between **{md(column_name)}** and its provider **{md(row_name)}** ({pair_gap:.2f}; mean of all shown "
               f"pairs {table.stack().mean():.2f}).{left_out['en']}"
               + (" Grey cells: too few respondents, or hidden to protect another group." if grey else ""))

# %%
nps_by = "department" if provider else "provider"
if info.has_nps and nps_by in survey.data:
    all_groups = kl.nps_table(survey, by=nps_by, min_group_size=min_group_size, confidence=1 - alpha_level)
    nps_groups = visible(all_groups).sort_values("nps")
    if len(nps_groups) >= 2:
        say(lang, zh=f"## 各{scope_text[nps_by]}的 NPS", en=f"## NPS by {scope_text[nps_by]}")
        kl.plot.nps_bar(nps_groups, lang=lang)
        plt.show()
        low, high = nps_groups.iloc[0], nps_groups.iloc[-1]
        name = f"{nps_by}_label_{lang}"
        overlap = low["ci_high"] >= high["ci_low"]
        left_out = withheld_note(suppression_counts(all_groups, nps_by), min_group_size)
        say(lang,
            zh=f"NPS 最低：**{md(low[name])}**（{low['nps']:+.0f}），最高：**{md(high[name])}**（{high['nps']:+.0f}）；"
               + ("两者的置信区间重叠，差异可能只是抽样波动。" if overlap else "两者的置信区间不重叠，差异可信。")
               + left_out["zh"],
            en=f"Lowest NPS: **{md(low[name])}** ({low['nps']:+.0f}); highest: **{md(high[name])}** ({high['nps']:+.0f}); "
               + ("their confidence intervals overlap, so the difference may be sampling noise." if overlap
                  else "their confidence intervals do not overlap, so the difference is real.")
               + left_out["en"])

# %%
kano = None  # of the wave the plan is for
if available(info, "kano", lang):
    kano = kl.kano_table(current, min_group_size=min_group_size) if not view.withheld else None
    shown_kano = visible(kano) if kano is not None else pd.DataFrame()
    say(lang, zh="## KANO 功能" + (f"——{view.describe('zh', md)}" if several_waves else ""),
        en="## KANO features" + (f" — {view.describe('en', md)}" if several_waves else ""))
    if view.withheld:
        say(lang, zh=view.note("zh", md), en=view.note("en", md))
    elif shown_kano.empty:
        say(lang, zh=f"样本少于 {min_group_size} 人，KANO 结果不予显示。", en=f"Fewer than {min_group_size} respondents: KANO results are not shown.")
    else:
        kl.plot.kano_map(kano, lang=lang)
        plt.show()
        ranked = kano_priorities(kano)  # must-be, one-dimensional, attractive, reverse: the order to act on them (library rule)
        ranked = ranked.assign(label=ranked[f"label_{lang}"])
        must, one_dimensional, attractive, reverse = (ranked[ranked["category"] == category] for category in ("M", "O", "A", "R"))
        say(lang,
            zh=f"- 必备型（先保证零失误）：{join.join(f'{md(row.label)}（|Worse| = {-row.worse:.2f}）' for row in must.itertuples()) or '无'}\n"
               f"- 一维型（做得越好越满意，必备型之后改进）：{join.join(f'{md(row.label)}（Better = {row.better:.2f}，|Worse| = {-row.worse:.2f}）' for row in one_dimensional.itertuples()) or '无'}\n"
               f"- 魅力型（必备型稳定后再投入）：{md_join(attractive['label']) or '无'}\n"
               f"- 反向型（停止或改为可选）：{md_join(reverse['label']) or '无'}\n\n"
               + (f"必备型功能缺了会引起不满、做好了也不会被夸奖：**{md(must.iloc[0]['label'])}** 缺失时最伤满意度。"
                  "问卷问的是“有/没有它时的感受”，并不说明它现在是否已经做到——请逐项核实这些必备型功能目前是否达标。"
                  if len(must) else "没有必备型功能。"),
            en=f"- Must-be (secure first): {join.join(f'{md(row.label)} (|Worse| = {-row.worse:.2f})' for row in must.itertuples()) or 'none'}\n"
               f"- One-dimensional (the better, the more satisfied; improve after the must-bes): "
               f"{join.join(f'{md(row.label)} (Better = {row.better:.2f}, |Worse| = {-row.worse:.2f})' for row in one_dimensional.itertuples()) or 'none'}\n"
               f"- Attractive (invest once the must-bes are secure): {md_join(attractive['label']) or 'none'}\n"
               f"- Reverse (stop or make optional): {md_join(reverse['label']) or 'none'}\n\n"
               + (f"Must-be features cause dissatisfaction when missing and earn no praise when present: the absence of "
                  f"**{md(must.iloc[0]['label'])}** hurts most. The survey asks how receivers would feel with or without each feature, "
                  "not whether it is delivered today, so check each must-be feature against its current service level."
                  if len(must) else "There is no must-be feature."))

# %%
if info.has_perceptions and survey.self_assessment is not None and not survey.self_assessment.empty:
    self_view = visible(kl.self_view_gap(survey, min_group_size=min_group_size, confidence=1 - alpha_level))
    if not self_view.empty:
        by_dimension = self_view.groupby(f"label_{lang}")["self_view_gap"].mean().sort_values()
        say(lang,
            zh=f"## 自我评价\n\n服务部门自评平均比内部客户的评价高 **{-self_view['self_view_gap'].mean():.2f}** 分；"
               f"盲点最大的维度：**{md(by_dimension.index[0])}**（{by_dimension.iloc[0]:.2f}）。",
            en=f"## Self-view\n\nProviders rate themselves **{-self_view['self_view_gap'].mean():.2f}** points higher than their receivers do; "
               f"largest blind spot: **{md(by_dimension.index[0])}** ({by_dimension.iloc[0]:.2f}).")

# %%
wave_column = survey.wave_column()
changes = None
if available(info, "trend", lang):
    trend_result = kl.trend(survey, min_group_size=min_group_size, confidence=1 - alpha_level)
    changes = visible(trend_result.changes).set_index("measure")
    first, last = (book.value_label(wave_column, name, lang) for name in (trend_result.waves[0], trend_result.waves[-1]))
    say(lang, zh=f"## 前后对比（{md(first)} → {md(last)}）", en=f"## Before and after ({md(first)} → {md(last)})")
    if info.has_perceptions:  # may the waves' means be compared? (scalar invariance, library rule; tested with the key figures)
        say(lang, **invariance_words(invariant, labels_md, wave_column))
    else:
        say(lang, zh=InvarianceCheck(None, "no_perceptions", {}).note("zh"), en=InvarianceCheck(None, "no_perceptions", {}).note("en"))
    kl.plot.trend_chart(trend_result, lang=lang)
    plt.show()
    change_class = kl.classify_changes(changes)
    improved = changes[change_class == "improved"]
    worsened = changes[change_class == "declined"]
    steady = changes[change_class == "steady"]

    def listed(rows):
        return join.join(f"{md(row[f'label_{lang}'])} ({row['diff']:+.2f})" if name != "nps" else f"{md(row[f'label_{lang}'])} ({row['diff']:+.0f})"
                         for name, row in rows.iterrows())

    say(lang,
        zh=f"在 α = {alpha_level} 水平上显著提高：**{listed(improved) or '无'}**；显著下降：{listed(worsened) or '无'}；"
           f"无显著变化：{md_join(steady[f'label_{lang}']) or '无'}。（括号内为后一次减前一次。）",
        en=f"Significant improvements at α = {alpha_level}: **{listed(improved) or 'none'}**; significant declines: {listed(worsened) or 'none'}; "
           f"no significant change: {md_join(steady[f'label_{lang}']) or 'none'}. (Brackets: later minus earlier wave.)")

# %%
plan = None  # for the index: the dimension the plan targets
if available(info, "pdca", lang) and target is None:
    say(lang, zh="## 下一步（PDCA）\n\n" + (view.note("zh", md) or "没有可以显示的维度得分，无法给出改进计划。"),
        en="## What to do next (PDCA)\n\n" + (view.note("en", md) or "No dimension score can be shown, so there is no plan."))
elif info.supports("pdca"):
    is_gap = target.measure == "gap"
    kind = "gap" if is_gap else "perception"
    change_view = latest_wave(survey, min_group_size=min_group_size) if view.pooled else view  # pooled levels, latest changes
    plan_changes = wave_changes(change_view, kind, 1 - alpha_level, invariant) if change_view.has_change else None
    plan = kl.improvement_plan(focus_result, kano if info.has_kano else None, plan_changes)  # plan_target: the library's rule
    goal = plan.target
    goal_md = md(goal.label(lang))
    values = focus_result.dimensions.set_index("dimension")[measure]
    must_names = list(plan.must_be[f"label_{lang}"][:3])
    for_whom = {"zh": f"（{group_name}）" if group_name else "", "en": f" for {group_name}" if group_name else ""}
    goal_versus = versus(compared_dimensions[goal.dimension] if compared_focus is not None else None)
    kpis = [pick(lang, f"{goal_md}差距（{goal.gap:.2f}）", f"{goal_md} gap ({goal.gap:.2f})") if is_gap
            else pick(lang, f"{goal_md}感知得分（{goal.gap:.2f}）", f"{goal_md} perception score ({goal.gap:.2f})")]
    kpis += [pick(lang, f"NPS（{nps_result.nps:+.0f}）", f"NPS ({nps_result.nps:+.0f})")] if nps_result else []
    kpis += [pick(lang, f"CSI（{csi_value:.1f}）", f"CSI ({csi_value:.1f})")] if csi_value is not None and not pd.isna(csi_value) else []
    passed = [(md(book.label(name, lang)), values[name], plan_changes.set_index("measure").at[name, "diff"]) for name in plan.passed_over]
    passed_zh = ("" if not passed else "。" + join.join(f"**{name}**（{value:.2f}，变化 {diff:+.2f}）" for name, value, diff in passed)
                 + ("的差距更大" if is_gap else "的得分更低") + "，但已显著改善：保持其做法（见“处理”），不作为本轮目标")
    passed_en = ("" if not passed else ". " + join.join(f"**{name}** ({value:.2f}, change {diff:+.2f})" for name, value, diff in passed)
                 + (" has" if len(passed) == 1 else " have") + (" a larger gap" if is_gap else " a lower score")
                 + " but improved significantly: keep what works (see *Act*) rather than target "
                 + ("it" if len(passed) == 1 else "them") + " again")
    if plan_changes is not None:
        goal_change = headline_change(change_view, kind, goal.dimension, 1 - alpha_level, invariant)
        check_zh = f"{goal_md}：{goal_change.words('zh', 2, md)}；复测看它是否改善。"
        check_en = f"{goal_md}: {goal_change.words('en', 2, md)}; the re-survey shows whether it improves."
        better = [book.label(name, lang) for name in plan.standardise]
        rest = [book.label(name, lang) for name in plan.replan]
        act_zh = ((f"把带来显著改善（{md_join(better)}）的做法写入服务标准" if better else "没有维度显著改善")
                  + (f"；{md_join(rest)}回到“计划”。" if rest else "。"))
        act_en = ((f"make the practices behind the significant improvements ({md_join(better)}) standard" if better
                   else "no dimension improved significantly") + (f"; take {md_join(rest)} back to *Plan*." if rest else "."))
    else:
        check_zh = check_en = ""
        act_zh = (f"若复测时{goal_md}的差距显著缩小" if is_gap else f"若复测时{goal_md}的感知得分显著提高") + "，把措施写入服务标准；否则回到“计划”重新分析原因。"
        act_en = (f"if the re-survey shows the {goal_md} gap significantly smaller" if is_gap
                  else f"if the re-survey shows the {goal_md} perception score significantly higher") + \
            ", make the measures standard practice; otherwise go back to *Plan*."
    which_zh = ("差距最大" if is_gap else "感知得分最低") + ("且未在改善" if passed else "")
    which_en = ("the largest gap" if is_gap else "the lowest-rated dimension") + (" that is not improving" if passed else "")
    plan_zh = (f"以{which_zh}的**{goal_md}**（{goal.gap:.2f}{goal_versus}）为改进目标，从其中{'差距最大' if is_gap else '得分最低'}的条目 "
               f"{item_md(goal.item, 'zh')}（{md(goal.item_label_zh)}，{goal.item_gap:.2f}）入手，定出可测量的目标值{passed_zh}")
    plan_en = (f"target {which_en}, **{goal_md}** ({goal.gap:.2f}{goal_versus}); start with its "
               f"{'item of largest gap' if is_gap else 'lowest-rated item'} {item_md(goal.item, 'en')} "
               f"({md(goal.item_label_en)}, {goal.item_gap:.2f}) and set a measurable target{passed_en}")
    say(lang,
        zh="## 下一步（PDCA）\n\n"
           f"1. **计划 Plan**{for_whom['zh']}：{plan_zh}。\n"
           + (f"2. **执行 Do**：逐项核实并保证必备型功能：{md_join(must_names)}。\n" if must_names
              else f"2. **执行 Do**：针对{goal_md}的条目落实改进措施。\n")
           + f"3. **检查 Check**：用同一问卷复测，比较：{join.join(kpis)}。{check_zh}\n"
           f"4. **处理 Act**：{act_zh}",
        en="## What to do next (PDCA)\n\n"
           f"1. **Plan**{for_whom['en']}: {plan_en}.\n"
           + (f"2. **Do**: check and secure the must-be features: {md_join(must_names)}.\n" if must_names
              else f"2. **Do**: carry out the improvements on the {goal_md} items.\n")
           + f"3. **Check**: re-survey with the same questionnaire and compare {join.join(kpis)}. {check_en}\n"
           f"4. **Act**: {act_en[0].upper() + act_en[1:]}")

# %%
from dataclasses import replace as replace_fields
from pathlib import Path

from kitlib.data.cases import case_dir
from kitlib.data.files import read_table
from kitlib.formatting import format_count, format_p
from kitlib.privacy import MIN_COMMENT_GROUP

service_folder = Path(data_path).parent if data_path else case_dir(case)  # ticket log, journey ratings and roster lie beside the survey
hidden_groups = {column: withheld_groups(survey, column, min_group_size) for column in ("provider", "department")
                 if column in survey.data}  # within this report's scope: too small, or hidden so that a small one cannot be worked out
voice_by = "department" if provider else "provider"  # a provider's report compares its receiving departments
group_word = {"provider": pick(lang, "服务部门", "provider"), "department": pick(lang, "业务部门", "department")}


def shown_index(table, column):
    """The rows of ``table`` (indexed by ``column`` values) the report may show."""
    return table[~table.index.astype(str).isin(hidden_groups.get(column, set()))]


def shown_rows(frame, *columns):
    """The rows of ``frame`` whose ``columns`` hold no withheld group."""
    keep = pd.Series(True, index=frame.index)
    for column in columns:
        if column in frame:
            keep &= ~frame[column].astype(str).isin(hidden_groups.get(column, set()))
    return frame[keep]


def group_md(column, value) -> str:
    """A group's label in the reader's language, escaped for say()."""
    return md(book.value_label(column, value, lang))


# %%
comment_columns = book.items("comment")
voice = None
if comment_columns and survey.data[comment_columns[0]].notna().any() and voice_by in survey.data:
    roster_file = service_folder / "roster.csv"  # optional: every name and staff number listed there is masked in quotes
    roster = read_table(roster_file).frame.stack() if roster_file.is_file() else None
    try:
        voice = kl.comment_themes(survey, comment=comment_columns[0], by=[c for c in ("provider", "department") if c in survey.data],
                                  roster=roster, min_n=max(MIN_COMMENT_GROUP, min_group_size))
    except kl.AnalysisInputError:  # no theme dictionary and too few shared words to suggest themes
        say(lang, zh="*意见太少或太短，无法归纳主题；本报告不显示意见主题。*",
            en="*Too few or too short comments to find themes; this report shows no comment themes.*")
if voice is not None and voice.themes:
    theme_names = {theme: spec[lang] for theme, spec in voice.themes.items()}
    voice_counts = shown_index(voice.counts[voice_by], voice_by)
    voice_shares = shown_index(voice.shares[voice_by], voice_by)
    feeling = voice.coded["sentiment"].value_counts(normalize=True)
    say(lang,
        zh=f"## 内部客户之声\n\n开放式意见先遮盖电话、邮箱、证件号、工号和名单上的姓名，再按编码手册的主题词典编码（中文用 rjieba 分词）。"
           f"少于 {voice.min_n} 位作答人的组既不显示主题计数也不显示引语。可显示的意见 **{len(voice.coded)}** 条："
           f"正面 {feeling.get('positive', 0):.0%}、中性 {feeling.get('neutral', 0):.0%}、负面 {feeling.get('negative', 0):.0%}（词典法，含否定与转折）。",
        en=f"## The voice of the internal customer\n\nOpen comments are masked first (phone numbers, e-mail addresses, ID and staff "
           f"numbers, roster names), then coded with the codebook's theme dictionary (Chinese segmented with rjieba). Groups of "
           f"fewer than {voice.min_n} respondents show neither theme counts nor quotes. **{len(voice.coded)}** comments may be shown: "
           f"{feeling.get('positive', 0):.0%} positive, {feeling.get('neutral', 0):.0%} neutral, {feeling.get('negative', 0):.0%} negative "
           "(lexicon method with negation and contrast).")
    if len(voice_shares):
        kl.plot.theme_chart(replace_fields(voice, shares={**voice.shares, voice_by: voice_shares}), voice_by, lang=lang, codebook=book)
        plt.show()
        cells = {theme_names[theme]: [f"{n} ({share:.0%})" for n, share in zip(voice_counts[theme], voice_shares[theme])]
                 for theme in theme_names}
        display(pd.DataFrame({pick(lang, "意见数", "comments"): voice_counts["comments"], **cells,
                              pick(lang, "负面占比", "negative share"): voice_shares["negative_share"].map("{:.0%}".format)},
                             index=voice_counts.index).rename(index=lambda value: book.value_label(voice_by, value, lang))
                .rename_axis(group_word[voice_by]))
        top_themes = voice_shares[list(theme_names)].idxmax(axis=1)
        listed = {language: ("；" if language == "zh" else "; ").join(
            f"{group_md(voice_by, group)}: {md(voice.themes[theme][language])} ({voice_shares.loc[group, theme]:.0%})"
            for group, theme in top_themes.items()) for language in ("zh", "en")}
        say(lang, zh=f"各{group_word[voice_by]}最常被提到的主题：{listed['zh']}。",
            en=f"Most frequent theme per {group_word[voice_by]}: {listed['en']}.")
    else:
        say(lang, zh=f"没有一个{group_word[voice_by]}达到 {voice.min_n} 位作答人，主题计数与引语都不显示。",
            en=f"No {group_word[voice_by]} reaches {voice.min_n} respondents: no theme counts or quotes are shown.")

# %%
if voice is not None and voice.themes and len(voice_shares) and voice.dimensions.shape[1] > 1:
    cross = voice.dimensions.copy()  # theme <-> where its commenters' own largest SERVQUAL gap (P − E) lies
    cross["dimension"] = [book.label(d, lang) if isinstance(d, str) else "" for d in cross["dimension"]]
    display(cross.rename(index=theme_names, columns={d: book.label(d, lang) for d in cross.columns if d != "dimension"})
            .rename(columns={"dimension": pick(lang, "对应维度", "declared dimension")}).rename_axis(pick(lang, "主题", "theme")))
    say(lang,
        zh="上表：每个主题在编码手册中对应的 SERVQUAL 维度，以及提到该主题的人自己差距（P − E）最大的维度的人数——两者一致，说明意见印证了分数。",
        en="Above: each theme's SERVQUAL dimension in the codebook, and how many of its commenters have their own largest gap (P − E) "
           "in each dimension; agreement means the comments corroborate the scores.")

# %%
if voice is not None and voice.themes and len(voice_shares):
    quotes = shown_rows(voice.quotes, "provider", "department")
    if lang == "en":  # quotes in the reader's language (masks such as [电话] aside); the Chinese comments are counted above
        quotes = quotes[~quotes["comment"].str.replace(r"\[[^\]]*\]", "", regex=True).str.contains(r"[\u3400-\u9fff]")]
    quotes = quotes.groupby("theme", sort=False).head(1)
    feelings = {"positive": pick(lang, "正面", "positive"), "neutral": pick(lang, "中性", "neutral"), "negative": pick(lang, "负面", "negative")}
    if len(quotes):
        with pd.option_context("display.max_colwidth", None):  # a quote is shown whole
            display(pd.DataFrame({pick(lang, "主题", "theme"): quotes["theme"].map(theme_names).to_numpy(),
                                  pick(lang, "意见（已遮盖个人信息）", "comment (personal data masked)"): quotes["comment"].to_numpy(),
                                  pick(lang, "情感", "sentiment"): quotes["sentiment"].map(feelings).to_numpy()}))
    say(lang,
        zh=f"代表性引语：每个主题一条关键词最多、情感最明确的意见，只取自至少 {voice.min_n} 位作答人的组，个人信息已遮盖。",
        en=f"Representative quotes: per theme, the comment with most keyword hits and clearest sentiment, only from groups of at least "
           f"{voice.min_n} respondents, personal data masked" + ("." if len(quotes) else " (none written in English)."))

# %%
ticket_file, standards_file = service_folder / "tickets.csv", service_folder / "standards.csv"
service = None
if ticket_file.is_file() and standards_file.is_file():
    tickets = kl.read_tickets(ticket_file)
    if provider:
        tickets = tickets[tickets["provider"] == provider]
    if department and "unit" in tickets:
        tickets = tickets[tickets["unit"] == department]
    tickets = shown_rows(tickets, "provider")
    if len(tickets) >= min_group_size:
        service = kl.sla(tickets, standards_file, confidence=1 - alpha_level, min_n=min_group_size)
if service is not None and len(service.table):
    period = f"{tickets['opened'].min():%Y-%m-%d} – {tickets['opened'].max():%Y-%m-%d}"
    say(lang,
        zh=f"## 服务标准（SLA）\n\n工单记录 {format_count(len(tickets))} 张（{period}），对照按 服务部门 × 类别 × 优先级 规定的响应与解决时限；"
           f"达成率附 {1 - alpha_level:.0%} Wilson 置信区间。" + ("工单记录不分调查波次。" if wave else ""),
        en=f"## Service standards (SLA)\n\n{format_count(len(tickets))} tickets ({period}) against the response and resolution targets set "
           f"per provider × category × priority; attainment with {1 - alpha_level:.0%} Wilson intervals."
           + (" The ticket log is not split by survey wave." if wave else ""))
    kl.plot.sla_bars(service, lang=lang, codebook=book, confidence=1 - alpha_level, min_n=min_group_size)
    plt.show()
    attainment = {standard: [f"{row[f'{standard}_met']:.0%} [{row[f'{standard}_low']:.0%}, {row[f'{standard}_high']:.0%}]"
                             for _, row in service.table.iterrows()] for standard in ("response", "resolution")}
    display(pd.DataFrame({pick(lang, "工单数", "tickets"): service.table["tickets"].map(format_count),
                          pick(lang, "响应达成率 [区间]", "response met [interval]"): attainment["response"],
                          pick(lang, "解决达成率 [区间]", "resolution met [interval]"): attainment["resolution"],
                          pick(lang, "解决时长中位数(小时)", "median resolution (h)"): service.table["median_resolution_h"].round(1),
                          pick(lang, "解决时长P90(小时)", "P90 resolution (h)"): service.table["p90_resolution_h"].round(1),
                          pick(lang, "一次解决率", "first-contact resolution"): service.table["fcr"].map("{:.0%}".format),
                          pick(lang, "重开率", "reopen rate"): service.table["reopen_rate"].map("{:.0%}".format)},
                         index=service.table.index).rename(index=lambda value: book.value_label("provider", value, lang))
            .rename_axis(group_word["provider"]))
    lowest = service.table["resolution_met"].idxmin()
    say(lang,
        zh=f"解决达成率最低的是 **{group_md('provider', lowest)}**：{service.table.loc[lowest, 'resolution_met']:.0%}"
           f"（区间 {service.table.loc[lowest, 'resolution_low']:.0%}–{service.table.loc[lowest, 'resolution_high']:.0%}），"
           f"而其响应达成率为 {service.table.loc[lowest, 'response_met']:.0%}。",
        en=f"The lowest resolution attainment is at **{group_md('provider', lowest)}**: {service.table.loc[lowest, 'resolution_met']:.0%} "
           f"(interval {service.table.loc[lowest, 'resolution_low']:.0%}–{service.table.loc[lowest, 'resolution_high']:.0%}), against "
           f"{service.table.loc[lowest, 'response_met']:.0%} of responses on time.")

# %%
if service is not None and len(service.p_chart):
    kl.plot.control_chart(service, "p", lang=lang, codebook=book)
    plt.show()
    special = service.p_chart[service.p_chart["special"]]
    weeks = pick(lang, "、", ", ").join(f"{group_md('provider', r.provider)} {r.week:%Y-%m-%d}" for r in special.itertuples())
    xmr_special = service.xmr[service.xmr["special"]] if len(service.xmr) else service.xmr
    say(lang,
        zh=f"p 控制图（每周解决达成率）：{len(special)} 个特殊原因周超出 ±3σ 控制限" + (f"：{weeks}。先查明这几周发生了什么。" if len(special) else "，过程稳定。")
           + (f"每周平均工单评分的 XmR 控制图：{len(xmr_special)} 个特殊原因周。" if len(service.xmr) else ""),
        en=f"p-chart of weekly resolution attainment: {len(special)} special-cause week(s) outside the ±3σ limits"
           + (f": {weeks}. Find out what happened in these weeks first." if len(special) else "; the process is stable.")
           + (f" XmR chart of the weekly mean ticket rating: {len(xmr_special)} special-cause week(s)." if len(service.xmr) else ""))

# %%
if service is not None and len(service.rating_link):
    link = service.rating_link.set_index("standard")
    standard_words = {"response": {"zh": "响应", "en": "response"}, "resolution": {"zh": "解决", "en": "resolution"}}
    compared = {language: ("；" if language == "zh" else "; ").join(
        f"{standard_words[standard][language]} {r.mean_met:.2f} vs {r.mean_missed:.2f} ({r.difference:+.2f}, Cohen's d = {r.cohens_d:.2f}, "
        f"Welch t, {format_p(r.p)})" for standard, r in link.iterrows()) for language in ("zh", "en")}
    say(lang, zh=f"### 达标与满意度\n\n工单评分，时限达标 vs 未达标：{compared['zh']}。",
        en=f"### Standards and satisfaction\n\nTicket rating when the target was met vs missed: {compared['en']}.")
if service is not None and book.items("overall") and len(service.table):
    linked = kl.satisfaction_link(service, survey)
    linked = linked[~linked["provider"].astype(str).isin(hidden_groups.get("provider", set()))
                    & (linked["respondents"] >= min_group_size)]
    if len(linked):
        display(linked.set_index("provider").rename(index=lambda value: book.value_label("provider", value, lang)).rename(
            columns={"satisfaction": pick(lang, "总体满意度", "satisfaction"), "respondents": pick(lang, "作答人数", "respondents"),
                     "response_met": pick(lang, "响应达成率", "response met"), "resolution_met": pick(lang, "解决达成率", "resolution met")}
        ).rename_axis(group_word["provider"]))
    rho = linked.attrs.get("correlation", {}) if len(linked) >= 3 else {}
    if rho:
        say(lang,
            zh=f"各服务部门问卷总体满意度与解决达成率的 Spearman ρ = {rho['resolution_met']['rho']:+.2f}，与响应达成率 ρ = "
               f"{rho['response_met']['rho']:+.2f}（只有 {len(linked)} 个服务部门，仅作参考）。",
            en=f"Across providers, survey satisfaction correlates with resolution attainment at Spearman ρ = {rho['resolution_met']['rho']:+.2f} "
               f"and with response attainment at ρ = {rho['response_met']['rho']:+.2f} (only {len(linked)} providers: indicative).")

# %%
journey_file = service_folder / "journey.csv"
journey = pd.DataFrame()
if journey_file.is_file():
    touchpoints, stages = kl.read_journey(journey_file)
    respondents = set(survey.data[book.respondent_id].astype(str)) if book.respondent_id in survey.data else set()
    touchpoints = shown_rows(touchpoints[touchpoints["respondent_id"].astype(str).isin(respondents)], "provider")  # this report's scope
    if len(touchpoints):
        journey = kl.journey_map(touchpoints, stages, confidence=1 - alpha_level, min_n=min_group_size)
if len(journey):
    moments = kl.moments_of_truth(journey)
    stage_names = {s["stage"]: {"zh": s["zh"], "en": s["en"]} for s in stages}
    say(lang,
        zh="## 服务旅程与关键时刻\n\n" + " → ".join(md(s["zh"]) for s in stages) + "：各环节的满意度与重要性"
           f"（{1 - alpha_level:.0%} 置信区间）。关键时刻 = 重要性高于该服务部门各环节平均、满意度低于平均的环节。",
        en="## The journey and its moments of truth\n\n" + " → ".join(md(s["en"]) for s in stages) + ": satisfaction and importance per "
           f"stage ({1 - alpha_level:.0%} intervals). Moments of truth are the stages more important and less satisfying than the "
           "provider's average stage.")
    kl.plot.journey_chart(journey, lang=lang, codebook=book, moments=moments, confidence=1 - alpha_level)
    plt.show()
    per_provider = moments.groupby("provider", sort=False)["stage"].agg(list)
    found = {language: ("；" if language == "zh" else "; ").join(
        f"{group_md('provider', group)}: " + ("、" if language == "zh" else ", ").join(md(stage_names[s][language]) for s in stage_list)
        for group, stage_list in per_provider.items()) for language in ("zh", "en")}
    say(lang, zh=f"关键时刻：{found['zh']}。" if len(moments) else "没有重要性高而满意度低的环节。",
        en=f"Moments of truth: {found['en']}." if len(moments) else "No stage is both more important and less satisfying than average.")

# %%
record_summary(summary_path, title=title, n=None if view.withheld else current.respondents(), instrument=info.kind, csi=csi_value,
               group=group_label or None, wave=view.wave_label(view.current, lang) if view.current is not None else None,
               previous_wave=view.wave_label(view.previous, lang) if view.has_change else None, pooled=view.pooled,
               withheld=view.withheld, changes=change_summary, organisation=organisation_summary,
               plan_target=plan.target.label(lang) if plan else None,
               nps=nps_result.nps if nps_result else None,
               largest_gap_dimension=worst if gaps is not None else None,
               largest_gap=float(dimensions.at[worst, "gap"]) if gaps is not None else None,
               overall_gap=float(overall["unweighted"]) if gaps is not None else None,
               lowest_dimension=worst if gaps is None else None,
               lowest_perception=float(dimensions.at[worst, "mean"]) if gaps is None and target else None,
               overall_perception=float(overall["unweighted"]) if gaps is None and target else None,
               overall_satisfaction=satisfaction.mean if satisfaction else None)
