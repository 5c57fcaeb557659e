"""kl.factorability (KMO, Bartlett) and kl.parallel_analysis against psych::KMO, cortest.bartlett, fa.parallel."""

import numpy as np
import pandas as pd
import pytest

import kitlib as kl

DATASETS = ["holzinger_swineford", "bfi", "case_it_firm", "case_manufacturer", "case_bank"]  # fixtures/r/<name>.json


@pytest.mark.parametrize("name", DATASETS)
def test_kmo_and_bartlett_match_psych(name, reference, items, tolerance):
    expected = reference(name)["factorability"]
    result = kl.factorability(items(name))
    assert result.n == expected["n"]
    assert result.kmo == pytest.approx(expected["kmo"], abs=tolerance.closed_form)
    np.testing.assert_allclose(result.kmo_items[list(expected["kmo_items"])], list(expected["kmo_items"].values()), atol=tolerance.closed_form)
    assert result.bartlett_chi2 == pytest.approx(expected["bartlett_chi2"], abs=tolerance.closed_form * max(1, expected["bartlett_chi2"]))
    assert result.bartlett_df == expected["bartlett_df"]
    assert result.bartlett_p == pytest.approx(expected["bartlett_p"], abs=tolerance.closed_form)
    assert "KMO=" in repr(result)


@pytest.mark.parametrize("name", DATASETS)
def test_parallel_analysis_matches_fa_parallel(name, reference, items, tolerance):
    expected = reference(name)["parallel"]
    result = kl.parallel_analysis(items(name), n_iter=200, seed=7)
    table = result.eigenvalues
    assert result.n == expected["n"]
    np.testing.assert_allclose(table["observed"], expected["observed"], atol=tolerance.closed_form)
    np.testing.assert_allclose(table["observed_reduced"], expected["observed_reduced"], atol=tolerance.closed_form)
    # random-data eigenvalues: Monte Carlo error only (different random streams in R and numpy)
    np.testing.assert_allclose(table["simulated_mean"], expected["simulated_mean"], atol=0.02)
    np.testing.assert_allclose(table["simulated_quantile"], expected["simulated_q95"], atol=0.04)
    assert result.n_factors == expected["ncomp"]


def test_parallel_analysis_is_reproducible_with_a_seed(items):
    df = items("holzinger_swineford")
    first = kl.parallel_analysis(df, seed=3).eigenvalues
    pd.testing.assert_frame_equal(first, kl.parallel_analysis(df, seed=3).eigenvalues)
    assert not first["simulated_mean"].equals(kl.parallel_analysis(df, seed=4).eigenvalues["simulated_mean"])


def test_parallel_analysis_finds_no_factor_in_noise():
    noise = pd.DataFrame(np.random.default_rng(0).normal(size=(500, 8)))
    assert kl.parallel_analysis(noise, seed=1).n_factors == 0


def test_singular_matrix_is_reported(items):
    df = items("holzinger_swineford").assign(x10=lambda d: d["x1"] + d["x2"])
    with pytest.raises(kl.AnalysisInputError, match="singular"):
        kl.factorability(df)
    with pytest.raises(kl.AnalysisInputError, match="singular"):
        kl.parallel_analysis(df)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5]}), "at least 3 items"),
        (pd.DataFrame({"a": [1, 2, 3], "b": [2, 1, 3], "c": [3, 1, 2]}), "at least 4 respondents"),
        (pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 1, 3, 4], "c": list("abcd")}), "not numeric"),
        ("not a table", "DataFrame"),
    ],
)
def test_factorability_rejects_bad_input(frame, message):
    with pytest.raises(kl.AnalysisInputError, match=message):
        kl.factorability(frame)


@pytest.mark.parametrize(("kwargs", "message"), [({"n_iter": 3}, "n_iter"), ({"quantile": 1.5}, "quantile")])
def test_parallel_analysis_rejects_bad_settings(kwargs, message, items):
    with pytest.raises(kl.OptionError, match=message):
        kl.parallel_analysis(items("holzinger_swineford"), **kwargs)
