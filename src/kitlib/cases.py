"""The three shipped case studies: an IT firm, a manufacturer and a bank.

Each case lives in ``datasets/<case>/`` (``responses.csv``, ``codebook.yaml``,
``self_assessment.csv``, ``README.md``) and is produced by the seeded
generator in :mod:`kitlib.casegen`.

Example
-------
>>> import kitlib as kl
>>> kl.load_case("manufacturer")  # doctest: +ELLIPSIS
Survey('manufacturer': ...)

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataFileError, KitError
from .loading import load_survey
from .survey import Survey

CASES = ("it_firm", "manufacturer", "bank")


def datasets_dir() -> Path:
    """The ``datasets/`` folder: ``$KITLIB_DATASETS`` if set, else the one in this checkout."""
    configured = os.environ.get("KITLIB_DATASETS")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "datasets"


def case_dir(name: str) -> Path:
    """Folder of one shipped case; raises :class:`KitError` for an unknown name."""
    if name not in CASES:
        raise KitError(f"unknown case {name!r}; the kit ships {', '.join(CASES)}")
    folder = datasets_dir() / name
    if not folder.is_dir():
        raise DataFileError(f"case folder {folder} is missing; run 'python -m kitlib.casegen' to regenerate it")
    return folder


def load_case(name: str, **options) -> Survey:
    """Load a shipped case study as a validated :class:`Survey`.

    Parameters
    ----------
    name : {"it_firm", "manufacturer", "bank"}
    **options
        Passed to :func:`kitlib.load_survey` (e.g. ``on_invalid``).

    Example
    -------
    >>> import kitlib as kl
    >>> sorted(kl.load_case("bank").data["wave"].unique())
    ['2025Q4', '2026Q2']

    References
    ----------
    See ``datasets/<case>/README.md`` for each case's story and planted truths.
    """
    folder = case_dir(name)
    assessment = folder / "self_assessment.csv"
    return load_survey(
        folder / "responses.csv",
        folder / "codebook.yaml",
        self_assessment=assessment if assessment.exists() else None,
        **options,
    )
