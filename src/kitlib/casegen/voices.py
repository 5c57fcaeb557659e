"""Comment themes and comment texts of the simulated cases (planted themes for ``kl.comment_themes``).

The numeric answers of ``responses.csv`` are drawn by :mod:`kitlib.casegen.simulate` from the case's
seed; comment texts come from a *separate* generator (seed + :data:`COMMENT_SEED_OFFSET`), so changing
them never changes a number.  Each commenting respondent writes about one theme; respondents of the
story's planted provider write about the planted theme with probability :data:`PLANTED_THEME_SHARE`.

Example
-------
>>> from kitlib.casegen.voices import THEMES
>>> sorted(THEMES)[:3]
['attitude', 'communication', 'expertise']

References
----------
Braun, V., & Clarke, V. (2006). Using thematic analysis in psychology. *Qualitative Research in Psychology*, 3(2), 77–101.
"""

from __future__ import annotations

import numpy as np

__all__ = ["COMMENT_SEED_OFFSET", "EXTRA_COMMENT_SHARE", "PLANTED_THEME_SHARE", "THEMES", "comment_texts"]

COMMENT_SEED_OFFSET = 7919
#: Share of respondents who did not comment in the original draw but get a comment (so groups reach 10 commenters).
EXTRA_COMMENT_SHARE = 0.25
PLANTED_THEME_SHARE = 0.6
ENGLISH_SHARE = 0.15

#: The theme dictionary written into each case's codebook (``themes:``).
THEMES = {
    "speed": {"zh": "响应速度", "en": "Speed of response", "dimension": "responsiveness",
              "keywords": {"zh": ["太慢", "很慢", "响应", "等了", "催", "回复", "及时", "迅速"],
                           "en": ["slow", "wait*", "respon*", "reply", "quick*", "prompt*"]}},
    "resolution": {"zh": "问题解决", "en": "Problem resolution", "dimension": "reliability",
                   "keywords": {"zh": ["解决", "修好", "反复", "重开", "又坏", "返工", "一次就"],
                                "en": ["resolv*", "fixed", "fix", "reopen*", "again"]}},
    "attitude": {"zh": "服务态度", "en": "Attitude", "dimension": "empathy",
                 "keywords": {"zh": ["态度", "耐心", "热情", "冷淡", "不耐烦", "客气"], "en": ["attitude", "friendly", "rude", "patient", "polite"]}},
    "expertise": {"zh": "专业能力", "en": "Expertise", "dimension": "assurance",
                  "keywords": {"zh": ["专业", "经验", "不懂", "外行", "业务能力"], "en": ["expert*", "knowledge*", "professional*", "competent"]}},
    "process": {"zh": "流程手续", "en": "Process and paperwork", "dimension": None,
                "keywords": {"zh": ["流程", "手续", "审批", "退件", "材料", "繁琐", "签字"],
                             "en": ["process*", "paperwork", "approval*", "form", "forms", "bureaucra*"]}},
    "tools": {"zh": "系统与设施", "en": "Systems and facilities", "dimension": "tangibles",
              "keywords": {"zh": ["系统", "平台", "自助", "设备", "工具", "界面"], "en": ["system*", "portal", "self-service", "tool*", "equipment"]}},
    "communication": {"zh": "沟通与进度", "en": "Communication and progress", "dimension": "empathy",
                      "keywords": {"zh": ["进度", "告知", "沟通", "通知", "联系不上", "找不到人"], "en": ["progress", "update*", "inform*", "communicat*"]}},
}
THEMES = {name: {"zh": spec["zh"], "en": spec["en"], "keywords": spec["keywords"], "dimension": spec["dimension"]}
          for name, spec in sorted(THEMES.items())}

