"""Installable anywhere: a regular (non-editable) install of kitlib works from any folder.

The package is built from a copy of the checkout and installed into a fresh
virtual environment.  To avoid downloading the ~150 dependencies again, the new
environment sees the test environment's ``site-packages`` through a plain path
line in a ``.pth`` file — a path line only, so the editable-install hooks in
that folder are not processed and kitlib itself is importable only from the
new install.  Jupyter's data files (nbconvert's HTML templates) are not on a
Python path; the new environment links the test environment's ``nbconvert``
templates folder, as a venv with nbconvert installed in it would have it.

From an empty folder, with neither ``KITLIB_DATASETS``/``KITLIB_NOTEBOOKS``
nor ``PYTHONPATH`` set, the installed kit then

a. imports and loads a shipped case (datasets travel inside the wheel);
b. runs a shipped chapter notebook with papermill in a kernel of the new environment;
c. runs ``kitlib report`` (the console script of the new environment);
d. passes its doctests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
KERNEL_NAME = "kitlib-installed"
#: Not part of a build: version control, environments, caches and earlier build output (a stale build/ would leak into the wheel).
NOT_BUILT = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis",
             ".ipynb_checkpoints", ".ruff_cache", "reports", "tests", "benchmarks")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("install")]  # one install per run, also under xdist --dist loadgroup


@dataclass
class Installed:
    venv: Path
    python: Path
    site: Path
    package: Path
    elsewhere: Path
    env: dict
    how: str
    timings: dict = field(default_factory=dict)

    def run(self, label: str, *args, timeout=300) -> subprocess.CompletedProcess:
        """Run a command of the new environment from the empty folder; keep its duration under ``label``."""
        start = time.perf_counter()
        result = subprocess.run([str(arg) for arg in args], cwd=self.elsewhere, env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        self.timings[label] = time.perf_counter() - start
        return result


def _check(result: subprocess.CompletedProcess, what: str) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"{what} failed (exit {result.returncode})\n--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    return result


def _clean_environment(venv: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"KITLIB_DATASETS", "KITLIB_NOTEBOOKS", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV",
                          "JUPYTER_PATH", "JUPYTER_DATA_DIR", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST"}}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["MPLBACKEND"] = "Agg"
    return env


def _nbconvert_templates() -> Path | None:
    from jupyter_core.paths import jupyter_path

    for folder in map(Path, jupyter_path("nbconvert")):
        if (folder / "templates" / "lab").is_dir():
            return folder
    return None


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    base = tmp_path_factory.mktemp("install")
    started = time.perf_counter()

    # a fresh venv that sees this environment's dependencies but not its (editable) kitlib
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "_kitlib_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    templates = _nbconvert_templates()
    if templates is not None:
        (venv / "share" / "jupyter").mkdir(parents=True, exist_ok=True)
        (venv / "share" / "jupyter" / "nbconvert").symlink_to(templates, target_is_directory=True)
    env = _clean_environment(venv)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    probe = subprocess.run([str(python), "-c", "import kitlib"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert probe.returncode != 0, "the new venv must not see the checkout's kitlib before the install"

    # build from a copy of the checkout: the build writes build/ and *.egg-info, which must not land in the shared checkout
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_BUILT), symlinks=True)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
    install = subprocess.run([*pip, "install", "--no-deps", "--no-build-isolation", "--ignore-installed", str(source)],
                             cwd=base, env=env, capture_output=True, text=True, timeout=300)
    how = "pip install --no-build-isolation"
    if install.returncode != 0:  # e.g. the test environment's setuptools is older than pyproject.toml needs
        wheels = base / "wheels"
        _check(subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)],
                              cwd=base, env=env, capture_output=True, text=True, timeout=600), "pip wheel (isolated build)")
        (wheel,) = wheels.glob("kitlib-*.whl")
        _check(subprocess.run([*pip, "install", "--no-deps", "--ignore-installed", str(wheel)],
                              cwd=base, env=env, capture_output=True, text=True, timeout=300), "pip install <wheel>")
        lines = install.stderr.splitlines()
        reason = next((line.strip() for line in lines if "configuration error" in line or "Error" in line), lines[-1] if lines else "?")
        how = (f"pip wheel (isolated build) + pip install <wheel>; --no-build-isolation with this environment's "
               f"setuptools {metadata.version('setuptools')} failed: {reason}")

    # a kernel of the new environment for papermill
    _check(subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(venv), "--name", KERNEL_NAME],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120), "ipykernel install")
    result = Installed(venv=venv, python=python, site=site, package=site / "kitlib", elsewhere=elsewhere, env=env, how=how)
    result.timings["fixture: venv + build + install + kernel"] = time.perf_counter() - started
    yield result
    print(f"\n[test_install] install via {how}")
    for what, seconds in result.timings.items():
        print(f"[test_install] {seconds:6.1f} s  {what}")


def test_install_is_regular_and_lives_in_the_new_venv(installed):
    assert (installed.package / "__init__.py").is_file()
    assert (installed.venv / "bin" / "kitlib").is_file(), "console script missing"
    pip_list = [installed.python, "-m", "pip", "list", "--path", installed.site, "--format", "json"]
    listed = _check(installed.run("pip list", *pip_list), "pip list")
    assert {"name": "kitlib", "version": "0.1.0"} in json.loads(listed.stdout)
    editable = _check(installed.run("pip list --editable", *pip_list, "--editable"), "pip list --editable")
    assert "kitlib" not in {row["name"] for row in json.loads(editable.stdout)}
    (dist_info,) = installed.site.glob("kitlib-*.dist-info")
    direct_url = dist_info / "direct_url.json"
    if direct_url.exists():
        assert not json.loads(direct_url.read_text()).get("dir_info", {}).get("editable", False)
    assert not list(installed.site.glob("__editable__*kitlib*")), "an editable hook was installed"
    for shipped in ("datasets/bank/responses.csv", "datasets/bank/codebook.yaml", "notebooks/report.ipynb",
                    "notebooks/02_service_gaps.ipynb"):
        assert (installed.package / "_shipped" / shipped).is_file(), f"the wheel lacks _shipped/{shipped}"


def test_a_import_and_load_case_from_elsewhere(installed):
    code = ("import json, sys; import kitlib as kl, kitlib.service.net_promoter, kitlib.psychometrics; "
            "from kitlib.data.cases import shipped_dir; s = kl.load_case('bank'); "
            "print(json.dumps({'rows': len(s), 'file': kl.__file__, 'datasets': str(shipped_dir('datasets')), "
            "'notebooks': str(shipped_dir('notebooks')), 'executable': sys.executable, 'path': sys.path}))")
    result = _check(installed.run("a. import kitlib + load_case", installed.python, "-c", code), "import kitlib; load_case('bank')")
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["rows"] == 1220
    assert Path(seen["file"]).resolve() == (installed.package / "__init__.py").resolve()
    assert not Path(seen["file"]).resolve().is_relative_to(ROOT)
    assert Path(seen["datasets"]).resolve() == (installed.package / "_shipped" / "datasets").resolve()
    assert Path(seen["notebooks"]).resolve() == (installed.package / "_shipped" / "notebooks").resolve()
    assert str(ROOT / "src") not in seen["path"]


def test_b_chapter_notebook_runs_in_the_installed_kernel(installed, tmp_path):
    spec = json.loads((installed.venv / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json").read_text())
    assert Path(spec["argv"][0]) == installed.python, spec["argv"]
    notebook = installed.package / "_shipped" / "notebooks" / "02_service_gaps.ipynb"
    out = tmp_path / "02_service_gaps.out.ipynb"
    _check(installed.run("b. papermill 02_service_gaps", installed.python, "-m", "papermill", notebook, out,
                         "-p", "case", "bank", "-p", "lang", "en", "-k", KERNEL_NAME, "--no-progress-bar"), "papermill 02_service_gaps")
    executed = nbformat.read(out, as_version=4)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    errors = [output for cell in code for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert not errors, [f"{error['ename']}: {error['evalue']}" for error in errors]
    assert sum(bool(cell.get("outputs")) for cell in code) >= 3, "the notebook produced (almost) no output"
    assert not executed.metadata.get("papermill", {}).get("exception")


def test_c_kitlib_report_from_elsewhere(installed, tmp_path):
    kernel = _check(installed.run("c. kernel lookup", installed.python, "-c",
                                  "from jupyter_client.manager import KernelManager; "
                                  "print(KernelManager(kernel_name='python3').format_kernel_cmd()[0])"), "kernel lookup")
    assert Path(kernel.stdout.strip()) == installed.python, "kitlib report's python3 kernel is not the new venv's python"
    out = tmp_path / "reports"
    _check(installed.run("c. kitlib report --case it_firm", installed.venv / "bin" / "kitlib", "report",
                         "--case", "it_firm", "--out", out, "--workers", "1", "--no-progress"), "kitlib report")
    assert (out / "index.html").is_file()
    reports = sorted(path.name for path in out.glob("*.html") if path.name != "index.html")
    assert reports == ["it_firm.html"], reports
    assert not (out / "failed").exists()


def test_d_doctests_of_the_installed_modules(installed):
    modules = [installed.package / "data" / "cases.py", installed.package / "service" / "net_promoter.py"]
    result = _check(installed.run("d. pytest --doctest-modules", installed.python, "-m", "pytest", "--doctest-modules", *modules,
                                  "-q", "-p", "no:cacheprovider"), "pytest --doctest-modules")
    assert " passed" in result.stdout and "failed" not in result.stdout, result.stdout
    assert not list(installed.elsewhere.iterdir()), "running from elsewhere left files behind"
