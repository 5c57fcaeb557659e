# %% [markdown]
# # 练习 4：解读 EFA 与 CFA / Exercise 4: interpret EFA and CFA
#
# **中文**：SERVQUAL 假定 22 道感知题属于 5 个维度。平行分析告诉我们数据支持几个因子；探索性因子分析（EFA）的载荷显示每道题归属哪个因子；验证性因子分析（CFA）检验五维模型的拟合（CFI ≥ 0.90、RMSEA ≤ 0.08 为可接受）。
#
# **English**: SERVQUAL assumes the 22 perception items form 5 dimensions. Parallel analysis says how many factors the data support; EFA loadings show where each item belongs; CFA tests the five-dimension model (acceptable: CFI ≥ 0.90 and RMSEA ≤ 0.08).
#
# **怎么做 / How it works**: 把 `TODO` 单元格里的 `None` 或 `...` 换成你的答案，然后运行下面的检查单元格，它会立即告诉你哪里对、哪里错，并给出提示。
# Replace the `None` / `...` in each `TODO` cell with your answer, then run the check cell below it: it tells you at once what is right and gives a hint for what is not.
#
# 提示分三级，一次给一级：检查默认给第一级（方向）；还需要帮助就加 `hint_level=2`（概念）或 `hint_level=3`（示范一步），例如 `check_nps(nps, scores, lang=lang, hint_level=2)`。
# Hints come in three tiers, one at a time: the check shows the first (a nudge); for more add `hint_level=2` (the concept) or `hint_level=3` (a worked step), e.g. `check_nps(nps, scores, lang=lang, hint_level=2)`.

# %% tags=["parameters"]
lang = "zh"  # 提示语言 / language of the hints: "zh" 中文, "en" English
case = "it_firm"

# %%
import kitlib as kl
from kitlib.exercises import check_factor_analysis

survey = kl.load_case(case)
items = survey.servqual("P").dropna()
model = survey.codebook.servqual_model("P")
pa = kl.parallel_analysis(items)
kl.plot.scree(pa, lang=lang);
pa

# %%
loadings = kl.efa(items, pa.n_factors).loadings
loadings.round(2).style.background_gradient(cmap="Blues", vmin=0, vmax=1)

# %%
fitted = kl.cfa(items, model)
fitted.fit.round(3)

# %% [markdown]
# ## 任务 / Tasks
# 1. `n_factors`：平行分析建议的因子数。/ The number of factors parallel analysis suggests.
# 2. `weakest_item`：在任何因子上载荷都很低的题（每题取绝对值最大的载荷，找最小的）。/ The item with no clear home (smallest largest-|loading|).
# 3. `fit_acceptable`：CFA 是否同时满足 CFI ≥ 0.90 和 RMSEA ≤ 0.08（True / False）。/ Whether the CFA meets both CFI ≥ 0.90 and RMSEA ≤ 0.08.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO
# n_factors = ...
# weakest_item = ...
# fit_acceptable = ...
### END TEMPLATE
### BEGIN SOLUTION
n_factors = pa.n_factors
weakest_item = loadings.abs().max(axis=1).idxmin()
fit_acceptable = bool(fitted.fit["cfi"] >= 0.90 and fitted.fit["rmsea"] <= 0.08)
### END SOLUTION
answer = {"n_factors": n_factors, "weakest_item": weakest_item, "fit_acceptable": fit_acceptable}
### BEGIN SOLUTION
answer
### END SOLUTION

# %% tags=["check"]
check_factor_analysis(answer, survey, lang=lang)
