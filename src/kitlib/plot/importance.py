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

from kitlib.data.survey import Survey
from kitlib.i18n import text
from kitlib.plot._service_text import (
    draw_hidden,
    footnote,
    label_column,
    mark_reverse,
    place_labels,
    prepare,
    reaches_outside,
    result_of,
    reverse_keyed,
    say,
    wrap,
)
from kitlib.plot.theme import PALETTE, tight_layout
from kitlib.service.indices import QUADRANTS, IPAResult, ipa

__all__ = ["ipa_grid"]

QUADRANT_COLORS = {"keep_up": "#27ae60", "concentrate": PALETTE["negative"], "low_priority": PALETTE["neutral"], "overkill": PALETTE["highlight"]}


def ipa_grid(result, lang: str = "en", ax=None, codebook=None):
    """Scatter of performance (x) and importance (y), crosshairs at the means, quadrant names in the corners.

    Parameters
    ----------
    result : IPAResult or Survey
        From :func:`kitlib.ipa` (a Survey is analysed with stated importance).
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    codebook : Codebook, optional
        For item-level grids: marks reverse-keyed items " (R)" / "（反向题）"
        (taken from the Survey when one is passed).

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("bank")
    >>> ax = kl.plot.ipa_grid(kl.ipa(survey, importance="derived", level="item"), codebook=survey.codebook)
    >>> "P13 (R)" in [t.get_text() for t in ax.texts]
    True

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). *Journal of Marketing*, 41(1), 77–79.
    """
    if isinstance(result, Survey):
        codebook = codebook or result.codebook
    result = result_of(result, IPAResult, ipa, "ipa_grid")
    table = result.table
    figure, ax = prepare(ax, lang, figsize=(7.5, 6.5))
    if result.suppressed:
        return draw_hidden(ax, lang, f"n<{result.min_group_size}", say("ipa_title", lang))
    colors = [QUADRANT_COLORS[q] for q in table["quadrant"]]
    ax.scatter(table["performance"], table["importance"], c=colors, s=70, zorder=3)
    reverse = reverse_keyed(codebook, table["unit"])
    if result.level == "item":  # item texts are too long for a crowded grid: ids, reverse-keyed ones marked
        labels = mark_reverse(table["unit"], reverse, lang)
    else:
        labels = [wrap(str(label), 18) for label in label_column(table, lang)]
    ax.axvline(result.performance_cut, color="#777777", linewidth=0.8)
    ax.axhline(result.importance_cut, color="#777777", linewidth=0.8)
    x_pad = max(0.05, 0.15 * (table["performance"].max() - table["performance"].min()))
    y_pad = max(0.01, 0.15 * (table["importance"].max() - table["importance"].min()))
    ax.set_xlim(table["performance"].min() - x_pad, table["performance"].max() + x_pad)
    ax.set_ylim(table["importance"].min() - y_pad, table["importance"].max() + y_pad)
    corners = {"concentrate": (0.02, 0.98, "left", "top"), "keep_up": (0.98, 0.98, "right", "top"),
               "low_priority": (0.02, 0.02, "left", "bottom"), "overkill": (0.98, 0.02, "right", "bottom")}
    for key, (x, y, ha, va) in corners.items():
        ax.text(x, y, text(QUADRANTS[key], lang), transform=ax.transAxes, ha=ha, va=va, fontsize=12,
                color=QUADRANT_COLORS[key], alpha=0.9)  # the CJK font has no bold: size and colour emphasise
    ax.set_xlabel(say("performance", lang))
    ax.set_ylabel(say("importance_stated" if result.importance_kind == "stated" else "importance_derived", lang))
    ax.set_title(say("ipa_title", lang) + (f"{'：' if lang == 'zh' else ': '}{say('ipa_items' if result.level == 'item' else 'ipa_dimensions', lang)}"))
    footnote(ax, [say("reverse_note", lang) if result.level == "item" and any(reverse) else ""])
    tight_layout(figure)
    written = place_labels(ax, table["performance"].tolist(), table["importance"].tolist(), labels, ax.get_xlim(), ax.get_ylim())
    if reaches_outside(ax, written):  # labels inside the axes leave the layout as it is
        tight_layout(figure)
    return ax
