"""Ordinal CFA (WLSMV) and ordinal reliability against lavaan 0.6 / psych (tests/fixtures/r/ordinal.R -> ordinal.json).

Datasets (see ordinal.R): ``it_firm5`` (it_firm P01..P22 collapsed to 5 points, SERVQUAL model, n = 607),
``it_firm5_small`` (its first 150 rows: sparse 5 x 5 tables), ``mixed`` (items with 2, 3, 4 and 5 categories)
and ``bfi`` (25 six-point items, Big Five).
Agreed tolerances: 1e-2 on chi-square statistics, 1e-3 on everything else.
"""

from dataclasses import FrozenInstanceError
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from scipy.special import ndtr

from kitlib.errors import AnalysisInputError, OptionError
from kitlib.psychometrics.ordinal import OrdinalCFAResult, cfa_wlsmv, ordinal_reliability
from kitlib.psychometrics.polychoric import bivariate_normal_cdf, bivariate_normal_pdf, polychoric_correlations

DATA = Path(__file__).parent / "fixtures" / "data"
DATASETS = ["it_firm5", "it_firm5_small", "mixed", "bfi"]
CHI2_TOL = 1e-2
TOL = 1e-3

# kitlib fit key -> lavaan fitMeasures name
FIT_KEYS = {
    "chi2": "chisq", "df": "df", "pvalue": "pvalue", "chi2_scaled": "chisq.scaled", "pvalue_scaled": "pvalue.scaled",
    "scaling_factor": "chisq.scaling.factor", "cfi_scaled": "cfi.scaled", "tli_scaled": "tli.scaled",
    "rmsea_scaled": "rmsea.scaled", "rmsea_ci_low_scaled": "rmsea.ci.lower.scaled",
    "rmsea_ci_high_scaled": "rmsea.ci.upper.scaled", "cfi": "cfi", "tli": "tli", "rmsea": "rmsea",
    "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper", "srmr": "srmr",
    "baseline_chi2": "baseline.chisq", "baseline_chi2_scaled": "baseline.chisq.scaled", "baseline_df": "baseline.df",
    "n": "ntotal",
}
CHI2_KEYS = {"chi2", "chi2_scaled", "baseline_chi2", "baseline_chi2_scaled"}


@pytest.fixture(scope="module")
def ordinal(reference):
    return reference("ordinal")


def _data(name: str, ordinal: dict) -> pd.DataFrame:
    if name.startswith("it_firm5"):
        df = pd.read_csv(DATA / "it_firm_ordinal5.csv")
        return df.iloc[:150] if name == "it_firm5_small" else df
    if name == "mixed":   # as ordinal.R builds it
        df = pd.read_csv(DATA / "it_firm_ordinal5.csv").iloc[:200].copy()
        df["P01"] = np.minimum(df["P01"], 3)
        df["P05"] = (df["P05"] > 3).astype(float).where(df["P05"].notna())
        df["P10"] = df["P10"].replace(2, 3)
        return df
    df = pd.read_csv(DATA / "bfi.csv")
    for item in ordinal["bfi_reverse"]:
        df[item] = 7 - df[item]
    return df


@pytest.fixture(scope="module")
def fitted(ordinal):
    return {name: cfa_wlsmv(_data(name, ordinal), ordinal[name]["model"]) for name in DATASETS}


# --- bivariate normal ---------------------------------------------------------------------------------------------------

def _phi2_quad(h: float, k: float, rho: float) -> float:
    s = np.sqrt(1 - rho * rho)
    return integrate.quad(lambda x: stats.norm.pdf(x) * ndtr((k - rho * x) / s), -np.inf, h, epsabs=1e-15, epsrel=1e-13)[0]


@pytest.mark.parametrize("rho", [-0.999, -0.95, -0.5, 0.0, 0.2, 0.6, 0.9, 0.93, 0.99])
def test_bivariate_normal_cdf_matches_quadrature(rho):
    """Every branch of Genz's algorithm (|rho| < 0.3, < 0.75, < 0.925, >= 0.925; both signs)."""
    rng = np.random.default_rng(int(abs(rho) * 1000))
    h, k = rng.normal(0, 1.5, 5), rng.normal(0, 1.5, 5)
    mine = bivariate_normal_cdf(h, k, rho)
    expected = [_phi2_quad(a, b, rho) for a, b in zip(h, k)]
    np.testing.assert_allclose(mine, expected, rtol=0, atol=1e-13)


