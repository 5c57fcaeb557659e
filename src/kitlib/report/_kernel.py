"""State of a report kernel: taken once after warm-up, restored before every report.

A warm kernel takes its snapshot after importing the stack and is reused for
several reports; the fork server of a batch (:mod:`kitlib.report._forkserver`)
takes it before forking, so every forked kernel starts from it.

``%reset -f`` empties the user namespace only.  A report must also not see
the previous report's imported user modules (``sys.modules`` entries from
outside the installed packages), matplotlib rcParams and open figures, pandas
display options, warning filters, random-number state, working directory or
environment variables.  The runner's first cell of every report calls
:func:`restore`.  Chart text is never parsed as mathtext (a label such as
``$\\notacommand{x}$`` is drawn as it is written).

Example
-------
>>> import sys
>>> _user_module("json", sys.modules["json"], _installed_roots())
False

References
----------
IPython development team. *Magic commands: %reset*. https://ipython.readthedocs.io/
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import sysconfig
import warnings
from pathlib import Path

__all__ = ["REPORT_STACK", "collector_paused", "import_report_stack", "restore", "snapshot", "warm_up"]

#: What the report notebook imports, directly or on first use.  A warm kernel imports all of it before its first
#: report (:func:`import_report_stack`), and ``benchmarks/reports.py`` times a notebook that does only that (the floor).
REPORT_STACK = ("IPython.display", "matplotlib.pyplot", "numpy", "pandas", "scipy.stats", "seaborn", "factor_analyzer",
                "semopy", "jsonschema", "yaml", "rjieba", "kitlib.data", "kitlib.psychometrics", "kitlib.service", "kitlib.plot",
                "kitlib.report.chapter", "kitlib.report.html")

_state: dict = {}


def import_report_stack() -> None:
    """Import :data:`REPORT_STACK`, with every public name of its kitlib packages (they load their modules lazily).

    jsonschema's optional IRI grammar is skipped first, as in every process of a batch
    (:func:`kitlib._lazy.skip_optional_iri_grammar`): no report checks IRI formats.
    """
    import importlib

    from kitlib._lazy import skip_optional_iri_grammar

    skip_optional_iri_grammar()

    for name in REPORT_STACK:
        module = importlib.import_module(name)
        if name.startswith("kitlib.") and hasattr(module, "_EXPORTS"):
            for public in module.__all__:
                getattr(module, public)


def _installed_roots() -> tuple[str, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots |= {path for path in sysconfig.get_paths().values() if path}
    roots.add(str(Path(__file__).resolve().parents[1]))  # kitlib itself (an editable install lives outside the prefix)
    return tuple(str(Path(root).resolve()) for root in roots)


def _plain_text() -> None:
    import matplotlib

    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["text.usetex"] = False


def warm_up() -> None:
    """What a report kernel does before its first report: import the stack, apply the chart theme, take the snapshot.

    A warm kernel runs it at start (``kitlib.report.execute.WARM_UP``); the fork
    server runs it once before forking its kernels, both with the garbage
    collector paused (:func:`collector_paused`).
    """
    import kitlib.plot

    with collector_paused():
        import_report_stack()
        kitlib.plot.set_theme()
        snapshot()


@contextlib.contextmanager
def collector_paused():
    """Pause the garbage collector while the stack is imported (restored on exit).

    Importing creates few reference cycles but hundreds of thousands of objects,
    and their collections cost about a tenth of the import (0.25-0.5 s of the
    report stack, measured); what the import leaves is frozen by
    :func:`snapshot` anyway.
    """
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def snapshot() -> None:
    """Remember the warm kernel's state (called once, after the stack is imported).

    The imported stack lives as long as the kernel, so it is also moved out of
    the garbage collector's sight (``gc.freeze``): ``%reset -f`` and the
    reports' own collections then no longer walk it (about 0.45 s of
    collection per case report before, 0.1 s after).
    """
    import gc

    import matplotlib
    import numpy

    _plain_text()
    _state.update(
        modules=set(sys.modules), rc=dict(matplotlib.rcParams), filters=list(warnings.filters),
        cwd=os.getcwd(), environ=dict(os.environ), numpy=numpy.random.get_state(), random=random.getstate(),
        path=list(sys.path), roots=_installed_roots(),
    )
    gc.freeze()


def _user_module(name: str, module, roots) -> bool:
    path = getattr(module, "__file__", None)
    if not path:
        return False
    resolved = str(Path(path).resolve())
    return not resolved.startswith(roots)


def restore() -> None:
    """Bring the kernel back to its :func:`snapshot` (or just make chart text plain in a fresh kernel)."""
    import matplotlib
    import matplotlib.pyplot as plt

    plt.close("all")
    if _state:
        for name in [name for name in sys.modules if name not in _state["modules"]]:
            if _user_module(name, sys.modules[name], _state["roots"]):
                del sys.modules[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcParams.update(_state["rc"])
        warnings.filters[:] = _state["filters"]
        if os.path.isdir(_state["cwd"]):
            os.chdir(_state["cwd"])
        for key in set(os.environ) - set(_state["environ"]):
            del os.environ[key]
        os.environ.update(_state["environ"])
        sys.path[:] = _state["path"]
        import numpy

        numpy.random.set_state(_state["numpy"])
        random.setstate(_state["random"])
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    _plain_text()
