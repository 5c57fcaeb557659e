# %% [markdown]
# # 练习 7：NPS 与 CSI / Exercise 7: NPS and CSI
#
# **中文**：NPS（净推荐值）= 推荐者（9–10 分）百分比 − 贬损者（0–6 分）百分比；7–8 分是被动者，两边都不算。CSI（满意度指数）把各维度感知平均分换算为 0–100：(平均 − 1)/(7 − 1) × 100，再按受访者分配的重要性加权。
#
# **English**: NPS = % promoters (9–10) − % detractors (0–6); 7–8 are passives and count for neither. CSI rescales each dimension's perception mean to 0–100, (mean − 1)/(7 − 1) × 100, and weights it by the importance respondents allocated.
#
# **怎么做 / How it works**: 把 `TODO` 单元格里的 `None` 或 `...` 换成你的答案，然后运行下面的检查单元格，它会立即告诉你哪里对、哪里错，并给出提示。
# Replace the `None` / `...` in each `TODO` cell with your answer, then run the check cell below it: it tells you at once what is right and gives a hint for what is not.
#
# 提示分三级，一次给一级：检查默认给第一级（方向）；还需要帮助就加 `hint_level=2`（概念）或 `hint_level=3`（示范一步），例如 `check_nps(nps, scores, lang=lang, hint_level=2)`。
# Hints come in three tiers, one at a time: the check shows the first (a nudge); for more add `hint_level=2` (the concept) or `hint_level=3` (a worked step), e.g. `check_nps(nps, scores, lang=lang, hint_level=2)`.

# %% tags=["parameters"]
lang = "zh"  # 提示语言 / language of the hints: "zh" 中文, "en" English
case = "bank"
provider = "Operations Centre"

# %%
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_csi, check_nps

survey = kl.load_case(case)
mine = survey.filter(provider=provider)
scores = mine.data["nps"].dropna()
scores.value_counts().sort_index()

# %% [markdown]
# ## 任务 1：NPS / Task 1: NPS (−100 … 100)
# 以百分点表示，取整数或保留 1 位小数都可以（容差 ±0.5）。/ In percentage points, whole or to one decimal (tolerance ±0.5).

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO 1
# nps = None
### END TEMPLATE
### BEGIN SOLUTION
nps = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
nps, kl.nps(scores)
### END SOLUTION

# %% tags=["check"]
check_nps(nps, scores, lang=lang)

# %% [markdown]
# ## 任务 2：CSI / Task 2: CSI (0–100)
# 保留 1 位小数（容差 ±0.05）。/ To one decimal (tolerance ±0.05).
# 1. 每位受访者每个维度的感知分 = 该维度已答 P 题的平均；只保留五个维度都有分的人。/ Each respondent's dimension score = mean of the answered P items; keep respondents with all five.
# 2. 权重：每人的 `W_<维度>` 点数除以本人总点数，再对所有人取平均。/ Weights: each respondent's `W_<dimension>` points divided by their total, averaged over respondents.
# 3. CSI = Σ 权重 × (维度平均 − 1)/6 × 100。/ CSI = Σ weight × (dimension mean − 1)/6 × 100.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO 2
# csi = None
### END TEMPLATE
### BEGIN SOLUTION
model = survey.codebook.servqual_model("P")
dimension_scores = pd.DataFrame({d: mine.data[items].mean(axis=1) for d, items in model.items()}).dropna()
points = mine.data[[f"W_{d}" for d in model]].set_axis(list(model), axis=1)
weights = points.div(points.sum(axis=1, min_count=len(model)), axis=0).mean()
weights = weights / weights.sum()
csi = sum(weights[d] * 100 * (dimension_scores[d].mean() - 1) / 6 for d in model)
csi, kl.csi(mine)
### END SOLUTION

# %% tags=["check"]
check_csi(csi, mine, lang=lang)
