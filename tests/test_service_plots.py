"""Service-quality charts: bilingual text, codebook value labels, confidentiality and layout (issue 4)."""

import logging
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager
from service_synth import codebook_dict, make_frame, make_survey

import kitlib as kl
from kitlib.codebook import parse_codebook
from kitlib.survey import Survey

# The small department of the synthetic survey (3 respondents) under every name it has.
SMALL = {"raw": "Legal", "zh": "法务部", "en": "Legal Affairs"}
VALUE_LABELS = {
    "department": {"Legal": {"zh": "法务部", "en": "Legal Affairs"}, "Sales": {"zh": "销售部", "en": "Sales & Marketing"},
                   "Finance": {"zh": "财务部", "en": "Finance"}, "Ops": {"zh": "运营部", "en": "Operations"}},
    "provider": {"IT Support": {"zh": "信息技术支持部", "en": "IT Support"}, "HR Service": {"zh": "人力资源服务部", "en": "HR Service"}},
    "wave": {"2025Q4": {"zh": "2025年第四季度", "en": "Q4 2025"}, "2026Q2": {"zh": "2026年第二季度", "en": "Q2 2026"}},
}


def labelled_survey(waves: bool = True, frame=None) -> Survey:
    """The synthetic survey with bilingual value labels for its groups and item 13 reverse-keyed (as in the cases)."""
    book = codebook_dict(waves=waves)
    for column in book["columns"]:
        if column["id"] in VALUE_LABELS:
            column["labels"] = VALUE_LABELS[column["id"]]
        if column["id"] in ("E13", "P13"):
            column["reverse"] = True
    data = make_frame(waves=waves) if frame is None else frame
    return Survey(data.reset_index(drop=True), parse_codebook(book))


@pytest.fixture(scope="module")
def survey():
    return make_survey(waves=True)


@pytest.fixture(scope="module")
def labelled():
    return labelled_survey()


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


def render(draw, caplog):
    """Draw a chart completely; fail on a missing glyph or a findfont fallback (e.g. bold asked of the one-weight CJK font)."""
    font_manager.fontManager._findfont_cached.cache_clear()  # matplotlib logs a fallback only on the first lookup
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        warnings.simplefilter("always")
        caplog.clear()
        drawn = draw()
        figure = drawn if isinstance(drawn, matplotlib.figure.Figure) else drawn.figure
        figure.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
    findfont = [r.getMessage() for r in caplog.records if r.name == "matplotlib.font_manager"]
    assert not findfont, findfont[:3]
    return drawn, figure


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_renders_without_missing_glyphs_or_font_fallbacks(survey, name, lang, caplog):
    kl.plot.set_theme()
    drawn, figure = render(lambda: CHARTS[name](survey, lang), caplog)
    plt.close(figure)
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


def test_the_font_check_can_fail(caplog):
    """Bold text with the one-weight CJK font is exactly what render() must catch."""
    kl.plot.set_theme()
    with pytest.raises(AssertionError, match="findfont"):
        render(lambda: plt.subplots()[1].set_title("粗体标题", weight="bold"), caplog)
    plt.close("all")


def test_hidden_cells_inside_shown_rows_stay_grey_and_marked(caplog):
    """Ops (large) gets only 3 HR Service respondents: that cell shows n<5, its row sibling a * (complementary)."""
    frame = make_frame(waves=True)
    ops = frame.index[frame["department"] == "Ops"]
    frame.loc[ops, "provider"] = "IT Support"
    frame.loc[ops[:3], "provider"] = "HR Service"
    _, figure = render(lambda: kl.plot.provider_heatmap(kl.provider_matrix(labelled_survey(frame=frame)), lang="en"), caplog)
    labels = texts_of(figure)
    assert "n<5" in labels and "*" in labels
    assert "Operations" in labels  # the department itself is large enough to be named
    assert any("Grey: fewer than 5" in label for label in labels)
    plt.close(figure)
    _, figure = render(lambda: kl.plot.nps_bar(kl.nps_table(make_survey(), by="department"), lang="zh"), caplog)
    assert any(label.startswith("已隐藏 (防止反推)") for label in texts_of(figure))  # complementary sibling: grey bar
    plt.close(figure)


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
