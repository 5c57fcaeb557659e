# %% [markdown]
# # 04 NPS、CSI 与 IPA / NPS, CSI and IPA
#
# 三个管理层常问的数字，以及下一步该把资源投向哪里。 / Three numbers management asks for, and where to put resources next.

# %% [markdown]
# **你将学到 / What you will learn**
#
# - NPS（净推荐值）：推荐者 9–10 分减去贬损者 0–6 分，以及它的置信区间 / NPS and its confidence interval;
# - CSI（满意度指数）：按重要性加权的感知得分，换算到 0–100 / the 0–100 satisfaction index;
# - IPA（重要性—绩效分析）：四个象限告诉你“重点改进”在哪里 / the importance-performance grid;
# - 关键驱动分析：各维度对总体满意度与推荐意愿的贡献（含自助法置信区间），以及象限不确定的维度 / key drivers with bootstrap intervals, and units whose quadrant is uncertain.

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
pool_waves = False      # NPS and CSI headlines: the latest wave and its change (False), or every wave pooled (True)
alpha_level = 0.05      # significance level of the tests
n_boot = 500            # bootstrap resamples of the key-driver intervals

# %%
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import kitlib as kl
from kitlib.formatting import format_count, format_p
from kitlib.i18n import display_table, pick, say
from kitlib.report.chapter import available, driver_ipa_words, driver_method, driver_words, open_survey, select, visible
from kitlib.report.html import escape_markdown as md
from kitlib.service.key_drivers import driver_importance, uncertain_quadrants
from kitlib.service.pdca import largest_weights
from kitlib.service.waves import headline_change, latest_wave

kl.plot.set_theme()
pd.set_option("display.precision", 2)
full_survey = open_survey(case, data_path, codebook_path)
survey = select(full_survey, provider=provider, department=department, wave=wave, min_group_size=min_group_size)
book = survey.codebook
info = kl.instrument(survey)  # which analyses the questionnaire supports; the others print a note
all_waves = select(full_survey, provider=provider, department=department, min_group_size=min_group_size)
view = latest_wave(all_waves, wave=wave or None, pool=pool_waves, min_group_size=min_group_size)  # the wave of the headlines
headline_of = {lang_: view.describe(lang_, md) if len(view.waves) >= 2 else "" for lang_ in ("zh", "en")}  # which wave, or "pooled"
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
if has_nps and view.withheld:
    say(lang, zh=view.note("zh", md), en=view.note("en", md))
elif has_nps:
    scores = view.survey.data[book.items("nps")[0]].dropna()
    result = kl.nps(scores, confidence=1 - alpha_level)
    say(lang,
        zh=(f"{headline_of['zh']}：" if headline_of["zh"] else "") + f"NPS = **{result.nps:+.1f}**（{1 - alpha_level:.0%} 置信区间 {result.ci_low:+.1f} ~ {result.ci_high:+.1f}），"
           f"n = {format_count(result.n)}：推荐者 {result.promoter_share:.0%}、中立者 {result.passive_share:.0%}、贬损者 {result.detractor_share:.0%}。"
           + ("贬损者多于推荐者。" if result.nps < 0 else "推荐者多于贬损者。"),
        en=(f"{headline_of['en'][0].upper()}{headline_of['en'][1:]}: " if headline_of["en"] else "")
           + f"NPS = **{result.nps:+.1f}** ({1 - alpha_level:.0%} CI {result.ci_low:+.1f} to {result.ci_high:+.1f}), "
           f"n = {format_count(result.n)}: {result.promoter_share:.0%} promoters, {result.passive_share:.0%} passives, {result.detractor_share:.0%} detractors. "
           + ("Detractors outnumber promoters." if result.nps < 0 else "Promoters outnumber detractors."))
    adjusted = kl.nps(scores, confidence=1 - alpha_level, interval="adjusted_wald")
    say(lang,
        zh=f"调整 Wald 区间（Rocks 2016，加 3 个伪观测，小样本或 NPS 接近 ±100 时覆盖率更好）：{adjusted.ci_low:+.1f} ~ {adjusted.ci_high:+.1f}"
           f"（普通 Wald：{result.ci_low:+.1f} ~ {result.ci_high:+.1f}）。",
        en=f"Adjusted Wald interval (Rocks 2016: three pseudo-observations, better coverage for small samples or an NPS near ±100): "
           f"{adjusted.ci_low:+.1f} to {adjusted.ci_high:+.1f} (plain Wald: {result.ci_low:+.1f} to {result.ci_high:+.1f}).")

