"""Write the chapter and report notebooks in notebooks/ from the cell lists below.

The notebooks are committed as .ipynb with empty outputs; edit this file and run
``.venv/bin/python scripts/build_notebooks.py`` to regenerate them.  Every
conclusion a notebook prints is built from computed values in a code cell
(``say(lang, zh=f"...", en=f"...")``); the Markdown cells hold only titles,
learning goals and method explanations that do not depend on the data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

PARAMETERS = '''\
case = "it_firm"        # shipped case: it_firm | manufacturer | bank
data_path = ""          # your own survey file (CSV/XLSX); overrides case when set
codebook_path = ""      # its codebook (default: codebook.yaml next to the data file)
lang = "zh"             # language of every text and chart: zh | en
min_group_size = 5      # groups with fewer respondents are never shown
provider = ""           # restrict to one service provider (empty: all)
department = ""         # restrict to one receiving department (empty: all)
wave = ""               # restrict to one survey wave (empty: all)
alpha_level = 0.05      # significance level of the tests'''

SETUP = '''\
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

import kitlib as kl
from kitlib.report.chapter import (dimension_grid, dimension_order, group_counts, open_survey, pick, record_summary, say, select,
                                   visible, withheld_groups)

kl.plot.set_theme()
pd.set_option("display.precision", 2)
full_survey = open_survey(case, data_path, codebook_path)
survey = select(full_survey, provider=provider, department=department, wave=wave, min_group_size=min_group_size)
book = survey.codebook'''

ANNOUNCE = '''\
scope_names = {"provider": pick(lang, "服务部门", "provider"), "department": pick(lang, "业务部门", "department"),
               "wave": pick(lang, "调查波次", "wave")}
scope_columns = {"provider": "provider", "department": "department", "wave": full_survey.wave_column() or "wave"}
scope = pick(lang, "，", ", ").join(f"{scope_names[name]} = {book.value_label(scope_columns[name], value, lang)}"
                                   for name, value in {"provider": provider, "department": department, "wave": wave}.items() if value)
say(lang,
    zh=f"数据：**{book.title.get('zh', book.name)}**，{len(survey)} 行{('（' + scope + '）') if scope else ''}。",
    en=f"Data: **{book.title.get('en', book.name)}**, {len(survey)} rows{(' (' + scope + ')') if scope else ''}.")'''


def md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip())


def code(text: str, tags=()) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def chapter(title: str, learn: str, cells: list, extra_parameters: str = "") -> nbformat.NotebookNode:
    """A chapter: title, learning goals, parameters cell, setup cell, then ``cells``."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = [
        md(title),
        md(learn),
        md("## 参数 / Parameters\n\n改这些值，或用 papermill `-p case bank -p lang en` 运行。"
           " / Change these values, or run with papermill `-p case bank -p lang en`."),
        code(PARAMETERS + ("\n" + extra_parameters if extra_parameters else ""), tags=["parameters"]),
        code(SETUP + "\n" + ANNOUNCE),
        *cells,
    ]
    return notebook


# ---------------------------------------------------------------- 00 start here
START = chapter(
    "# 00 从这里开始 / Start here\n\n内部客户满意度：服务部门如何知道业务部门是否满意？"
    "\n\n*Internal customer satisfaction: how does a service department know whether the business departments it serves are satisfied?*",
    """
**你将学到 / What you will learn**

- 什么是“内部客户”，为什么 IT、人力、财务、采购等部门也需要测量满意度 / what an *internal customer* is and why shared services measure satisfaction;
- 本工具包的三个案例数据长什么样 / what the three case datasets contain;
- 如何运行各章笔记本和批量报告 / how to run the chapters and the batch reports.
""",
    [
        md("""
## 内部客户 / The internal customer

服务部门（提供方，*provider*）为业务部门（接受方，*department*）提供服务。业务部门没有“换供应商”的选择，
所以不满意不会表现为流失，而是表现为抱怨、绕开流程和低效率。调查让接受方给提供方打分：

- **SERVQUAL**：22 个条目、5 个维度（有形性、可靠性、响应性、保证性、移情性），先问期望 E，再问感知 P；差距 = P − E；
- **KANO**：对每个功能问“有它/没有它你觉得如何”，区分必备、一维、魅力、无差异和反向功能；
- **NPS / CSI / IPA**：推荐意愿、总体满意度指数、重要性—绩效分析；
- **趋势与 PDCA**：改进前后两次调查的对比。

Service departments (*providers*) serve business departments (*receivers*). Receivers cannot switch supplier,
so dissatisfaction shows up as complaints and work-arounds rather than churn. The survey lets receivers rate their
providers with SERVQUAL (22 items, 5 dimensions, expectation E and perception P, gap = P − E), KANO feature
questions, NPS, overall satisfaction and importance.
"""),
        md("## 数据 / The data"),
        code('''
groups = {column: survey.data[column].nunique() for column in survey.group_columns()}
wave_column = survey.wave_column()
waves = sorted(survey.data[wave_column].dropna().unique()) if wave_column else []
kinds = pd.Series([column.kind for column in book.columns.values()]).value_counts()
say(lang,
    zh=f"共 **{len(survey)}** 行（每行 = 一位受访者对一个服务部门的评价），"
       f"{groups.get('provider', 0)} 个服务部门、{groups.get('department', 0)} 个业务部门；"
       + (f"调查波次：{'、'.join(waves)}。" if waves else "只有一次调查（一个波次）。"),
    en=f"**{len(survey)}** rows (one respondent rating one provider), "
       f"{groups.get('provider', 0)} providers and {groups.get('department', 0)} receiving departments; "
       + (f"survey waves: {', '.join(waves)}." if waves else "a single survey wave."))
kinds.rename_axis(pick(lang, "列类型", "column kind")).rename(pick(lang, "列数", "columns")).to_frame()
'''),
        code('''
sizes = group_counts(survey, "department")
checked = kl.suppress_small_groups(sizes, "department", min_n=min_group_size)
hidden = int(checked["suppressed"].sum())
shown = checked.loc[~checked["suppressed"], ["department", "n"]]
display(shown.assign(department=[book.value_label("department", value, lang) for value in shown["department"]]).rename(
    columns={"department": pick(lang, "业务部门", "department")}))
say(lang,
    zh=f"为保护匿名，{hidden} 个业务部门不单独显示（少于 {min_group_size} 人，或为防止用总数反推而一并隐藏）。",
    en=f"To keep respondents anonymous, {hidden} department(s) are not shown on their own "
       f"(fewer than {min_group_size} respondents, or hidden so that such a group cannot be worked out from the total).")
'''),
        code('''
quality = survey.quality
flagged = quality[quality["action"] == "flagged"]["issue"].value_counts()
say(lang,
    zh=f"数据质量：排除 {int((quality['action'] == 'excluded').sum())} 行；标记 {len(flagged)} 类问题"
       + ("：" + "；".join(f"{issue}（{count}）" for issue, count in flagged.items()) if len(flagged) else "") + "。",
    en=f"Data quality: {int((quality['action'] == 'excluded').sum())} rows excluded; {len(flagged)} kinds of flags"
       + (": " + "; ".join(f"{issue} ({count})" for issue, count in flagged.items()) if len(flagged) else "") + ".")
'''),
        md("""
## 如何运行 / How to run

- 交互式学习 / interactively: `make lab`，然后按编号打开 `notebooks/` 中的各章 / then open the chapters in order;
- 换案例或语言 / another case or language: 修改参数单元格，或 / edit the parameters cell, or
  `papermill notebooks/02_service_gaps.ipynb out.ipynb -p case bank -p lang en`;
- 自己的数据 / your own data: `-p data_path my.csv -p codebook_path my.yaml`（格式见 `datasets/*/codebook.yaml` / format as in the shipped codebooks）；
- 批量报告 / batch reports: `make report` 或 / or `kitlib report --case bank --by provider --lang en --out reports`.
"""),
        code('''
say(lang,
    zh="本章结束。下一章：**01 SERVQUAL 量表验证**——先确认问卷测的是它想测的东西，再解读分数。",
    en="End of chapter. Next: **01 SERVQUAL validation** — first check that the questionnaire measures what it claims, then read the scores.")
'''),
    ],
)


