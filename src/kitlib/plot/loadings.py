"""Heatmap of EFA loadings, items grouped by their theoretical (e.g. SERVQUAL) dimension.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> model = survey.codebook.servqual_model("P")
>>> ax = kl.plot.loading_heatmap(kl.efa(survey.servqual("P"), 5), model, codebook=survey.codebook, lang="zh")

References
----------
Waskom, M. (2021). seaborn. *JOSS*, 6(60), 3021.
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import warnings

import pandas as pd
import seaborn as sns
from mpl_toolkits.axes_grid1 import make_axes_locatable

from kitlib.casegen.items import DIMENSION_LABELS
from kitlib.errors import KitError
from kitlib.i18n import text
from kitlib.plot._service_text import display_width, footnote, mark_reverse, prepare, reverse_keyed, say
from kitlib.plot.theme import tight_layout

__all__ = ["loading_heatmap"]

LABELS = {
    "title": {"zh": "因子载荷（按维度分组）", "en": "Factor loadings by dimension"},
    "title_plain": {"zh": "因子载荷", "en": "Factor loadings"},
    "x": {"zh": "因子", "en": "Factor"},
    "y": {"zh": "题项", "en": "Item"},
    "loading": {"zh": "载荷", "en": "Loading"},
}


def _dimension_label(dimension: str, lang: str, codebook) -> str:
    if codebook is not None:
        return codebook.label(dimension, lang)
    if dimension in DIMENSION_LABELS:
        return text(DIMENSION_LABELS[dimension], lang)
    return dimension


def loading_heatmap(result, model=None, ax=None, lang: str = "zh", codebook=None, annotate: bool = True):
    """Draw EFA loadings as a heatmap; with ``model``, rows are grouped by dimension.

    With a model, each factor column is named after the dimension it matches
    best (:func:`kitlib.structure_match`), rows are ordered by dimension with a
    line between groups, and the dimension name is written beside each group,
    so items that load off their dimension stand out.

    Parameters
    ----------
    result : EFAResult
        From :func:`kitlib.efa`.
    model : dict of str to list of str, optional
        Theoretical structure, e.g. ``codebook.servqual_model("P")``.
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}
    codebook : Codebook, optional
        Source of bilingual dimension labels (default: built-in SERVQUAL
        labels); with it, reverse-keyed items are marked " (R)" / "（反向题）"
        and explained in a footnote.
    annotate : bool
        Write the loadings in the cells.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    KitError
        ``result`` has no loadings, ``lang`` is unknown, or the model does not fit the loadings.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> import kitlib as kl
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(200, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(200, 6)), columns=list("abcdef"))
    >>> ax = kl.plot.loading_heatmap(kl.efa(df, 2), {"X": list("abc"), "Y": list("def")}, lang="en")
    >>> ax.get_ylabel()
    'Item'

    References
    ----------
    Waskom, M. (2021). seaborn. *JOSS*, 6(60), 3021.
    """
    loadings = getattr(result, "loadings", None)
    if not isinstance(loadings, pd.DataFrame):
        raise KitError("plot.loading_heatmap needs the result of kl.efa(...)")
    boundaries, groups = [], []
    if model is not None:
        from kitlib.psychometrics.exploratory import structure_match

        match = structure_match(result, model)
        rows = list(match.items.index)
        names = {factor: factor for factor in loadings.columns}
        for dimension, factor in match.dimensions["factor"].items():
            names[factor] = f"{factor}\n{_dimension_label(dimension, lang, codebook)}"
        table = loadings.loc[rows].rename(columns=names)
        position = 0
        for dimension, members in model.items():
            groups.append((position + len(members) / 2, _dimension_label(dimension, lang, codebook)))
            position += len(members)
            boundaries.append(position)
        title = LABELS["title"]
    else:
        table, title = loadings, LABELS["title_plain"]
    reverse = reverse_keyed(codebook, table.index)
    if any(reverse):
        table = table.set_axis(mark_reverse(table.index, reverse, lang))
    _, ax = prepare(ax, lang, figsize=(1.15 * table.shape[1] + 4.2, 0.3 * table.shape[0] + 2.2))
    # room right of the cells for the dimension names, then the colour bar
    label_room = max((display_width(label) for _, label in groups), default=0) * 0.6 * 10 / 72 + 0.2
    colorbar = make_axes_locatable(ax).append_axes("right", size=0.22, pad=label_room if groups else 0.15)
    with warnings.catch_warnings():
        # seaborn 0.13.2 calls Colormap.set_bad, which matplotlib 3.11 marks pending deprecation
        warnings.filterwarnings("ignore", message=".*set_bad.*", category=PendingDeprecationWarning)
        sns.heatmap(
            table,
            ax=ax,
            cbar_ax=colorbar,
            cmap="RdBu_r",
            vmin=-1,
            vmax=1,
            center=0,
            annot=annotate,
            fmt=".2f",
            annot_kws={"fontsize": 7},
            cbar_kws={"label": text(LABELS["loading"], lang)},
        )
    for boundary in boundaries[:-1]:
        ax.axhline(boundary, color="black", linewidth=1.2)
    for middle, label in groups:
        ax.text(1.02, middle, label, ha="left", va="center", fontsize=10, transform=ax.get_yaxis_transform())
    ax.tick_params(axis="y", rotation=0)
    ax.tick_params(axis="x", rotation=0, labelsize=9)
    ax.set_xlabel(text(LABELS["x"], lang))
    ax.set_ylabel(text(LABELS["y"], lang))
    ax.set_title(text(title, lang))
    footnote(ax, [say("reverse_note", lang) if any(reverse) else ""])
    tight_layout(ax.figure)
    return ax
