"""The kit's chart theme and bilingual chart text.

Example
-------
>>> from kitlib.plot.theme import set_theme, text
>>> set_theme()
>>> text({"zh": "差距", "en": "Gap"}, "zh")
'差距'

References
----------
Waskom, M. (2021). seaborn: statistical data visualization. *JOSS*, 6(60), 3021.
"""

from __future__ import annotations

import matplotlib
import seaborn as sns

from kitlib.data.codebook import check_lang
from kitlib.plot.fonts import use_cjk_font

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


def text(labels: dict[str, str], lang: str) -> str:
    """Pick the ``lang`` entry of a ``{"zh": ..., "en": ...}`` label, checking ``lang``."""
    return labels[check_lang(lang)]
