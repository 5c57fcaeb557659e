"""Missing answers done as the field does it, against R (fixtures/r/missing.R -> fixtures/r/it_firm_missing.json).

The data: 320 complete respondents of the it_firm case's perception items with 15% of the cells blanked
completely at random (fixtures/data/it_firm_missing.csv); only 7 rows stay complete, every dimension keeps
~140-170.  Reliability per dimension uses that dimension's complete cases (``psych::alpha(na.omit(.))``),
item means/SDs also every answer (psych's pairwise ``item.stats``), the CFA FIML (lavaan ``missing = "ml"``).
"""

import math

import numpy as np
import pandas as pd
import pytest

import kitlib as kl
from kitlib.psychometrics.confirmatory import MAX_LISTWISE_LOSS

NAME = "it_firm_missing"
FIML_TOLERANCE = 1e-5  # kitlib's FIML vs lavaan missing="ml": chi2 ~4e-8, loadings ~3e-6 apart
LAVAAN_NAMES = {
    "chi2": "chisq", "df": "df", "pvalue": "pvalue", "cfi": "cfi", "tli": "tli", "rmsea": "rmsea",
    "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper", "srmr": "srmr",
    "baseline_chi2": "baseline.chisq", "baseline_df": "baseline.df", "n": "ntotal",
}


@pytest.fixture(scope="module")
def ref(reference):
    return reference(NAME)


@pytest.fixture
def data(raw_data):
    return raw_data(NAME)


@pytest.fixture(scope="module")
def fiml_result(reference, raw_data):
    """The default ``kl.cfa`` of the 15%-missing data (fitted once: FIML on 320 patterns takes a few seconds)."""
    return kl.cfa(raw_data(NAME), reference(NAME)["model"])


def test_the_dataset_is_what_the_r_script_describes(ref, data):
    design = ref["design"]
    assert data.shape == (design["n_rows"], 22)
    assert int(data.isna().sum().sum()) == design["n_cells_blank"] == round(0.15 * 320 * 22)
    assert len(data.dropna()) == design["n_complete_rows"] == 7


def test_reliability_uses_the_complete_cases_of_each_scale(ref, data, tolerance):
    table = kl.reliability(data, ref["model"])
    for scale, expected in ref["reliability"].items():
        row = table.loc[scale]
        items = ref["model"][scale]
        assert row["n"] == expected["n"] == len(data[items].dropna())  # not the 7 rows complete on every scale
        for column in ["alpha", "std_alpha", "alpha_ci_low", "alpha_ci_high"]:
            assert row[column] == pytest.approx(expected[column], abs=tolerance.closed_form), (scale, column)
        assert row["omega_total"] == pytest.approx(expected["omega_total"], abs=tolerance.iterative), scale
    assert table["n"].min() > 100


def test_reliability_of_a_scale_ignores_blanks_in_other_scales(ref, data):
    model = ref["model"]
    alone = kl.reliability(data, {"tangibles": model["tangibles"]}).loc["tangibles"]
    together = kl.reliability(data, model).loc["tangibles"]
    pd.testing.assert_series_equal(alone, together)


def test_item_analysis_item_total_statistics_on_complete_cases(ref, data, tolerance):
    for scale, expected in ref["reliability"].items():
        table = kl.item_analysis(data, ref["model"][scale])
        items = expected["items"]
        assert list(table.index) == items["item"]
        assert (table["n"] == expected["n"]).all()
        for column in ["mean", "sd", "r_drop", "alpha_if_deleted"]:
            np.testing.assert_allclose(table[column], items[column], atol=tolerance.closed_form, err_msg=f"{scale} {column}")


def test_item_analysis_item_means_use_every_answer_as_psych_pairwise(ref, data, tolerance):
    for scale, expected in ref["reliability"].items():
        table = kl.item_analysis(data, ref["model"][scale])
        pairwise = expected["pairwise"]["items"]
        assert table["n_answered"].tolist() == pairwise["n"] == data[ref["model"][scale]].count().tolist()
        np.testing.assert_allclose(table["mean_answered"], pairwise["mean"], atol=tolerance.closed_form)
        np.testing.assert_allclose(table["sd_answered"], pairwise["sd"], atol=tolerance.closed_form)


