# %% [markdown]
# # 练习 10：手工给意见编码主题，并安全地引用 / Exercise 10: code comments into themes by hand, and quote them safely
#
# **中文**：IT 公司案例中，一个服务部门收到的开放式意见（来自五个业务部门）。编码手册里有主题词典：每个主题有中英文关键词。你要手工（用 pandas 字符串匹配）数出每个主题被多少条意见提到、算出占比，判断哪些部门的意见可以显示（意见的门槛是 10 人），给几条意见判断情感，最后挑一条可以发表的引语——有几条意见里留了电话、邮箱和同事的名字。做完再用 `kl.comment_themes` 对照。
#
# **English**: in the IT firm case, the open comments one provider received from five departments. The codebook's theme dictionary gives each theme Chinese and English keywords. By hand (pandas string matching) count how many comments name each theme, turn the counts into shares, decide which departments' comments may be shown (the comment threshold is 10 respondents), label the sentiment of a few comments and pick a quote safe to publish — some comments hold a phone number, an e-mail address or a colleague's name. Then compare with `kl.comment_themes`.
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

# %%
import re

import pandas as pd

import kitlib as kl
from kitlib.exercises import SENTIMENT_COMMENTS, check_theme_coding, theme_exercise_data

survey = kl.load_case(case)
themes = survey.codebook.themes  # {theme: {zh, en, keywords: {zh: [...], en: [...]}, dimension}}
comments, roster = theme_exercise_data(survey, provider)  # respondent_id, provider, department, comment (blank: no comment)
print("roster:", roster)
pd.DataFrame({theme: {"zh": " / ".join(spec["keywords"]["zh"]), "en": " / ".join(spec["keywords"]["en"])}
              for theme, spec in themes.items()}).T

# %%
comments.dropna(subset=["comment"]).head(10)

# %% [markdown]
# ## 任务 1 / Task 1
# 1. `counts`：每个主题被多少条意见提到（字典 `{主题: 条数}`）。中文关键词在意见中任意位置出现即算；英文关键词按整词、忽略大小写匹配，结尾的 `*` 表示任意词尾（`resolv*` 匹配 resolved、resolving）。一条意见可以提到几个主题。/ How many comments name each theme (`{theme: count}`). A Chinese keyword counts anywhere in the text; English ones as whole words in any case, a trailing `*` standing for any ending (`resolv*` matches resolved, resolving). One comment can name several themes.
# 2. `shares`：每个主题的条数 ÷ 意见条数，保留 2 位小数（容差 ±0.005）。/ Each count ÷ the number of comments, two decimals (tolerance ±0.005).
# 3. `shown_departments`：哪些部门的主题和引语可以显示？开放式意见的门槛是至少 10 位不同的作答人（含没写意见的人）。/ Which departments' themes and quotes may be shown? Free-text comments need at least 10 distinct respondents (commenters or not).
# 4. `sentiment`：下表 6 条意见的情感（`"positive"`、`"neutral"` 或 `"negative"`），按顺序。/ The sentiment of the six comments below, in order.
# 5. `quote`：为提到最多的主题挑一条可以发表的引语：来自可显示的部门，并用 `kl.mask_personal_data(text, names=roster)` 遮盖个人信息。/ A quote on the most frequent theme that may be published: from a department that may be shown, personal data masked with `kl.mask_personal_data(text, names=roster)`.

# %%
pd.DataFrame({"comment": SENTIMENT_COMMENTS}, index=range(1, len(SENTIMENT_COMMENTS) + 1))


# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO 1
# counts = ...
# shares = ...
# shown_departments = ...
# sentiment = ...
# quote = ...
### END TEMPLATE
### BEGIN SOLUTION
def keyword_pattern(keywords):
    """One regular expression for a theme: Chinese keywords anywhere, English ones as whole words (`*` = any ending)."""
    parts = [re.escape(word) for word in keywords.get("zh", [])]
    for word in keywords.get("en", []):
        parts.append(r"\b" + re.escape(word[:-1]) + r"\w*" if word.endswith("*") else r"\b" + re.escape(word) + r"\b")
    return "|".join(parts)


texts = comments["comment"].dropna()
named = pd.DataFrame({theme: texts.str.contains(keyword_pattern(spec["keywords"]), case=False, regex=True)
                      for theme, spec in themes.items()})
counts = named.sum().to_dict()
shares = (named.sum() / len(texts)).to_dict()
people = comments.groupby("department")["respondent_id"].nunique()
shown_departments = list(people[people >= 10].index)
sentiment = ["positive", "negative", "positive", "negative", "negative", "positive"]
top = max(counts, key=counts.get)
quotable = texts[named[top] & comments.loc[texts.index, "department"].isin(shown_departments)]
quote = kl.mask_personal_data(quotable.iloc[0], names=roster)
### END SOLUTION
answer = {"counts": counts, "shares": shares, "shown_departments": shown_departments, "sentiment": sentiment, "quote": quote}

# %% tags=["check"]
check_theme_coding(answer, comments, themes, roster=roster, lang=lang)

# %% [markdown]
# ## 任务 2 / Task 2
# 用 `kl.comment_themes` 做同样的事（`by=["provider", "department"]`，`roster=roster`，`respondent="respondent_id"`），从结果里取出同样的五项，再检查一次；情感用 `kl.comment_sentiment`。/ Do the same with `kl.comment_themes` (`by=["provider", "department"]`, `roster=roster`, `respondent="respondent_id"`), take the same five answers from its result and check again; sentiment with `kl.comment_sentiment`.

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO 2
### END TEMPLATE
result = kl.comment_themes(comments, themes, by=["provider", "department"], roster=roster, respondent="respondent_id")
### BEGIN TEMPLATE
# kitlib_answer = ...
### END TEMPLATE
### BEGIN SOLUTION
theme_names = list(result.themes)
kitlib_top = result.top_theme("provider")[provider]
kitlib_answer = {
    "counts": result.counts["provider"].loc[provider, theme_names],
    "shares": result.shares["provider"].loc[provider, theme_names],
    "shown_departments": list(result.counts["department"].index),
    "sentiment": kl.comment_sentiment(list(SENTIMENT_COMMENTS)).tolist(),
    "quote": result.quotes.loc[result.quotes["theme"] == kitlib_top, "comment"].iloc[0],
}
result.counts["department"]
### END SOLUTION

# %% tags=["check"]
check_theme_coding(kitlib_answer, comments, themes, roster=roster, lang=lang)
