# %% [markdown]
# # 06 内部客户之声与服务标准 / The voice of the internal customer and service standards
#
# 分数之外，听听内部客户怎么说；再用服务标准（响应、解决时限）和旅程上的关键时刻检查服务。 / Beyond the scores: what internal customers say, whether the service standards (response and resolution times) are met, and where the moments of truth lie on the journey.

# %% [markdown]
# **你将学到 / What you will learn**
#
# - 意见主题编码：中文分词（rjieba）+ 编码手册里的主题词典，各服务部门的主题占比 / coding open comments into themes (rjieba segmentation plus the codebook's theme dictionary), theme shares per provider;
# - 情感倾向（词典法）与可公开的引语：电话、邮箱、工号等已遮盖，人数不足的组不显示 / lexicon sentiment and quotes safe to publish: personal data masked, small groups withheld;
# - 服务标准与工单：响应与解决时限达成率（Wilson 区间）、p 控制图与 XmR 控制图上的特殊原因周，以及达标与满意度的关系 / service standards and tickets: response and resolution attainment with Wilson intervals, special-cause weeks on p and XmR charts, and the link to satisfaction;
# - 服务旅程与关键时刻：重要性高、满意度低的环节 / the service journey and its moments of truth: stages of high importance and low satisfaction.

# %% [markdown]
# ## 参数 / Parameters
#
# 改这些值，或用 papermill `-p case bank -p lang en` 运行。 / Change these values, or run with papermill `-p case bank -p lang en`.

# %% tags=["parameters"]
case = "it_firm"        # shipped case: it_firm | manufacturer | bank
data_path = ""          # your own survey file (CSV/XLSX); overrides case when set
codebook_path = ""      # its codebook (default: codebook.yaml next to the data file)
lang = "zh"             # language of every text and chart: zh | en
min_group_size = 5      # groups with fewer respondents are never shown
provider = ""           # restrict to one service provider (empty: all)
department = ""         # restrict to one receiving department (empty: all)
wave = ""               # restrict to one survey wave (empty: all)
alpha_level = 0.05      # significance level of the tests
n_boot = 500            # bootstrap resamples (kept for the same parameters as the other chapters)

# %%
import re
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", category=FutureWarning)

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import kitlib as kl
from kitlib.data.cases import case_dir
from kitlib.i18n import pick, say
from kitlib.privacy import MIN_COMMENT_GROUP
from kitlib.report.chapter import open_survey, select, withheld_groups

kl.plot.set_theme()
pd.set_option("display.precision", 2)
full_survey = open_survey(case, data_path, codebook_path)
survey = select(full_survey, provider=provider, department=department, wave=wave, min_group_size=min_group_size)
book = survey.codebook
folder = Path(data_path).parent if data_path else case_dir(case)  # ticket log and journey ratings live beside the survey
hidden = {column: withheld_groups(full_survey, column, min_group_size) for column in ("provider", "department") if column in full_survey.data}
join = "、" if lang == "zh" else ", "
CJK = re.compile(r"[\u3400-\u9fff]")


def group_name(column, value):
    """A group in the reader's language (codebook value label)."""
    return book.value_label(column, value, lang)


say(lang,
    zh=f"数据：**{book.title.get('zh', book.name)}**，{len(survey)} 行。",
    en=f"Data: **{book.title.get('en', book.name)}**, {len(survey)} rows.")

# %% [markdown]
# ## 意见主题与情感 / Comment themes and sentiment
#
# 每条意见先遮盖个人信息，再分词、按主题词典编码；少于 10 人作答的组既不显示主题计数也不显示引语。 / Every comment is masked first, then segmented and coded with the theme dictionary; groups under 10 respondents show neither theme counts nor quotes.

# %%
comment_columns = [name for name, column in book.columns.items() if getattr(column, "kind", None) == "comment"]
has_comments = bool(comment_columns) and survey.data[comment_columns[0]].notna().any()
if not has_comments:
    say(lang, zh="*这份问卷没有开放式意见题，跳过本节。*", en="*This questionnaire has no open comments; this section is skipped.*")

