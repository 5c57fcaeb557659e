"""Scree/parallel-analysis plot and loading heatmap: bilingual text, no missing Chinese glyphs."""

import logging
import warnings

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

import kitlib as kl


@pytest.fixture(autouse=True)
def no_font_fallbacks(caplog):
    """No chart may make matplotlib fall back to another font (e.g. asking the one-weight CJK font for bold)."""
    font_manager.fontManager._findfont_cached.cache_clear()  # a fallback is logged only on the first lookup
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        yield
    findfont = [r.getMessage() for r in caplog.records if r.name == "matplotlib.font_manager"]
    assert not findfont, findfont[:3]


@pytest.fixture(scope="module")
def model(reference):
    return reference("case_it_firm")["model"]


@pytest.fixture(scope="module")
def results(items):
    data = items("case_it_firm")
    return kl.parallel_analysis(data, seed=1), kl.efa(data, 5)


def render_without_glyph_warnings(draw):
    kl.plot.set_theme()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = draw()
        ax.figure.canvas.draw()
    glyph = [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    plt.close(ax.figure)
    assert not glyph, glyph[:3]
    return ax


def test_scree_in_chinese(results):
    pa, _ = results
    ax = render_without_glyph_warnings(lambda: kl.plot.scree(pa, lang="zh"))
    assert ax.get_title() == "碎石图与平行分析"
    assert ax.get_ylabel() == "特征值"
    assert any("建议保留 5 个因子" in t.get_text() for t in ax.texts)
    observed = ax.get_lines()[0].get_ydata()
    assert list(observed) == pytest.approx(pa.eigenvalues["observed"].tolist())


def test_scree_in_english(results):
    pa, _ = results
    ax = render_without_glyph_warnings(lambda: kl.plot.scree(pa, lang="en"))
    assert ax.get_xlabel() == "Component"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Observed data", "Random data (95% quantile)"]


def test_loading_heatmap_groups_items_by_dimension_in_chinese(results, model):
    _, fa = results
    codebook = kl.load_case("it_firm").codebook
    ax = render_without_glyph_warnings(lambda: kl.plot.loading_heatmap(fa, model, codebook=codebook, lang="zh"))
    rows = [t.get_text() for t in ax.get_yticklabels()]
    reverse = {"P13"}  # reverse-keyed in the codebook: marked so its recoded scores are not misread
    assert rows == [i + ("（反向题）" if i in reverse else "") for members in model.values() for i in members]
    assert any(t.get_text().startswith("（反向题）：反向表述") for t in ax.texts)
    assert {t.get_text() for t in ax.texts} >= {"有形性", "可靠性", "响应性", "保证性", "移情性"}
    assert all("\n" in t.get_text() for t in ax.get_xticklabels())
    assert ax.get_title() == "因子载荷（按维度分组）"


def test_loading_heatmap_without_model_in_english(results):
    _, fa = results
    ax = render_without_glyph_warnings(lambda: kl.plot.loading_heatmap(fa, lang="en", annotate=False))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["F1", "F2", "F3", "F4", "F5"]
    assert "P13" in [t.get_text() for t in ax.get_yticklabels()]  # without a codebook nothing is known about keying
    assert ax.get_title() == "Factor loadings"


def test_charts_reject_bad_input(results):
    pa, fa = results
    with pytest.raises(kl.KitError, match="parallel_analysis"):
        kl.plot.scree(fa)
    with pytest.raises(kl.KitError, match="kl.efa"):
        kl.plot.loading_heatmap(pa)
    with pytest.raises(kl.KitError, match="lang"):
        kl.plot.scree(pa, lang="fr")


def test_chinese_survives_a_repeated_set_theme(results, model):
    """seaborn's set_theme resets the font list; the charts put the Chinese font back before drawing."""
    _, fa = results
    kl.plot.set_theme()
    kl.plot.set_theme()
    render_without_glyph_warnings(lambda: kl.plot.loading_heatmap(fa, model, lang="zh"))


def test_reverse_keyed_item_is_marked_in_english_and_labels_stay_inside_the_figure(results, model):
    _, fa = results
    codebook = kl.load_case("it_firm").codebook
    ax = render_without_glyph_warnings(lambda: kl.plot.loading_heatmap(fa, model, codebook=codebook, lang="en"))
    assert "P13 (R)" in [t.get_text() for t in ax.get_yticklabels()]
    ax = kl.plot.loading_heatmap(fa, model, codebook=codebook, lang="en")
    figure = ax.figure
    figure.canvas.draw()
    colorbar = [other for other in figure.axes if other is not ax][0].get_window_extent()
    for name in (t for t in ax.texts if t.get_text() in {"Tangibles", "Responsiveness", "Empathy"}):
        box = name.get_window_extent()
        assert box.x1 <= colorbar.x0, name.get_text()  # dimension names end before the colour bar
    plt.close(figure)


def test_scree_axis_labels_are_not_clipped(results):
    pa, _ = results
    ax = render_without_glyph_warnings(lambda: kl.plot.scree(pa, lang="en"))
    figure = ax.figure
    figure.canvas.draw()
    for label in (ax.xaxis.label, ax.yaxis.label, ax.title):
        box = label.get_window_extent()
        assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1 and figure.bbox.y0 <= box.y0 and box.y1 <= figure.bbox.y1