_TEXTS = {
    "speed": {
        "neg": ["工单提交后等了三天才有人回复", "响应太慢了，催了好几次", "报修后很久没人响应，耽误生产", "每次都要催才有回复，太慢",
                "申请提交一周了还在等回复"],
        "pos": ["响应很及时，点赞", "回复迅速，效率很高", "报修后半小时就有人响应，很满意"],
        "neg_en": ["Far too slow, I waited days for a reply", "Response is slow and we have to chase every time"],
        "pos_en": ["Quick response, thanks", "They reply promptly"],
    },
    "resolution": {
        "neg": ["问题一直没有解决，反复重开工单", "修好没两天又坏了，只能返工", "说是解决了其实没解决，来回折腾", "同一个问题反复出现，始终没有根本解决",
                "承诺的时间内解决不了，拖了很久"],
        "pos": ["问题一次就解决了，很靠谱", "很快就修好了，谢谢", "每次都能彻底解决问题"],
        "neg_en": ["The issue was never resolved and the ticket was reopened twice", "Fixed once, broken again a week later"],
        "pos_en": ["Resolved on the first try, great", "They fixed it properly"],
    },
    "attitude": {
        "neg": ["态度冷淡，问多了就不耐烦", "服务态度不好，爱答不理", "窗口人员态度生硬"],
        "pos": ["服务态度很好，很耐心", "对接同事热情周到", "态度客气，解释得很耐心"],
        "neg_en": ["Staff were rude when I asked a question"],
        "pos_en": ["Very friendly and patient staff"],
    },
    "expertise": {
        "neg": ["对接人不懂业务，说不清楚", "专业能力有待提高，回答前后矛盾", "感觉是外行在处理"],
        "pos": ["对接人很专业，经验丰富", "业务能力强，一下就找到原因", "专业靠谱，值得信赖"],
        "neg_en": ["They lack the knowledge to answer basic questions"],
        "pos_en": ["Very professional and knowledgeable team"],
    },
    "process": {
        "neg": ["流程太繁琐，来回退件", "审批手续太多，要签好几个字", "材料要求复杂，经常被退回重交", "报销流程繁琐，退件原因也不说清楚"],
        "pos": ["流程简化后方便多了", "手续清楚，一次办好", "审批流程顺畅"],
        "neg_en": ["Too much paperwork and approvals for a simple request"],
        "pos_en": ["The new approval process is simple"],
    },
    "tools": {
        "neg": ["系统经常卡，很难用", "自助平台找不到入口", "设备老旧，工具不够用"],
        "pos": ["自助平台好用，很方便", "新系统界面清楚", "设备齐全，环境不错"],
        "neg_en": ["The portal is confusing and often down"],
        "pos_en": ["The self-service portal is easy to use"],
    },
    "communication": {
        "neg": ["处理进度不透明，希望能主动告知", "有事找不到人，联系不上对接人", "变更也不通知一声"],
        "pos": ["会主动告知进度，很安心", "沟通顺畅，有问题及时通知", "进度清楚，沟通到位"],
        "neg_en": ["No updates on progress unless we ask"],
        "pos_en": ["They keep us informed about progress"],
    },
}


def comment_texts(seed: int, providers, tone, had_comment, planted: tuple | None) -> list[str]:
    """Comment texts: ``tone`` is ``"low"``/``"high"`` per respondent, ``had_comment`` the original draw.

    ``planted = (provider, theme)`` makes that provider's commenters write about ``theme`` with
    probability :data:`PLANTED_THEME_SHARE` (negatively when their satisfaction is low).
    """
    rng = np.random.default_rng(seed + COMMENT_SEED_OFFSET)
    n = len(tone)
    providers = np.asarray(providers)
    writes = np.asarray(had_comment) | (rng.random(n) < EXTRA_COMMENT_SHARE)
    names = list(THEMES)
    theme = rng.choice(names, size=n)
    if planted is not None:
        take = (providers == planted[0]) & (rng.random(n) < PLANTED_THEME_SHARE)
        theme[take] = planted[1]
    english = rng.random(n) < ENGLISH_SHARE
    pick = rng.random(n)
    out = []
    for i in range(n):
        if not writes[i]:
            out.append("")
            continue
        polarity = "neg" if tone[i] == "low" else "pos"
        if planted is not None and providers[i] == planted[0] and theme[i] == planted[1]:
            polarity = "neg" if pick[i] < 0.8 or tone[i] == "low" else "pos"
        options = _TEXTS[str(theme[i])][polarity + ("_en" if english[i] else "")]
        out.append(options[min(int(pick[i] * len(options)), len(options) - 1)])
    return out