# %%
if has_comments:
    voice = kl.comment_themes(survey, comment=comment_columns[0], min_n=max(MIN_COMMENT_GROUP, min_group_size))
    names = {theme: spec[lang] for theme, spec in voice.themes.items()}
    feeling = voice.coded["sentiment"].value_counts(normalize=True)
    say(lang,
        zh=f"可公开的意见 **{len(voice.coded)}** 条，编码为 {len(names)} 个主题（{join.join(names.values())}）。"
           f"情感：正面 {feeling.get('positive', 0):.0%}、中性 {feeling.get('neutral', 0):.0%}、负面 {feeling.get('negative', 0):.0%}"
           "（词典法，含否定与转折处理）。",
        en=f"**{len(voice.coded)}** publishable comments, coded into {len(names)} themes ({join.join(names.values())}). "
           f"Sentiment: {feeling.get('positive', 0):.0%} positive, {feeling.get('neutral', 0):.0%} neutral, "
           f"{feeling.get('negative', 0):.0%} negative (lexicon method with negation and contrast).")

# %%
by_provider = has_comments and "provider" in voice.shares
if by_provider:
    shares = voice.shares["provider"]
    shares = shares[~shares.index.astype(str).isin(hidden.get("provider", set()))]
    kl.plot.theme_chart(voice, "provider", lang=lang, codebook=book)
    plt.show()
    shown = shares[["comments", *names, "negative_share"]].rename(columns=names).rename(
        columns={"comments": pick(lang, "意见数", "comments"), "negative_share": pick(lang, "负面占比", "negative share")})
    shown.index = [group_name("provider", value) for value in shown.index]
    display(shown.rename_axis(pick(lang, "服务部门", "provider")))

# %%
if by_provider and len(shares):
    top = shares[list(names)].idxmax(axis=1)
    worst = shares["negative_share"].idxmax()
    say(lang,
        zh="各服务部门最常被提到的主题：" + "；".join(f"{group_name('provider', p)} — **{names[t]}**（{shares.loc[p, t]:.0%}）"
                                          for p, t in top.items()) +
           f"。负面意见占比最高的是 **{group_name('provider', worst)}**（{shares.loc[worst, 'negative_share']:.0%}），"
           f"其意见集中在「{names[top[worst]]}」。",
        en="Most frequent theme per provider: " + "; ".join(f"{group_name('provider', p)} — **{names[t]}** ({shares.loc[p, t]:.0%})"
                                                          for p, t in top.items()) +
           f". The highest negative share is **{group_name('provider', worst)}** ({shares.loc[worst, 'negative_share']:.0%}), "
           f"whose comments centre on '{names[top[worst]]}'.")

# %%
if has_comments and voice.dimensions.shape[1] > 1:  # theme <-> the commenter's own largest SERVQUAL gap
    cross = voice.dimensions.copy()
    cross["dimension"] = [book.label(d, lang) if isinstance(d, str) else "" for d in cross["dimension"]]
    cross = cross.rename(index=names, columns={d: book.label(d, lang) for d in cross.columns if d != "dimension"})
    display(cross.rename(columns={"dimension": pick(lang, "对应维度", "declared dimension")}).rename_axis(pick(lang, "主题", "theme")))
    say(lang,
        zh="上表：每个主题对应的 SERVQUAL 维度，以及提到该主题的人自己差距最大的维度分布——两者一致说明意见印证了量化结果。",
        en="Above: each theme's SERVQUAL dimension, and where the commenters' own largest gap lies; agreement means the comments "
           "corroborate the scores.")

# %%
if has_comments:
    quotes = voice.quotes
    if "provider" in quotes:
        quotes = quotes[~quotes["provider"].astype(str).isin(hidden.get("provider", set()))]
    if "department" in quotes:
        quotes = quotes[~quotes["department"].astype(str).isin(hidden.get("department", set()))]
    if lang == "en":  # quote in the reader's language; Chinese comments are counted above
        quotes = quotes[~quotes["comment"].str.contains(CJK)]
    feelings = {"positive": pick(lang, "正面", "positive"), "neutral": pick(lang, "中性", "neutral"),
                "negative": pick(lang, "负面", "negative")}
    if len(quotes):
        table = pd.DataFrame({pick(lang, "主题", "theme"): quotes["theme"].map(names),
                              pick(lang, "服务部门", "provider"): [group_name("provider", v) for v in quotes["provider"]]
                              if "provider" in quotes else "",
                              pick(lang, "意见（已遮盖个人信息）", "comment (personal data masked)"): quotes["comment"],
                              pick(lang, "情感", "sentiment"): quotes["sentiment"].map(feelings)})
        display(table.groupby(table.columns[0], sort=False).head(2).reset_index(drop=True))
    say(lang,
        zh=f"代表性引语：每个主题取关键词最多、情感最明确的意见；{len(voice.suppressed)} 个组因少于 {voice.min_n} 人作答而不显示主题与引语。",
        en=f"Representative quotes: per theme, the comments with most keyword hits and clearest sentiment"
           f"{'' if len(quotes) else ' (none in English in this survey)'}; {len(voice.suppressed)} group(s) under "
           f"{voice.min_n} respondents show no themes or quotes.")

