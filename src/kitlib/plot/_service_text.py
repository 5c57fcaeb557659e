"""Bilingual chart text shared by the service-quality charts (issue 4).

Example
-------
>>> from kitlib.plot._service_text import say
>>> say("gap", "zh")
'差距 (P − E)'

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..errors import AnalysisInputError
from ..survey import Survey
from .theme import set_theme, text

WORDS = {
    "gap": {"zh": "差距 (P − E)", "en": "Gap (P − E)"},
    "gap_title_dimension": {"zh": "各维度服务差距", "en": "Service gap by dimension"},
    "gap_title_item": {"zh": "各题目服务差距", "en": "Service gap by item"},
    "score": {"zh": "平均得分", "en": "Mean score"},
    "expectation": {"zh": "期望 (E)", "en": "Expectation (E)"},
    "perception": {"zh": "感知 (P)", "en": "Perception (P)"},
    "snake_title": {"zh": "期望与感知对比（蛇形图）", "en": "Expectation vs perception (snake chart)"},
    "better": {"zh": "满意系数 Better（具备时满意度提升）", "en": "Better (satisfaction if present)"},
    "worse": {"zh": "|不满意系数 Worse|（缺失时不满意度）", "en": "|Worse| (dissatisfaction if absent)"},
    "kano_title": {"zh": "KANO 满意-不满意系数图", "en": "KANO better-worse map"},
    "importance_stated": {"zh": "重要性（自述）", "en": "Importance (stated)"},
    "importance_derived": {"zh": "重要性（与总体满意度的相关）", "en": "Importance (correlation with overall satisfaction)"},
    "performance": {"zh": "表现（平均感知得分）", "en": "Performance (mean perception)"},
    "ipa_title": {"zh": "重要性-表现分析 (IPA)", "en": "Importance-performance analysis (IPA)"},
    "heatmap_title": {"zh": "服务提供部门 × 接受部门", "en": "Provider × receiving department"},
    "nps_title": {"zh": "净推荐值 (NPS)", "en": "Net Promoter Score (NPS)"},
    "promoters": {"zh": "推荐者 (9-10)", "en": "Promoters (9-10)"},
    "passives": {"zh": "被动者 (7-8)", "en": "Passives (7-8)"},
    "detractors": {"zh": "贬损者 (0-6)", "en": "Detractors (0-6)"},
    "share": {"zh": "占比", "en": "Share"},
    "all": {"zh": "全部", "en": "All"},
    "trend_title": {"zh": "各轮次趋势", "en": "Trend across waves"},
    "wave": {"zh": "调查轮次", "en": "Wave"},
    "significant": {"zh": "* 与上一轮相比差异显著 (p < 0.05)", "en": "* significant change from the previous wave (p < 0.05)"},
    "hidden": {"zh": "已隐藏", "en": "hidden"},
    "complementary": {"zh": "防止反推", "en": "complementary"},
    "hidden_note": {"zh": "灰色：少于{n}人或为防止反推而隐藏", "en": "Grey: fewer than {n} respondents, or hidden to prevent back-calculation"},
    "no_data": {"zh": "无数据", "en": "no data"},
    "all_hidden": {"zh": "为保护匿名，结果不予显示（{note}）", "en": "Results hidden to protect anonymity ({note})"},
}


def say(key: str, lang: str, **values) -> str:
    """The ``lang`` wording of a chart phrase (``str.format`` with ``values``)."""
    return text(WORDS[key], lang).format(**values)


def prepare(ax, lang: str, figsize=(7, 4.5)):
    """Check ``lang``, apply the theme and return ``(figure, axes)`` to draw on."""
    text(WORDS["gap"], lang)
    set_theme()
    if ax is None:
        figure, ax = plt.subplots(figsize=figsize)
    return ax.figure, ax


def result_of(value, expected: type, compute, function: str):
    """Accept an analysis result, or a Survey to compute it from."""
    if isinstance(value, expected):
        return value
    if isinstance(value, Survey):
        return compute(value)
    raise AnalysisInputError(f"{function}() needs a {expected.__name__} or a Survey, not {type(value).__name__}")


def label_column(frame: pd.DataFrame, lang: str) -> pd.Series:
    """The ``label_zh``/``label_en`` column for ``lang``."""
    return frame[f"label_{lang}"]


def reason(note: str, lang: str) -> str:
    """Localized suppression note (``"n<5"`` stays, ``"complementary"`` is translated)."""
    return say("complementary", lang) if note == "complementary" else note


def draw_hidden(ax, lang: str, note: str):
    """An empty chart that says why nothing is shown (every group suppressed; ``note`` e.g. ``"n<5"``)."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, say("all_hidden", lang, note=reason(note, lang)), ha="center", va="center", fontsize=11,
            color="#555555", transform=ax.transAxes)
    return ax


def place_labels(ax, xs, ys, labels, x_range, y_range, fontsize: int = 8) -> None:
    """Write point labels right of the points, pushing overlapping ones down (with a leader line)."""
    step = 0.045 * (y_range[1] - y_range[0])
    width = min(0.3, 0.015 * max(len(label) for label in labels)) * (x_range[1] - x_range[0]) if labels else 0
    placed: list[tuple[float, float]] = []
    for index in sorted(range(len(labels)), key=lambda i: -ys[i]):
        x, y = xs[index], ys[index]
        label_y = y
        while any(abs(x - px) < width and abs(label_y - py) < step for px, py in placed):
            label_y -= step
        placed.append((x, label_y))
        moved = abs(label_y - y) > 1e-12
        ax.annotate(labels[index], (x, y), xytext=(x + 0.015 * (x_range[1] - x_range[0]), label_y), fontsize=fontsize,
                    va="center", arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.6} if moved else None)


def shorten(label: str, width: int = 28) -> str:
    """Cut long item texts for axis labels."""
    return label if len(label) <= width else label[: width - 1] + "…"
