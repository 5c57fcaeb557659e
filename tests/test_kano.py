"""KANO classification, Better/Worse and Fong's test (issue 4).

Published reference: Sauerwein, E., Bailom, F., Matzler, K., & Hinterhuber, H. H.
(1996). The Kano model: how to delight your customers. Preprints Vol. I of the IX.
International Working Seminar on Production Economics, Innsbruck, pp. 313–327 —
the ski example's tabulation of results (percent of answers per category) and its
customer-satisfaction coefficients, printed to two decimals.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import kitlib as kl
from kitlib.service.kano import kano_codes, summarize_kano_counts

# The 5x5 evaluation table of Berger et al. (1993), typed out cell by cell
# (functional answer, dysfunctional answer) -> category; 1 like .. 5 dislike.
BERGER_TABLE = {
    (1, 1): "Q", (1, 2): "A", (1, 3): "A", (1, 4): "A", (1, 5): "O",
    (2, 1): "R", (2, 2): "I", (2, 3): "I", (2, 4): "I", (2, 5): "M",
    (3, 1): "R", (3, 2): "I", (3, 3): "I", (3, 4): "I", (3, 5): "M",
    (4, 1): "R", (4, 2): "I", (4, 3): "I", (4, 4): "I", (4, 5): "M",
    (5, 1): "R", (5, 2): "R", (5, 3): "R", (5, 4): "R", (5, 5): "Q",
}

# Sauerwein et al. (1996), ski example: % of answers, category, Better, Worse.
SAUERWEIN_SKI = pd.DataFrame(
    [
        ("edge grip", 7.0, 32.3, 49.3, 9.0, 0.3, 2.0, "M", 0.40, -0.83),
        ("ease of turn", 10.4, 45.1, 30.5, 11.5, 1.0, 1.5, "O", 0.57, -0.78),
        ("service", 63.8, 21.6, 2.9, 8.5, 0.7, 2.5, "A", 0.88, -0.25),
        ("environmentally friendly production", 8.7, 9.1, 5.6, 74.5, 0.7, 1.4, "I", 0.18, -0.15),
    ],
    columns=["feature", "A", "O", "M", "I", "R", "Q", "category", "better", "worse"],
)

codes = st.integers(min_value=1, max_value=5)


def test_every_cell_of_the_evaluation_table():
    functional = np.array([f for f, _ in BERGER_TABLE])
    dysfunctional = np.array([d for _, d in BERGER_TABLE])
    assert kl.kano_classify(functional, dysfunctional).tolist() == list(BERGER_TABLE.values())


def test_sauerwein_ski_example_categories_and_coefficients():
    published = SAUERWEIN_SKI
    ours = summarize_kano_counts(published.drop(columns=["category", "better", "worse"]))
    assert ours["category"].tolist() == published["category"].tolist()
    # published to two decimals -> agree within half a unit of the last digit plus rounding of the shares
    np.testing.assert_allclose(ours["better"], published["better"], atol=0.01)
    np.testing.assert_allclose(ours["worse"], published["worse"], atol=0.01)


@given(arrays(np.int64, st.integers(1, 300), elements=codes), st.data())
@settings(max_examples=60, deadline=None)
def test_classification_agrees_with_the_table_cell_by_cell(functional, data):
    dysfunctional = data.draw(arrays(np.int64, functional.shape, elements=codes))
    expected = [BERGER_TABLE[(f, d)] for f, d in zip(functional.tolist(), dysfunctional.tolist())]
    assert kl.kano_classify(functional, dysfunctional).tolist() == expected


@given(arrays(np.int64, st.integers(1, 200), elements=codes), st.data())
@settings(max_examples=60, deadline=None)
def test_mirrored_answers_swap_attractive_and_must_be(functional, data):
    """Answering (6 - d, 6 - f) instead of (f, d) turns A into M and back; O, I, R, Q stay."""
    dysfunctional = data.draw(arrays(np.int64, functional.shape, elements=codes))
    original = kl.kano_classify(functional, dysfunctional)
    mirrored = kl.kano_classify(6 - dysfunctional, 6 - functional)
    swap = {"A": "M", "M": "A", "O": "O", "I": "I", "R": "R", "Q": "Q"}
    assert mirrored.tolist() == [swap[c] for c in original.tolist()]


@given(arrays(np.int64, st.integers(1, 200), elements=codes), st.data())
@settings(max_examples=60, deadline=None)
def test_counts_sum_to_n_and_coefficients_stay_in_range(functional, data):
    dysfunctional = data.draw(arrays(np.int64, functional.shape, elements=codes))
    letters = kl.kano_classify(functional, dysfunctional)
    counts = pd.DataFrame([{c: int((letters == c).sum()) for c in "AOMIRQ"}])
    table = summarize_kano_counts(counts)
    assert table["n"].iat[0] == len(functional)
    better, worse = table["better"].iat[0], table["worse"].iat[0]
    if np.isnan(better):
        assert counts[["A", "O", "M", "I"]].to_numpy().sum() == 0
    else:
        assert 0 <= better <= 1 and -1 <= worse <= 0


def test_missing_answers_are_blank_and_not_counted():
    letters = kl.kano_classify([1.0, np.nan, 2.0], [5.0, 3.0, np.nan])
    assert letters.tolist() == ["O", "", ""]


@pytest.mark.parametrize("bad", [[0, 1], [6, 1], [1.5, 2], ["like", "dislike"]])
def test_invalid_codes_are_rejected(bad):
    with pytest.raises(kl.AnalysisInputError, match="1..5"):
        kl.kano_classify(bad, [1, 1])


def test_shape_mismatch_is_rejected():
    with pytest.raises(kl.AnalysisInputError, match="same shape"):
        kl.kano_classify([1, 2], [1, 2, 3])


def test_fong_test_on_a_hand_computed_example():
    # a = 40 (M), b = 30 (O), n = 100: threshold 1.65*sqrt(70*130/200) = 11.13 > 10 -> not significant
    table = summarize_kano_counts(pd.DataFrame([{"A": 10, "O": 30, "M": 40, "I": 15, "R": 3, "Q": 2}]))
    assert table["fong_threshold"].iat[0] == pytest.approx(1.65 * np.sqrt(70 * 130 / 200), abs=1e-12)
    assert table["fong_difference"].iat[0] == 10
    assert not table["fong_significant"].iat[0]
    clear = summarize_kano_counts(pd.DataFrame([{"A": 5, "O": 20, "M": 60, "I": 15, "R": 0, "Q": 0}]))
    assert clear["fong_significant"].iat[0]


def test_ties_are_broken_must_be_first():
    tied = pd.DataFrame([
        {"A": 10, "O": 10, "M": 10, "I": 10, "R": 0, "Q": 0},
        {"A": 12, "O": 12, "M": 3, "I": 12, "R": 0, "Q": 0},
        {"A": 12, "O": 3, "M": 3, "I": 12, "R": 0, "Q": 0},
    ])
    assert summarize_kano_counts(tied)["category"].tolist() == ["M", "O", "A"]


def test_kano_table_counts_match_a_crosstab_of_the_classification(make_survey):
    survey = make_survey(n=120, seed=3)
    table = kl.kano_table(survey).set_index("feature")
    for feature, (f, d) in survey.codebook.kano_pairs().items():
        letters = pd.Series(kl.kano_classify(survey.data[f], survey.data[d]))
        for category in "AOMIRQ":
            assert table.loc[feature, category] == (letters == category).sum()
        assert table.loc[feature, "n"] == len(letters)
        core = letters.isin(list("AOMI")).sum()
        assert table.loc[feature, "better"] == pytest.approx(letters.isin(["A", "O"]).sum() / core)
        assert table.loc[feature, "worse"] == pytest.approx(-letters.isin(["O", "M"]).sum() / core)
        assert table.loc[feature, "importance"] == pytest.approx(survey.data[f.replace("_f", "_imp")].mean())
        functional_points = survey.data[f].map({1: 4, 2: 2, 3: 0, 4: -1, 5: -2})
        assert table.loc[feature, "functional_score"] == pytest.approx(functional_points.mean())
        dysfunctional_points = survey.data[d].map({1: -2, 2: -1, 3: 0, 4: 2, 5: 4})
        assert table.loc[feature, "dysfunctional_score"] == pytest.approx(dysfunctional_points.mean())
    assert set(table["category_zh"]) <= {"魅力型", "期望型", "必备型", "无差异型", "反向型", "可疑结果"}


def test_kano_table_by_department_suppresses_small_groups(make_survey):
    table = kl.kano_table(make_survey(), by="department")
    legal = table[table["department"] == "Legal"]
    assert legal["suppressed"].all() and legal["A"].isna().all() and legal["category"].isna().all()
    assert (table["suppression"] == "complementary").any()
    shown = table[~table["suppressed"]]
    assert (shown[list("AOMIRQ")].sum(axis=1) == shown["n"]).all()


def test_kano_codes_is_the_integer_form():
    assert kano_codes(np.array([1, 2, 5]), np.array([5, 5, 1])).tolist() == [1, 2, 4]


# ---------------------------------------------------------------- denominators and CS intervals (R: fixtures/r/drivers.R)
CS_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def r_kano(reference):
    return reference("drivers")["kano"]


@pytest.mark.parametrize("denominator", ["AOMI", "all"])
@pytest.mark.parametrize("confidence", [0.95, 0.90])
@pytest.mark.parametrize("interval", ["wilson", "normal"])
def test_better_worse_and_intervals_match_r(r_kano, denominator, confidence, interval):
    survey = kl.load_case("it_firm")
    feature_of = {f_column.split("_")[0]: feature for feature, (f_column, _) in survey.codebook.kano_pairs().items()}
    table = kl.kano_table(survey, denominator=denominator, confidence=confidence, interval=interval).set_index("feature")
    for row in r_kano:
        ours = table.loc[feature_of[row["feature"]]]
        assert [ours[c] for c in "AOMIRQ"] == [row["counts"][c] for c in "AOMIRQ"]
        expected = row[f"{denominator}_{round(100 * confidence):02d}"]
        better, worse = expected["better"], expected["worse"]
        assert ours["better"] == pytest.approx(better["p"], abs=CS_TOLERANCE)
        assert ours["worse"] == pytest.approx(-worse["p"], abs=CS_TOLERANCE)
        assert ours["better_ci_low"] == pytest.approx(better[f"{interval}_low"], abs=CS_TOLERANCE)
        assert ours["better_ci_high"] == pytest.approx(better[f"{interval}_high"], abs=CS_TOLERANCE)
        assert ours["worse_ci_low"] == pytest.approx(-worse[f"{interval}_high"], abs=CS_TOLERANCE)
        assert ours["worse_ci_high"] == pytest.approx(-worse[f"{interval}_low"], abs=CS_TOLERANCE)


def test_denominator_all_counts_reverse_and_questionable():
    counts = pd.DataFrame([{"A": 10, "O": 30, "M": 40, "I": 15, "R": 3, "Q": 2}])
    aomi = summarize_kano_counts(counts)
    everything = summarize_kano_counts(counts, denominator="all")
    assert aomi["better"].iloc[0] == pytest.approx(40 / 95) and aomi["worse"].iloc[0] == pytest.approx(-70 / 95)
    assert everything["better"].iloc[0] == pytest.approx(40 / 100) and everything["worse"].iloc[0] == pytest.approx(-70 / 100)
    assert aomi["category"].iloc[0] == everything["category"].iloc[0]
    with pytest.raises(kl.OptionError, match="denominator"):
        summarize_kano_counts(counts, denominator="AOM")
    with pytest.raises(kl.OptionError, match="interval"):
        summarize_kano_counts(counts, interval="exact")


def test_wilson_interval_stays_inside_zero_one_at_the_edges():
    counts = pd.DataFrame([{"A": 0, "O": 0, "M": 12, "I": 0, "R": 0, "Q": 0}, {"A": 0, "O": 0, "M": 0, "I": 0, "R": 0, "Q": 0}])
    table = summarize_kano_counts(counts)
    assert table.loc[0, "better_ci_low"] == 0 and 0 < table.loc[0, "better_ci_high"] < 0.3
    assert table.loc[0, "worse_ci_low"] == -1 and -1 < table.loc[0, "worse_ci_high"] < -0.7
    assert table.loc[1, ["better_ci_low", "better_ci_high", "worse_ci_low", "worse_ci_high"]].isna().all()
