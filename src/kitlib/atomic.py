"""Atomic file writes: a file is either complete or absent, never half written.

Example
-------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> write_atomically(target, "报告")
>>> target.read_text(encoding="utf-8")
'报告'

References
----------
Python Software Foundation. ``os.replace`` (atomic on POSIX when source and target share a file system).
https://docs.python.org/3/library/os.html#os.replace
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically"]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path, content: bytes | str) -> None:
    """Write ``content`` (text is UTF-8 encoded) to ``path`` via a temp file in the same folder and ``os.replace``."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
