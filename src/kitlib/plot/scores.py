"""Perception bars: the mean perception per dimension with its confidence interval (perceptions-only surveys).

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.perception_bars(kl.perception_scores(kl.load_case("bank")), lang="en")  # doctest: +SKIP

References
----------
Cronin, J. J., & Taylor, S. A. (1992). *Journal of Marketing*, 56(3), 55–68.
"""

from __future__ import annotations

import numpy as np

from kitlib.plot._service_text import draw_hidden, footnote, label_column, prepare, result_of, say
from kitlib.plot.theme import PALETTE, tight_layout
from kitlib.service.performance import PerceptionResult, perception_scores

__all__ = ["perception_bars"]


def perception_bars(result, lang: str = "en", ax=None):
    """Horizontal bars of each dimension's mean perception, with CI whiskers, on the full answer scale.

    Parameters
    ----------
    result : PerceptionResult or Survey
        From :func:`kitlib.perception_scores` without ``by`` (a Survey is analysed first).
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The x axis spans the codebook's answer scale (e.g. 1–5 or 0–10), so a
    bar's length shows where the mean lies between the worst and the best
    answer; the lowest dimension is drawn in the "negative" colour.

    Example
    -------
    >>> import kitlib as kl
    >>> ax = kl.plot.perception_bars(kl.load_case("it_firm"), lang="zh")
    >>> bool(ax.get_xlim()[1] >= 7)
    True

    References
    ----------
    Cronin, J. J., & Taylor, S. A. (1992). *Journal of Marketing*, 56(3), 55–68.
    """
    result = result_of(result, PerceptionResult, perception_scores, "perception_bars")
    table = result.dimensions[~result.dimensions["suppressed"].astype(bool)] if "suppressed" in result.dimensions else result.dimensions
    figure, ax = prepare(ax, lang, figsize=(8, 1.2 + 0.6 * max(len(result.dimensions), 2)))
    title = say("perception_title", lang)
    if table.empty:
        return draw_hidden(ax, lang, result.dimensions["suppression"].iat[0], title)
    low, high = result.scale
    labels = label_column(table, lang).tolist()
    positions = np.arange(len(table))
    means = table["mean"].to_numpy(dtype=float)
    colors = np.where(means == np.nanmin(means), PALETTE["negative"], PALETTE["positive"])
    left = low if np.isfinite(low) else np.nanmin(table["ci_low"]) - 0.5
    ax.barh(positions, means - left, left=left, color=colors, height=0.6)
    ax.errorbar(means, positions, xerr=[means - table["ci_low"].to_numpy(float), table["ci_high"].to_numpy(float) - means],
                fmt="none", ecolor="#333333", capsize=3, linewidth=1)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    if np.isfinite(low) and np.isfinite(high):
        ax.set_xlim(low, high)
    ax.set_xlabel(say("perception_axis", lang, low=low, high=high))
    ax.set_title(title)
    footnote(ax, [say("ci_whiskers", lang, level=result.confidence)])
    tight_layout(figure)
    return ax
