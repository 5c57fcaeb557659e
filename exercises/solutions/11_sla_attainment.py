# %% [markdown]
# # 练习 11：服务标准达成率及其与满意度的关系 / Exercise 11: SLA attainment and its link to satisfaction
#
# **中文**：IT 公司的服务标准规定了每类工单（服务部门 × 类别 × 优先级）的响应时限和解决时限（小时）。下面是月度 SLA 报告的数据：导出前四周开出的工单，导出时有些还没处理完。按服务部门手工算出响应和解决的达成率、解决时长的中位数；再看工单评分在解决达标与未达标时差多少（效应量 Cohen's d），以及问卷满意度是否跟着达成率走。做完再用 `kl.sla` 对照。
#
# **English**: the IT firm's service standards set a response and a resolution target (hours) per provider × category × priority. Below are the data of the monthly SLA report: the tickets opened in the four weeks before the export, some still open at export time. By hand, per provider, compute response and resolution attainment and the median resolution time; then how much higher tickets are rated when the resolution target is met (Cohen's d), and whether survey satisfaction follows attainment. Then compare with `kl.sla`.
#
# **怎么做 / How it works**: 把 `TODO` 单元格里的 `None` 或 `...` 换成你的答案，然后运行下面的检查单元格，它会立即告诉你哪里对、哪里错，并给出提示。
# Replace the `None` / `...` in each `TODO` cell with your answer, then run the check cell below it: it tells you at once what is right and gives a hint for what is not.
#
# 提示分三级，一次给一级：检查默认给第一级（方向）；还需要帮助就加 `hint_level=2`（概念）或 `hint_level=3`（示范一步），例如 `check_nps(nps, scores, lang=lang, hint_level=2)`。
# Hints come in three tiers, one at a time: the check shows the first (a nudge); for more add `hint_level=2` (the concept) or `hint_level=3` (a worked step), e.g. `check_nps(nps, scores, lang=lang, hint_level=2)`.

# %% tags=["parameters"]
lang = "zh"  # 提示语言 / language of the hints: "zh" 中文, "en" English

# %%
import numpy as np
import pandas as pd
from scipy import stats

import kitlib as kl
from kitlib.exercises import check_sla, sla_exercise_data

survey = kl.load_case("it_firm")  # the staff survey of the same firm: overall satisfaction per provider
tickets, standards = sla_exercise_data()
exported = tickets[["opened", "first_response", "resolved"]].max().max()  # the export time: the latest timestamp in the log
print(len(tickets), "tickets; exported", exported)
standards

# %%
tickets.head()

# %% [markdown]
# ## 任务 / Tasks
# 规则 / Rules：每张工单的时限取**最具体**的那行标准（`*` 表示任意；同时匹配 `*, *, P1` 和 `*, inquiry, P1` 时用后者）。用时 = 首次响应（或解决）− 开单，单位小时；用时 ≤ 时限为达标。导出时还没响应（解决）的工单：已超过时限 → 未达标；还没超过 → 不计入。/ Each ticket's target comes from the **most specific** standard (`*` = any: `*, inquiry, P1` wins over `*, *, P1`). Time = first response (or resolution) − opened, in hours; met when time ≤ target. A ticket without response (resolution) at export: past its target → missed; not yet → left out.
#
# 1. `response_met`, `resolution_met`：每个服务部门的达成率 `{服务部门: 比例}`，2 位小数（容差 ±0.005）。/ Attainment per provider, two decimals.
# 2. `median_resolution_h`：每个服务部门已解决工单的解决时长中位数（小时），1 位小数。/ Median resolution time (hours) of the resolved tickets per provider, one decimal.
# 3. `rating_difference`：有评分的工单中，解决达标的平均评分 − 未达标的平均评分；`cohens_d`：该差值 ÷ 两组合并标准差。/ Among rated tickets, mean rating when the resolution target was met − when missed; `cohens_d`: that difference ÷ the pooled SD.
# 4. `satisfaction_rho`：各服务部门问卷总体满意度（`overall`）平均分与解决达成率的 Spearman ρ。/ Spearman's ρ between each provider's mean survey satisfaction (`overall`) and its resolution attainment.
#
# 2–4 题保留 2 位小数（中位数 1 位）。/ Two decimals for 3–4 (one for the median).

