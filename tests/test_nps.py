"""NPS with the trinomial standard error (issue 4)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import kitlib as kl
from kitlib.service.net_promoter import nps_row


def test_nps_and_ci_follow_the_trinomial_formula():
    scores = [10] * 30 + [9] * 10 + [8] * 15 + [7] * 5 + [6] * 8 + [2] * 12
    result = kl.nps(scores)
    n, p_pro, p_det = 80, 40 / 80, 20 / 80
    variance = (p_pro + p_det - (p_pro - p_det) ** 2) / n
    assert result.nps == pytest.approx(100 * (p_pro - p_det), abs=1e-12)
    assert result.se == pytest.approx(100 * np.sqrt(variance), abs=1e-12)
    z = stats.norm.ppf(0.975)
    assert result.ci_low == pytest.approx(25 - z * 100 * np.sqrt(variance), abs=1e-9)
    assert result.ci_high == pytest.approx(25 + z * 100 * np.sqrt(variance), abs=1e-9)
    assert (result.promoters, result.passives, result.detractors, result.n) == (40, 20, 20, 80)
    assert "NPS +25.0" in repr(result)


def test_other_confidence_levels_and_missing_answers():
    result = kl.nps([10, 9, np.nan, 3, 8, 7, 0], confidence=0.9)
    assert result.n == 6
    z = stats.norm.ppf(0.95)
    assert result.ci_high - result.nps == pytest.approx(z * result.se, abs=1e-9)


def test_ci_is_clipped_to_the_scale():
    result = kl.nps([10, 10, 9, 6])
    assert result.ci_high <= 100


@given(st.lists(st.integers(0, 10), min_size=1, max_size=300))
@settings(max_examples=80, deadline=None)
def test_invariants(scores):
    result = kl.nps(scores)
    assert result.promoters + result.passives + result.detractors == result.n == len(scores)
    assert -100 <= result.ci_low <= result.nps <= result.ci_high <= 100
    assert result.se >= 0


@pytest.mark.parametrize("bad", [[11, 3], [-1], [7.5], [], [np.nan]])
def test_bad_scores_raise(bad):
    with pytest.raises(kl.AnalysisInputError):
        kl.nps(bad)


def test_nps_table_per_group_with_suppression(make_survey):
    survey = make_survey()
    table = kl.nps_table(survey, by="department").set_index("department")
    sales = survey.data.loc[survey.data["department"] == "Sales", "nps"]
    assert table.loc["Sales", "nps"] == pytest.approx(kl.nps(sales).nps)
    assert table.loc["Legal", "suppression"] == "n<5" and np.isnan(table.loc["Legal", "nps"])
    assert (table["suppression"] == "complementary").sum() == 1
    overall = kl.nps_table(survey)
    assert overall["n"].iat[0] == len(survey.data)


# ---------------------------------------------------------------- adjusted Wald and differences (R: fixtures/r/drivers.R)
NPS_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def r_nps(reference):
    return reference("drivers")["nps"]


def _nps_inputs():
    it_firm = kl.load_case("it_firm").data
    small = [10, 9, 8, 7, 6, 3, 10, 10]
    return {
        "it_firm": it_firm["nps"], "it_firm_90": it_firm["nps"], "it_firm_HR": it_firm.loc[it_firm["provider"] == "HR", "nps"],
        "small": small, "all_promoters": [10, 10, 9, 10, 9],
        "it_support_vs_hr": (it_firm.loc[it_firm["provider"] == "IT Support", "nps"], it_firm.loc[it_firm["provider"] == "HR", "nps"]),
        "finance_vs_procurement": (it_firm.loc[it_firm["provider"] == "Finance", "nps"],
                                   it_firm.loc[it_firm["provider"] == "Procurement", "nps"]),
        "small_two": (small, [3, 4, 10, 8, 9, 6]),
    }


def test_wald_and_adjusted_wald_intervals_match_r(r_nps):
    inputs = _nps_inputs()
    for row in r_nps["one_sample"]:
        wald = kl.nps(inputs[row["key"]], row["conf"])
        adjusted = kl.nps(inputs[row["key"]], row["conf"], interval="adjusted_wald")
        for result in (wald, adjusted):
            assert (result.n, result.promoters, result.detractors) == (row["n"], row["promoters"], row["detractors"])
            assert result.nps == pytest.approx(row["nps"], abs=NPS_TOLERANCE)
            assert result.se == pytest.approx(row["se"], abs=NPS_TOLERANCE)
        assert wald.ci_low == pytest.approx(max(-100, row["wald_low"]), abs=NPS_TOLERANCE), row["key"]
        assert wald.ci_high == pytest.approx(min(100, row["wald_high"]), abs=NPS_TOLERANCE), row["key"]
        assert adjusted.ci_low == pytest.approx(max(-100, row["adjusted_low"]), abs=NPS_TOLERANCE), row["key"]
        assert adjusted.ci_high == pytest.approx(min(100, row["adjusted_high"]), abs=NPS_TOLERANCE), row["key"]
        assert adjusted.interval == "adjusted_wald" and "adjusted Wald" in repr(adjusted)


def test_adjusted_wald_does_not_collapse_for_unanimous_groups():
    wald = kl.nps([10, 10, 9, 10, 9])
    adjusted = kl.nps([10, 10, 9, 10, 9], interval="adjusted_wald")
    assert wald.ci_low == wald.ci_high == 100
    assert adjusted.ci_low < 100 and adjusted.ci_high == 100


def test_nps_difference_matches_r(r_nps):
    inputs = _nps_inputs()
    for row in r_nps["two_sample"]:
        a, b = inputs["small_two" if row["key"] == "small" else row["key"]]
        for interval in ("wald", "adjusted_wald"):
            expected = row[interval]
            result = kl.nps_difference(a, b, confidence=row["conf"], interval=interval)
            assert result.a.nps == pytest.approx(row["nps_a"], abs=NPS_TOLERANCE)
            assert result.b.nps == pytest.approx(row["nps_b"], abs=NPS_TOLERANCE)
            assert (result.a.n, result.b.n) == (row["n_a"], row["n_b"])
            assert result.difference == pytest.approx(row["nps_a"] - row["nps_b"], abs=NPS_TOLERANCE)
            for field in ("se", "z", "p", "ci_low", "ci_high"):
                assert getattr(result, field) == pytest.approx(expected[field], abs=NPS_TOLERANCE), (row["key"], interval, field)
            assert (result.ci_low + result.ci_high) / 2 == pytest.approx(expected["difference"], abs=NPS_TOLERANCE)
            assert result.significant == (expected["p"] < 1 - row["conf"])


def test_nps_difference_accepts_results_and_is_frozen():
    a, b = [10, 9, 9, 8, 10, 3], [3, 6, 9, 7, 5, 10]
    from_scores = kl.nps_difference(a, b)
    from_results = kl.nps_difference(kl.nps(a), kl.nps(b))
    assert from_scores.difference == from_results.difference and from_scores.p == from_results.p
    assert kl.nps_difference(b, a).difference == -from_scores.difference
    assert "NPS difference" in repr(from_scores)
    with pytest.raises(AttributeError):
        from_scores.p = 0.5
    same = kl.nps_difference([10, 10], [10, 10])
    assert same.se == 0 and same.p == 1.0


def test_interval_option_is_checked():
    with pytest.raises(kl.OptionError, match="interval"):
        kl.nps([10, 9], interval="wilson")
    with pytest.raises(kl.OptionError, match="interval"):
        kl.nps_difference([10, 9], [3, 4], interval="score")
    with pytest.raises(kl.AnalysisInputError):
        kl.nps_difference([], [3, 4])


def test_nps_table_passes_the_interval(make_survey):
    survey = make_survey()
    plain = kl.nps_table(survey)
    adjusted = kl.nps_table(survey, interval="adjusted_wald")
    assert plain["nps"].tolist() == adjusted["nps"].tolist()
    assert not np.allclose(plain["ci_low"], adjusted["ci_low"])


# ---------------------------------------------------------------- several ratings per person, against R's sandwich
CLUSTERED = Path(__file__).parent / "fixtures" / "r"


@pytest.fixture(scope="module")
def clustered():
    ratings = pd.read_csv(CLUSTERED / "nps_clustered.csv")
    reference = json.loads((CLUSTERED / "nps_clustered.json").read_text(encoding="utf-8"))
    return ratings, reference


def _check_row(row: dict, expected: dict) -> None:
    assert (row["n"], row["n_rows"]) == (expected["n"], expected["n_rows"])
    assert row["nps"] == pytest.approx(expected["nps"], abs=1e-9)
    assert row["se"] == pytest.approx(expected["se"], abs=1e-9)


def test_the_nps_standard_error_of_several_ratings_per_person_is_sandwichs_cr0(clustered):
    """nps_row with respondent ids = sandwich::vcovCL(lm(s ~ 1), cluster = ~respondent_id, type = "HC0", cadjust = FALSE)."""
    ratings, reference = clustered
    _check_row(nps_row(ratings["nps"], ratings["respondent_id"]), reference["overall"])
    for provider, part in ratings.groupby("provider"):
        _check_row(nps_row(part["nps"], part["respondent_id"]), reference["by_provider"][provider])
    trinomial = nps_row(ratings["nps"])  # the same ratings taken as independent: a smaller SE than the clustered one
    assert trinomial["se"] < reference["overall"]["se"]


def test_with_one_rating_each_the_clustered_se_is_the_trinomial_se(clustered):
    ratings, reference = clustered
    answered = ratings.dropna(subset=["nps"])
    first = answered.drop_duplicates("respondent_id")
    expected = reference["one_rating_each"]
    _check_row(nps_row(first["nps"], first["respondent_id"]), expected)
    assert expected["se"] == pytest.approx(expected["trinomial_se"], abs=1e-9)
    assert nps_row(first["nps"])["se"] == pytest.approx(expected["trinomial_se"], abs=1e-9)
