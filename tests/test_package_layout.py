"""The shape of the package after the reorganisation into topic packages (fast, no network).

* no submodule is hidden behind a function or class of the same name in its parent package;
* every public module declares ``__all__`` and every name in it exists;
* the flat ``kl.*`` API of kitlib 0.1 is still there;
* result objects are frozen dataclasses;
* bad options raise :class:`kitlib.OptionError`, which is a :class:`kitlib.KitError`;
* the shipped folders exist once, at the repository root, and the build can read ``pyproject.toml``.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import kitlib as kl
import kitlib.stats

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(kl.__file__).resolve().parent


def _raise(name):
    raise ImportError(f"pkgutil.walk_packages could not import {name}")


#: Every module and package below ``kitlib`` (``walk_packages`` imports the packages as it goes).
MODULES = sorted(info.name for info in pkgutil.walk_packages(kl.__path__, "kitlib.", onerror=_raise))
PUBLIC = ["kitlib"] + [name for name in MODULES if not name.rpartition(".")[2].startswith("_")]
TOPICS = ["kitlib.data", "kitlib.psychometrics", "kitlib.service", "kitlib.stats", "kitlib.privacy", "kitlib.i18n", "kitlib.errors",
          "kitlib.plot", "kitlib.report", "kitlib.exercises", "kitlib.widgets", "kitlib.casegen"]


def test_the_walk_finds_every_topic_package():
    assert set(TOPICS) <= set(MODULES), sorted(set(TOPICS) - set(MODULES))
    for name in ("data.cases", "psychometrics.fiml", "service.net_promoter", "service._shared", "cli"):
        assert f"kitlib.{name}" in MODULES


# ---------------------------------------------------------------- 1. no module shadowed by a function
@pytest.mark.parametrize("name", MODULES)
def test_submodule_is_not_shadowed_in_its_parent(name):
    module = importlib.import_module(name)
    parent_name, _, child = name.rpartition(".")
    found = getattr(importlib.import_module(parent_name), child, None)
    assert found is module, (f"{parent_name}.{child} is {found!r}, not the module {name}: the package exports a "
                             f"function/class named like its submodule, so `import {name}` and `from {parent_name} import {child}` disagree")


def test_topic_modules_import_in_a_fresh_interpreter():
    result = subprocess.run([sys.executable, "-c", "import kitlib.service.net_promoter, kitlib.psychometrics"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- 2. __all__
@pytest.mark.parametrize("name", PUBLIC)
def test_public_module_declares_all(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    names = list(module.__all__)
    assert all(isinstance(entry, str) for entry in names), names
    missing = [entry for entry in names if not hasattr(module, entry)]
    assert not missing, f"{name}.__all__ lists names the module lacks: {missing}"


# ---------------------------------------------------------------- 3. the kl.* API of kitlib 0.1
ERRORS = ["AnalysisInputError", "CodebookError", "DataFileError", "DataValidationError", "DuplicateRespondentError", "EncodingError",
          "MissingColumnError", "NonNumericError", "OutOfRangeError", "OptionError"]
OLD_API = ["load_survey", "load_case", "CASES", "case_dir", "Codebook", "load_codebook", "Survey", "KitError", *ERRORS,
           "reliability", "item_analysis", "factorability", "parallel_analysis", "efa", "cfa", "validity", "htmt", "structure_match",
           "servqual_gaps", "self_view_gap", "kano_classify", "kano_table", "summarize_kano_counts", "nps", "nps_table", "csi", "ipa",
           "trend", "provider_matrix", "suppress_small_groups", "publishable_comments", "paired_gap_test", "welch_test",
           "plot", "widgets", "exercises"]


@pytest.mark.parametrize("name", OLD_API)
def test_old_public_name_is_kept(name):
    value = getattr(kl, name)
    assert value is not None
    if name in ("plot", "widgets", "exercises"):
        assert value is importlib.import_module(f"kitlib.{name}")
        assert name in dir(kl)
    elif name != "CASES":
        assert callable(value), f"kl.{name} = {value!r}"


@pytest.mark.parametrize("name", ERRORS)
def test_error_classes_are_kit_errors(name):
    assert issubclass(getattr(kl, name), kl.KitError)


@pytest.mark.parametrize("subpackage", ["plot", "widgets", "exercises"])
def test_lazy_subpackage_names_are_reachable_through_kl(subpackage):
    module = getattr(kl, subpackage)
    assert module.__all__
    for name in module.__all__:
        assert getattr(module, name) is not None, f"kl.{subpackage}.{name}"
    if subpackage == "plot":
        for name in ("gap_bars", "kano_map", "nps_bar", "ipa_grid", "trend_chart", "provider_heatmap", "scree", "set_theme"):
            assert callable(getattr(kl.plot, name)), name


def test_paired_gap_test_is_the_paired_test():
    assert kl.paired_gap_test is kitlib.stats.paired_test


# ---------------------------------------------------------------- 4. frozen results
RESULT_NAMES = ["Factorability", "ParallelAnalysis", "StructureMatch", "ProviderMatrix", "Comments", "ScaleCheck", "PairedTest",
                "TwoSampleTest", "MeanInterval", "ValidityResult", "GapResult", "CSIResult", "IPAResult", "NPSResult", "TrendResult",
                "CFAResult", "EFAResult"]


def _result_classes() -> dict[str, type]:
    classes = {}
    for name in RESULT_NAMES:
        found = getattr(kl, name, None) or getattr(kitlib.stats, name, None)
        assert found is not None, f"{name} is neither kl.{name} nor kitlib.stats.{name}"
        classes[name] = found
    for name in dir(kl):  # and whatever other result type kl exports
        value = getattr(kl, name)
        if name.endswith("Result") and isinstance(value, type) and dataclasses.is_dataclass(value):
            classes.setdefault(name, value)
    return classes


RESULTS = _result_classes()


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_result_is_a_frozen_dataclass(name):
    cls = RESULTS[name]
    assert dataclasses.is_dataclass(cls), f"{name} is not a dataclass"
    assert dataclasses.fields(cls), f"{name} has no fields"
    assert cls.__dataclass_params__.frozen, f"{name} is a dataclass but not frozen=True"


def test_a_computed_result_cannot_be_changed():
    result = kl.nps([0, 3, 7, 8, 9, 10, 10])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.nps = 100.0


# ---------------------------------------------------------------- 5. OptionError
def test_option_error_is_a_kit_error_and_a_value_error():
    assert issubclass(kl.OptionError, kl.KitError)
    assert issubclass(kl.OptionError, ValueError)


def test_bad_confidence_raises_option_error():
    with pytest.raises(kl.OptionError):
        kl.nps([1, 2], confidence=2)


def test_unknown_csi_weights_raise_option_error():
    with pytest.raises(kl.OptionError):
        kl.csi(kl.load_case("it_firm"), weights="median")


# ---------------------------------------------------------------- one copy of the shipped folders; a buildable pyproject
def test_shipped_folders_live_once_at_the_repository_root(monkeypatch):
    assert not (PACKAGE / "_shipped").exists(), "kitlib/_shipped/ belongs in built wheels only, not in the checkout"
    assert not list(PACKAGE.rglob("*.ipynb")), "notebooks belong in the repository's notebooks/ folder"
    from kitlib.data.cases import shipped_dir

    monkeypatch.delenv("KITLIB_DATASETS", raising=False)
    monkeypatch.delenv("KITLIB_NOTEBOOKS", raising=False)
    if PACKAGE.parents[1] == ROOT:  # a checkout (editable install), not a wheel
        assert shipped_dir("datasets") == ROOT / "datasets"
        assert shipped_dir("notebooks") == ROOT / "notebooks"


def test_build_requirements_can_read_the_license_field():
    """``license = "MIT"`` (an SPDX expression, PEP 639) is understood from setuptools 77 on; older ones reject pyproject.toml."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    if not isinstance(pyproject["project"].get("license"), str):
        pytest.skip("license is not an SPDX expression string")
    setuptools = [Requirement(text) for text in pyproject["build-system"]["requires"] if Requirement(text).name == "setuptools"]
    assert setuptools, "build-system.requires lacks setuptools"
    accepted_too_old = [version for version in ("68.0", "70.0", "75.8.2", "76.1.0") if setuptools[0].specifier.contains(version)]
    assert not accepted_too_old, (f"build-system.requires {setuptools[0]} admits setuptools {accepted_too_old}, which reject "
                                  f"license = {pyproject['project']['license']!r}; require setuptools>=77")
