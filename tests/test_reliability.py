"""kl.reliability and kl.item_analysis against psych::alpha, psych::alpha.ci and psych::omega (R fixtures)."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

import kitlib as kl

DATASETS = ["holzinger_swineford", "bfi", "case_it_firm", "case_manufacturer", "case_bank"]  # fixtures/r/<name>.json


@pytest.mark.parametrize("name", DATASETS)
def test_reliability_matches_psych(name, reference, r_data, tolerance):
    ref = reference(name)
    table = kl.reliability(r_data(name), ref["model"])
    assert list(table.index) == list(ref["model"])
    for scale, expected in ref["reliability"].items():
        row = table.loc[scale]
        assert row["n_items"] == expected["n_items"]
        assert row["n"] == expected["n"]
        for column in ["alpha", "std_alpha", "alpha_ci_low", "alpha_ci_high"]:
            assert row[column] == pytest.approx(expected[column], abs=tolerance.closed_form), (scale, column)
        assert row["omega_total"] == pytest.approx(expected["omega_total"], abs=tolerance.iterative), scale


@pytest.mark.parametrize("name", DATASETS)
def test_item_analysis_matches_psych(name, reference, raw_data, tolerance):
    ref = reference(name)
    for scale, expected in ref["reliability"].items():
        reverse = [i for i in ref["reverse"] or [] if i in ref["model"][scale]]
        table = kl.item_analysis(raw_data(name), ref["model"][scale], reverse=reverse, scale=ref["scale_range"])
        items = expected["items"]
        assert list(table.index) == items["item"]
        for column in ["mean", "sd", "r_drop", "alpha_if_deleted"]:
            np.testing.assert_allclose(table[column], items[column], atol=tolerance.closed_form, err_msg=f"{scale} {column}")
        assert table["reversed"].tolist() == [i in reverse for i in items["item"]]


def test_item_analysis_reads_reverse_keys_from_codebook(reference, r_data, tolerance):
    codebook = kl.load_case("it_firm").codebook
    items = codebook.items("servqual_P", dimension="responsiveness")
    raw = r_data("case_it_firm")
    raw["P13"] = 8 - raw["P13"]  # undo the loader's recoding, as in an unprocessed file
    expected = reference("case_it_firm")["reliability"]["responsiveness"]["items"]
    table = kl.item_analysis(raw, items, reverse=codebook)
    assert table.loc["P13", "reversed"]
    np.testing.assert_allclose(table["r_drop"], expected["r_drop"], atol=tolerance.closed_form)


def test_feldt_interval_is_pingouins_formula_at_full_precision(r_data):
    df = r_data("bfi")[["C1", "C2", "C3", "C4", "C5"]]
    ours = kl.reliability(df, ["C1", "C2", "C3", "C4", "C5"]).loc["scale"]
    alpha, (low, high) = pg.cronbach_alpha(data=df.dropna())
    assert ours["alpha"] == pytest.approx(alpha, abs=1e-12)
    # pingouin rounds its interval to 3 decimals; kitlib keeps full precision
    assert abs(ours["alpha_ci_low"] - low) <= 5e-4 and abs(ours["alpha_ci_high"] - high) <= 5e-4
    assert ours["alpha_ci_low"] != round(ours["alpha_ci_low"], 3)


def test_a_wider_confidence_level_gives_a_wider_interval(r_data):
    df = r_data("holzinger_swineford")
    narrow = kl.reliability(df, ["x1", "x2", "x3"], ci=0.90).loc["scale"]
    wide = kl.reliability(df, ["x1", "x2", "x3"], ci=0.99).loc["scale"]
    assert wide["alpha_ci_low"] < narrow["alpha_ci_low"] < narrow["alpha"] < narrow["alpha_ci_high"] < wide["alpha_ci_high"]


def test_omega_is_nan_for_a_two_item_scale(r_data):
    assert np.isnan(kl.reliability(r_data("holzinger_swineford"), ["x1", "x2"]).loc["scale", "omega_total"])


@pytest.mark.parametrize(
    ("frame", "scales", "message"),
    [
        (pd.DataFrame({"a": [1, 2, 3, 4]}), ["a"], "at least 2 items"),
        (pd.DataFrame({"a": [1, 2], "b": [2, 1]}), ["a", "b"], "at least 3 respondents"),
        (pd.DataFrame({"a": [1, 2, 3, 4], "b": [3, 3, 3, 3]}), ["a", "b"], "same value for every respondent"),
        (pd.DataFrame({"a": [1, 2, 3, 4], "b": ["x", "y", "z", "w"]}), ["a", "b"], "not numeric"),
        (pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 1, 4, 3]}), ["a", "zz"], "not in the data"),
        (pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 1, 4, 3]}), {}, "empty"),
    ],
)
def test_reliability_rejects_bad_input(frame, scales, message):
    with pytest.raises(kl.AnalysisInputError, match=message):
        kl.reliability(frame, scales)


def test_item_analysis_rejects_unknown_reverse_item(r_data):
    with pytest.raises(kl.AnalysisInputError, match="not among the items"):
        kl.item_analysis(r_data("holzinger_swineford"), ["x1", "x2", "x3"], reverse=["x9"])
