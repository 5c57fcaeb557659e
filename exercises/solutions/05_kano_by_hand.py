# %% [markdown]
# # 练习 5：用评价表手工做 KANO 分类 / Exercise 5: KANO classification by hand
#
# **中文**：每位受访者对一个功能回答两个问题：**具备**该功能时感觉如何（正向问题），**不具备**时感觉如何（反向问题）。选项：1 我喜欢，2 理应如此，3 无所谓，4 能忍受，5 我不喜欢。查下表（行 = 具备时，列 = 不具备时）得到类别。
#
# **English**: each respondent answers two questions per feature: how they feel if it is **present** (functional) and if it is **absent** (dysfunctional). Options: 1 like, 2 expect, 3 neutral, 4 live with, 5 dislike. Look the pair up (rows = functional, columns = dysfunctional).
#
# | 具备时 \ 不具备时 / functional \ dysfunctional | 1 喜欢 like | 2 理应如此 expect | 3 无所谓 neutral | 4 能忍受 live with | 5 不喜欢 dislike |
# |---|---|---|---|---|---|
# | 1 喜欢 like | Q | A | A | A | O |
# | 2 理应如此 expect | R | I | I | I | M |
# | 3 无所谓 neutral | R | I | I | I | M |
# | 4 能忍受 live with | R | I | I | I | M |
# | 5 不喜欢 dislike | R | R | R | R | Q |
#
# A 魅力型 attractive · O 期望型 one-dimensional · M 必备型 must-be · I 无差异 indifferent · R 反向 reverse · Q 可疑 questionable
#
# **怎么做 / How it works**: 把 `TODO` 单元格里的 `None` 或 `...` 换成你的答案，然后运行下面的检查单元格，它会立即告诉你哪里对、哪里错，并给出提示。
# Replace the `None` / `...` in each `TODO` cell with your answer, then run the check cell below it: it tells you at once what is right and gives a hint for what is not.
#
# 提示分三级，一次给一级：检查默认给第一级（方向）；还需要帮助就加 `hint_level=2`（概念）或 `hint_level=3`（示范一步），例如 `check_nps(nps, scores, lang=lang, hint_level=2)`。
# Hints come in three tiers, one at a time: the check shows the first (a nudge); for more add `hint_level=2` (the concept) or `hint_level=3` (a worked step), e.g. `check_nps(nps, scores, lang=lang, hint_level=2)`.

# %% tags=["parameters"]
lang = "zh"  # 提示语言 / language of the hints: "zh" 中文, "en" English
case = "it_firm"
feature = "F03"
n_pairs = 12

# %%
import kitlib as kl
from kitlib.exercises import check_kano
from kitlib.exercises.kano import exercise_pairs
from kitlib.widgets import kano_classifier

survey = kl.load_case(case)
pairs = exercise_pairs(survey, feature, n=n_pairs)  # real answer pairs; every category (A, O, M, I, R, Q) is among them
print(survey.codebook.label(feature, lang))
pairs

# %% [markdown]
# ## 任务 / Task
# 按顺序给出这 `n_pairs` 组回答的类别，例如 `["M", "O", ...]`。/ Give the category of each answer pair in order, e.g. `["M", "O", ...]`.
# 这些回答里六种类别（包括 Q 和 R）都有。/ All six categories, Q and R included, occur among them.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO
# categories = ...
### END TEMPLATE
### BEGIN SOLUTION
table = {1: "QAAAO", 2: "RIIIM", 3: "RIIIM", 4: "RIIIM", 5: "RRRRQ"}  # row = functional, column = dysfunctional
categories = [table[f][d - 1] for f, d in pairs[["functional", "dysfunctional"]].itertuples(index=False)]
categories
### END SOLUTION

# %% tags=["check"]
check_kano(categories, pairs, lang=lang)

# %% [markdown]
# ## KANO 分类器 / KANO classifier
# 选两个回答，看类别和原因。/ Pick the two answers and see the category and why.

# %%
kano_classifier(lang=lang)