# ---------------------------------------------------------------- 02 service gaps
GAPS = chapter(
    "# 02 服务差距 / Service gaps\n\n内部客户期望的和感受到的，差多少？ / How far do perceptions fall short of expectations?",
    """
**你将学到 / What you will learn**

- SERVQUAL 差距 = 感知 P − 期望 E，负值表示服务没有达到期望 / the gap P − E, negative = falling short;
- 用配对 t 检验和效应量 d_z 判断差距是否可信、是否重要 / paired t-test and effect size d_z;
- 按重要性加权的总分 / the importance-weighted overall score;
- 服务部门的自我评价与内部客户评价之差（“盲点”） / the provider's self-view gap (blind spot).
""",
    [
        md("## 五个维度的差距 / Gaps of the five dimensions"),
        code("""
gaps = kl.servqual_gaps(survey, min_group_size=min_group_size, confidence=1 - alpha_level)
dimensions = gaps.dimensions.assign(label=gaps.dimensions[f"label_{lang}"]).set_index("label")
dimensions[["n", "E", "P", "gap", "ci_low", "ci_high", "p", "d_z"]]
"""),
        code("""
kl.plot.gap_bars(gaps, lang=lang)
plt.show()
"""),
        code("""
worst = dimensions["gap"].idxmin()
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
"""),
        md("## 加权总分 / Weighted overall score\n\n每位受访者把 100 分分配给五个维度；加权差距 = Σ 权重 × 维度差距。"
           " / Each respondent allocates 100 points to the five dimensions; the weighted gap is Σ weight × dimension gap."),
        code("""
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
"""),
        md("## 条目层面 / Items\n\n蛇形图：每个条目的期望 E 与感知 P。 / Snake chart: expectation E and perception P of every item."),
        code("""
kl.plot.snake_chart(gaps, lang=lang)
plt.show()
"""),
        code("""
items = gaps.items.assign(label=gaps.items[f"label_{lang}"])
worst_items = items.nsmallest(5, "gap").set_index("P_item")[["label", "E", "P", "gap", "p"]]
display(worst_items)
say(lang,
    zh="差距最大的五个条目：" + "；".join(f"{key}（{row.gap:.2f}）" for key, row in worst_items.iterrows()) + "。",
    en="The five items with the largest gaps: " + "; ".join(f"{key} ({row.gap:.2f})" for key, row in worst_items.iterrows()) + ".")
"""),
        md("## 各服务部门 / By provider"),
        code("""
if provider or survey.data["provider"].nunique() < 2:
    say(lang, zh="本次只分析一个服务部门，跳过部门比较。", en="A single provider is analysed here, so there is no comparison.")
else:
    by_provider = visible(kl.servqual_gaps(survey, by="provider", min_group_size=min_group_size).dimensions)
    grid = dimension_grid(by_provider, "provider", "gap", book, lang).rename_axis(index=pick(lang, "服务部门", "provider"))
    limit = grid.abs().max().max()
    display(grid.style.format("{:.2f}").background_gradient(cmap="RdBu", vmin=-limit, vmax=limit, axis=None))
    weakest = grid.stack().idxmin()
    say(lang,
        zh=f"最需要改进的组合：**{weakest[0]}** 的 **{weakest[1]}**（{grid.loc[weakest]:.2f}）。",
        en=f"The weakest combination: **{weakest[0]}** on **{weakest[1]}** ({grid.loc[weakest]:.2f}).")
"""),
        md("## 谁对谁不满意？ / Who is dissatisfied with whom?\n\n服务部门 × 业务部门的总差距；人数太少的格子留空，人数太少的业务部门整列不显示。"
           " / Overall gap of every provider × receiving department; cells with too few respondents stay blank and departments "
           "too small to show are left out."),
        code("""
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
    pair = table.stack().idxmin()
    say(lang,
        zh=f"{len(hidden)} 个业务部门因人数太少未显示。最不满意的组合：**{pair[1]}** 对 **{pair[0]}**（{table.loc[pair]:.2f}）。",
        en=f"{len(hidden)} department(s) are too small to show. The least satisfied pair: **{pair[1]}** with **{pair[0]}** ({table.loc[pair]:.2f}).")
"""),
        md("## 服务部门的自我评价 / The provider's self-view\n\n服务部门员工用同样的 22 个感知条目给自己打分。"
           "自评差距 = 内部客户感知 − 自评；负值表示服务部门把自己看得比客户看到的更好（盲点）。"
           " / Provider staff rate themselves on the same perception items; self-view gap = receivers' P − self P, negative = a blind spot."),
        code("""
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
"""),
        md("## 小结 / Summary"),
        code("""
focus = items[items["dimension"] == dimensions.at[worst, "dimension"]].nsmallest(1, "gap").iloc[0]
say(lang,
    zh=f"- 最大差距：**{worst}**（{dimensions.at[worst, 'gap']:.2f}）。\\n"
       f"- 先从这个维度里差距最大的条目入手（{focus['P_item']}：{focus['label']}，{focus['gap']:.2f}），制定可测量的改进目标。\\n"
       "- 下一章用 KANO 判断哪些功能是“必须做好”的，哪些是“做了会惊喜”的。",
    en=f"- Largest gap: **{worst}** ({dimensions.at[worst, 'gap']:.2f}).\\n"
       f"- Start with the item that falls shortest in it ({focus['P_item']}: {focus['label']}, {focus['gap']:.2f}) and set a measurable target.\\n"
       "- The next chapter uses KANO to tell features that must work from features that delight.")
"""),
    ],
)

# ---------------------------------------------------------------- 03 KANO
KANO = chapter(
    "# 03 KANO 模型 / The KANO model\n\n哪些功能必须做好，哪些功能做了会让人惊喜？ / Which features must work, which ones delight?",
    """
**你将学到 / What you will learn**

- KANO 的正反向问题和五种类别：必备型 M、期望型 O、魅力型 A、无差异型 I、反向型 R / the paired questions and the categories;
- 用 Better / Worse 系数画出“满意度影响图” / the better-worse map;
- Fong 检验：类别是否真的明确 / Fong's test of a clear category;
- 对必备型和魅力型功能分别该怎么做 / what to do with must-be versus attractive features.
""",
    [
        md("## 分类结果 / Classification\n\n每个功能都问两遍：“如果有这个功能，你觉得如何？”（正向）和“如果没有呢？”（反向），"
           "两个答案在 KANO 评价表中组合成一个类别。 / Each feature is asked twice (functional and dysfunctional); "
           "the pair of answers gives a category in the KANO evaluation table."),
        code("""
has_kano = bool(book.kano_pairs())
if has_kano:
    kano = kl.kano_table(survey, min_group_size=min_group_size)
    kano = kano.assign(label=kano[f"label_{lang}"], kind=kano[f"category_{lang}"])
    display(kano.set_index(["feature", "label"])[["A", "O", "M", "I", "R", "Q", "n", "kind", "better", "worse", "fong_significant"]])
else:
    say(lang, zh="这份问卷没有 KANO 题目（codebook 中没有 kano_functional / kano_dysfunctional 列），本章没有可分析的内容。",
        en="This questionnaire has no KANO questions (no kano_functional / kano_dysfunctional columns in the codebook); "
           "this chapter has nothing to analyse.")
"""),
        code("""
if has_kano:
    kl.plot.kano_map(kl.kano_table(survey, min_group_size=min_group_size), lang=lang)
    plt.show()
"""),
        md("## 该怎么做 / What to do\n\n"
           "- **必备型 M**：做好了没人夸，做不好人人骂——先保证零失误；\n"
           "- **期望型 O**：做得越好越满意——持续改进、设定目标值；\n"
           "- **魅力型 A**：没有不会抱怨，有了会惊喜——在必备型稳定之后再投入；\n"
           "- **无差异型 I / 反向型 R**：不投入，反向型甚至应停止或改为可选。\n\n"
           "*Must-be: nobody praises it, everyone complains without it — secure it first. One-dimensional: more is better — "
           "improve continuously. Attractive: delights, but only after the must-bes are secure. Indifferent / reverse: do not invest; "
           "stop or make optional the reverse ones.*"),
        code("""
if has_kano:
    def features(category):
        chosen = kano[kano["category"] == category]
        return "、".join(chosen["label"]) if lang == "zh" else ", ".join(chosen["label"])

    counts = kano["category"].value_counts()
    unclear = kano[~kano["fong_significant"].astype(bool)]
    lines_zh, lines_en = [], []
    for category, zh, en in [("M", "必备型（先保证零失误）", "Must-be (secure first)"),
                             ("O", "期望型（持续改进）", "One-dimensional (improve continuously)"),
                             ("A", "魅力型（必备型稳定后投入）", "Attractive (invest once must-bes are secure)"),
                             ("I", "无差异型（不投入）", "Indifferent (do not invest)"),
                             ("R", "反向型（停止或改为可选）", "Reverse (stop or make optional)")]:
        if counts.get(category, 0):
            lines_zh.append(f"- **{zh}**：{features(category)}")
            lines_en.append(f"- **{en}**: {features(category)}")
    say(lang, zh="\\n".join(lines_zh), en="\\n".join(lines_en))
    say(lang,
        zh=(f"Fong 检验：{len(unclear)} 个功能的前两个类别差异不显著（{('、'.join(unclear['label']))}），"
            "说明内部客户意见分化，可按部门进一步细分。") if len(unclear) else "Fong 检验：所有功能的类别都明确。",
        en=(f"Fong's test: for {len(unclear)} feature(s) the two most frequent categories do not differ significantly "
            f"({', '.join(unclear['label'])}); receivers disagree, so look at departments separately.") if len(unclear)
           else "Fong's test: every feature has a clear category.")
"""),
        code("""
if has_kano:
    must = kano[kano["category"] == "M"].sort_values("worse")
    attractive = kano[kano["category"] == "A"].sort_values("better", ascending=False)
    say(lang,
        zh=(f"优先级：先确保必备型的 **{must.iloc[0]['label']}**（Worse = {must.iloc[0]['worse']:.2f}，缺了它最让人不满）"
            if len(must) else "没有必备型功能；")
           + (f"，之后再考虑魅力型的 **{attractive.iloc[0]['label']}**（Better = {attractive.iloc[0]['better']:.2f}）。"
              if len(attractive) else "。没有魅力型功能。"),
        en=(f"Priority: first secure the must-be **{must.iloc[0]['label']}** (Worse = {must.iloc[0]['worse']:.2f}, its absence hurts most)"
            if len(must) else "There is no must-be feature")
           + (f", then consider the attractive **{attractive.iloc[0]['label']}** (Better = {attractive.iloc[0]['better']:.2f})."
              if len(attractive) else ". There is no attractive feature."))
"""),
    ],
)