# %%
if has_nps and view.has_change:  # the change from the previous wave (library: headline_change)
    change = headline_change(view, "nps", confidence=1 - alpha_level)
    first, last = (md(view.wave_label(name, lang)) for name in (change.wave_before, change.wave_after))
    say(lang,
        zh=f"{first} → {last}：NPS 从 {change.before:+.1f}（n = {format_count(change.n_before)}）变为 {change.after:+.1f}（n = {format_count(change.n_after)}），变化 "
           f"{change.diff:+.1f}（{1 - alpha_level:.0%} 置信区间 {change.ci_low:+.1f} ~ {change.ci_high:+.1f}，{format_p(change.p)}），"
           + ("变化显著。" if change.significant else "变化不显著，可能只是抽样波动。"),
        en=f"{first} → {last}: NPS moved from {change.before:+.1f} (n = {format_count(change.n_before)}) to {change.after:+.1f} (n = {format_count(change.n_after)}), a change of "
           f"{change.diff:+.1f} ({1 - alpha_level:.0%} CI {change.ci_low:+.1f} to {change.ci_high:+.1f}, {format_p(change.p)}): "
           + ("a significant change." if change.significant else "not significant, possibly sampling noise."))

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
if has_csi and view.withheld:
    say(lang, zh=view.note("zh", md), en=view.note("en", md))
elif has_csi:
    index = kl.csi(view.survey, min_group_size=min_group_size)
    display(display_table(index.dimensions.assign(label=index.dimensions[f"label_{lang}"]).set_index("label").drop(
        columns=["dimension", "label_zh", "label_en"]), lang))
    weights = index.dimensions.set_index("dimension")
    top = largest_weights(weights["weight"])  # library rule: no "largest weight" when the weights are equal
    heaviest = {lang_: pick(lang_, "、", " and ").join(f"**{md(weights.at[name, f'label_{lang_}'])}**" for name in top) for lang_ in ("zh", "en")}
    if len(top) == len(weights):
        weights_zh = f"各维度权重相等（均为 {weights['weight'].iloc[0]:.2f}），每个维度对 CSI 的影响相同。"
        weights_en = f"Every dimension carries the same weight ({weights['weight'].iloc[0]:.2f}), so each moves the CSI alike."
    else:
        weights_zh = (f"权重最大的维度是 {heaviest['zh']}（权重 {weights.loc[top, 'weight'].max():.2f}），它的得分对 CSI 影响最大。" if len(top) == 1 else
                      f"{heaviest['zh']} 的权重并列最大（约 {weights.loc[top, 'weight'].max():.2f}），它们的得分对 CSI 影响最大。")
        weights_en = (f"The most heavily weighted dimension is {heaviest['en']} (weight {weights.loc[top, 'weight'].max():.2f}); "
                      "its score moves the CSI most." if len(top) == 1 else
                      f"{heaviest['en']} share the largest weight (about {weights.loc[top, 'weight'].max():.2f}); their scores move the CSI most.")
    say(lang,
        zh=(f"{headline_of['zh']}：" if headline_of["zh"] else "") + f"CSI = **{index.csi:.1f}** / 100（n = {format_count(index.n)}）。{weights_zh}",
        en=(f"{headline_of['en'][0].upper()}{headline_of['en'][1:]}: " if headline_of["en"] else "")
           + f"CSI = **{index.csi:.1f}** / 100 (n = {format_count(index.n)}). {weights_en}")

# %% [markdown]
# ## IPA 重要性—绩效分析 / Importance–performance analysis

