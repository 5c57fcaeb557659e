"""NPS with the trinomial standard error (issue 4)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import kitlib as kl


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
