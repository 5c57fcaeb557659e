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

from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError
from kitlib.plot._service_text import (
    FOOTNOTE_COLOR,
    by_groups,
    draw_hidden,
    footnote,
    hidden_groups_note,
    prepare,
    reason,
    say,
    threshold,
    value_labels,
)
from kitlib.plot.theme import PALETTE, tight_layout
from kitlib.service.net_promoter import STAT_COLUMNS, nps_table

__all__ = ["nps_bar"]

SEGMENTS = (("detractor_share", "detractors", PALETTE["negative"]), ("passive_share", "passives", PALETTE["neutral"]),
            ("promoter_share", "promoters", "#27ae60"))
BOOKKEEPING = ("group_n", "suppressed", "suppression")


def nps_bar(table, lang: str = "en", ax=None, by=None):
    """One horizontal 100% bar per group, NPS and CI written at the right.

    Groups are named with the codebook's value labels in ``lang``.  A group
    with fewer than ``min_group_size`` respondents is left out — its name
    appears nowhere — and a footnote says how many were hidden; a group
    hidden only to prevent back-calculation stays as a grey bar.

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
    >>> ax = kl.plot.nps_bar(kl.nps_table(kl.load_case("it_firm"), by="department"), lang="zh")
    >>> "内审部" in [t.get_text() for t in ax.get_yticklabels()]  # 3 respondents: left out
    False

    References
    ----------
    Reichheld, F. F. (2003). *Harvard Business Review*, 81(12), 46–54.
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    if isinstance(table, Survey):
        table = nps_table(table, by=by)
    if not isinstance(table, pd.DataFrame) or "promoter_share" not in table.columns:
        raise AnalysisInputError("nps_bar() needs an nps_table() result or a Survey")
    keys = [c for c in table.columns if c not in (*STAT_COLUMNS, *BOOKKEEPING) and not c.endswith(("_label_zh", "_label_en"))]
    notes = table["suppression"].fillna("").astype(str) if "suppression" in table else pd.Series("", index=table.index)
    small = notes.str.startswith("n<").to_numpy(bool)
    min_n = threshold(table)
    rows = table[~small].reset_index(drop=True)
    figure, ax = prepare(ax, lang, figsize=(8.5, max(2.8, 0.6 * len(rows) + 2)))
    if rows.empty or (not keys and bool(rows["suppressed"].all() if "suppressed" in rows else False)):
        return draw_hidden(ax, lang, notes.iat[0] if len(notes) else "", say("nps_title", lang))
    names = (pd.concat([value_labels(rows, key, lang) for key in keys], axis=1).agg(" / ".join, axis=1) if keys
             else pd.Series([say("all", lang)] * len(rows)))
    hidden = rows["suppressed"].to_numpy(bool) if "suppressed" in rows else np.zeros(len(rows), bool)
    positions = np.arange(len(rows))
    left = np.zeros(len(rows))
    for column, key, color in SEGMENTS:
        share = rows[column].fillna(0).to_numpy(dtype=float)
        ax.barh(positions, share, left=left, color=color, label=say(key, lang), edgecolor="white")
        for y, start, width in zip(positions, left, share):
            if width >= 0.06:
                ax.text(start + width / 2, y, f"{width:.0%}", ha="center", va="center", fontsize=8, color="white")
        left += share
    for y in positions[hidden]:
        ax.barh(y, 1, color=PALETTE["suppressed"])
        ax.text(0.5, y, f"{say('hidden', lang)} ({reason(rows['suppression'].iat[y], lang)})", ha="center", va="center",
                fontsize=8, color=FOOTNOTE_COLOR)
    for y in positions[~hidden]:
        row = rows.iloc[y]
        ax.text(1.02, y, f"NPS {row['nps']:+.0f}\n[{row['ci_low']:+.0f}, {row['ci_high']:+.0f}]", va="center", fontsize=8,
                transform=ax.get_yaxis_transform())
    ax.set_yticks(positions, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.set_xlabel(say("share", lang))
    ax.set_title(say("nps_title", lang) + (by_groups(keys, lang) if keys else ""), pad=24)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
    footnote(ax, [say("ci_note", lang), hidden_groups_note(int(small.sum()), min_n, lang) if small.any() else ""])
    tight_layout(figure)
    return ax
