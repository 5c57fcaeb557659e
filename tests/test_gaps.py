"""SERVQUAL gaps and the self-view gap against R's t.test and closed forms (issue 4).

Reference: tests/fixtures/r/gaps.json written by tests/fixtures/r/gaps.R from
tests/fixtures/r/service_small.csv (R ``t.test(paired = TRUE)``).
"""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

import kitlib as kl

TOLERANCE = 1e-6
COMPARED = ["n", "E", "P", "gap", "t", "dof", "p", "ci_low", "ci_high", "d_z"]


@pytest.fixture(scope="module")
def r_gaps(reference):
    return reference("gaps")


def assert_matches(table, key, rows):
    table = table.set_index(key)
    for row in rows:
        ours = table.loc[row["key"]]
        for column in COMPARED:
            assert ours[column] == pytest.approx(row[column], abs=TOLERANCE, rel=TOLERANCE), (row["key"], column)


def test_item_dimension_overall_gaps_match_r(small, r_gaps):
    result = kl.servqual_gaps(small)
    assert_matches(result.items, "P_item", r_gaps["all"]["items"])
    assert_matches(result.dimensions, "dimension", r_gaps["all"]["dimensions"])
    assert_matches(result.overall, "score", r_gaps["all"]["overall"])
    assert result.weights == "respondent"


def test_missing_answers_drop_only_that_pair(small, r_gaps):
    items = kl.servqual_gaps(small).items.set_index("P_item")
    assert items.loc["P03", "n"] == 59 and items.loc["P07", "n"] == 59 and items.loc["P01", "n"] == 60


def test_gaps_by_provider_match_r(small, r_gaps):
    result = kl.servqual_gaps(small, by="provider")
    assert not result.dimensions["suppressed"].any()
    for provider, tables in r_gaps["by_provider"].items():
        assert_matches(result.items[result.items["provider"] == provider], "P_item", tables["items"])
        assert_matches(result.dimensions[result.dimensions["provider"] == provider], "dimension", tables["dimensions"])
        assert_matches(result.overall[result.overall["provider"] == provider], "score", tables["overall"])


def test_d_z_is_mean_over_sd_of_differences_not_pingouins_cohen_d(small):
    p, e = small.data["P05"], small.data["E05"]
    diff = p - e
    row = kl.servqual_gaps(small).items.set_index("P_item").loc["P05"]
    assert row["d_z"] == pytest.approx(diff.mean() / diff.std(ddof=1), abs=1e-12)
    pingouin_d = pg.ttest(p, e, paired=True)["cohen_d"].iloc[0]
    assert abs(pingouin_d - abs(row["d_z"])) > 0.05  # pingouin's cohen_d is a different effect size


