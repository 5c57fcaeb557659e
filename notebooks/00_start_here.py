# %% [markdown]
# # 00 从这里开始 / Start here
#
# 内部客户满意度：服务部门如何知道业务部门是否满意？
#
# *Internal customer satisfaction: how does a service department know whether the business departments it serves are satisfied?*

# %% [markdown]
# **你将学到 / What you will learn**
#
# - 什么是“内部客户”，为什么 IT、人力、财务、采购等部门也需要测量满意度 / what an *internal customer* is and why shared services measure satisfaction;
# - 本工具包的三个案例数据长什么样 / what the three case datasets contain;
# - 如何运行各章笔记本和批量报告 / how to run the chapters and the batch reports.

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

import pandas as pd
from IPython.display import display

import kitlib as kl
from kitlib.i18n import display_table, pick, quality_issue, say
from kitlib.report.chapter import group_counts, open_survey, select
from kitlib.report.html import escape_markdown as md  # data values in a note are literal

kl.plot.set_theme()
pd.set_option("display.precision", 2)
full_survey = open_survey(case, data_path, codebook_path)
survey = select(full_survey, provider=provider, department=department, wave=wave, min_group_size=min_group_size)
book = survey.codebook
info = kl.instrument(survey)  # which analyses the questionnaire supports
scope_names = {"provider": pick(lang, "服务部门", "provider"), "department": pick(lang, "业务部门", "department"),
               "wave": pick(lang, "调查波次", "wave")}
scope_columns = {"provider": "provider", "department": "department", "wave": full_survey.wave_column() or "wave"}
scope = pick(lang, "，", ", ").join(f"{scope_names[name]} = {book.value_label(scope_columns[name], value, lang)}"
                                   for name, value in {"provider": provider, "department": department, "wave": wave}.items() if value)
say(lang,
    zh=f"数据：**{book.title.get('zh', book.name)}**，{len(survey)} 行{('（' + scope + '）') if scope else ''}。",
    en=f"Data: **{book.title.get('en', book.name)}**, {len(survey)} rows{(' (' + scope + ')') if scope else ''}.")

# %% [markdown]
# ## 内部客户 / The internal customer
#
# 服务部门（提供方，*provider*）为业务部门（接受方，*department*）提供服务。业务部门没有“换供应商”的选择，
# 所以不满意不会表现为流失，而是表现为抱怨、绕开流程和低效率。调查让接受方给提供方打分：
#
# - **SERVQUAL**：22 个条目、5 个维度（有形性、可靠性、响应性、保证性、移情性），先问期望 E，再问感知 P；差距 = P − E；
# - **KANO**：对每个功能问“有它/没有它你觉得如何”，区分必备、一维、魅力、无差异和反向功能；
# - **NPS / CSI / IPA**：推荐意愿、总体满意度指数、重要性—绩效分析；
# - **趋势与 PDCA**：改进前后两次调查的对比。
#
# Service departments (*providers*) serve business departments (*receivers*). Receivers cannot switch supplier,
# so dissatisfaction shows up as complaints and work-arounds rather than churn. The survey lets receivers rate their
# providers with SERVQUAL (22 items, 5 dimensions, expectation E and perception P, gap = P − E), KANO feature
# questions, NPS, overall satisfaction and importance.

# %% [markdown]
# ## 数据 / The data

# %%
groups = {column: survey.data[column].nunique() for column in info.groups}
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
display(display_table(kinds.rename_axis("column_kind").rename("columns"), lang))
missing = [info.reason(section, lang) for section in ("gaps", "kano", "nps", "overall", "trend") if not info.supports(section)]
say(lang,
    zh=f"问卷：{info.describe('zh')}。" + (f"后面各章会略去：{'；'.join(dict.fromkeys(missing))}。" if missing else "各章的全部分析都可以运行。"),
    en=f"Questionnaire: {info.describe('en')}. " + (f"The chapters leave out what it cannot feed: {'; '.join(dict.fromkeys(missing))}."
                                                   if missing else "Every analysis of the chapters can run."))

# %%
sizes = group_counts(survey, "department")
checked = kl.suppress_small_groups(sizes, "department", min_n=min_group_size)
hidden = int(checked["suppressed"].sum())
shown = checked.loc[~checked["suppressed"], ["department", "n"]]
display(display_table(shown.assign(department=[book.value_label("department", value, lang) for value in shown["department"]]), lang))
say(lang,
    zh=f"为保护匿名，{hidden} 个业务部门不单独显示（少于 {min_group_size} 人，或为防止用总数反推而一并隐藏）。",
    en=f"To keep respondents anonymous, {hidden} department(s) are not shown on their own "
       f"(fewer than {min_group_size} respondents, or hidden so that such a group cannot be worked out from the total).")

# %%
quality = survey.quality
flagged = quality[quality["action"] == "flagged"]["issue"].value_counts()
say(lang,
    zh=f"数据质量：排除 {int((quality['action'] == 'excluded').sum())} 行；标记 {len(flagged)} 类问题"
       + ("：" + "；".join(f"{md(quality_issue(issue, 'zh'))}（{count}）" for issue, count in flagged.items()) if len(flagged) else "") + "。",
    en=f"Data quality: {int((quality['action'] == 'excluded').sum())} rows excluded; {len(flagged)} kinds of flags"
       + (": " + "; ".join(f"{md(quality_issue(issue, 'en'))} ({count})" for issue, count in flagged.items()) if len(flagged) else "") + ".")

# %% [markdown]
# ## 如何运行 / How to run
#
# - 交互式学习 / interactively: `make lab`，然后按编号打开 `notebooks/` 中的各章 / then open the chapters in order;
# - 换案例或语言 / another case or language: 修改参数单元格，或 / edit the parameters cell, or
#   `papermill notebooks/02_service_gaps.ipynb out.ipynb -p case bank -p lang en`;
# - 自己的数据 / your own data: `-p data_path my.csv -p codebook_path my.yaml`（格式见 `datasets/*/codebook.yaml` / format as in the shipped codebooks）；
# - 批量报告 / batch reports: `make report` 或 / or `kitlib report --case bank --by provider --lang en --out reports`.

# %%
say(lang,
    zh="本章结束。下一章：**01 SERVQUAL 量表验证**——先确认问卷测的是它想测的东西，再解读分数。",
    en="End of chapter. Next: **01 SERVQUAL validation** — first check that the questionnaire measures what it claims, then read the scores.")
