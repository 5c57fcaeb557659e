"""The pinned environment: lock file, environment.yml and the installed packages agree."""

from __future__ import annotations

import importlib.metadata
import warnings
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_environment_yml_pins_exactly_the_lock():
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
    listed = {}
    for entry in pip_section:
        if entry.startswith("-e"):
            continue
        name, version = entry.split("==")
        listed[name.lower().replace("_", "-")] = version
    assert listed == lock_pins()
    assert "python=3.11" in spec["dependencies"]


def test_installed_versions_match_the_lock():
    pins = lock_pins()
    mismatched = {}
    for name in ("pandas", "numpy", "scipy", "scikit-learn", "factor-analyzer", "pingouin", "semopy",
                 "seaborn", "matplotlib", "papermill", "nbval", "jupyterlab", "ipywidgets", "mplfonts"):
        installed = importlib.metadata.version(name)
        if pins.get(name) != installed:
            mismatched[name] = (pins.get(name), installed)
    assert not mismatched, f"installed != locked: {mismatched}; run make test after editing requirements.lock"


def test_every_runtime_dependency_is_locked():
    requirements = importlib.metadata.requires("kitlib")
    names = {r.split(";")[0].split("<")[0].split(">")[0].split("=")[0].strip().lower() for r in requirements}
    assert names <= set(lock_pins()), names - set(lock_pins())


def test_factor_analyzer_works_with_the_pinned_scikit_learn():
    """factor_analyzer 0.5.1 breaks on scikit-learn >= 1.8 ('force_all_finite'); the pin must hold."""
    from factor_analyzer import FactorAnalyzer

    data = np.random.default_rng(1).normal(size=(200, 6))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        loadings = FactorAnalyzer(n_factors=2, rotation="varimax").fit(data).loadings_
    assert loadings.shape == (6, 2)
