"""Chinese reports render without a CJK system font: HTML and PDF, every case, in Chromium (issue 11).

The machine without CJK fonts is simulated for Chromium alone: it is started
with ``FONTCONFIG_FILE`` naming a generated ``fonts.conf`` whose only folder
holds matplotlib's DejaVu Sans (Latin, Greek, Cyrillic; no ideographs) and
whose cache is private, so no system font (this machine has Droid Sans
Fallback) can stand in for the report's embedded font.  The batch that writes
the PDFs runs under the same configuration.

Tofu checks:

* HTML: every distinct CJK character of the visible page text is drawn on a
  canvas in the font of the element it appears in, and compared with the
  drawing of a code point no font has (U+F0000, which shows the ``.notdef``
  box); an identical or empty drawing is tofu;
* PDF: every CJK character of the PDF's text must be drawable by one of its
  fonts (the character is in a font's ToUnicode map, i.e. a real glyph of an
  embedded font was drawn for it; a missing glyph is drawn as glyph 0 of a
  Latin font and is in no map).

Both checks are shown to fail on the same page with the embedded font removed.
Screenshots go to ``tests/artifacts/`` (git-ignored); the PDFs' first pages are
rendered there by ``pdftoppm`` (poppler-utils, installed by ``make browser``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from kitlib.data import CASES
from kitlib.report import run_jobs
from kitlib.report.fonts import FIRST_CJK
from kitlib.report.grid import plan

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LATIN_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf")
IDEOGRAPHS, CJK_PUNCTUATION = range(0x4E00, 0xA000), range(0x3000, 0x3040)
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""

#: Canvas probe (see the module notes); returns the characters checked and those drawn as tofu.
TOFU_PROBE = r"""async () => {
  await document.fonts.ready;
  const families = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || !element.getClientRects().length) continue;
    const family = getComputedStyle(element).fontFamily;
    for (const char of node.data) {
      if (char.codePointAt(0) >= FIRST_CJK && !families.has(char)) families.set(char, family);
    }
  }
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const context = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (text, family) => {
    context.clearRect(0, 0, 64, 64);
    context.font = `40px ${family}`;
    context.fillText(text, 4, 48);
    return context.getImageData(0, 0, 64, 64).data.join(',');
  };
  const notdef = String.fromCodePoint(0xF0000);
  const tofu = [];
  for (const [char, family] of families) {
    await document.fonts.load(`40px ${family}`, char);
    const glyph = draw(char, family);
    if (glyph === draw(notdef, family) || !/[1-9]/.test(glyph)) tofu.push(char);
  }
  return {checked: [...families.keys()].join(''), tofu: tofu.join('')};
}""".replace("FIRST_CJK", str(FIRST_CJK))


def cjk(text: str) -> set[str]:
    return {char for char in text if ord(char) >= FIRST_CJK}


@pytest.fixture(scope="module")
def latin_only_fontconfig(tmp_path_factory) -> dict:
    """Environment variables under which fontconfig sees only DejaVu (no CJK font at all)."""
    import matplotlib
    from fontTools.ttLib import TTFont

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (run 'make browser' as root)")
    folder = tmp_path_factory.mktemp("latin_fonts")
    fonts, cache = folder / "fonts", folder / "cache"
    fonts.mkdir()
    cache.mkdir()
    for name in LATIN_FONTS:
        shutil.copy(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name, fonts / name)
        covered = TTFont(fonts / name).getBestCmap()
        assert not [code for code in covered if code in IDEOGRAPHS or code in CJK_PUNCTUATION], name  # no CJK glyph
    conf = folder / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=fonts, cache=cache), encoding="utf-8")
    env = {"FONTCONFIG_FILE": str(conf)}
    if shutil.which("fc-list"):  # fontconfig's own view agrees: no font for Chinese
        import os

        listed = subprocess.run(["fc-list", ":lang=zh"], env={**os.environ, **env}, capture_output=True, text=True)
        assert listed.stdout.strip() == "", listed.stdout
    return env


@pytest.fixture(scope="module")
def zh_reports(latin_only_fontconfig, tmp_path_factory) -> dict[str, Path]:
    """HTML and PDF of every case in Chinese, written by a batch whose Chromium sees no CJK font."""
    out = tmp_path_factory.mktemp("zh_reports")
    jobs, _ = plan(list(CASES), parameters={"lang": "zh"})
    with pytest.MonkeyPatch.context() as patch:
        for name, value in latin_only_fontconfig.items():
            patch.setenv(name, value)  # inherited by the forked workers, their kernels and their Chromium
        results = run_jobs(jobs, out, workers=2, progress=False, fmt="html,pdf")
    assert [result.status for result in results] == ["ok"] * len(CASES), [result.error for result in results]
    return {result.name: out / result.name for result in results}


@pytest.fixture(scope="module")
def latin_only_chromium(latin_only_fontconfig):
    import os

    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as runtime:
        browser = runtime.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                          env={**os.environ, **latin_only_fontconfig})
        yield browser
        browser.close()


def tofu_in_page(browser, page_html: str, screenshot: Path) -> dict:
    """The CJK characters of the rendered page and those drawn as tofu; a screenshot of the page's top."""
    tab = browser.new_page(viewport={"width": 1280, "height": 1600}, bypass_csp=True, java_script_enabled=True)
    try:
        tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("data:") else route.abort())
        tab.set_content(page_html, wait_until="load")
        found = tab.evaluate(TOFU_PROBE)
        tab.screenshot(path=str(screenshot))
    finally:
        tab.close()
    return found


