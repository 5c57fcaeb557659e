"""Gap bars: the SERVQUAL gap (P − E) per dimension or item with its confidence interval.

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.gap_bars(kl.load_case("it_firm"), lang="zh")  # doctest: +SKIP

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import numpy as np
import seaborn as sns

from kitlib.errors import OptionError
from kitlib.plot._service_text import (
    by_groups,
    draw_hidden,
    footnote,
    group_name,
    hidden_groups_note,
    item_labels,
    label_column,
    prepare,
    result_of,
    reverse_flags,
    say,
    small_groups,
    value_labels,
)
from kitlib.plot.theme import PALETTE, tight_layout
from kitlib.service.gaps import GapResult, servqual_gaps

__all__ = ["gap_bars"]


def gap_bars(result, level: str = "dimension", lang: str = "en", ax=None):
    """Horizontal bars of the mean gap with 95% CI whiskers; negative gaps red, positive blue.

    Parameters
    ----------
    result : GapResult or Survey
        From :func:`kitlib.servqual_gaps` (a Survey is analysed first).
        With a grouped result, the first ``by`` column becomes the bar colour,
        named with the codebook's value labels in ``lang``.  A group with
        fewer than ``min_group_size`` respondents is left out without being
        named (a footnote counts it); groups hidden to prevent
        back-calculation are left out and named in the footnote.
    level : {"dimension", "item"}
        At item level, reverse-keyed items are marked " (R)" / "（反向题）".
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import kitlib as kl
    >>> survey = kl.load_case("it_firm")
    >>> ax = kl.plot.gap_bars(kl.servqual_gaps(survey, by="department"), lang="zh")
    >>> "内审部" in [t.get_text() for t in ax.get_legend().get_texts()]  # 3 respondents: never named
    False

    References
    ----------
    Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990). *Delivering Quality Service*. Free Press.
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    result = result_of(result, GapResult, servqual_gaps, "gap_bars")
    if level not in ("dimension", "item"):
        raise OptionError(f"level must be 'dimension' or 'item', not {level!r}")
    table = (result.dimensions if level == "dimension" else result.items).copy()
    groups = table[result.by[0]].nunique() if result.by else 1
    height = 4.5 if level == "dimension" else 10
    extra = 0.4 * groups if level == "dimension" and result.by else 0
    figure, ax = prepare(ax, lang, figsize=(9 if result.by else 8, height + extra))
    title = say("gap_title_dimension" if level == "dimension" else "gap_title_item", lang)
    if table["suppressed"].all():
        return draw_hidden(ax, lang, table["suppression"].iat[0], title)
    if level == "item":
        table["axis_label"] = item_labels(table, lang)
    else:
        table["axis_label"] = label_column(table, lang)
    notes = []
    if result.by:
        group = result.by[0]
        small = small_groups(table, group, result.by, result.min_group_size)
        shown = table[~table["suppressed"]].assign(group_label=lambda t: value_labels(t, group, lang))
        withheld = table.groupby(group, sort=False)["suppressed"].transform("all")  # every cell of the group hidden
        others = table[withheld & ~table[group].isin(small)]
        sns.barplot(data=shown, y="axis_label", x="gap", hue="group_label", ax=ax, errorbar=None, orient="h")
        ax.legend(title=group_name(group, lang), fontsize=8, title_fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1),
                  frameon=False)
        if small:
            notes.append(hidden_groups_note(len(small), result.min_group_size, lang))
        if len(others):
            names = ("、" if lang == "zh" else ", ").join(dict.fromkeys(value_labels(others, group, lang)))
            notes.append(say("also_hidden", lang, names=names))
    else:
        colors = np.where(table["gap"] < 0, PALETTE["negative"], PALETTE["positive"])
        sns.barplot(data=table, y="axis_label", x="gap", hue="axis_label", palette=dict(zip(table["axis_label"], colors)),
                    legend=False, ax=ax, errorbar=None, orient="h")
        positions = np.arange(len(table))
        ax.errorbar(table["gap"], positions,
                    xerr=[table["gap"] - table["ci_low"], table["ci_high"] - table["gap"]],
                    fmt="none", ecolor="#333333", capsize=3, linewidth=1)
        notes.append(say("ci_whiskers", lang, level=result.confidence))
    if level == "item" and any(reverse_flags(table)):
        notes.append(say("reverse_note", lang))
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(say("gap", lang))
    ax.set_ylabel("")
    ax.set_title(title + (by_groups(result.by[:1], lang) if result.by else ""))
    if level == "item":
        ax.tick_params(axis="y", labelsize=8)
    footnote(ax, notes)
    tight_layout(figure)
    return ax
