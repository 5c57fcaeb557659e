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

from .theme import PALETTE, set_theme, text

# --- psychometrics charts (issue 3) ---
from .loadings import loading_heatmap
from .scree import scree

# --- service-quality charts (issue 4) ---
from .gaps import gap_bars
from .ipa_grid import ipa_grid
from .kano_map import kano_map
from .nps_bar import nps_bar
from .provider_heatmap import provider_heatmap
from .snake import snake_chart
from .trend import trend_chart

