# %% tags=["parameters"]
case = "it_firm"        # shipped case: it_firm | manufacturer | bank
data_path = ""          # your own survey file (CSV/XLSX); overrides case when set
codebook_path = ""      # its codebook (default: codebook.yaml next to the data file)
lang = "zh"             # language of every text and chart: zh | en
min_group_size = 5      # groups with fewer respondents are never shown
provider = ""           # restrict to one service provider (empty: all)
department = ""         # restrict to one receiving department (empty: all)
wave = ""               # restrict to one survey wave (empty: all)
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
    select,
    visible,
    withheld_groups,
)
from kitlib.report.html import escape_markdown as md  # every data/codebook label in a say() text is literal
from kitlib.service.key_drivers import driver_importance, uncertain_quadrants
from kitlib.stats import mean_interval

kl.plot.set_theme()
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
pooled = bool(full_survey.wave_column()) and survey.data[full_survey.wave_column()].nunique() >= 2
join = pick(lang, "、", ", ")


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


say(lang,
    zh=f"# {md(title)}\n\n**范围**：{'；'.join(restricted) if restricted else '全部数据'}。样本 {len(survey)} 行"
       f"{f'（另有 {excluded} 行因数据错误被排除）' if excluded else ''}{'，各次调查合并计算（变化见“前后对比”）' if pooled else ''}；"
       f"少于 {min_group_size} 人的组不单独显示。",
    en=f"# {md(title)}\n\n**Scope**: {'; '.join(restricted) if restricted else 'all data'}. {len(survey)} rows"
       f"{f' ({excluded} rows with invalid data excluded)' if excluded else ''}{', all survey waves pooled (changes: see *Before and after*)' if pooled else ''}; "
       f"groups of fewer than {min_group_size} respondents are not shown.")
say(lang, zh=f"问卷：{md(info.describe('zh'))}。", en=f"Questionnaire: {md(info.describe('en'))}.")  # names the dimensions

# %%
gaps = kl.servqual_gaps(survey, min_group_size=min_group_size, confidence=1 - alpha_level) if info.has_gaps else None
scores = kl.perception_scores(survey, min_group_size=min_group_size, confidence=1 - alpha_level) if info.has_perceptions else None
focus_result = gaps if gaps is not None else scores  # gaps (P − E), or perceptions only (SERVPERF)
target = kl.largest_gap(focus_result) if focus_result is not None else None
worst, worst_key = (target.label(lang), target.dimension) if target else (None, None)
worst_md = md(worst) if target else None  # as written into say() texts
measure = "gap" if gaps is not None else "mean"
dimensions = focus_result.dimensions.assign(label=focus_result.dimensions[f"label_{lang}"]).set_index("label") if target else None
overall = focus_result.overall.set_index("score")[measure] if target else None
nps_columns = book.items("nps")
nps_result = kl.nps(survey.data[nps_columns[0]].dropna(), confidence=1 - alpha_level) if info.has_nps else None
csi_value = kl.csi(survey).csi if info.supports("csi") else None
satisfaction = mean_interval(survey.data[book.items("overall")[0]], 1 - alpha_level) if info.has_overall else None
low, high = info.scale or (None, None)
lines_zh, lines_en = [], []
if gaps is not None:
    lines_zh += [f"- 服务质量总差距（P − E）：**{overall['unweighted']:.2f}**"
                 + (f"，按重要性加权 **{overall['weighted']:.2f}**" if "weighted" in overall else ""),
                 f"- 差距最大的维度：**{worst_md}**（{dimensions.at[worst, 'gap']:.2f}）"]
    lines_en += [f"- Overall service-quality gap (P − E): **{overall['unweighted']:.2f}**"
                 + (f", importance-weighted **{overall['weighted']:.2f}**" if "weighted" in overall else ""),
                 f"- Largest gap: **{worst_md}** ({dimensions.at[worst, 'gap']:.2f})"]
