"""Journey chart: satisfaction and importance per stage, with intervals, moments of truth marked (issue 14).

Example
-------
>>> import kitlib as kl
>>> from kitlib.data.cases import case_dir
>>> touchpoints, stages = kl.read_journey(case_dir("bank") / "journey.csv")
>>> figure = kl.plot.journey_chart(kl.journey_map(touchpoints, stages), lang="zh")  # doctest: +SKIP

References
----------
Carlzon, J. (1987). *Moments of Truth*. Ballinger.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kitlib.errors import AnalysisInputError
from kitlib.i18n import check_lang
from kitlib.plot._service_text import footnote, wrap
from kitlib.plot._voice_text import group_label, say
from kitlib.plot.theme import PALETTE, set_theme, tight_layout
from kitlib.service.touchpoints import moments_of_truth

__all__ = ["journey_chart"]


def journey_chart(journey, lang: str = "en", codebook=None, by: str | None = "provider", moments=None, scale=(1, 7),
                  confidence: float = 0.95, ncols: int = 2):
    """One panel per group: satisfaction and importance along the journey, with intervals; ★ = moment of truth.

    Parameters
    ----------
    journey : DataFrame
        A :func:`kitlib.journey_map` result (groups under its ``min_n`` already left out).
    lang : {"zh", "en"}
    codebook : Codebook, optional
        Names the groups in ``lang``.
    by : str or None, default "provider"
    moments : DataFrame, optional
        :func:`kitlib.moments_of_truth` result (default computed with its defaults).
    scale : (low, high)
        Rating scale, for the axis.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    if not isinstance(journey, pd.DataFrame) or "satisfaction" not in journey or "stage" not in journey:
        raise AnalysisInputError("journey_chart() needs a journey_map() result")
    set_theme()
    if by and by not in journey.columns:
        by = None
    moments = moments_of_truth(journey, by=by) if moments is None else moments
    marked = set(zip(moments[by], moments["stage"])) if by and len(moments) else {(None, s) for s in moments.get("stage", [])}
    groups = list(dict.fromkeys(journey[by])) if by else [None]
    if journey.empty:
        figure, ax = plt.subplots(figsize=(7, 3))
        ax.set_axis_off()
        ax.set_title(say("journey_title", lang))
        ax.text(0.5, 0.5, say("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        return figure
    ncols = max(1, min(ncols, len(groups)))
    nrows = -(-len(groups) // ncols)
    figure, axes = plt.subplots(nrows, ncols, figsize=(5.4 * ncols, 3.0 * nrows + 1.0), sharey=True, squeeze=False)
    for ax, group in zip(axes.flat, groups):
        part = journey[journey[by] == group] if by else journey
        part = part.sort_values("order")
        x = np.arange(len(part))
        for column, color, shift in (("satisfaction", PALETTE["positive"], -0.06), ("importance", PALETTE["highlight"], 0.06)):
            values = part[column].to_numpy(float)
            error = np.vstack([values - part[f"{column}_low"].to_numpy(float), part[f"{column}_high"].to_numpy(float) - values])
            ax.errorbar(x + shift, values, yerr=np.nan_to_num(np.clip(error, 0, None)), marker="o", ms=4, lw=1.2, capsize=3,
                        color=color, label=say(column, lang))
        hits = [i for i, stage in enumerate(part["stage"]) if ((group if by else None), stage) in marked]
        for i in hits:
            ax.axvspan(i - 0.4, i + 0.4, color=PALETTE["negative"], alpha=0.10, lw=0)
            ax.text(i, scale[1] - 0.15, "★", ha="center", va="top", color=PALETTE["negative"], fontsize=12)
        ax.set_xticks(x, [wrap(label, 12) for label in part[f"label_{lang}"]], fontsize=8)
        ax.set_ylim(scale[0], scale[1] + 0.1)
        if by:
            ax.set_title(group_label(group, by, codebook, lang), fontsize=10)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_axis_off()
    for ax in axes[:, 0]:
        ax.set_ylabel(say("mean_scale", lang, low=scale[0], high=scale[1]))
    handles, texts = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, texts, loc="upper center", bbox_to_anchor=(0.5, 0.965), ncol=2, fontsize=8, frameon=False)
    figure.suptitle(say("journey_title", lang), y=0.995)
    bottom = [ax for ax in axes[-1] if ax.axison] or [axes.flat[0]]
    bottom[0].set_xlabel(say("stage", lang))
    footnote(bottom[0], [say("moment_note", lang, level=confidence)])
    tight_layout(figure, rect=(0, 0, 1, 0.93))
    return figure
