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

from ..errors import AnalysisInputError
from ..trend import TrendResult, trend
from ._service_text import result_of, say
from .theme import set_theme


def trend_chart(result, lang: str = "en", group: dict | None = None):
    """Three panels per wave: perception/overall means, the SERVQUAL gap, and the NPS (all with CIs).

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
        Starred points changed significantly (p < alpha) from the previous wave;
        suppressed waves are left out.

    Example
    -------
    >>> import kitlib as kl
    >>> fig = kl.plot.trend_chart(kl.load_case("bank"))  # doctest: +SKIP

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
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(13, 4.8), gridspec_kw={"width_ratios": [2.2, 1, 1]})
    waves = list(result.waves)
    x = np.arange(len(waves))
    significant = changes[changes["significant"] == True]  # noqa: E712 (object column with NaN)
    starred = set(zip(significant["measure"], significant["wave_after"]))
    separate = ("servqual_gap", "nps")
    panels = ((left, [m for m in levels["measure"].unique() if m not in separate]), (middle, ["servqual_gap"]), (right, ["nps"]))
    for panel, measures in panels:
        for measure in measures:
            rows = levels[levels["measure"] == measure].set_index("wave").reindex(waves)
            if rows["mean"].isna().all():
                continue
            label = rows[f"label_{lang}"].dropna().iloc[0]
            low, high = rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]
            line = panel.errorbar(x, rows["mean"], yerr=[low.fillna(0), high.fillna(0)], marker="o", capsize=3, label=label)
            for i, wave in enumerate(waves):
                if (measure, wave) in starred and not np.isnan(rows["mean"].iat[i]):
                    panel.annotate("*", (x[i], rows["mean"].iat[i]), xytext=(6, 2), textcoords="offset points",
                                   fontsize=14, color=line[0].get_color(), weight="bold")
        panel.set_xticks(x, waves)
        panel.set_xlabel(say("wave", lang))
    left.set_ylabel(say("score", lang))
    left.legend(fontsize=8, loc="best")
    middle.set_ylabel(say("gap", lang))
    right.set_ylabel("NPS")
    for panel in (middle, right):
        panel.axhline(0, color="#777777", linewidth=0.8)
    title = say("trend_title", lang)
    if group:
        title += " — " + ", ".join(f"{v}" for v in group.values())
    figure.suptitle(title)
    figure.text(0.01, 0.01, say("significant", lang), fontsize=8, color="#555555")
    figure.tight_layout(rect=(0, 0.04, 1, 0.96))
    return figure
