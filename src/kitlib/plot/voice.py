"""Theme chart: the share of comments naming each theme, per group (issue 14).

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.theme_chart(kl.comment_themes(kl.load_case("it_firm")), lang="zh")  # doctest: +SKIP

References
----------
Braun, V., & Clarke, V. (2006). Using thematic analysis in psychology. *Qualitative Research in Psychology*, 3(2), 77–101.
"""

from __future__ import annotations

import numpy as np

from kitlib.errors import AnalysisInputError
from kitlib.plot._service_text import footnote, prepare, wrap
from kitlib.plot._voice_text import group_label, say
from kitlib.plot.theme import tight_layout
from kitlib.service.voice import CommentThemes

__all__ = ["theme_chart"]


def theme_chart(result, by: str = "provider", lang: str = "en", ax=None, codebook=None):
    """Heatmap of theme shares (groups × themes), the group's comment count and negative share beside it.

    Groups under the comment threshold are absent from ``result`` and named nowhere; a footnote counts them.

    Parameters
    ----------
    result : CommentThemes
        From :func:`kitlib.comment_themes`.
    by : str, default "provider"
        One of the result's grouping columns.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    codebook : Codebook, optional
        Names the groups in ``lang``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(result, CommentThemes):
        raise AnalysisInputError(f"theme_chart() needs a comment_themes() result, not {type(result).__name__}")
    if by not in result.shares:
        raise AnalysisInputError(f"theme_chart(): the result is not grouped by '{by}' (groupings: {', '.join(result.shares)})")
    themes = list(result.themes)
    table = result.shares[by]
    figure, ax = prepare(ax, lang, figsize=(max(6.5, 1.0 * len(themes) + 3.5), max(3, 0.55 * len(table) + 2)))
    hidden = int((result.suppressed["by"] == by).sum()) if len(result.suppressed) else 0
    hidden_note = say("groups_hidden", lang, k=hidden, n=result.min_n, s="" if hidden == 1 else "s") if hidden else ""
    if table.empty or not themes:
        ax.set_axis_off()
        ax.set_title(say("theme_title", lang))
        ax.text(0.5, 0.5, say("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        footnote(ax, [hidden_note])
        return ax
    values = table[themes].to_numpy(float)
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(0.5, float(np.nanmax(values))), aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=8, color="white" if value > 0.35 else "#222222")
    ax.set_xticks(range(len(themes)), [wrap(result.themes[t].get(lang, t), 10) for t in themes], fontsize=8, rotation=30, ha="right")
    ax.set_yticks(range(len(table)), [wrap(group_label(g, by, codebook, lang), 22) for g in table.index])
    ax.grid(False)
    for i, (n, negative) in enumerate(zip(table["comments"], table["negative_share"])):
        ax.text(1.02, i, f"{say('comments_n', lang, n=int(n))}\n{say('negative_share', lang)} {negative:.0%}", va="center", fontsize=7,
                transform=ax.get_yaxis_transform())
    ax.set_title(say("theme_title", lang))
    figure.colorbar(image, ax=ax, fraction=0.04, pad=0.22, format=lambda value, _: f"{value:.0%}").set_label(say("theme_share", lang))
    footnote(ax, [say("theme_note", lang, n=result.min_n), hidden_note])
    tight_layout(figure)
    return ax
