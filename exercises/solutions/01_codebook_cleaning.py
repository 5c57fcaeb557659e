# %% [markdown]
# # 练习 1：读懂编码手册，清理数据 / Exercise 1: read the codebook, clean the data
#
# **中文**：调查数据旁边总有一本编码手册（codebook）：每一列测量什么、量表范围、是否反向计分、属于哪个维度。本练习直接用 pandas 读原始 CSV，按编码手册找出反向题、完成反向计分，并找出因人数太少而必须隐藏的部门。
#
# **English**: every survey file comes with a codebook saying what each column measures, its scale, whether it is reverse-keyed and which dimension it belongs to. Here you read the raw CSV with pandas, use the codebook to find and recode the reverse-keyed items, and list the departments too small to report.
#
# **怎么做 / How it works**: 把 `TODO` 单元格里的 `None` 或 `...` 换成你的答案，然后运行下面的检查单元格，它会立即告诉你哪里对、哪里错，并给出提示。
# Replace the `None` / `...` in each `TODO` cell with your answer, then run the check cell below it: it tells you at once what is right and gives a hint for what is not.
#
# 提示分三级，一次给一级：检查默认给第一级（方向）；还需要帮助就加 `hint_level=2`（概念）或 `hint_level=3`（示范一步），例如 `check_nps(nps, scores, lang=lang, hint_level=2)`。
# Hints come in three tiers, one at a time: the check shows the first (a nudge); for more add `hint_level=2` (the concept) or `hint_level=3` (a worked step), e.g. `check_nps(nps, scores, lang=lang, hint_level=2)`.

# %% tags=["parameters"]
lang = "zh"  # 提示语言 / language of the hints: "zh" 中文, "en" English
case = "it_firm"
min_group_size = 5  # 少于此人数的部门要隐藏 / smaller groups are suppressed

# %%
import dataclasses

import pandas as pd

import kitlib as kl
from kitlib.data import case_dir
from kitlib.exercises import check_cleaning

folder = case_dir(case)
raw = pd.read_csv(folder / "responses.csv")          # 原始数据，未处理 / raw answers, untouched
book = kl.load_codebook(folder / "codebook.yaml")    # 编码手册 / the codebook
survey = kl.load_case(case)                          # kitlib 读入并校验后的数据 / validated by kitlib
columns = pd.DataFrame([dataclasses.asdict(c) for c in book.columns.values()])
columns[["id", "kind", "dimension", "scale_min", "scale_max", "reverse", "text_zh", "text_en"]].head(30)

# %% [markdown]
# ## 任务 / Tasks
# 1. `reverse_items`：编码手册中所有反向计分（`reverse` 为 True）的列。/ All columns the codebook marks `reverse: true`.
# 2. `recoded`：把反向题的**感知**列（P）反向计分后的整列数值（新值 = 最小值 + 最大值 − 原值）。/ The recoded **perception** (P) reverse-keyed column (new = min + max − old), one value per row.
# 3. `small_departments`：受访人数少于 `min_group_size` 的部门名单（数不同的 `respondent_id`）。/ Departments with fewer than `min_group_size` distinct respondents.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO 1–3
# reverse_items = ...
# recoded = ...
# small_departments = ...
### END TEMPLATE
### BEGIN SOLUTION
reverse_items = [c.id for c in book.columns.values() if c.reverse]
perception = next(c for c in reverse_items if book.columns[c].kind == "servqual_P")
column = book.columns[perception]
recoded = column.scale_min + column.scale_max - raw[perception]
people = raw.groupby("department")["respondent_id"].nunique()
small_departments = sorted(people[people < min_group_size].index)
### END SOLUTION
answer = {"reverse_items": reverse_items, "recoded": recoded, "small_departments": small_departments}
### BEGIN SOLUTION
answer["small_departments"], people
### END SOLUTION

# %% tags=["check"]
check_cleaning(answer, survey, lang=lang, min_group_size=min_group_size)

# %% [markdown]
# **想一想 / Think**: `kl.load_case` 已经替你做了反向计分，并在 `survey.quality` 里记录了每一处处理。/ `kl.load_case` already recodes and logs every action in `survey.quality`.

# %%
survey.quality["action"].value_counts()
