"""Write the student exercise notebooks from their solution sources (the nbgrader model).

Each exercise has one source, ``exercises/solutions/NN_*.ipynb`` (paired with a
jupytext ``.py``).  In it every cell a participant must fill in is tagged
``solution`` and holds the worked answer between ``### BEGIN SOLUTION`` and
``### END SOLUTION``.  What the participant sees instead is written in the
same cell, commented out, between ``### BEGIN TEMPLATE`` and
``### END TEMPLATE`` (each line prefixed ``# ``; a lone ``#`` is a blank
line)::

    ### BEGIN TEMPLATE
    # # TODO 1
    # answer = None
    ### END TEMPLATE
    ### BEGIN SOLUTION
    answer = {"tangibles": -0.4}
    ### END SOLUTION

Lines outside the blocks belong to both versions.  Releasing a cell drops the
solution block, uncomments the template block in its place, swaps the
``solution`` tag for ``todo`` and clears outputs; every other cell is copied
(outputs cleared).  Markers outside a ``solution`` cell are an error, so no
answer can slip through untagged.

Run ``python -m kitlib.exercises exercises/solutions exercises``
(``make student``); add ``--check`` to only report stale student notebooks.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from kitlib.atomic import write_atomically

__all__ = [
    "BEGIN_SOLUTION",
    "BEGIN_TEMPLATE",
    "END_SOLUTION",
    "END_TEMPLATE",
    "main",
    "release",
    "release_cell_source",
    "release_notebook",
    "solution_lines",
]

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_TEMPLATE = "### BEGIN TEMPLATE"
END_TEMPLATE = "### END TEMPLATE"
SOLUTION_TAG = "solution"
STUDENT_TAG = "todo"
_MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_TEMPLATE, END_TEMPLATE)


def _blocks(source: str) -> list[tuple[str, str]]:
    """``(part, line)`` for every line of a cell: part is ``"shared"``, ``"template"``, ``"solution"`` or ``"marker"``."""
    parts, inside = [], None
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker in (BEGIN_SOLUTION, BEGIN_TEMPLATE):
            if inside is not None:
                raise ValueError(f"line {number}: {marker!r} inside an open {inside} block")
            inside = "solution" if marker == BEGIN_SOLUTION else "template"
            parts.append(("marker", line))
        elif marker in (END_SOLUTION, END_TEMPLATE):
            expected = "solution" if marker == END_SOLUTION else "template"
            if inside != expected:
                raise ValueError(f"line {number}: {marker!r} without a matching BEGIN")
            inside = None
            parts.append(("marker", line))
        else:
            parts.append((inside or "shared", line))
    if inside is not None:
        raise ValueError(f"unclosed {inside} block")
    return parts


def _uncomment(line: str) -> str:
    if line.strip() == "#":
        return ""
    indent = line[: len(line) - len(line.lstrip())]
    body = line.lstrip()
    if not body.startswith("# "):
        raise ValueError(f"template line is not commented with '# ': {line!r}")
    return indent + body[2:]


def release_cell_source(source: str) -> str:
    """The student version of one ``solution`` cell's source.

    Parameters
    ----------
    source : str
        Cell text with one or more ``### BEGIN SOLUTION`` / ``### END SOLUTION``
        blocks and, optionally, commented ``### BEGIN TEMPLATE`` /
        ``### END TEMPLATE`` blocks.

    Returns
    -------
    str
        The shared lines, with every template block uncommented in place and
        every solution block removed.

    Raises
    ------
    ValueError
        If the markers are unbalanced, a template line is not commented, or
        the cell has no solution block.

    Example
    -------
    >>> print(release_cell_source("### BEGIN TEMPLATE\\n# x = None  # TODO\\n### END TEMPLATE\\n"
    ...                           "### BEGIN SOLUTION\\nx = 42\\n### END SOLUTION\\nx"))
    x = None  # TODO
    x
    """
    parts = _blocks(source)
    if not any(part == "marker" and line.strip() == BEGIN_SOLUTION for part, line in parts):
        raise ValueError("a 'solution' cell needs a ### BEGIN SOLUTION / ### END SOLUTION block")
    lines = []
    for part, line in parts:
        if part == "shared":
            lines.append(line)
        elif part == "template":
            lines.append(_uncomment(line))
    return "\n".join(lines)


def solution_lines(source: str) -> list[str]:
    """The lines of ``source`` between ``### BEGIN SOLUTION`` and ``### END SOLUTION``.

    Parameters
    ----------
    source : str
        A cell's text.

    Returns
    -------
    list of str
        The answer lines, in order (blank lines included).

    Example
    -------
    >>> solution_lines("a = None\\n### BEGIN SOLUTION\\na = 1\\n### END SOLUTION")
    ['a = 1']
    """
    return [line for part, line in _blocks(source) if part == "solution"]


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def release_notebook(source_nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student notebook of one exercise source notebook.

    Parameters
    ----------
    source_nb : nbformat.NotebookNode
        The solution notebook (version 4).  It is not modified.

    Returns
    -------
    nbformat.NotebookNode
        A copy in which every ``solution``-tagged cell shows its template
        (solution text removed) and is tagged ``todo`` instead; all outputs
        and execution counts are cleared; cell ids and metadata are kept,
        except the notebook's ``jupytext`` (pairing) metadata.

    Raises
    ------
    ValueError
        If a cell outside the ``solution``-tagged ones carries solution or
        template markers, or a ``solution`` cell's markers are malformed.

    Example
    -------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell(
    ...     "### BEGIN TEMPLATE\\n# answer = None\\n### END TEMPLATE\\n"
    ...     "### BEGIN SOLUTION\\nanswer = 20.0\\n### END SOLUTION")
    >>> cell.metadata["tags"] = ["solution"]
    >>> student = release_notebook(nbformat.v4.new_notebook(cells=[cell]))
    >>> student.cells[0].source, student.cells[0].metadata["tags"]
    ('answer = None', ['todo'])
    """
    student = copy.deepcopy(source_nb)
    student.metadata.pop("jupytext", None)  # pairing options of the source; student notebooks are not paired
    for index, cell in enumerate(student.cells):
        tags = _tags(cell)
        if SOLUTION_TAG in tags:
            try:
                cell.source = release_cell_source(cell.source)
            except ValueError as error:
                raise ValueError(f"cell {index} ({cell.get('id', '?')}): {error}") from None
            cell.metadata["tags"] = [STUDENT_TAG if tag == SOLUTION_TAG else tag for tag in tags]
        elif any(line.strip() in _MARKERS for line in cell.source.split("\n")):
            raise ValueError(f"cell {index} ({cell.get('id', '?')}) has solution/template markers "
                             f"but no {SOLUTION_TAG!r} tag")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return student


