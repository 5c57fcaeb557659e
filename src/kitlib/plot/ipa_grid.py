"""IPA grid: importance against performance with the four action quadrants.

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.ipa_grid(kl.ipa(kl.load_case("it_firm"), importance="derived"), lang="zh")  # doctest: +SKIP

References
----------
Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *Journal of Marketing*, 41(1), 77–79.
"""

from __future__ import annotations

from ..ipa import QUADRANTS, IPAResult, ipa
from ._service_text import draw_hidden, label_column, place_labels, prepare, result_of, say, shorten
from .theme import PALETTE, text

QUADRANT_COLORS = {"keep_up": "#27ae60", "concentrate": PALETTE["negative"], "low_priority": PALETTE["neutral"], "overkill": PALETTE["highlight"]}


def ipa_grid(result, lang: str = "en", ax=None):
    """Scatter of performance (x) and importance (y), crosshairs at the means, quadrant names in the corners.

    Parameters
    ----------
    result : IPAResult or Survey
        From :func:`kitlib.ipa` (a Survey is analysed with stated importance).
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import kitlib as kl
    >>> ax = kl.plot.ipa_grid(kl.load_case("bank"))  # doctest: +SKIP

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). *Journal of Marketing*, 41(1), 77–79.
    """
    result = result_of(result, IPAResult, ipa, "ipa_grid")
    table = result.table
    figure, ax = prepare(ax, lang, figsize=(7, 6))
    if result.suppressed:
        return draw_hidden(ax, lang, f"n<{result.min_group_size}")
    colors = [QUADRANT_COLORS[q] for q in table["quadrant"]]
    ax.scatter(table["performance"], table["importance"], c=colors, s=70, zorder=3)
    if result.level == "item":
        labels = table["unit"].tolist()  # item texts are too long for a crowded grid
    else:
        labels = [shorten(str(label), 18) for label in label_column(table, lang)]
    ax.axvline(result.performance_cut, color="#777777", linewidth=0.8)
    ax.axhline(result.importance_cut, color="#777777", linewidth=0.8)
    x_pad = max(0.05, 0.15 * (table["performance"].max() - table["performance"].min()))
    y_pad = max(0.01, 0.15 * (table["importance"].max() - table["importance"].min()))
    ax.set_xlim(table["performance"].min() - x_pad, table["performance"].max() + x_pad)
    ax.set_ylim(table["importance"].min() - y_pad, table["importance"].max() + y_pad)
    place_labels(ax, table["performance"].tolist(), table["importance"].tolist(), labels, ax.get_xlim(), ax.get_ylim())
    corners = {"concentrate": (0.02, 0.98, "left", "top"), "keep_up": (0.98, 0.98, "right", "top"),
               "low_priority": (0.02, 0.02, "left", "bottom"), "overkill": (0.98, 0.02, "right", "bottom")}
    for key, (x, y, ha, va) in corners.items():
        ax.text(x, y, text(QUADRANTS[key], lang), transform=ax.transAxes, ha=ha, va=va, fontsize=10,
                color=QUADRANT_COLORS[key], weight="bold", alpha=0.85)
    ax.set_xlabel(say("performance", lang))
    ax.set_ylabel(say("importance_stated" if result.importance_kind == "stated" else "importance_derived", lang))
    ax.set_title(say("ipa_title", lang))
    figure.tight_layout()
    return ax
