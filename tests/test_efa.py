"""kl.efa and kl.structure_match against psych::fa / psych::principal / psych::factor.congruence."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn

import kitlib as kl
from kitlib.psychometrics.exploratory import tucker_congruence

DATASETS = ["holzinger_swineford", "bfi", "case_it_firm", "case_manufacturer", "case_bank"]  # fixtures/r/<name>.json
FITS = ["minres_oblimin", "minres_promax", "minres_varimax", "ml_oblimin", "ml_varimax", "principal_varimax"]


def test_factor_analyzer_still_fits_with_installed_scikit_learn(items):
    """factor_analyzer 0.5.1 breaks with scikit-learn >= 1.8 (force_all_finite); catch a lost pin."""
    from factor_analyzer import FactorAnalyzer

    assert tuple(int(p) for p in sklearn.__version__.split(".")[:2]) < (1, 8), sklearn.__version__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        analyzer = FactorAnalyzer(n_factors=3, rotation=None).fit(items("holzinger_swineford"))
    assert analyzer.loadings_.shape == (9, 3)


def test_kitlib_efa_emits_no_sklearn_future_warning(items):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kl.efa(items("holzinger_swineford"), 3)
    assert not [w for w in caught if "force_all_finite" in str(w.message)]


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("fit", FITS)
def test_efa_matches_psych(name, fit, reference, items, matrix, align_factors, tolerance):
    ref = reference(name)
    expected = ref["efa"][fit]
    method, rotation = fit.split("_")
    result = kl.efa(items(name), ref["efa"]["n_factors"], rotation=rotation, method=method)
    assert result.n == ref["efa"]["n"]
    ref_loadings = matrix(expected["loadings"])
    order, signs = align_factors(result.loadings.to_numpy(), ref_loadings.to_numpy())
    np.testing.assert_allclose(result.loadings.to_numpy()[:, order] * signs, ref_loadings, atol=tolerance.iterative)
    np.testing.assert_allclose(result.communalities, list(expected["communalities"].values()), atol=tolerance.iterative)
    np.testing.assert_allclose(result.uniquenesses, 1 - result.communalities, atol=1e-12)
    variance = matrix(expected["variance"])
    np.testing.assert_allclose(result.variance["ss_loadings"].to_numpy()[order], variance.loc["SS loadings"], atol=tolerance.iterative)
    if "phi" in expected:
        phi = result.phi.to_numpy()[np.ix_(order, order)] * np.outer(signs, signs)
        np.testing.assert_allclose(phi, matrix(expected["phi"]), atol=tolerance.iterative)
    else:
        assert result.phi is None


@pytest.mark.parametrize("name", DATASETS)
def test_factors_are_ordered_by_variance_and_signed_positive(name, reference, items):
    result = kl.efa(items(name), reference(name)["efa"]["n_factors"])
    ss = result.variance["ss_loadings"].to_numpy()
    assert np.all(np.diff(ss) <= 1e-12)
    assert np.all(result.loadings.sum() > 0)
    assert result.variance["cumulative_var"].iloc[-1] == pytest.approx(ss.sum() / result.loadings.shape[0])


@pytest.mark.parametrize("name", DATASETS)
def test_tucker_congruence_is_psychs_formula(name, reference, matrix, tolerance):
    ref = reference(name)
    expected = ref["efa"]["minres_oblimin"]
    loadings = matrix(expected["loadings"])
    target = pd.DataFrame(0.0, index=loadings.index, columns=list(ref["model"]))
    for dimension, members in ref["model"].items():
        target.loc[members, dimension] = 1.0
    np.testing.assert_allclose(tucker_congruence(loadings, target), matrix(expected["congruence"]), atol=tolerance.closed_form)


@pytest.mark.parametrize("name", DATASETS)
def test_structure_match_congruence_matches_psych(name, reference, items, matrix, align_factors, tolerance):
    ref = reference(name)
    result = kl.efa(items(name), ref["efa"]["n_factors"])
    match = result.compare(ref["model"])
    expected = matrix(ref["efa"]["minres_oblimin"]["congruence"])
    ref_loadings = matrix(ref["efa"]["minres_oblimin"]["loadings"]).to_numpy()
    order, signs = align_factors(result.loadings.to_numpy(), ref_loadings)
    np.testing.assert_allclose(match.congruence.to_numpy()[order] * signs[:, None], expected, atol=tolerance.iterative)
    for dimension, row in match.dimensions.iterrows():
        assert row["congruence"] == pytest.approx(np.abs(expected[dimension]).max(), abs=tolerance.iterative)


def test_structure_match_flags_an_item_that_loads_on_another_dimension():
    rng = np.random.default_rng(5)
    f = rng.normal(size=(600, 2))
    df = pd.DataFrame(np.repeat(f, 4, axis=1) + 0.8 * rng.normal(size=(600, 8)), columns=[f"q{i}" for i in range(1, 9)])
    model = {"A": ["q1", "q2", "q3", "q5"], "B": ["q4", "q6", "q7", "q8"]}  # q5 and q4 are misplaced
    match = kl.structure_match(kl.efa(df, 2), model)
    assert set(match.flagged.index) == {"q4", "q5"}
    assert match.items.loc["q5", "off_dimension"] and not match.items.loc["q1", "off_dimension"]
    assert "q5" in repr(match)


def test_structure_match_flags_a_weak_item(reference, items):
    match = kl.efa(items("case_it_firm"), 5).compare(reference("case_it_firm")["model"], min_loading=0.99)
    assert match.items["weak"].all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_factors": 9}, "smaller than the number of items"),
        ({"n_factors": 0}, "n_factors"),
        ({"n_factors": 2.5}, "n_factors"),
        ({"n_factors": 2, "method": "pca"}, "method"),
        ({"n_factors": 2, "rotation": "quartimax"}, "rotation"),
    ],
)
def test_efa_rejects_bad_settings(kwargs, message, items):
    with pytest.raises(kl.OptionError, match=message):
        kl.efa(items("holzinger_swineford"), **kwargs)


def test_efa_rejects_constant_item_and_too_few_factors_for_model(reference, items):
    df = items("holzinger_swineford").assign(x1=1.0)
    with pytest.raises(kl.AnalysisInputError, match="x1.*same value"):
        kl.efa(df, 2)
    with pytest.raises(kl.AnalysisInputError, match="at least one factor per dimension"):
        kl.efa(items("holzinger_swineford"), 2).compare(reference("holzinger_swineford")["model"])


def test_results_have_readable_reprs(items):
    df = items("holzinger_swineford")
    text = repr(kl.efa(df, 3))
    assert text.startswith("EFAResult(3 factors, method='minres', rotation='oblimin', n=301")
    assert "x9" in text and "ss_loadings" in text
    assert repr(kl.parallel_analysis(df, seed=1)).startswith("ParallelAnalysis(suggests 3 factor(s)")
