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

# --- service-quality charts (issue 4) ---

__all__ = ["PALETTE", "set_theme", "text"]