# ---------------------------------------------------------------- report (kitlib report)
def report_notebook(cells: list) -> nbformat.NotebookNode:
    """The batch-report notebook: every text comes from code cells in one language (inputs are hidden in HTML)."""
    notebook = chapter("", "", cells, extra_parameters='summary_path = ""     # where kitlib report collects the key figures (JSON)')
    notebook.cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    notebook.cells[1].source = SETUP  # the report announces its scope under its own title
    return notebook


REPORT = report_notebook([
    code("""
title = book.title.get(lang) or book.name
scope_text = {"provider": pick(lang, "服务部门", "provider"), "department": pick(lang, "业务部门", "department"),
              "wave": pick(lang, "调查波次", "wave")}
scope_columns = {"provider": "provider", "department": "department", "wave": full_survey.wave_column() or "wave"}
restricted = [f"{scope_text[name]}: {book.value_label(scope_columns[name], value, lang)}" for name, value in
              {"provider": provider, "department": department, "wave": wave}.items() if value]
excluded = int((survey.quality["action"] == "excluded").sum())
pooled = bool(full_survey.wave_column()) and survey.data[full_survey.wave_column()].nunique() >= 2
join = pick(lang, "、", ", ")
say(lang,
    zh=f"# {title}\\n\\n**范围**：{'；'.join(restricted) if restricted else '全部数据'}。样本 {len(survey)} 行"
       f"{f'（另有 {excluded} 行因数据错误被排除）' if excluded else ''}{'，各次调查合并计算（变化见“前后对比”）' if pooled else ''}；"
       f"少于 {min_group_size} 人的组不单独显示。",
    en=f"# {title}\\n\\n**Scope**: {'; '.join(restricted) if restricted else 'all data'}. {len(survey)} rows"
       f"{f' ({excluded} rows with invalid data excluded)' if excluded else ''}{', all survey waves pooled (changes: see *Before and after*)' if pooled else ''}; "
       f"groups of fewer than {min_group_size} respondents are not shown.")
"""),
    code("""
gaps = kl.servqual_gaps(survey, min_group_size=min_group_size, confidence=1 - alpha_level)
dimensions = gaps.dimensions.assign(label=gaps.dimensions[f"label_{lang}"]).set_index("label")
worst = dimensions["gap"].idxmin()
worst_key = dimensions.at[worst, "dimension"]
overall = gaps.overall.set_index("score")["gap"]
nps_columns = book.items("nps")
nps_result = kl.nps(survey.data[nps_columns[0]].dropna(), confidence=1 - alpha_level) if nps_columns else None
csi_value = kl.csi(survey).csi
say(lang,
    zh="## 关键数字\\n\\n"
       f"- 服务质量总差距（P − E）：**{overall['unweighted']:.2f}**"
       + (f"，按重要性加权 **{overall['weighted']:.2f}**" if "weighted" in overall else "") + "\\n"
       f"- 差距最大的维度：**{worst}**（{dimensions.at[worst, 'gap']:.2f}）\\n"
       + (f"- NPS：**{nps_result.nps:+.0f}**（{1 - alpha_level:.0%} 置信区间 {nps_result.ci_low:+.0f} ~ {nps_result.ci_high:+.0f}，n = {nps_result.n}）\\n"
          if nps_result else "- NPS：问卷中没有推荐意愿题\\n")
       + f"- CSI 满意度指数：**{csi_value:.1f}** / 100",
    en="## Key figures\\n\\n"
       f"- Overall service-quality gap (P − E): **{overall['unweighted']:.2f}**"
       + (f", importance-weighted **{overall['weighted']:.2f}**" if "weighted" in overall else "") + "\\n"
       f"- Largest gap: **{worst}** ({dimensions.at[worst, 'gap']:.2f})\\n"
       + (f"- NPS: **{nps_result.nps:+.0f}** ({1 - alpha_level:.0%} CI {nps_result.ci_low:+.0f} to {nps_result.ci_high:+.0f}, n = {nps_result.n})\\n"
          if nps_result else "- NPS: the questionnaire has no recommendation question\\n")
       + f"- CSI: **{csi_value:.1f}** / 100")
"""),
    code("""
cutoffs = {"alpha": 0.70, "r_drop": 0.30, "cfi": 0.95, "tli": 0.95, "rmsea": 0.06, "srmr": 0.08, "cfa_n": 100}
say(lang,
    zh="## 量表可信吗？\\n\\n只有量表可靠，下面的分数才值得解读。标准：每个维度 Cronbach's α ≥ "
       f"{cutoffs['alpha']:.2f}；条目的校正后条目—总分相关 r_drop ≥ {cutoffs['r_drop']:.2f}；五因子验证性因子分析（CFA）"
       f"CFI ≥ {cutoffs['cfi']:.2f}、TLI ≥ {cutoffs['tli']:.2f}、RMSEA ≤ {cutoffs['rmsea']:.2f}、SRMR ≤ {cutoffs['srmr']:.2f}"
       "（Hu & Bentler, 1999, *Structural Equation Modeling* 6(1), 1–55）。",
    en="## Can we trust the scales?\\n\\nThe scores below are worth reading only if the scales hold up. Cut-offs: Cronbach's α ≥ "
       f"{cutoffs['alpha']:.2f} per dimension; corrected item-total correlation r_drop ≥ {cutoffs['r_drop']:.2f} per item; "
       f"five-factor confirmatory factor analysis (CFA) CFI ≥ {cutoffs['cfi']:.2f}, TLI ≥ {cutoffs['tli']:.2f}, "
       f"RMSEA ≤ {cutoffs['rmsea']:.2f}, SRMR ≤ {cutoffs['srmr']:.2f} "
       "(Hu & Bentler, 1999, *Structural Equation Modeling* 6(1), 1–55).")
"""),
    code("""
perceptions = survey.servqual("P")
model = {name: book.servqual_model("P")[name] for name in dimension_order(book)}
complete = len(perceptions.dropna())
if complete < cutoffs["cfa_n"]:
    say(lang,
        zh=f"只有 {complete} 份完整的感知题答卷（至少需要 {cutoffs['cfa_n']} 份），本报告不检验量表；请以全部数据的报告为准。",
        en=f"Only {complete} complete sets of perception answers (at least {cutoffs['cfa_n']} needed), so this report does not "
           "check the scales; rely on the report of all data.")
else:
    reliability = kl.reliability(perceptions, model, ci=1 - alpha_level)
    fit = kl.cfa(perceptions, model).fit
    items = pd.concat([kl.item_analysis(perceptions, members).assign(dimension=name) for name, members in model.items()])
    fit_checks = {"CFI": fit["cfi"] >= cutoffs["cfi"], "TLI": fit["tli"] >= cutoffs["tli"],
                  "RMSEA": fit["rmsea"] <= cutoffs["rmsea"], "SRMR": fit["srmr"] <= cutoffs["srmr"]}
    display(pd.DataFrame({"α": reliability["alpha"], "ω": reliability["omega_total"], "n": reliability["n"]})
            .rename(index=lambda name: book.label(name, lang)).rename_axis(None)
            .style.format({"α": "{:.2f}", "ω": "{:.2f}", "n": "{:.0f}"}))
    display(fit[["cfi", "tli", "rmsea", "srmr"]].rename(str.upper).to_frame(pick(lang, "CFA 拟合", "CFA fit")).T
            .assign(n=int(fit["n"])).style.format("{:.3f}", subset=["CFI", "TLI", "RMSEA", "SRMR"]))
    low_alpha = [book.label(name, lang) for name in reliability.index[reliability["alpha"] < cutoffs["alpha"]]]
    failed = [name for name, passed in fit_checks.items() if not passed]
    weakest = items["r_drop"].idxmin()
    weak_row = items.loc[weakest]
    weak_dimension = book.label(weak_row["dimension"], lang)
    weak_alpha = reliability.at[weak_row["dimension"], "alpha"]
    is_weak = weak_row["r_drop"] < cutoffs["r_drop"]
    verdict = ("use" if low_alpha or failed else "weak_item" if is_weak else "trust")
    verdicts = {"trust": pick(lang, "量表可信", "the scales can be trusted"),
                "weak_item": pick(lang, "量表整体可信，但有一个弱条目", "the scales can be trusted, apart from one weak item"),
                "use": pick(lang, "量表需谨慎使用", "use the scales with care")}
    say(lang,
        zh=f"**结论：{verdicts[verdict]}。** α 在 {reliability['alpha'].min():.2f}–{reliability['alpha'].max():.2f} 之间"
           + (f"（低于 {cutoffs['alpha']:.2f}：{join.join(low_alpha)}）" if low_alpha else f"，全部 ≥ {cutoffs['alpha']:.2f}")
           + f"；CFA：CFI = {fit['cfi']:.3f}，TLI = {fit['tli']:.3f}，RMSEA = {fit['rmsea']:.3f}，SRMR = {fit['srmr']:.3f}，"
           + ("四项全部达标。" if not failed else f"未达标：{join.join(failed)}。")
           + f"最弱的条目是 **{weakest}**（{book.label(weakest, 'zh')}，{weak_dimension}）：r_drop = {weak_row['r_drop']:.2f}"
           + (f"，低于 {cutoffs['r_drop']:.2f}；去掉它，{weak_dimension}的 α 将从 {weak_alpha:.2f} 变为 {weak_row['alpha_if_deleted']:.2f}。"
              f"解读{weak_dimension}时要谨慎，下次调查前改写该题。" if is_weak else f"，仍达到 {cutoffs['r_drop']:.2f}，无需处理。"),
        en=f"**Verdict: {verdicts[verdict]}.** Alpha ranges {reliability['alpha'].min():.2f}–{reliability['alpha'].max():.2f}"
           + (f" (below {cutoffs['alpha']:.2f}: {join.join(low_alpha)})" if low_alpha else f", all ≥ {cutoffs['alpha']:.2f}")
           + f"; CFA: CFI = {fit['cfi']:.3f}, TLI = {fit['tli']:.3f}, RMSEA = {fit['rmsea']:.3f}, SRMR = {fit['srmr']:.3f}, "
           + ("all four meet their cut-offs. " if not failed else f"not met: {join.join(failed)}. ")
           + f"The weakest item is **{weakest}** ({book.label(weakest, 'en')}, {weak_dimension}): r_drop = {weak_row['r_drop']:.2f}"
           + (f", below {cutoffs['r_drop']:.2f}; without it the alpha of {weak_dimension} would go from {weak_alpha:.2f} to "
              f"{weak_row['alpha_if_deleted']:.2f}. Read {weak_dimension} with care and reword the item before the next survey."
              if is_weak else f", still at least {cutoffs['r_drop']:.2f}: no action needed."))
"""),
    code("""
say(lang, zh="## 服务差距", en="## Service gaps")
kl.plot.gap_bars(gaps, lang=lang)
plt.show()
shortfalls = dimensions[(dimensions["p"] < alpha_level) & (dimensions["gap"] < 0)]
say(lang,
    zh=f"{len(shortfalls)} / {len(dimensions)} 个维度显著低于期望（α = {alpha_level}）。最需改进：**{worst}**。",
    en=f"{len(shortfalls)} of {len(dimensions)} dimensions fall significantly short of expectations (α = {alpha_level}). "
       f"Most in need of improvement: **{worst}**.")
"""),
    code("""
compare = "department" if provider or not department else "provider"
by_group = visible(kl.servqual_gaps(survey, by=compare, min_group_size=min_group_size).dimensions)
if by_group.empty or by_group[compare].nunique() < 2:
    say(lang, zh="可比较的组不足两个，略去分组比较。", en="Fewer than two groups can be shown, so there is no group comparison.")
else:
    grid = dimension_grid(by_group, compare, "gap", book, lang).rename_axis(index=scope_text[compare])
    limit = grid.abs().max().max()
    say(lang, zh=f"### 各{scope_text[compare]}的差距（P − E）", en=f"### Gap (P − E) by {scope_text[compare]}")
    display(grid.style.format("{:.2f}").background_gradient(cmap="RdBu", vmin=-limit, vmax=limit, axis=None))
    weakest_pair = grid.stack().idxmin()
    say(lang,
        zh=f"最弱的组合：**{weakest_pair[0]}** 的 **{weakest_pair[1]}**（{grid.loc[weakest_pair]:.2f}）。",
        en=f"Weakest combination: **{weakest_pair[0]}** on **{weakest_pair[1]}** ({grid.loc[weakest_pair]:.2f}).")
"""),
    code("""
has_allocation = any(book.columns[column].dimension for column in book.items("importance"))
focus = []
if has_allocation or book.items("overall"):
    grid_result = kl.ipa(survey, importance="stated" if has_allocation else "derived", min_group_size=min_group_size)
    say(lang, zh="### 重点改进在哪里？（IPA）", en="### Where to concentrate (IPA)")
    kl.plot.ipa_grid(grid_result, lang=lang)
    plt.show()
    if not grid_result.suppressed:
        quadrants = grid_result.table.set_index("unit")
        focus = [book.label(name, lang) for name in quadrants.index[quadrants["quadrant"] == "concentrate"]]
        keep_up = [book.label(name, lang) for name in quadrants.index[quadrants["quadrant"] == "keep_up"]]
        say(lang,
            zh=f"落在“重点改进”象限（重要性高于平均、表现低于平均）的维度：**{join.join(focus) or '无'}**；"
               f"“继续保持”：{join.join(keep_up) or '无'}。"
               f"（重要性：{'受访者的 100 分分配' if grid_result.importance_kind == 'stated' else '与总体满意度的相关'}。）",
            en=f"In the *concentrate here* quadrant (above-average importance, below-average performance): **{join.join(focus) or 'none'}**; "
               f"*keep up the good work*: {join.join(keep_up) or 'none'}. "
               f"(Importance: {'the respondents’ 100-point allocation' if grid_result.importance_kind == 'stated' else 'correlation with overall satisfaction'}.)")
"""),
    code("""
from dataclasses import replace

if not provider and not department and {"provider", "department"} <= set(survey.data.columns):
    matrix = kl.provider_matrix(survey, value="gap", min_group_size=min_group_size)
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
        pair = table.stack().idxmin()
        row_name, column_name = book.value_label("provider", pair[0], lang), book.value_label("department", pair[1], lang)
        hidden_count = len(withheld["provider"]) + len(withheld["department"])
        grey = bool(table.isna().any().any())
        say(lang,
            zh=f"差距最大的组合：**{column_name}** 对 **{row_name}**（{table.loc[pair]:.2f}；所有显示组合的平均为 "
               f"{table.stack().mean():.2f}）。{hidden_count} 个部门因人数太少（或为防止反推）未显示" + ("；灰色格子同理。" if grey else "。"),
            en=f"The largest gap is between **{column_name}** and its provider **{row_name}** ({table.loc[pair]:.2f}; mean of all shown "
               f"pairs {table.stack().mean():.2f}). {hidden_count} group(s) too small to show (or hidden to protect one) are left out"
               + ("; grey cells likewise." if grey else "."))
"""),
    code("""
if nps_columns:
    nps_by = "department" if provider else "provider"
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
            zh=f"NPS 最低：**{low[name]}**（{low['nps']:+.0f}），最高：**{high[name]}**（{high['nps']:+.0f}）；"
               + ("两者的置信区间重叠，差异可能只是抽样波动。" if overlap else "两者的置信区间不重叠，差异可信。")
               + (f"{left_out} 个组因人数太少（或为防止反推）未显示。" if left_out else ""),
            en=f"Lowest NPS: **{low[name]}** ({low['nps']:+.0f}); highest: **{high[name]}** ({high['nps']:+.0f}); "
               + ("their confidence intervals overlap, so the difference may be sampling noise." if overlap
                  else "their confidence intervals do not overlap, so the difference is real.")
               + (f" {left_out} group(s) too small to show (or hidden to protect one) are left out." if left_out else ""))
"""),
    code("""
must = pd.DataFrame(columns=["label", "worse"])
if book.kano_pairs():
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
            zh=f"- 必备型（先保证零失误）：{join.join(f'{row.label}（|Worse| = {-row.worse:.2f}）' for row in must.itertuples()) or '无'}\\n"
               f"- 魅力型（必备型稳定后再投入）：{join.join(attractive['label']) or '无'}\\n"
               f"- 反向型（停止或改为可选）：{join.join(reverse['label']) or '无'}\\n\\n"
               + (f"必备型功能缺了会引起不满、做好了也不会被夸奖：**{must.iloc[0]['label']}** 缺失时最伤满意度。"
                  "问卷问的是“有/没有它时的感受”，并不说明它现在是否已经做到——请逐项核实这些必备型功能目前是否达标。"
                  if len(must) else "没有必备型功能。"),
            en=f"- Must-be (secure first): {join.join(f'{row.label} (|Worse| = {-row.worse:.2f})' for row in must.itertuples()) or 'none'}\\n"
               f"- Attractive (invest once the must-bes are secure): {join.join(attractive['label']) or 'none'}\\n"
               f"- Reverse (stop or make optional): {join.join(reverse['label']) or 'none'}\\n\\n"
               + (f"Must-be features cause dissatisfaction when missing and earn no praise when present: the absence of "
                  f"**{must.iloc[0]['label']}** hurts most. The survey asks how receivers would feel with or without each feature, "
                  "not whether it is delivered today, so check each must-be feature against its current service level."
                  if len(must) else "There is no must-be feature."))
"""),
    code("""
if survey.self_assessment is not None and not survey.self_assessment.empty:
    self_view = visible(kl.self_view_gap(survey, min_group_size=min_group_size, confidence=1 - alpha_level))
    if not self_view.empty:
        by_dimension = self_view.groupby(f"label_{lang}")["self_view_gap"].mean().sort_values()
        say(lang,
            zh=f"## 自我评价\\n\\n服务部门自评平均比内部客户的评价高 **{-self_view['self_view_gap'].mean():.2f}** 分；"
               f"盲点最大的维度：**{by_dimension.index[0]}**（{by_dimension.iloc[0]:.2f}）。",
            en=f"## Self-view\\n\\nProviders rate themselves **{-self_view['self_view_gap'].mean():.2f}** points higher than their receivers do; "
               f"largest blind spot: **{by_dimension.index[0]}** ({by_dimension.iloc[0]:.2f}).")
"""),
    code("""
wave_column = survey.wave_column()
changes = None
if wave_column and survey.data[wave_column].nunique() >= 2:
    trend_result = kl.trend(survey, min_group_size=min_group_size, confidence=1 - alpha_level)
    changes = visible(trend_result.changes).set_index("measure")
    first, last = (book.value_label(wave_column, name, lang) for name in (trend_result.waves[0], trend_result.waves[-1]))
    say(lang, zh=f"## 前后对比（{first} → {last}）", en=f"## Before and after ({first} → {last})")
    kl.plot.trend_chart(trend_result, lang=lang)
    plt.show()
    significant = changes["significant"].astype(bool)
    improved = changes[significant & (changes["diff"] > 0)]
    worsened = changes[significant & (changes["diff"] < 0)]
    steady = changes[~significant]

    def listed(rows):
        return join.join(f"{row[f'label_{lang}']} ({row['diff']:+.2f})" if name != "nps" else f"{row[f'label_{lang}']} ({row['diff']:+.0f})"
                         for name, row in rows.iterrows())

    say(lang,
        zh=f"在 α = {alpha_level} 水平上显著提高：**{listed(improved) or '无'}**；显著下降：{listed(worsened) or '无'}；"
           f"无显著变化：{join.join(steady[f'label_{lang}']) or '无'}。（括号内为后一次减前一次。）",
        en=f"Significant improvements at α = {alpha_level}: **{listed(improved) or 'none'}**; significant declines: {listed(worsened) or 'none'}; "
           f"no significant change: {join.join(steady[f'label_{lang}']) or 'none'}. (Brackets: later minus earlier wave.)")
"""),
    code("""
focus_item = gaps.items[gaps.items["dimension"] == worst_key].nsmallest(1, "gap").iloc[0]
must_names = list(must["label"][:3])
kpis = [pick(lang, f"{worst}差距（{dimensions.at[worst, 'gap']:.2f}）", f"{worst} gap ({dimensions.at[worst, 'gap']:.2f})")]
kpis += [pick(lang, f"NPS（{nps_result.nps:+.0f}）", f"NPS ({nps_result.nps:+.0f})")] if nps_result else []
kpis += [pick(lang, f"CSI（{csi_value:.1f}）", f"CSI ({csi_value:.1f})")]
if changes is not None and worst_key in changes.index:
    worst_change = changes.loc[worst_key]
    moved = bool(worst_change["significant"])
    check_zh = (f"{first} → {last} 期间{worst}的感知得分变化 {worst_change['diff']:+.2f}（{'显著' if moved else '不显著'}），"
                "复测看它是否继续改善。")
    check_en = (f"From {first} to {last} the {worst} perception changed by {worst_change['diff']:+.2f} "
                f"({'significant' if moved else 'not significant'}); the re-survey shows whether it keeps improving.")
    dimension_changes = changes.loc[[name for name in dimension_order(book) if name in changes.index]]
    better = dimension_changes[dimension_changes["significant"].astype(bool) & (dimension_changes["diff"] > 0)]
    rest = dimension_changes.drop(index=better.index)
    act_zh = ((f"把带来显著改善（{join.join(better[f'label_{lang}'])}）的做法写入服务标准" if len(better) else "没有维度显著改善")
              + (f"；{join.join(rest[f'label_{lang}'])}回到“计划”。" if len(rest) else "。"))
    act_en = ((f"make the practices behind the significant improvements ({join.join(better[f'label_{lang}'])}) standard" if len(better)
               else "no dimension improved significantly") + (f"; take {join.join(rest[f'label_{lang}'])} back to *Plan*." if len(rest) else "."))
else:
    check_zh = check_en = ""
    act_zh = f"若复测时{worst}的差距显著缩小，把措施写入服务标准；否则回到“计划”重新分析原因。"
    act_en = f"if the re-survey shows the {worst} gap significantly smaller, make the measures standard practice; otherwise go back to *Plan*."
say(lang,
    zh="## 下一步（PDCA）\\n\\n"
       f"1. **计划 Plan**：以差距最大的**{worst}**（{dimensions.at[worst, 'gap']:.2f}）为改进目标，从其中差距最大的条目 "
       f"{focus_item['P_item']}（{focus_item['label_zh']}，{focus_item['gap']:.2f}）入手，定出可测量的目标值。\\n"
       + (f"2. **执行 Do**：逐项核实并保证必备型功能：{join.join(must_names)}。\\n" if must_names
          else f"2. **执行 Do**：针对{worst}的条目落实改进措施。\\n")
       + f"3. **检查 Check**：用同一问卷复测，比较：{join.join(kpis)}。{check_zh}\\n"
       f"4. **处理 Act**：{act_zh}",
    en="## What to do next (PDCA)\\n\\n"
       f"1. **Plan**: target the largest gap, **{worst}** ({dimensions.at[worst, 'gap']:.2f}); start with its item of largest gap "
       f"{focus_item['P_item']} ({focus_item['label_en']}, {focus_item['gap']:.2f}) and set a measurable target.\\n"
       + (f"2. **Do**: check and secure the must-be features: {join.join(must_names)}.\\n" if must_names
          else f"2. **Do**: carry out the improvements on the {worst} items.\\n")
       + f"3. **Check**: re-survey with the same questionnaire and compare {join.join(kpis)}. {check_en}\\n"
       f"4. **Act**: {act_en[0].upper() + act_en[1:]}")
"""),
    code("""
record_summary(summary_path, title=title, n=len(survey), csi=csi_value, nps=nps_result.nps if nps_result else None,
               largest_gap_dimension=worst, largest_gap=float(dimensions.at[worst, "gap"]),
               overall_gap=float(overall["unweighted"]))
"""),
])

