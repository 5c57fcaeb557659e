"""Seeded generator of the three case-study datasets (``python -m kitlib.casegen datasets``).

Example
-------
>>> import tempfile
>>> from kitlib.casegen import generate_case
>>> (generate_case("bank", tempfile.mkdtemp()) / "responses.csv").exists()
True

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL. *Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

from pathlib import Path

from kitlib.casegen.stories import STORIES
from kitlib.casegen.write import write_case
from kitlib.errors import OptionError


def generate_case(name: str, out_dir) -> Path:
    """Generate one case (``it_firm``, ``manufacturer`` or ``bank``) into ``out_dir/<name>/``."""
    if name not in STORIES:
        raise OptionError(f"unknown case {name!r}; the generator knows {', '.join(STORIES)}")
    return write_case(STORIES[name], out_dir)


__all__ = ["STORIES", "generate_case"]
