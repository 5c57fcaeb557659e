"""Key-driver analysis (Shapley/LMG, Johnson's relative weights) against R, and derived importance for IPA.

Reference: tests/fixtures/r/drivers.json written by tests/fixtures/r/drivers.R from
tests/fixtures/r/drivers_it_firm.csv (the it_firm case; LMG from all-subsets ``lm`` fits,
relative weights from ``eigen``).  Bootstrap intervals are checked for reproducibility
and coverage, not against R.
"""

import numpy as np
import pandas as pd
import pytest

import kitlib as kl
from kitlib.service.key_drivers import MAX_SHAPLEY_PREDICTORS, DriverResult

TOLERANCE = 1e-6
DIMENSIONS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]


@pytest.fixture(scope="module")
def r_drivers(reference):
    return {case["key"]: case for case in reference("drivers")["drivers"]}


@pytest.fixture(scope="module")
def it_firm():
    return kl.load_case("it_firm")


def model(survey):
    return survey.codebook.servqual_model("P")


CASES = {
    "overall_dimensions": ("overall", None),
    "nps_dimensions": ("nps", None),
    "overall_items_1_10": ("overall", [f"P{i:02d}" for i in range(1, 11)]),
}


@pytest.mark.parametrize("key", list(CASES))
@pytest.mark.parametrize("method", ["shapley", "relative_weights"])
def test_decomposition_matches_r(it_firm, r_drivers, key, method):
    outcome, predictors = CASES[key]
    expected = r_drivers[key]
    result = kl.drivers(it_firm, outcome, predictors if predictors else model(it_firm), method=method, n_boot=0)
    assert result.n == expected["n"]
    assert result.r2 == pytest.approx(expected["r2_lm"], abs=TOLERANCE)
    assert list(result.table.index) == expected["predictors"]
    for predictor, value in expected[method].items():
        assert result.table.loc[predictor, "raw"] == pytest.approx(value, abs=TOLERANCE), (key, method, predictor)
    assert result.table["raw"].sum() == pytest.approx(result.r2, abs=1e-10)
    assert result.table["share"].sum() == pytest.approx(1.0, abs=1e-10)


def test_survey_defaults_and_dataframe_input_agree(it_firm):
    default = kl.drivers(it_firm, n_boot=0)  # outcome "overall", predictors: the P dimensions
    assert list(default.table.index) == DIMENSIONS
    scores = pd.DataFrame({d: it_firm.data[items].mean(axis=1) for d, items in model(it_firm).items()})
    scores["overall"] = it_firm.data["overall"]
    frame = kl.drivers(scores, "overall", DIMENSIONS, n_boot=0)
    pd.testing.assert_frame_equal(default.table, frame.table)
    by_kind = kl.drivers(it_firm, "nps", n_boot=0)
    assert by_kind.outcome == "nps"


def test_ranks_and_listwise_deletion(it_firm):
    data = it_firm.data[["P01", "P02", "P03", "overall"]].copy()
    data.loc[data.index[:7], "P02"] = np.nan
    result = kl.drivers(data, "overall", ["P01", "P02", "P03"], n_boot=0)
    assert result.n == len(data.dropna()) < len(it_firm.data[["P01", "P03", "overall"]].dropna())
    order = result.table["raw"].sort_values(ascending=False).index
    assert result.table.loc[order, "rank"].tolist() == [1, 2, 3]


def test_single_predictor_gets_all_of_r2():
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    frame = pd.DataFrame({"x": x, "y": x + rng.normal(size=200)})
    for method in ("shapley", "relative_weights"):
        result = kl.drivers(frame, "y", ["x"], method=method, n_boot=0)
        assert result.table.loc["x", "raw"] == pytest.approx(np.corrcoef(frame["x"], frame["y"])[0, 1] ** 2, abs=1e-12)


def test_bootstrap_is_reproducible_with_a_seed(it_firm):
    first = kl.drivers(it_firm, n_boot=300, seed=7)
    again = kl.drivers(it_firm, n_boot=300, seed=7)
    other = kl.drivers(it_firm, n_boot=300, seed=8)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert not np.allclose(first.table["ci_low"], other.table["ci_low"])
    assert first.n_boot == 300
    table = first.table
    assert ((table["ci_low"] <= table["raw"]) & (table["raw"] <= table["ci_high"])).all()
    assert first.r2_ci_low <= first.r2 <= first.r2_ci_high
    assert isinstance(first, DriverResult)
    with pytest.raises(AttributeError):
        first.r2 = 0.0  # frozen


def test_bootstrap_matches_a_plain_resampling_loop(it_firm):
    """The batched weighted-moment bootstrap equals refitting each resample of rows."""
    result = kl.drivers(it_firm, n_boot=50, seed=3, method="relative_weights")
    scores = pd.DataFrame({d: it_firm.data[items].mean(axis=1) for d, items in model(it_firm).items()})
    values = np.column_stack([scores.to_numpy(), it_firm.data["overall"].to_numpy()])
    values = values[np.isfinite(values).all(axis=1)]
    rng = np.random.default_rng(3)
    draws = rng.integers(0, len(values), size=(50, len(values)))
    raws = []
    for rows in draws:
        frame = pd.DataFrame(values[rows], columns=[*DIMENSIONS, "overall"])
        raws.append(kl.drivers(frame, "overall", DIMENSIONS, method="relative_weights", n_boot=0).table["raw"])
    low, high = np.percentile(np.array(raws), [2.5, 97.5], axis=0)
    assert np.allclose(result.table["ci_low"], low, atol=1e-10)
    assert np.allclose(result.table["ci_high"], high, atol=1e-10)


