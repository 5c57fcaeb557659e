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

import numpy as np
import seaborn as sns
from matplotlib.patches import Patch, Rectangle

from ..provider_matrix import ProviderMatrix, provider_matrix
from ._service_text import prepare, result_of, say
from .theme import PALETTE


def provider_heatmap(matrix, lang: str = "en", ax=None, cmap: str = "RdYlBu"):
    """Heatmap of a :func:`kitlib.provider_matrix`; hidden cells are grey and say why.

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
    >>> ax = kl.plot.provider_heatmap(kl.provider_matrix(kl.load_case("bank"), value="gap"))  # doctest: +SKIP

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley.
    """
    matrix = result_of(matrix, ProviderMatrix, provider_matrix, "provider_heatmap")
    values = matrix.values
    suppressed = matrix.suppressed.reindex_like(values)
    reasons = matrix.cells.pivot(index=matrix.rows, columns=matrix.columns, values="suppression").reindex_like(values)
    width = max(6.0, 1.1 * values.shape[1] + 2.5)
    figure, ax = prepare(ax, lang, figsize=(width, max(3.5, 0.7 * values.shape[0] + 2)))
    ax.set_facecolor("white")
    shown = values.to_numpy(dtype=float)
    fmt = ".0f" if matrix.value == "nps" else ".2f"
    sns.heatmap(values, mask=np.isnan(shown), annot=True, fmt=fmt, cmap=cmap, linewidths=1, linecolor="white",
                cbar_kws={"label": f"{matrix.label_zh if lang == 'zh' else matrix.label_en}"}, ax=ax)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if not np.isnan(shown[i, j]):
                continue
            hidden = suppressed.iat[i, j] is True or suppressed.iat[i, j] == 1  # NaN where no respondents
            color = PALETTE["suppressed"] if hidden else "white"
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=color, edgecolor="white", linewidth=1))
            label = reasons.iat[i, j] if hidden else say("no_data", lang)
            label = "*" if label == "complementary" else label
            ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=14 if label == "*" else 9, color="#555555")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(f"{say('heatmap_title', lang)}: {matrix.label_zh if lang == 'zh' else matrix.label_en}")
    if bool(matrix.cells["suppressed"].any()):
        note = say("hidden_note", lang, n=matrix.min_group_size) + ("；*" if lang == "zh" else "; *")
        note += "=为防止反推而隐藏" if lang == "zh" else " = hidden to protect a small group"
        figure.legend(handles=[Patch(facecolor=PALETTE["suppressed"], label=note)], loc="lower center", fontsize=8, frameon=False)
    ax.tick_params(axis="x", rotation=30)
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    return ax
