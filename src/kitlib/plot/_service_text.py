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

import re
import unicodedata

import matplotlib.pyplot as plt
import pandas as pd

from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError
from kitlib.i18n import Catalog, check_lang, text
from kitlib.plot.theme import set_theme

WORDS = Catalog({
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
    "ipa_items": {"zh": "各题目", "en": "items"},
    "ipa_dimensions": {"zh": "各维度", "en": "dimensions"},
    "heatmap_title": {"zh": "服务提供部门 × 接受部门", "en": "Provider × receiving department"},
    "nps_title": {"zh": "净推荐值 (NPS)", "en": "Net Promoter Score (NPS)"},
    "promoters": {"zh": "推荐者 (9-10)", "en": "Promoters (9-10)"},
    "passives": {"zh": "被动者 (7-8)", "en": "Passives (7-8)"},
    "detractors": {"zh": "贬损者 (0-6)", "en": "Detractors (0-6)"},
    "share": {"zh": "占比", "en": "Share"},
    "perception_title": {"zh": "各维度感知得分", "en": "Perception score by dimension"},
    "perception_axis": {"zh": "平均感知得分（{low:g}–{high:g} 分）", "en": "Mean perception ({low:g}–{high:g})"},
    "ci_whiskers": {"zh": "误差线：{level:.0%} 置信区间", "en": "Whiskers: {level:.0%} confidence interval"},
    "ci_note": {"zh": "方括号内为 NPS 的置信区间", "en": "Brackets: confidence interval of the NPS"},
    "all": {"zh": "全部", "en": "All"},
    "trend_title": {"zh": "各轮次趋势", "en": "Trend across waves"},
    "trend_levels": {"zh": "各维度感知得分与总体满意度", "en": "Perception by dimension, overall satisfaction"},
    "trend_gap": {"zh": "SERVQUAL 总差距", "en": "Overall SERVQUAL gap"},
    "trend_nps": {"zh": "净推荐值 (NPS)", "en": "Net Promoter Score"},
    "wave": {"zh": "调查轮次", "en": "Wave"},
    "significant": {"zh": "* 与上一轮相比差异显著 (p < {alpha:g})", "en": "* significant change from the previous wave (p < {alpha:g})"},
    "hidden": {"zh": "已隐藏", "en": "hidden"},
    "complementary": {"zh": "防止反推", "en": "complementary"},
    "hidden_note": {"zh": "灰色：少于{n}人或为防止反推而隐藏", "en": "Grey: fewer than {n} respondents, or hidden to prevent back-calculation"},
    "star_note": {"zh": "*＝为防止反推而隐藏", "en": "* = hidden to protect a small group"},
    "groups_hidden": {"zh": "{k} 个组因人数少于{n}人而隐藏", "en": "{k} group{s} hidden (n<{n})"},
    "also_hidden": {"zh": "为防止反推另隐藏：{names}", "en": "Also hidden to prevent back-calculation: {names}"},
    "no_data": {"zh": "无数据", "en": "no data"},
    "all_hidden": {"zh": "为保护匿名，结果不予显示（{note}）", "en": "Results hidden to protect anonymity ({note})"},
    "reverse_mark": {"zh": "（反向题）", "en": " (R)"},
    "reverse_note": {"zh": "（反向题）：反向表述的题目，分数已反向计分，越高越好",
                     "en": "(R): negatively worded item; its scores were reversed, so higher is still better"},
})
GROUP_NAMES = {
    "provider": {"zh": "服务部门", "en": "Provider"},
    "department": {"zh": "接受服务部门", "en": "Receiving department"},
    "wave": {"zh": "调查轮次", "en": "Wave"},
}
FOOTNOTE_COLOR = "#555555"
#: The chart phrases; ``say(key, lang, **values)`` gives one in the reader's language.
say = WORDS
CLOSING = "，。、；：！？）》」』】,.;:!?)"


def prepare(ax, lang: str, figsize=(7, 4.5)):
    """Check ``lang``, apply the theme and return ``(figure, axes)`` to draw on."""
    check_lang(lang)
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


def group_name(column: str, lang: str) -> str:
    """What a group column is called on a chart (``department`` -> ``接受服务部门``)."""
    return text(GROUP_NAMES[column], lang) if column in GROUP_NAMES else column


def by_groups(keys: list[str], lang: str) -> str:
    """Title suffix naming the grouping: ``"：按接受服务部门"`` / ``": by receiving department"``."""
    names = " × ".join(group_name(key, lang) if lang == "zh" else group_name(key, lang).lower() for key in keys)
    return ("：按" if lang == "zh" else ": by ") + names


