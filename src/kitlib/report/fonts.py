"""Embed the Chinese glyphs a report page uses, so it renders the same on a machine without CJK fonts.

The charts already carry their glyphs (matplotlib embeds the kit's Noto Sans
CJK SC in every PNG); the page text did not, so a reader without a CJK system
font saw boxes.  :func:`embed_font` subsets the kit's font
(:func:`kitlib.plot.fonts.cjk_font_path`) to exactly the CJK characters on
the page with fontTools and adds it as a base64 ``@font-face`` (WOFF2 when
``brotli`` is installed, else WOFF) restricted by ``unicode-range``, so Latin
text keeps the reader's usual font.  A typical zh report adds 70–100 kB (base64).

Speed (a report batch subsets once per page): fontTools parses every glyph
of the font it subsets, so subsetting the kit's 65,535-glyph, 16 MB font
took 0.25–0.4 s even for two characters and 0.4–0.6 s for a report page.
The first subset on a machine therefore reduces the font once to a fixed
*base* repertoire (GB2312, the symbols GBK adds, :data:`BASE_BLOCKS`; 7,897
characters, 1.8 MB, built in about 5 s) and keeps it in the user's cache
folder (``$XDG_CACHE_HOME/kitlib``, else ``~/.cache/kitlib``, as matplotlib
does).  A page is subset from the base when every character it has that the
font maps is in the base (the 435 CJK characters of the it_firm report:
0.19–0.28 s instead of 0.4–0.6 s; two characters: 0.04 s instead of
0.25–0.4 s), with byte-identical output, since subsetting the base keeps
exactly the glyphs, subroutines and table entries that subsetting the full
font keeps.  A page with a character only the full font has (a
Traditional-only or rare ideograph) is subset from the full font.  The
cached file's name is a digest of what it depends on (font path, size and
modification time, fontTools version, :data:`BASE_VERSION`, the repertoire),
so a stale file is never read; it is written atomically
(:mod:`kitlib.atomic`), so processes that build it at the same time each
leave a complete file; when the folder cannot be written the full font is
used.

Each subset reads the font lazily (only the tables it needs are parsed),
does not recompute glyph bounding boxes, and drops the OpenType layout and
vertical-metrics tables: horizontal Chinese text uses none of their features
by default (``vert``, ``palt``, ``halt`` and ``vkrn`` are for vertical or
explicitly proportional text; ``locl`` selects the Simplified Chinese forms
that this SC font already has as defaults).  The characters a face covers
are read from the subset's own map, and the faces are kept per character
set, so a worker that writes several reports with the same characters
subsets once.

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
import hashlib
import io
import os
from contextlib import suppress
from functools import cache, lru_cache
from pathlib import Path

from kitlib.atomic import write_atomically

__all__ = ["FAMILY", "FIRST_CJK", "embed_font", "font_face", "page_characters"]

FAMILY = "Kitlib CJK"
#: Code points the embedded face covers: CJK punctuation, ideographs, fullwidth forms and their neighbours.
FIRST_CJK = 0x2E80
#: Tables that horizontal Chinese text does not need (layout features, vertical metrics); see the module notes.
UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG")
#: Distinct character sets whose face a process keeps.
CACHED_FACES = 32
#: Version of the base face's recipe (its repertoire and subsetting options); bump it when either changes.
BASE_VERSION = 1
#: Whole Unicode ranges in the base face, besides GB2312 and GBK's symbols (see :func:`_base_repertoire`).
BASE_BLOCKS = {"CJK Symbols and Punctuation": (0x3000, 0x303F), "Halfwidth and Fullwidth Forms": (0xFF00, 0xFFEF),
               "printable ASCII": (0x20, 0x7E)}


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


def _two_byte_characters(codec: str, lead_bytes: range, trail_bytes: range) -> set[str]:
    characters = set()
    for lead in lead_bytes:
        for trail in trail_bytes:
            with suppress(UnicodeDecodeError):  # unassigned positions
                characters.add(bytes((lead, trail)).decode(codec))
    return characters


@cache
def _base_repertoire() -> frozenset[int]:
    """The code points of the base face.

    GB2312 (its 7,445 characters, through Python's ``gb2312`` codec), the 187 symbols GBK adds in its symbol rows
    A1–A9 (units such as ㎡ ㎏, vertical and small forms, box drawing; ``gbk`` codec) and :data:`BASE_BLOCKS`.
    """
    gb2312 = _two_byte_characters("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))  # EUC-CN rows 1-87
    gbk_symbols = _two_byte_characters("gbk", range(0xA1, 0xAA), range(0x40, 0xFF))  # GBK/1 and GBK/5
    blocks = {code for first, last in BASE_BLOCKS.values() for code in range(first, last + 1)}
    return frozenset({ord(char) for char in gb2312 | gbk_symbols} | blocks)


@cache
def _full_font_codes() -> frozenset[int]:
    """Every code point the kit's font maps (read only for pages with characters outside the base)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(_font_bytes()), lazy=True).getBestCmap())


def _reduce(font_data: bytes, codes, *, hinting: bool):
    """The font in ``font_data`` reduced to ``codes`` and without :data:`UNUSED_TABLES` (a ``TTFont``)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]  # keeps the font's name, copyright and SIL OFL licence records
    options.notdef_outline = True
    options.hinting = hinting
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    font = TTFont(io.BytesIO(font_data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    for tag in UNUSED_TABLES:  # removed before subsetting, so they are never parsed
        if tag in font:
            del font[tag]
    subsetter.subset(font)
    return font


def _cache_folder() -> Path:
    """``$XDG_CACHE_HOME/kitlib``, else ``~/.cache/kitlib`` (matplotlib's convention)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kitlib"


def _base_file_name(source: Path) -> str:
    """A name that changes with everything the base face depends on."""
    from fontTools import version

    status = source.stat()
    key = (f"{source.resolve()}|{status.st_size}|{status.st_mtime_ns}|fontTools {version}|{BASE_VERSION}|"
           + ",".join(map(str, sorted(_base_repertoire()))))
    return f"{source.stem}.base{BASE_VERSION}.{hashlib.sha256(key.encode()).hexdigest()[:16]}.otf"


def _writable_folder(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


@cache
def _base_font_bytes() -> bytes | None:
    """The base face, read from the cache folder or built and saved there; None when the folder cannot be written."""
    from kitlib.plot.fonts import cjk_font_path

    try:
        path = _cache_folder() / _base_file_name(cjk_font_path())
    except RuntimeError:  # no home folder to hold the cache
        return None
    with suppress(OSError):  # absent until the first build on this machine
        return path.read_bytes()
    if not _writable_folder(path.parent):
        return None
    buffer = io.BytesIO()
    _reduce(_font_bytes(), sorted(_base_repertoire()), hinting=True).save(buffer)  # each page's subset drops the hints
    with suppress(OSError):  # e.g. a full disk: this process still uses the face it built
        write_atomically(path, buffer.getvalue())
    return buffer.getvalue()


def _source_font(codes: tuple[int, ...]) -> bytes:
    """The base face when it has every code point of ``codes`` the kit's font maps, else the full font."""
    outside = set(codes) - _base_repertoire()
    if outside and not outside.isdisjoint(_full_font_codes()):  # a character only the full font has
        return _font_bytes()
    return _base_font_bytes() or _font_bytes()


@lru_cache(maxsize=CACHED_FACES)
def _subset(codes: tuple[int, ...], flavor: str) -> tuple[bytes, tuple[int, ...]]:
    """The font reduced to ``codes`` (as ``flavor``) and the code points of ``codes`` it maps."""
    font = _reduce(_source_font(codes), codes, hinting=False)
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
