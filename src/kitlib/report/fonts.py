"""Embed the Chinese glyphs a report page uses, so it renders the same on a machine without CJK fonts.

The charts already carry their glyphs (matplotlib embeds the kit's Noto Sans
CJK SC in every PNG); the page text did not, so a reader without a CJK system
font saw boxes.  :func:`embed_font` subsets the kit's font
(:func:`kitlib.plot.fonts.cjk_font_path`) to exactly the CJK characters on
the page with fontTools and adds it as a base64 ``@font-face`` (WOFF2 when
``brotli`` is installed, else WOFF) restricted by ``unicode-range``, so Latin
text keeps the reader's usual font.  A typical zh report adds 70–100 kB (base64).

Speed (a report batch subsets once per page): the font is read lazily (only
the tables the subset needs are parsed), glyph bounding boxes are not
recomputed, and the OpenType layout and vertical-metrics tables are dropped:
horizontal Chinese text uses none of their features by default (``vert``,
``palt``, ``halt`` and ``vkrn`` are for vertical or explicitly proportional
text; ``locl`` selects the Simplified Chinese forms that this SC font already
has as defaults).  The characters a face covers are read from the subset's
own map (the full font's map is never decoded for that), and the faces are
kept per character set, so a worker that writes several reports with the
same characters subsets once.

Notes
-----
A character ``c`` is embedded when ``ord(c) >= 0x2E80`` (CJK radicals,
punctuation, kana, ideographs, compatibility and fullwidth forms) and the
font maps it; the face's ``unicode-range`` is exactly that set, so the
browser uses the face for those characters only.

Example
-------
>>> page_characters("<p>服务差距 gap</p>") == set("服务差距")
True

References
----------
fontTools developers. *fontTools.subset*. https://fonttools.readthedocs.io/
W3C. *CSS Fonts Module Level 4*, ``@font-face`` and ``unicode-range``. https://www.w3.org/TR/css-fonts-4/
"""

from __future__ import annotations

import base64
import io
from functools import cache, lru_cache

__all__ = ["FAMILY", "FIRST_CJK", "embed_font", "font_face", "page_characters"]

FAMILY = "Kitlib CJK"
#: Code points the embedded face covers: CJK punctuation, ideographs, fullwidth forms and their neighbours.
FIRST_CJK = 0x2E80
#: Tables that horizontal Chinese text does not need (layout features, vertical metrics); see the module notes.
UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG")
#: Distinct character sets whose face a process keeps.
CACHED_FACES = 32


def page_characters(page: str) -> set[str]:
    """CJK characters (from U+2E80 on) that occur in ``page``."""
    return {char for char in set(page) if ord(char) >= FIRST_CJK}


@cache
def _flavor() -> str:
    try:
        import brotli  # noqa: F401
    except ImportError:
        return "woff"
    return "woff2"


@cache
def _font_bytes() -> bytes:
    from kitlib.plot.fonts import cjk_font_path

    return cjk_font_path().read_bytes()


@lru_cache(maxsize=CACHED_FACES)
def _subset(codes: tuple[int, ...], flavor: str) -> tuple[bytes, tuple[int, ...]]:
    """The font reduced to ``codes`` (as ``flavor``) and the code points of ``codes`` it maps."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = flavor
    options.layout_features = []
    options.name_IDs = ["*"]  # keeps the font's name, copyright and SIL OFL licence records
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    font = TTFont(io.BytesIO(_font_bytes()), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    for tag in UNUSED_TABLES:  # removed before subsetting, so they are never parsed
        if tag in font:
            del font[tag]
    subsetter.subset(font)
    covered = tuple(sorted(font.getBestCmap() or ()))  # the subset's own map: cheap, and exactly what it covers
    buffer = io.BytesIO()
    font.flavor = flavor
    font.save(buffer)
    return buffer.getvalue(), covered


def font_face(characters) -> str:
    """An ``@font-face`` rule with the kit's CJK font reduced to ``characters`` ("" when none are covered)."""
    codes = tuple(sorted({ord(char) for char in characters}))
    if not codes:
        return ""
    flavor = _flavor()
    font, covered = _subset(codes, flavor)
    if not covered:
        return ""
    data = base64.b64encode(font).decode("ascii")
    ranges = ",".join(f"U+{code:X}" for code in covered)
    return (f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 100 900; '
            f'src: url(data:font/{flavor};base64,{data}) format("{flavor}"); unicode-range: {ranges}; }}\n')


FONT_CSS = """
:root {{ --jp-content-font-family: "{family}", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
        --jp-ui-font-family: "{family}", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
        --jp-code-font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace, "{family}"; }}
body, table, th, td, h1, h2, h3, h4, p, li {{ font-family: var(--jp-content-font-family); }}
pre, code {{ font-family: var(--jp-code-font-family); }}
"""


def embed_font(page: str) -> str:
    """``page`` with the CJK glyphs it uses embedded before ``</head>`` (unchanged when it has none)."""
    face = font_face(page_characters(page))
    if not face:
        return page
    style = f'<style type="text/css">{face}{FONT_CSS.format(family=FAMILY)}</style>\n'
    head_end = page.find("</head>")
    return page[:head_end] + style + page[head_end:] if head_end >= 0 else style + page
