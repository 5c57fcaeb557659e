"""kl.validity and kl.htmt against semTools::compRelSEM, AVE and htmt (R fixtures)."""

import numpy as np
import pandas as pd
import pytest

import kitlib as kl

DATASETS = ["holzinger_swineford", "bfi", "case_it_firm", "case_manufacturer", "case_bank"]  # fixtures/r/<name>.json


@pytest.mark.parametrize("name", DATASETS)
def test_composite_reliability_and_ave_match_semtools(name, reference, r_data, matrix, tolerance):
    ref = reference(name)
    result = kl.validity(r_data(name), ref["model"])
    expected = ref["validity"]
    assert int(result.cfa.fit["n"]) == expected["n"]
    np.testing.assert_allclose(result.table["composite_reliability"], list(expected["composite_reliability"].values()), atol=tolerance.iterative)
    np.testing.assert_allclose(result.table["ave"], list(expected["ave"].values()), atol=tolerance.iterative)
    np.testing.assert_allclose(result.factor_corr, matrix(expected["factor_corr"]), atol=tolerance.iterative)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize(("mean", "key"), [("geometric", "htmt"), ("arithmetic", "htmt_arithmetic")])
def test_htmt_matches_semtools(name, mean, key, reference, r_data, matrix, tolerance):
    ref = reference(name)
    ours = kl.htmt(r_data(name), ref["model"], mean=mean).to_numpy()
    theirs = matrix(ref["validity"][key]).to_numpy()
    lower = np.tril_indices_from(theirs)
    np.testing.assert_allclose(ours[lower], theirs[lower], atol=tolerance.closed_form)
    assert np.isnan(ours[np.triu_indices_from(ours, k=1)]).all()


@pytest.mark.parametrize("name", DATASETS)
def test_fornell_larcker_columns_are_consistent(name, reference, r_data):
    table = kl.validity(r_data(name), reference(name)["model"]).table
    np.testing.assert_allclose(table["sqrt_ave"] ** 2, table["ave"], rtol=1e-12)
    np.testing.assert_allclose(table["max_shared_variance"], table["max_abs_corr"] ** 2, rtol=1e-12)
    assert (table["fornell_larcker"] == (table["sqrt_ave"] > table["max_abs_corr"])).all()


def test_bfi_agreeableness_and_extraversion_fail_fornell_larcker(reference, r_data):
    table = kl.validity(r_data("bfi"), reference("bfi")["model"]).table
    assert not table.loc["agreeableness", "fornell_larcker"] and not table.loc["extraversion", "fornell_larcker"]
    assert table.loc["neuroticism", "fornell_larcker"]


def test_validity_rejects_single_factor_and_bad_mean(reference, r_data):
    df = r_data("holzinger_swineford")
    with pytest.raises(kl.AnalysisInputError, match="at least two factors"):
        kl.validity(df, {"visual": ["x1", "x2", "x3"]})
    with pytest.raises(kl.OptionError, match="mean"):
        kl.htmt(df, reference("holzinger_swineford")["model"], mean="harmonic")
    with pytest.raises(kl.AnalysisInputError, match="not numeric"):
        kl.htmt(df.assign(x1="a"), reference("holzinger_swineford")["model"])
    assert isinstance(kl.validity(df, reference("holzinger_swineford")["model"]).htmt, pd.DataFrame)


def test_validity_repr_lists_every_factor(reference, r_data):
    text = repr(kl.validity(r_data("holzinger_swineford"), reference("holzinger_swineford")["model"]))
    assert text.startswith("ValidityResult(n=301)")
    assert all(factor in text for factor in ["visual", "textual", "speed", "HTMT"])
