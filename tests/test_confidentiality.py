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
    data = pd.DataFrame({"department": ["A"] * 12 + ["B"] * 9, "comment": ["slow"] + [None] * 10 + [" "] + ["rude"] * 9})
    result = kl.publishable_comments(data, by="department")
    assert result.table["comment"].tolist() == ["slow"]
    assert result.suppressed.to_dict("records") == [{"department": "B", "n": 9, "comments": 9}]
    assert kl.publishable_comments(data).table["comment"].tolist() == ["slow"] + ["rude"] * 9
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
