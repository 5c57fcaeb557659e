"""The notebooks' editable sources stay in step: jupytext pairs, released student notebooks, JupyterLab saves.

* Every notebook in ``notebooks/`` and ``exercises/solutions/`` is paired with a
  py:percent script (``jupytext.toml``); the two must say the same, byte for byte
  in both directions (what ``jupytext --sync`` would write is what is committed).
* The student notebooks ``exercises/NN_*.ipynb`` are exactly what
  ``kitlib.exercises.student_release`` makes from the solutions, and hold no answer.
* Saving a notebook through a real Jupyter server (the REST call JupyterLab makes)
  rewrites its paired script too.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.combine import combine_inputs_with_outputs
from jupytext.config import load_jupytext_config

from kitlib.exercises import release
from kitlib.exercises.student_release import (
    BEGIN_SOLUTION,
    BEGIN_TEMPLATE,
    END_SOLUTION,
    END_TEMPLATE,
    release_notebook,
    solution_lines,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
SOLUTIONS = EXERCISES / "solutions"
PAIRED_FOLDERS = (NOTEBOOKS, SOLUTIONS)
PAIRS = sorted(path for folder in PAIRED_FOLDERS for path in folder.glob("*.ipynb"))
STUDENT = sorted(EXERCISES.glob("[0-9][0-9]_*.ipynb"))
FORMAT = "py:percent"


def pair_problems(ipynb: Path) -> list[str]:
    """What is out of step between ``ipynb`` and its paired ``.py`` (empty when in sync)."""
    script = ipynb.with_suffix(".py")
    if not script.exists():
        return [f"{script.name} is missing: run jupytext --sync {ipynb.name}"]
    config = load_jupytext_config(str(ipynb.parent))
    assert config is not None, "jupytext.toml not found above the notebook"
    stored = nbformat.read(ipynb, as_version=4)
    text = jupytext.read(script, fmt=FORMAT, config=config)
    problems = []

    def cells(notebook):
        return [(cell.cell_type, cell.source, cell.metadata.get("tags", [])) for cell in notebook.cells]

    if cells(text) != cells(stored):
        problems.append("the cells (type, source, tags) differ")
    # .ipynb regenerated from the .py (as jupytext --sync / --update does) is the committed file
    combined = combine_inputs_with_outputs(text, stored, fmt=FORMAT)
    regenerated = jupytext.writes(combined, fmt="ipynb", config=config)
    if regenerated.rstrip("\n") + "\n" != ipynb.read_text(encoding="utf-8"):
        problems.append(f"{ipynb.name} regenerated from {script.name} is not byte-identical")
    # and the .py written from the .ipynb is the committed script
    if jupytext.writes(stored, fmt=FORMAT, config=config) != script.read_text(encoding="utf-8"):
        problems.append(f"{script.name} written from {ipynb.name} differs")
    return problems


# ---------------------------------------------------------------- pairs
def test_every_notebook_source_has_its_script_and_no_script_is_orphaned():
    assert len([path for path in PAIRS if path.parent == NOTEBOOKS]) == 8
    assert len([path for path in PAIRS if path.parent == SOLUTIONS]) == 11
    for folder in PAIRED_FOLDERS:
        scripts = {path.stem for path in folder.glob("*.py")}
        notebooks = {path.stem for path in folder.glob("*.ipynb")}
        assert scripts == notebooks, f"{folder.name}: unpaired {scripts ^ notebooks}"


def test_jupytext_config_pairs_sources_only():
    config = load_jupytext_config(str(ROOT / "notebooks"))
    assert config is not None
    for path in PAIRS:
        assert config.default_formats(str(path.relative_to(ROOT))) is not None, path
    for path in STUDENT:
        assert config.default_formats(str(path.relative_to(ROOT))) is None, f"{path.name} must not be paired"


@pytest.mark.parametrize("ipynb", PAIRS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_pair_is_in_sync(ipynb):
    assert pair_problems(ipynb) == []


@pytest.mark.parametrize("ipynb", PAIRS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_sources_are_committed_without_outputs(ipynb):
    notebook = nbformat.read(ipynb, as_version=4)
    assert all(cell.outputs == [] and cell.execution_count is None for cell in notebook.cells if cell.cell_type == "code")
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    # what jupytext's contents manager puts in a paired notebook it opens (the option of jupytext.toml),
    # committed so that saving from JupyterLab leaves the metadata as it is
    assert notebook.metadata["jupytext"] == {"notebook_metadata_filter": "-all"}


def test_pair_check_notices_an_edit(tmp_path):
    shutil.copy(ROOT / "jupytext.toml", tmp_path)
    (tmp_path / "notebooks").mkdir()
    for suffix in (".ipynb", ".py"):
        shutil.copy(NOTEBOOKS / f"03_kano{suffix}", tmp_path / "notebooks")
    script = tmp_path / "notebooks" / "03_kano.py"
    assert pair_problems(script.with_suffix(".ipynb")) == []
    script.write_text(script.read_text(encoding="utf-8").replace("# %% [markdown]\n# ", "# %% [markdown]\n# Edited. ", 1),
                      encoding="utf-8")
    assert pair_problems(script.with_suffix(".ipynb"))


# ---------------------------------------------------------------- student notebooks
def test_student_notebooks_are_released_from_the_solutions(tmp_path):
    assert [path.name for path in STUDENT] == [path.name for path in sorted(SOLUTIONS.glob("*.ipynb"))]
    written = release(SOLUTIONS, tmp_path)
    assert [path.name for path in written] == [path.name for path in STUDENT]
    for path in STUDENT:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), \
            f"{path.name} is stale: run make student"
    assert release(SOLUTIONS, EXERCISES, check=True) == []


@pytest.mark.parametrize("student", STUDENT, ids=lambda path: path.stem)
def test_student_notebook_holds_no_solution_text(student):
    source = nbformat.read(SOLUTIONS / student.name, as_version=4)
    answers = {line.strip() for cell in source.cells if "solution" in cell.metadata.get("tags", [])
               for line in solution_lines(cell.source) if line.strip()}
    assert answers, f"{student.name}: the source has no solution block"
    notebook = nbformat.read(student, as_version=4)
    shown = {line.strip() for cell in notebook.cells for line in cell.source.split("\n")}
    assert not answers & shown, f"{student.name} shows solution lines: {sorted(answers & shown)}"
    for marker in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_TEMPLATE, END_TEMPLATE):
        assert marker not in shown
    tags = [tag for cell in notebook.cells for tag in cell.metadata.get("tags", [])]
    assert "solution" not in tags and tags.count("todo") == [
        tag for cell in source.cells for tag in cell.metadata.get("tags", [])].count("solution")


def test_every_solution_cell_has_a_template():
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if "solution" in cell.metadata.get("tags", []):
                assert BEGIN_TEMPLATE in cell.source, f"{path.name} {cell.id}: no student stub"


def test_release_refuses_markers_outside_solution_cells_and_unbalanced_blocks():
    loose = nbformat.v4.new_code_cell(f"{BEGIN_SOLUTION}\nanswer = 42\n{END_SOLUTION}")
    with pytest.raises(ValueError, match="no 'solution' tag"):
        release_notebook(nbformat.v4.new_notebook(cells=[loose]))
    for text in (f"{BEGIN_SOLUTION}\nanswer = 42", f"answer = 42\n{END_SOLUTION}",
                 f"{BEGIN_TEMPLATE}\nanswer = None\n{END_TEMPLATE}\n{BEGIN_SOLUTION}\nx\n{END_SOLUTION}",
                 "answer = 42"):
        cell = nbformat.v4.new_code_cell(text)
        cell.metadata["tags"] = ["solution"]
        with pytest.raises(ValueError):
            release_notebook(nbformat.v4.new_notebook(cells=[cell]))


# ---------------------------------------------------------------- JupyterLab round trip
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A ``jupyter server`` on localhost, called through its REST API the way JupyterLab calls it."""

    def __init__(self, root: Path, home: Path):
        self.port, self.token = free_port(), uuid.uuid4().hex
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
               "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_PLATFORM_DIRS": "1"}
        self.log = open(home / "server.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             "--port-retries=0", "--allow-root", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={root}"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=root,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                self.call("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError) as error:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("jupyter server did not start:\n" + (home / "server.log").read_text()) from error
                time.sleep(0.5)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture()
def lab(tmp_path):
    root = tmp_path / "kit"
    root.mkdir()
    shutil.copy(ROOT / "jupytext.toml", root)
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    server = Server(root, tmp_path)
    yield root, server
    server.stop()


def test_saving_in_jupyterlab_updates_the_paired_script(lab):
    root, server = lab
    name = "notebooks/02_service_gaps"
    log = (root.parent / "server.log").read_text(encoding="utf-8")
    assert "jupytext | extension was successfully loaded" in log, log  # jupytext's server extension
    # jupytext's contents manager is active: it serves the .py script as a notebook
    as_notebook = server.call("GET", f"/api/contents/{name}.py?type=notebook")
    assert as_notebook["type"] == "notebook" and as_notebook["content"]["cells"]

    model = server.call("GET", f"/api/contents/{name}.ipynb")
    notebook = model["content"]
    original = nbformat.read(root / f"{name}.ipynb", as_version=4)
    index = next(i for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "markdown")
    edit = f"Edited in JupyterLab {uuid.uuid4().hex[:8]}: the gap is P − E."
    notebook["cells"][index]["source"] = notebook["cells"][index]["source"] + "\n\n" + edit
    saved = server.call("PUT", f"/api/contents/{name}.ipynb", {"type": "notebook", "format": "json", "content": notebook})
    assert saved["type"] == "notebook"

    script = (root / f"{name}.py").read_text(encoding="utf-8")
    assert f"# {edit}" in script
    stored = nbformat.read(root / f"{name}.ipynb", as_version=4)
    assert stored.cells[index].source.endswith(edit)
    assert stored.metadata == original.metadata  # kernelspec etc. untouched, nothing added
    assert [cell.source for i, cell in enumerate(stored.cells) if i != index] == \
        [cell.source for i, cell in enumerate(original.cells) if i != index]
    assert stored.cells[index].id == original.cells[index].id
    assert pair_problems(root / f"{name}.ipynb") == []
    # the untouched pairs on the server stay in sync too
    assert pair_problems(root / "notebooks" / "report.ipynb") == []
