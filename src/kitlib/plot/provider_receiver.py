"""Provider × receiving-department heatmap with suppressed cells marked.

Example
-------
>>> import kitlib as kl
>>> ax = kl.plot.provider_heatmap(kl.load_case("it_firm"), lang="zh")  # doctest: +SKIP

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, section 4.2. Wiley.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.patches import Rectangle
from seaborn.utils import relative_luminance

from kitlib.plot._service_text import (
    FOOTNOTE_COLOR,
    draw_hidden,
    footnote,
    hidden_groups_note,
    prepare,
    result_of,
    say,
    small_groups,
    value_labels,
    wrap,
)
from kitlib.plot.theme import PALETTE, tight_layout
from kitlib.service.provider_receiver import ProviderMatrix, provider_matrix

__all__ = ["provider_heatmap"]


def provider_heatmap(matrix, lang: str = "en", ax=None, cmap: str = "RdYlBu"):
    """Heatmap of a :func:`kitlib.provider_matrix`; hidden cells are grey and say why.

    Rows and columns are named with the codebook's value labels in ``lang``
    (horizontal, wrapped).  A provider or department with fewer than
    ``min_group_size`` respondents in total is left out entirely — its name
    appears nowhere — and a footnote says how many were hidden.  Cells of
    shown rows and columns that are hidden (too few respondents in the cell,
    or ``*``: hidden so that a small group cannot be recovered from the
    totals) stay grey.

    Parameters
    ----------
    matrix : ProviderMatrix or Survey
        A Survey is analysed with ``value="overall"``.
    lang : {"zh", "en"}
    ax : matplotlib Axes, optional
    cmap : str, default "RdYlBu" (red = low satisfaction)

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import kitlib as kl
    >>> ax = kl.plot.provider_heatmap(kl.provider_matrix(kl.load_case("bank"), value="gap"), lang="zh")
    >>> [t.get_text() for t in ax.get_xticklabels()][:2]
    ['公司银行部', '信贷部']

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley.
    """
    matrix = result_of(matrix, ProviderMatrix, provider_matrix, "provider_heatmap")
    cells, keys, min_n = matrix.cells, [matrix.rows, matrix.columns], matrix.min_group_size
    small_rows = small_groups(cells, matrix.rows, keys, min_n)
    small_columns = small_groups(cells, matrix.columns, keys, min_n)
    values = matrix.values.drop(index=list(small_rows), columns=list(small_columns))
    measure = matrix.label_zh if lang == "zh" else matrix.label_en
    width = max(6.5, 1.25 * values.shape[1] + 3.5)
    figure, ax = prepare(ax, lang, figsize=(width, max(3.8, 0.65 * values.shape[0] + 2.8)))
    if values.empty:
        return draw_hidden(ax, lang, f"n<{min_n}", f"{say('heatmap_title', lang)}{'：' if lang == 'zh' else ': '}{measure}")
    suppressed = matrix.suppressed.reindex_like(values)
    reasons = cells.pivot(index=matrix.rows, columns=matrix.columns, values="suppression").reindex_like(values)
    row_names = dict(zip(cells[matrix.rows], value_labels(cells, matrix.rows, lang)))
    column_names = dict(zip(cells[matrix.columns], value_labels(cells, matrix.columns, lang)))
    ax.set_facecolor("white")
    shown = values.to_numpy(dtype=float)
    fmt = ".0f" if matrix.value == "nps" else ".2f"
    _value_cells(ax, shown, fmt, cmap, measure)
    hidden_cells = False
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if not np.isnan(shown[i, j]):
                continue
            hidden = suppressed.iat[i, j] is True or suppressed.iat[i, j] == 1  # NaN where no respondents
            hidden_cells |= hidden
            color = PALETTE["suppressed"] if hidden else "white"
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=color, edgecolor="white", linewidth=1))
            label = reasons.iat[i, j] if hidden else say("no_data", lang)
            label = "*" if label == "complementary" else label
            ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=14 if label == "*" else 9, color=FOOTNOTE_COLOR)
    ax.set_xticks(np.arange(values.shape[1]) + 0.5, [wrap(column_names[c], 14) for c in values.columns], rotation=0, fontsize=10)
    ax.set_yticks(np.arange(values.shape[0]) + 0.5, [wrap(row_names[r], 18) for r in values.index], rotation=0, fontsize=10,
                  va="center")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(f"{say('heatmap_title', lang)}{'：' if lang == 'zh' else ': '}{measure}")
    notes = []
    if hidden_cells:
        notes.append(say("hidden_note", lang, n=min_n) + ("；" if lang == "zh" else "; ") + say("star_note", lang))
    if small_rows or small_columns:
        notes.append(hidden_groups_note(len(small_rows) + len(small_columns), min_n, lang))
    footnote(ax, notes)
    tight_layout(figure)
    return ax


def _value_cells(ax, shown, fmt: str, cmap: str, label: str) -> None:
    """Colour the cells of ``shown`` (rows top to bottom; NaN cells left empty), write each value, add a colour bar.

    The cells are what ``seaborn.heatmap(..., annot=True, linewidths=1,
    linecolor="white")`` draws, without its trial rendering of the whole
    figure (it draws the figure to see whether tick labels overlap; this chart
    sets its own tick labels afterwards).

    Parameters
    ----------
    ax : matplotlib Axes
    shown : ndarray of float, shape (rows, columns)
    fmt : str
        Format of the written values, e.g. ``".2f"``.
    cmap : str
        A matplotlib colormap name; the colours span the smallest to the largest value.
    label : str
        Label of the colour bar.

    Notes
    -----
    A value is written in dark grey (".15") on a cell whose relative luminance
    exceeds 0.408, in white otherwise (W3C relative luminance, as seaborn).

    Example
    -------
    >>> import matplotlib.pyplot as plt, numpy as np
    >>> figure, ax = plt.subplots()
    >>> _value_cells(ax, np.array([[1.0, np.nan], [2.0, 3.0]]), ".1f", "RdYlBu", "Mean")
    >>> [t.get_text() for t in ax.texts]
    ['1.0', '2.0', '3.0']

    References
    ----------
    Waskom, M. (2021). seaborn: statistical data visualization. *JOSS*, 6(60), 3021.
    W3C (2008). *Web Content Accessibility Guidelines 2.0*, relative luminance.
    """
    for spine in ax.spines.values():
        spine.set_visible(False)
    cells = np.ma.masked_where(np.isnan(shown), shown)
    mesh = ax.pcolormesh(cells, cmap=matplotlib.colormaps[cmap], linewidths=1, edgecolor="white", vmin=np.nanmin(shown), vmax=np.nanmax(shown))
    ax.set_xlim(0, shown.shape[1])
    ax.set_ylim(0, shown.shape[0])
    ax.invert_yaxis()
    ax.figure.colorbar(mesh, None, ax, label=label).outline.set_linewidth(0)
    mesh.update_scalarmappable()
    rows, columns = shown.shape
    for (i, j), color in zip(np.ndindex(rows, columns), mesh.get_facecolors()):
        if not cells.mask[i, j]:
            ax.text(j + 0.5, i + 0.5, f"{cells[i, j]:{fmt}}", color=".15" if relative_luminance(color) > 0.408 else "w", ha="center", va="center")