def value_labels(frame: pd.DataFrame, column: str, lang: str) -> pd.Series:
    """Codebook value labels of a group column (``<column>_label_<lang>``, added by the analyses), else the values."""
    labelled = f"{column}_label_{lang}"
    return frame[labelled].astype(str) if labelled in frame else frame[column].astype(str)


def threshold(table: pd.DataFrame, default: int | None = None) -> int | None:
    """The confidentiality minimum written in the ``suppression`` notes (``"n<5"`` -> 5), else ``default``."""
    if "suppression" not in table:
        return default
    notes = table["suppression"].dropna().astype(str)
    sizes = notes[notes.str.startswith("n<")].str[2:]
    return int(sizes.iat[0]) if len(sizes) else default


def small_groups(table: pd.DataFrame, column: str, keys: list[str], min_n: int | None) -> set:
    """Values of ``column`` whose whole group has fewer than ``min_n`` respondents (never to be named).

    A group's size is the sum of ``group_n`` over its distinct cells (``keys``
    combinations), so a department is hidden as a whole when all its
    respondents together are too few, not merely one of its cells.
    """
    if min_n is None or "group_n" not in table or "suppressed" not in table:
        return set()
    cells = table.drop_duplicates(keys)
    sizes = cells.groupby(column, dropna=False, sort=False)["group_n"].sum()
    hidden = cells.groupby(column, dropna=False, sort=False)["suppressed"].all()
    return set(sizes.index[(sizes < min_n) & hidden.reindex(sizes.index).to_numpy(bool)])


def hidden_groups_note(count: int, min_n: int, lang: str) -> str:
    """``"1 group hidden (n<5)"`` / ``"1 个组因人数少于5人而隐藏"``."""
    return say("groups_hidden", lang, k=count, n=min_n, s="" if count == 1 else "s")


def footnote(ax, lines, fontsize: int = 8) -> None:
    """Write ``lines`` (skipping empty ones) left-aligned under the x-axis label of ``ax``.

    Anchored to the axis label, so ``tight_layout`` keeps room for it and it
    never covers tick labels, whatever their rotation.
    """
    lines = [line for line in lines if line]
    if not lines:
        return
    ax.annotate("\n".join(lines), xy=(0, 0), xycoords=("axes fraction", ax.xaxis.label), xytext=(0, -6),
                textcoords="offset points", ha="left", va="top", fontsize=fontsize, color=FOOTNOTE_COLOR)


def display_width(text: str) -> int:
    """Display width: a Chinese (wide) character counts 2 columns."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def _prefix_length(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` columns."""
    used = 0
    for position, character in enumerate(text):
        used += display_width(character)
        if used > width:
            return position
    return len(text)


def _fill(tokens: list[str], width: int) -> list[str]:
    """Greedy line filling; closing punctuation stays on the line before it."""
    lines, line = [], ""
    for token in tokens:
        while token:
            if display_width((line + token).rstrip()) <= width or (token[0] in CLOSING and line.strip()):
                line, token = line + token, ""
            elif line.strip():
                lines.append(line.rstrip())
                line, token = "", token.lstrip()
            else:  # one word longer than a line
                cut = max(1, _prefix_length(token, width))
                lines.append(token[:cut])
                token = token[cut:]
    lines.append(line.rstrip())
    return [line for line in lines if line]