def test_bivariate_normal_cdf_closed_forms_and_infinite_limits():
    rho = np.array([-0.99, -0.5, 0.0, 0.4, 0.95])
    np.testing.assert_allclose(bivariate_normal_cdf(0.0, 0.0, rho), 0.25 + np.arcsin(rho) / (2 * np.pi), atol=1e-15)
    assert bivariate_normal_cdf(np.inf, 0.3, 0.5) == pytest.approx(ndtr(0.3), abs=1e-15)
    assert bivariate_normal_cdf(-0.2, np.inf, 0.5) == pytest.approx(ndtr(-0.2), abs=1e-15)
    assert bivariate_normal_cdf(np.inf, np.inf, 0.5) == 1.0
    assert bivariate_normal_cdf(-np.inf, 1.0, 0.5) == 0.0
    assert bivariate_normal_pdf(0.0, 0.0, 0.0) == pytest.approx(1 / (2 * np.pi))
    assert bivariate_normal_pdf(np.inf, 0.0, 0.3) == 0.0


# --- polychoric correlations, thresholds, Gamma ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", DATASETS)
def test_polychoric_thresholds_and_gamma_match_lavaan(name, ordinal, matrix):
    ref = ordinal[name]
    items = [i for members in ref["model"].values() for i in members]
    result = polychoric_correlations(_data(name, ordinal), items, gamma=True)
    assert result.n == ref["n"]
    thresholds = pd.Series(ref["thresholds"])
    np.testing.assert_allclose(result.thresholds[thresholds.index], thresholds, atol=1e-6)
    expected = matrix(ref["polychoric"])
    np.testing.assert_allclose(result.corr.loc[expected.index, expected.columns], expected, atol=1e-6)
    np.testing.assert_allclose(np.diag(result.gamma), ref["gamma_diag"], rtol=1e-5)


def test_polychoric_two_by_two_rules():
    # lavaan: one empty cell -> 0.5 moved in keeping the margins; two empty cells -> rho = +-1
    df = pd.DataFrame({"a": [1] * 30 + [2] * 30, "b": [1] * 30 + [1] * 10 + [2] * 20, "c": [1] * 30 + [2] * 30})
    corr = polychoric_correlations(df).corr
    assert corr.loc["a", "c"] == 1.0
    assert 0.9 < corr.loc["a", "b"] < 0.999
    assert corr.loc["b", "c"] == corr.loc["a", "b"]


def test_polychoric_recovers_latent_correlation():
    rng = np.random.default_rng(5)
    z = rng.multivariate_normal([0, 0, 0], [[1, 0.6, 0.3], [0.6, 1, -0.4], [0.3, -0.4, 1]], size=4000)
    df = pd.DataFrame(np.digitize(z, [-1.2, -0.3, 0.5, 1.4]), columns=["a", "b", "c"])
    corr = polychoric_correlations(df).corr.to_numpy()
    np.testing.assert_allclose(corr[[0, 0, 1], [1, 2, 2]], [0.6, 0.3, -0.4], atol=0.04)


# --- WLSMV CFA ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", DATASETS)
def test_cfa_wlsmv_fit_matches_lavaan(name, ordinal, fitted):
    fit, ref = fitted[name].fit, ordinal[name]["fit"]
    for key, lavaan_key in FIT_KEYS.items():
        tol = CHI2_TOL if key in CHI2_KEYS else TOL
        assert fit[key] == pytest.approx(ref[lavaan_key], abs=tol), key
    test = ordinal[name]["test"]
    assert fit["shift_parameter"] == pytest.approx(test["shift_parameter"], abs=TOL)


