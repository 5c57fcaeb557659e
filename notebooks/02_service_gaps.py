# %% [markdown]
# # 02 服务差距 / Service gaps
#
# 内部客户期望的和感受到的，差多少？ / How far do perceptions fall short of expectations?

# %% [markdown]
# **你将学到 / What you will learn**
#
# - SERVQUAL 差距 = 感知 P − 期望 E，负值表示服务没有达到期望 / the gap P − E, negative = falling short;
# - 用配对 t 检验和效应量 d_z 判断差距是否可信、是否重要 / paired t-test and effect size d_z;
# - 按重要性加权的总分 / the importance-weighted overall score;
# - 服务部门的自我评价与内部客户评价之差（“盲点”） / the provider's self-view gap (blind spot).

# %% [markdown]
# ## 参数 / Parameters
#
# 改这些值，或用 papermill `-p case bank -p lang en` 运行。 / Change these values, or run with papermill `-p case bank -p lang en`.

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

# %%
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import kitlib as kl
from kitlib.formatting import format_count, format_p, mark_reverse_items, reverse_mark
from kitlib.i18n import display_table, pick, say
from kitlib.report.chapter import available, dimension_grid, open_survey, select, visible, withheld_groups
from kitlib.service.waves import latest_wave

kl.plot.set_theme()
pd.set_option("display.precision", 2)
full_survey = open_survey(case, data_path, codebook_path)
survey = select(full_survey, provider=provider, department=department, wave=wave, min_group_size=min_group_size)
book = survey.codebook
info = kl.instrument(survey)  # which analyses the questionnaire supports; the others print a note


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """A copy for display: counts as integers, p-values in APA style (p < .001), reverse-keyed items marked (R), headers in lang."""
    rules = {"n": format_count, "p": lambda p: format_p(p, with_p=False), "pvalue": lambda p: format_p(p, with_p=False)}
    shown = table.assign(**{column: table[column].map(rule) for column, rule in rules.items() if column in table.columns})
    return mark_reverse_items(display_table(shown, lang), book, lang)


scope_names = {"provider": pick(lang, "服务部门", "provider"), "department": pick(lang, "业务部门", "department"),
               "wave": pick(lang, "调查波次", "wave")}
scope_columns = {"provider": "provider", "department": "department", "wave": full_survey.wave_column() or "wave"}
scope = pick(lang, "，", ", ").join(f"{scope_names[name]} = {book.value_label(scope_columns[name], value, lang)}"
                                   for name, value in {"provider": provider, "department": department, "wave": wave}.items() if value)
say(lang,
    zh=f"数据：**{book.title.get('zh', book.name)}**，{len(survey)} 行{('（' + scope + '）') if scope else ''}。",
    en=f"Data: **{book.title.get('en', book.name)}**, {len(survey)} rows{(' (' + scope + ')') if scope else ''}.")

# %% [markdown]
# ## 各维度的差距 / Gaps of the dimensions
#
# 只测感知（SERVPERF）的问卷没有期望题：本章改为报告各维度的感知得分及其置信区间。 / A perceptions-only (SERVPERF) questionnaire has no expectation items: this chapter then reports the perception score of each dimension with its confidence interval.

# %%
has_gaps = available(info, "gaps", lang)
has_scores = info.has_perceptions  # without perception items the note above says so
if has_gaps:
    gaps = kl.servqual_gaps(survey, min_group_size=min_group_size, confidence=1 - alpha_level)
    result, measure = gaps, "gap"
    columns = ["n", "E", "P", "gap", "ci_low", "ci_high", "p", "d_z"]
elif has_scores:
    scores = kl.perception_scores(survey, min_group_size=min_group_size, confidence=1 - alpha_level)
    result, measure = scores, "mean"
    columns = ["n_items", "n", "mean", "ci_low", "ci_high", "score_0_100"]
if has_scores:
    dimensions = result.dimensions.assign(label=result.dimensions[f"label_{lang}"]).set_index("label")
    display(readable(dimensions[columns]))

# %%
if has_gaps:
    kl.plot.gap_bars(gaps, lang=lang)
    plt.show()
