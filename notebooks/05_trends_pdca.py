# %% [markdown]
# # 05 趋势与 PDCA / Trends and PDCA
#
# 改进措施见效了吗？ / Did the improvement work?

# %% [markdown]
# **你将学到 / What you will learn**
#
# - PDCA 循环：计划（找出差距）→ 执行（改进措施）→ 检查（再次调查）→ 处理（固化或调整） / the Plan-Do-Check-Act cycle;
# - 比较之前先检验测量不变性：量表在各次调查中含义相同，均值才可比 / measurement invariance first: means are comparable only if the scales mean the same in every wave;
# - 比较两次调查的均值和 NPS，并判断变化是否显著 / compare two waves and test the change;
# - 只有一次调查时能做什么 / what to do with a single wave.

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
from kitlib.psychometrics.scale_check import InvarianceCheck, check_invariance
from kitlib.report.chapter import available, invariance_words, open_survey, select

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
# ## 两次调查的比较 / Comparing waves
#
# 银行案例在 2025Q4 做了基线调查，之后对后台员工进行服务培训，2026Q2 再次调查。 / The bank ran a baseline survey in 2025Q4, trained its back-office staff, and surveyed again in 2026Q2.

# %%
wave_column = full_survey.wave_column()
waves = sorted(full_survey.data[wave_column].dropna().unique()) if wave_column else []
if wave and len(waves) >= 2:
    say(lang, zh=f"参数 wave = {wave} 只选了一次调查；趋势比较使用全部波次。",
        en=f"The parameter wave = {wave} selects one survey; the trend comparison uses all waves.")
trend_survey = select(full_survey, provider=provider, department=department, min_group_size=min_group_size)
trend_info = kl.instrument(trend_survey)
has_trend = len(waves) >= 2 and trend_info.supports("trend")
if len(waves) >= 2 and not has_trend:
    say(lang, zh=trend_info.note("trend", "zh"), en=trend_info.note("trend", "en"))
elif not has_trend:
    say(lang,
        zh="这份数据只有**一次**调查，无法比较前后变化。PDCA 的“检查”需要在改进之后用同一问卷再调查一次；"
           "现在能做的是把本次结果作为**基线**：记录各维度差距、NPS 和 CSI，定出目标值，下次调查时用本章比较。",
        en="These data hold a **single** survey wave, so there is no before/after comparison. The *Check* step of PDCA needs "
           "a second survey with the same questionnaire after the improvement; for now, treat these results as the **baseline**: "
           "record the dimension gaps, NPS and CSI, set targets, and use this chapter after the next survey.")

# %% [markdown]
# ### 先检验测量不变性 / Measurement invariance first
#
# 多组验证性因子分析：形态 → 度量（载荷相等）→ 标量（载荷与截距相等）。只有标量不变性成立，各次调查的均值才可以直接比较（Chen 2007：ΔCFI ≥ −0.010，ΔRMSEA ≤ 0.015）。 / Multi-group CFA: configural → metric (equal loadings) → scalar (equal loadings and intercepts). Only under scalar invariance may the waves' means be compared directly (Chen 2007: ΔCFI ≥ −0.010, ΔRMSEA ≤ 0.015).

# %%
if has_trend and trend_info.has_perceptions:
    wave_model = {name: book.servqual_model("P")[name] for name in trend_info.cfa_dimensions}
    invariant = check_invariance(trend_survey.servqual("P").assign(**{wave_column: trend_survey.data[wave_column]}),
                                 wave_model, wave_column)
    if invariant.tested:
        display(display_table(invariant.result.table[["chi2", "df", "cfi", "rmsea", "srmr", "delta_cfi", "delta_rmsea", "verdict"]], lang))
    say(lang, **invariance_words(invariant, book, wave_column))
elif has_trend:
    say(lang, zh=InvarianceCheck(None, "no_perceptions", {}).note("zh"), en=InvarianceCheck(None, "no_perceptions", {}).note("en"))

# %%
if has_trend:
    result = kl.trend(trend_survey, min_group_size=min_group_size, confidence=1 - alpha_level)
    changes = result.changes.assign(label=result.changes[f"label_{lang}"]).set_index("label")
    display(display_table(changes[["mean_before", "mean_after", "diff", "ci_low", "ci_high", "p", "significant"]], lang))
elif trend_info.has_gaps:
    baseline_gaps = kl.servqual_gaps(trend_survey, min_group_size=min_group_size)
    baseline = baseline_gaps.dimensions
    display(display_table(baseline.assign(label=baseline[f"label_{lang}"]).set_index("label")[["n", "E", "P", "gap"]], lang))
elif trend_info.has_perceptions:  # perceptions only (SERVPERF): the baseline is the perception score
    baseline_gaps = kl.perception_scores(trend_survey, min_group_size=min_group_size)
    baseline = baseline_gaps.dimensions
    display(display_table(baseline.assign(label=baseline[f"label_{lang}"]).set_index("label")[["n", "mean", "ci_low", "ci_high"]], lang))

# %%
if has_trend:
    kl.plot.trend_chart(result, lang=lang)
    plt.show()

# %%
if has_trend:
    change_class = kl.classify_changes(changes)
    improved = changes[change_class == "improved"]
    worsened = changes[change_class == "declined"]
    top = improved[improved["measure"].isin(book.servqual_model("P"))].sort_values("diff", ascending=False)
    join = "、" if lang == "zh" else ", "
    first, last = (book.value_label(wave_column, name, lang) for name in (result.waves[0], result.waves[-1]))
    say(lang,
        zh=f"{first} → {last}：{len(improved)} 项指标显著提高（{join.join(improved.index) or '无'}），"
           f"{len(worsened)} 项显著下降（{join.join(worsened.index) or '无'}）。"
           + (f"各维度中提高最多的是 **{top.index[0]}**（{top['diff'].iloc[0]:+.2f} 分）。" if len(top) else ""),
        en=f"{first} → {last}: {len(improved)} measure(s) improved significantly ({join.join(improved.index) or 'none'}), "
           f"{len(worsened)} declined significantly ({join.join(worsened.index) or 'none'}). "
           + (f"Among the dimensions, **{top.index[0]}** improved most ({top['diff'].iloc[0]:+.2f} points)." if len(top) else ""))

# %% [markdown]
# ## PDCA 下一步 / The next PDCA step
#
# - **检查 Check**：哪些变化显著？ / which changes are significant?
# - **处理 Act**：有效的措施写入标准流程；无效的回到计划阶段。 / standardise what worked; re-plan what did not.

# %%
if has_trend:
    say(lang,
        zh="有效的改进应固化为标准；没有改善或下降的维度回到“计划”阶段，重新分析原因（第 02、03 章）。",
        en="Standardise the improvements that worked; take the dimensions that did not improve, or declined, back to *Plan* "
           "and analyse their causes again (chapters 02 and 03).")
elif available(trend_info, "pdca", lang):
    target = kl.largest_gap(baseline_gaps)
    if target.measure == "gap":
        say(lang,
            zh=f"基线建议：以差距最大的 **{target.label_zh}**（{target.gap:.2f}）为第一个 PDCA 目标。",
            en=f"Baseline suggestion: make the largest gap, **{target.label_en}** ({target.gap:.2f}), the first PDCA target.")
    else:
        say(lang,
            zh=f"基线建议：以感知得分最低的 **{target.label_zh}**（{target.gap:.2f}）为第一个 PDCA 目标。",
            en=f"Baseline suggestion: make the lowest-rated dimension, **{target.label_en}** ({target.gap:.2f}), the first PDCA target.")