def _render(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"  # what nbformat.write (and so Jupyter) puts on disk


def release(source_dir, out_dir, *, check: bool = False) -> list[Path]:
    """Write the student version of every notebook in ``source_dir`` to ``out_dir``.

    Parameters
    ----------
    source_dir : str or Path
        Folder of solution notebooks (``*.ipynb``; subfolders are ignored).
    out_dir : str or Path
        Folder for the student notebooks, same file names.
    check : bool, default False
        Write nothing; return the student notebooks that are missing or
        differ from what would be written.

    Returns
    -------
    list of Path
        The notebooks written (or, with ``check=True``, the stale ones).

    Example
    -------
    >>> import tempfile, nbformat
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION")
    >>> cell.metadata["tags"] = ["solution"]
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "01_demo.ipynb")
    >>> [path.name for path in release(folder, folder / "student")]
    ['01_demo.ipynb']
    >>> release(folder, folder / "student", check=True)
    []
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    sources = sorted(source_dir.glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no notebooks in {source_dir}")
    touched = []
    for source in sources:
        text = _render(release_notebook(nbformat.read(source, as_version=4)))
        target = out_dir / source.name
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                touched.append(target)
            continue
        write_atomically(target, text)
        touched.append(target)
    return touched


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m kitlib.exercises SOURCE_DIR OUT_DIR [--check]`` (``make student``)."""
    parser = argparse.ArgumentParser(
        prog="python -m kitlib.exercises",
        description="Write student exercise notebooks from the solution sources (solution cells -> templates).",
    )
    parser.add_argument("source_dir", help="folder of solution notebooks, e.g. exercises/solutions")
    parser.add_argument("out_dir", help="folder for the student notebooks, e.g. exercises")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a student notebook is stale")
    args = parser.parse_args(argv)
    paths = release(args.source_dir, args.out_dir, check=args.check)
    for path in paths:
        print(f"{'out of date' if args.check else 'wrote'}: {path}")
    return 1 if args.check and paths else 0


if __name__ == "__main__":
    sys.exit(main())
