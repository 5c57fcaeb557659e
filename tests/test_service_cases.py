"""The service-quality analyses recover the truths planted in the shipped cases (issue 4).

Planted values come from ``kitlib.casegen.stories`` (the generator's inputs), see
datasets/<case>/README.md.
"""

import numpy as np
import pytest

import kitlib as kl
from kitlib.casegen.stories import STORIES


@pytest.fixture(scope="module", params=kl.CASES)
def case(request):
    return STORIES[request.param], kl.load_case(request.param)


def test_largest_gap_dimension(case):
    story, survey = case
    dims = kl.servqual_gaps(survey).dimensions.set_index("dimension")
    assert dims["gap"].idxmin() == story.largest_gap
    assert (dims["ci_high"] < 0).all()


def test_kano_categories(case):
    story, survey = case
    table = kl.kano_table(survey).set_index("feature")
    planted = {feature.id: feature.category for feature in story.features}
    assert table["category"].to_dict() == planted
    assert table.loc[[f for f, c in planted.items() if c in "OMA"], "fong_significant"].all()


def test_small_department_is_suppressed_everywhere(case):
    story, survey = case
    small = [name for name, spec in story.departments.items() if spec["size"] < 5]
    assert small
    gaps = kl.servqual_gaps(survey, by="department").dimensions
    assert gaps.loc[gaps["department"].isin(small), "gap"].isna().all()
    assert (gaps["suppression"] == "complementary").any()
    nps = kl.nps_table(survey, by="department")
    assert nps.loc[nps["department"].isin(small), "nps"].isna().all()
    matrix = kl.provider_matrix(survey)
    assert matrix.values[small].isna().all().all()


def test_providers_see_themselves_rosier_most_in_the_blind_spot(case):
    story, survey = case
    table = kl.self_view_gap(survey)
    assert (table.groupby("dimension")["self_view_gap"].mean() < 0).all()
    assert table.groupby("dimension")["self_view_gap"].mean().idxmin() == story.largest_gap


def test_bank_training_improved_responsiveness_not_tangibles():
    result = kl.trend(kl.load_case("bank"))
    changes = result.changes.set_index("measure")
    dims = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
    assert changes.loc[dims, "diff"].idxmax() == "responsiveness"
    assert changes.loc["responsiveness", "significant"] and changes.loc["nps", "diff"] > 0
    assert not changes.loc["tangibles", "significant"]
    assert np.isfinite(changes.loc["nps", "p"])


def test_dimension_scores_of_some_dimensions_are_those_columns_of_all(case):
    from kitlib.service._shared import dimension_gaps, dimension_scores

    _, survey = case
    for every, some in ((dimension_gaps(survey), dimension_gaps(survey, ["empathy", "tangibles"])),
                        (dimension_scores(survey, "P"), dimension_scores(survey, "P", ["empathy", "tangibles"]))):
        assert some.columns.tolist() == ["tangibles", "empathy"]  # the model's order
        assert some.equals(every[["tangibles", "empathy"]])


def test_headline_change_of_an_unknown_dimension_names_every_dimension():
    from kitlib.errors import OptionError
    from kitlib.service.waves import headline_change, latest_wave

    view = latest_wave(kl.load_case("bank"))
    with pytest.raises(OptionError, match="unknown dimension 'speed'; the survey has tangibles, reliability, responsiveness, assurance, empathy"):
        headline_change(view, "gap", "speed")
