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
from kitlib.i18n import pick, say
from kitlib.report.chapter import dimension_grid, open_survey, select, visible, withheld_groups

kl.plot.set_theme()
pd.set_option("display.precision", 2)
full_survey = open_survey(case, data_path, codebook_path)
survey = select(full_survey, provider=provider, department=department, wave=wave, min_group_size=min_group_size)
book = survey.codebook
scope_names = {"provider": pick(lang, "服务部门", "provider"), "department": pick(lang, "业务部门", "department"),
               "wave": pick(lang, "调查波次", "wave")}
scope_columns = {"provider": "provider", "department": "department", "wave": full_survey.wave_column() or "wave"}
scope = pick(lang, "，", ", ").join(f"{scope_names[name]} = {book.value_label(scope_columns[name], value, lang)}"
                                   for name, value in {"provider": provider, "department": department, "wave": wave}.items() if value)
say(lang,
    zh=f"数据：**{book.title.get('zh', book.name)}**，{len(survey)} 行{('（' + scope + '）') if scope else ''}。",
    en=f"Data: **{book.title.get('en', book.name)}**, {len(survey)} rows{(' (' + scope + ')') if scope else ''}.")

# %% [markdown]
# ## 五个维度的差距 / Gaps of the five dimensions

# %%
gaps = kl.servqual_gaps(survey, min_group_size=min_group_size, confidence=1 - alpha_level)
dimensions = gaps.dimensions.assign(label=gaps.dimensions[f"label_{lang}"]).set_index("label")
dimensions[["n", "E", "P", "gap", "ci_low", "ci_high", "p", "d_z"]]

# %%
kl.plot.gap_bars(gaps, lang=lang)
plt.show()

# %%
target = kl.largest_gap(gaps)
worst = target.label(lang)
best = dimensions["gap"].idxmax()
significant = dimensions[dimensions["p"] < alpha_level]
negative = significant[significant["gap"] < 0]
say(lang,
    zh=f"差距最大的维度是 **{worst}**（{dimensions.at[worst, 'gap']:.2f} 分，d_z = {dimensions.at[worst, 'd_z']:.2f}），"
       f"最小的是 **{best}**（{dimensions.at[best, 'gap']:.2f}）。在 α = {alpha_level} 水平上，"
       f"{len(negative)} / {len(dimensions)} 个维度显著低于期望。",
    en=f"The largest gap is in **{worst}** ({dimensions.at[worst, 'gap']:.2f} points, d_z = {dimensions.at[worst, 'd_z']:.2f}), "
       f"the smallest in **{best}** ({dimensions.at[best, 'gap']:.2f}). At α = {alpha_level}, "
       f"{len(negative)} of {len(dimensions)} dimensions fall significantly short of expectations.")

# %% [markdown]
# ## 加权总分 / Weighted overall score
#
# 每位受访者把 100 分分配给五个维度；加权差距 = Σ 权重 × 维度差距。 / Each respondent allocates 100 points to the five dimensions; the weighted gap is Σ weight × dimension gap.

# %%
overall = gaps.overall.set_index("score")
display(overall[["n", "E", "P", "gap", "ci_low", "ci_high"]])
if "weighted" in overall.index:
    unweighted, weighted = overall.at["unweighted", "gap"], overall.at["weighted", "gap"]
    heavier = weighted < unweighted
    say(lang,
        zh=f"未加权总差距 {unweighted:.2f}，加权后 {weighted:.2f}。"
           + ("加权后差距更大：内部客户最看重的维度恰恰是做得差的维度。" if heavier
              else "加权后差距更小：最大的差距出现在内部客户不太看重的维度。"),
        en=f"Unweighted overall gap {unweighted:.2f}, weighted {weighted:.2f}. "
           + ("The weighted gap is larger: the dimensions receivers value most are the ones falling short." if heavier
              else "The weighted gap is smaller: the biggest shortfalls lie in dimensions receivers value less."))
else:
    say(lang, zh="数据中没有重要性分配列，因此没有加权总分。",
        en="The data have no importance-allocation columns, so there is no weighted score.")

# %% [markdown]
# ## 条目层面 / Items
#
# 蛇形图：每个条目的期望 E 与感知 P。 / Snake chart: expectation E and perception P of every item.

# %%
kl.plot.snake_chart(gaps, lang=lang)
plt.show()

