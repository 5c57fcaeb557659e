"""KANO better–worse map: where each feature sits between attractive, one-dimensional, must-be and indifferent.

x = |Worse| (how much its absence dissatisfies), y = Better (how much its
presence satisfies), both 0..1, split at 0.5 (Berger et al. 1993).

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.kano_map(kl.load_case("it_firm"), lang="zh")  # doctest: +SKIP

References
----------
Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
*Center for Quality of Management Journal*, 2(4), 3–36.
"""

from __future__ import annotations

import pandas as pd
import seaborn as sns

from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError
from kitlib.i18n import text
from kitlib.plot._service_text import draw_hidden, place_labels, prepare, say, wrap
from kitlib.plot.theme import tight_layout
from kitlib.service.kano import CATEGORY_LABELS, kano_table

__all__ = ["kano_map"]

CATEGORY_COLORS = {"A": "#2e86ab", "O": "#27ae60", "M": "#c0392b", "I": "#9aa5b1", "R": "#8e44ad", "Q": "#f39c12"}
QUADRANT_CATEGORY = {(True, True): "O", (True, False): "A", (False, True): "M", (False, False): "I"}


def kano_map(table, lang: str = "en", ax=None, split: float = 0.5):
    """Scatter of features by |Worse| and Better with the four quadrant labels.

    Parameters
    ----------
    table : DataFrame or Survey
        An ungrouped :func:`kitlib.kano_table` (a Survey is analysed first).
        Points are coloured by the feature's modal category.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    split : float, default 0.5
        Where the quadrants are divided.

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import kitlib as kl
    >>> ax = kl.plot.kano_map(kl.kano_table(kl.load_case("bank")))  # doctest: +SKIP

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality of Management Journal*, 2(4), 3–36.
    """
    if isinstance(table, Survey):
        table = kano_table(table)
    if not isinstance(table, pd.DataFrame) or not {"better", "worse", "category"} <= set(table.columns):
        raise AnalysisInputError("kano_map() needs a kano_table() result or a Survey")
    if table["feature"].duplicated().any():
        raise AnalysisInputError("kano_map() draws one map: use an ungrouped kano_table() (filter the survey to one group)")
    figure, ax = prepare(ax, lang, figsize=(8, 6.5))
    if "suppressed" in table.columns and table["suppressed"].all():
        return draw_hidden(ax, lang, table["suppression"].iat[0], say("kano_title", lang))
    points = table.assign(abs_worse=table["worse"].abs(),
                          category_label=[text(CATEGORY_LABELS[c], lang) if c else "" for c in table["category"]])
    palette = {text(CATEGORY_LABELS[c], lang): color for c, color in CATEGORY_COLORS.items()}
    sns.scatterplot(data=points, x="abs_worse", y="better", hue="category_label", palette=palette, s=80, ax=ax, zorder=3)
    ax.axvline(split, color="#777777", linewidth=0.8)
    ax.axhline(split, color="#777777", linewidth=0.8)
    corners = {(True, True): (0.98, 0.98, "right", "top"), (True, False): (0.02, 0.98, "left", "top"),
               (False, True): (0.98, 0.02, "right", "bottom"), (False, False): (0.02, 0.02, "left", "bottom")}
    for key, (x, y, ha, va) in corners.items():
        category = QUADRANT_CATEGORY[key]
        ax.text(x, y, text(CATEGORY_LABELS[category], lang), ha=ha, va=va, fontsize=12,
                color=CATEGORY_COLORS[category], alpha=0.9)  # the CJK font has no bold: size and colour emphasise
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(say("worse", lang))
    ax.set_ylabel(say("better", lang))
    ax.set_title(say("kano_title", lang))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    tight_layout(figure)
    labels = [wrap(f"{f} {t}", 24) for f, t in zip(points["feature"], points[f"label_{lang}"])]
    place_labels(ax, points["abs_worse"].tolist(), points["better"].tolist(), labels, (0, 1), (0, 1))
    tight_layout(figure)  # again: room for labels beyond the axes, and the legend, 1% of the axes width to its right, has moved
    return ax