def test_confidence_interval_is_not_rounded(small):
    test = kl.paired_test(small.data["P01"], small.data["E01"], confidence=0.9)
    diff = small.data["P01"] - small.data["E01"]
    half = stats.t.ppf(0.95, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    assert test.ci_low == pytest.approx(diff.mean() - half, abs=1e-12)
    assert test.ci_high == pytest.approx(diff.mean() + half, abs=1e-12)
    assert round(test.ci_low, 2) != test.ci_low


def test_mean_and_fixed_weights(small):
    columns = [f"W_{d}" for d in ("tangibles", "reliability", "responsiveness", "assurance", "empathy")]
    shares = small.data[columns].div(small.data[columns].sum(axis=1), axis=0).mean().to_numpy()
    dims = kl.servqual_gaps(small).dimensions
    gap_scores = {}
    model = small.codebook.servqual_model("P")
    for dimension, p_items in model.items():
        e_items = [item.replace("P", "E") for item in p_items]
        gap_scores[dimension] = small.data[p_items].mean(axis=1) - small.data[e_items].mean(axis=1)
    weighted = sum(w * gap_scores[d] for w, d in zip(shares, model))
    overall = kl.servqual_gaps(small, weights="mean").overall.set_index("score")
    assert overall.loc["weighted", "gap"] == pytest.approx(weighted.mean(), abs=1e-12)
    fixed = kl.servqual_gaps(small, weights={d: 1 for d in model}).overall.set_index("score")
    assert fixed.loc["weighted", "gap"] == pytest.approx(fixed.loc["unweighted", "gap"], abs=1e-12)
    assert dims["gap"].mean() == pytest.approx(fixed.loc["unweighted", "gap"], abs=1e-12)


def test_small_department_and_a_sibling_are_suppressed(make_survey):
    survey = make_survey()
    result = kl.servqual_gaps(survey, by="department")
    dims = result.dimensions.set_index("department")
    assert dims.loc["Legal", "suppression"].unique().tolist() == ["n<5"]
    assert dims.loc["Legal", "gap"].isna().all()
    complementary = dims[dims["suppression"] == "complementary"].index.unique().tolist()
    assert len(complementary) == 1  # one more department hidden so Legal cannot be recovered from the total
    assert dims.loc[complementary[0], ["gap", "t", "p", "n"]].isna().all().all()
    shown = dims[~dims["suppressed"]]
    assert shown["gap"].notna().all()
    assert "suppressed" in repr(result)


def test_without_allocation_there_is_no_weighted_score(make_survey):
    survey = make_survey()
    survey.codebook.columns = {k: v for k, v in survey.codebook.columns.items() if not k.startswith("W_")}
    result = kl.servqual_gaps(survey)
    assert result.overall["score"].tolist() == ["unweighted"] and result.weights is None
    with pytest.raises(kl.AnalysisInputError, match="allocation"):
        kl.servqual_gaps(survey, weights="respondent")


@pytest.mark.parametrize(
    "kwargs, message, error",
    [({"by": "team"}, "no such column", kl.AnalysisInputError), ({"weights": "median"}, "weights must be", kl.OptionError),
     ({"weights": {"tangibles": 1}}, "each dimension", kl.OptionError), ({"min_group_size": 0}, "min_group_size", kl.OptionError),
     ({"confidence": 1.5}, "confidence", kl.OptionError)],
)
def test_bad_arguments_raise_clear_errors(kwargs, message, error, make_survey):
    with pytest.raises(error, match=message):
        kl.servqual_gaps(make_survey(), **kwargs)


def test_not_a_survey_is_rejected():
    with pytest.raises(kl.AnalysisInputError, match="needs a Survey"):
        kl.servqual_gaps(pd.DataFrame({"P01": [1, 2]}))


def test_self_view_gap_is_receivers_minus_staff_with_welch_test(make_survey):
    survey = make_survey()
    table = kl.self_view_gap(survey).set_index(["provider", "dimension"])
    receivers = survey.data[survey.data["provider"] == "IT Support"][[f"P{i:02d}" for i in range(5, 10)]].mean(axis=1)
    staff = survey.self_assessment[survey.self_assessment["provider"] == "IT Support"][[f"P{i:02d}" for i in range(5, 10)]].mean(axis=1)
    row = table.loc[("IT Support", "reliability")]
    assert row["self_view_gap"] == pytest.approx(receivers.mean() - staff.mean(), abs=1e-12)
    welch = stats.ttest_ind(receivers, staff, equal_var=False)
    assert row["t"] == pytest.approx(welch.statistic, abs=1e-9)
    assert row["p"] == pytest.approx(welch.pvalue, abs=1e-9)
    assert row["n_staff"] == 6 and row["self_view_gap"] < 0  # staff rate themselves higher in the synthetic data


def test_self_view_gap_hides_providers_with_few_staff(make_survey):
    survey = make_survey()
    survey.self_assessment = survey.self_assessment.groupby("provider").head(3)
    table = kl.self_view_gap(survey)
    assert table["suppressed"].all() and table["self_view_gap"].isna().all()


def test_self_view_gap_needs_a_self_assessment(make_survey):
    with pytest.raises(kl.AnalysisInputError, match="self-assessment"):
        kl.self_view_gap(make_survey(self_assessment=False))
