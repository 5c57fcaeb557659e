# %% [markdown]
# # 01 SERVQUAL 量表验证 / Validating the SERVQUAL scale
#
# 分数可信吗？问卷测到了五个维度吗？ / Can we trust the scores, and does the questionnaire measure the five dimensions?

# %% [markdown]
# **你将学到 / What you will learn**
#
# - 信度：Cronbach's α（含置信区间）与 McDonald's ω / reliability: alpha with its CI and omega;
# - 条目分析：校正后条目—总分相关、删除该条目后的 α，找出“弱条目” / item analysis and the weak item;
# - 探索性因子分析（EFA）：KMO、平行分析、因子载荷 / EFA: KMO, parallel analysis, loadings;
# - 验证性因子分析（CFA）：拟合指数 CFI、TLI、RMSEA、SRMR / CFA fit indices;
# - 效度：组合信度 CR、平均方差抽取量 AVE、Fornell–Larcker 准则和 HTMT / convergent and discriminant validity.

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
cfa_estimator = "auto"  # CFA estimator: auto (WLSMV for scales of at most 5 answer points, else ML) | ML | MLR | WLSMV

# %%
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import kitlib as kl
from kitlib.formatting import format_count, format_p, mark_reverse_items, reverse_mark
from kitlib.i18n import display_table, pick, say
from kitlib.psychometrics.ordinal import ordinal_reliability
from kitlib.psychometrics.scale_check import choose_estimator, fit_values, scale_cfa
from kitlib.report.chapter import available, open_survey, select

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
# ## 1 信度 / Reliability
#
# α ≥ 0.70 一般可接受，≥ 0.80 较好。答案等级不超过 5 个时，另给多分格相关矩阵上的有序 α 与有序 ω。 / α ≥ 0.70 is usually acceptable, ≥ 0.80 good. For scales of at most five answer points, ordinal alpha and omega (from the polychoric correlations) are shown too.

# %%
cutoffs = kl.ScaleCutoffs()  # the kit's cut-offs; e.g. kl.ScaleCutoffs(alpha=0.80) for a stricter check
has_scales = available(info, "reliability", lang)  # dimensions of at least two items
has_cfa = has_scales and available(info, "cfa", lang)  # dimensions of at least three items
if has_scales:
    for line in info.scale_notes(lang):
        say(lang, zh=line, en=line)
    perceptions = survey.servqual("P")
    model = {dimension: book.servqual_model("P")[dimension] for dimension in info.scaled_dimensions}
    structure = {dimension: model[dimension] for dimension in info.cfa_dimensions}  # the factor model
    names = {dimension: book.label(dimension, lang) for dimension in model}
    estimator = choose_estimator(book, model, requested=cfa_estimator)  # the rule lives in the library
    reliability = kl.reliability(perceptions, model, ci=1 - alpha_level)
    if estimator.ordinal:
        reliability = reliability.join(ordinal_reliability(perceptions, model)[["ordinal_alpha", "ordinal_omega_total"]])
    reliability = reliability.rename(index=names)
    display(display_table(reliability, lang))

# %%
if has_scales:
    lowest = reliability["alpha"].idxmin()
    say(lang,
        zh=f"各维度的 α 在 {reliability['alpha'].min():.2f} 到 {reliability['alpha'].max():.2f} 之间；"
           f"最低的是 **{lowest}**（α = {reliability.at[lowest, 'alpha']:.2f}，ω = {reliability.at[lowest, 'omega_total']:.2f}）。"
           + (f"全部达到 {cutoffs.alpha:.2f}。" if (reliability["alpha"] >= cutoffs.alpha).all() else f"有维度低于 {cutoffs.alpha:.2f}，需要检查其条目。"),
        en=f"Alpha ranges from {reliability['alpha'].min():.2f} to {reliability['alpha'].max():.2f}; "
           f"the lowest is **{lowest}** (α = {reliability.at[lowest, 'alpha']:.2f}, ω = {reliability.at[lowest, 'omega_total']:.2f}). "
           + (f"All reach {cutoffs.alpha:.2f}." if (reliability["alpha"] >= cutoffs.alpha).all() else f"Some dimension is below {cutoffs.alpha:.2f}; check its items."))