# ---------------------------------------------------------------- 04 NPS / CSI / IPA
INDICES = chapter(
    "# 04 NPS、CSI 与 IPA / NPS, CSI and IPA\n\n三个管理层常问的数字，以及下一步该把资源投向哪里。"
    " / Three numbers management asks for, and where to put resources next.",
    """
**你将学到 / What you will learn**

- NPS（净推荐值）：推荐者 9–10 分减去贬损者 0–6 分，以及它的置信区间 / NPS and its confidence interval;
- CSI（满意度指数）：按重要性加权的感知得分，换算到 0–100 / the 0–100 satisfaction index;
- IPA（重要性—绩效分析）：四个象限告诉你“重点改进”在哪里 / the importance-performance grid.
""",
    [
        md("## NPS"),
        code("""
has_nps = bool(book.items("nps"))
if not has_nps:
    say(lang, zh="这份问卷没有推荐意愿（NPS）题目，跳过本节。", en="This questionnaire has no recommendation (NPS) question; this section is skipped.")
"""),
        code("""
if has_nps:
    scores = survey.data[book.items("nps")[0]].dropna()
    result = kl.nps(scores, confidence=1 - alpha_level)
    say(lang,
        zh=f"NPS = **{result.nps:+.1f}**（{1 - alpha_level:.0%} 置信区间 {result.ci_low:+.1f} ~ {result.ci_high:+.1f}），"
           f"n = {result.n}：推荐者 {result.promoter_share:.0%}、中立者 {result.passive_share:.0%}、贬损者 {result.detractor_share:.0%}。"
           + ("贬损者多于推荐者。" if result.nps < 0 else "推荐者多于贬损者。"),
        en=f"NPS = **{result.nps:+.1f}** ({1 - alpha_level:.0%} CI {result.ci_low:+.1f} to {result.ci_high:+.1f}), "
           f"n = {result.n}: {result.promoter_share:.0%} promoters, {result.passive_share:.0%} passives, {result.detractor_share:.0%} detractors. "
           + ("Detractors outnumber promoters." if result.nps < 0 else "Promoters outnumber detractors."))
"""),
        code("""
if has_nps:
    compare = "department" if provider else "provider"
    table = visible(kl.nps_table(survey, by=compare, min_group_size=min_group_size, confidence=1 - alpha_level))
    if len(table) >= 2:
        table = table.sort_values("nps")
        kl.plot.nps_bar(table, lang=lang)
        plt.show()
        low, high = table.iloc[0], table.iloc[-1]
        name = f"{compare}_label_{lang}"
        overlap = low["ci_high"] >= high["ci_low"]
        say(lang,
            zh=f"NPS 最低：**{low[name]}**（{low['nps']:+.1f}），最高：**{high[name]}**（{high['nps']:+.1f}）。"
               + ("两者的置信区间重叠，差异可能只是抽样波动。" if overlap else "两者的置信区间不重叠。"),
            en=f"Lowest NPS: **{low[name]}** ({low['nps']:+.1f}); highest: **{high[name]}** ({high['nps']:+.1f}). "
               + ("Their confidence intervals overlap, so the difference may be sampling noise." if overlap
                  else "Their confidence intervals do not overlap."))
"""),
        md("## CSI 满意度指数 / Satisfaction index\n\nCSI = Σ 权重 × 维度感知得分（换算到 0–100）。"
           " / CSI = Σ weight × dimension perception score rescaled to 0–100."),
        code("""
index = kl.csi(survey)
display(index.dimensions.assign(label=index.dimensions[f"label_{lang}"]).set_index("label").drop(
    columns=["dimension", "label_zh", "label_en"]))
largest = index.dimensions.sort_values("weight").iloc[-1]
say(lang,
    zh=f"CSI = **{index.csi:.1f}** / 100（n = {index.n}）。权重最大的维度是 **{largest['label_zh']}**（权重 {largest['weight']:.2f}），"
       "它的得分对 CSI 影响最大。",
    en=f"CSI = **{index.csi:.1f}** / 100 (n = {index.n}). The most heavily weighted dimension is **{largest['label_en']}** "
       f"(weight {largest['weight']:.2f}); its score moves the CSI most.")
"""),
        md("## IPA 重要性—绩效分析 / Importance–performance analysis"),
        code("""
has_allocation = any(book.columns[c].dimension for c in book.items("importance"))
if not has_allocation and not book.items("overall"):
    raise kl.KitError("IPA needs importance: the 100-point allocation columns or an overall-satisfaction column")
grid = kl.ipa(survey, importance="stated" if has_allocation else "derived")
table = grid.table.assign(label=grid.table[f"label_{lang}"], where=grid.table[f"quadrant_{lang}"])
kl.plot.ipa_grid(grid, lang=lang)
plt.show()
table.set_index("label")[["importance", "performance", "where"]]
"""),
        code("""
focus = table[table["quadrant"] == "concentrate"]
overkill = table[table["quadrant"] == "overkill"]
join = "、" if lang == "zh" else ", "
say(lang,
    zh=f"重点改进（重要但做得不好）：**{join.join(focus['label']) or '无'}**；"
       f"可能过度投入（不太重要但做得好）：{join.join(overkill['label']) or '无'}。"
       f"重要性来自{'受访者的 100 分分配' if grid.importance_kind == 'stated' else '与总体满意度的相关（推导重要性）'}。",
    en=f"Concentrate here (important but weak): **{join.join(focus['label']) or 'none'}**; "
       f"possible overkill (less important but strong): {join.join(overkill['label']) or 'none'}. "
       f"Importance is {'the respondents’ 100-point allocation' if grid.importance_kind == 'stated' else 'derived from the correlation with overall satisfaction'}.")
"""),
    ],
)