def test_bootstrap_coverage_on_simulated_data():
    """Percentile intervals cover the population Shapley values in most simulated samples."""
    rng = np.random.default_rng(2026)
    corr = np.array([[1.0, 0.4, 0.2], [0.4, 1.0, 0.3], [0.2, 0.3, 1.0]])
    beta = np.array([0.5, 0.3, 0.2])
    noise = 1.0
    big = rng.multivariate_normal(np.zeros(3), corr, size=400_000)
    population = pd.DataFrame(big, columns=["a", "b", "c"])
    population["y"] = big @ beta + noise * rng.normal(size=len(big))
    truth = kl.drivers(population, "y", ["a", "b", "c"], n_boot=0).table["raw"]
    covered, samples = np.zeros(3), 40
    for sample in range(samples):
        rows = rng.integers(0, len(population), size=300)
        result = kl.drivers(population.iloc[rows], "y", ["a", "b", "c"], n_boot=200, confidence=0.9, seed=sample)
        covered += ((result.table["ci_low"] <= truth) & (truth <= result.table["ci_high"])).to_numpy()
    assert (covered / samples >= 0.7).all(), covered / samples  # nominal 0.9; 40 samples, generous bound


def test_options_and_input_errors(it_firm):
    with pytest.raises(kl.OptionError, match="method"):
        kl.drivers(it_firm, method="dominance")
    with pytest.raises(kl.OptionError, match="n_boot"):
        kl.drivers(it_firm, n_boot=-1)
    with pytest.raises(kl.OptionError, match="confidence"):
        kl.drivers(it_firm, confidence=95)
    items = it_firm.codebook.items("servqual_P")
    assert len(items) > MAX_SHAPLEY_PREDICTORS
    with pytest.raises(kl.OptionError, match="at most 15"):
        kl.drivers(it_firm, "overall", items, n_boot=0)
    assert len(kl.drivers(it_firm, "overall", items, method="relative_weights", n_boot=0).table) == len(items)
    with pytest.raises(kl.AnalysisInputError, match="not a column"):
        kl.drivers(it_firm, "satisfaction")
    with pytest.raises(kl.AnalysisInputError, match="not in the data"):
        kl.drivers(it_firm, "overall", ["P01", "P99"])
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 4, 6, 8, 10, 12], "y": [1.0, 3, 2, 5, 4, 6]})
    with pytest.raises(kl.AnalysisInputError, match="collinear"):
        kl.drivers(frame, "y", ["a", "b"], n_boot=0)
    frame["c"] = 1.0
    with pytest.raises(kl.AnalysisInputError, match="one value"):
        kl.drivers(frame, "y", ["a", "c"], n_boot=0)
    with pytest.raises(kl.AnalysisInputError, match="also a predictor"):
        kl.drivers(frame, "y", ["a", "y"], n_boot=0)


def test_repr_is_readable(it_firm):
    text = repr(kl.drivers(it_firm, n_boot=100))
    assert "Shapley/LMG of overall" in text and "n = 640" in text and "responsiveness" in text


# ---------------------------------------------------------------- IPA with derived importance


def test_driver_importance_feeds_ipa(it_firm):
    imp = kl.driver_importance(it_firm, n_boot=200)
    assert imp.index.name == "unit" and list(imp.index) == DIMENSIONS
    assert {"importance", "ci_low", "ci_high"} <= set(imp.columns)
    assert imp["importance"].sum() == pytest.approx(imp.attrs["r2"], abs=1e-10)
    grid = kl.uncertain_quadrants(kl.ipa(it_firm), imp)
    assert list(grid["unit"]) == DIMENSIONS
    cut = imp["importance"].mean()
    assert grid["importance_cut"].iloc[0] == pytest.approx(cut)
    straddles = (imp["ci_low"] <= cut) & (cut <= imp["ci_high"])
    assert grid["uncertain"].tolist() == straddles.tolist()
    assert grid.loc[~grid["uncertain"], "alternative_quadrant"].isna().all()
    items = kl.driver_importance(it_firm, method="relative_weights", level="item", n_boot=0)
    assert len(items) == 22


def test_uncertain_quadrants_flags_the_straddling_unit():
    ipa_table = pd.DataFrame({"unit": ["a", "b", "c"], "performance": [5.0, 4.0, 6.0]})
    driver = pd.DataFrame({"importance": [3.0, 1.0, 2.0], "ci_low": [2.5, 0.5, 1.5], "ci_high": [3.5, 1.5, 2.5]},
                          index=pd.Index(["a", "b", "c"], name="unit"))
    grid = kl.uncertain_quadrants(ipa_table, driver)  # importance cut 2.0, performance cut 5.0
    assert grid["uncertain"].tolist() == [False, False, True]
    assert grid["driver_quadrant"].tolist() == ["keep_up", "low_priority", "keep_up"]
    assert grid["alternative_quadrant"].tolist() == [None, None, "overkill"]
    with pytest.raises(kl.AnalysisInputError, match="no driver importance"):
        kl.uncertain_quadrants(ipa_table, driver.iloc[:2])


def test_driver_importance_is_blanked_for_small_groups(it_firm):
    tiny = it_firm.filter(provider="HR")
    tiny = kl.Survey(tiny.data.iloc[:3], tiny.codebook)
    imp = kl.driver_importance(tiny, n_boot=0)
    assert imp["importance"].isna().all() and imp.attrs["suppressed"]