def wrap(label: str, width: int = 30, max_lines: int = 2) -> str:
    """Break ``label`` into balanced lines of at most ``width`` columns, ``…`` past ``max_lines``.

    A Chinese character counts two columns.  Latin words stay whole where
    possible; Chinese may break between any two characters, but a line never
    starts with closing punctuation, and lines are evened out so no single
    character is left alone on the last line.
    """
    tokens = re.findall(r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+\s*|\S\s*|\s+", str(label))
    lines = _fill(tokens, width)
    if 1 < len(lines) <= max_lines:
        for narrower in range(-(-display_width(str(label)) // len(lines)), width):
            balanced = _fill(tokens, narrower)
            if len(balanced) == len(lines):
                lines = balanced
                break
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        last = last[: _prefix_length(last, width - 1)]
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return "\n".join(lines)


def item_label(item: str, label: str, reverse: bool, lang: str, width: int = 40, max_lines: int = 2) -> str:
    """``"P13 <wrapped item text> (R)"``: the item text with the reverse-keyed mark kept visible."""
    mark = say("reverse_mark", lang) if reverse else ""
    body = wrap(f"{item} {label}", width - len(mark) * (2 if lang == "zh" else 1), max_lines)
    return body + mark


def reverse_flags(table: pd.DataFrame) -> list[bool]:
    """The ``reverse`` column as booleans (all False when the result predates it)."""
    return table["reverse"].fillna(False).astype(bool).tolist() if "reverse" in table else [False] * len(table)


def item_labels(table: pd.DataFrame, lang: str) -> list[str]:
    """:func:`item_label` of every row of an item-level table (``P_item``, ``label_<lang>``, ``reverse``)."""
    texts = zip(table["P_item"], label_column(table, lang), reverse_flags(table))
    return [item_label(item, label, reverse, lang) for item, label, reverse in texts]


def reverse_keyed(codebook, columns) -> list[bool]:
    """Whether each of ``columns`` is reverse-keyed in ``codebook`` (all False without a codebook)."""
    return [bool(codebook and column in codebook.columns and codebook.columns[column].reverse) for column in columns]


def mark_reverse(names, flags, lang: str) -> list[str]:
    """``names`` with the reverse-keyed mark (" (R)" / "（反向题）") where ``flags`` is True."""
    return [name + (say("reverse_mark", lang) if flag else "") for name, flag in zip(names, flags)]


def reason(note: str, lang: str) -> str:
    """Localized suppression note (``"n<5"`` stays, ``"complementary"`` is translated)."""
    return say("complementary", lang) if note == "complementary" else note


def draw_hidden(ax, lang: str, note: str, title: str = ""):
    """An empty chart under ``title`` that says why nothing is shown (every group suppressed; ``note`` e.g. ``"n<5"``)."""
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, say("all_hidden", lang, note=reason(note, lang)), ha="center", va="center", fontsize=11,
            color="#555555", transform=ax.transAxes)
    return ax


def place_labels(ax, xs, ys, labels, x_range, y_range, fontsize: int = 8) -> list:
    """Write point labels beside their points without overlaps (a leader line when a label had to move).

    Each label (highest point first) takes the first free spot among: right
    of its point, left of it, then alternately lower and higher, right and
    left.  Label boxes are estimated from the text size and the axes size, so
    labels neither overlap each other nor cover another point.  Call it after
    the figure's layout (the axes size maps points to data units); returns the
    label annotations written.
    """
    if not labels:
        return []
    written = []
    box = ax.get_window_extent()  # call after the layout is settled, so points map to data units correctly
    x_per_point = (x_range[1] - x_range[0]) / max(box.width, 1) * ax.figure.dpi / 72
    y_per_point = (y_range[1] - y_range[0]) / max(box.height, 1) * ax.figure.dpi / 72
    column, row = 0.6 * fontsize * x_per_point, 1.3 * fontsize * y_per_point  # one Latin character, one text line
    gap, dot_x, dot_y = 5 * x_per_point, 5.5 * x_per_point, 5.5 * y_per_point  # markers are about 9 points wide
    taken = [(x - dot_x, x + dot_x, y - dot_y, y + dot_y) for x, y in zip(xs, ys)]
    for index in sorted(range(len(labels)), key=lambda i: -ys[i]):
        x, y, label = xs[index], ys[index], labels[index]
        lines = label.split("\n")
        width = max(display_width(line) for line in lines) * column
        height = len(lines) * row
        own = (x - dot_x, x + dot_x, y - dot_y, y + dot_y)
        spot = None
        for shift in [0, *[k * sign for k in range(1, 12) for sign in (-1, 1)]]:
            label_y = y + shift * 0.8 * row
            for side in (1, -1):
                left = x + gap if side == 1 else x - gap - width
                candidate = (left, left + width, label_y - height / 2, label_y + height / 2)
                inside = x_range[0] <= candidate[0] and candidate[1] <= x_range[1] and y_range[0] <= candidate[2] and candidate[3] <= y_range[1]
                if inside and not any(_overlap(candidate, other) for other in taken if other != own):
                    spot = (side, label_y, candidate)
                    break
            if spot:
                break
        side, label_y, candidate = spot or (1, y, (x + gap, x + gap + width, y - height / 2, y + height / 2))
        taken.append(candidate)
        moved = abs(label_y - y) > 1e-12
        written.append(ax.annotate(label, (x, y), xytext=(x + gap if side == 1 else x - gap, label_y), fontsize=fontsize, va="center",
                                   ha="left" if side == 1 else "right",
                                   arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.6, "shrinkA": 2, "shrinkB": 3} if moved else None))
    return written


def reaches_outside(ax, artists) -> bool:
    """Whether any of ``artists`` (drawn on ``ax``) extends beyond the axes box.

    Artists inside the axes box do not change the tight layout, so a chart
    that adds them after its layout need not be laid out again.
    """
    frame = ax.bbox
    boxes = [artist.get_window_extent() for artist in artists]
    return any(box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1 for box in boxes)


def _overlap(first, second) -> bool:
    return first[0] < second[1] and second[0] < first[1] and first[2] < second[3] and second[2] < first[3]
