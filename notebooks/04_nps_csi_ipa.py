# %% [markdown]
# # 04 NPS、CSI 与 IPA / NPS, CSI and IPA
#
# 三个管理层常问的数字，以及下一步该把资源投向哪里。 / Three numbers management asks for, and where to put resources next.

# %% [markdown]
# **你将学到 / What you will learn**
#
# - NPS（净推荐值）：推荐者 9–10 分减去贬损者 0–6 分，以及它的置信区间 / NPS and its confidence interval;
# - CSI（满意度指数）：按重要性加权的感知得分，换算到 0–100 / the 0–100 satisfaction index;
# - IPA（重要性—绩效分析）：四个象限告诉你“重点改进”在哪里 / the importance-performance grid.

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
from kitlib.report.chapter import available, open_survey, select, visible

kl.plot.set_theme()
pd.set_option("display.precision", 2)
full_survey = open_survey(case, data_path, codebook_path)
survey = select(full_survey, provider=provider, department=department, wave=wave, min_group_size=min_group_size)
book = survey.codebook
info = kl.instrument(survey)  # which analyses the questionnaire supports; the others print a note
scope_names = {"provider": pick(lang, "服务部门", "provider"), "department": pick(lang, "业务部门", "department"),
               "wave": pick(lang, "调查波次", "wave")}
scope_columns = {"provider": "provider", "department": "department", "wave": full_survey.wave_column() or "wave"}
scope = pick(lang, "，", ", ").join(f"{scope_names[name]} = {book.value_label(scope_columns[name], value, lang)}"
                                   for name, value in {"provider": provider, "department": department, "wave": wave}.items() if value)
say(lang,
    zh=f"数据：**{book.title.get('zh', book.name)}**，{len(survey)} 行{('（' + scope + '）') if scope else ''}。",
    en=f"Data: **{book.title.get('en', book.name)}**, {len(survey)} rows{(' (' + scope + ')') if scope else ''}.")

# %% [markdown]
# ## NPS

# %%
has_nps = info.has_nps
if not has_nps:
    say(lang, zh="这份问卷没有推荐意愿（NPS）题目，跳过本节。", en="This questionnaire has no recommendation (NPS) question; this section is skipped.")

# %%
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

# %%
compare = "department" if provider else "provider"
if has_nps and compare in survey.data:
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

# %% [markdown]
# ## CSI 满意度指数 / Satisfaction index
#
# CSI = Σ 权重 × 维度感知得分（换算到 0–100）。 / CSI = Σ weight × dimension perception score rescaled to 0–100.

# %%
has_csi = available(info, "csi", lang)
if has_csi:
    index = kl.csi(survey)
    display(index.dimensions.assign(label=index.dimensions[f"label_{lang}"]).set_index("label").drop(
        columns=["dimension", "label_zh", "label_en"]))
    largest = index.dimensions.sort_values("weight").iloc[-1]
    say(lang,
        zh=f"CSI = **{index.csi:.1f}** / 100（n = {index.n}）。权重最大的维度是 **{largest['label_zh']}**（权重 {largest['weight']:.2f}），"
           "它的得分对 CSI 影响最大。",
        en=f"CSI = **{index.csi:.1f}** / 100 (n = {index.n}). The most heavily weighted dimension is **{largest['label_en']}** "
           f"(weight {largest['weight']:.2f}); its score moves the CSI most.")

# %% [markdown]
# ## IPA 重要性—绩效分析 / Importance–performance analysis

# %%
has_ipa = available(info, "ipa", lang)  # importance: the 100-point allocation, else derived from overall satisfaction
if has_ipa:
    grid = kl.ipa(survey, importance=info.ipa_importance)
    table = grid.table.assign(label=grid.table[f"label_{lang}"], where=grid.table[f"quadrant_{lang}"])
    kl.plot.ipa_grid(grid, lang=lang)
    plt.show()
    display(table.set_index("label")[["importance", "performance", "where"]])

# %%
if has_ipa:
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
