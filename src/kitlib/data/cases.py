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

from kitlib.data.readers import load_survey
from kitlib.data.survey import Survey
from kitlib.errors import DataFileError, OptionError

__all__ = ["case_dir", "case_files", "datasets_dir", "load_case", "shipped_dir"]

CASES = ("it_firm", "manufacturer", "bank")


SHIPPED = ("datasets", "notebooks")


def shipped_dir(name: str) -> Path:
    """Folder of material shipped with the kit: ``"datasets"`` or ``"notebooks"``.

    A wheel (``pip install .``) carries copies of the repository's
    ``datasets/`` and ``notebooks/`` inside the package (``kitlib/_shipped/``,
    written by ``setup.py`` at build time); a source checkout or an editable
    install uses the repository's folders, which stay the one copy.
    ``$KITLIB_DATASETS`` / ``$KITLIB_NOTEBOOKS`` override both.

    Example
    -------
    >>> (shipped_dir("datasets") / "bank" / "codebook.yaml").is_file()
    True

    References
    ----------
    Python Packaging Authority. *Data files support* (setuptools ``build_py``).
    https://setuptools.pypa.io/en/latest/userguide/datafiles.html
    """
    if name not in SHIPPED:
        raise OptionError(f"name must be one of {', '.join(map(repr, SHIPPED))}, not {name!r}")
    configured = os.environ.get(f"KITLIB_{name.upper()}")
    if configured:
        return Path(configured)
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "_shipped" / name, package.parents[1] / name):
        if folder.is_dir():
            return folder
    raise DataFileError(f"the kit's {name}/ folder is missing from {package}; reinstall kitlib (pip install .)")


def datasets_dir() -> Path:
    """The shipped ``datasets/`` folder (see :func:`shipped_dir`)."""
    return shipped_dir("datasets")


def case_dir(name: str) -> Path:
    """Folder of one shipped case; raises :class:`KitError` for an unknown name."""
    if name not in CASES:
        raise OptionError(f"unknown case {name!r}; the kit ships {', '.join(CASES)}")
    folder = datasets_dir() / name
    if not folder.is_dir():
        raise DataFileError(f"case folder {folder} is missing; run 'python -m kitlib.casegen' to regenerate it")
    return folder


def case_files(name: str) -> dict[str, Path | None]:
    """The files :func:`load_case` reads, as :func:`kitlib.load_survey`'s arguments: ``path`` (the responses),
    ``codebook`` and ``self_assessment`` (None when the case has no provider self-ratings).

    Example
    -------
    >>> sorted(name for name, path in case_files("bank").items() if path is not None)
    ['codebook', 'path', 'self_assessment']
    """
    folder = case_dir(name)
    assessment = folder / "self_assessment.csv"
    return {"path": folder / "responses.csv", "codebook": folder / "codebook.yaml",
            "self_assessment": assessment if assessment.exists() else None}


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
    return load_survey(**case_files(name), **options)