# %% tags=["solution"]
### BEGIN TEMPLATE
# # TODO
# response_met = ...
# resolution_met = ...
# median_resolution_h = ...
# rating_difference = ...
# cohens_d = ...
# satisfaction_rho = ...
### END TEMPLATE
### BEGIN SOLUTION
keys = ["provider", "category", "priority"]
ranked = standards.assign(specific=(standards[keys] != "*").sum(axis=1)).sort_values("specific", kind="stable")
targets = pd.DataFrame(index=tickets.index, columns=["response", "resolution"], dtype=float)
for _, standard in ranked.iterrows():  # least specific first: later (more specific) rows overwrite
    match = np.ones(len(tickets), dtype=bool)
    for key in keys:
        if standard[key] != "*":
            match &= (tickets[key] == standard[key]).to_numpy()
    targets.loc[match, "response"] = standard["response_hours"]
    targets.loc[match, "resolution"] = standard["resolution_hours"]

hour = pd.Timedelta(hours=1)
waited = (exported - tickets["opened"]) / hour
met, taken = {}, {}
for standard, column in (("response", "first_response"), ("resolution", "resolved")):
    taken[standard] = (tickets[column] - tickets["opened"]) / hour
    ok = (taken[standard] <= targets[standard]).astype(float)
    overdue = taken[standard].isna() & (waited > targets[standard])
    met[standard] = ok.where(taken[standard].notna(), np.where(overdue, 0.0, np.nan))  # open, within target: left out
response_met = met["response"].groupby(tickets["provider"]).mean().to_dict()
resolution_met = met["resolution"].groupby(tickets["provider"]).mean().to_dict()
median_resolution_h = taken["resolution"].groupby(tickets["provider"]).median().to_dict()

rated = tickets["rating"].notna() & met["resolution"].notna()
on_time = tickets.loc[rated & (met["resolution"] == 1), "rating"]
late = tickets.loc[rated & (met["resolution"] == 0), "rating"]
rating_difference = on_time.mean() - late.mean()
pooled = np.sqrt(((len(on_time) - 1) * on_time.var() + (len(late) - 1) * late.var()) / (len(on_time) + len(late) - 2))
cohens_d = rating_difference / pooled

satisfaction = survey.data.groupby("provider")["overall"].mean()
satisfaction_rho = stats.spearmanr(satisfaction, pd.Series(resolution_met)[satisfaction.index]).statistic
### END SOLUTION
answer = {"response_met": response_met, "resolution_met": resolution_met, "median_resolution_h": median_resolution_h,
          "rating_difference": rating_difference, "cohens_d": cohens_d, "satisfaction_rho": satisfaction_rho}

# %% tags=["check"]
check_sla(answer, tickets, standards, survey, lang=lang)

# %% [markdown]
# ## 对照 `kl.sla` / Compare with `kl.sla`
# `kl.sla` 给出同样的达成率（带 Wilson 置信区间）、中位数与 P90、一次解决率、重开率，以及达标与未达标时的评分比较（含 Welch t 检验）；`kl.satisfaction_link` 把问卷满意度和达成率放在一起。/ `kl.sla` gives the same attainment (with Wilson intervals), median and P90 times, first-contact resolution, reopen rate, and the rating when met vs missed (with Welch's t test); `kl.satisfaction_link` puts survey satisfaction beside attainment.

# %%
service = kl.sla(tickets, standards)
service.table[["tickets", "response_met", "response_low", "response_high", "resolution_met", "resolution_low", "resolution_high",
               "median_resolution_h"]]

# %%
service.rating_link

# %%
kl.satisfaction_link(service, survey)
