"""KANO questionnaire classifier: pick the two answers, see the category and why.

The update logic is the plain function :func:`kano_verdict`; the widget only
wires two dropdowns to it, so it works (and is tested) without a browser.

Example
-------
>>> from kitlib.widgets.kano import kano_verdict
>>> kano_verdict(2, 5, lang="en").category
'M'

References
----------
Berger, C. et al. (1993). Kano's methods for understanding customer-defined
quality. *Center for Quality Management Journal*, 2(4), 3–36.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from kitlib.exercises.kano import classify, explain_pair
from kitlib.i18n import check_lang
from kitlib.plot.kano import CATEGORY_COLORS
from kitlib.service.kano import ANSWER_OPTIONS, CATEGORY_NAMES

__all__ = ["KanoVerdict", "kano_classifier", "kano_verdict", "verdict_html"]

TITLES = {
    "functional": {"zh": "如果提供这项服务功能，您觉得：", "en": "If the service had this feature, you would feel:"},
    "dysfunctional": {"zh": "如果不提供这项服务功能，您觉得：", "en": "If the service did not have it, you would feel:"},
    "heading": {"zh": "KANO 分类器", "en": "KANO classifier"},
}


@dataclass(frozen=True)
class KanoVerdict:
    """The category of one KANO answer pair (:func:`kano_verdict`).

    Attributes
    ----------
    category : str
        Letter A, O, M, I, R or Q.
    name : str
        The category's name in the chosen language.
    text : str
        One sentence explaining why the pair falls into it.
    """

    category: str
    name: str
    text: str


def kano_verdict(functional: int, dysfunctional: int, lang: str = "zh") -> KanoVerdict:
    """Category, its name and the reason for one answer pair (codes 1..5).

    Example
    -------
    >>> kano_verdict(1, 5, "en").category
    'O'

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality Management Journal*, 2(4), 3–36 (evaluation table).
    """
    check_lang(lang)
    category = str(classify([functional], [dysfunctional])[0])
    return KanoVerdict(category, CATEGORY_NAMES[category][lang], explain_pair(int(functional), int(dysfunctional), category, lang))


def verdict_html(verdict: KanoVerdict) -> str:
    """The verdict as a small coloured HTML card."""
    colour = CATEGORY_COLORS[verdict.category]
    return (
        f"<div class='kitlib-kano-verdict' style='border-left:6px solid {colour};padding:6px 10px'>"
        f"<span style='font-size:1.6em;font-weight:bold;color:{colour}'>{verdict.category}</span> "
        f"<b>{html.escape(verdict.name)}</b><br>{html.escape(verdict.text)}</div>"
    )


def kano_classifier(lang: str = "zh", functional: int = 1, dysfunctional: int = 5):
    """An ipywidgets panel: two dropdowns (feature present / absent) and the resulting category.

    Parameters
    ----------
    lang : {"zh", "en"}
    functional, dysfunctional : int
        Answer codes shown first (1 like … 5 dislike).

    Returns
    -------
    ipywidgets.VBox
        Display it as the last expression of a cell.  ``.children[-1].value``
        holds the verdict HTML, so the panel can be inspected without a browser.

    Example
    -------
    >>> panel = kano_classifier(lang="en")
    >>> "one-dimensional" in panel.children[-1].value
    True

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality Management Journal*, 2(4), 3–36.
    """
    import ipywidgets as widgets

    check_lang(lang)
    choices = [(f"{code} {ANSWER_OPTIONS[code][lang]}", code) for code in ANSWER_OPTIONS]
    layout = widgets.Layout(width="420px")
    style = {"description_width": "initial"}
    present = widgets.Dropdown(options=choices, value=functional, description=TITLES["functional"][lang], layout=layout, style=style)
    absent = widgets.Dropdown(options=choices, value=dysfunctional, description=TITLES["dysfunctional"][lang], layout=layout, style=style)
    result = widgets.HTML()

    def update(_change=None) -> None:
        result.value = verdict_html(kano_verdict(present.value, absent.value, lang))

    present.observe(update, names="value")
    absent.observe(update, names="value")
    update()
    heading = widgets.HTML(f"<b>{TITLES['heading'][lang]}</b>")
    panel = widgets.VBox([heading, present, absent, result])
    panel.add_class("kitlib-kano-classifier")
    return panel
