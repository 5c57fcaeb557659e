# %% [markdown]
# # 练习 6：Better/Worse 系数——先改进什么？/ Exercise 6: Better/Worse — what to improve first?
#
# **中文**：对每个功能数出 A、O、M、I 的人数。Better = (A + O)/(A + O + M + I)：做好后满意度能提升多少；Worse = −(O + M)/(A + O + M + I)：做不好时满意度下降多少（负数）。先改进 |Worse| 最大的功能：先消除不满，再创造惊喜。
#
# **English**: count A, O, M, I per feature. Better = (A + O)/(A + O + M + I): how much satisfaction rises when it is provided; Worse = −(O + M)/(A + O + M + I): how much it falls when it is not (negative). Improve the feature with the largest |Worse| first: remove dissatisfaction before adding delight.
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
from kitlib.exercises import check_better_worse

survey = kl.load_case(case)
book = survey.codebook
pd.Series({feature: book.label(feature, lang) for feature in book.kano_pairs()})

# %% [markdown]
# ## 任务 / Tasks
# 用 `kl.kano_classify` 给每人每个功能分类，数 A、O、M、I、R、Q，然后算 `better`、`worse`（字典或 Series，以功能编号为键）和 `improve_first`（功能编号）。
# Classify every respondent and feature with `kl.kano_classify`, count A, O, M, I, R, Q, then compute `better`, `worse` (dict or Series keyed by feature id) and `improve_first` (a feature id).
# 精度：保留 2 位小数（容差 ±0.005）。/ Precision: two decimals (tolerance ±0.005).

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO
# better = ...
# worse = ...
# improve_first = ...
### END TEMPLATE
### BEGIN SOLUTION
counts = {}
for feature, (functional, dysfunctional) in book.kano_pairs().items():
    both = survey.data[[functional, dysfunctional]].dropna()
    counts[feature] = pd.Series(kl.kano_classify(both[functional], both[dysfunctional])).value_counts()
counts = pd.DataFrame(counts).T.reindex(columns=list("AOMIRQ")).fillna(0)
total = counts[["A", "O", "M", "I"]].sum(axis=1)
better = (counts["A"] + counts["O"]) / total
worse = -(counts["O"] + counts["M"]) / total
improve_first = worse.idxmin()
### END SOLUTION
answer = {"better": better, "worse": worse, "improve_first": improve_first}
### BEGIN SOLUTION
pd.DataFrame({"better": better, "worse": worse}).round(3)
### END SOLUTION

# %% tags=["check"]
check_better_worse(answer, survey, lang=lang)

# %% [markdown]
# **用 kitlib 对照 / Compare with kitlib**:

# %%
kano = kl.kano_table(survey)
kl.plot.kano_map(kano, lang=lang);
kano[["feature", f"label_{lang}", "category", "better", "worse", "fong_significant"]]
