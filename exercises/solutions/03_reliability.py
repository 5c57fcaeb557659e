# %% [markdown]
# # 练习 3：信度——找出“弱题” / Exercise 3: reliability — spot the weak item
#
# **中文**：Cronbach's α 衡量同一维度的题目是否测的是同一件事。α = k/(k−1)·(1 − 各题方差之和 / 总分方差)。“弱题”与同维度其他题关联弱：校正题总相关（r_drop）最低，删掉它 α 反而上升。
#
# **English**: Cronbach's alpha shows whether a dimension's items measure one thing: alpha = k/(k−1)·(1 − sum of item variances / variance of the total). A weak item hangs together poorly with its scale: lowest corrected item-total correlation (r_drop); deleting it raises alpha.
#
# **怎么做 / How it works**: 把 `TODO` 单元格里的 `None` 或 `...` 换成你的答案，然后运行下面的检查单元格，它会立即告诉你哪里对、哪里错，并给出提示。
# Replace the `None` / `...` in each `TODO` cell with your answer, then run the check cell below it: it tells you at once what is right and gives a hint for what is not.
#
# 提示分三级，一次给一级：检查默认给第一级（方向）；还需要帮助就加 `hint_level=2`（概念）或 `hint_level=3`（示范一步），例如 `check_nps(nps, scores, lang=lang, hint_level=2)`。
# Hints come in three tiers, one at a time: the check shows the first (a nudge); for more add `hint_level=2` (the concept) or `hint_level=3` (a worked step), e.g. `check_nps(nps, scores, lang=lang, hint_level=2)`.

# %% tags=["parameters"]
lang = "zh"  # 提示语言 / language of the hints: "zh" 中文, "en" English
case = "manufacturer"

# %%
import pandas as pd

import kitlib as kl
from kitlib.exercises import check_reliability

survey = kl.load_case(case)
model = survey.codebook.servqual_model("P")
data = survey.data
model


# %% [markdown]
# ## 任务 / Tasks
# 1. `alpha`：五个感知（P）维度各自的 α，字典 `{维度: α}`（只用完整作答的行）。/ Alpha of each of the five perception scales, a dict `{dimension: alpha}` (complete rows).
#    保留 2 位小数（容差 ±0.005）；也可以交 `kl.reliability(...)` 的结果表。/ Two decimals (tolerance ±0.005); the `kl.reliability(...)` table works too.
# 2. `weak_item`：r_drop 最低的那道 P 题（如 `"P07"`）。提示：`kl.item_analysis(data, items)`。/ The P item with the lowest r_drop (e.g. `"P07"`). Hint: `kl.item_analysis(data, items)`.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO
# alpha = ...
# weak_item = ...
### END TEMPLATE
### BEGIN SOLUTION
def cronbach_alpha(items):
    complete = items.dropna()
    k = complete.shape[1]
    return k / (k - 1) * (1 - complete.var().sum() / complete.sum(axis=1).var())


alpha = {dimension: cronbach_alpha(data[items]) for dimension, items in model.items()}
items_table = pd.concat([kl.item_analysis(data, items) for items in model.values()])
weak_item = items_table["r_drop"].idxmin()
### END SOLUTION
answer = {"alpha": alpha, "weak_item": weak_item}
### BEGIN SOLUTION
items_table.sort_values("r_drop").head()
### END SOLUTION

# %% tags=["check"]
check_reliability(answer, survey, lang=lang)

# %% [markdown]
# **用 kitlib 对照 / Compare with kitlib** (`alpha`, Feldt CI, `omega_total`):

# %%
kl.reliability(data, model)