if has_scales and estimator.ordinal:
    say(lang,
        zh=f"答案只有 {estimator.points} 个等级，按有序类别计算的有序 α 在 {reliability['ordinal_alpha'].min():.2f}–"
           f"{reliability['ordinal_alpha'].max():.2f} 之间（有序 ω {reliability['ordinal_omega_total'].min():.2f}–"
           f"{reliability['ordinal_omega_total'].max():.2f}），比普通 α 平均高 {(reliability['ordinal_alpha'] - reliability['alpha']).mean():.2f}。"
           "它描述的是答案背后连续反应的信度；量表总分的信度仍以普通 α 为准。",
        en=f"With {estimator.points} answer points, ordinal alpha ranges {reliability['ordinal_alpha'].min():.2f}–"
           f"{reliability['ordinal_alpha'].max():.2f} (ordinal omega {reliability['ordinal_omega_total'].min():.2f}–"
           f"{reliability['ordinal_omega_total'].max():.2f}), on average {(reliability['ordinal_alpha'] - reliability['alpha']).mean():.2f} "
           "above alpha. It describes the continuous responses behind the answers; the reliability of the sum scores is still alpha.")

# %% [markdown]
# ## 2 条目分析 / Item analysis
#
# 弱条目：校正后条目—总分相关 r_drop < 0.30，或删除后 α 反而上升。 / A weak item has r_drop < 0.30, or alpha rises when it is deleted.

# %%
weak_items = []
item_model = {dimension: items for dimension, items in model.items() if len(items) >= 3} if has_scales else {}
if has_scales and not item_model:
    say(lang, zh="没有至少 3 个条目的维度，不做条目分析。", en="No dimension has three or more items, so there is no item analysis.")
if item_model:  # the item-rest correlation needs at least three items in the dimension
    items_table = kl.psychometrics.scale_check.item_flags(perceptions, item_model, cutoffs)
    items_table["dimension"] = items_table["dimension"].map(names)
    weak = items_table[items_table["weak"]].sort_values("r_drop")
    weak_items = list(weak.index)
    display(display_table(mark_reverse_items(weak.assign(text=[book.label(item, lang) for item in weak.index])[
        ["dimension", "text", "r_drop", "alpha", "alpha_if_deleted"]], book, lang), lang))  # reverse-keyed items marked (R)
    if weak_items:
        first = weak.iloc[0]
        first_item = {code: reverse_mark(weak.index[0], bool(book.columns[weak.index[0]].reverse), code) for code in ("zh", "en")}
        say(lang,
            zh=f"发现 {len(weak_items)} 个弱条目。例如 **{first_item['zh']}**（{book.label(weak.index[0], 'zh')}）："
               f"r_drop = {first['r_drop']:.2f}，删除后 {first['dimension']} 的 α 从 {first['alpha']:.2f} 变为 {first['alpha_if_deleted']:.2f}。",
            en=f"{len(weak_items)} weak item(s) found. For example **{first_item['en']}** ({book.label(weak.index[0], 'en')}): "
               f"r_drop = {first['r_drop']:.2f}; deleting it changes the alpha of {first['dimension']} from {first['alpha']:.2f} to {first['alpha_if_deleted']:.2f}.")
    else:
        say(lang, zh="没有发现弱条目。", en="No weak item found.")

# %% [markdown]
# ## 3 探索性因子分析 / Exploratory factor analysis

# %%
if has_cfa:
    items_in_structure = perceptions[[item for members in structure.values() for item in members]]
    suitability = kl.factorability(items_in_structure)
    parallel = kl.parallel_analysis(items_in_structure)
    say(lang,
        zh=f"KMO = {suitability.kmo:.2f}（≥ 0.80 很适合做因子分析），Bartlett 球形检验 χ² = {suitability.bartlett_chi2:.0f}，"
           f"df = {format_count(suitability.bartlett_df)}，{format_p(suitability.bartlett_p)}。平行分析建议 **{parallel.n_factors}** 个因子"
           f"（理论上是 {len(structure)} 个）。",
        en=f"KMO = {suitability.kmo:.2f} (≥ 0.80: well suited to factor analysis); Bartlett's test χ² = {suitability.bartlett_chi2:.0f}, "
           f"df = {format_count(suitability.bartlett_df)}, {format_p(suitability.bartlett_p)}. Parallel analysis suggests **{parallel.n_factors}** factors "
           f"(theory: {len(structure)}).")

# %%
if has_cfa:
    kl.plot.scree(parallel, lang=lang)
    plt.show()