def test_item_analysis_on_complete_data_gives_equal_pairwise_and_complete_statistics(items):
    table = kl.item_analysis(items("holzinger_swineford"), ["x1", "x2", "x3"])
    assert (table["n"] == table["n_answered"]).all()
    np.testing.assert_allclose(table["mean"], table["mean_answered"], rtol=1e-14)
    np.testing.assert_allclose(table["sd"], table["sd_answered"], rtol=1e-14)


def test_default_cfa_switches_to_fiml_and_matches_lavaan_missing_ml(ref, matrix, fiml_result):
    expected = ref["cfa_fiml"]
    assert expected["converged"] and expected["missing"] == "ml"
    assert fiml_result.missing == "fiml" and fiml_result.n_dropped == 0
    assert fiml_result.listwise_loss == pytest.approx(1 - 7 / 320)
    for ours, theirs in LAVAAN_NAMES.items():
        assert fiml_result.fit[ours] == pytest.approx(expected["fit"][theirs], abs=FIML_TOLERANCE), ours
    assert fiml_result.fit["n"] == 320
    loadings = expected["loadings"]
    assert fiml_result.loadings["item"].tolist() == loadings["item"]
    np.testing.assert_allclose(fiml_result.loadings["std"], loadings["std"], atol=FIML_TOLERANCE)
    np.testing.assert_allclose(fiml_result.loadings["estimate"], loadings["estimate"], atol=FIML_TOLERANCE)
    np.testing.assert_allclose(fiml_result.factor_corr, matrix(expected["factor_corr"]), atol=FIML_TOLERANCE)
    variances = expected["residual_variances"]
    np.testing.assert_allclose(fiml_result.residual_variances[list(variances)], list(variances.values()), atol=FIML_TOLERANCE)
    assert "missing='fiml'" in repr(fiml_result)


def test_listwise_cfa_cannot_run_on_the_7_complete_rows_as_in_lavaan(ref, data):
    assert "not positive-definite" in ref["cfa_listwise"]["error"] and ref["cfa_listwise"]["n_complete"] == 7
    with pytest.raises(kl.AnalysisInputError, match="respondents"):
        kl.cfa(data, ref["model"], missing="listwise")


def test_auto_keeps_listwise_on_complete_data(reference, r_data):
    model = reference("holzinger_swineford")["model"]
    auto = kl.cfa(r_data("holzinger_swineford"), model)
    listwise = kl.cfa(r_data("holzinger_swineford"), model, missing="listwise")
    assert auto.missing == "listwise" and auto.n_dropped == 0 and auto.listwise_loss == 0
    pd.testing.assert_series_equal(auto.fit, listwise.fit)


def test_auto_keeps_listwise_when_few_rows_are_lost(reference, r_data, tolerance):
    ref = reference("case_it_firm")  # 33 of 640 respondents (5%) miss some perception item
    result = kl.cfa(r_data("case_it_firm"), ref["model"])
    assert result.missing == "listwise" and result.n_dropped == 33 and result.fit["n"] == 607 == ref["cfa"]["fit"]["ntotal"]
    assert "33 incomplete dropped" in repr(result)
    assert result.fit["chi2"] == pytest.approx(ref["cfa"]["fit"]["chisq"], abs=tolerance.iterative)


def test_auto_uses_fiml_for_bfi_which_loses_13_percent(reference, r_data, tolerance):
    ref = reference("bfi")
    result = kl.cfa(r_data("bfi"), ref["model"])
    assert result.missing == "fiml" and result.fit["n"] == ref["cfa_fiml"]["fit"]["ntotal"] == 2800
    assert result.listwise_loss == pytest.approx(364 / 2800)
    assert result.fit["chi2"] == pytest.approx(ref["cfa_fiml"]["fit"]["chisq"], abs=tolerance.iterative)