# ---------------------------------------------------------------- 05 trends and PDCA
TRENDS = chapter(
    "# 05 趋势与 PDCA / Trends and PDCA\n\n改进措施见效了吗？ / Did the improvement work?",
    """
**你将学到 / What you will learn**

- PDCA 循环：计划（找出差距）→ 执行（改进措施）→ 检查（再次调查）→ 处理（固化或调整） / the Plan-Do-Check-Act cycle;
- 比较两次调查的均值和 NPS，并判断变化是否显著 / compare two waves and test the change;
- 只有一次调查时能做什么 / what to do with a single wave.
""",
    [
        md("## 两次调查的比较 / Comparing waves\n\n银行案例在 2025Q4 做了基线调查，之后对后台员工进行服务培训，2026Q2 再次调查。"
           " / The bank ran a baseline survey in 2025Q4, trained its back-office staff, and surveyed again in 2026Q2."),
        code("""
wave_column = full_survey.wave_column()
waves = sorted(full_survey.data[wave_column].dropna().unique()) if wave_column else []
if wave and len(waves) >= 2:
    say(lang, zh=f"参数 wave = {wave} 只选了一次调查；趋势比较使用全部波次。",
        en=f"The parameter wave = {wave} selects one survey; the trend comparison uses all waves.")
trend_survey = select(full_survey, provider=provider, department=department, min_group_size=min_group_size)
has_trend = len(waves) >= 2
if not has_trend:
    say(lang,
        zh="这份数据只有**一次**调查，无法比较前后变化。PDCA 的“检查”需要在改进之后用同一问卷再调查一次；"
           "现在能做的是把本次结果作为**基线**：记录各维度差距、NPS 和 CSI，定出目标值，下次调查时用本章比较。",
        en="These data hold a **single** survey wave, so there is no before/after comparison. The *Check* step of PDCA needs "
           "a second survey with the same questionnaire after the improvement; for now, treat these results as the **baseline**: "
           "record the dimension gaps, NPS and CSI, set targets, and use this chapter after the next survey.")
"""),
        code("""
if has_trend:
    result = kl.trend(trend_survey, min_group_size=min_group_size, confidence=1 - alpha_level)
    changes = result.changes.assign(label=result.changes[f"label_{lang}"]).set_index("label")
    display(changes[["mean_before", "mean_after", "diff", "ci_low", "ci_high", "p", "significant"]])
else:
    baseline = kl.servqual_gaps(trend_survey, min_group_size=min_group_size).dimensions
    display(baseline.assign(label=baseline[f"label_{lang}"]).set_index("label")[["n", "E", "P", "gap"]])
"""),
        code("""
if has_trend:
    kl.plot.trend_chart(result, lang=lang)
    plt.show()
"""),
        code("""
if has_trend:
    improved = changes[changes["significant"].astype(bool) & (changes["diff"] > 0)]
    worsened = changes[changes["significant"].astype(bool) & (changes["diff"] < 0)]
    top = improved[improved["measure"].isin(book.servqual_model("P"))].sort_values("diff", ascending=False)
    join = "、" if lang == "zh" else ", "
    first, last = (book.value_label(wave_column, name, lang) for name in (result.waves[0], result.waves[-1]))
    say(lang,
        zh=f"{first} → {last}：{len(improved)} 项指标显著提高（{join.join(improved.index) or '无'}），"
           f"{len(worsened)} 项显著下降（{join.join(worsened.index) or '无'}）。"
           + (f"五个维度中提高最多的是 **{top.index[0]}**（{top['diff'].iloc[0]:+.2f} 分）。" if len(top) else ""),
        en=f"{first} → {last}: {len(improved)} measure(s) improved significantly ({join.join(improved.index) or 'none'}), "
           f"{len(worsened)} declined significantly ({join.join(worsened.index) or 'none'}). "
           + (f"Among the five dimensions, **{top.index[0]}** improved most ({top['diff'].iloc[0]:+.2f} points)." if len(top) else ""))
"""),
        md("## PDCA 下一步 / The next PDCA step\n\n- **检查 Check**：哪些变化显著？ / which changes are significant?\n"
           "- **处理 Act**：有效的措施写入标准流程；无效的回到计划阶段。 / standardise what worked; re-plan what did not."),
        code("""
if has_trend:
    say(lang,
        zh="有效的改进应固化为标准；没有改善或下降的维度回到“计划”阶段，重新分析原因（第 02、03 章）。",
        en="Standardise the improvements that worked; take the dimensions that did not improve, or declined, back to *Plan* "
           "and analyse their causes again (chapters 02 and 03).")
else:
    worst = baseline.loc[baseline["gap"].idxmin()]
    say(lang,
        zh=f"基线建议：以差距最大的 **{worst['label_zh']}**（{worst['gap']:.2f}）为第一个 PDCA 目标。",
        en=f"Baseline suggestion: make the largest gap, **{worst['label_en']}** ({worst['gap']:.2f}), the first PDCA target.")
"""),
    ],
)

