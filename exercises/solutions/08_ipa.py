# %% [markdown]
# # 练习 8：重要性–表现分析（IPA）/ Exercise 8: importance–performance analysis
#
# **中文**：横轴表现（感知平均分），纵轴重要性（100 点分配的平均比例）。以各维度的平均值为十字线分成四个象限：继续保持（重要、表现好）、重点改进（重要、表现差）、低优先级（不重要、表现差）、可能过度投入（不重要、表现好）。
#
# **English**: performance (mean perception) across, importance (mean share of the 100-point allocation) up. Crosshairs at the means of the dimensions give four quadrants: keep up the good work (important, good), concentrate here (important, poor), low priority (less important, poor), possible overkill (less important, good).
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
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_ipa
from kitlib.widgets import ipa_what_if

survey = kl.load_case(case)
model = survey.codebook.servqual_model("P")

# %% [markdown]
# ## 任务 / Tasks
# 1. `quadrants`：每个维度的象限，字典 `{维度: "keep_up" | "concentrate" | "low_priority" | "overkill"}`（中文或英文名称也可以）。等于分界值算“高”。/ Each dimension's quadrant (ties count as high).
# 2. `priority`：应优先改进的维度列表。/ The list of dimensions to improve first.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO
# quadrants = ...
# priority = ...
### END TEMPLATE
### BEGIN SOLUTION
performance = pd.Series({d: survey.data[items].mean(axis=1).mean() for d, items in model.items()})
points = survey.data[[f"W_{d}" for d in model]].set_axis(list(model), axis=1)
importance = 100 * points.div(points.sum(axis=1, min_count=len(model)), axis=0).mean()
importance_cut, performance_cut = importance.mean(), performance.mean()


def quadrant(importance_value, performance_value):
    if importance_value >= importance_cut:
        return "keep_up" if performance_value >= performance_cut else "concentrate"
    return "overkill" if performance_value >= performance_cut else "low_priority"


quadrants = {d: quadrant(importance[d], performance[d]) for d in model}
priority = [d for d, q in quadrants.items() if q == "concentrate"]
### END SOLUTION
answer = {"quadrants": quadrants, "priority": priority}
### BEGIN SOLUTION
pd.DataFrame({"importance": importance, "performance": performance, "quadrant": pd.Series(quadrants)})
### END SOLUTION

# %% tags=["check"]
check_ipa(answer, survey, lang=lang)

# %% [markdown]
# **kitlib 的 IPA 图 / kitlib's IPA grid**:

# %%
kl.plot.ipa_grid(kl.ipa(survey), lang=lang);

# %% [markdown]
# ## 假如……/ What if …
# 选一个维度，拖动重要性或表现，看它落到哪个象限（十字线是各维度的平均值，也会随之移动）。
# Choose a dimension and drag its importance or performance to see its quadrant (the crosshairs are the means, so they move too).

# %%
ipa_what_if(survey, lang=lang)