elif target:
    lines_zh += [f"- 总体感知得分（{low:g}–{high:g} 分）：**{overall['unweighted']:.2f}**"
                 + (f"，按重要性加权 **{overall['weighted']:.2f}**" if "weighted" in overall else ""),
                 f"- 感知得分最低的维度：**{worst_md}**（{dimensions.at[worst, 'mean']:.2f}）"]
    lines_en += [f"- Overall perception score ({low:g}–{high:g}): **{overall['unweighted']:.2f}**"
                 + (f", importance-weighted **{overall['weighted']:.2f}**" if "weighted" in overall else ""),
                 f"- Lowest-rated dimension: **{worst_md}** ({dimensions.at[worst, 'mean']:.2f})"]
if nps_result:
    lines_zh.append(f"- NPS：**{nps_result.nps:+.0f}**（{1 - alpha_level:.0%} 置信区间 {nps_result.ci_low:+.0f} ~ {nps_result.ci_high:+.0f}，n = {format_count(nps_result.n)}）")
    lines_en.append(f"- NPS: **{nps_result.nps:+.0f}** ({1 - alpha_level:.0%} CI {nps_result.ci_low:+.0f} to {nps_result.ci_high:+.0f}, n = {format_count(nps_result.n)})")
else:
    lines_zh.append("- NPS：问卷中没有推荐意愿题")
    lines_en.append("- NPS: the questionnaire has no recommendation question")
if satisfaction:
    scale = book.columns[book.items("overall")[0]]
    lines_zh.append(f"- 总体满意度（{scale.scale_min:g}–{scale.scale_max:g} 分）：**{satisfaction.mean:.2f}**"
                    f"（{1 - alpha_level:.0%} 置信区间 {satisfaction.ci_low:.2f} ~ {satisfaction.ci_high:.2f}，n = {format_count(satisfaction.n)}）")
    lines_en.append(f"- Overall satisfaction ({scale.scale_min:g}–{scale.scale_max:g}): **{satisfaction.mean:.2f}** "
                    f"({1 - alpha_level:.0%} CI {satisfaction.ci_low:.2f} to {satisfaction.ci_high:.2f}, n = {format_count(satisfaction.n)})")
if csi_value is not None:
    lines_zh.append(f"- CSI 满意度指数：**{csi_value:.1f}** / 100")
    lines_en.append(f"- CSI: **{csi_value:.1f}** / 100")
say(lang, zh="## 关键数字\n\n" + "\n".join(lines_zh), en="## Key figures\n\n" + "\n".join(lines_en))

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
    withheld = {"provider": withheld_groups(survey, "provider", min_group_size),
                "department": withheld_groups(survey, "department", min_group_size)}
    cells = matrix.cells[~matrix.cells["provider"].astype(str).isin(withheld["provider"])
                         & ~matrix.cells["department"].astype(str).isin(withheld["department"])]
    shown_matrix = replace(matrix, cells=cells)
    table = shown_matrix.values
    if table.notna().any().any() and min(table.shape) >= 2:
        say(lang, zh="### 谁对谁不满意？", en="### Who is dissatisfied with whom?")
        kl.plot.provider_heatmap(shown_matrix, lang=lang)
        plt.show()
        pair, pair_gap = kl.weakest_cell(table)
        row_name, column_name = book.value_label("provider", pair[0], lang), book.value_label("department", pair[1], lang)
        hidden_count = len(withheld["provider"]) + len(withheld["department"])
        grey = bool(table.isna().any().any())
        lowest_zh = "差距最大的组合" if matrix.value == "gap" else f"{matrix.label_zh}最低的组合"
        lowest_en = "The largest gap is" if matrix.value == "gap" else f"The lowest {matrix.label_en.lower()} is"
        say(lang,
            zh=f"{lowest_zh}：**{md(column_name)}** 对 **{md(row_name)}**（{table.loc[pair]:.2f}；所有显示组合的平均为 "
               f"{table.stack().mean():.2f}）。{hidden_count} 个部门因人数太少（或为防止反推）未显示" + ("；灰色格子同理。" if grey else "。"),
            en=f"{lowest_en} between **{md(column_name)}** and its provider **{md(row_name)}** ({pair_gap:.2f}; mean of all shown "
               f"pairs {table.stack().mean():.2f}). {hidden_count} group(s) too small to show (or hidden to protect one) are left out"
               + ("; grey cells likewise." if grey else "."))

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
        left_out = len(all_groups) - len(nps_groups)
        say(lang,
            zh=f"NPS 最低：**{md(low[name])}**（{low['nps']:+.0f}），最高：**{md(high[name])}**（{high['nps']:+.0f}）；"
               + ("两者的置信区间重叠，差异可能只是抽样波动。" if overlap else "两者的置信区间不重叠，差异可信。")
               + (f"{left_out} 个组因人数太少（或为防止反推）未显示。" if left_out else ""),
            en=f"Lowest NPS: **{md(low[name])}** ({low['nps']:+.0f}); highest: **{md(high[name])}** ({high['nps']:+.0f}); "
               + ("their confidence intervals overlap, so the difference may be sampling noise." if overlap
                  else "their confidence intervals do not overlap, so the difference is real.")
               + (f" {left_out} group(s) too small to show (or hidden to protect one) are left out." if left_out else ""))

