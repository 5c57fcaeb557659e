"""Start-up of the kit and of a report batch: lazy package attributes, workers that warm up while the batch is planned.

``import kitlib`` loads no scientific library; every public name still
resolves (and is listed by ``dir``).  ``kitlib report`` starts its workers and
their kernels before it plans, and a plan that fails stops them at once.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

import kitlib
from kitlib import cli
from kitlib.report import execute, grid

LAZY_PACKAGES = ["kitlib", "kitlib.service", "kitlib.psychometrics", "kitlib.plot", "kitlib.report"]
HEAVY = ("pandas", "numpy", "matplotlib", "scipy", "seaborn", "semopy", "jsonschema", "sklearn")


def test_importing_the_kit_and_its_command_loads_no_scientific_library():
    code = ("import sys, kitlib, kitlib.cli, kitlib.report, kitlib.service, kitlib.psychometrics, kitlib.plot\n"
            f"print(','.join(sorted(name for name in {HEAVY!r} if name in sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"import kitlib loaded {loaded}"


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_public_name_of_a_lazy_package_resolves_and_is_listed(package):
    module = importlib.import_module(package)
    listed = dir(module)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
        assert name in listed, f"{name} missing from dir({package})"
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        module.no_such_name  # noqa: B018 - the attribute access is the test


def test_a_lazy_name_is_the_object_of_its_module():
    from kitlib.service.gaps import servqual_gaps
    from kitlib.stats import paired_test

    assert kitlib.servqual_gaps is servqual_gaps
    assert kitlib.paired_gap_test is paired_test  # the earlier name, kept
    assert kitlib.plot is importlib.import_module("kitlib.plot")


def _children() -> list[psutil.Process]:
    return psutil.Process().children(recursive=True)


def _work_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{execute.SCRATCH_PREFIX}*"))


def _wait_for_no_children(seconds: float = 30) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while (alive := [child for child in _children() if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]) \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


def test_kernels_start_before_the_batch_is_planned(tmp_path, monkeypatch):
    seen = {}

    def plan(*args, **kwargs):
        deadline = time.monotonic() + 60  # the kernels appear while the plan is still running
        while time.monotonic() < deadline:
            kernels = [child for child in _children() if "ipykernel" in " ".join(child.cmdline())]
            if len(kernels) == 2:
                break
            time.sleep(0.1)
        seen["kernels"] = len(kernels)
        return [], {}

    monkeypatch.setattr(grid, "plan_batch", plan)
    before = _work_folders()
    assert cli.main(["report", "--out", str(tmp_path / "out"), "--workers", "2", "--no-progress"]) == 0
    assert seen["kernels"] == 2
    assert _wait_for_no_children() == []
    assert _work_folders() == before


def test_a_failed_plan_stops_the_workers_at_once(tmp_path, capsys):
    before = _work_folders()
    start = time.monotonic()
    code = cli.main(["report", "--param", "min_group_size=1", "--out", str(tmp_path / "out"), "--no-progress"])
    seconds = time.monotonic() - start
    assert code == 2
    assert "min_group_size" in capsys.readouterr().err
    assert _wait_for_no_children() == []
    assert _work_folders() == before
    assert not (tmp_path / "out").exists()  # nothing was planned, so no output folder either
    assert seconds < 30, f"the refusal waited {seconds:.1f} s for kernels to warm up"
