"""The kit's chart theme: seaborn's whitegrid with a Chinese-capable font and the kit's colours, and the charts' layout.

Chart text comes from :mod:`kitlib.i18n`.

Example
-------
>>> from kitlib.plot.theme import set_theme
>>> set_theme()

References
----------
Waskom, M. (2021). seaborn: statistical data visualization. *JOSS*, 6(60), 3021.
"""

from __future__ import annotations

import matplotlib
import seaborn as sns
from matplotlib.layout_engine import TightLayoutEngine

from kitlib.plot.fonts import use_cjk_font

__all__ = ["set_theme", "tight_layout"]

PALETTE = {
    "negative": "#c0392b",
    "positive": "#2e86ab",
    "neutral": "#9aa5b1",
    "expectation": "#7f8c8d",
    "perception": "#2e86ab",
    "highlight": "#f39c12",
    "suppressed": "#d9d9d9",
}


def set_theme() -> None:
    """Apply the kit's seaborn theme with a Chinese-capable font (idempotent)."""
    sns.set_theme(style="whitegrid", context="notebook")
    use_cjk_font()
    # The shipped CJK font has one weight; asking for bold would make matplotlib fall back and warn.
    matplotlib.rcParams.update({"axes.titleweight": "normal", "figure.titleweight": "normal", "axes.labelweight": "normal"})


def tight_layout(figure, rect=None) -> None:
    """Fit the subplots, their labels and legends inside ``rect`` of ``figure``, once, as ``Figure.tight_layout`` does.

    Parameters
    ----------
    figure : matplotlib Figure
    rect : tuple of float, optional
        ``(left, bottom, right, top)`` in figure fractions that the subplots,
        with their labels, must fit into (default: the whole figure, laid out
        in one pass; a ``rect`` costs matplotlib a second pass).

    Notes
    -----
    The layout is matplotlib's tight layout with its default padding of 1.08
    font sizes.  ``Figure.tight_layout`` leaves a placeholder layout engine on
    the figure, and ``print_figure`` draws a figure that has any layout engine
    twice (once without rendering, to run the engine).  Running the engine
    directly lays the figure out identically and leaves no engine, so each
    chart is drawn once when it is shown or saved.  A figure that already has
    its own engine (an ``ax`` passed in from a constrained-layout figure) goes
    through ``Figure.tight_layout``, which replaces that engine as before.

    Example
    -------
    >>> import matplotlib.pyplot as plt
    >>> figure, ax = plt.subplots()
    >>> tight_layout(figure)
    >>> figure.get_layout_engine() is None
    True

    References
    ----------
    Hunter, J. D. (2007). Matplotlib: a 2D graphics environment. *Computing in Science & Engineering*, 9(3), 90–95.
    """
    if figure.get_layout_engine() is None:
        TightLayoutEngine(rect=rect).execute(figure)
    else:
        figure.tight_layout(rect=rect)
