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

from kitlib.i18n import text
from kitlib.plot.eigenvalues import scree

# --- service-quality charts (issue 4) ---
from kitlib.plot.gaps import gap_bars
from kitlib.plot.importance import ipa_grid
from kitlib.plot.journey import journey_chart
from kitlib.plot.kano import kano_map

# --- psychometrics charts (issue 3) ---
from kitlib.plot.loadings import loading_heatmap
from kitlib.plot.net_promoter import nps_bar
from kitlib.plot.provider_receiver import provider_heatmap
from kitlib.plot.scores import perception_bars
from kitlib.plot.snake import snake_chart
from kitlib.plot.standards import control_chart, sla_bars
from kitlib.plot.theme import PALETTE, set_theme
from kitlib.plot.voice import theme_chart
from kitlib.plot.waves import trend_chart

__all__ = [
    "gap_bars",
    "ipa_grid",
    "kano_map",
    "loading_heatmap",
    "nps_bar",
    "PALETTE",
    "perception_bars",
    "provider_heatmap",
    "scree",
    "set_theme",
    "snake_chart",
    "text",
    "trend_chart",
    "control_chart",
    "journey_chart",
    "sla_bars",
    "theme_chart",
]