elif has_scores:
    kl.plot.perception_bars(scores, lang=lang)
    plt.show()

# %%
pooled = latest_wave(survey, pool=True)  # this chapter teaches on every wave together: said so in its headlines
pooled_zh, pooled_en = (pooled.describe("zh") + "：", pooled.describe("en") + ": ") if pooled.pooled else ("", "")
if has_scores:
    target = kl.largest_gap(result)
    worst = target.label(lang)
    best = dimensions[measure].idxmax()
if has_gaps:
    significant = dimensions[dimensions["p"] < alpha_level]
    negative = significant[significant["gap"] < 0]
    say(lang,
        zh=f"{pooled_zh}差距最大的维度是 **{worst}**（{dimensions.at[worst, 'gap']:.2f} 分，d_z = {dimensions.at[worst, 'd_z']:.2f}），"
           f"最小的是 **{best}**（{dimensions.at[best, 'gap']:.2f}）。在 α = {alpha_level} 水平上，"
           f"{len(negative)} / {len(dimensions)} 个维度显著低于期望。",
        en=f"{pooled_en[:1].upper() + pooled_en[1:]}The largest gap is in **{worst}** ({dimensions.at[worst, 'gap']:.2f} points, d_z = {dimensions.at[worst, 'd_z']:.2f}), "
           f"the smallest in **{best}** ({dimensions.at[best, 'gap']:.2f}). At α = {alpha_level}, "
           f"{len(negative)} of {len(dimensions)} dimensions fall significantly short of expectations.")
elif has_scores:
    low, high = scores.scale
    say(lang,
        zh=f"感知得分最低的维度是 **{worst}**（{dimensions.at[worst, 'mean']:.2f} 分，{1 - alpha_level:.0%} 置信区间 "
           f"{dimensions.at[worst, 'ci_low']:.2f} ~ {dimensions.at[worst, 'ci_high']:.2f}），最高的是 **{best}**"
           f"（{dimensions.at[best, 'mean']:.2f}）；量表 {low:g}–{high:g} 分。",
        en=f"The lowest perception score is in **{worst}** ({dimensions.at[worst, 'mean']:.2f} points, {1 - alpha_level:.0%} CI "
           f"{dimensions.at[worst, 'ci_low']:.2f} to {dimensions.at[worst, 'ci_high']:.2f}), the highest in **{best}** "
           f"({dimensions.at[best, 'mean']:.2f}); scale {low:g}–{high:g}.")

# %% [markdown]
# ## 加权总分 / Weighted overall score
#
# 每位受访者把 100 分分配给各维度；加权差距 = Σ 权重 × 维度差距。 / Each respondent allocates 100 points to the dimensions; the weighted gap is Σ weight × dimension gap.

# %%
if has_scores:
    overall = result.overall.set_index("score")
    display(readable(overall[["n", "E", "P", "gap", "ci_low", "ci_high"] if has_gaps else ["n", "mean", "ci_low", "ci_high", "score_0_100"]]))
if has_scores and "weighted" in overall.index:
    unweighted, weighted = overall.at["unweighted", measure], overall.at["weighted", measure]
    if has_gaps:
        heavier = weighted < unweighted
        say(lang,
            zh=f"未加权总差距 {unweighted:.2f}，加权后 {weighted:.2f}。"
               + ("加权后差距更大：内部客户最看重的维度恰恰是做得差的维度。" if heavier
                  else "加权后差距更小：最大的差距出现在内部客户不太看重的维度。"),
            en=f"Unweighted overall gap {unweighted:.2f}, weighted {weighted:.2f}. "
               + ("The weighted gap is larger: the dimensions receivers value most are the ones falling short." if heavier
                  else "The weighted gap is smaller: the biggest shortfalls lie in dimensions receivers value less."))
    else:
        say(lang, zh=f"未加权总体感知得分 {unweighted:.2f}，按重要性加权 {weighted:.2f}。",
            en=f"Unweighted overall perception score {unweighted:.2f}, importance-weighted {weighted:.2f}.")
