"""The CFA estimator rule of the scale check: ordinal (WLSMV) for scales of at most 5 answer points, else ML.

:func:`choose_estimator` decides from the codebook's declared scale (cut-off an argument),
:func:`check_scales` applies it (scaled fit indices for WLSMV, ordinal alpha/omega beside alpha),
an automatic WLSMV falls back to ML with FIML when listwise deletion would drop too many
respondents, and :func:`check_invariance` says whether waves may be compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kitlib as kl
from kitlib.errors import OptionError
from kitlib.psychometrics.ordinal import cfa_wlsmv, ordinal_reliability
from kitlib.psychometrics.scale_check import (
    ORDINAL_MAX_POINTS,
    EstimatorChoice,
    answer_points,
    check_invariance,
    choose_estimator,
    fit_checks,
    fit_values,
    scale_cfa,
)
from kitlib.report.chapter import invariance_words

ORDINAL5 = "tests/fixtures/data/it_firm_ordinal5.csv"
MODEL5 = {"tangibles": ["P01", "P02", "P03", "P04"], "reliability": ["P05", "P06", "P07", "P08", "P09"]}


@pytest.fixture(scope="module")
def ordinal5():
    return pd.read_csv(ORDINAL5)


@pytest.fixture(scope="module")
def bank():
    return kl.load_case("bank", on_invalid="exclude")


def test_default_cut_off_is_five_points():
    assert ORDINAL_MAX_POINTS == 5


@pytest.mark.parametrize(("points", "expected"), [(2, "WLSMV"), (4, "WLSMV"), (5, "WLSMV"), (6, "ML"), (7, "ML"), (11, "ML")])
def test_rule_by_number_of_points(points, expected):
    choice = choose_estimator(points)
    assert choice.estimator == expected and choice.points == points and choice.requested == "auto"
    assert choice.reason == ("ordinal_scale" if expected == "WLSMV" else "continuous_scale")


def test_cut_off_is_an_argument():
    assert choose_estimator((1, 5), max_ordinal_points=4).estimator == "ML"
    assert choose_estimator((1, 7), max_ordinal_points=7).estimator == "WLSMV"
    with pytest.raises(OptionError):
        choose_estimator((1, 5), max_ordinal_points=1)


def test_override_keeps_the_points_and_says_what_auto_would_pick():
    choice = choose_estimator((1, 5), requested="ML")
    assert (choice.estimator, choice.reason, choice.points, choice.automatic) == ("ML", "requested", 5, "WLSMV")
    assert "WLSMV" in choice.explain("en") and "ML" in choice.explain("zh")
    with pytest.raises(OptionError):
        choose_estimator((1, 5), requested="GLS")


def test_codebook_scale_decides_not_the_observed_answers(bank):
    book = bank.codebook
    model = book.servqual_model("P")
    assert answer_points(book, model) == 7
    assert choose_estimator(book, model).estimator == "ML"
    assert choose_estimator(bank).estimator == "ML"  # a Survey uses its codebook
    few = bank.servqual("P").clip(upper=3)  # only 3 answers occur, but the codebook still declares 7 points
    assert answer_points(few, model) == 3
    assert choose_estimator(book, model).estimator == "ML"


def test_unknown_scale_means_ml():
    assert EstimatorChoice("ML", None, "auto", "unknown_scale").explain("en").startswith("The number of answer points")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_reason_is_explained_in_both_languages(lang):
    for reason in ("ordinal_scale", "continuous_scale", "unknown_scale", "requested", "missing"):
        text = EstimatorChoice("WLSMV", 5, "auto", reason, listwise_loss=0.2).explain(lang)
        assert text and ("WLSMV" in text or "ML" in text)


def test_check_scales_with_wlsmv_uses_the_ordinal_fit_and_scaled_indices(ordinal5):
    choice = choose_estimator((1, 5))
    check = kl.check_scales(ordinal5, MODEL5, estimator=choice)
    direct = cfa_wlsmv(ordinal5, MODEL5)
    assert check.estimator == "WLSMV" and check.choice.reason == "ordinal_scale"
    for index in ("cfi", "tli", "rmsea"):
        assert check.fit_values[index] == pytest.approx(direct.fit[f"{index}_scaled"], abs=1e-12)
    assert check.fit_values["srmr"] == pytest.approx(direct.fit["srmr"], abs=1e-12)
    assert check.fit_values["kind"] == "WLSMV"
    ordinal = ordinal_reliability(ordinal5, MODEL5)
    pd.testing.assert_frame_equal(check.ordinal_reliability, ordinal)
    assert (check.ordinal_reliability["ordinal_alpha"] > check.reliability["alpha"]).all()
    assert "WLSMV" in repr(check)


def test_fit_checks_judge_the_scaled_indices():
    wlsmv = pd.Series({"chi2": 90.0, "df": 26, "pvalue": 0.0, "cfi": 0.90, "tli": 0.90, "rmsea": 0.10, "srmr": 0.05,
                       "chi2_scaled": 40.0, "pvalue_scaled": 0.04, "shift_parameter": 1.0, "cfi_scaled": 0.99,
                       "tli_scaled": 0.98, "rmsea_scaled": 0.03, "n": 300})
    assert fit_checks(wlsmv).all()
    assert fit_values(wlsmv)["chi2"] == 40.0
    ml = wlsmv.drop(["shift_parameter", "chi2_scaled", "pvalue_scaled", "cfi_scaled", "tli_scaled", "rmsea_scaled"])
    assert not fit_checks(ml)["CFI"] and fit_values(ml)["kind"] == "ML"


def test_check_scales_default_and_ml_are_unchanged(bank):
    perceptions, model = bank.servqual("P"), bank.codebook.servqual_model("P")
    default = kl.check_scales(perceptions, model)
    ml = kl.check_scales(perceptions, model, estimator=choose_estimator(bank.codebook, model))
    assert default.estimator == ml.estimator == "ML" and default.ordinal_reliability is None
    assert ml.fit["cfi"] == pytest.approx(kl.cfa(perceptions, model).fit["cfi"], abs=1e-12)
    assert ml.fit_values["cfi"] == pytest.approx(ml.fit["cfi"], abs=1e-12)


def test_auto_on_a_dataframe_counts_the_observed_answers(ordinal5):
    assert kl.check_scales(ordinal5, MODEL5, estimator="auto").estimator == "WLSMV"


def test_automatic_wlsmv_falls_back_to_fiml_when_listwise_loses_too_many(ordinal5):
    data = ordinal5[[item for items in MODEL5.values() for item in items]].copy()
    rng = np.random.default_rng(3)
    holes = rng.random(data.shape) < 0.05  # about 36% of respondents miss some item
    data = data.mask(holes)
    fitted, choice = scale_cfa(data, MODEL5, choose_estimator((1, 5)))
    assert choice.estimator == "ML" and choice.reason == "missing" and fitted.missing == "fiml"
    assert choice.listwise_loss > 0.10
    assert f"{choice.listwise_loss:.0%}" in choice.explain("en")
    kept, asked = scale_cfa(data, MODEL5, choose_estimator((1, 5), requested="WLSMV"))
    assert asked.estimator == "WLSMV" and kept.n_dropped > 0  # an explicit WLSMV stays (listwise)


def test_invariance_check_on_the_bank_waves(bank):
    data = bank.servqual("P").assign(wave=bank.data["wave"])
    check = check_invariance(data, bank.codebook.servqual_model("P"), "wave")
    direct = kl.invariance(data, bank.codebook.servqual_model("P"), group="wave")
    assert check.tested and check.means_comparable == direct.means_comparable
    words = invariance_words(check, bank.codebook, "wave")
    scalar = direct.table.loc["scalar"]
    assert f"ΔCFI = {scalar['delta_cfi']:+.3f}" in words["en"] and f"ΔCFI = {scalar['delta_cfi']:+.3f}" in words["zh"]
    assert ("comparing the waves' means is warranted" in words["en"]) == direct.means_comparable


def test_invariance_check_says_why_it_cannot_run(bank):
    data = bank.servqual("P").assign(wave=bank.data["wave"])
    model = bank.codebook.servqual_model("P")
    small = data.dropna().groupby("wave").head(60)
    too_few = check_invariance(small, model, "wave")
    assert too_few.reason == "too_few" and too_few.means_comparable is None and too_few.n_smallest == 60
    assert "60" in too_few.note("en") and "60" in too_few.note("zh") and "100" in too_few.note("en")
    two_items = {name: items[:2] for name, items in model.items()}
    assert check_invariance(data, two_items, "wave").reason == "no_scales"
    one_wave = data[data["wave"] == data["wave"].iloc[0]]
    assert check_invariance(one_wave, model, "wave").reason == "too_few"
    words = invariance_words(too_few, bank.codebook, "wave")
    assert words["en"].startswith("*Measurement invariance not tested") and words["zh"].startswith("*未检验测量不变性")