# %% [markdown]
# ## 服务标准与工单 / Service standards and tickets
#
# 服务标准按 服务部门 × 类别 × 优先级 规定响应与解决时限；工单记录告诉我们是否做到。 / Standards set response and resolution targets per provider × category × priority; the ticket log tells whether they are met.

# %%
ticket_file = folder / "tickets.csv"
standards_file = folder / "standards.csv"
has_tickets = ticket_file.is_file() and standards_file.is_file()
if not has_tickets:
    say(lang, zh="*这个案例没有工单记录（tickets.csv 与 standards.csv），跳过本节。*",
        en="*This case has no ticket log (tickets.csv with standards.csv); this section is skipped.*")

# %%
if has_tickets:
    tickets = kl.read_tickets(ticket_file)
    if provider:
        tickets = tickets[tickets["provider"] == provider]
    tickets = tickets[~tickets["provider"].astype(str).isin(hidden.get("provider", set()))]
    service = kl.sla(tickets, standards_file, confidence=1 - alpha_level, min_n=min_group_size)
    kl.plot.sla_bars(service, lang=lang, codebook=book, confidence=1 - alpha_level, min_n=min_group_size)
    plt.show()
    columns = {"tickets": pick(lang, "工单数", "tickets"), "response_met": pick(lang, "响应达成率", "response met"),
               "resolution_met": pick(lang, "解决达成率", "resolution met"), "median_resolution_h": pick(lang, "解决时长中位数(小时)", "median resolution (h)"),
               "p90_resolution_h": pick(lang, "解决时长P90(小时)", "P90 resolution (h)"), "fcr": pick(lang, "一次解决率", "first-contact resolution"),
               "reopen_rate": pick(lang, "重开率", "reopen rate")}
    shown = service.table[list(columns)].rename(columns=columns)
    shown.index = [group_name("provider", value) for value in shown.index]
    display(shown.rename_axis(pick(lang, "服务部门", "provider")))

# %%
if has_tickets and len(service.table):
    gap = (service.table["response_met"] - service.table["resolution_met"]).sort_values()
    widest = gap.index[-1]
    row = service.table.loc[widest]
    apart = row["response_low"] > row["resolution_high"]
    say(lang,
        zh=f"响应与解决达成率差距最大的是 **{group_name('provider', widest)}**：响应 {row['response_met']:.0%}，解决只有 "
           f"{row['resolution_met']:.0%}" + ("（两个区间不重叠）——接单很快，但问题迟迟解决不了。" if apart else "，但区间重叠，差距可能是抽样波动。"),
        en=f"The widest gap between response and resolution attainment is at **{group_name('provider', widest)}**: "
           f"{row['response_met']:.0%} of responses but only {row['resolution_met']:.0%} of resolutions on time"
           + (" (the intervals do not overlap): quick to pick up, slow to fix." if apart else "; the intervals overlap, so it may be noise."))

# %%
if has_tickets and len(service.p_chart):
    kl.plot.control_chart(service, "p", lang=lang, codebook=book)
    plt.show()
    special = service.p_chart[service.p_chart["special"]]
    weeks = join.join(f"{group_name('provider', r.provider)} {r.week:%Y-%m-%d}" for r in special.itertuples())
    say(lang,
        zh=f"p 控制图：{len(special)} 个特殊原因周（超出 ±3σ 控制限）" + (f"：{weeks}。先查这几周发生了什么，再谈整体改进。" if len(special) else "，过程稳定。"),
        en=f"p-chart: {len(special)} special-cause week(s) outside the ±3σ limits" + (f": {weeks}. Investigate these weeks before "
                                                                                        "changing the whole process." if len(special) else "; the process is stable."))

# %%
if has_tickets and len(service.xmr):
    kl.plot.control_chart(service, "xmr", lang=lang, codebook=book)
    plt.show()
    special = service.xmr[service.xmr["special"]]
    say(lang,
        zh=f"XmR 控制图（每周平均工单评分）：{len(special)} 个特殊原因周。",
        en=f"XmR chart of the weekly mean ticket rating: {len(special)} special-cause week(s).")

