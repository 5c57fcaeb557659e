# %% [markdown]
# # 练习 2：先手算 SERVQUAL 差距，再用 kitlib / Exercise 2: SERVQUAL gaps by hand, then with kitlib
#
# **中文**：差距 = 感知 P − 期望 E。负数表示服务没有达到内部客户的期望。先用 pandas 手算某个服务部门五个维度的差距，再用 `kl.servqual_gaps` 得到同样的结果（外加置信区间、t 检验和效应量 d_z）。
#
# **English**: gap = perception P − expectation E; negative means the service falls short of what internal customers expect. Compute one provider's five dimension gaps with pandas, then get the same (plus confidence intervals, t-tests and the effect size d_z) from `kl.servqual_gaps`.
#
# **怎么做 / How it works**: 把 `TODO` 单元格里的 `None` 或 `...` 换成你的答案，然后运行下面的检查单元格，它会立即告诉你哪里对、哪里错，并给出提示。
# Replace the `None` / `...` in each `TODO` cell with your answer, then run the check cell below it: it tells you at once what is right and gives a hint for what is not.
#
# 提示分三级，一次给一级：检查默认给第一级（方向）；还需要帮助就加 `hint_level=2`（概念）或 `hint_level=3`（示范一步），例如 `check_nps(nps, scores, lang=lang, hint_level=2)`。
# Hints come in three tiers, one at a time: the check shows the first (a nudge); for more add `hint_level=2` (the concept) or `hint_level=3` (a worked step), e.g. `check_nps(nps, scores, lang=lang, hint_level=2)`.

# %% tags=["parameters"]
lang = "zh"  # 提示语言 / language of the hints: "zh" 中文, "en" English
case = "it_firm"
provider = "IT Support"
min_group_size = 5

# %%
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_gap
from kitlib.i18n import display_table
from kitlib.widgets import gap_explorer

survey = kl.load_case(case)
book = survey.codebook
data = survey.filter(provider=provider).data
display_table(pd.DataFrame(book.servqual_pairs(), columns=["dimension", "E_item", "P_item"]).head(8), lang)

# %% [markdown]
# ## 任务 1 / Task 1
# 对每个维度：每道题算 P 的平均分和 E 的平均分，题目差距 = P 平均 − E 平均；维度差距 = 该维度各题差距的平均。结果写成字典 `{维度: 差距}`。
# For each dimension: per item, mean P minus mean E; the dimension gap is the mean of its item gaps. Give a dict `{dimension: gap}`.
# 精度：保留 1 位小数即可（容差 ±0.05）。键可以是代码、中文名或英文名；也可以直接交 Series 或 `kl.servqual_gaps` 的结果。
# Precision: one decimal is enough (tolerance ±0.05). Keys may be codes, Chinese or English names; a Series or the `kl.servqual_gaps` result works too.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO 1
# answer = None
### END TEMPLATE
### BEGIN SOLUTION
item_gaps = {}
for dimension, e_item, p_item in book.servqual_pairs():
    item_gaps.setdefault(dimension, []).append(data[p_item].mean() - data[e_item].mean())
answer = {dimension: sum(values) / len(values) for dimension, values in item_gaps.items()}
answer
### END SOLUTION

# %% tags=["check"]
check_gap(answer, survey, provider=provider, lang=lang)

# %% [markdown]
# ## 任务 2 / Task 2
# 用 `kl.servqual_gaps` 计算同一个服务部门的差距，取出 `dimensions` 表里的 `gap` 列（以维度为索引），再检查一次。两种算法可能在第三位小数上略有不同：kitlib 先算每位受访者的维度分（缺答时用已答题的平均）。
# Use `kl.servqual_gaps` on the same provider, take the `gap` column of the `dimensions` table (indexed by dimension) and check again. The two may differ in the third decimal: kitlib first scores each respondent (averaging the answered items).

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO 2
### END TEMPLATE
result = kl.servqual_gaps(survey.filter(provider=provider))
### BEGIN TEMPLATE
# kitlib_gaps = ...
### END TEMPLATE
### BEGIN SOLUTION
kitlib_gaps = result.dimensions.set_index("dimension")["gap"]
result
### END SOLUTION

# %% tags=["check"]
check_gap(kitlib_gaps, survey, provider=provider, lang=lang)

# %%
kl.plot.gap_bars(result, lang=lang);

# %% [markdown]
# ## 差距浏览器 / Gap explorer
# 选择案例、服务部门和维度，看各业务部门感受到的差距。人数少于 `min_group_size` 的部门（以及能据此反推出它的部门）会被隐藏。
# Pick a case, provider and dimension to see the gap felt by each department. Departments below `min_group_size` (and any that would reveal them) are hidden.

# %%
gap_explorer(lang=lang, case=case, provider=provider, min_group_size=min_group_size)
