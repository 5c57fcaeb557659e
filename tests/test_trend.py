"""Wave-to-wave trends: Welch t-tests against R, NPS change z-test (issue 4)."""

import numpy as np
import pytest
from scipy import stats

import kitlib as kl


def test_welch_tests_match_r(small, reference):
    welch = reference("gaps")["welch"]
    result = kl.trend(small)
    assert result.waves == ["2025Q4", "2026Q2"]
    changes = result.changes.set_index("measure")
    for row in welch:
        ours = changes.loc[row["measure"]]
        for column in ("diff", "t", "dof", "p", "ci_low", "ci_high"):
            assert ours[column] == pytest.approx(row[column], abs=1e-6, rel=1e-6), (row["measure"], column)
        assert ours["test"] == "Welch t"


def test_levels_are_wave_means_with_t_intervals(small):
    levels = kl.trend(small).levels.set_index(["measure", "wave"])
    after = small.data[small.data["wave"] == "2026Q2"]["overall"]
    row = levels.loc[("overall", "2026Q2")]
    assert row["mean"] == pytest.approx(after.mean())
    half = stats.t.ppf(0.975, len(after) - 1) * after.std(ddof=1) / np.sqrt(len(after))
    assert row["ci_high"] - row["mean"] == pytest.approx(half)


def test_nps_change_is_a_z_test_of_the_difference(small):
    changes = kl.trend(small).changes.set_index("measure")
    before = kl.nps(small.data[small.data["wave"] == "2025Q4"]["nps"])
    after = kl.nps(small.data[small.data["wave"] == "2026Q2"]["nps"])
    row = changes.loc["nps"]
    se = np.sqrt(before.se**2 + after.se**2)
    assert row["diff"] == pytest.approx(after.nps - before.nps)
    assert row["se"] == pytest.approx(se)
    assert row["p"] == pytest.approx(2 * stats.norm.sf(abs((after.nps - before.nps) / se)))
    assert row["test"] == "z (NPS)"


def test_planted_improvement_is_detected(make_survey):
    result = kl.trend(make_survey(n=200, seed=5, waves=True))
    changes = result.changes.set_index("measure")
    assert changes.loc["servqual_gap", "diff"] > 0 and changes.loc["servqual_gap", "significant"]
    assert "2025Q4 → 2026Q2" in repr(result)


def test_grouped_trend_hides_small_cells(make_survey):
    result = kl.trend(make_survey(waves=True), by="department")
    levels = result.levels
    legal = levels[levels["department"] == "Legal"]
    assert legal["suppressed"].all() and legal["mean"].isna().all()
    changes = result.changes
    assert changes.loc[changes["department"] == "Legal", "p"].isna().all()
    assert changes.loc[changes["department"] == "Sales", "p"].notna().all()


def test_one_wave_is_not_a_trend(make_survey):
    survey = make_survey(waves=True)
    with pytest.raises(kl.AnalysisInputError, match="two waves"):
        kl.trend(survey.filter(wave="2025Q4"))
    with pytest.raises(kl.AnalysisInputError, match="wave column"):
        kl.trend(make_survey())


def test_any_wave_column_name_works(small, make_survey):
    data = small.data.rename(columns={"wave": "round"})
    survey = make_survey(frame=data, waves=False)
    result = kl.trend(survey, wave_column="round")
    reference = kl.trend(small)
    assert result.changes["p"].tolist() == pytest.approx(reference.changes["p"].tolist())


def test_trend_gap_uses_the_same_definition_as_servqual_gaps(small):
    levels = kl.trend(small).levels.set_index(["measure", "wave"])
    before = small.filter(wave="2025Q4")
    overall = kl.servqual_gaps(before).overall.set_index("score")
    assert levels.loc[("servqual_gap", "2025Q4"), "mean"] == pytest.approx(overall.loc["unweighted", "gap"], abs=1e-12)