elif has_scores:
    say(lang, zh="数据中没有覆盖每个维度的重要性分配列，因此没有加权总分。",
        en="The data have no importance-allocation columns for every dimension, so there is no weighted score.")

# %% [markdown]
# ## 条目层面 / Items
#
# 蛇形图：每个条目的期望 E 与感知 P（只测感知时列出得分最低的条目）。 / Snake chart: expectation E and perception P of every item (perceptions only: the lowest-rated items).

# %%
if has_gaps:
    kl.plot.snake_chart(gaps, lang=lang)
    plt.show()

# %%
if has_scores:
    item_key = "P_item" if has_gaps else "item"
    items = result.items.assign(label=result.items[f"label_{lang}"])
    worst_items = items.nsmallest(5, measure).set_index(item_key)[["label", "E", "P", "gap", "p"] if has_gaps else ["label", "n", "mean", "ci_low", "ci_high"]]
    display(readable(worst_items))  # reverse-keyed items marked (R)
    reverse = {c.id for c in book.columns.values() if c.reverse}
    say(lang,
        zh=("差距最大的五个条目：" if has_gaps else "感知得分最低的五个条目：")
           + "；".join(f"{reverse_mark(key, key in reverse, 'zh')}（{row[measure]:.2f}）" for key, row in worst_items.iterrows()) + "。",
        en=("The five items with the largest gaps: " if has_gaps else "The five lowest-rated items: ")
           + "; ".join(f"{reverse_mark(key, key in reverse, 'en')} ({row[measure]:.2f})" for key, row in worst_items.iterrows()) + ".")

# %% [markdown]
# ## 各服务部门 / By provider

# %%
if not has_scores:
    pass
elif "provider" not in survey.data:
    say(lang, zh=info.note("groups", "zh"), en=info.note("groups", "en"))
elif provider or survey.data["provider"].nunique() < 2:
    say(lang, zh="本次只分析一个服务部门，跳过部门比较。", en="A single provider is analysed here, so there is no comparison.")
else:
    grouped = (kl.servqual_gaps if has_gaps else kl.perception_scores)(survey, by="provider", min_group_size=min_group_size)
    by_provider = visible(grouped.dimensions)
    grid = dimension_grid(by_provider, "provider", measure, book, lang).rename_axis(index=pick(lang, "服务部门", "provider"))
    limit = grid.abs().max().max()
    display(grid.style.format("{:.2f}").background_gradient(cmap="RdBu", vmin=-limit if has_gaps else info.scale[0],
                                                          vmax=limit if has_gaps else info.scale[1], axis=None))
    weakest, weakest_gap = kl.weakest_cell(grid)
    say(lang,
        zh=f"最需要改进的组合：**{weakest[0]}** 的 **{weakest[1]}**（{weakest_gap:.2f}）。",
        en=f"The weakest combination: **{weakest[0]}** on **{weakest[1]}** ({weakest_gap:.2f}).")

# %% [markdown]
# ## 谁对谁不满意？ / Who is dissatisfied with whom?
#
# 服务部门 × 业务部门的总差距（只测感知时为感知得分）；人数太少的格子留空，人数太少的业务部门整列不显示。 / Overall gap (perceptions only: perception score) of every provider × receiving department; cells with too few respondents stay blank and departments too small to show are left out.

# %%
if has_scores and available(info, "matrix", lang):
    matrix = kl.provider_matrix(survey, value=info.matrix_value, min_group_size=min_group_size)
    hidden = withheld_groups(survey, "department", min_group_size)
    table = matrix.values.drop(columns=[name for name in matrix.values.columns if name in hidden])
    table = (table.dropna(how="all").dropna(axis=1, how="all")
             .rename(index=lambda value: book.value_label(matrix.rows, value, lang),
                     columns=lambda value: book.value_label(matrix.columns, value, lang))
             .rename_axis(index=pick(lang, "服务部门", "provider"), columns=pick(lang, "业务部门", "department")))
    if table.shape[0] and table.shape[1]:
        limit = table.abs().max().max()
        display(table.style.format("{:.2f}", na_rep="–").background_gradient(
            cmap="RdBu", vmin=-limit if has_gaps else info.scale[0], vmax=limit if has_gaps else info.scale[1], axis=None))
        pair, pair_gap = kl.weakest_cell(table)
        say(lang,
            zh=f"{len(hidden)} 个业务部门因人数太少未显示。最不满意的组合：**{pair[1]}** 对 **{pair[0]}**（{pair_gap:.2f}）。",
            en=f"{len(hidden)} department(s) are too small to show. The least satisfied pair: **{pair[1]}** with **{pair[0]}** ({pair_gap:.2f}).")

