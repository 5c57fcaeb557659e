"""Gap bars: the SERVQUAL gap (P − E) per dimension or item with its confidence interval.

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.gap_bars(kl.load_case("it_firm"), lang="zh")  # doctest: +SKIP

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import numpy as np
import seaborn as sns

from ..errors import AnalysisInputError
from ..gaps import GapResult, servqual_gaps
from ._service_text import draw_hidden, label_column, prepare, result_of, say, shorten
from .theme import PALETTE


def gap_bars(result, level: str = "dimension", lang: str = "en", ax=None):
    """Horizontal bars of the mean gap with 95% CI whiskers; negative gaps red, positive blue.

    Parameters
    ----------
    result : GapResult or Survey
        From :func:`kitlib.servqual_gaps` (a Survey is analysed first).
        With a grouped result, the first ``by`` column becomes the bar colour
        and suppressed groups are left out (named in the legend title).
    level : {"dimension", "item"}
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import kitlib as kl
    >>> ax = kl.plot.gap_bars(kl.load_case("bank"), level="item")  # doctest: +SKIP

    References
    ----------
    Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*. Free Press.
    """
    result = result_of(result, GapResult, servqual_gaps, "gap_bars")
    if level not in ("dimension", "item"):
        raise AnalysisInputError(f"level must be 'dimension' or 'item', not {level!r}")
    table = (result.dimensions if level == "dimension" else result.items).copy()
    height = 4.5 if level == "dimension" else 8
    figure, ax = prepare(ax, lang, figsize=(7.5, height))
    if table["suppressed"].all():
        return draw_hidden(ax, lang, table["suppression"].iat[0])
    if level == "item":
        table["axis_label"] = [f"{p} {shorten(t)}" for p, t in zip(table["P_item"], label_column(table, lang))]
    else:
        table["axis_label"] = label_column(table, lang)
    if result.by:
        group = result.by[0]
        hidden = sorted(table.loc[table["suppressed"], group].astype(str).unique())
        shown = table[~table["suppressed"]]
        sns.barplot(data=shown, y="axis_label", x="gap", hue=group, ax=ax, errorbar=None, orient="h")
        legend_title = group if not hidden else f"{group} ({say('hidden', lang)}: {', '.join(hidden)})"
        ax.legend(title=legend_title, fontsize=8, title_fontsize=8)
    else:
        colors = np.where(table["gap"] < 0, PALETTE["negative"], PALETTE["positive"])
        sns.barplot(data=table, y="axis_label", x="gap", hue="axis_label", palette=dict(zip(table["axis_label"], colors)),
                    legend=False, ax=ax, errorbar=None, orient="h")
        positions = np.arange(len(table))
        ax.errorbar(table["gap"], positions,
                    xerr=[table["gap"] - table["ci_low"], table["ci_high"] - table["gap"]],
                    fmt="none", ecolor="#333333", capsize=3, linewidth=1)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(say("gap", lang))
    ax.set_ylabel("")
    ax.set_title(say("gap_title_dimension" if level == "dimension" else "gap_title_item", lang))
    if level == "item":
        ax.tick_params(axis="y", labelsize=8)
    figure.tight_layout()
    return ax