# ---------------------------------------------------------------- PDF reading (fonts and their ToUnicode maps)
_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)


def _stream(body: bytes) -> bytes:
    head, rest = body.split(b"stream", 1)
    data = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
    return zlib.decompress(data) if b"/FlateDecode" in head else data


def _reference(body: bytes, key: bytes) -> int | None:
    found = re.search(rb"/" + key + rb"\s*\[?\s*(\d+) 0 R", body)
    return int(found.group(1)) if found else None


def _unicode_map(cmap: bytes) -> set[str]:
    characters = set()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for _, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            characters |= set(bytes.fromhex(target.decode()).decode("utf-16-be"))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(target, 16)
            characters |= {chr(start + step) for step in range(int(high, 16) - int(low, 16) + 1)}
    return characters


def drawable_characters(pdf: Path) -> dict[str, set[str]]:
    """``{font name: characters its embedded glyphs draw}`` from the fonts' ToUnicode maps.

    Chromium (Skia) writes one ToUnicode entry per glyph it embedded; a
    character without a glyph in the chosen font is drawn as glyph 0 and gets
    no entry.  Every font of the PDF must be embedded (a font file, or a
    Type 3 font whose glyphs are drawings).
    """
    objects = {int(match.group(1)): match.group(2) for match in _OBJECT.finditer(pdf.read_bytes())}
    fonts = {}
    for body in objects.values():
        head = body.split(b"stream", 1)[0]
        if not re.search(rb"/Type /Font[\s/>]", head) or b"/CIDFontType" in head:
            continue
        descriptor = _reference(head, b"FontDescriptor")
        if descriptor is None:
            descriptor = _reference(objects[_reference(head, b"DescendantFonts")], b"FontDescriptor")
        described = objects[descriptor]
        name = re.search(rb"/FontName /([^\s/>\]]+)", described).group(1).decode()
        assert b"/Type3" in head or re.search(rb"/FontFile[23]? ", described), f"{name} is not embedded in {pdf.name}"
        mapped = _unicode_map(_stream(objects[_reference(head, b"ToUnicode")])) if b"/ToUnicode" in head else set()
        fonts[name] = fonts.get(name, set()) | mapped
    return fonts


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def tofu_in_pdf(pdf: Path) -> tuple[set[str], set[str]]:
    """The CJK characters of the PDF's text and those no embedded glyph draws."""
    shown = cjk(pdf_text(pdf))
    drawn = set().union(*drawable_characters(pdf).values())
    return shown, shown - drawn