# %%
if has_cfa:
    exploratory = kl.efa(items_in_structure, n_factors=len(structure))
    match = exploratory.compare(structure)
    kl.plot.loading_heatmap(exploratory, structure, lang=lang, codebook=book)
    plt.show()
    flagged = match.items[match.items["weak"] | match.items["off_dimension"]]
    say(lang,
        zh=f"{len(structure)} 个因子与理论维度的 Tucker 一致性系数在 {match.dimensions['congruence'].min():.2f} 到 "
           f"{match.dimensions['congruence'].max():.2f} 之间（≥ 0.95 为好）。"
           + (f"载荷偏低或跑到其他因子上的条目：{'、'.join(flagged.index)}。" if len(flagged) else "每个条目都落在自己的维度上。"),
        en=f"Tucker congruence of the {len(structure)} factors with the theoretical dimensions ranges from "
           f"{match.dimensions['congruence'].min():.2f} to {match.dimensions['congruence'].max():.2f} (≥ 0.95 good). "
           + (f"Items loading weakly or on another factor: {', '.join(flagged.index)}." if len(flagged) else "Every item loads on its own dimension."))

# %% [markdown]
# ## 4 验证性因子分析 / Confirmatory factor analysis
#
# 常用标准（Hu & Bentler 1999）：CFI ≥ 0.95、TLI ≥ 0.95、RMSEA ≤ 0.06、SRMR ≤ 0.08。答案等级不超过 5 个时用 WLSMV 估计，标准用于其校正指数；参数 `cfa_estimator` 可指定 ML、MLR 或 WLSMV。 / Common cut-offs: CFI ≥ .95, TLI ≥ .95, RMSEA ≤ .06, SRMR ≤ .08. Scales of at most five answer points are fitted by WLSMV and judged on its scaled indices; the parameter `cfa_estimator` sets ML, MLR or WLSMV instead.