# %%
has_ipa = available(info, "ipa", lang)  # importance: the 100-point allocation, else derived from overall satisfaction
if has_ipa:
    grid = kl.ipa(survey, importance=info.ipa_importance)
    table = grid.table.assign(label=grid.table[f"label_{lang}"])
    kl.plot.ipa_grid(grid, lang=lang)
    plt.show()
    display(display_table(table.set_index("label")[["importance", "performance", "quadrant"]], lang))

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

# %% [markdown]
# ## 关键驱动分析 / Key drivers
#
# 把回归的 R² 分给各维度（Shapley/LMG：所有进入顺序的平均增量），自助法给出置信区间；区间重叠说明排序不确定。 / The regression's R² is split among the dimensions (Shapley/LMG: the average increase over every order of entry), with bootstrap intervals; overlapping intervals mean an uncertain ranking.

# %%
outcomes = {name: words for name, words, present in
            (("overall", {"zh": "总体满意度", "en": "overall satisfaction"}, info.has_overall),
             ("nps", {"zh": "推荐意愿（NPS）", "en": "the likelihood to recommend, NPS"}, info.has_nps)) if present}
has_drivers = info.has_perceptions and len(info.dimensions) >= 2 and bool(outcomes)
if not has_drivers:
    say(lang, zh="*本节略去：关键驱动分析需要至少两个维度的感知题，以及总体满意度或推荐意愿题。*",
        en="*Not shown: key-driver analysis needs perception items of at least two dimensions and an overall-satisfaction "
           "or recommendation question.*")
ran = set()
if has_drivers:
    predictors = {name: book.servqual_model("P")[name] for name in info.dimensions}
    for outcome, words in outcomes.items():
        try:
            key = kl.drivers(survey, outcome, predictors, method=driver_method(len(predictors)), n_boot=n_boot,
                             confidence=1 - alpha_level)
        except kl.AnalysisInputError:
            say(lang, zh=f"*{words['zh']}的关键驱动分析无法进行（完整答卷太少或维度得分共线）。*",
                en=f"*No key-driver analysis of {words['en']}: too few complete answers, or collinear dimension scores.*")
            continue
        ran.add(outcome)
        shown = key.table.sort_values("rank").rename(index=lambda name: book.label(name, lang))
        display(display_table(shown[["share", "raw", "ci_low", "ci_high", "rank"]], lang).rename_axis(pick(lang, words["zh"], words["en"])))
        say(lang, **driver_words(key, words, book))

# %%
if has_ipa and "overall" in ran and not grid.suppressed:
    importance = driver_importance(survey, "overall", method=driver_method(len(predictors)), n_boot=n_boot, confidence=1 - alpha_level,
                                   min_group_size=min_group_size)
    driver_grid = uncertain_quadrants(grid, importance)
    fig, ax = plt.subplots(figsize=(7, 5))
    for row in driver_grid.itertuples():
        colour = "tab:orange" if row.uncertain else "tab:blue"
        ax.errorbar(row.driver_importance, row.performance,
                    xerr=[[row.driver_importance - row.driver_ci_low], [row.driver_ci_high - row.driver_importance]],
                    fmt="o", color=colour, capsize=3)
        ax.annotate(book.label(row.unit, lang), (row.driver_importance, row.performance), textcoords="offset points", xytext=(5, 5))
    ax.axvline(driver_grid["importance_cut"].iloc[0], color="grey", linestyle="--", linewidth=1)
    ax.axhline(driver_grid["performance_cut"].iloc[0], color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel(pick(lang, "推导重要性（对总体满意度 R² 的贡献，含置信区间）", "Derived importance (contribution to the R² of overall satisfaction, with CI)"))
    ax.set_ylabel(pick(lang, "表现", "Performance"))
    ax.set_title(pick(lang, "IPA：关键驱动重要性（橙色：象限不确定）", "IPA on key-driver importance (orange: quadrant uncertain)"))
    plt.show()
    say(lang, **driver_ipa_words(driver_grid, book, outcomes["overall"]))
