"""CSI (0-100) and importance-performance analysis (issue 4)."""

import numpy as np
import pytest

import kitlib as kl

DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
ITEMS = {"tangibles": range(1, 5), "reliability": range(5, 10), "responsiveness": range(10, 14),
         "assurance": range(14, 18), "empathy": range(18, 23)}


def dimension_means(data):
    return {d: data[[f"P{i:02d}" for i in items]].mean(axis=1).mean() for d, items in ITEMS.items()}


def test_csi_is_the_allocation_weighted_rescaled_mean(make_survey):
    survey = make_survey()
    data = survey.data
    allocation = data[[f"W_{d}" for d in DIMENSIONS]]
    weights = allocation.div(allocation.sum(axis=1), axis=0).mean().to_numpy()
    means = dimension_means(data)
    expected = sum(w * 100 * (means[d] - 1) / 6 for w, d in zip(weights, DIMENSIONS))
    result = kl.csi(survey)
    assert result.csi == pytest.approx(expected, abs=1e-9)
    assert result.weights_source == "mean importance allocation"
    assert result.dimensions["weight"].sum() == pytest.approx(1)


def test_equal_weights_and_scale_ends(make_survey):
    survey = make_survey()
    means = dimension_means(survey.data)
    assert kl.csi(survey, weights="equal").csi == pytest.approx(np.mean([100 * (m - 1) / 6 for m in means.values()]))
    top = survey.data.copy()
    top[[f"P{i:02d}" for i in range(1, 23)]] = 7.0
    assert kl.csi(make_survey(frame=top)).csi == pytest.approx(100)
    top[[f"P{i:02d}" for i in range(1, 23)]] = 1.0
    assert kl.csi(make_survey(frame=top)).csi == pytest.approx(0)


def test_csi_per_provider_and_bad_weights(make_survey):
    survey = make_survey()
    result = kl.csi(survey, by="department")
    groups = result.table.set_index("department")
    assert np.isnan(groups.loc["Legal", "csi"]) and groups.loc["Legal", "suppression"] == "n<5"
    sales = kl.csi(survey.filter(department="Sales"), weights={d: w for d, w in zip(DIMENSIONS, result.dimensions["weight"])})
    assert groups.loc["Sales", "csi"] == pytest.approx(sales.csi)
    with pytest.raises(kl.OptionError, match="weights"):
        kl.csi(survey, weights="median")


def test_derived_importance_is_the_correlation_with_overall(make_survey):
    survey = make_survey()
    result = kl.ipa(survey, importance="derived")
    table = result.table.set_index("unit")
    scores = survey.data[[f"P{i:02d}" for i in ITEMS["reliability"]]].mean(axis=1)
    assert table.loc["reliability", "importance"] == pytest.approx(np.corrcoef(scores, survey.data["overall"])[0, 1])
    assert result.importance_cut == pytest.approx(table["importance"].mean())
    assert result.performance_cut == pytest.approx(table["performance"].mean())


def test_stated_importance_and_quadrant_rules(make_survey):
    survey = make_survey()
    result = kl.ipa(survey)
    table = result.table.set_index("unit")
    allocation = survey.data[[f"W_{d}" for d in DIMENSIONS]]
    shares = 100 * allocation.div(allocation.sum(axis=1), axis=0).mean()
    assert table.loc["empathy", "importance"] == pytest.approx(shares["W_empathy"])
    for _unit, row in table.iterrows():
        high_i, high_p = row["importance"] >= result.importance_cut, row["performance"] >= result.performance_cut
        expected = {(True, True): "keep_up", (True, False): "concentrate", (False, False): "low_priority", (False, True): "overkill"}
        assert row["quadrant"] == expected[(high_i, high_p)]
    # the synthetic data plant a low reliability score with a high allocation
    assert table.loc["reliability", "quadrant"] == "concentrate"
    assert table.loc["reliability", "quadrant_zh"] == "重点改进"
    assert table.loc["reliability", "quadrant_en"] == "Concentrate here"


def test_item_level_uses_expectations_as_stated_importance(make_survey):
    survey = make_survey()
    table = kl.ipa(survey, level="item").table.set_index("unit")
    assert len(table) == 22
    assert table.loc["P05", "importance"] == pytest.approx(survey.data["E05"].mean())


@pytest.mark.parametrize("kwargs", [{"importance": "felt"}, {"level": "feature"}])
def test_bad_ipa_options(kwargs, make_survey):
    with pytest.raises(kl.OptionError):
        kl.ipa(make_survey(), **kwargs)


def test_stated_importance_without_allocation_explains_the_alternative(make_survey):
    survey = make_survey()
    survey.codebook.columns = {k: v for k, v in survey.codebook.columns.items() if not k.startswith("W_")}
    with pytest.raises(kl.AnalysisInputError, match="derived"):
        kl.ipa(survey)
    assert kl.csi(survey).weights_source == "equal"


def test_provider_matrix_cells_and_suppression(make_survey):
    survey = make_survey()
    matrix = kl.provider_matrix(survey, value="reliability")
    cells = matrix.cells.set_index(["provider", "department"])
    rows = survey.data[(survey.data["provider"] == "HR Service") & (survey.data["department"] == "Sales")]
    assert cells.loc[("HR Service", "Sales"), "mean"] == pytest.approx(rows[[f"P{i:02d}" for i in ITEMS["reliability"]]].mean(axis=1).mean())
    assert cells.loc[("HR Service", "Legal"), "suppression"] == "n<5"
    # every row and column of the published matrix hides either nothing or at least two cells
    hidden = matrix.suppressed.astype("boolean")
    for axis in (0, 1):
        counts = hidden.sum(axis=axis)
        assert ((counts == 0) | (counts >= 2) | (counts == hidden.notna().sum(axis=axis))).all()
    nps_matrix = kl.provider_matrix(survey, value="nps", min_group_size=3)
    assert nps_matrix.values.loc["HR Service", "Legal"] == pytest.approx(
        kl.nps(survey.data[(survey.data["provider"] == "HR Service") & (survey.data["department"] == "Legal")]["nps"]).nps)
    with pytest.raises(kl.OptionError, match="value must be"):
        kl.provider_matrix(survey, value="loyalty")