# %%
items = gaps.items.assign(label=gaps.items[f"label_{lang}"])
worst_items = items.nsmallest(5, "gap").set_index("P_item")[["label", "E", "P", "gap", "p"]]
display(worst_items)
say(lang,
    zh="差距最大的五个条目：" + "；".join(f"{key}（{row.gap:.2f}）" for key, row in worst_items.iterrows()) + "。",
    en="The five items with the largest gaps: " + "; ".join(f"{key} ({row.gap:.2f})" for key, row in worst_items.iterrows()) + ".")

# %% [markdown]
# ## 各服务部门 / By provider

# %%
if provider or survey.data["provider"].nunique() < 2:
    say(lang, zh="本次只分析一个服务部门，跳过部门比较。", en="A single provider is analysed here, so there is no comparison.")
else:
    by_provider = visible(kl.servqual_gaps(survey, by="provider", min_group_size=min_group_size).dimensions)
    grid = dimension_grid(by_provider, "provider", "gap", book, lang).rename_axis(index=pick(lang, "服务部门", "provider"))
    limit = grid.abs().max().max()
    display(grid.style.format("{:.2f}").background_gradient(cmap="RdBu", vmin=-limit, vmax=limit, axis=None))
    weakest, weakest_gap = kl.weakest_cell(grid)
    say(lang,
        zh=f"最需要改进的组合：**{weakest[0]}** 的 **{weakest[1]}**（{weakest_gap:.2f}）。",
        en=f"The weakest combination: **{weakest[0]}** on **{weakest[1]}** ({weakest_gap:.2f}).")

# %% [markdown]
# ## 谁对谁不满意？ / Who is dissatisfied with whom?
#
# 服务部门 × 业务部门的总差距；人数太少的格子留空，人数太少的业务部门整列不显示。 / Overall gap of every provider × receiving department; cells with too few respondents stay blank and departments too small to show are left out.

# %%
matrix = kl.provider_matrix(survey, value="gap", min_group_size=min_group_size)
hidden = withheld_groups(survey, "department", min_group_size) if "department" in survey.data else set()
table = matrix.values.drop(columns=[name for name in matrix.values.columns if name in hidden])
table = (table.dropna(how="all").dropna(axis=1, how="all")
         .rename(index=lambda value: book.value_label(matrix.rows, value, lang),
                 columns=lambda value: book.value_label(matrix.columns, value, lang))
         .rename_axis(index=pick(lang, "服务部门", "provider"), columns=pick(lang, "业务部门", "department")))
if table.shape[0] and table.shape[1]:
    limit = table.abs().max().max()
    display(table.style.format("{:.2f}", na_rep="–").background_gradient(cmap="RdBu", vmin=-limit, vmax=limit, axis=None))
    pair, pair_gap = kl.weakest_cell(table)
    say(lang,
        zh=f"{len(hidden)} 个业务部门因人数太少未显示。最不满意的组合：**{pair[1]}** 对 **{pair[0]}**（{pair_gap:.2f}）。",
        en=f"{len(hidden)} department(s) are too small to show. The least satisfied pair: **{pair[1]}** with **{pair[0]}** ({pair_gap:.2f}).")

# %% [markdown]
# ## 服务部门的自我评价 / The provider's self-view
#
# 服务部门员工用同样的 22 个感知条目给自己打分。自评差距 = 内部客户感知 − 自评；负值表示服务部门把自己看得比客户看到的更好（盲点）。 / Provider staff rate themselves on the same perception items; self-view gap = receivers' P − self P, negative = a blind spot.

# %%
if survey.self_assessment is None or survey.self_assessment.empty:
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
say(lang,
    zh=f"- 最大差距：**{worst}**（{target.gap:.2f}）。\n"
       f"- 先从这个维度里差距最大的条目入手（{target.item}：{target.item_label_zh}，{target.item_gap:.2f}），制定可测量的改进目标。\n"
       "- 下一章用 KANO 判断哪些功能是“必须做好”的，哪些是“做了会惊喜”的。",
    en=f"- Largest gap: **{worst}** ({target.gap:.2f}).\n"
       f"- Start with the item that falls shortest in it ({target.item}: {target.item_label_en}, {target.item_gap:.2f}) and set a measurable target.\n"
       "- The next chapter uses KANO to tell features that must work from features that delight.")
