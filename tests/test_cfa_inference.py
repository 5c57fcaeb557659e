"""kl.cfa inference against lavaan (fixtures/r/cfa_inference.R): SEs, z, p, std.all, modification indices, MLR.

Also: lavaan model strings (cross-loadings, correlated residuals), the estimator dispatch and the BLAS
thread limit around the fit.
"""

import json
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

import kitlib as kl
from kitlib.psychometrics.model_syntax import parse_model

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "r" / "cfa_inference.json").read_text(encoding="utf-8"))
FITS = [key for key in REFERENCE if key != "versions"]
DATA = {"hs": "holzinger_swineford.csv", "bank": "case_bank_P.csv"}
HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}

LAVAAN_FIT = {
    "chi2": "chisq", "df": "df", "pvalue": "pvalue", "cfi": "cfi", "tli": "tli", "rmsea": "rmsea",
    "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper", "srmr": "srmr",
    "baseline_chi2": "baseline.chisq", "baseline_df": "baseline.df", "n": "ntotal",
    "chi2_scaled": "chisq.scaled", "pvalue_scaled": "pvalue.scaled", "scaling_factor": "chisq.scaling.factor",
    "baseline_chi2_scaled": "baseline.chisq.scaled", "baseline_scaling_factor": "baseline.chisq.scaling.factor",
    "cfi_scaled": "cfi.scaled", "tli_scaled": "tli.scaled", "rmsea_scaled": "rmsea.scaled",
    "cfi_robust": "cfi.robust", "tli_robust": "tli.robust", "rmsea_robust": "rmsea.robust",
}
SE_TOLERANCE = 1e-4


def data(key: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "data" / DATA[key.split("_")[0]])


@pytest.fixture(scope="module")
def fitted():
    cache = {}

    def get(key):
        if key not in cache:
            ref = REFERENCE[key]
            cache[key] = kl.cfa(data(key), ref["model"], missing="listwise", estimator=ref["estimator"])
        return cache[key]

    return get


@pytest.mark.parametrize("key", FITS)
def test_fit_measures_match_lavaan(key, fitted, tolerance):
    ref = REFERENCE[key]
    assert ref["converged"]
    result = fitted(key)
    for ours, theirs in LAVAAN_FIT.items():
        if theirs in ref["fit"]:
            assert result.fit[ours] == pytest.approx(ref["fit"][theirs], abs=tolerance.iterative, rel=1e-6), ours


@pytest.mark.parametrize("key", FITS)
def test_estimates_se_z_p_std_all_match_lavaan(key, fitted, tolerance):
    theirs = pd.DataFrame(REFERENCE[key]["estimates"])
    ours = fitted(key).estimates
    merged = theirs.merge(ours, on=["lhs", "op", "rhs"], suffixes=("_r", ""), validate="one_to_one")
    assert len(merged) == len(theirs) == len(ours)
    np.testing.assert_allclose(merged["est"], merged["est_r"], atol=1e-5)
    np.testing.assert_allclose(merged["std.all"], merged["std.all_r"], atol=1e-5)
    np.testing.assert_allclose(merged["se"], merged["se_r"], atol=SE_TOLERANCE)
    free = merged["free"]
    np.testing.assert_allclose(merged.loc[free, "z"], merged.loc[free, "z_r"].astype(float), atol=tolerance.iterative)
    np.testing.assert_allclose(merged.loc[free, "pvalue"], merged.loc[free, "pvalue_r"].astype(float), atol=1e-6)
    assert (merged.loc[~free, "se"] == 0).all() and merged.loc[~free, "z"].isna().all()  # markers, as lavaan