# %% [markdown]
# ## 服务部门的自我评价 / The provider's self-view
#
# 服务部门员工用同样的感知条目给自己打分。自评差距 = 内部客户感知 − 自评；负值表示服务部门把自己看得比客户看到的更好（盲点）。 / Provider staff rate themselves on the same perception items; self-view gap = receivers' P − self P, negative = a blind spot.

# %%
if not has_scores:
    pass
elif survey.self_assessment is None or survey.self_assessment.empty:
    say(lang, zh="这份数据没有服务部门自评，跳过本节。", en="These data have no provider self-assessment; this section is skipped.")
else:
    self_view = visible(kl.self_view_gap(survey, min_group_size=min_group_size, confidence=1 - alpha_level))
    by_dimension = self_view.groupby(f"label_{lang}")["self_view_gap"].mean().sort_values()
    display(dimension_grid(self_view, "provider", "self_view_gap", book, lang).rename_axis(index=pick(lang, "服务部门", "provider")))
    blind = by_dimension.index[0]
    say(lang,
        zh=f"平均而言，服务部门的自评比内部客户的评价高 {-self_view['self_view_gap'].mean():.2f} 分；"
           f"盲点最大的维度是 **{blind}**（{by_dimension.iloc[0]:.2f}）。"
           f"{int((self_view['p'] < alpha_level).sum())} / {len(self_view)} 个“部门 × 维度”差异在 α = {alpha_level} 水平上显著。",
        en=f"On average providers rate themselves {-self_view['self_view_gap'].mean():.2f} points higher than their receivers do; "
           f"the largest blind spot is **{blind}** ({by_dimension.iloc[0]:.2f}). "
           f"{int((self_view['p'] < alpha_level).sum())} of {len(self_view)} provider × dimension differences are significant at α = {alpha_level}.")

# %% [markdown]
# ## 小结 / Summary

# %%
if has_gaps:
    say(lang,
        zh=f"- 最大差距：**{worst}**（{target.gap:.2f}{'，' + pooled.describe('zh') if pooled.pooled else ''}）。\n"
           f"- 先从这个维度里差距最大的条目入手（{target.item}：{target.item_label_zh}，{target.item_gap:.2f}），制定可测量的改进目标。\n"
           "- 下一章用 KANO 判断哪些功能是“必须做好”的，哪些是“做了会惊喜”的。",
        en=f"- Largest gap: **{worst}** ({target.gap:.2f}{'; ' + pooled.describe('en') if pooled.pooled else ''}).\n"
           f"- Start with the item that falls shortest in it ({target.item}: {target.item_label_en}, {target.item_gap:.2f}) and set a measurable target.\n"
           "- The next chapter uses KANO to tell features that must work from features that delight.")
elif has_scores:
    say(lang,
        zh=f"- 感知得分最低：**{worst}**（{target.gap:.2f}）。\n"
           f"- 先从这个维度里得分最低的条目入手（{target.item}：{target.item_label_zh}，{target.item_gap:.2f}），制定可测量的改进目标。\n"
           "- 下一章用 KANO 判断哪些功能是“必须做好”的，哪些是“做了会惊喜”的。",
        en=f"- Lowest perception score: **{worst}** ({target.gap:.2f}).\n"
           f"- Start with its lowest-rated item ({target.item}: {target.item_label_en}, {target.item_gap:.2f}) and set a measurable target.\n"
           "- The next chapter uses KANO to tell features that must work from features that delight.")