def _with_blanks(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    """``frame`` with one answer blanked in each of the first ``rows`` rows (and 20 rows with no answer added)."""
    out = frame.copy()
    for i in range(rows):
        out.iloc[i, i % out.shape[1]] = np.nan
    empty = pd.DataFrame(np.nan, index=range(len(out), len(out) + 20), columns=out.columns)
    return pd.concat([out, empty])


@pytest.mark.parametrize(("blank_rows", "expected"), [(30, "listwise"), (31, "fiml")])
def test_default_threshold_is_ten_percent_of_the_answering_rows(items, reference, blank_rows, expected):
    assert MAX_LISTWISE_LOSS == 0.10
    frame = _with_blanks(items("holzinger_swineford"), blank_rows)  # rows without any answer are not counted
    result = kl.cfa(frame, reference("holzinger_swineford")["model"])
    assert result.missing == expected
    assert result.listwise_loss == blank_rows / 301
    assert result.fit["n"] == (301 - blank_rows if expected == "listwise" else 301)
    assert result.n_dropped == (blank_rows if expected == "listwise" else 0)


def test_threshold_argument_at_its_boundary(items, reference):
    frame = _with_blanks(items("holzinger_swineford"), 45)
    model = reference("holzinger_swineford")["model"]
    loss = 45 / 301
    assert kl.cfa(frame, model, max_listwise_loss=loss).missing == "listwise"  # "more than" the share: equal stays
    assert kl.cfa(frame, model, max_listwise_loss=math.nextafter(loss, 0)).missing == "fiml"
    assert kl.cfa(frame, model, max_listwise_loss=1).missing == "listwise"
    assert kl.cfa(frame, model, max_listwise_loss=0).missing == "fiml"
    assert kl.cfa(items("holzinger_swineford"), model, max_listwise_loss=0).missing == "listwise"  # nothing lost
    assert kl.cfa(frame, model, missing="listwise", max_listwise_loss=0).missing == "listwise"  # explicit wins
    with pytest.raises(kl.OptionError, match="max_listwise_loss"):
        kl.cfa(frame, model, max_listwise_loss=1.5)


def test_check_scales_gives_a_verdict_on_the_15_percent_data(ref, data, fiml_result, tolerance):
    check = kl.check_scales(data, ref["model"])
    assert check.verdict in {"trust", "weak_item", "use_with_care"}
    assert check.n_complete == 7 and check.n_cfa == 320 and check.cfa_missing == "fiml" and check.n_dropped == 0
    pd.testing.assert_series_equal(check.fit, fiml_result.fit)
    assert check.reliability["n"].tolist() == [ref["reliability"][s]["n"] for s in ref["model"]]
    assert check.items["n"].tolist() == [ref["reliability"][s]["n"] for s in ref["model"] for _ in ref["model"][s]]
    assert "n=320, fiml" in repr(check)


def test_check_scales_is_not_checked_only_when_even_fiml_has_too_few_rows(ref, data):
    check = kl.check_scales(data, ref["model"], kl.ScaleCutoffs(min_n_cfa=321))
    assert check.verdict == "not_checked" and check.n_cfa == 320 and check.cfa_missing is None and check.fit is None
    assert "320 respondents with any answer" in repr(check)


def test_check_scales_uses_fiml_when_listwise_would_leave_too_few(case):
    perceptions = case("it_firm").servqual("P")  # 640 respondents, 607 complete (5% lost: listwise by default)
    model = case("it_firm").codebook.servqual_model("P")
    default = kl.check_scales(perceptions, model)
    assert default.cfa_missing == "listwise" and default.n_cfa == 607 == default.n_complete and default.n_dropped == 33
    small = kl.check_scales(perceptions, model, kl.ScaleCutoffs(min_n_cfa=620))
    assert small.verdict != "not_checked" and small.cfa_missing == "fiml" and small.n_cfa == 640
    strict = kl.check_scales(perceptions, model, kl.ScaleCutoffs(max_listwise_loss=0.05))
    assert strict.cfa_missing == "fiml" and strict.fit["n"] == 640
