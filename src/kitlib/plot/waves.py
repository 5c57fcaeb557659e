"""Trend chart: satisfaction measures across waves, significant changes starred.

Example
-------
>>> import kitlib as kl
>>> fig = kl.plot.trend_chart(kl.trend(kl.load_case("bank")), lang="zh")  # doctest: +SKIP

References
----------
Deming, W. E. (1986). *Out of the Crisis*. MIT Press (plan–do–check–act).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from kitlib.errors import AnalysisInputError
from kitlib.plot._service_text import FOOTNOTE_COLOR, draw_hidden, hidden_groups_note, result_of, say, value_labels
from kitlib.plot.theme import set_theme, tight_layout
from kitlib.service.waves import TrendResult, trend

__all__ = ["trend_chart"]


def trend_chart(result, lang: str = "en", group: dict | None = None):
    """Three panels per wave: perception/overall means, the SERVQUAL gap, and the NPS (all with CIs).

    Waves and the chosen group are named with the codebook's value labels in
    ``lang``.  A wave with fewer than ``min_group_size`` respondents is left
    off the axis (a footnote counts it); a chosen group that is too small as
    a whole draws only an explanation, without its name.

    Parameters
    ----------
    result : TrendResult or Survey
        From :func:`kitlib.trend`.  A grouped result needs ``group``.
    lang : {"zh", "en"}
    group : dict, optional
        Which group of a grouped result to draw, e.g. ``{"provider": "IT"}``.

    Returns
    -------
    matplotlib.figure.Figure
        Starred points changed significantly (p < alpha) from the previous wave.

    Example
    -------
    >>> import kitlib as kl
    >>> figure = kl.plot.trend_chart(kl.trend(kl.load_case("bank"), by="provider"), lang="zh", group={"provider": "IT"})
    >>> figure.get_suptitle()
    '各轮次趋势 — 科技部'

    References
    ----------
    Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
    """
    result = result_of(result, TrendResult, trend, "trend_chart")
    levels, changes = result.levels, result.changes
    if result.by:
        if not group or set(group) != set(result.by):
            raise AnalysisInputError(f"trend_chart(): this result is grouped by {result.by}; pass group={{...}} to choose one group")
        for column, value in group.items():
            levels, changes = levels[levels[column] == value], changes[changes[column] == value]
        if levels.empty:
            raise AnalysisInputError(f"trend_chart(): no group {group}")
    say("wave", lang)
    set_theme()
    min_n = getattr(result, "min_group_size", 5)
    sizes = levels.drop_duplicates("wave").set_index("wave")["group_n"] if "group_n" in levels else None
    title = say("trend_title", lang)
    if sizes is not None and sizes.sum() < min_n:  # the chosen group is too small as a whole: do not name it
        figure, ax = plt.subplots(figsize=(8, 3))
        figure.suptitle(title)
        draw_hidden(ax, lang, f"n<{min_n}")
        return figure
    if group:
        title += " — " + ", ".join(value_labels(levels, column, lang).iat[0] for column in group)
    small = [w for w in result.waves if sizes is not None and sizes.get(w, 0) < min_n]
    waves = [w for w in result.waves if w not in small]
    wave_names = dict(zip(levels["wave"], value_labels(levels, "wave", lang)))
    separate = ("servqual_gap", "nps")
    present = set(levels.loc[levels["mean"].notna(), "measure"])
    kinds = [("levels", [m for m in levels["measure"].unique() if m not in separate and m in present], 2.2, "trend_levels", "score"),
             ("gap", ["servqual_gap"] if "servqual_gap" in present else [], 1, "trend_gap", "gap"),
             ("nps", ["nps"] if "nps" in present else [], 1, "trend_nps", None)]
    kinds = [kind for kind in kinds if kind[1]] or kinds[:1]  # only the panels the survey has measures for
    figure, panels = plt.subplots(1, len(kinds), figsize=(5.4 + 3.8 * len(kinds), 5.4),
                                  gridspec_kw={"width_ratios": [kind[2] for kind in kinds]}, squeeze=False)
    panels = panels[0]
    x = np.arange(len(waves))
    significant = changes[changes["significant"] == True]  # noqa: E712 (object column with NaN)
    starred = set(zip(significant["measure"], significant["wave_after"]))
    for panel, (kind, measures, _, title_key, axis_key) in zip(panels, kinds):
        for number, measure in enumerate(measures):
            rows = levels[levels["measure"] == measure].set_index("wave").reindex(waves)
            if rows["mean"].isna().all():
                continue
            label = rows[f"label_{lang}"].dropna().iloc[0]
            low, high = rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]
            shifted = x + 0.03 * (number - (len(measures) - 1) / 2)  # dodge, so the intervals do not hide each other
            line = panel.errorbar(shifted, rows["mean"], yerr=[low.fillna(0), high.fillna(0)], marker="o", capsize=3, label=label)
            for i, wave in enumerate(waves):
                if (measure, wave) in starred and not np.isnan(rows["mean"].iat[i]):
                    # the CJK font has no bold weight: a larger star in the line colour stands out instead
                    panel.annotate("*", (shifted[i], rows["mean"].iat[i]), xytext=(7, 0), textcoords="offset points",
                                   fontsize=16, va="center", color=line[0].get_color())
        panel.set_xticks(x, [wave_names.get(w, str(w)) for w in waves])
        panel.set_xlim(-0.35, len(waves) - 0.65)
        panel.set_xlabel(say("wave", lang))
        panel.set_title(say(title_key, lang), fontsize=11)
        panel.set_ylabel(say(axis_key, lang) if axis_key else "NPS")
        if kind != "levels":
            panel.axhline(0, color="#777777", linewidth=0.8)
    handles, labels = panels[0].get_legend_handles_labels()
    if kinds[0][0] == "levels" and labels:
        figure.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.01, 0.06), ncol=min(len(labels), 6), fontsize=9, frameon=False)
    figure.suptitle(title)
    notes = [say("significant", lang, alpha=round(result.alpha, 6))] + ([hidden_groups_note(len(small), min_n, lang)] if small else [])
    figure.text(0.01, 0.01, "；".join(notes) if lang == "zh" else "; ".join(notes), fontsize=8, color=FOOTNOTE_COLOR)
    tight_layout(figure, rect=(0, 0.11, 1, 0.97))
    return figure
