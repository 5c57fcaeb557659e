"""Service-quality charts: bilingual text, codebook value labels, confidentiality and layout (issue 4)."""

import logging
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

import kitlib as kl

# The small department of the synthetic survey (3 respondents) under every name it has.
SMALL = {"raw": "Legal", "zh": "法务部", "en": "Legal Affairs"}


@pytest.fixture(scope="module")
def survey(make_survey):
    return make_survey(waves=True)


@pytest.fixture(scope="module")
def labelled(labelled_survey):
    """The synthetic survey with the value labels of ``value_labels`` and item 13 reverse-keyed."""
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
    """Every text of the figure, wrapped lines joined again (so a wrapped name is still found)."""
    texts = [t.get_text() for t in figure.findobj(matplotlib.text.Text) if t.get_text()]
    return texts + [text.replace("\n", joiner) for text in texts if "\n" in text for joiner in ("", " ")]


def unwrap(labels, lang):
    return sorted(t.get_text().replace("\n", "" if lang == "zh" else " ") for t in labels)


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


def test_hidden_cells_inside_shown_rows_stay_grey_and_marked(caplog, make_survey, make_frame, labelled_survey):
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
def test_a_hidden_group_draws_an_explanation_instead_of_numbers(lang, phrase, make_survey):
    legal = make_survey().filter(department="Legal")
    for ax in (kl.plot.gap_bars(legal, lang=lang), kl.plot.snake_chart(legal, lang=lang),
               kl.plot.kano_map(legal, lang=lang), kl.plot.ipa_grid(kl.ipa(legal), lang=lang)):
        labels = texts_of(ax.figure)
        assert any(phrase in label and "n<5" in label for label in labels), labels
        plt.close(ax.figure)


# --- confidentiality: a group too small as a whole is named nowhere -------------------------------------------------

SMALL_CHARTS = {
    # charts that show departments: the small one is dropped and counted in a footnote
    "gap_bars_by_department": (lambda s, lang: kl.plot.gap_bars(kl.servqual_gaps(s, by="department"), lang=lang), True),
    "gap_bars_items_by_department": (
        lambda s, lang: kl.plot.gap_bars(kl.servqual_gaps(s, by="department"), level="item", lang=lang), True),
    "provider_heatmap": (lambda s, lang: kl.plot.provider_heatmap(kl.provider_matrix(s, value="gap"), lang=lang), True),
    "nps_bar": (lambda s, lang: kl.plot.nps_bar(kl.nps_table(s, by="department"), lang=lang), True),
    "trend_chart_by_department": (
        lambda s, lang: kl.plot.trend_chart(kl.trend(s, by="department"), lang=lang, group={"department": "Sales"}), False),
    # the small department chosen explicitly: only an explanation, without the name
    "trend_chart_of_the_small_department": (
        lambda s, lang: kl.plot.trend_chart(kl.trend(s, by="department"), lang=lang, group={"department": "Legal"}), False),
    # charts of one (filtered) population: the small department's subset draws an explanation
    "gap_bars_of_the_small_department": (lambda s, lang: kl.plot.gap_bars(s.filter(department="Legal"), lang=lang), False),
    "snake_chart_of_the_small_department": (lambda s, lang: kl.plot.snake_chart(s.filter(department="Legal"), lang=lang), False),
    "kano_map_of_the_small_department": (lambda s, lang: kl.plot.kano_map(s.filter(department="Legal"), lang=lang), False),
    "ipa_grid_of_the_small_department": (lambda s, lang: kl.plot.ipa_grid(s.filter(department="Legal"), lang=lang), False),
    "nps_bar_of_the_small_department": (lambda s, lang: kl.plot.nps_bar(s.filter(department="Legal"), lang=lang), False),
    "trend_chart_of_all": (lambda s, lang: kl.plot.trend_chart(kl.trend(s), lang=lang), False),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(SMALL_CHARTS))
def test_a_small_department_is_named_in_no_text_of_any_chart(labelled, name, lang, caplog):
    draw, counts_hidden = SMALL_CHARTS[name]
    _, figure = render(lambda: draw(labelled, lang), caplog)
    labels = texts_of(figure)
    plt.close(figure)
    leaked = [label for label in labels if any(name_ in label for name_ in SMALL.values())]
    assert not leaked, leaked
    note = "1 个组因人数少于5人而隐藏" if lang == "zh" else "1 group hidden (n<5)"
    assert any(note in label for label in labels) == counts_hidden, labels


def test_the_leak_check_can_fail(labelled):
    """The raw data do name the small department, so an unprotected chart would fail the check above."""
    table = kl.nps_table(labelled, by="department", min_group_size=1)
    ax = kl.plot.nps_bar(table, lang="zh")
    assert SMALL["zh"] in texts_of(ax.figure)
    plt.close(ax.figure)


