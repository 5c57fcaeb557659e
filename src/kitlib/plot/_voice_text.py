"""Bilingual chart text and group naming shared by the voice, standards and journey charts (issue 14).

Example
-------
>>> from kitlib.plot._voice_text import say
>>> say("sla_title", "zh")
'服务标准达成率'
"""

from __future__ import annotations

from kitlib.i18n import Catalog

__all__ = ["group_label", "say"]

say = Catalog({
    "sla_title": {"zh": "服务标准达成率", "en": "Service-standard attainment"},
    "response": {"zh": "响应时限达成", "en": "Response target met"},
    "resolution": {"zh": "解决时限达成", "en": "Resolution target met"},
    "attainment": {"zh": "达成率", "en": "Attainment"},
    "wilson": {"zh": "误差线：{level:.0%} Wilson 置信区间；少于{n}张工单的组不显示",
               "en": "Whiskers: {level:.0%} Wilson interval; groups with fewer than {n} tickets not shown"},
    "tickets": {"zh": "工单 {n} 张", "en": "{n} tickets"},
    "p_title": {"zh": "每周解决时限达成率（p 控制图）", "en": "Weekly resolution attainment (p-chart)"},
    "xmr_title": {"zh": "每周平均工单评分（XmR 控制图）", "en": "Weekly mean ticket rating (XmR chart)"},
    "week": {"zh": "周（开单日期）", "en": "Week (ticket opened)"},
    "mean_rating": {"zh": "平均评分", "en": "Mean rating"},
    "center": {"zh": "中心线", "en": "Centre line"},
    "limits": {"zh": "控制限 (±3σ)", "en": "Control limits (±3σ)"},
    "special": {"zh": "特殊原因周", "en": "Special-cause week"},
    "special_note": {"zh": "红点：超出控制限的周，值得追查原因", "en": "Red: weeks outside the limits, worth investigating"},
    "journey_title": {"zh": "服务旅程：各环节满意度与重要性", "en": "Service journey: satisfaction and importance per stage"},
    "satisfaction": {"zh": "满意度", "en": "Satisfaction"},
    "importance": {"zh": "重要性", "en": "Importance"},
    "mean_scale": {"zh": "平均分（{low:g}–{high:g} 分）", "en": "Mean ({low:g}–{high:g})"},
    "stage": {"zh": "旅程环节", "en": "Journey stage"},
    "moment": {"zh": "关键时刻", "en": "Moment of truth"},
    "moment_note": {"zh": "★ 关键时刻：重要性高于平均而满意度低于平均；误差线：{level:.0%} 置信区间",
                    "en": "★ Moment of truth: importance above and satisfaction below the mean; whiskers: {level:.0%} CI"},
    "theme_title": {"zh": "意见主题占比", "en": "Comment themes"},
    "theme_share": {"zh": "提及该主题的意见占比", "en": "Share of comments naming the theme"},
    "negative_share": {"zh": "负面意见占比", "en": "Negative share"},
    "theme_note": {"zh": "每格：提及该主题的意见占该组意见的比例；少于{n}人作答的组不显示",
                   "en": "Each cell: share of the group's comments naming the theme; groups under {n} respondents not shown"},
    "comments_n": {"zh": "意见 {n} 条", "en": "{n} comments"},
    "groups_hidden": {"zh": "{k} 个组因人数少于{n}人而隐藏", "en": "{k} group{s} hidden (n<{n})"},
    "no_data": {"zh": "无可显示的数据", "en": "Nothing to show"},
})


def group_label(value, column: str, codebook, lang: str, labels=None) -> str:
    """A group value in ``lang``: the ticket log's ``labels`` first, then the survey codebook's value labels."""
    if labels and column in labels:
        entry = labels[column].get(value) or labels[column].get(str(value))
        if isinstance(entry, dict) and lang in entry:
            return str(entry[lang])
    if codebook is not None and column in getattr(codebook, "columns", {}):
        return codebook.value_label(column, value, lang)
    return str(value)
