"""Safe, self-contained HTML of an executed report notebook.

Department names, provider names and codebook labels reach a report from the
survey itself (often respondents' free text), so every output of an executed
notebook is treated as untrusted before it is written as HTML:

* ``text/markdown`` outputs (``say()``) are rendered by markdown-it with raw
  HTML *disabled* (tags are shown as text) and without links, images or
  autolinks (``[x](javascript:…)`` and ``![](http://…)`` stay literal text);
* ``text/html`` outputs (pandas Styler tables) are cleaned by bleach: an
  allowlist of table and text tags, no attributes that can run script or load
  anything, every other tag shown as text; Styler's ``<style>`` blocks are
  kept only when every rule targets the table's own ``#T_…`` id and loads
  nothing;
* SVG charts are embedded as ``<img src="data:…">`` (an SVG image cannot run
  script); JavaScript, LaTeX and widget outputs are dropped;
* the page comes from nbconvert's ``lab`` template without require.js,
  MathJax, mermaid or widget scripts, and starts with a strict
  Content-Security-Policy (no script at all, images and fonts only from
  ``data:`` URIs), so it loads nothing from the network.

Example
-------
>>> markdown_to_html("**Sales<img src=x onerror=alert(1)>** [x](javascript:alert(1))")
'<p><strong>Sales&lt;img src=x onerror=alert(1)&gt;</strong> [x](javascript:alert(1))</p>\\n'
>>> clean_html('<table><tr><th>R&amp;D<script>alert(1)</script></th></tr></table>')
'<table><tbody><tr><th>R&amp;D&lt;script&gt;alert(1)&lt;/script&gt;</th></tr></tbody></table>'
>>> neutralise_cell("=HYPERLINK(\\"http://x\\",\\"y\\")")
'\\'=HYPERLINK("http://x","y")'

References
----------
OWASP. *Cross Site Scripting Prevention Cheat Sheet*; *CSV Injection*. https://cheatsheetseries.owasp.org/
W3C. *Content Security Policy Level 3*. https://www.w3.org/TR/CSP3/
"""

from __future__ import annotations

import base64
import logging
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nbformat

__all__ = ["CSP", "clean_html", "escape_markdown", "markdown_to_html", "neutralise_cell", "notebook_to_html",
           "safe_outputs"]

#: No script, no frames, no forms, no network: images and fonts only from data: URIs, inline styles only.
CSP = ("default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
       "frame-src 'none'; connect-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'")
TAGS = frozenset({
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "div", "span", "p", "br", "hr", "b", "i", "strong", "em", "code", "pre", "sub", "sup", "small",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "del", "s",
})
ATTRIBUTES = {"*": ["class", "id", "colspan", "rowspan", "align", "title"]}
KEPT_MIME = ("text/html", "image/png", "image/jpeg", "text/plain")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_SAFE_SELECTOR = re.compile(r"^#T_[A-Za-z0-9_]+(\s+[a-z0-9.:_\-\s>()]*)?$")
_UNSAFE_CSS = re.compile(r"url\s*\(|@|\\|expression|<|image-set|src\s*\(", re.I)
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~&=:])")

TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head -%}
<meta http-equiv="Content-Security-Policy" content="{{ resources.kitlib_csp }}">
{{ super() }}
{%- endblock html_head -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">{{ resources.kitlib_css }}</style>
{%- endblock extra_css -%}
"""
#: Page CSS of the report (figures are never split across printed pages).
REPORT_CSS = """
.jp-OutputArea-output img, .jp-RenderedImage, table { break-inside: avoid; page-break-inside: avoid; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
body { font-family: %(families)s; }
"""
FONT_FAMILIES = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'


@cache
def _markdown():
    from markdown_it import MarkdownIt

    # commonmark with raw HTML off; links, images and autolinks off: they stay literal text.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"]).disable(
        ["link", "image", "autolink", "html_inline", "html_block"])


def markdown_to_html(text: str) -> str:
    """HTML of a Markdown output with no raw HTML, no links and no images."""
    return _markdown().render(str(text))


def escape_markdown(text) -> str:
    """``text`` as literal Markdown (for a value interpolated into a ``say()`` text; newlines become spaces).

    Example
    -------
    >>> escape_markdown("Sales\\n# h1 [x](javascript:alert(1))")
    'Sales \\\\# h1 \\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def neutralise_cell(value):
    """A CSV/XLSX cell that a spreadsheet will not run as a formula (``'`` before ``=``, ``+``, ``-``, ``@``)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _safe_css(css: str) -> bool:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    if _UNSAFE_CSS.search(css):
        return False
    for rule in css.split("}"):
        if not rule.strip():
            continue
        if "{" not in rule:
            return False
        selectors, _ = rule.split("{", 1)
        if not all(_SAFE_SELECTOR.match(selector.strip()) for selector in selectors.split(",")):
            return False
    return True


@cache
def _cleaner():
    import bleach

    return bleach.Cleaner(tags=TAGS, attributes=ATTRIBUTES, protocols=[], strip=False, strip_comments=True)


def clean_html(fragment: str) -> str:
    """An HTML output with only table/text tags left; anything else is shown as text.

    Styler ``<style>`` blocks are kept when every selector is the table's own
    ``#T_…`` id and no rule loads anything (``url()``, ``@import``).
    """
    styles = []

    def keep(match: re.Match) -> str:
        if _safe_css(match.group(1)):
            styles.append(f'<style type="text/css">{match.group(1)}</style>')
        return ""

    body = _STYLE_BLOCK.sub(keep, str(fragment))
    return "".join(styles) + _cleaner().clean(body)


def _svg_image(svg) -> str:
    data = svg if isinstance(svg, str) else "".join(svg)
    encoded = base64.b64encode(data.encode("utf-8")).decode("ascii")
    return f'<img alt="" src="data:image/svg+xml;base64,{encoded}">'


def safe_outputs(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Rewrite every code-cell output of ``notebook`` in place into its safe form (see the module notes)."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.outputs:
            if output.get("name") == "stderr":
                continue
            if output.get("output_type") in ("display_data", "execute_result"):
                data = output.get("data", {})
                if "text/markdown" in data:
                    html = markdown_to_html(_joined(data["text/markdown"]))
                elif "text/html" in data:
                    html = clean_html(_joined(data["text/html"]))
                elif "image/svg+xml" in data and "image/png" not in data:
                    html = _svg_image(data["image/svg+xml"])
                else:
                    html = None
                kept = {mime: value for mime, value in data.items() if mime in KEPT_MIME and mime != "text/html"}
                if html is not None:
                    kept = {"text/html": html}
                output["data"] = kept
                if "metadata" in output:
                    output["metadata"] = {mime: meta for mime, meta in output["metadata"].items()
                                          if mime in ("image/png", "image/jpeg") and isinstance(meta, dict)
                                          and set(meta) <= {"width", "height"}}
            outputs.append(output)
        cell.outputs = outputs
    return notebook


def _joined(value) -> str:
    return value if isinstance(value, str) else "".join(value)


@cache
def _exporter():
    """nbconvert's exporter with the kitlib template, built once per process (its templates compile on first use)."""
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, extra_loaders=[jinja2.DictLoader({"kitlib.html.j2": TEMPLATE})],
                            template_file="kitlib.html.j2")
    exporter.log.setLevel(logging.ERROR)  # no "alternative text is missing" notes for charts
    return exporter


def notebook_to_html(notebook: nbformat.NotebookNode, title: str, *, lang: str = "zh", font_css: str = "") -> str:
    """Self-contained HTML of an executed notebook: no code, no stderr, no script, nothing from the network.

    ``font_css`` is an ``@font-face`` rule (see :mod:`kitlib.report.fonts`)
    placed before the page CSS.
    """
    safe_outputs(notebook)
    exporter = _exporter()
    exporter.language_code = "zh" if lang == "zh" else "en"  # <html lang>: browsers pick Chinese glyph forms for zh
    resources = {"metadata": {"name": str(title)}, "kitlib_csp": CSP, "kitlib_css": font_css + REPORT_CSS % {"families": FONT_FAMILIES}}
    notebook.metadata.pop("widgets", None)
    notebook.metadata.pop("title", None)
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return _SCRIPT.sub("", body)
