"""NPS stacked bar: detractors, passives and promoters per group, with the NPS and its CI.

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.nps_bar(kl.nps_table(kl.load_case("it_firm"), by="provider"), lang="zh")  # doctest: +SKIP

References
----------
Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*, 81(12), 46–54.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import AnalysisInputError
from ..nps_table import nps_table
from ..survey import Survey
from ._service_text import prepare, reason, say
from .theme import PALETTE

SEGMENTS = (("detractor_share", "detractors", PALETTE["negative"]), ("passive_share", "passives", PALETTE["neutral"]),
            ("promoter_share", "promoters", "#27ae60"))


def nps_bar(table, lang: str = "en", ax=None, by=None):
    """One horizontal 100% bar per group, NPS and CI written at the right; hidden groups greyed.

    Parameters
    ----------
    table : DataFrame or Survey
        A :func:`kitlib.nps_table` result (a Survey is analysed with ``by``).
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    by : str, optional
        Group column when ``table`` is a Survey.

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import kitlib as kl
    >>> ax = kl.plot.nps_bar(kl.load_case("bank"), by="wave")  # doctest: +SKIP

    References
    ----------
    Reichheld, F. F. (2003). *Harvard Business Review*, 81(12), 46–54.
    """
    if isinstance(table, Survey):
        table = nps_table(table, by=by)
    if not isinstance(table, pd.DataFrame) or "promoter_share" not in table.columns:
        raise AnalysisInputError("nps_bar() needs an nps_table() result or a Survey")
    keys = [c for c in table.columns if c not in ("n", "nps", "se", "ci_low", "ci_high", "promoters", "passives", "detractors",
                                                  "promoter_share", "passive_share", "detractor_share", "group_n", "suppressed", "suppression")]
    names = table[keys].astype(str).agg(" / ".join, axis=1) if keys else pd.Series([say("all", lang)] * len(table))
    hidden = table["suppressed"].to_numpy(bool) if "suppressed" in table else np.zeros(len(table), bool)
    figure, ax = prepare(ax, lang, figsize=(8, max(2.5, 0.6 * len(table) + 1.5)))
    positions = np.arange(len(table))
    left = np.zeros(len(table))
    for column, key, color in SEGMENTS:
        share = table[column].fillna(0).to_numpy(dtype=float)
        ax.barh(positions, share, left=left, color=color, label=say(key, lang), edgecolor="white")
        for y, start, width in zip(positions, left, share):
            if width >= 0.06:
                ax.text(start + width / 2, y, f"{width:.0%}", ha="center", va="center", fontsize=8, color="white")
        left += share
    for y in positions[hidden]:
        ax.barh(y, 1, color=PALETTE["suppressed"])
        note = reason(table["suppression"].iat[y], lang)
        ax.text(0.5, y, f"{say('hidden', lang)} ({note})", ha="center", va="center", fontsize=8, color="#555555")
    for y in positions[~hidden]:
        row = table.iloc[y]
        ax.text(1.02, y, f"NPS {row['nps']:+.0f}\n[{row['ci_low']:+.0f}, {row['ci_high']:+.0f}]", va="center", fontsize=8)
    ax.set_yticks(positions, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.set_xlabel(say("share", lang))
    ax.set_title(say("nps_title", lang), pad=24)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
    figure.tight_layout()
    return ax
