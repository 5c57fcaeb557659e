"""kl.invariance against lavaan multi-group CFA (fixtures/r/invariance.R): fit per level, LRT, verdicts."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kitlib as kl

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "r" / "invariance.json").read_text(encoding="utf-8"))
DATA = {"holzinger_swineford": "holzinger_swineford_school.csv", "bank": "case_bank_waves_P.csv"}
LAVAAN = {"chi2": "chisq", "df": "df", "pvalue": "pvalue", "cfi": "cfi", "tli": "tli", "rmsea": "rmsea",
          "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper", "srmr": "srmr"}


@pytest.fixture(scope="module")
def results():
    return {name: kl.invariance(pd.read_csv(FIXTURES / "data" / file), REFERENCE[name]["model"],
                                group=REFERENCE[name]["group"], strict=True)
            for name, file in DATA.items()}


@pytest.mark.parametrize("name", list(DATA))
def test_levels_match_lavaan(name, results, tolerance):
    ref = REFERENCE[name]
    result = results[name]
    assert list(result.groups) == ref["group_labels"] and list(result.n) == ref["n"]
    assert list(result.table.index) == ["configural", "metric", "scalar", "strict"]
    for level, theirs in ref["levels"].items():
        assert theirs["converged"]
        for ours, key in LAVAAN.items():
            assert result.table.loc[level, ours] == pytest.approx(theirs[key], abs=tolerance.iterative, rel=1e-6), (level, ours)
        assert theirs["ntotal"] == sum(result.n)


@pytest.mark.parametrize("name", list(DATA))
def test_difference_tests_match_lavtestlrt(name, results, tolerance):
    table = results[name].table
    for level, lrt in REFERENCE[name]["lrt"].items():
        assert table.loc[level, "delta_chi2"] == pytest.approx(lrt["delta_chi2"], abs=tolerance.iterative)
        assert table.loc[level, "delta_df"] == lrt["delta_df"]
        assert table.loc[level, "p"] == pytest.approx(lrt["p"], abs=1e-6)
    assert np.isnan(table.loc["configural", "delta_chi2"])


def test_bank_waves_are_scalar_invariant(results):
    result = results["bank"]
    assert result.levels_held == ("configural", "metric", "scalar", "strict") and result.means_comparable
    assert result.highest == "strict" and "means may be compared" in result.summary()
    assert (result.table["verdict"] == "holds").all()
    assert "InvarianceResult" in repr(result)


def test_holzinger_swineford_verdicts_follow_chen_cutoffs(results):
    table = results["holzinger_swineford"].table
    assert table.loc["metric", "verdict"] == "holds"  # delta CFI -0.0025, delta RMSEA -0.004
    assert table.loc["scalar", "verdict"] == "does not hold"  # delta CFI -0.038 < -0.010
    assert table.loc["configural", "verdict"] == "does not hold"  # RMSEA 0.097 > 0.08
    assert results["holzinger_swineford"].levels_held == () and not results["holzinger_swineford"].means_comparable
    lenient = kl.invariance(pd.read_csv(FIXTURES / "data" / DATA["holzinger_swineford"]), REFERENCE["holzinger_swineford"]["model"],
                            group="school", max_rmsea=0.10)
    assert lenient.levels_held == ("configural", "metric") and not lenient.means_comparable
    assert list(lenient.table.index) == ["configural", "metric", "scalar"]
    assert "intercepts differ" in lenient.summary()


def test_dict_model_and_errors(case):
    survey = case("bank")
    frame = survey.servqual("P").assign(wave=survey.data["wave"])
    result = kl.invariance(frame, survey.codebook.servqual_model("P"), group="wave")
    assert result.table.loc["configural", "chi2"] == pytest.approx(REFERENCE["bank"]["levels"]["configural"]["chisq"], abs=1e-3)
    with pytest.raises(kl.AnalysisInputError, match="not in the data"):
        kl.invariance(frame, survey.codebook.servqual_model("P"), group="branch")
    with pytest.raises(kl.AnalysisInputError, match="at least 2"):
        kl.invariance(frame.assign(wave="one"), survey.codebook.servqual_model("P"), group="wave")