# %%
must = pd.DataFrame(columns=["label", "worse"])
if available(info, "kano", lang):
    kano = kl.kano_table(survey, min_group_size=min_group_size)
    shown_kano = visible(kano)
    say(lang, zh="## KANO 功能", en="## KANO features")
    if shown_kano.empty:
        say(lang, zh=f"样本少于 {min_group_size} 人，KANO 结果不予显示。", en=f"Fewer than {min_group_size} respondents: KANO results are not shown.")
    else:
        kl.plot.kano_map(kano, lang=lang)
        plt.show()
        shown_kano = shown_kano.assign(label=shown_kano[f"label_{lang}"])
        must = shown_kano[shown_kano["category"] == "M"].sort_values("worse")
        attractive = shown_kano[shown_kano["category"] == "A"].sort_values("better", ascending=False)
        reverse = shown_kano[shown_kano["category"] == "R"]
        say(lang,
            zh=f"- 必备型（先保证零失误）：{join.join(f'{md(row.label)}（|Worse| = {-row.worse:.2f}）' for row in must.itertuples()) or '无'}\n"
               f"- 魅力型（必备型稳定后再投入）：{md_join(attractive['label']) or '无'}\n"
               f"- 反向型（停止或改为可选）：{md_join(reverse['label']) or '无'}\n\n"
               + (f"必备型功能缺了会引起不满、做好了也不会被夸奖：**{md(must.iloc[0]['label'])}** 缺失时最伤满意度。"
                  "问卷问的是“有/没有它时的感受”，并不说明它现在是否已经做到——请逐项核实这些必备型功能目前是否达标。"
                  if len(must) else "没有必备型功能。"),
            en=f"- Must-be (secure first): {join.join(f'{md(row.label)} (|Worse| = {-row.worse:.2f})' for row in must.itertuples()) or 'none'}\n"
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
    if info.has_perceptions:  # may the waves' means be compared? (scalar invariance, library rule)
        wave_model = {name: book.servqual_model("P")[name] for name in info.cfa_dimensions}
        invariant = check_invariance(survey.servqual("P").assign(**{wave_column: survey.data[wave_column]}), wave_model, wave_column, cutoffs)
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
if available(info, "pdca", lang):
    plan = kl.improvement_plan(focus_result, kano if info.has_kano else None, trend_result.changes if changes is not None else None)
    must_names = list(plan.must_be[f"label_{lang}"][:3])
    is_gap = target.measure == "gap"
    kpis = [pick(lang, f"{worst_md}差距（{target.gap:.2f}）", f"{worst_md} gap ({target.gap:.2f})") if is_gap
            else pick(lang, f"{worst_md}感知得分（{target.gap:.2f}）", f"{worst_md} perception score ({target.gap:.2f})")]
    kpis += [pick(lang, f"NPS（{nps_result.nps:+.0f}）", f"NPS ({nps_result.nps:+.0f})")] if nps_result else []
    kpis += [pick(lang, f"CSI（{csi_value:.1f}）", f"CSI ({csi_value:.1f})")] if csi_value is not None else []
    if changes is not None and worst_key in changes.index:
        worst_change = changes.loc[worst_key]
        moved = bool(worst_change["significant"])
        check_zh = (f"{md(first)} → {md(last)} 期间{worst_md}的感知得分变化 {worst_change['diff']:+.2f}（{'显著' if moved else '不显著'}），"
                    "复测看它是否继续改善。")
        check_en = (f"From {md(first)} to {md(last)} the {worst_md} perception changed by {worst_change['diff']:+.2f} "
                    f"({'significant' if moved else 'not significant'}); the re-survey shows whether it keeps improving.")
        better = [book.label(name, lang) for name in plan.standardise]
        rest = [book.label(name, lang) for name in plan.replan]
        act_zh = ((f"把带来显著改善（{md_join(better)}）的做法写入服务标准" if better else "没有维度显著改善")
                  + (f"；{md_join(rest)}回到“计划”。" if rest else "。"))
        act_en = ((f"make the practices behind the significant improvements ({md_join(better)}) standard" if better
                   else "no dimension improved significantly") + (f"; take {md_join(rest)} back to *Plan*." if rest else "."))
    else:
        check_zh = check_en = ""
        act_zh = (f"若复测时{worst_md}的差距显著缩小" if is_gap else f"若复测时{worst_md}的感知得分显著提高") + "，把措施写入服务标准；否则回到“计划”重新分析原因。"
        act_en = (f"if the re-survey shows the {worst_md} gap significantly smaller" if is_gap
                  else f"if the re-survey shows the {worst_md} perception score significantly higher") + \
            ", make the measures standard practice; otherwise go back to *Plan*."
    plan_zh = (f"以差距最大的**{worst_md}**（{target.gap:.2f}）为改进目标，从其中差距最大的条目 "
               f"{item_md(target.item, 'zh')}（{md(target.item_label_zh)}，{target.item_gap:.2f}）入手" if is_gap else
               f"以感知得分最低的**{worst_md}**（{target.gap:.2f}）为改进目标，从其中得分最低的条目 "
               f"{item_md(target.item, 'zh')}（{md(target.item_label_zh)}，{target.item_gap:.2f}）入手")
    plan_en = (f"target the largest gap, **{worst_md}** ({target.gap:.2f}); start with its item of largest gap "
               f"{item_md(target.item, 'en')} ({md(target.item_label_en)}, {target.item_gap:.2f})" if is_gap else
               f"target the lowest-rated dimension, **{worst_md}** ({target.gap:.2f}); start with its lowest-rated item "
               f"{item_md(target.item, 'en')} ({md(target.item_label_en)}, {target.item_gap:.2f})")
    say(lang,
        zh="## 下一步（PDCA）\n\n"
           f"1. **计划 Plan**：{plan_zh}，定出可测量的目标值。\n"
           + (f"2. **执行 Do**：逐项核实并保证必备型功能：{md_join(must_names)}。\n" if must_names
              else f"2. **执行 Do**：针对{worst_md}的条目落实改进措施。\n")
           + f"3. **检查 Check**：用同一问卷复测，比较：{join.join(kpis)}。{check_zh}\n"
           f"4. **处理 Act**：{act_zh}",
        en="## What to do next (PDCA)\n\n"
           f"1. **Plan**: {plan_en} and set a measurable target.\n"
           + (f"2. **Do**: check and secure the must-be features: {md_join(must_names)}.\n" if must_names
              else f"2. **Do**: carry out the improvements on the {worst_md} items.\n")
           + f"3. **Check**: re-survey with the same questionnaire and compare {join.join(kpis)}. {check_en}\n"
           f"4. **Act**: {act_en[0].upper() + act_en[1:]}")

# %%
record_summary(summary_path, title=title, n=len(survey), instrument=info.kind, csi=csi_value,
               nps=nps_result.nps if nps_result else None,
               largest_gap_dimension=worst if gaps is not None else None,
               largest_gap=float(dimensions.at[worst, "gap"]) if gaps is not None else None,
               overall_gap=float(overall["unweighted"]) if gaps is not None else None,
               lowest_dimension=worst if gaps is None else None,
               lowest_perception=float(dimensions.at[worst, "mean"]) if gaps is None and target else None,
               overall_perception=float(overall["unweighted"]) if gaps is None and target else None,
               overall_satisfaction=satisfaction.mean if satisfaction else None)
