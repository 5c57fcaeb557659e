"""Service-quality charts render in Chinese and English with no missing glyphs (issue 4)."""

import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

import kitlib as kl
from service_synth import make_survey


@pytest.fixture(scope="module")
def survey():
    return make_survey(waves=True)


CHARTS = {
    "gap_bars_dimension": lambda s, lang: kl.plot.gap_bars(s, lang=lang),
    "gap_bars_item_grouped": lambda s, lang: kl.plot.gap_bars(kl.servqual_gaps(s, by="department"), level="item", lang=lang),
    "snake_chart": lambda s, lang: kl.plot.snake_chart(kl.servqual_gaps(s), lang=lang),
    "kano_map": lambda s, lang: kl.plot.kano_map(kl.kano_table(s), lang=lang),
    "ipa_grid": lambda s, lang: kl.plot.ipa_grid(kl.ipa(s, importance="derived"), lang=lang),
    "provider_heatmap": lambda s, lang: kl.plot.provider_heatmap(kl.provider_matrix(s), lang=lang),
    "nps_bar": lambda s, lang: kl.plot.nps_bar(kl.nps_table(s, by="department"), lang=lang),
    "trend_chart": lambda s, lang: kl.plot.trend_chart(kl.trend(s), lang=lang),
}


def texts_of(figure):
    return [t.get_text() for t in figure.findobj(matplotlib.text.Text) if t.get_text()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_renders_without_missing_glyphs(survey, name, lang):
    kl.plot.set_theme()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = CHARTS[name](survey, lang)
        figure = drawn if isinstance(drawn, matplotlib.figure.Figure) else drawn.figure
        figure.canvas.draw()
    plt.close(figure)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
    assert isinstance(drawn, (matplotlib.axes.Axes, matplotlib.figure.Figure))
    text = " ".join(texts_of(figure))
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert has_chinese == (lang == "zh")


def test_charts_keep_chinese_after_the_theme_is_reset(survey):
    kl.plot.set_theme()
    kl.plot.set_theme()  # a notebook may call it again; seaborn then resets the font list
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = kl.plot.gap_bars(survey, lang="zh")
        ax.figure.canvas.draw()
    plt.close(ax.figure)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_suppressed_cells_are_labelled(survey):
    ax = kl.plot.provider_heatmap(kl.provider_matrix(survey), lang="en")
    labels = texts_of(ax.figure)
    assert "n<5" in labels and "*" in labels
    plt.close(ax.figure)
    ax = kl.plot.nps_bar(kl.nps_table(survey, by="department"), lang="zh")
    assert any(label.startswith("已隐藏") for label in texts_of(ax.figure))
    plt.close(ax.figure)


def test_bad_inputs(survey):
    with pytest.raises(kl.KitError):
        kl.plot.gap_bars(survey, lang="fr")
    with pytest.raises(kl.AnalysisInputError, match="ungrouped"):
        kl.plot.snake_chart(kl.servqual_gaps(survey, by="provider"))
    with pytest.raises(kl.AnalysisInputError, match="group="):
        kl.plot.trend_chart(kl.trend(survey, by="provider"))
    with pytest.raises(kl.AnalysisInputError, match="needs"):
        kl.plot.ipa_grid("not a result")
    plt.close("all")


def test_grouped_trend_chart_draws_one_group(survey):
    figure = kl.plot.trend_chart(kl.trend(survey, by="provider"), group={"provider": "HR Service"})
    assert "HR Service" in figure._suptitle.get_text()
    plt.close(figure)


@pytest.mark.parametrize("lang, phrase", [("en", "anonymity"), ("zh", "匿名")])
def test_a_hidden_group_draws_an_explanation_instead_of_numbers(lang, phrase):
    legal = make_survey().filter(department="Legal")
    for ax in (kl.plot.gap_bars(legal, lang=lang), kl.plot.snake_chart(legal, lang=lang),
               kl.plot.kano_map(legal, lang=lang), kl.plot.ipa_grid(kl.ipa(legal), lang=lang)):
        labels = texts_of(ax.figure)
        assert any(phrase in label and "n<5" in label for label in labels), labels
        plt.close(ax.figure)
