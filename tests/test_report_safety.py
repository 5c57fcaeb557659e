"""Reports are safe to open and the runner is robust (issue 11).

* a survey full of script/Markdown/formula payloads (department and provider
  values, codebook title and labels) renders in headless Chromium without a
  dialog, a script, a ``javascript:`` URL or any network request;
* the HTML has no CDN script and a strict Content-Security-Policy;
* file names are bounded; ``--out`` pointing at a file and a second batch
  into a busy folder are refused with exit code 2; SIGTERM / Ctrl-C stop
  workers and kernels and still write the index; a reused kernel starts clean.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from kitlib.cli import main
from kitlib.data.cases import case_dir
from kitlib.report import ReportJob, run_jobs
from kitlib.report.execute import batch_lock
from kitlib.report.grid import MAX_SLUG_BYTES, plan, slug
from kitlib.report.html import clean_html, markdown_to_html, neutralise_cell, notebook_to_html
from kitlib.report.index import write_index

KITLIB = Path(sys.executable).with_name("kitlib")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LONG = "Department " + "長" * 200  # 611 bytes in UTF-8
PAYLOADS = {
    "img": "Sales<img src=x onerror=alert(1)>",
    "svg": "<svg onload=alert(2)>",
    "script": "<script>alert(3)</script>",
    "link": "[x](javascript:alert(4))",
    "image": "![](http://example.com/beacon.png)",
    "heading": "Ops\n# h1 injected",
    "math": "$\\notacommand{x}$",
    "formula": '=HYPERLINK("http://x","y")',
}


# ---------------------------------------------------------------- unit (fast)
def test_markdown_output_is_text_only():
    page = markdown_to_html("**" + "**, **".join(PAYLOADS.values()) + "**")
    assert "<img" not in page and "<svg" not in page and "<script" not in page and "<a " not in page
    assert "javascript:alert(4)" in page  # shown as text, not a link
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_html_output_keeps_tables_and_styler_css_only():
    styler = ('<style type="text/css">\n#T_ab12_row0_col0 {\n  background-color: #f00;\n}\n</style>'
              '<table id="T_ab12"><tr><th>Sales<img src=x onerror=alert(1)></th><td onclick="x()">1</td></tr></table>')
    cleaned = clean_html(styler)
    assert "#T_ab12_row0_col0" in cleaned and "<table" in cleaned
    assert "<img" not in cleaned and "onclick" not in cleaned
    hostile = '<style>body { background: url(http://example.com/x.png) }</style><p>x</p>'
    assert "example.com" not in clean_html(hostile)


def test_spreadsheet_cells_are_neutralised():
    assert neutralise_cell('=HYPERLINK("http://x","y")').startswith("'=")
    assert [neutralise_cell(v) for v in ("+1", "-1", "@a", "ok", 3)] == ["'+1", "'-1", "'@a", "ok", 3]


def test_slugs_are_bounded_distinct_and_windows_safe():
    first, second = slug(LONG), slug(LONG + "x")
    assert len(first.encode()) <= MAX_SLUG_BYTES and first != second
    assert slug("CON") == "CON_" and slug("a/b\\c:d*e?f") == "a-b-c-d-e-f"
    assert slug(PAYLOADS["img"]) == "Sales-img-src-x-onerror-alert-1"


def test_page_has_csp_and_no_cdn_or_script():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "# title $x$",
                                                                 "application/javascript": "alert(1)"}),
                    nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg onload='alert(1)'></svg>"})]
    notebook.cells = [cell]
    page = notebook_to_html(notebook, "T<script>alert(1)</script>")
    assert "Content-Security-Policy" in page and "script-src 'none'" in page
    assert "<script" not in page.lower() and "cdnjs" not in page and "mathjax" not in page.lower()
    assert "T&lt;script&gt;" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)


def test_out_pointing_at_a_file_is_a_clear_error(tmp_path, capsys):
    target = tmp_path / "reports.txt"
    target.write_text("mine")
    assert main(["report", "--case", "bank", "--out", str(target), "--no-progress"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text() == "mine"


def test_second_batch_into_a_busy_folder_is_refused(tmp_path, capsys):
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from kitlib.report.execute import batch_lock\n"
                               f"with batch_lock({str(tmp_path)!r}):\n    print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["report", "--case", "bank", "--out", str(tmp_path), "--no-progress"]) == 2
        assert "another 'kitlib report'" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    with batch_lock(tmp_path):  # released when its process ended
        pass


# ---------------------------------------------------------------- payload survey (slow)
def payload_survey(folder: Path) -> tuple[Path, Path]:
    import pandas as pd

    source = case_dir("it_firm")
    book = yaml.safe_load((source / "codebook.yaml").read_text(encoding="utf-8"))
    book["title"] = {"zh": PAYLOADS["img"] + PAYLOADS["script"], "en": PAYLOADS["img"] + PAYLOADS["script"]}
    for name, key in zip(book["dimensions"], ("math", "link", "image", "heading", "formula"), strict=False):
        book["dimensions"][name] = {"zh": PAYLOADS[key] + "维度", "en": PAYLOADS[key]}
    for name, key in zip(book.get("features", {}), ("svg", "script", "image"), strict=False):
        book["features"][name] = {"zh": PAYLOADS[key], "en": PAYLOADS[key]}
    frame = pd.read_csv(source / "responses.csv")
    renames = {"department": dict(zip(["Sales", "Consulting", "Product", "Software Development"],
                                      [PAYLOADS["img"], PAYLOADS["svg"], PAYLOADS["link"], LONG], strict=False)),
               "provider": dict(zip(["HR", "Finance", "Administration"],
                                    [PAYLOADS["script"], PAYLOADS["image"], PAYLOADS["formula"]], strict=False))}
    for column in book["columns"]:
        if column.get("id") in renames:
            mapping = renames[column["id"]]
            column["labels"] = {mapping.get(raw, raw): ({"zh": mapping[raw], "en": mapping[raw]} if raw in mapping else label)
                                for raw, label in column["labels"].items()}
            frame[column["id"]] = frame[column["id"]].replace(mapping)
    data, codebook = folder / "payload.csv", folder / "payload.yaml"
    frame.to_csv(data, index=False)
    codebook.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    return data, codebook


@pytest.fixture(scope="module")
def payload_reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("payload")
    data, codebook = payload_survey(folder)
    whole, _ = plan(data=[str(data)], codebook=str(codebook), parameters={"lang": "en"})
    chinese = [ReportJob(name="payload_zh", data_path=str(data), codebook_path=str(codebook), parameters={"lang": "zh"})]
    by_group, _ = plan(data=[str(data)], codebook=str(codebook), by="department", parameters={"lang": "en"})
    long_group = [job for job in by_group if job.group == LONG]
    assert long_group and len(long_group[0].name.encode()) < 120
    out = folder / "out"
    results = run_jobs(whole + chinese + long_group, out, workers=2, progress=False, fmt="html,pdf")
    write_index(results, out, lang="en")
    return out, results


@pytest.mark.slow
def test_payload_reports_succeed_with_everything_escaped(payload_reports):
    out, results = payload_reports
    assert [result.status for result in results] == ["ok"] * 3, [result.error for result in results]
    for result in results:
        page = (out / result.path).read_text(encoding="utf-8")
        assert "<script" not in page.lower() and "onerror=alert" not in page.replace("&lt;img src=x onerror=alert", "")
        assert not re.search(r"<(svg|img)[^>]*on(load|error)=", page, re.I)
        assert "javascript:" not in re.sub(r"\[x\]\(javascript:alert\(4\)\)", "", page).replace(
            "[p](javascript:alert(6))", "").replace("(javascript:alert(4))", "")


def chromium_page_report(path: Path) -> dict:
    from playwright.sync_api import sync_playwright

    seen = {"requests": [], "dialogs": [], "errors": []}
    with sync_playwright() as runtime:
        browser = runtime.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.add_init_script("window.__violations = []; document.addEventListener('securitypolicyviolation',"
                             " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")

        def record(route):
            seen["requests"].append(route.request.url)
            route.abort()

        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else record(route))
        page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: seen["errors"].append(str(error)))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(500)
        seen["dom"] = page.evaluate("""() => ({
            scripts: document.scripts.length,
            handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
            js_urls: [...document.querySelectorAll('[href],[src]')].map(e => e.getAttribute('href') || e.getAttribute('src'))
                       .filter(u => /^\\s*javascript:/i.test(u) || /^https?:/i.test(u)),
            svgs: document.querySelectorAll('svg').length,
            h1: [...document.querySelectorAll('h1')].map(h => h.textContent),
            violations: window.__violations,
            text: document.body.innerText,
        })""")
        browser.close()
    return seen


@pytest.mark.slow
@pytest.mark.browser
def test_payload_reports_fire_nothing_and_request_nothing_in_chromium(payload_reports):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (run 'make browser' as root)")
    out, results = payload_reports
    for page in [out / result.path for result in results] + [out / "index.html"]:
        seen = chromium_page_report(page)
        dom = seen["dom"]
        assert seen["dialogs"] == [] and seen["errors"] == [], (page.name, seen["dialogs"], seen["errors"])
        assert seen["requests"] == [], (page.name, seen["requests"])
        assert dom["scripts"] == 0 and dom["handlers"] == [] and dom["js_urls"] == [] and dom["svgs"] == 0, dom
        assert dom["violations"] == [], dom["violations"]
        if page.name != "index.html":
            assert "Sales<img src=x onerror=alert(1)>" in dom["text"]  # the label is shown, as text


@pytest.mark.slow
def test_pdf_reports_have_a4_pages_numbers_and_extractable_chinese(payload_reports):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    out, results = payload_reports
    chinese = next(result for result in results if result.name == "payload_zh")
    pdf = out / "payload_zh.pdf"
    assert chinese.files == ["payload_zh.html", "payload_zh.pdf"] and pdf.read_bytes().startswith(b"%PDF")
    if not Path("/usr/bin/pdftotext").exists():
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "服务" in text or "差距" in text, text[:500]
    assert re.search(r"\b1\s*/\s*\d+", text)  # footer page numbers
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595.92 x 842.88" in info or "595 x 842" in info, info  # A4


@pytest.mark.slow
def test_a_label_with_newlines_adds_no_heading(payload_reports):
    out, results = payload_reports
    for result in results:
        page = (out / result.path).read_text(encoding="utf-8")
        assert not re.search(r"<h1[^>]*>[^<]*h1 injected", page), result.path


# ---------------------------------------------------------------- runner robustness (slow)
def probe_notebook(folder: Path, body: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('case = ""\nsummary_path = ""\nstep = 0')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(body)]
    path = folder / "probe.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.mark.slow
def test_reused_kernel_forgets_user_modules_rcparams_and_options(tmp_path):
    (tmp_path / "out").mkdir()
    body = (
        "import sys, matplotlib, pandas as pd\n"
        "from pathlib import Path\n"
        "Path('leaky_helper.py').write_text('STATE = []\\n')\n"
        "import leaky_helper\n"
        "assert leaky_helper.STATE == [], 'module state leaked from the previous report'\n"
        "assert matplotlib.rcParams['lines.linewidth'] != 9 and pd.get_option('display.precision') != 9\n"
        "assert matplotlib.rcParams['text.parse_math'] is False\n"
        "leaky_helper.STATE.append(step); matplotlib.rcParams['lines.linewidth'] = 9; pd.set_option('display.precision', 9)\n"
        "from kitlib.report.chapter import record_summary\n"
        "record_summary(summary_path, title=12345, n=1)\n"
    )
    source = probe_notebook(tmp_path, body)
    jobs = [ReportJob(name=f"probe{i}", case="bank", notebook=str(source), parameters={"step": i}) for i in range(3)]
    results = run_jobs(jobs, tmp_path / "out", workers=1, progress=False)
    assert [result.status for result in results] == ["ok"] * 3, [result.error for result in results]
    assert not list((tmp_path / "out").glob(".kitlib-work-*"))


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pids) -> list[int]:
    import psutil

    return [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]


@pytest.fixture
def short_temp():
    """A private temporary folder with a short path (Unix socket paths hold at most 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="kt-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize(("stop", "workers"), [(signal.SIGTERM, 2), (signal.SIGINT, 1)])
def test_stopping_a_batch_stops_workers_and_kernels_and_writes_the_index(tmp_path, short_temp, stop, workers):
    body = "import time\ntime.sleep(0.5 if step == 0 else 120)"
    source = probe_notebook(tmp_path, body)
    out = tmp_path / "out"
    (out / ".work").mkdir(parents=True)  # a user's own folder of that name is never touched
    (out / ".work" / "mine.txt").write_text("keep")
    code = ("import sys\nfrom kitlib.report import ReportJob, run_jobs\nfrom kitlib.report.execute import BatchInterrupted\n"
            "from kitlib.report.index import write_index\n"
            f"jobs = [ReportJob(name=f'p{{i}}', case='bank', notebook={str(source)!r}, parameters={{'step': i}}) for i in range(3)]\n"
            "try:\n"
            f"    results = run_jobs(jobs, {str(out)!r}, workers={workers}, progress=False, fmt='ipynb')\n"
            "except BatchInterrupted as stopped:\n"
            f"    write_index(stopped.results, {str(out)!r}); print('stopped', [r.status for r in stopped.results]); sys.exit(3)\n")
    scratch = short_temp  # the batch's own temporary folder: what it leaves there is its own
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(scratch)})
    deadline = time.monotonic() + 240
    while not (out / "p0.ipynb").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.5)
    assert (out / "p0.ipynb").exists(), process.communicate()
    time.sleep(3)  # the other reports are running in their kernels now
    started = _children(process.pid)
    assert started, "no workers or kernels were running"
    os.kill(process.pid, stop)
    stdout, stderr = process.communicate(timeout=300)  # a safety net only: a loaded CI machine is slow to stop kernels
    assert process.returncode == 3, stdout + stderr
    assert "stopped ['ok', 'failed', 'failed']" in stdout
    time.sleep(2)
    assert _alive(started) == [], "workers or kernels survived the stop"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Interrupted" in index
    assert (out / ".work" / "mine.txt").read_text() == "keep"
    assert not list(out.glob(".kitlib-work-*"))
    left = sorted(path.name for path in scratch.iterdir())
    assert left == [], f"the stopped batch left temporary files: {left}"
