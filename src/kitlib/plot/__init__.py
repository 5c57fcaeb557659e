"""Charts of the kit: one seaborn theme, Chinese or English labels (``lang="zh"|"en"``).

Every function returns the matplotlib ``Axes`` (or ``Figure``) it drew on, so
notebooks can add to it or save it.

Example
-------
>>> import kitlib as kl
>>> kl.plot.set_theme()

References
----------
Waskom, M. (2021). seaborn: statistical data visualization. *JOSS*, 6(60), 3021.
"""

from kitlib._lazy import attach

# Loaded on first use (see kitlib._lazy): the report runner reads the CJK font without loading seaborn.
_EXPORTS = {
    "kitlib.i18n": (
        "text",
    ),
    "kitlib.plot.eigenvalues": (
        "scree",
    ),
    "kitlib.plot.gaps": (
        "gap_bars",
    ),
    "kitlib.plot.importance": (
        "ipa_grid",
    ),
    "kitlib.plot.journey": (
        "journey_chart",
    ),
    "kitlib.plot.kano": (
        "kano_map",
    ),
    "kitlib.plot.loadings": (
        "loading_heatmap",
    ),
    "kitlib.plot.net_promoter": (
        "nps_bar",
    ),
    "kitlib.plot.provider_receiver": (
        "provider_heatmap",
    ),
    "kitlib.plot.scores": (
        "perception_bars",
    ),
    "kitlib.plot.snake": (
        "snake_chart",
    ),
    "kitlib.plot.standards": (
        "control_chart", "sla_bars",
    ),
    "kitlib.plot.theme": (
        "PALETTE", "set_theme",
    ),
    "kitlib.plot.voice": (
        "theme_chart",
    ),
    "kitlib.plot.waves": (
        "trend_chart",
    ),
}

__all__ = [
    "gap_bars", "ipa_grid", "kano_map", "loading_heatmap", "nps_bar", "PALETTE", "perception_bars",
    "provider_heatmap", "scree", "set_theme", "snake_chart", "text", "trend_chart", "control_chart", "journey_chart",
    "sla_bars", "theme_chart",
]

__getattr__, __dir__ = attach(__name__, _EXPORTS)
