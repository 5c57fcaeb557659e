"""Gap explorer: pick a case, a provider and a dimension; see the gap by receiving department.

Departments with fewer than ``min_group_size`` distinct respondents (and
siblings that would reveal them) are hidden, exactly as in
:func:`kitlib.servqual_gaps`.  The chart never names a hidden department: it
shows the others and says how many were hidden and why — too few respondents,
or hidden to protect another group.  The table behind the chart comes from
the plain function :func:`gap_view`.

Example
-------
>>> import kitlib as kl
>>> from kitlib.widgets.gaps import gap_view
>>> table = gap_view(kl.load_case("it_firm"), "IT Support", "responsiveness")
>>> list(table.columns)
['department', 'n', 'gap', 'suppressed', 'suppression']

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

from kitlib.data.cases import CASES, case_files, load_case
from kitlib.data.codebook import load_codebook
from kitlib.data.survey import Survey
from kitlib.disclosure import attach_audit
from kitlib.i18n import check_lang
from kitlib.plot.theme import PALETTE, set_theme
from kitlib.privacy import COMPLEMENTARY
from kitlib.service.gaps import servqual_gaps

__all__ = ["draw_gap_view", "gap_explorer", "gap_view", "hidden_note"]

OVERALL = "overall"
TEXT = {
    "case": {"zh": "案例", "en": "Case"},
    "provider": {"zh": "服务部门", "en": "Provider"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "overall": {"zh": "总体（五维平均）", "en": "Overall (mean of 5 dimensions)"},
    "gap": {"zh": "差距 P − E（负数 = 未达期望）", "en": "Gap P − E (negative = below expectation)"},
    "title": {"zh": "{provider}：各业务部门感受到的差距 — {dimension}", "en": "{provider}: gap seen by each department — {dimension}"},
    "hidden_small": {"zh": "{k} 个部门受访者少于 {n} 人，未显示。", "en": "{k} department(s) not shown: fewer than {n} respondents."},
    "hidden_protect": {"zh": "{k} 个部门为保护另一个小部门（以免相减推算出其结果）而未显示。",
                       "en": "{k} department(s) not shown to protect another group (so that its result cannot be worked out by subtraction)."},
}


def gap_view(survey: Survey, provider: str, dimension: str = OVERALL, min_group_size: int = 5) -> pd.DataFrame:
    """Gap P − E of one provider per receiving department, with the cells the disclosure audit withholds suppressed.

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
        ``department, n, gap, suppressed, suppression``; ``n`` counts distinct
        respondents; ``gap`` and ``n`` are NaN where suppressed;
        ``suppression`` is ``"n<5"`` (too few respondents) or
        ``"complementary"`` (hidden to protect another department).  The
        hidden rows keep their names for the analyst; :func:`draw_gap_view`
        never shows them.
    """
    audited = attach_audit(survey, min_group_size)  # the same audited cells as the reports (kitlib.disclosure)
    result = servqual_gaps(audited.filter(provider=provider), by="department", min_group_size=min_group_size)
    if dimension == OVERALL:
        table = result.overall[result.overall["score"] == "unweighted"]
    else:
        table = result.dimensions[result.dimensions["dimension"] == dimension]
    table = table[["department", "n", "gap", "suppressed", "suppression"]].reset_index(drop=True)
    table.loc[table["suppressed"], ["n", "gap"]] = float("nan")
    return table


def hidden_note(table: pd.DataFrame, lang: str, min_group_size: int) -> str:
    """How many departments are hidden and why, without naming them ("" when none is).

    Example
    -------
    >>> table = pd.DataFrame({"suppressed": [True, True, False], "suppression": ["n<5", "complementary", ""]})
    >>> print(hidden_note(table, "en", 5))
    1 department(s) not shown: fewer than 5 respondents.
    1 department(s) not shown to protect another group (so that its result cannot be worked out by subtraction).

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
    """
    check_lang(lang)
    hidden = table["suppressed"].astype(bool)
    protecting = int((hidden & (table["suppression"] == COMPLEMENTARY)).sum())
    small = int(hidden.sum()) - protecting
    lines = ([TEXT["hidden_small"][lang].format(k=small, n=min_group_size)] if small else []) + (
        [TEXT["hidden_protect"][lang].format(k=protecting)] if protecting else [])
    return "\n".join(lines)


def draw_gap_view(table: pd.DataFrame, provider: str, dimension_label: str, lang: str, min_group_size: int, ax=None,
                  codebook=None):
    """Horizontal bars of the shown departments of :func:`gap_view`'s table, and a note counting the hidden ones.

    Hidden departments are not drawn and not named; :func:`hidden_note`
    below the axis says how many were hidden for too few respondents and how
    many to protect another group.  With ``codebook``, the provider and the
    departments are named by their value labels in ``lang``.
    """
    set_theme()
    rows = table[~table["suppressed"].astype(bool)].iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * max(len(rows), 3) + 1.6))
    colours = [PALETTE["negative"] if g < 0 else PALETTE["positive"] for g in rows["gap"]]
    names = [codebook.value_label("department", value, lang) if codebook else str(value) for value in rows["department"]]
    ax.barh(names, rows["gap"], color=colours)
    for position, gap in enumerate(rows["gap"]):
        ax.annotate(f"{gap:.2f}", (gap, position), xytext=(4 if gap >= 0 else -4, 0),
                    textcoords="offset points", va="center", ha="left" if gap >= 0 else "right", fontsize=9)
    note = hidden_note(table, lang, min_group_size)
    if note:
        ax.annotate(note, (0, 0), xycoords="axes fraction", xytext=(0, -34), textcoords="offset points",
                    va="top", ha="left", fontsize=8, color=PALETTE["expectation"])
    ax.axvline(0, color="black", linewidth=0.8)
    low = min(rows["gap"].min(skipna=True) if rows["gap"].notna().any() else 0, 0)
    ax.set_xlim(low * 1.25 - 0.2, 0.6)
    ax.set_xlabel(TEXT["gap"][lang])
    provider_name = codebook.value_label("provider", provider, lang) if codebook else provider
    ax.set_title(TEXT["title"][lang].format(provider=provider_name, dimension=dimension_label))
    return ax


@cache
def _case(name: str) -> Survey:
    return load_case(name)


def _case_title(name: str, lang: str) -> str:
    """The title a shipped case's codebook gives it in ``lang`` (its name if it has none)."""
    return load_codebook(case_files(name)["codebook"]).title.get(lang) or name


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
    ['department', 'n', 'gap', 'suppressed', 'suppression']

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). *Journal of Retailing*, 64(1), 12–40.
    """
    import ipywidgets as widgets

    check_lang(lang)
    style = {"description_width": "initial"}
    case_box = widgets.Dropdown(options=[(_case_title(name, lang), name) for name in cases], value=case,
                                description=TEXT["case"][lang], style=style)
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
        ax = draw_gap_view(panel.table, provider_box.value, label, lang, min_group_size, codebook=survey.codebook)
        chart.append_display_data(ax.figure)
        plt.close(ax.figure)

    def choose_case(_change=None, first_provider: str | None = None) -> None:
        survey = _case(case_box.value)
        changing_case.append(True)
        providers = sorted(survey.data["provider"].dropna().unique())
        provider_box.options = [(survey.codebook.value_label("provider", name, lang), name) for name in providers]
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