def test_the_bank_board_office_appears_in_no_chart():
    bank = kl.load_case("bank")
    names = {"Board Office", bank.codebook.value_label("department", "Board Office", "zh")}
    assert names == {"Board Office", "董事会办公室"}
    for lang in ("zh", "en"):
        for ax in (kl.plot.provider_heatmap(bank, lang=lang), kl.plot.nps_bar(bank, by="department", lang=lang),
                   kl.plot.gap_bars(kl.servqual_gaps(bank, by="department"), lang=lang)):
            labels = texts_of(ax.figure)
            plt.close(ax.figure)
            assert not [label for label in labels if any(name in label for name in names)]


# --- codebook value labels ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_group_values_are_shown_with_the_codebooks_labels(labelled, lang, caplog, value_labels):
    label = {column: {value: entry[lang] for value, entry in values.items()} for column, values in value_labels.items()}
    departments = [label["department"][d] for d in ("Finance", "Ops", "Sales")]

    ax, _ = render(lambda: kl.plot.nps_bar(labelled, by="department", lang=lang), caplog)
    assert unwrap(ax.get_yticklabels(), lang) == sorted(departments)
    ax, _ = render(lambda: kl.plot.provider_heatmap(labelled, lang=lang), caplog)
    assert unwrap(ax.get_xticklabels(), lang) == sorted(departments)
    assert unwrap(ax.get_yticklabels(), lang) == sorted(label["provider"].values())
    ax, _ = render(lambda: kl.plot.gap_bars(kl.servqual_gaps(labelled, by="provider"), lang=lang), caplog)
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == sorted(label["provider"].values())
    figure, _ = render(lambda: kl.plot.trend_chart(kl.trend(labelled, by="provider"), lang=lang, group={"provider": "IT Support"}),
                       caplog)
    assert figure.get_suptitle().endswith(label["provider"]["IT Support"])
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == [label["wave"]["2025Q4"], label["wave"]["2026Q2"]]
    plt.close("all")


def test_results_carry_the_value_labels_for_charts(labelled, make_survey, value_labels):
    gaps = kl.servqual_gaps(labelled, by="department").dimensions
    assert set(zip(gaps["department"], gaps["department_label_zh"], gaps["department_label_en"])) == {
        (value, entry["zh"], entry["en"]) for value, entry in value_labels["department"].items()}
    table = kl.nps_table(labelled, by=["provider", "wave"])
    assert table.columns[:6].tolist() == ["provider", "provider_label_zh", "provider_label_en", "wave", "wave_label_zh", "wave_label_en"]
    cells = kl.provider_matrix(labelled).cells
    assert (cells["provider_label_zh"] == cells["provider"].map(lambda v: value_labels["provider"][v]["zh"])).all()
    result = kl.trend(labelled, by="department")
    assert set(result.levels["wave_label_en"]) == {"Q4 2025", "Q2 2026"}
    assert set(result.changes["wave_after_label_zh"]) == {"2026年第二季度"}
    unlabelled = kl.nps_table(make_survey(), by="department")  # no labels in the codebook: the values themselves
    assert (unlabelled["department_label_zh"] == unlabelled["department"]).all()


# --- reverse-keyed items -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, mark", [("zh", "（反向题）"), ("en", " (R)")])
def test_reverse_keyed_items_are_marked(labelled, lang, mark, caplog):
    charts = {
        "gap_bars": lambda: kl.plot.gap_bars(labelled, level="item", lang=lang).get_yticklabels(),
        "snake_chart": lambda: kl.plot.snake_chart(labelled, lang=lang).get_yticklabels(),
        "ipa_grid": lambda: kl.plot.ipa_grid(kl.ipa(labelled, level="item"), lang=lang, codebook=labelled.codebook).texts,
    }
    for name, labels_of in charts.items():
        labels = [t.get_text() for t in labels_of() if t.get_text().startswith("P")]
        marked = [label.split()[0].split("（")[0] for label in labels if label.endswith(mark)]
        assert marked == ["P13"], (name, labels)
        figure = plt.gcf()
        notes = texts_of(figure)
        lines = [line for note in notes for line in note.split("\n")]
        assert any(line.startswith(mark.strip() + ("：" if lang == "zh" else ":")) for line in lines), (name, notes)  # explained
        plt.close("all")


# --- layout ------------------------------------------------------------------------------------------------------------

def overlapping(labels) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent()) for t in labels if t.get_text()]
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if box_a.overlaps(box_b)]


@pytest.mark.parametrize("case", kl.CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_heatmap_tick_labels_are_horizontal_and_do_not_overlap(case, lang, caplog):
    ax, figure = render(lambda: kl.plot.provider_heatmap(kl.load_case(case), lang=lang), caplog)
    for labels in (ax.get_yticklabels(), ax.get_xticklabels()):
        assert {t.get_rotation() for t in labels} == {0.0}
        assert not overlapping(labels)
    canvas = figure.bbox
    assert all(canvas.x0 <= t.get_window_extent().x0 for t in ax.get_yticklabels())  # not clipped at the left edge
    plt.close(figure)