@pytest.mark.parametrize("key", [key for key in FITS if "modindices" in REFERENCE[key]])
def test_modification_indices_match_lavaan(key, fitted, tolerance):
    theirs = pd.DataFrame(REFERENCE[key]["modindices"])
    ours = fitted(key).modification_indices
    assert ours[["lhs", "op", "rhs"]].head(10).values.tolist() == theirs[["lhs", "op", "rhs"]].head(10).values.tolist()
    merged = theirs.merge(ours, on=["lhs", "op", "rhs"], suffixes=("_r", ""), validate="one_to_one")
    assert len(merged) == len(theirs) == len(ours)
    for column in ("mi", "epc", "sepc.all"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_r"], atol=tolerance.iterative)
    assert fitted(key).top_modifications(5).equals(ours.head(5))


def test_dict_and_string_models_agree_and_keep_existing_fields(r_data):
    hs = r_data("holzinger_swineford")
    from_dict = kl.cfa(hs, HS_MODEL)
    from_string = kl.cfa(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9")
    pd.testing.assert_frame_equal(from_dict.estimates, from_string.estimates)
    assert from_string.model == HS_MODEL and from_string.missing == "listwise" and from_string.n_dropped == 0
    assert list(from_string.loadings.columns) == ["factor", "item", "estimate", "std"]
    assert from_string.factor_corr.shape == (3, 3) and from_string.listwise_loss == 0.0
    assert "CFI=0.931" in repr(from_string)


def test_cross_loadings_only_in_string_models(r_data):
    hs = r_data("holzinger_swineford")
    with pytest.raises(kl.AnalysisInputError, match="listed under both"):
        kl.cfa(hs, {**HS_MODEL, "visual": ["x1", "x2", "x3", "x9"]})
    result = kl.cfa(hs, "visual =~ x1 + x2 + x3 + x9\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\nx2 ~~ x3")
    assert result.model["visual"] == ["x1", "x2", "x3", "x9"] and result.fit["df"] == 22
    assert (result.loadings["item"] == "x9").sum() == 2
    implied = result.parameters.implied_cov()
    assert implied[1, 2] != pytest.approx(result.parameters.lam[1] @ result.parameters.psi @ result.parameters.lam[2])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("f =~ x1 + 0.5*x2 + x3", "modifiers"),
        ("f =~ x1 + x2 + x3\nx1 ~ x4", "only '=~' and '~~'"),
        ("x1 ~~ x2", "no factor"),
        ("f =~ x1 + x2 + x3\nx1 ~~ x1", "variance"),
        ("f =~ x1 + x2 + x3\nx1 ~~ x9", "not an item"),
        ("f =~ x1 + x2 + x1", "twice"),
        ("f =~ x1 + x2", "at least 3"),
        ("f =~ x1 + x2 + x99", "not in the data"),
    ],
)
def test_bad_model_strings(text, message, r_data):
    with pytest.raises(kl.AnalysisInputError, match=message):
        kl.cfa(r_data("holzinger_swineford"), text)


def test_parse_model_reads_comments_semicolons_and_factor_covariances():
    spec = parse_model("# HS\nvisual =~ x1 + x2 ; visual =~ x3  ! more\ntextual =~ x4 + x5 + x6\nvisual ~~ textual\nx1 ~~ x4 + x5")
    assert spec.as_dict() == {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}
    assert spec.residual_covariances == (("x1", "x4"), ("x1", "x5")) and not spec.simple
    assert parse_model(spec.syntax()) == spec


def test_mlr_and_fiml_options(r_data):
    hs = r_data("holzinger_swineford")
    with pytest.raises(kl.OptionError, match="estimator"):
        kl.cfa(hs, HS_MODEL, estimator="GLS")
    with pytest.raises(kl.OptionError, match="MLR"):
        kl.cfa(hs, HS_MODEL, estimator="MLR", missing="fiml")
    with pytest.raises(kl.OptionError, match="simple-structure"):
        kl.cfa(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx1 ~~ x4", missing="fiml")
    fiml = kl.cfa(hs, HS_MODEL, missing="fiml")
    assert fiml.estimates.loc[fiml.estimates["free"], "se"].isna().all() and fiml.modification_indices.empty


def test_wlsmv_dispatches_to_the_ordinal_module(monkeypatch, r_data):
    calls = []
    fake = types.ModuleType("kitlib.psychometrics.ordinal")
    fake.cfa_wlsmv = lambda df, model, missing: calls.append((model, missing)) or "wlsmv result"
    monkeypatch.setitem(sys.modules, "kitlib.psychometrics.ordinal", fake)
    assert kl.cfa(r_data("holzinger_swineford"), HS_MODEL, estimator="WLSMV") == "wlsmv result"
    assert kl.cfa(r_data("holzinger_swineford"), HS_MODEL, ordered=True, missing="listwise") == "wlsmv result"
    assert calls == [(HS_MODEL, "auto"), (HS_MODEL, "listwise")]


def test_blas_thread_limit_is_scoped_to_the_fit(monkeypatch, r_data):
    import threadpoolctl

    before = [pool["num_threads"] for pool in threadpool_info()]
    seen = []
    original = threadpoolctl.threadpool_limits

    class Spy(original):
        def __init__(self, *args, **kwargs):
            seen.append(kwargs.get("limits", args[0] if args else None))
            super().__init__(*args, **kwargs)

    from kitlib.psychometrics import confirmatory

    monkeypatch.setattr(confirmatory, "threadpool_limits", Spy)
    kl.cfa(r_data("holzinger_swineford"), HS_MODEL, estimator="MLR")
    assert seen and set(seen) == {1}
    assert [pool["num_threads"] for pool in threadpool_info()] == before
