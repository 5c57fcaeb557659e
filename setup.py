"""Build hook: a wheel carries the repository's ``datasets/`` and ``notebooks/`` inside the package.

The repository keeps one copy of each folder; ``pip install .`` copies them to
``kitlib/_shipped/`` in the built wheel so that ``kl.load_case`` and
``kitlib report`` work from an installed kit (see ``kitlib.data.cases.shipped_dir``).
Everything else about the package is declared in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("datasets", "notebooks")


class BuildPyWithShippedFolders(build_py):
    """``build_py`` that also copies the shipped folders (not in editable mode: the checkout is used)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in SHIPPED:
            target = Path(self.build_lib) / "kitlib" / "_shipped" / name
            shutil.copytree(HERE / name, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithShippedFolders})