# %%
if has_tickets and len(service.rating_link):
    link = service.rating_link.set_index("standard")
    words = {"response": pick(lang, "响应", "response"), "resolution": pick(lang, "解决", "resolution")}
    stronger = link["cohens_d"].abs().idxmax()
    say(lang,
        zh="工单评分，达标 vs 未达标：" + "；".join(
            f"{words[s]}时限 {r.mean_met:.2f} vs {r.mean_missed:.2f}（差 {r.difference:+.2f}，Cohen's d = {r.cohens_d:.2f}，p = {r.p:.3g}）"
            for s, r in link.iterrows()) + f"。满意度更取决于**{words[stronger]}**时限。",
        en="Ticket rating when the standard is met vs missed: " + "; ".join(
            f"{words[s]} {r.mean_met:.2f} vs {r.mean_missed:.2f} (difference {r.difference:+.2f}, Cohen's d = {r.cohens_d:.2f}, p = {r.p:.3g})"
            for s, r in link.iterrows()) + f". Satisfaction tracks the **{words[stronger]}** standard more.")

# %%
if has_tickets and book.items("overall") and len(service.table):
    linked = kl.satisfaction_link(service, survey)
    linked = linked[~linked["provider"].astype(str).isin(hidden.get("provider", set()))]
    display(linked.assign(provider=[group_name("provider", v) for v in linked["provider"]]).set_index("provider").rename(
        columns={"satisfaction": pick(lang, "总体满意度", "satisfaction"), "respondents": pick(lang, "作答人数", "respondents"),
                 "response_met": pick(lang, "响应达成率", "response met"), "resolution_met": pick(lang, "解决达成率", "resolution met")}
    ).rename_axis(pick(lang, "服务部门", "provider")))
    rho = linked.attrs.get("correlation", {})
    if rho:
        say(lang,
            zh=f"各服务部门的总体满意度与解决达成率的 Spearman 相关 ρ = {rho['resolution_met']['rho']:+.2f}，与响应达成率 ρ = "
               f"{rho['response_met']['rho']:+.2f}（只有 {len(linked)} 个部门，仅作参考）。",
            en=f"Across providers, overall satisfaction correlates with resolution attainment at Spearman ρ = "
               f"{rho['resolution_met']['rho']:+.2f} and with response attainment at ρ = {rho['response_met']['rho']:+.2f} "
               f"(only {len(linked)} providers: indicative).")

# %% [markdown]
# ## 服务旅程与关键时刻 / The journey and its moments of truth
#
# 关键时刻：重要性高于平均、满意度低于平均的环节——最该投入的地方。 / Moments of truth: stages more important and less satisfying than average, where effort pays most.

# %%
journey_file = folder / "journey.csv"
has_journey = journey_file.is_file()
if not has_journey:
    say(lang, zh="*这个案例没有服务旅程各环节的评分（journey.csv），跳过本节。*",
        en="*This case has no touchpoint ratings along the journey (journey.csv); this section is skipped.*")

# %%
if has_journey:
    touchpoints, stages = kl.read_journey(journey_file)
    if provider:
        touchpoints = touchpoints[touchpoints["provider"] == provider]
    touchpoints = touchpoints[~touchpoints["provider"].astype(str).isin(hidden.get("provider", set()))]
    journey = kl.journey_map(touchpoints, stages, confidence=1 - alpha_level, min_n=min_group_size)
    moments = kl.moments_of_truth(journey)
    kl.plot.journey_chart(journey, lang=lang, codebook=book, moments=moments, confidence=1 - alpha_level)
    plt.show()
    if len(moments):
        display(pd.DataFrame({pick(lang, "服务部门", "provider"): [group_name("provider", v) for v in moments["provider"]],
                              pick(lang, "环节", "stage"): moments[f"label_{lang}"],
                              pick(lang, "满意度", "satisfaction"): moments["satisfaction"],
                              pick(lang, "重要性", "importance"): moments["importance"]}))

# %%
if has_journey and len(journey):
    stage_names = {s["stage"]: s[lang] for s in stages}
    common = moments["stage"].value_counts()
    per = moments.groupby("provider", sort=False)["stage"].agg(list)
    say(lang,
        zh=f"旅程：{' → '.join(stage_names.values())}。" + (
            f"最常见的关键时刻是 **{stage_names[common.index[0]]}**（{common.iloc[0]} 个服务部门）；"
            + "；".join(f"{group_name('provider', p)}：{join.join(stage_names[s] for s in v)}" for p, v in per.items()) + "。"
            if len(moments) else "没有重要性高而满意度低的环节。"),
        en=f"Journey: {' → '.join(stage_names.values())}. " + (
            f"The most common moment of truth is **{stage_names[common.index[0]]}** ({common.iloc[0]} provider(s)); "
            + "; ".join(f"{group_name('provider', p)}: {join.join(stage_names[s] for s in v)}" for p, v in per.items()) + "."
            if len(moments) else "No stage is both more important and less satisfying than average."))
