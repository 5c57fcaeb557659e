"""kl.cfa (semopy estimation + lavaan-style fit indices, FIML) against lavaan::cfa (R fixtures)."""

import numpy as np
import pytest

import kitlib as kl
from kitlib.psychometrics.confirmatory import rmsea_ci, srmr

DATASETS = ["holzinger_swineford", "bfi", "case_it_firm", "case_manufacturer", "case_bank"]  # fixtures/r/<name>.json

LAVAAN_NAMES = {
    "chi2": "chisq",
    "df": "df",
    "pvalue": "pvalue",
    "cfi": "cfi",
    "tli": "tli",
    "rmsea": "rmsea",
    "rmsea_ci_low": "rmsea.ci.lower",
    "rmsea_ci_high": "rmsea.ci.upper",
    "srmr": "srmr",
    "baseline_chi2": "baseline.chisq",
    "baseline_df": "baseline.df",
    "n": "ntotal",
}
FIML = ["bfi", "case_it_firm", "case_manufacturer", "case_bank"]  # R also fitted these with missing = "ml" (cfa_fiml)


@pytest.fixture
def check_against_lavaan(matrix, tolerance):
    """``check_against_lavaan(result, expected)``: our CFA result agrees with one lavaan fit of the R fixtures."""
    return lambda result, expected: _check_against_lavaan(result, expected, matrix, tolerance)


def _check_against_lavaan(result, expected, matrix, tolerance):
    assert expected["converged"]
    for ours, theirs in LAVAAN_NAMES.items():
        assert result.fit[ours] == pytest.approx(expected["fit"][theirs], abs=tolerance.iterative), ours
    loadings = expected["loadings"]
    assert result.loadings["item"].tolist() == loadings["item"]
    np.testing.assert_allclose(result.loadings["std"], loadings["std"], atol=tolerance.iterative)
    np.testing.assert_allclose(result.loadings["estimate"], loadings["estimate"], atol=tolerance.iterative)
    np.testing.assert_allclose(result.factor_corr, matrix(expected["factor_corr"]), atol=tolerance.iterative)
    residual_variances = expected["residual_variances"]
    np.testing.assert_allclose(result.residual_variances[list(residual_variances)], list(residual_variances.values()), atol=tolerance.iterative)


@pytest.mark.parametrize("name", DATASETS)
def test_listwise_cfa_matches_lavaan(name, reference, r_data, check_against_lavaan):
    ref = reference(name)
    # explicit: bfi loses 13% of its rows to listwise deletion, so the default missing="auto" fits it by FIML
    check_against_lavaan(kl.cfa(r_data(name), ref["model"], missing="listwise"), ref["cfa"])


@pytest.mark.parametrize("name", FIML)
def test_fiml_cfa_matches_lavaan_missing_ml(name, reference, r_data, check_against_lavaan):
    ref = reference(name)
    result = kl.cfa(r_data(name), ref["model"], missing="fiml")
    check_against_lavaan(result, ref["cfa_fiml"])
    assert result.fit["n"] > ref["cfa"]["fit"]["ntotal"]  # FIML keeps respondents listwise deletion drops


def test_holzinger_swineford_headline_numbers(reference, r_data):
    fit = kl.cfa(r_data("holzinger_swineford"), reference("holzinger_swineford")["model"]).fit
    assert round(fit["chi2"], 3) == 85.306 and fit["df"] == 24
    assert round(fit["cfi"], 4) == 0.9306 and round(fit["tli"], 4) == 0.8958
    assert round(fit["rmsea"], 4) == 0.0921  # lavaan divides by N; semopy's calc_stats (N - 1) says 0.0923
    assert round(fit["srmr"], 4) == 0.0652


def test_srmr_is_lavaans_bentler_definition():
    s = np.array([[2.0, 0.8, 0.5], [0.8, 1.5, 0.3], [0.5, 0.3, 1.0]])
    sigma = np.array([[2.0, 0.7, 0.6], [0.7, 1.5, 0.35], [0.6, 0.35, 1.0]])
    d = 1 / np.sqrt(np.diag(s))
    residuals = [(s[i, j] - sigma[i, j]) * d[i] * d[j] for i in range(3) for j in range(i + 1)]
    assert srmr(s, sigma) == pytest.approx(np.sqrt(np.mean(np.square(residuals))), rel=1e-12)
    with_means = np.sqrt((np.sum(np.square(residuals)) + (0.2 * d[0]) ** 2) / 9)
    assert srmr(s, sigma, [1.2, 0, 0], [1.0, 0, 0]) == pytest.approx(with_means, rel=1e-12)


def test_rmsea_interval_solves_the_noncentral_chi_square():
    from scipy import stats

    low, high = rmsea_ci(85.3, 24, 301)
    assert stats.ncx2.cdf(85.3, 24, low**2 * 301 * 24) == pytest.approx(0.95, abs=1e-8)
    assert stats.ncx2.cdf(85.3, 24, high**2 * 301 * 24) == pytest.approx(0.05, abs=1e-8)
    assert rmsea_ci(10.0, 24, 301)[0] == 0.0


def test_repr_shows_fit_summary(reference, r_data):
    text = repr(kl.cfa(r_data("holzinger_swineford"), reference("holzinger_swineford")["model"]))
    assert "CFI=0.931" in text and "SRMR=0.065" in text


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ({"visual": ["x1", "x2", "x3"], "other": ["x3", "x4"]}, "listed under both"),
        ({"visual": ["x1", "x2", "x3"], "other": ["x4", "x99"]}, "not in the data"),
        ({"visual": ["x1", "x2", "x3"], "other": ["x4"]}, "at least 2"),
        ({"visual": ["x1", "x2"]}, "at least 3"),
        ({}, "non-empty mapping"),
        (["x1", "x2", "x3"], "non-empty mapping"),
    ],
)
def test_cfa_rejects_bad_models(model, message, r_data):
    with pytest.raises(kl.AnalysisInputError, match=message):
        kl.cfa(r_data("holzinger_swineford"), model)


def test_cfa_rejects_bad_missing_option_and_too_few_rows(reference, r_data):
    model = reference("holzinger_swineford")["model"]
    with pytest.raises(kl.OptionError, match="missing"):
        kl.cfa(r_data("holzinger_swineford"), model, missing="pairwise")
    with pytest.raises(kl.AnalysisInputError, match="respondents"):
        kl.cfa(r_data("holzinger_swineford").head(15), model)


def test_cfa_rejects_non_numeric_and_collinear_items(r_data):
    model = {"a": ["x1", "x2", "x3"], "b": ["x4", "x5", "x6", "dup"]}
    df = r_data("holzinger_swineford").assign(dup=lambda d: d["x4"] * 2)
    with pytest.raises(kl.AnalysisInputError, match="singular"):
        kl.cfa(df, model)
    with pytest.raises(kl.AnalysisInputError, match="not numeric"):
        kl.cfa(df.assign(dup="high"), model)
