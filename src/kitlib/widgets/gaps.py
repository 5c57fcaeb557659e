"""Gap explorer: pick a case, a provider and a dimension; see the gap by receiving department.

Departments with fewer than ``min_group_size`` respondents (and siblings that
would reveal them) are hidden, exactly as in :func:`kitlib.servqual_gaps`.
The table behind the chart comes from the plain function :func:`gap_view`.

Example
-------
>>> import kitlib as kl
>>> from kitlib.widgets.gaps import gap_view
>>> table = gap_view(kl.load_case("it_firm"), "IT Support", "responsiveness")
>>> list(table.columns)
['department', 'n', 'gap', 'suppressed']

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of
Retailing*, 64(1), 12–40.
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley.
"""

from __future__ import annotations

from functools import cache

import matplotlib.pyplot as plt
import pandas as pd

from kitlib.data.cases import CASES, load_case
from kitlib.data.survey import Survey
from kitlib.i18n import check_lang
from kitlib.plot.theme import PALETTE, set_theme
from kitlib.service.gaps import servqual_gaps

__all__ = ["draw_gap_view", "gap_explorer", "gap_view"]

OVERALL = "overall"
TEXT = {
    "case": {"zh": "案例", "en": "Case"},
    "provider": {"zh": "服务部门", "en": "Provider"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "overall": {"zh": "总体（五维平均）", "en": "Overall (mean of 5 dimensions)"},
    "gap": {"zh": "差距 P − E（负数 = 未达期望）", "en": "Gap P − E (negative = below expectation)"},
    "title": {"zh": "{provider}：各业务部门感受到的差距 — {dimension}", "en": "{provider}: gap seen by each department — {dimension}"},
    "hidden": {"zh": "已隐藏（n < {n}）", "en": "hidden (n < {n})"},
}


def gap_view(survey: Survey, provider: str, dimension: str = OVERALL, min_group_size: int = 5) -> pd.DataFrame:
    """Gap P − E of one provider per receiving department, small groups suppressed.

    Parameters
    ----------
    survey : Survey
    provider : str
    dimension : str
        A SERVQUAL dimension, or ``"overall"`` (mean of the dimension gaps).
    min_group_size : int

    Returns
    -------
    DataFrame
        ``department, n, gap, suppressed``; ``gap`` and ``n`` are NaN where suppressed.
    """
    result = servqual_gaps(survey.filter(provider=provider), by="department", min_group_size=min_group_size)
    if dimension == OVERALL:
        table = result.overall[result.overall["score"] == "unweighted"]
    else:
        table = result.dimensions[result.dimensions["dimension"] == dimension]
    table = table[["department", "n", "gap", "suppressed"]].reset_index(drop=True)
    table.loc[table["suppressed"], ["n", "gap"]] = float("nan")
    return table


def draw_gap_view(table: pd.DataFrame, provider: str, dimension_label: str, lang: str, min_group_size: int, ax=None):
    """Horizontal bars of :func:`gap_view`'s table; hidden departments as grey labelled stubs."""
    set_theme()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * max(len(table), 3) + 1.2))
    rows = table.iloc[::-1]
    colours = [PALETTE["suppressed"] if s else (PALETTE["negative"] if g < 0 else PALETTE["positive"]) for s, g in zip(rows["suppressed"], rows["gap"])]
    ax.barh(rows["department"], rows["gap"].fillna(0), color=colours)
    for position, (hidden, gap) in enumerate(zip(rows["suppressed"], rows["gap"])):
        label = TEXT["hidden"][lang].format(n=min_group_size) if hidden else f"{gap:.2f}"
        ax.annotate(label, (0 if hidden else gap, position), xytext=(4 if hidden or gap >= 0 else -4, 0),
                    textcoords="offset points", va="center", ha="left" if hidden or gap >= 0 else "right", fontsize=9)
    ax.axvline(0, color="black", linewidth=0.8)
    low = min(rows["gap"].min(skipna=True) if rows["gap"].notna().any() else 0, 0)
    ax.set_xlim(low * 1.25 - 0.2, 0.6)
    ax.set_xlabel(TEXT["gap"][lang])
    ax.set_title(TEXT["title"][lang].format(provider=provider, dimension=dimension_label))
    return ax


@cache
def _case(name: str) -> Survey:
    return load_case(name)


def gap_explorer(lang: str = "zh", case: str = CASES[0], min_group_size: int = 5, cases=CASES, provider: str | None = None):
    """An ipywidgets panel: case, provider and dimension dropdowns above the gap chart.

    Parameters
    ----------
    lang : {"zh", "en"}
    case : str
        Case shown first.
    min_group_size : int
        Departments with fewer respondents are hidden.
    cases : sequence of str
        Cases offered in the dropdown.
    provider : str, optional
        Provider shown first (default: the first in alphabetical order).

    Returns
    -------
    ipywidgets.VBox
        ``panel.table`` holds the current :func:`gap_view` table.

    Example
    -------
    >>> panel = gap_explorer(lang="en", case="bank")
    >>> panel.table.columns.tolist()
    ['department', 'n', 'gap', 'suppressed']

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
    """
    import ipywidgets as widgets

    check_lang(lang)
    style = {"description_width": "initial"}
    case_box = widgets.Dropdown(options=list(cases), value=case, description=TEXT["case"][lang], style=style)
    provider_box = widgets.Dropdown(description=TEXT["provider"][lang], style=style)
    dimension_box = widgets.Dropdown(description=TEXT["dimension"][lang], style=style)
    chart = widgets.Output()
    panel = widgets.VBox([widgets.HBox([case_box, provider_box, dimension_box]), chart])
    panel.add_class("kitlib-gap-explorer")

    changing_case = []

    def redraw(_change=None) -> None:
        if changing_case:
            return
        survey = _case(case_box.value)
        panel.table = gap_view(survey, provider_box.value, dimension_box.value, min_group_size)
        label = survey.codebook.label(dimension_box.value, lang) if dimension_box.value != OVERALL else TEXT["overall"][lang]
        chart.outputs = ()
        ax = draw_gap_view(panel.table, provider_box.value, label, lang, min_group_size)
        chart.append_display_data(ax.figure)
        plt.close(ax.figure)

    def choose_case(_change=None, first_provider: str | None = None) -> None:
        survey = _case(case_box.value)
        changing_case.append(True)
        providers = sorted(survey.data["provider"].dropna().unique())
        provider_box.options = providers
        provider_box.value = first_provider if first_provider in providers else providers[0]
        dimension_box.options = [(TEXT["overall"][lang], OVERALL)] + [
            (survey.codebook.label(d, lang), d) for d in survey.codebook.servqual_model("P")
        ]
        dimension_box.value = OVERALL
        changing_case.clear()
        redraw()

    provider_box.observe(redraw, names="value")
    dimension_box.observe(redraw, names="value")
    case_box.observe(choose_case, names="value")
    choose_case(first_provider=provider)
    return panel
