"""Voice, standards and journey charts (issue 14): zh and en text, no missing glyphs, small groups hidden."""

import matplotlib
import matplotlib.pyplot as plt
import pytest
from test_service_plots import render, texts_of

import kitlib as kl
from kitlib.data.cases import case_dir


@pytest.fixture(scope="module")
def it_firm():
    survey = kl.load_case("it_firm")
    tickets = kl.read_tickets(case_dir("it_firm") / "tickets.csv")
    return survey, tickets


@pytest.fixture(scope="module")
def sla_result(it_firm):
    return kl.sla(it_firm[1], case_dir("it_firm") / "standards.csv")


@pytest.fixture(scope="module")
def themes(it_firm):
    return kl.comment_themes(it_firm[0])


@pytest.fixture(scope="module")
def bank():
    touchpoints, stages = kl.read_journey(case_dir("bank") / "journey.csv")
    return kl.load_case("bank"), touchpoints, stages


def charts(it_firm, sla_result, themes, bank):
    book = it_firm[0].codebook
    return {
        "sla_bars": lambda lang: kl.plot.sla_bars(sla_result, lang=lang, codebook=book),
        "p_chart": lambda lang: kl.plot.control_chart(sla_result, "p", lang=lang, codebook=book),
        "xmr_chart": lambda lang: kl.plot.control_chart(sla_result, "xmr", lang=lang, codebook=book),
        "theme_chart_provider": lambda lang: kl.plot.theme_chart(themes, "provider", lang=lang, codebook=book),
        "theme_chart_department": lambda lang: kl.plot.theme_chart(themes, "department", lang=lang, codebook=book),
        "journey_chart": lambda lang: kl.plot.journey_chart(kl.journey_map(bank[1], bank[2]), lang=lang, codebook=bank[0].codebook),
    }


NAMES = ["sla_bars", "p_chart", "xmr_chart", "theme_chart_provider", "theme_chart_department", "journey_chart"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", NAMES)
def test_chart_renders_in_its_language_without_missing_glyphs(it_firm, sla_result, themes, bank, name, lang, caplog):
    kl.plot.set_theme()
    drawn, figure = render(lambda: charts(it_firm, sla_result, themes, bank)[name](lang), caplog)
    text = " ".join(texts_of(figure))
    plt.close(figure)
    assert isinstance(drawn, (matplotlib.axes.Axes, matplotlib.figure.Figure))
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert has_chinese == (lang == "zh")


def _all_names(book, column, value):
    return {value, book.value_label(column, value, "zh"), book.value_label(column, value, "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_small_groups_are_named_on_no_chart(it_firm, bank, themes, lang):
    survey, tickets = it_firm
    book = survey.codebook
    # comments: Internal Audit has 3 respondents, under the threshold of 10
    assert "Internal Audit" in set(themes.suppressed["group"])
    ax = kl.plot.theme_chart(themes, "department", lang=lang, codebook=book)
    text = " ".join(texts_of(ax.figure))
    plt.close(ax.figure)
    assert not any(name in text for name in _all_names(book, "department", "Internal Audit"))
    assert ("hidden" in text) if lang == "en" else ("隐藏" in text)
    # tickets: Procurement (292 tickets) under a minimum of 300
    small = kl.sla(tickets, case_dir("it_firm") / "standards.csv", min_n=300)
    for draw in (lambda: kl.plot.sla_bars(small, lang=lang, codebook=book).figure,
                 lambda: kl.plot.control_chart(small, "p", lang=lang, codebook=book),
                 lambda: kl.plot.control_chart(small, "xmr", lang=lang, codebook=book)):
        figure = draw()
        text = " ".join(texts_of(figure))
        plt.close(figure)
        assert not any(name in text for name in _all_names(book, "provider", "Procurement"))
    # journey: HR (175 respondents) and Finance (192) under a minimum of 200
    survey_bank, touchpoints, stages = bank
    figure = kl.plot.journey_chart(kl.journey_map(touchpoints, stages, min_n=200), lang=lang, codebook=survey_bank.codebook)
    text = " ".join(texts_of(figure))
    plt.close(figure)
    for provider in ("HR", "Finance"):
        assert not any(name in text for name in _all_names(survey_bank.codebook, "provider", provider))


def test_journey_chart_marks_the_moments_of_truth(bank):
    _, touchpoints, stages = bank
    journey = kl.journey_map(touchpoints, stages)
    figure = kl.plot.journey_chart(journey, lang="en")
    stars = sum(t.get_text() == "★" for t in figure.findobj(matplotlib.text.Text))
    plt.close(figure)
    assert stars == len(kl.moments_of_truth(journey)) > 0


def test_control_chart_marks_the_special_cause_weeks(sla_result):
    figure = kl.plot.control_chart(sla_result, "p", lang="en")
    red = sum(len(c.get_offsets()) for ax in figure.axes for c in ax.collections)
    plt.close(figure)
    assert red == int(sla_result.p_chart["special"].sum())


def test_charts_reject_wrong_input():
    with pytest.raises(kl.AnalysisInputError):
        kl.plot.sla_bars("tickets")
    with pytest.raises(kl.AnalysisInputError):
        kl.plot.theme_chart(None)
    with pytest.raises(kl.AnalysisInputError):
        kl.plot.journey_chart(None)
