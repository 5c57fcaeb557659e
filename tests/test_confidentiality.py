"""Small-group suppression, complementary suppression and comment release (issue 4)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kitlib as kl


def test_primary_suppression_blanks_values_and_says_why():
    table = pd.DataFrame({"department": ["A", "B", "C"], "n": [3, 20, 30], "mean": [6.0, 5.0, 4.0], "label": ["a", "b", "c"]})
    out = kl.suppress_small_groups(table, "department")
    assert out["suppression"].tolist() == ["n<5", "complementary", ""]
    assert np.isnan(out.loc[0, "mean"]) and out.loc[0, "label"] is None
    assert out.loc[0, "n"] == 3  # group sizes stay visible
    assert out["suppressed"].tolist() == [True, True, False]
    assert table["mean"].notna().all()  # input untouched


def test_a_second_hidden_group_must_reach_min_n_together():
    table = pd.DataFrame({"g": list("ABCD"), "n": [2, 1, 40, 50], "mean": [1.0, 2, 3, 4]})
    out = kl.suppress_small_groups(table, "g")
    # A and B are both small (together 3 < 5): the smallest large group is hidden as well
    assert out["suppression"].tolist() == ["n<5", "n<5", "complementary", ""]


def test_nothing_hidden_when_all_groups_are_large_enough():
    table = pd.DataFrame({"g": list("AB"), "n": [5, 6], "mean": [1.0, 2.0]})
    assert not kl.suppress_small_groups(table, "g")["suppressed"].any()


def test_two_way_table_protects_rows_and_columns():
    table = pd.DataFrame({
        "provider": ["HR"] * 3 + ["IT"] * 3,
        "department": ["Sales", "Legal", "Ops"] * 2,
        "n": [15, 3, 10, 19, 8, 9],
        "mean": np.arange(6, dtype=float),
    })
    out = kl.suppress_small_groups(table, ["provider", "department"])
    hidden = out.pivot(index="provider", columns="department", values="suppressed")
    for axis in (0, 1):
        counts = hidden.sum(axis=axis)
        assert ((counts == 0) | (counts >= 2)).all()
    assert hidden.loc["HR", "Legal"]


def test_within_keeps_separate_tables_apart():
    table = pd.DataFrame({"item": ["P01"] * 3 + ["P02"] * 3, "g": list("ABC") * 2, "n": [3, 20, 30, 20, 20, 30], "mean": np.ones(6)})
    out = kl.suppress_small_groups(table, "g", within="item")
    assert out.loc[out["item"] == "P02", "suppressed"].sum() == 0
    assert out.loc[out["item"] == "P01", "suppressed"].sum() == 2


def test_complementary_can_be_switched_off_and_values_chosen():
    table = pd.DataFrame({"g": list("AB"), "n": [2, 50], "mean": [1.0, 2.0], "sd": [0.5, 0.4]})
    out = kl.suppress_small_groups(table, "g", complementary=False, values=["mean"])
    assert out["suppressed"].tolist() == [True, False]
    assert out.loc[0, "sd"] == 0.5 and np.isnan(out.loc[0, "mean"])


@pytest.mark.parametrize("kwargs, message, error", [({"by": "team"}, "no column", kl.AnalysisInputError),
                                                     ({"by": "g", "min_n": 0}, "min_n", kl.OptionError),
                                                     ({"by": "g", "n": "count"}, "group sizes", kl.AnalysisInputError)])
def test_bad_input(kwargs, message, error):
    with pytest.raises(error, match=message):
        kl.suppress_small_groups(pd.DataFrame({"g": ["A"], "n": [3]}), **kwargs)


@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(1, 10))
@settings(max_examples=150, deadline=None)
def test_no_hidden_group_can_be_recovered_by_differencing(sizes, min_n):
    table = pd.DataFrame({"g": [f"G{i}" for i in range(len(sizes))], "n": sizes, "mean": np.arange(len(sizes), dtype=float)})
    out = kl.suppress_small_groups(table, "g", min_n=min_n)
    hidden = out["suppressed"].to_numpy()
    assert (hidden[np.array(sizes) < min_n]).all()  # every small group hidden
    if hidden.any() and not hidden.all():
        assert hidden.sum() >= 2 and np.array(sizes)[hidden].sum() >= min_n
    assert out.loc[hidden, "mean"].isna().all() and out.loc[~hidden, "mean"].notna().all()


def test_comments_need_ten_respondents():
    data = pd.DataFrame({"department": ["A"] * 12 + ["B"] * 9 + ["C"] * 11,
                         "comment": ["slow"] + [None] * 10 + [" "] + ["rude"] * 9 + ["late"] + [None] * 10})
    result = kl.publishable_comments(data, by="department")
    assert result.table["comment"].tolist() == ["slow"]
    # B (9 people) is too small; C is withheld too, so that B's comments cannot be counted as total minus A
    assert result.suppressed.to_dict("records") == [{"department": "B", "n": 9, "comments": 9, "suppression": "n<10"},
                                                    {"department": "C", "n": 11, "comments": 1, "suppression": "complementary"}]
    assert kl.publishable_comments(data, protect="department").table["comment"].tolist() == ["slow"]
    # nothing declared: the whole sample is the one group
    assert kl.publishable_comments(data).table["comment"].tolist() == ["slow"] + ["rude"] * 9 + ["late"]
    with pytest.raises(kl.AnalysisInputError, match="text"):
        kl.publishable_comments(data, comment_column="text")


def test_one_small_department_selected_with_filter_is_hidden_everywhere(make_survey):
    legal = make_survey().filter(department="Legal")
    gaps = kl.servqual_gaps(legal)
    assert gaps.dimensions["suppressed"].all() and gaps.dimensions["gap"].isna().all()
    assert gaps.overall["gap"].isna().all() and gaps.items["p"].isna().all()
    kano = kl.kano_table(legal)
    assert kano["suppressed"].all() and kano["category"].isna().all() and kano["A"].isna().all()
    assert np.isnan(kl.nps_table(legal)["nps"].iat[0])
    csi = kl.csi(legal)
    assert csi.suppressed and np.isnan(csi.csi) and "hidden" in repr(csi)
    ipa = kl.ipa(legal, importance="derived")
    assert ipa.suppressed and ipa.table["importance"].isna().all() and ipa.table["quadrant"].isna().all()
    sales = make_survey().filter(department="Sales")
    assert not kl.servqual_gaps(sales).dimensions["suppressed"].any()


# ---------------------------------------------------------------- people, not rows (issue 12)
def test_count_respondents_counts_distinct_ids_and_rows():
    data = pd.DataFrame({"id": ["a", "a", "a", "b", "c", None], "g": ["X", "X", "Y", "X", "Y", "Y"]})
    counts = kl.privacy.count_respondents(data, "g", "id")
    assert counts.to_dict("records") == [{"g": "X", "n": 2, "n_rows": 3}, {"g": "Y", "n": 2, "n_rows": 3}]
    assert kl.privacy.count_respondents(data, respondent="id").to_dict("records") == [{"n": 3, "n_rows": 6}]
    assert kl.privacy.count_respondents(data, "g")["n"].tolist() == [3, 3]  # no ids: rows
    with pytest.raises(kl.AnalysisInputError, match="team"):
        kl.privacy.count_respondents(data, "team")


def _comment_frame(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    people = rng.integers(60, 120)
    ids = np.repeat(np.arange(people), rng.integers(1, 4, size=people))  # 1-3 rows (providers) per person
    frame = pd.DataFrame({"respondent_id": ids})
    department = dict(zip(range(people), rng.choice(["A", "B", "C", "D", "E"], size=people, p=[0.4, 0.3, 0.2, 0.06, 0.04])))
    frame["department"] = frame["respondent_id"].map(department)
    frame["provider"] = rng.choice(["IT", "HR", "Finance"], size=len(frame))
    frame["comment"] = [f"comment {i}" if rng.random() < 0.6 else None for i in range(len(frame))]
    return frame


@pytest.mark.parametrize("seed", range(8))
def test_the_all_comments_view_cannot_be_differenced_against_grouped_views(seed):
    data = _comment_frame(seed)
    protect = ["department", "provider"]
    everything = kl.publishable_comments(data, protect=protect, respondent="respondent_id")
    shown = set(everything.table["comment"])
    for by in ("department", "provider", protect):
        grouped = kl.publishable_comments(data, by=by, protect=protect, respondent="respondent_id")
        assert shown == set(grouped.table["comment"])  # the difference of the two views is empty
    cells = kl.privacy.count_respondents(data, protect, "respondent_id").set_index(protect)
    withheld = everything.suppressed.set_index(protect)
    assert (withheld.loc[withheld["suppression"] == "n<10", "n"] < 10).all()
    assert set(cells.index[cells["n"] < 10]) <= set(withheld.index)
    for level in protect:  # every line of the department x provider table: no single or too small hidden remainder
        line_sizes = cells.reset_index().groupby(level).size()
        for value, line in withheld.reset_index().groupby(level):
            if len(line) < line_sizes[value]:
                assert len(line) >= 2 and line["n"].sum() >= 10
    hidden_rows = data.merge(withheld.reset_index()[protect], on=protect)["comment"].dropna()
    assert not set(hidden_rows) & shown


# ---------------------------------------------------------------- widgets: no hidden names, reasons worded apart
def _figure_text(ax) -> str:
    texts = ax.texts + ax.get_yticklabels() + ax.get_xticklabels() + [ax.title, ax.xaxis.label, ax.yaxis.label]
    return " ".join(t.get_text() for t in texts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gap_chart_never_names_a_hidden_department_and_tells_the_two_reasons_apart(lang):
    import matplotlib.pyplot as plt

    from kitlib.widgets.gaps import TEXT, draw_gap_view

    table = pd.DataFrame({"department": ["Board Office", "Treasury", "Credit"], "n": [np.nan, np.nan, 40.0],
                          "gap": [np.nan, np.nan, -0.5], "suppressed": [True, True, False],
                          "suppression": ["n<5", "complementary", ""]})
    ax = draw_gap_view(table, "IT", "overall", lang, 5)
    text = _figure_text(ax)
    plt.close(ax.figure)
    assert "Board Office" not in text and "Treasury" not in text and "Credit" in text
    small, protect = (TEXT[key][lang].format(k=1, n=5) for key in ("hidden_small", "hidden_protect"))
    assert small in text and protect in text and small != protect
    only_protect = table.assign(suppression=["complementary", "complementary", ""])
    ax = draw_gap_view(only_protect, "IT", "overall", lang, 5)
    text = _figure_text(ax)
    plt.close(ax.figure)
    assert TEXT["hidden_protect"][lang].format(k=2) in text and "5" not in text.replace("-0.50", "")


@pytest.mark.parametrize("name", ["it_firm", "manufacturer", "bank"])
def test_gap_explorer_charts_of_the_cases_show_no_hidden_name(name):
    import matplotlib.pyplot as plt

    from kitlib.widgets.gaps import draw_gap_view, gap_view

    survey = kl.load_case(name)
    for provider in sorted(survey.data["provider"].unique()):
        table = gap_view(survey, provider)
        hidden = table.loc[table["suppressed"], "department"]
        ax = draw_gap_view(table, provider, "overall", "en", 5)
        text = _figure_text(ax)
        plt.close(ax.figure)
        for department in hidden:
            for lang in ("zh", "en"):
                assert survey.codebook.value_label("department", department, lang) not in text
        sizes = survey.data[survey.data["provider"] == provider].groupby("department")["respondent_id"].nunique()
        shown = table.loc[~table["suppressed"]].set_index("department")["n"]
        assert (shown == sizes[shown.index]).all()  # counts are people


def test_ipa_what_if_of_a_small_group_shows_only_a_note():
    from kitlib.widgets import ipa_what_if

    small = kl.load_case("it_firm").filter(department="Internal Audit")
    panel = ipa_what_if(small, lang="en")
    assert panel.table is None and len(panel.children) == 1 and "Fewer than 5 respondents" in panel.children[0].value
