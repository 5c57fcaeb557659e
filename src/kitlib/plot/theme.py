"""The kit's chart theme: seaborn's whitegrid with a Chinese-capable font and the kit's colours.

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

from kitlib.plot.fonts import use_cjk_font

__all__ = ["set_theme"]

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

