"""Import costs: package attributes loaded on first use, and jsonschema's optional IRI grammar skipped in batches.

``import kitlib`` must be cheap so that ``kitlib report`` can start its
kernels before it loads the scientific stack for planning.  The packages
therefore name their public attributes and load each from its module on
first access (:pep:`562`), as the Scientific Python ``lazy_loader`` does.

The processes of a report batch (the ``kitlib`` command, its workers and
their kernels) also skip ``rfc3987_syntax``: jsonschema imports it, when it
is installed (Jupyter's ``jsonschema[format-nongpl]`` brings it), only to
check ``"iri"`` string formats, and compiling its grammar costs about 1 s
per process.  kitlib's schemas use no ``format``, and nbformat never checks
formats.

Example
-------
>>> import sys
>>> with without_optional_iri_grammar():
...     blocked = OPTIONAL_IRI_GRAMMAR not in sys.modules or sys.modules[OPTIONAL_IRI_GRAMMAR] is None
>>> blocked or OPTIONAL_IRI_GRAMMAR in sys.modules
True

References
----------
Scientific Python (2022). *SPEC 1 — Lazy Loading of Submodules and Functions*. https://scientific-python.org/specs/spec-0001/
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from contextlib import contextmanager

__all__ = ["OPTIONAL_IRI_GRAMMAR", "attach", "skip_optional_iri_grammar", "without_optional_iri_grammar"]

OPTIONAL_IRI_GRAMMAR = "rfc3987_syntax"


def attach(package: str, exports: dict[str, tuple[str, ...]], subpackages: tuple[str, ...] = (),
           renamed: dict[str, tuple[str, str]] | None = None):
    """``__getattr__`` and ``__dir__`` for ``package`` that load each public name from its module on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict
        Module name -> the public names it defines.
    subpackages : tuple of str
        Subpackages reached as attributes (``kl.plot``); any other submodule is found too.
    renamed : dict, optional
        Public name -> (module, name in that module), for names kept under an earlier spelling.

    Returns
    -------
    (__getattr__, __dir__)
    """
    source = {name: (module, name) for module, names in exports.items() for name in names}
    source.update(renamed or {})
    namespace = sys.modules[package].__dict__

    def __getattr__(name):
        if name in source:
            module, attribute = source[name]
            value = getattr(importlib.import_module(module), attribute)
        elif name in subpackages or importlib.util.find_spec(f"{package}.{name}") is not None:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value  # the next access is a plain attribute
        return value

    def __dir__():
        return sorted(set(namespace) | set(source) | set(subpackages))

    return __getattr__, __dir__


def skip_optional_iri_grammar() -> bool:
    """Make this process skip ``rfc3987_syntax`` (before jsonschema is imported); True when this call did it."""
    if OPTIONAL_IRI_GRAMMAR in sys.modules:
        return False
    sys.modules[OPTIONAL_IRI_GRAMMAR] = None
    return True


@contextmanager
def without_optional_iri_grammar():
    """Within the block, skip ``rfc3987_syntax``; afterwards this process imports it again when asked."""
    added = skip_optional_iri_grammar()
    try:
        yield
    finally:
        if added and sys.modules.get(OPTIONAL_IRI_GRAMMAR, 0) is None:
            del sys.modules[OPTIONAL_IRI_GRAMMAR]
