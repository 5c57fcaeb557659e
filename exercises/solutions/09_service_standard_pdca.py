# %% [markdown]
# # 练习 9：根据结果设计服务标准，走完 PDCA / Exercise 9: design a service standard and close the PDCA loop
#
# **中文**：银行案例有两轮调查：2025Q4（培训前）和 2026Q2（培训后）。计划（Plan）阶段：用培训前的数据找出某服务部门差距最大的维度，写出服务标准的基线和目标；执行（Do）；检查（Check）：第二轮调查后看差距变化；处理（Act）：有效则固化，无效则调整。
#
# **English**: the bank case has two waves: 2025Q4 (before training) and 2026Q2 (after). Plan: from the before-wave find the provider's dimension with the largest shortfall and state baseline and target; Do; Check: after the second wave measure the change in the gap; Act: make it permanent or adjust.
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
from kitlib.exercises import ACTIVITIES, check_service_standard

survey = kl.load_case(case)
book = survey.codebook
wave = survey.wave_column()
before, after = sorted(survey.data[wave].dropna().unique())
mine = survey.filter(provider=provider)
pd.DataFrame(ACTIVITIES).T


# %% [markdown]
# ## 任务 / Tasks
# 1. `focus_dimension`：培训前（before）这一轮中该部门差距（P − E，各题差距的平均）最负的维度。/ The dimension with the most negative gap in the before-wave.
# 2. `baseline`：该维度 P 题平均分（培训前）。/ That dimension's mean P (before). 2 位小数（容差 ±0.005），`gap_change` 同。/ Two decimals (tolerance ±0.005), as for `gap_change`.
# 3. `target`：你的目标值（高于基线，不超过 7）。/ Your target (above the baseline, at most 7).
# 4. `pdca_order`：把上表四个活动（`standard`, `training`, `resurvey`, `adopt`）按 PDCA 顺序排列。/ Order the four activities as Plan, Do, Check, Act.
# 5. `gap_change`：该维度差距的变化 = 培训后差距 − 培训前差距。/ Change in that gap = after − before.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO
# focus_dimension = ...
# baseline = ...
# target = ...
# pdca_order = ...
# gap_change = ...
### END TEMPLATE
### BEGIN SOLUTION
def dimension_gaps(data):
    gaps = {}
    for dimension, e_item, p_item in book.servqual_pairs():
        gaps.setdefault(dimension, []).append(data[p_item].mean() - data[e_item].mean())
    return pd.Series({d: sum(v) / len(v) for d, v in gaps.items()})


first = mine.filter(**{wave: before}).data
second = mine.filter(**{wave: after}).data
gaps_before, gaps_after = dimension_gaps(first), dimension_gaps(second)
focus_dimension = gaps_before.idxmin()
baseline = first[book.servqual_model("P")[focus_dimension]].mean().mean()
target = min(round(baseline + 0.5, 1), 7.0)
pdca_order = ["standard", "training", "resurvey", "adopt"]
gap_change = gaps_after[focus_dimension] - gaps_before[focus_dimension]
### END SOLUTION
answer = {"focus_dimension": focus_dimension, "baseline": baseline, "target": target,
          "pdca_order": pdca_order, "gap_change": gap_change}
### BEGIN SOLUTION
pd.DataFrame({before: gaps_before, after: gaps_after}).round(2)
### END SOLUTION

# %% tags=["check"]
check_service_standard(answer, survey, provider=provider, lang=lang)