@pytest.mark.parametrize("name", DATASETS)
def test_cfa_wlsmv_estimates_match_lavaan(name, ordinal, fitted, matrix):
    result, ref = fitted[name], ordinal[name]
    loadings = ref["loadings"]
    assert list(result.loadings["item"]) == loadings["item"]
    assert list(result.loadings["factor"]) == loadings["factor"]
    np.testing.assert_allclose(result.loadings["std"], loadings["std"], atol=TOL)
    np.testing.assert_allclose(result.loadings["estimate"], loadings["estimate"], atol=TOL)
    expected = matrix(ref["factor_corr"])
    np.testing.assert_allclose(result.factor_corr.loc[expected.index, expected.columns], expected, atol=TOL)
    thresholds = pd.Series(ref["thresholds"])
    np.testing.assert_allclose(result.thresholds[thresholds.index], thresholds, atol=TOL)
    poly = matrix(ref["polychoric"])
    np.testing.assert_allclose(result.polychoric.loc[poly.index, poly.columns], poly, atol=TOL)
    np.testing.assert_allclose(result.residual_variances, 1 - result.loadings["std"].to_numpy() ** 2)


def test_cfa_wlsmv_result_shape(fitted, ordinal):
    result = fitted["it_firm5"]
    assert isinstance(result, OrdinalCFAResult)
    assert result.estimator == "WLSMV" and result.missing == "listwise"
    raw = _data("it_firm5", ordinal)
    assert result.n_dropped == len(raw) - ordinal["it_firm5"]["n"]
    text = repr(result)
    assert "WLSMV" in text and "scaled-shifted" in text and "P01" in text
    with pytest.raises(FrozenInstanceError):
        result.estimator = "ML"
    for key in ("chi2", "df", "chi2_scaled", "pvalue_scaled", "cfi_scaled", "tli_scaled", "rmsea_scaled",
                "rmsea_ci_low_scaled", "rmsea_ci_high_scaled", "srmr", "n"):
        assert key in result.fit.index


def test_cfa_wlsmv_missing_options(ordinal):
    df = _data("it_firm5", ordinal)
    model = {"assurance": ["P14", "P15", "P16", "P17"]}
    auto = cfa_wlsmv(df, model, missing="auto")
    assert auto.missing == "listwise"
    assert auto.fit["chi2"] == pytest.approx(cfa_wlsmv(df, model).fit["chi2"])
    with pytest.raises(OptionError, match="listwise"):
        cfa_wlsmv(df, model, missing="fiml")


def test_cfa_wlsmv_input_errors(ordinal):
    df = _data("it_firm5", ordinal)
    with pytest.raises(AnalysisInputError):
        cfa_wlsmv(df, {"f": ["P01", "nope", "P02"]})
    with pytest.raises(AnalysisInputError):
        cfa_wlsmv(df.iloc[:6], {"f": ["P01", "P02", "P03", "P04"]})
    constant = df.assign(P01=3)
    with pytest.raises(AnalysisInputError, match="same value"):
        cfa_wlsmv(constant, {"f": ["P01", "P02", "P03"]})


# --- ordinal reliability -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", DATASETS)
def test_ordinal_reliability_matches_psych(name, ordinal):
    ref = ordinal[name]
    table = ordinal_reliability(_data(name, ordinal), ref["model"])
    assert list(table.columns) == ["n_items", "n", "ordinal_alpha", "ordinal_omega_total"]
    for scale, expected in ref["reliability"].items():
        row = table.loc[scale]
        assert row["n"] == expected["n"] and row["n_items"] == expected["n_items"]
        # psych::alpha / omega of psych::polychoric's matrix (agreed tolerance) -- except for items with unequal
        # numbers of categories ("mixed"), where psych switches to global = FALSE: thresholds re-estimated per pair
        # from the table after adding 0.5 to its empty cells, which moves its correlations by up to 0.05 ...
        if name != "mixed":
            assert row["ordinal_alpha"] == pytest.approx(expected["alpha"], abs=TOL)
            assert row["ordinal_omega_total"] == pytest.approx(expected["omega_total"], abs=TOL)
        # ... and of lavaan's polychoric matrix, which kitlib computes: closed form on the same matrix
        assert row["ordinal_alpha"] == pytest.approx(expected["alpha_lavaan_rho"], abs=1e-6)
        assert row["ordinal_omega_total"] == pytest.approx(expected["omega_total_lavaan_rho"], abs=1e-5)


def test_ordinal_reliability_accepts_a_list_of_items(ordinal):
    df = _data("it_firm5", ordinal)
    table = ordinal_reliability(df, ["P01", "P02"])
    assert table.index.tolist() == ["scale"]
    assert np.isnan(table.loc["scale", "ordinal_omega_total"])   # one factor is not identified by 2 items
    with pytest.raises(OptionError):
        ordinal_reliability(df, "P01")
