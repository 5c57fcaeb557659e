"""The shipped case studies: regenerable byte for byte, realistic sizes, planted truths present."""

from __future__ import annotations

import numpy as np
import pytest

import kitlib as kl
from kitlib.casegen import STORIES, generate_case
from kitlib.data.cases import case_dir

FILES = ("responses.csv", "self_assessment.csv", "codebook.yaml", "README.md")


@pytest.mark.parametrize("case", kl.CASES)
def test_regeneration_is_byte_identical(case, tmp_path):
    folder = generate_case(case, tmp_path)
    for name in FILES:
        assert (folder / name).read_bytes() == (case_dir(case) / name).read_bytes(), f"{case}/{name} differs"


@pytest.mark.parametrize("case", kl.CASES)
def test_case_loads_cleanly_with_realistic_size(case):
    survey = kl.load_case(case)
    assert 300 <= len(survey) <= 1500
    assert not (survey.quality["action"] == "excluded").any()
    assert len(survey.codebook.items("servqual_E")) == len(survey.codebook.items("servqual_P")) == 22
    assert 8 <= len(survey.codebook.kano_pairs()) <= 12
    assert survey.self_assessment is not None and set(survey.self_assessment["provider"]) == set(survey.data["provider"])
    for column in ("department", "provider"):
        for value in survey.data[column].unique():
            assert survey.codebook.value_label(column, value, "zh") != value, f"{value} has no Chinese label"


@pytest.mark.parametrize("case", kl.CASES)
def test_planted_truths_are_in_the_data(case):
    story = STORIES[case]
    survey = kl.load_case(case)
    data = survey.data
    sizes = data["department"].value_counts()
    assert (sizes < 5).sum() == 1, "exactly one department is too small to report"
    gaps = {}
    for dimension, expectation, perception in survey.codebook.servqual_pairs():
        gaps.setdefault(dimension, []).append((data[perception] - data[expectation]).mean())
    mean_gaps = {d: np.mean(v) for d, v in gaps.items()}
    assert min(mean_gaps, key=mean_gaps.get) == story.largest_gap
    perceptions = data[survey.codebook.items("servqual_P")].dropna()
    corrected = {c: perceptions[c].corr(perceptions.drop(columns=c).sum(axis=1)) for c in perceptions}
    assert min(corrected, key=corrected.get) == f"P{story.weak_item:02d}"
    readme = (case_dir(case) / "README.md").read_text(encoding="utf-8")
    assert f"weak item {story.weak_item}" in readme and f"Largest gap: {story.largest_gap}" in readme
