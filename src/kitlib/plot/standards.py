"""Service-standard charts: attainment bars with Wilson intervals, and p / XmR control charts (issue 14).

Example
-------
>>> import kitlib as kl
>>> from kitlib.data.cases import case_dir
>>> result = kl.sla(kl.read_tickets(case_dir("it_firm") / "tickets.csv"), case_dir("it_firm") / "standards.csv")
>>> ax = kl.plot.sla_bars(result, lang="zh")  # doctest: +SKIP

References
----------
Wilson, E. B. (1927). *JASA*, 22(158), 209–212.
Montgomery, D. C. (2019). *Introduction to Statistical Quality Control* (8th ed.), ch. 6–7. Wiley.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kitlib.errors import AnalysisInputError
from kitlib.i18n import check_lang
from kitlib.plot._service_text import footnote, prepare, wrap
from kitlib.plot._voice_text import group_label, say
from kitlib.plot.theme import PALETTE, set_theme, tight_layout
from kitlib.service.standards import SLAResult

__all__ = ["control_chart", "sla_bars"]


def _check(result) -> SLAResult:
    if not isinstance(result, SLAResult):
        raise AnalysisInputError(f"needs an sla() result, not {type(result).__name__}")
    return result


def _names(values, result: SLAResult, codebook, lang: str) -> list[str]:
    labels = result.tickets.attrs.get("labels", {})
    return [wrap(group_label(v, result.by, codebook, lang, labels), 22) for v in values]


def sla_bars(result, lang: str = "en", ax=None, codebook=None, confidence: float = 0.95, min_n: int = 5):
    """Response vs resolution attainment per group (horizontal bars) with Wilson intervals.

    Parameters
    ----------
    result : SLAResult
        From :func:`kitlib.sla`; its table already leaves out groups with too few tickets.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    codebook : Codebook, optional
        Names the groups in ``lang`` (e.g. the survey's codebook for providers).
    confidence, min_n : float, int
        As given to :func:`kitlib.sla` (written in the footnote).

    Returns
    -------
    matplotlib.axes.Axes
    """
    result = _check(result)
    table = result.table.sort_values("resolution_met")
    figure, ax = prepare(ax, lang, figsize=(8, max(3, 0.75 * len(table) + 1.8)))
    if table.empty:
        ax.set_axis_off()
        ax.set_title(say("sla_title", lang))
        ax.text(0.5, 0.5, say("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        return ax
    positions = np.arange(len(table))
    height = 0.38
    for offset, standard, color in ((-height / 2, "response", PALETTE["neutral"]), (height / 2, "resolution", PALETTE["positive"])):
        met = table[f"{standard}_met"].to_numpy(float)
        error = np.vstack([met - table[f"{standard}_low"].to_numpy(float), table[f"{standard}_high"].to_numpy(float) - met])
        ax.barh(positions + offset, met, height=height, color=color, label=say(standard, lang), xerr=np.clip(error, 0, None),
                error_kw={"ecolor": "#333333", "capsize": 3, "lw": 1})
        for y, value in zip(positions + offset, met):
            ax.text(0.01, y, f"{value:.0%}", va="center", fontsize=8, color="white")
    for y, n in zip(positions, table["tickets"]):
        ax.text(1.01, y, say("tickets", lang, n=int(n)), va="center", fontsize=8, transform=ax.get_yaxis_transform())
    ax.set_yticks(positions, _names(table.index, result, codebook, lang))
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.set_xlabel(say("attainment", lang))
    ax.set_title(say("sla_title", lang), pad=24)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    footnote(ax, [say("wilson", lang, level=confidence, n=min_n)])
    tight_layout(figure)
    return ax


def control_chart(result, kind: str = "p", lang: str = "en", codebook=None, groups=None, ncols: int = 2):
    """Small multiples of weekly control charts per group, special-cause weeks marked in red.

    Parameters
    ----------
    result : SLAResult
    kind : {"p", "xmr"}
        ``"p"``: weekly resolution attainment (p-chart, limits vary with the week's tickets);
        ``"xmr"``: weekly mean ticket rating (individuals chart).
    lang : {"zh", "en"}
    codebook : Codebook, optional
        Names the groups in ``lang``.
    groups : list, optional
        Which groups to draw (default all shown in ``result``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    result = _check(result)
    check_lang(lang)
    if kind not in ("p", "xmr"):
        raise AnalysisInputError(f"kind must be 'p' or 'xmr', not {kind!r}")
    set_theme()
    data = result.p_chart if kind == "p" else result.xmr
    by = result.by
    names = [g for g in (data[by].unique() if len(data) else []) if groups is None or g in groups]
    title = say("p_title" if kind == "p" else "xmr_title", lang)
    if not names:
        figure, ax = plt.subplots(figsize=(7, 3))
        ax.set_axis_off()
        ax.set_title(title)
        ax.text(0.5, 0.5, say("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        return figure
    ncols = max(1, min(ncols, len(names)))
    nrows = -(-len(names) // ncols)
    figure, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 2.8 * nrows + 0.8), sharex=True, squeeze=False)
    labels = _names(names, result, codebook, lang)
    for ax, name, label in zip(axes.flat, names, labels):
        part = data[data[by] == name].sort_values("week")
        weeks = pd.to_datetime(part["week"])
        ax.plot(weeks, part["value"], marker="o", ms=3, lw=1, color=PALETTE["positive"])
        ax.plot(weeks, part["center"], color="#333333", lw=1, label=say("center", lang))
        ax.step(weeks, part["ucl"], where="mid", color=PALETTE["neutral"], lw=1, ls="--", label=say("limits", lang))
        ax.step(weeks, part["lcl"], where="mid", color=PALETTE["neutral"], lw=1, ls="--")
        special = part["special"].to_numpy(bool)
        ax.scatter(weeks[special], part["value"][special], color=PALETTE["negative"], zorder=3, s=30, label=say("special", lang))
        ax.set_title(label, fontsize=10)
        if kind == "p":
            ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    for ax in list(axes.flat)[len(names):]:
        ax.set_axis_off()
    for ax in axes[:, 0]:
        ax.set_ylabel(say("attainment" if kind == "p" else "mean_rating", lang))
    handles, texts = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, texts, loc="upper center", bbox_to_anchor=(0.5, 0.97), ncol=3, fontsize=8, frameon=False)
    figure.suptitle(title, y=0.995)
    bottom = [ax for ax in axes[-1] if ax.axison] or [axes.flat[0]]
    bottom[0].set_xlabel(say("week", lang))
    footnote(bottom[0], [say("special_note", lang)])
    tight_layout(figure, rect=(0, 0, 1, 0.93))
    return figure
