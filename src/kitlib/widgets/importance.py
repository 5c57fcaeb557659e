"""IPA what-if: move one unit's importance or performance and watch its quadrant.

The crosshairs stay data-centred as in :func:`kitlib.ipa` (means of the
plotted units), so moving one point can also move the lines.  The update logic
is the plain function :func:`what_if`.

Example
-------
>>> import kitlib as kl
>>> from kitlib.widgets.importance import what_if
>>> table = kl.ipa(kl.load_case("it_firm")).table
>>> moved, cuts = what_if(table, "responsiveness", performance=6.5)
>>> moved.set_index("unit").loc["responsiveness", "quadrant"]
'keep_up'

References
----------
Martilla, J. A., & James, J. C. (1977). Importance-performance analysis.
*Journal of Marketing*, 41(1), 77–79.
Bacon, D. R. (2003). *International Journal of Market Research*, 45(1), 55–71.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from kitlib.data.survey import Survey
from kitlib.i18n import check_lang
from kitlib.plot.theme import PALETTE, set_theme
from kitlib.service.indices import QUADRANTS, ipa, quadrant

__all__ = ["draw_ipa", "ipa_what_if", "reclassifications", "verdict_text", "what_if"]

TEXT = {
    "unit": {"zh": "维度", "en": "Dimension"},
    "importance": {"zh": "重要性", "en": "Importance"},
    "performance": {"zh": "表现", "en": "Performance"},
    "reset": {"zh": "复位", "en": "Reset"},
    "title": {"zh": "重要性–表现分析（假如……）", "en": "Importance–performance what-if"},
    "verdict": {
        "zh": "“{unit}”：重要性 {importance:.2f}，表现 {performance:.2f} → <b>{quadrant}</b>（原为 {before}）",
        "en": "'{unit}': importance {importance:.2f}, performance {performance:.2f} → <b>{quadrant}</b> (was {before})",
    },
    "cuts": {
        "zh": "十字线随之移动：重要性分界 {icut_before:.2f} → {icut:.2f}，表现分界 {pcut_before:.2f} → {pcut:.2f}。",
        "en": "The crosshairs move with it: importance cut {icut_before:.2f} → {icut:.2f}, performance cut {pcut_before:.2f} → {pcut:.2f}.",
    },
    "also": {
        "zh": "“{unit}”也随之改变象限：{before} → <b>{quadrant}</b>（它本身没动，是十字线移动了）。",
        "en": "'{unit}' changes quadrant too: {before} → <b>{quadrant}</b> (it did not move; the crosshairs did).",
    },
    "none_else": {"zh": "其他维度的象限不变。", "en": "No other dimension changes quadrant."},
    "hidden": {"zh": "受访者少于 {n} 人，为保护受访者不显示重要性–表现分析。",
               "en": "Fewer than {n} respondents: the importance–performance grid is not shown, to protect them."},
}
COLOURS = {"keep_up": PALETTE["positive"], "concentrate": PALETTE["negative"], "low_priority": PALETTE["neutral"], "overkill": PALETTE["highlight"]}


def what_if(table: pd.DataFrame, unit: str, importance: float | None = None, performance: float | None = None):
    """A copy of an IPA table with one unit moved, crosshairs and quadrants recomputed.

    Parameters
    ----------
    table : DataFrame
        ``kl.ipa(...).table`` (columns ``unit, importance, performance, quadrant`` …).
    unit : str
        The unit to move.
    importance, performance : float, optional
        New values (unchanged when ``None``).

    Returns
    -------
    (DataFrame, (float, float))
        The moved table with updated ``quadrant``/``quadrant_zh``/``quadrant_en``
        and the new ``(importance_cut, performance_cut)``.
    """
    moved = table.copy()
    row = moved["unit"] == unit
    if not row.any():
        raise KeyError(f"unit {unit!r} is not in the IPA table")
    if importance is not None:
        moved.loc[row, "importance"] = float(importance)
    if performance is not None:
        moved.loc[row, "performance"] = float(performance)
    cuts = (float(moved["importance"].mean()), float(moved["performance"].mean()))
    moved["quadrant"] = quadrant(moved["importance"], moved["performance"], *cuts)
    for lang in ("zh", "en"):
        moved[f"quadrant_{lang}"] = moved["quadrant"].map(lambda q, lang=lang: QUADRANTS[q][lang])
    return moved, cuts


def reclassifications(original: pd.DataFrame, moved: pd.DataFrame) -> pd.DataFrame:
    """Every unit whose quadrant differs between two IPA tables: ``unit, before, after``.

    Example
    -------
    >>> import kitlib as kl
    >>> table = kl.ipa(kl.load_case("it_firm")).table
    >>> reclassifications(table, what_if(table, "tangibles")[0]).empty
    True
    """
    before = original.set_index("unit")["quadrant"]
    after = moved.set_index("unit")["quadrant"].reindex(before.index)
    changed = before.index[before != after]
    return pd.DataFrame({"unit": list(changed), "before": list(before[changed]), "after": list(after[changed])})


def verdict_text(original: pd.DataFrame, moved: pd.DataFrame, unit: str, lang: str = "zh",
                 cuts_before: tuple[float, float] | None = None, cuts: tuple[float, float] | None = None) -> str:
    """The what-if verdict (HTML): the moved unit, the crosshairs, and every other unit it reclassifies.

    Example
    -------
    >>> import kitlib as kl
    >>> table = kl.ipa(kl.load_case("it_firm")).table
    >>> moved, cuts = what_if(table, "tangibles")
    >>> "No other dimension" in verdict_text(table, moved, "tangibles", "en")
    True
    """
    check_lang(lang)
    labels = moved.set_index("unit")[f"label_{lang}"]
    name = lambda key: QUADRANTS[key][lang]  # noqa: E731
    row = moved.set_index("unit").loc[unit]
    before = original.set_index("unit").loc[unit, "quadrant"]
    lines = [TEXT["verdict"][lang].format(unit=labels[unit], importance=row["importance"], performance=row["performance"],
                                          quadrant=name(row["quadrant"]), before=name(before))]
    if cuts_before is None:
        cuts_before = (float(original["importance"].mean()), float(original["performance"].mean()))
    if cuts is None:
        cuts = (float(moved["importance"].mean()), float(moved["performance"].mean()))
    if max(abs(a - b) for a, b in zip(cuts, cuts_before)) > 1e-9:
        lines.append(TEXT["cuts"][lang].format(icut_before=cuts_before[0], icut=cuts[0], pcut_before=cuts_before[1], pcut=cuts[1]))
    others = reclassifications(original, moved)
    others = others[others["unit"] != unit]
    for _, change in others.iterrows():
        lines.append(TEXT["also"][lang].format(unit=labels[change["unit"]], before=name(change["before"]), quadrant=name(change["after"])))
    if others.empty:
        lines.append(TEXT["none_else"][lang])
    return "<br>".join(lines)


def draw_ipa(table: pd.DataFrame, cuts: tuple[float, float], lang: str, highlight: str | None = None, ax=None):
    """Scatter of the IPA grid with crosshairs and quadrant colours."""
    set_theme()
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5))
    for _, row in table.iterrows():
        size = 140 if row["unit"] == highlight else 70
        ax.scatter(row["performance"], row["importance"], s=size, color=COLOURS[row["quadrant"]],
                   edgecolor="black" if row["unit"] == highlight else "none", zorder=3)
        ax.annotate(row[f"label_{lang}"], (row["performance"], row["importance"]), xytext=(6, 4), textcoords="offset points", fontsize=9)
    corners = {"concentrate": (0.02, 0.97, "left", "top"), "keep_up": (0.98, 0.97, "right", "top"),
               "low_priority": (0.02, 0.03, "left", "bottom"), "overkill": (0.98, 0.03, "right", "bottom")}
    for key, (x, y, ha, va) in corners.items():
        ax.text(x, y, QUADRANTS[key][lang], transform=ax.transAxes, ha=ha, va=va, fontsize=9, color=COLOURS[key], alpha=0.8)
    ax.axvline(cuts[1], color="grey", linestyle="--", linewidth=1)
    ax.axhline(cuts[0], color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel(TEXT["performance"][lang])
    ax.set_ylabel(TEXT["importance"][lang])
    ax.set_title(TEXT["title"][lang])
    return ax


def ipa_what_if(survey: Survey, lang: str = "zh", importance: str = "stated", min_group_size: int = 5):
    """An ipywidgets panel: choose a dimension, move its importance/performance sliders, see the quadrant.

    Parameters
    ----------
    survey : Survey
    lang : {"zh", "en"}
    importance : {"stated", "derived"}
        Passed to :func:`kitlib.ipa`.
    min_group_size : int, default 5
        With fewer distinct respondents (e.g. a small department selected with
        ``survey.filter``) the panel shows only a note and no values.

    Returns
    -------
    ipywidgets.VBox
        ``panel.table`` holds the current moved table, ``panel.cuts`` the crosshairs,
        ``panel.changes`` every unit whose quadrant changed (:func:`reclassifications`);
        the verdict names each of them, not only the unit moved.  For a
        suppressed survey the panel holds one note and ``panel.table`` is ``None``.

    Example
    -------
    >>> import kitlib as kl
    >>> panel = ipa_what_if(kl.load_case("bank"), lang="en")
    >>> sorted(panel.table["quadrant"].unique())[0] in {"concentrate", "keep_up", "low_priority", "overkill"}
    True

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). *Journal of Marketing*, 41(1), 77–79.
    """
    import ipywidgets as widgets

    check_lang(lang)
    result = ipa(survey, importance=importance, min_group_size=min_group_size)
    if result.suppressed:
        panel = widgets.VBox([widgets.HTML(TEXT["hidden"][lang].format(n=min_group_size))])
        panel.add_class("kitlib-ipa-what-if")
        panel.table = panel.cuts = panel.changes = None
        return panel
    original = result.table
    style = {"description_width": "initial"}
    units = widgets.Dropdown(options=[(row[f"label_{lang}"], row["unit"]) for _, row in original.iterrows()],
                             description=TEXT["unit"][lang], style=style)
    span_i = original["importance"].max() - original["importance"].min()
    imp = widgets.FloatSlider(min=max(0.0, original["importance"].min() - span_i), max=original["importance"].max() + span_i,
                              step=span_i / 100 or 0.01, description=TEXT["importance"][lang], style=style, continuous_update=False)
    perf_low = min(c.scale_min for c in survey.codebook.columns.values() if c.kind == "servqual_P")
    perf_high = max(c.scale_max for c in survey.codebook.columns.values() if c.kind == "servqual_P")
    perf = widgets.FloatSlider(min=perf_low, max=perf_high, step=0.05, description=TEXT["performance"][lang], style=style, continuous_update=False)
    reset = widgets.Button(description=TEXT["reset"][lang])
    verdict = widgets.HTML()
    chart = widgets.Output()
    panel = widgets.VBox([widgets.HBox([units, reset]), imp, perf, verdict, chart])
    panel.add_class("kitlib-ipa-what-if")
    selecting = []

    def start(unit: str) -> None:
        row = original.set_index("unit").loc[unit]
        selecting.append(True)
        imp.value, perf.value = float(row["importance"]), float(row["performance"])
        selecting.clear()

    def update(_change=None) -> None:
        if selecting:
            return
        panel.table, panel.cuts = what_if(original, units.value, imp.value, perf.value)
        panel.changes = reclassifications(original, panel.table)
        verdict.value = verdict_text(original, panel.table, units.value, lang, cuts=panel.cuts)
        chart.outputs = ()
        ax = draw_ipa(panel.table, panel.cuts, lang, highlight=units.value)
        chart.append_display_data(ax.figure)
        plt.close(ax.figure)

    def choose(_change=None) -> None:
        start(units.value)
        update()

    units.observe(choose, names="value")
    imp.observe(update, names="value")
    perf.observe(update, names="value")
    reset.on_click(lambda _button: choose())
    choose()
    return panel