def needs_poppler():
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed (run 'make browser' as root)")


# ---------------------------------------------------------------- tests
def test_page_language_follows_the_report_language():
    """``<html lang>`` tells the browser which Han glyph forms to prefer (one exporter serves every report)."""
    import nbformat

    from kitlib.report.html import notebook_to_html

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("服务")])
    languages = [re.search(r"<html lang=\"(\w+)\"", notebook_to_html(notebook, "t", lang=lang)).group(1)
                 for lang in ("zh", "en", "zh")]
    assert languages == ["zh", "en", "zh"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.browser
@pytest.mark.slow
def test_html_report_shows_every_chinese_character_without_a_cjk_system_font(case, zh_reports, latin_only_chromium):
    page = zh_reports[case].with_suffix(".html").read_text(encoding="utf-8")
    found = tofu_in_page(latin_only_chromium, page, ARTIFACTS / f"report_zh_{case}.png")
    assert len(found["checked"]) >= 100, found  # a whole Chinese report, not an empty page
    assert found["tofu"] == "", f"{case}: {len(found['tofu'])} characters drawn as boxes: {found['tofu'][:80]}"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.browser
@pytest.mark.slow
def test_pdf_report_draws_every_chinese_character_from_an_embedded_font(case, zh_reports):
    needs_poppler()
    pdf = zh_reports[case].with_suffix(".pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / f"report_zh_{case}_pdf")],
                   check=True)
    shown, tofu = tofu_in_pdf(pdf)
    assert len(shown) >= 100, sorted(shown)[:20]
    assert tofu == set(), f"{case}: {len(tofu)} characters without a glyph: {''.join(sorted(tofu))[:80]}"
    fonts = drawable_characters(pdf)
    assert any("NotoSansCJK" in name and cjk("".join(chars)) for name, chars in fonts.items()), list(fonts)


@pytest.mark.browser
@pytest.mark.slow
def test_checks_fail_when_the_embedded_font_is_removed(zh_reports, latin_only_chromium, tmp_path):
    """Negative control: the same page without its @font-face rules is tofu in the browser and in the PDF."""
    needs_poppler()
    from kitlib.report.pdf import html_to_pdf

    page = zh_reports[CASES[0]].with_suffix(".html").read_text(encoding="utf-8")
    bare = FONT_FACE.sub("", page)
    assert bare != page and "@font-face" not in bare
    found = tofu_in_page(latin_only_chromium, bare, ARTIFACTS / "report_zh_without_font.png")
    assert len(found["checked"]) >= 100 and set(found["tofu"]) == set(found["checked"]), found

    pdf = html_to_pdf(bare, tmp_path / "without_font.pdf", browser=latin_only_chromium)
    shown, tofu = tofu_in_pdf(pdf)
    assert len(shown) >= 100 and tofu == shown, (len(shown), len(tofu))


EXIT_AFTER_PRINTING = """
import sys
from pathlib import Path
from kitlib.report.execute import discard_kernels, warm_kernel
from kitlib.report.pdf import html_to_pdf
warm_kernel("python3", Path(sys.argv[1]))
html_to_pdf("<p>服务</p>", Path(sys.argv[1]) / "page.pdf")
discard_kernels()  # as a one-worker batch does at its end
"""


@pytest.mark.browser
@pytest.mark.slow
def test_a_process_that_printed_a_pdf_exits(tmp_path):
    """The printing browser closes before the kernels' exit handlers run (a one-worker PDF batch used to hang)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (run 'make browser' as root)")
    finished = subprocess.run([sys.executable, "-c", EXIT_AFTER_PRINTING, str(tmp_path)], capture_output=True, text=True,
                              timeout=240)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert (tmp_path / "page.pdf").read_bytes().startswith(b"%PDF")
