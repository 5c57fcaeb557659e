"""Snake chart: expectation and perception profiles across the SERVQUAL items.

The two lines "snake" down the 22 items; where perception (P) falls left of
expectation (E) the provider under-delivers.

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.snake_chart(kl.load_case("it_firm"), lang="zh")  # doctest: +SKIP

References
----------
Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*. Free Press.
"""

from __future__ import annotations

import numpy as np

from kitlib.errors import AnalysisInputError
from kitlib.plot._service_text import draw_hidden, footnote, item_labels, label_column, prepare, result_of, reverse_flags, say
from kitlib.plot.theme import PALETTE, tight_layout
from kitlib.service.gaps import GapResult, servqual_gaps

__all__ = ["snake_chart"]


def snake_chart(result, lang: str = "en", ax=None):
    """E and P item means as two profiles, items top to bottom, dimensions separated.

    Parameters
    ----------
    result : GapResult or Survey
        An ungrouped :func:`kitlib.servqual_gaps` result (filter the survey
        first to draw one provider: ``survey.filter(provider="IT")``).
        Reverse-keyed items are marked " (R)" / "（反向题）" and explained
        in a footnote.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import kitlib as kl
    >>> ax = kl.plot.snake_chart(kl.load_case("bank").filter(wave="2026Q2"))  # doctest: +SKIP

    References
    ----------
    Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*. Free Press.
    """
    result = result_of(result, GapResult, servqual_gaps, "snake_chart")
    if result.by:
        raise AnalysisInputError("snake_chart() draws one profile: use an ungrouped servqual_gaps() result (filter the survey to one group)")
    items = result.items.reset_index(drop=True)
    figure, ax = prepare(ax, lang, figsize=(7.5, 10))
    if items["suppressed"].all():
        return draw_hidden(ax, lang, items["suppression"].iat[0], say("snake_title", lang))
    positions = np.arange(len(items))
    ax.plot(items["E"], positions, marker="o", color=PALETTE["expectation"], label=say("expectation", lang))
    ax.plot(items["P"], positions, marker="s", color=PALETTE["perception"], label=say("perception", lang))
    ax.fill_betweenx(positions, items["E"], items["P"], where=items["P"] < items["E"], color=PALETTE["negative"], alpha=0.12)
    boundaries = np.flatnonzero(items["dimension"].to_numpy()[1:] != items["dimension"].to_numpy()[:-1])
    for boundary in boundaries:
        ax.axhline(boundary + 0.5, color="#bbbbbb", linewidth=0.8, linestyle="--")
    names = dict(zip(result.dimensions["dimension"], label_column(result.dimensions, lang)))
    dimension_of = items["dimension"].to_numpy()
    for dimension in dict.fromkeys(dimension_of):
        rows = np.flatnonzero(dimension_of == dimension)
        ax.text(1.01, rows.mean(), names.get(dimension, dimension), transform=ax.get_yaxis_transform(),
                va="center", ha="left", fontsize=9, color="#555555", rotation=270)
    reverse = reverse_flags(items)
    ax.set_yticks(positions, item_labels(items, lang), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(say("score", lang))
    ax.set_title(say("snake_title", lang), pad=22)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    footnote(ax, [say("reverse_note", lang) if any(reverse) else ""])
    tight_layout(figure)
    return ax
