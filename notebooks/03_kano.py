# %% [markdown]
# # 03 KANO 模型 / The KANO model
#
# 哪些功能必须做好，哪些功能做了会让人惊喜？ / Which features must work, which ones delight?

# %% [markdown]
# **你将学到 / What you will learn**
#
# - KANO 的正反向问题和五种类别：必备型 M、期望型 O、魅力型 A、无差异型 I、反向型 R / the paired questions and the categories;
# - 用 Better / Worse 系数画出“满意度影响图” / the better-worse map;
# - Fong 检验：类别是否真的明确 / Fong's test of a clear category;
# - 对必备型和魅力型功能分别该怎么做 / what to do with must-be versus attractive features.

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
from kitlib.i18n import display_table, pick, say
from kitlib.report.chapter import open_survey, select

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
# ## 分类结果 / Classification
#
# 每个功能都问两遍：“如果有这个功能，你觉得如何？”（正向）和“如果没有呢？”（反向），两个答案在 KANO 评价表中组合成一个类别。 / Each feature is asked twice (functional and dysfunctional); the pair of answers gives a category in the KANO evaluation table.

# %%
has_kano = bool(book.kano_pairs())
if has_kano:
    kano = kl.kano_table(survey, min_group_size=min_group_size)
    kano = kano.assign(label=kano[f"label_{lang}"])
    display(display_table(kano.set_index(["feature", "label"])[["A", "O", "M", "I", "R", "Q", "n", "category", "better", "worse",
                                                                "fong_significant"]], lang))
else:
    say(lang, zh="这份问卷没有 KANO 题目（codebook 中没有 kano_functional / kano_dysfunctional 列），本章没有可分析的内容。",
        en="This questionnaire has no KANO questions (no kano_functional / kano_dysfunctional columns in the codebook); "
           "this chapter has nothing to analyse.")

# %%
if has_kano:
    kl.plot.kano_map(kl.kano_table(survey, min_group_size=min_group_size), lang=lang)
    plt.show()

# %% [markdown]
# ## 该怎么做 / What to do
#
# - **必备型 M**：做好了没人夸，做不好人人骂——先保证零失误；
# - **期望型 O**：做得越好越满意——持续改进、设定目标值；
# - **魅力型 A**：没有不会抱怨，有了会惊喜——在必备型稳定之后再投入；
# - **无差异型 I / 反向型 R**：不投入，反向型甚至应停止或改为可选。
#
# *Must-be: nobody praises it, everyone complains without it — secure it first. One-dimensional: more is better — improve continuously. Attractive: delights, but only after the must-bes are secure. Indifferent / reverse: do not invest; stop or make optional the reverse ones.*

# %%
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
    say(lang, zh="\n".join(lines_zh), en="\n".join(lines_en))
    say(lang,
        zh=(f"Fong 检验：{len(unclear)} 个功能的前两个类别差异不显著（{('、'.join(unclear['label']))}），"
            "说明内部客户意见分化，可按部门进一步细分。") if len(unclear) else "Fong 检验：所有功能的类别都明确。",
        en=(f"Fong's test: for {len(unclear)} feature(s) the two most frequent categories do not differ significantly "
            f"({', '.join(unclear['label'])}); receivers disagree, so look at departments separately.") if len(unclear)
           else "Fong's test: every feature has a clear category.")

# %%
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