# ---------------------------------------------------------------- 01 SERVQUAL validation
VALIDATION = chapter(
    "# 01 SERVQUAL 量表验证 / Validating the SERVQUAL scale\n\n分数可信吗？问卷测到了五个维度吗？"
    " / Can we trust the scores, and does the questionnaire measure the five dimensions?",
    """
**你将学到 / What you will learn**

- 信度：Cronbach's α（含置信区间）与 McDonald's ω / reliability: alpha with its CI and omega;
- 条目分析：校正后条目—总分相关、删除该条目后的 α，找出“弱条目” / item analysis and the weak item;
- 探索性因子分析（EFA）：KMO、平行分析、因子载荷 / EFA: KMO, parallel analysis, loadings;
- 验证性因子分析（CFA）：拟合指数 CFI、TLI、RMSEA、SRMR / CFA fit indices;
- 效度：组合信度 CR、平均方差抽取量 AVE、Fornell–Larcker 准则和 HTMT / convergent and discriminant validity.
""",
    [
        md("## 1 信度 / Reliability\n\nα ≥ 0.70 一般可接受，≥ 0.80 较好。 / α ≥ 0.70 is usually acceptable, ≥ 0.80 good."),
        code("""
perceptions = survey.servqual("P")
model = {dimension: book.servqual_model("P")[dimension] for dimension in dimension_order(book)}
names = {dimension: book.label(dimension, lang) for dimension in model}
reliability = kl.reliability(perceptions, model, ci=1 - alpha_level).rename(index=names)
reliability
"""),
        code("""
lowest = reliability["alpha"].idxmin()
say(lang,
    zh=f"五个维度的 α 在 {reliability['alpha'].min():.2f} 到 {reliability['alpha'].max():.2f} 之间；"
       f"最低的是 **{lowest}**（α = {reliability.at[lowest, 'alpha']:.2f}，ω = {reliability.at[lowest, 'omega_total']:.2f}）。"
       + ("全部达到 0.70。" if (reliability["alpha"] >= 0.70).all() else "有维度低于 0.70，需要检查其条目。"),
    en=f"Alpha ranges from {reliability['alpha'].min():.2f} to {reliability['alpha'].max():.2f}; "
       f"the lowest is **{lowest}** (α = {reliability.at[lowest, 'alpha']:.2f}, ω = {reliability.at[lowest, 'omega_total']:.2f}). "
       + ("All reach 0.70." if (reliability["alpha"] >= 0.70).all() else "Some dimension is below 0.70; check its items."))
"""),
        md("## 2 条目分析 / Item analysis\n\n弱条目：校正后条目—总分相关 r_drop < 0.30，或删除后 α 反而上升。"
           " / A weak item has r_drop < 0.30, or alpha rises when it is deleted."),
        code("""
analyses = []
for dimension, items in model.items():
    table = kl.item_analysis(perceptions, items)
    analyses.append(table.assign(dimension=names[dimension], alpha=reliability.at[names[dimension], "alpha"]))
items_table = pd.concat(analyses)
weak = items_table[(items_table["r_drop"] < 0.30) | (items_table["alpha_if_deleted"] > items_table["alpha"])]
weak_items = list(weak.index)
display(weak.assign(text=[book.label(item, lang) for item in weak.index])[
    ["dimension", "text", "r_drop", "alpha", "alpha_if_deleted"]])
if weak_items:
    first = weak.iloc[0]
    say(lang,
        zh=f"发现 {len(weak_items)} 个弱条目。例如 **{weak.index[0]}**（{book.label(weak.index[0], 'zh')}）："
           f"r_drop = {first['r_drop']:.2f}，删除后 {first['dimension']} 的 α 从 {first['alpha']:.2f} 变为 {first['alpha_if_deleted']:.2f}。",
        en=f"{len(weak_items)} weak item(s) found. For example **{weak.index[0]}** ({book.label(weak.index[0], 'en')}): "
           f"r_drop = {first['r_drop']:.2f}; deleting it changes the alpha of {first['dimension']} from {first['alpha']:.2f} to {first['alpha_if_deleted']:.2f}.")
else:
    say(lang, zh="没有发现弱条目。", en="No weak item found.")
"""),
        md("## 3 探索性因子分析 / Exploratory factor analysis"),
        code("""
suitability = kl.factorability(perceptions)
parallel = kl.parallel_analysis(perceptions)
say(lang,
    zh=f"KMO = {suitability.kmo:.2f}（≥ 0.80 很适合做因子分析），Bartlett 球形检验 χ² = {suitability.bartlett_chi2:.0f}，"
       f"df = {suitability.bartlett_df}，p = {suitability.bartlett_p:.3g}。平行分析建议 **{parallel.n_factors}** 个因子"
       f"（理论上是 {len(model)} 个）。",
    en=f"KMO = {suitability.kmo:.2f} (≥ 0.80: well suited to factor analysis); Bartlett's test χ² = {suitability.bartlett_chi2:.0f}, "
       f"df = {suitability.bartlett_df}, p = {suitability.bartlett_p:.3g}. Parallel analysis suggests **{parallel.n_factors}** factors "
       f"(theory: {len(model)}).")
"""),
        code("""
kl.plot.scree(parallel, lang=lang)
plt.show()
"""),
        code("""
exploratory = kl.efa(perceptions, n_factors=len(model))
match = exploratory.compare(model)
kl.plot.loading_heatmap(exploratory, model, lang=lang, codebook=book)
plt.show()
flagged = match.items[match.items["weak"] | match.items["off_dimension"]]
say(lang,
    zh=f"{len(model)} 个因子与理论维度的 Tucker 一致性系数在 {match.dimensions['congruence'].min():.2f} 到 "
       f"{match.dimensions['congruence'].max():.2f} 之间（≥ 0.95 为好）。"
       + (f"载荷偏低或跑到其他因子上的条目：{'、'.join(flagged.index)}。" if len(flagged) else "每个条目都落在自己的维度上。"),
    en=f"Tucker congruence of the {len(model)} factors with the theoretical dimensions ranges from "
       f"{match.dimensions['congruence'].min():.2f} to {match.dimensions['congruence'].max():.2f} (≥ 0.95 good). "
       + (f"Items loading weakly or on another factor: {', '.join(flagged.index)}." if len(flagged) else "Every item loads on its own dimension."))
"""),
        md("## 4 验证性因子分析 / Confirmatory factor analysis\n\n常用标准（Hu & Bentler 1999）：CFI ≥ 0.95、TLI ≥ 0.95、RMSEA ≤ 0.06、SRMR ≤ 0.08。"
           " / Common cut-offs: CFI ≥ .95, TLI ≥ .95, RMSEA ≤ .06, SRMR ≤ .08."),
        code("""
confirmatory = kl.cfa(perceptions, model)
fit = confirmatory.fit
display(fit[["chi2", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr"]].to_frame("value").T)
good = fit["cfi"] >= 0.95 and fit["tli"] >= 0.95 and fit["rmsea"] <= 0.06 and fit["srmr"] <= 0.08
weakest = confirmatory.loadings.loc[confirmatory.loadings["std"].idxmin()]
say(lang,
    zh=f"五因子模型{'拟合良好' if good else '拟合未达到全部标准'}：CFI = {fit['cfi']:.3f}，TLI = {fit['tli']:.3f}，"
       f"RMSEA = {fit['rmsea']:.3f}，SRMR = {fit['srmr']:.3f}。最低的标准化载荷是 **{weakest['item']}**（{weakest['std']:.2f}）。",
    en=f"The five-factor model {'fits well' if good else 'does not meet every cut-off'}: CFI = {fit['cfi']:.3f}, TLI = {fit['tli']:.3f}, "
       f"RMSEA = {fit['rmsea']:.3f}, SRMR = {fit['srmr']:.3f}. The lowest standardized loading is **{weakest['item']}** ({weakest['std']:.2f}).")
"""),
        md("## 5 效度 / Validity\n\n聚合效度：CR ≥ 0.70，AVE ≥ 0.50；区分效度：√AVE 大于与其他因子的相关（Fornell–Larcker），HTMT < 0.85。"
           " / Convergent: CR ≥ .70, AVE ≥ .50; discriminant: √AVE above the factor correlations, HTMT < .85."),
        code("""
evidence = kl.validity(perceptions, model)
table = evidence.table.rename(index=names)
display(table)
low_ave = table[table["ave"] < 0.50]
htmt_max = evidence.htmt.where(~pd.DataFrame(np.eye(len(evidence.htmt), dtype=bool), index=evidence.htmt.index,
                                              columns=evidence.htmt.columns)).max().max()
say(lang,
    zh=f"组合信度 CR 在 {table['composite_reliability'].min():.2f}–{table['composite_reliability'].max():.2f} 之间；"
       + (f"AVE 低于 0.50 的维度：{'、'.join(low_ave.index)}。" if len(low_ave) else "所有维度 AVE ≥ 0.50。")
       + f"Fornell–Larcker 准则{'全部满足' if table['fornell_larcker'].all() else '未全部满足'}，最大 HTMT = {htmt_max:.2f}"
       + ("（< 0.85，区分效度良好）。" if htmt_max < 0.85 else "（≥ 0.85，有维度难以区分）。"),
    en=f"Composite reliability ranges {table['composite_reliability'].min():.2f}–{table['composite_reliability'].max():.2f}; "
       + (f"AVE below 0.50: {', '.join(low_ave.index)}. " if len(low_ave) else "every AVE ≥ 0.50. ")
       + f"The Fornell–Larcker criterion {'holds for all' if table['fornell_larcker'].all() else 'fails for some'} dimensions; the largest HTMT is {htmt_max:.2f}"
       + (" (< 0.85: good discriminant validity)." if htmt_max < 0.85 else " (≥ 0.85: some dimensions are hard to tell apart)."))
"""),
        md("## 6 去掉弱条目会怎样？ / What if we drop the weak item?"),
        code("""
if weak_items:
    reduced = {dimension: [item for item in items if item not in weak_items] for dimension, items in model.items()}
    refit = kl.validity(perceptions, reduced).table.rename(index=names)
    changed = [names[d] for d in model if len(reduced[d]) != len(model[d])]
    comparison = pd.DataFrame({pick(lang, "AVE（全部条目）", "AVE (all items)"): table.loc[changed, "ave"],
                               pick(lang, "AVE（去掉弱条目）", "AVE (weak items dropped)"): refit.loc[changed, "ave"]})
    display(comparison)
    say(lang,
        zh=f"去掉 {'、'.join(weak_items)} 后，{'、'.join(changed)} 的 AVE 从 {table.loc[changed, 'ave'].mean():.2f} 变为 "
           f"{refit.loc[changed, 'ave'].mean():.2f}。建议：改写或删除该条目，再做一轮预调查。",
        en=f"Dropping {', '.join(weak_items)} changes the AVE of {', '.join(changed)} from {table.loc[changed, 'ave'].mean():.2f} to "
           f"{refit.loc[changed, 'ave'].mean():.2f}. Recommendation: reword or drop the item and pilot the questionnaire again.")
else:
    say(lang, zh="没有弱条目，量表保持原样。", en="No weak item, so the scale stays as it is.")
"""),
        md("## 小结 / Summary"),
        code("""
say(lang,
    zh=f"- 信度：α {reliability['alpha'].min():.2f}–{reliability['alpha'].max():.2f}。\\n"
       f"- 结构：平行分析建议 {parallel.n_factors} 个因子，CFA {'拟合良好' if good else '拟合欠佳'}（CFI {fit['cfi']:.3f}，RMSEA {fit['rmsea']:.3f}）。\\n"
       f"- 弱条目：{'、'.join(weak_items) if weak_items else '无'}。\\n- 结论：分数可以用于下一章的差距分析"
       + ("（解读含弱条目的维度时要谨慎）。" if weak_items else "。"),
    en=f"- Reliability: alpha {reliability['alpha'].min():.2f}–{reliability['alpha'].max():.2f}.\\n"
       f"- Structure: parallel analysis suggests {parallel.n_factors} factors; the CFA {'fits well' if good else 'fits poorly'} (CFI {fit['cfi']:.3f}, RMSEA {fit['rmsea']:.3f}).\\n"
       f"- Weak items: {', '.join(weak_items) if weak_items else 'none'}.\\n- Conclusion: the scores can be used for the gap analysis of the next chapter"
       + (" (read the dimension holding the weak item with care)." if weak_items else "."))
"""),
    ],
)

BUILDERS = {"01_servqual_validation.ipynb": VALIDATION, "04_nps_csi_ipa.ipynb": INDICES, "05_trends_pdca.ipynb": TRENDS, "report.ipynb": REPORT, "03_kano.ipynb": KANO, "00_start_here.ipynb": START, "02_service_gaps.ipynb": GAPS}


def render(name: str) -> str:
    """The JSON text of notebook ``name`` with stable cell ids (so rebuilding changes nothing)."""
    notebook = BUILDERS[name]
    for index, cell in enumerate(notebook.cells):
        cell.id = f"{Path(name).stem[:12]}-{index:02d}"
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def main(argv=None) -> int:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name in BUILDERS:
        (NOTEBOOKS / name).write_text(render(name), encoding="utf-8")
        print(f"wrote {NOTEBOOKS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
