"""Scree plot with Horn's parallel-analysis threshold.

Example
-------
>>> import kitlib as kl
>>> survey = kl.load_case("it_firm")
>>> ax = kl.plot.scree(kl.parallel_analysis(survey.servqual("P"), seed=1), lang="zh")

References
----------
Cattell, R. B. (1966). The scree test for the number of factors. *Multivariate Behavioral Research*, 1, 245–276.
Horn, J. L. (1965). *Psychometrika*, 30, 179–185.
"""

from __future__ import annotations

from kitlib.errors import KitError
from kitlib.i18n import text
from kitlib.plot._service_text import prepare
from kitlib.plot.theme import PALETTE, tight_layout

__all__ = ["scree"]

LABELS = {
    "title": {"zh": "碎石图与平行分析", "en": "Scree plot and parallel analysis"},
    "x": {"zh": "成分序号", "en": "Component"},
    "y": {"zh": "特征值", "en": "Eigenvalue"},
    "observed": {"zh": "实际数据", "en": "Observed data"},
    "simulated": {"zh": "随机数据（{q:.0%} 分位数）", "en": "Random data ({q:.0%} quantile)"},
    "suggested": {"zh": "建议保留 {k} 个因子", "en": "Suggests {k} factor(s)"},
}


def scree(result, ax=None, lang: str = "zh"):
    """Draw observed eigenvalues against the random-data threshold of a parallel analysis.

    Parameters
    ----------
    result : ParallelAnalysis
        From :func:`kitlib.parallel_analysis`.
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    lang : {"zh", "en"}
        Language of all chart text.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    KitError
        ``result`` is not a parallel-analysis result or ``lang`` is unknown.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> import kitlib as kl
    >>> df = pd.DataFrame(np.random.default_rng(1).normal(size=(100, 5)))
    >>> kl.plot.scree(kl.parallel_analysis(df), lang="en").get_xlabel()
    'Component'

    References
    ----------
    Cattell, R. B. (1966). *Multivariate Behavioral Research*, 1, 245–276.
    """
    table = getattr(result, "eigenvalues", None)
    if table is None or not hasattr(result, "n_factors"):
        raise KitError("plot.scree needs the result of kl.parallel_analysis(...)")
    _, ax = prepare(ax, lang)
    components = table.index.to_numpy()
    ax.plot(components, table["observed"], marker="o", color=PALETTE["perception"], label=text(LABELS["observed"], lang))
    ax.plot(
        components,
        table["simulated_quantile"],
        marker="s",
        linestyle="--",
        color=PALETTE["neutral"],
        label=text(LABELS["simulated"], lang).format(q=result.quantile),
    )
    if result.n_factors > 0:
        ax.axvline(result.n_factors, color=PALETTE["highlight"], linestyle=":", linewidth=1.5)
        ax.annotate(
            text(LABELS["suggested"], lang).format(k=result.n_factors),
            xy=(result.n_factors, table["observed"].iloc[result.n_factors - 1]),
            xytext=(8, 8),
            textcoords="offset points",
            color=PALETTE["highlight"],
        )
    ax.set_xticks(components)
    ax.set_xlabel(text(LABELS["x"], lang))
    ax.set_ylabel(text(LABELS["y"], lang))
    ax.set_title(text(LABELS["title"], lang))
    ax.legend()
    tight_layout(ax.figure)  # keep the axis labels inside the saved image
    return ax
