"""Layout and drawing helpers of the charts: one tight layout per pass, cells drawn as seaborn draws them."""

import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import seaborn as sns

from kitlib.plot._service_text import reaches_outside
from kitlib.plot.provider_receiver import _value_cells
from kitlib.plot.theme import set_theme, tight_layout


def _labelled_figure(ncols: int = 1):
    figure, axes = plt.subplots(1, ncols, figsize=(6, 4), squeeze=False)
    for ax in axes.flat:
        ax.plot([0, 1000], [0, 1])
        ax.set_title("a fairly long title")
        ax.set_xlabel("x label")
        ax.set_ylabel("y label")
    figure.suptitle("suptitle")
    return figure


def _pixels(figure) -> bytes:
    figure.canvas.draw()
    return bytes(figure.canvas.buffer_rgba())


@pytest.mark.parametrize("rect", [None, (0, 0.1, 1, 0.93)])
def test_tight_layout_matches_figure_tight_layout_and_leaves_no_engine(rect):
    ours, theirs = _labelled_figure(2), _labelled_figure(2)
    tight_layout(ours, rect=rect)
    theirs.tight_layout(rect=rect)
    assert ours.get_layout_engine() is None  # so print_figure draws the chart once
    assert theirs.get_layout_engine() is not None  # matplotlib's leaves a placeholder engine
    assert vars(ours.subplotpars) == vars(theirs.subplotpars)
    assert _pixels(ours) == _pixels(theirs)
    plt.close("all")


def test_tight_layout_replaces_a_callers_engine_like_figure_tight_layout():
    figure = _labelled_figure()
    figure.set_layout_engine("constrained")
    reference = _labelled_figure()
    reference.set_layout_engine("constrained")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "The figure layout has changed to tight", from both
        tight_layout(figure)
        reference.tight_layout()
    assert not isinstance(figure.get_layout_engine(), matplotlib.layout_engine.ConstrainedLayoutEngine)
    assert vars(figure.subplotpars) == vars(reference.subplotpars)
    plt.close("all")


def test_reaches_outside_tells_labels_inside_the_axes_from_labels_beyond_it():
    figure, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlim(0, 1)
    inside = ax.annotate("in", (0.5, 0.5))
    beyond = ax.annotate("a label running past the right edge", (0.9, 0.5))
    assert not reaches_outside(ax, [inside])
    assert reaches_outside(ax, [inside, beyond])
    assert not reaches_outside(ax, [])
    plt.close(figure)


@pytest.mark.parametrize("fmt", [".2f", ".0f"])
def test_value_cells_draw_what_seaborn_heatmap_draws(fmt):
    set_theme()
    values = np.array([[4.1, np.nan, 5.6], [6.2, 3.3, np.nan], [5.0, 4.4, 6.9]]) * (10 if fmt == ".0f" else 1)
    ours, theirs = (plt.subplots(figsize=(6, 4))[1] for _ in range(2))
    _value_cells(ours, values, fmt, "RdYlBu", "Mean")
    sns.heatmap(values, mask=np.isnan(values), annot=True, fmt=fmt, cmap="RdYlBu", linewidths=1, linecolor="white",
                cbar_kws={"label": "Mean"}, ax=theirs)
    assert [(t.get_text(), t.get_color()) for t in ours.texts] == [(t.get_text(), t.get_color()) for t in theirs.texts]
    for ax in (ours, theirs):  # the chart sets its own ticks, as provider_heatmap does
        ax.set_xticks(np.arange(3) + 0.5, ["a", "b", "c"], rotation=0, fontsize=10)
        ax.set_yticks(np.arange(3) + 0.5, ["r1", "r2", "r3"], rotation=0, fontsize=10, va="center")
        tight_layout(ax.figure)
    assert _pixels(ours.figure) == _pixels(theirs.figure)
    plt.close("all")
