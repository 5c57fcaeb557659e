"""Write environment.yml from requirements.lock so conda users get exactly the pinned pip environment.

Run by ``make lock``; ``tests/test_environment.py`` checks that the two files agree.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """# Conda description of the kit's environment. Generated from requirements.lock by
# scripts/sync_environment.py (make lock) -- edit pyproject.toml / requirements-dev.txt, not this file.
#   conda env create -f environment.yml && conda activate kitlib
name: kitlib
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
      - -e .
"""


def pinned_requirements(lock: Path) -> list[str]:
    """The ``name==version`` lines of a pip lock file, comments and blanks dropped."""
    lines = [line.strip() for line in lock.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def main() -> None:
    pins = pinned_requirements(ROOT / "requirements.lock")
    body = "".join(f"      - {pin}\n" for pin in pins)
    (ROOT / "environment.yml").write_text(HEADER + body)


if __name__ == "__main__":
    main()