# %%
if has_cfa:
    confirmatory, estimator = scale_cfa(perceptions, structure, estimator, cutoffs)  # WLSMV falls back to ML+FIML if too many answers are missing
    say(lang, zh=estimator.explain("zh"), en=estimator.explain("en"))
    fit = fit_values(confirmatory.fit)  # scaled indices for WLSMV, robust ones for MLR
    shown_fit = fit[["chi2", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr", "n"]]
    display(display_table(shown_fit.astype(float).to_frame(estimator.estimator).T  # p in APA style, n and df as integers
                          .assign(pvalue=format_p(shown_fit["pvalue"], with_p=False), n=format_count(shown_fit["n"]),
                                  df=format_count(shown_fit["df"])), lang))
    good = bool(kl.psychometrics.scale_check.fit_checks(confirmatory.fit, cutoffs).all())
    weakest = confirmatory.loadings.loc[confirmatory.loadings["std"].idxmin()]
    scaled_zh, scaled_en = ("（校正指数）", " (scaled indices)") if estimator.ordinal else ("", "")
    say(lang,
        zh=f"{len(structure)} 因子模型（{estimator.estimator} 估计）{'拟合良好' if good else '拟合未达到全部标准'}{scaled_zh}：CFI = {fit['cfi']:.3f}，TLI = {fit['tli']:.3f}，"
           f"RMSEA = {fit['rmsea']:.3f}，SRMR = {fit['srmr']:.3f}（n = {format_count(fit['n'])}）。最低的标准化载荷是 **{weakest['item']}**（{weakest['std']:.2f}）。",
        en=f"The {len(structure)}-factor model ({estimator.estimator}) {'fits well' if good else 'does not meet every cut-off'}{scaled_en}: CFI = {fit['cfi']:.3f}, TLI = {fit['tli']:.3f}, "
           f"RMSEA = {fit['rmsea']:.3f}, SRMR = {fit['srmr']:.3f} (n = {format_count(fit['n'])}). The lowest standardized loading is **{weakest['item']}** ({weakest['std']:.2f}).")

# %% [markdown]
# ## 5 效度 / Validity
#
# 聚合效度：CR ≥ 0.70，AVE ≥ 0.50；区分效度：√AVE 大于与其他因子的相关（Fornell–Larcker），HTMT < 0.85。 / Convergent: CR ≥ .70, AVE ≥ .50; discriminant: √AVE above the factor correlations, HTMT < .85.

# %%
has_validity = has_cfa and available(info, "validity", lang)
if has_validity:
    evidence = kl.validity(perceptions, structure)
    table = evidence.table.rename(index=names)
    display(display_table(table, lang))
    checks = kl.psychometrics.scale_check.validity_checks(evidence, cutoffs)
    low_ave = [names[name] for name in checks.low_ave]
    htmt_max = checks.htmt_max
    say(lang,
        zh=f"组合信度 CR 在 {table['composite_reliability'].min():.2f}–{table['composite_reliability'].max():.2f} 之间；"
           + (f"AVE 低于 {cutoffs.ave:.2f} 的维度：{'、'.join(low_ave)}。" if low_ave else f"所有维度 AVE ≥ {cutoffs.ave:.2f}。")
           + f"Fornell–Larcker 准则{'未全部满足' if checks.fornell_larcker_fails else '全部满足'}，最大 HTMT = {htmt_max:.2f}"
           + (f"（< {cutoffs.htmt:.2f}，区分效度良好）。" if checks.htmt_ok else f"（≥ {cutoffs.htmt:.2f}，有维度难以区分）。"),
        en=f"Composite reliability ranges {table['composite_reliability'].min():.2f}–{table['composite_reliability'].max():.2f}; "
           + (f"AVE below {cutoffs.ave:.2f}: {', '.join(low_ave)}. " if low_ave else f"every AVE ≥ {cutoffs.ave:.2f}. ")
           + f"The Fornell–Larcker criterion {'fails for some' if checks.fornell_larcker_fails else 'holds for all'} dimensions; the largest HTMT is {htmt_max:.2f}"
           + (f" (< {cutoffs.htmt:.2f}: good discriminant validity)." if checks.htmt_ok else f" (≥ {cutoffs.htmt:.2f}: some dimensions are hard to tell apart)."))

# %% [markdown]
# ## 6 去掉弱条目会怎样？ / What if we drop the weak item?

# %%
reduced = {}
if has_validity and weak_items:
    reduced = {dimension: [item for item in items if item not in weak_items] for dimension, items in structure.items()}
    reduced = reduced if all(len(items) >= 3 for items in reduced.values()) else {}  # a factor keeps at least three items
if reduced and reduced != structure:
    refit = kl.validity(perceptions, reduced).table.rename(index=names)
    changed = [names[d] for d in structure if len(reduced[d]) != len(structure[d])]
    comparison = pd.DataFrame({pick(lang, "AVE（全部条目）", "AVE (all items)"): table.loc[changed, "ave"],
                               pick(lang, "AVE（去掉弱条目）", "AVE (weak items dropped)"): refit.loc[changed, "ave"]})
    display(display_table(comparison, lang))
    say(lang,
        zh=f"去掉 {'、'.join(weak_items)} 后，{'、'.join(changed)} 的 AVE 从 {table.loc[changed, 'ave'].mean():.2f} 变为 "
           f"{refit.loc[changed, 'ave'].mean():.2f}。建议：改写或删除该条目，再做一轮预调查。",
        en=f"Dropping {', '.join(weak_items)} changes the AVE of {', '.join(changed)} from {table.loc[changed, 'ave'].mean():.2f} to "
           f"{refit.loc[changed, 'ave'].mean():.2f}. Recommendation: reword or drop the item and pilot the questionnaire again.")
elif has_scales and weak_items:
    say(lang, zh="去掉弱条目后其维度不足三个条目（或不在因子模型中），无法比较 AVE；建议改写该条目，再做一轮预调查。",
        en="Without the weak item its dimension would keep fewer than three items (or is not in the factor model), so there is "
           "no AVE to compare; reword the item and pilot the questionnaire again.")
elif has_scales:
    say(lang, zh="没有弱条目，量表保持原样。", en="No weak item, so the scale stays as it is.")


# %% [markdown]
# ## 小结 / Summary

# %%
if has_scales:
    structure_zh = (f"平行分析建议 {parallel.n_factors} 个因子，CFA（{estimator.estimator}）{'拟合良好' if good else '拟合欠佳'}（CFI {fit['cfi']:.3f}，RMSEA {fit['rmsea']:.3f}）"
                    if has_cfa else "没有做因子分析（见上文说明）")
    structure_en = (f"parallel analysis suggests {parallel.n_factors} factors; the CFA ({estimator.estimator}) {'fits well' if good else 'fits poorly'} "
                    f"(CFI {fit['cfi']:.3f}, RMSEA {fit['rmsea']:.3f})" if has_cfa else "no factor analysis (see the note above)")
    say(lang,
        zh=f"- 信度：α {reliability['alpha'].min():.2f}–{reliability['alpha'].max():.2f}。\n"
           f"- 结构：{structure_zh}。\n"
           f"- 弱条目：{'、'.join(weak_items) if weak_items else '无'}。\n- 结论：分数可以用于下一章的分析"
           + ("（解读含弱条目的维度时要谨慎）。" if weak_items else "。"),
        en=f"- Reliability: alpha {reliability['alpha'].min():.2f}–{reliability['alpha'].max():.2f}.\n"
           f"- Structure: {structure_en}.\n"
           f"- Weak items: {', '.join(weak_items) if weak_items else 'none'}.\n- Conclusion: the scores can be used for the analyses of the next chapter"
           + (" (read the dimension holding the weak item with care)." if weak_items else "."))
