"""PDF reports: the safe HTML page printed by headless Chromium (Playwright), A4 with page numbers.

Why Chromium: the HTML report is what readers see in a browser, and Chromium
prints exactly that page (the embedded CJK font, the tables' colours, the PNG
charts) with real, extractable text; the kit's browser tests already drive
Debian's Chromium through Playwright, so no second layout engine (WeasyPrint
and its Pango/Cairo system libraries) has to be installed and kept in line.
JavaScript is disabled and every request other than ``data:`` is aborted
while printing, so printing loads nothing from the network either.  One
browser is started per worker process and reused for its reports; it is
closed when the process exits, before the process's kernels are shut down
(Playwright's event loop would otherwise make ``jupyter_core.run_sync`` wait
for a loop that ``atexit`` has already stopped, and the process would hang).

Example
-------
>>> chromium_path() is None or chromium_path().exists()
True

References
----------
Microsoft. *Playwright for Python: Page.pdf*. https://playwright.dev/python/docs/api/class-page#page-pdf
"""

from __future__ import annotations

import os
import shutil
from multiprocessing import util
from pathlib import Path

from kitlib.atomic import write_atomically
from kitlib.errors import KitError

__all__ = ["CHROMIUM_ARGS", "chromium_path", "close_browser", "html_to_pdf"]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
FOOTER = ('<div style="font-size:8px; width:100%; text-align:center; color:#555;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
MARGIN = {"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}
#: Runs before the kernels' finalizers (exit priority 10, :mod:`kitlib.report.execute`).
CLOSE_PRIORITY = 20
_session: dict = {}


def chromium_path() -> Path | None:
    """Chromium to print with: ``$KITLIB_CHROMIUM``, else ``chromium``/``chromium-browser``/``google-chrome`` on PATH."""
    configured = os.environ.get("KITLIB_CHROMIUM")
    if configured:
        return Path(configured)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _browser():
    if _session.get("pid") == os.getpid() and _session["browser"].is_connected():
        return _session["browser"]
    executable = chromium_path()
    if executable is None or not executable.exists():
        raise KitError("PDF reports need Chromium: install it (Debian: apt-get install chromium, or 'make browser' as root) "
                       "or set KITLIB_CHROMIUM to its path")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise KitError("PDF reports need the 'playwright' package (pip install playwright; no browser download is needed)") from None
    runtime = sync_playwright().start()
    browser = runtime.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
    _session.update(pid=os.getpid(), runtime=runtime, browser=browser)
    util.Finalize(None, close_browser, exitpriority=CLOSE_PRIORITY)
    return browser


def close_browser() -> None:
    """Close this process's printing browser (if any)."""
    if _session.get("pid") == os.getpid():
        try:
            _session["browser"].close()
            _session["runtime"].stop()
        except Exception:  # noqa: BLE001 - closing at exit is best effort
            pass
    _session.clear()


def _only_data(route) -> None:
    if route.request.url.startswith("data:"):
        route.continue_()
    else:
        route.abort()


def html_to_pdf(page: str, target, *, title: str = "", browser=None) -> Path:
    """Print the HTML ``page`` to ``target`` (A4, page numbers in the footer); written atomically.

    ``browser`` is a Playwright Chromium ``Browser`` to print with; by default
    this process's own (started on first use).
    """
    context = (browser or _browser()).new_context(java_script_enabled=False, offline=True)
    try:
        tab = context.new_page()
        tab.route("**/*", _only_data)
        tab.set_content(page, wait_until="load")
        tab.emulate_media(media="print")
        data = tab.pdf(format="A4", print_background=True, display_header_footer=True,
                       header_template="<span></span>", footer_template=FOOTER, margin=MARGIN, outline=True,
                       tagged=True)
    finally:
        context.close()
    write_atomically(target, data)
    return Path(target)
