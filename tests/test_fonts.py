"""Chinese chart text renders with the kit's own font: no missing-glyph warning, no system font needed."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

import kitlib as kl  # noqa: E402
from kitlib.plot.fonts import cjk_font_path

CHINESE = "内部服务满意度：响应性差距最大（移情性、保证性）"


def draw_and_collect_warnings() -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure, axes = plt.subplots()
        axes.bar(["有形性", "可靠性", "响应性"], [0.2, -0.9, -1.7])
        axes.set_title(CHINESE)
        axes.set_ylabel("差距 P − E")
        figure.canvas.draw()
        plt.close(figure)
    return [str(w.message) for w in caught]


def test_font_is_openly_licensed_noto_shipped_by_a_pypi_package():
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert "site-packages" in str(path)


def test_chinese_chart_has_no_missing_glyphs():
    kl.plot.set_theme()
    messages = draw_and_collect_warnings()
    assert not [m for m in messages if "missing from" in m or "Glyph" in m], messages
    chosen = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.sans-serif"][0]))
    assert chosen.endswith("NotoSansCJKsc-Regular.otf")


def test_default_font_would_fail_so_the_check_can_fail():
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        messages = draw_and_collect_warnings()
    assert any("missing from" in m for m in messages)


def test_theme_can_be_set_twice_and_after_a_seaborn_reset():
    import seaborn as sns

    kl.plot.set_theme()
    kl.plot.set_theme()
    sns.set_theme()  # resets rcParams to seaborn's defaults
    kl.plot.set_theme()
    assert not [m for m in draw_and_collect_warnings() if "missing from" in m]


# ---------------------------------------------------------------- the report page's embedded face (kitlib.report.fonts)
@pytest.fixture(scope="module")
def base_cache(tmp_path_factory):
    """A fresh cache folder (``$XDG_CACHE_HOME``) for the base face, so the tests neither read nor fill the user's."""
    from kitlib.report import fonts

    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        fonts._base_font_bytes.cache_clear()
        fonts._subset.cache_clear()
        yield folder / "kitlib"
    fonts._base_font_bytes.cache_clear()
    fonts._subset.cache_clear()


def otf_bytes(font) -> bytes:
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def kitlib_chinese() -> set[str]:
    """Every CJK character in kitlib's sources (its zh texts) and the CJK punctuation and fullwidth blocks."""
    from kitlib.report.fonts import page_characters

    characters = {chr(code) for code in [*range(0x3000, 0x3040), *range(0xFF00, 0xFFF0)]}
    for source in Path(kl.__file__).parent.rglob("*.py"):
        characters |= page_characters(source.read_text(encoding="utf-8"))
    return characters


def embedded_font(face: str):
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", face).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def test_report_face_covers_exactly_the_pages_chinese_characters(base_cache):
    from fontTools.pens.boundsPen import BoundsPen

    from kitlib.report.fonts import font_face, page_characters

    absent = chr(0xF0000)  # private use, plane 15: not in the font
    characters = page_characters(f"<p>服务差距：响应性（P − E）gap {absent}</p>")
    assert characters == set("服务差距：响应性（）") | {absent}
    face = font_face(characters)
    font = embedded_font(face)
    cmap = font.getBestCmap()
    assert set(cmap) == {ord(char) for char in characters} - {ord(absent)}
    ranges = face.split("unicode-range:")[1].split(";")[0]
    assert sorted(ranges.strip().split(",")) == sorted(f"U+{code:X}" for code in cmap)
    glyphs = font.getGlyphSet()
    for code, name in cmap.items():  # every embedded character has a real outline
        pen = BoundsPen(glyphs)
        glyphs[name].draw(pen)
        assert pen.bounds is not None, chr(code)
    assert not {"GSUB", "GPOS", "vmtx"} & set(font.keys())  # layout and vertical tables are left out
    assert any(record.nameID == 13 for record in font["name"].names)  # the SIL OFL licence travels with the glyphs


def test_page_without_chinese_is_unchanged_and_face_goes_into_the_head(base_cache):
    from kitlib.report.fonts import FAMILY, embed_font, font_face

    latin = "<html><head><title>x</title></head><body><p>gap −0.8</p></body></html>"
    assert embed_font(latin) == latin and font_face(set()) == font_face({chr(0xF0000)}) == ""  # nothing to embed
    page = embed_font(latin.replace("gap", "差距"))
    head, body = page.split("</head>")
    assert "@font-face" in head and f'"{FAMILY}"' in head and "@font-face" not in body
    assert font_face(set("差距")) == font_face(set("距差"))  # one face per character set


def test_base_face_gives_the_same_bytes_as_the_full_font(base_cache):
    """Subsetting kitlib's zh texts from the cached base face and from the full font yields identical fonts.

    The comparison is of the uncompressed OpenType files, byte for byte (so every table: cmap, glyph order, CFF
    charstrings and subroutines, hmtx, head/hhea/OS/2 metrics, name); the WOFF a page embeds is the compression of
    those bytes.  An emoji the font does not map (💡, in kitlib's exercise feedback) keeps the page on the base face.
    """
    from fontTools.ttLib import TTFont

    from kitlib.report import fonts

    characters = {char for char in kitlib_chinese()
                  if ord(char) in fonts._base_repertoire() or ord(char) not in fonts._full_font_codes()}
    assert len(characters) > 800 and "💡" in characters
    codes = tuple(sorted(map(ord, characters)))
    base = fonts._source_font(codes)
    assert base is fonts._base_font_bytes() and len(base) < len(fonts._font_bytes()) / 5  # the fast path is taken
    from_base = otf_bytes(fonts._reduce(base, codes, hinting=False))
    from_full = otf_bytes(fonts._reduce(fonts._font_bytes(), codes, hinting=False))
    assert from_base == from_full
    mapped = set(codes) & fonts._full_font_codes()
    assert set(TTFont(io.BytesIO(from_base)).getBestCmap()) == mapped and len(mapped) > 800  # all the font has


def test_character_outside_the_base_is_still_embedded_from_the_full_font(base_cache):
    from kitlib.report import fonts

    traditional = "長"  # U+9577: Traditional only, not in GB2312 nor among GBK's symbols, but in the font
    assert ord(traditional) not in fonts._base_repertoire() and ord(traditional) in fonts._full_font_codes()
    codes = tuple(sorted(map(ord, "长度" + traditional)))
    assert fonts._source_font(codes) is fonts._font_bytes()
    face = fonts.font_face(set("长度" + traditional))
    assert set(embedded_font(face).getBestCmap()) == set(codes)


def test_base_face_is_cached_under_a_name_that_changes_with_what_it_depends_on(base_cache, tmp_path, monkeypatch):
    from kitlib.report import fonts

    built = fonts._base_font_bytes()
    files = sorted(path.name for path in base_cache.iterdir())
    assert files == [fonts._base_file_name(cjk_font_path())]  # one complete file, no temporary left behind
    assert files[0].startswith("NotoSansCJKsc-Regular.base")
    fonts._base_font_bytes.cache_clear()

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the cached base face was rebuilt")

    monkeypatch.setattr(fonts, "_reduce", no_rebuild)
    assert fonts._base_font_bytes() == built  # a second process reads the file

    source = tmp_path / "font.otf"
    source.write_bytes(b"OTTO")
    name = fonts._base_file_name(source)
    source.write_bytes(b"OTTO font")
    assert fonts._base_file_name(source) != name  # size
    sized = fonts._base_file_name(source)
    os.utime(source, ns=(0, 0))
    assert fonts._base_file_name(source) != sized  # modification time
    touched = fonts._base_file_name(source)
    monkeypatch.setattr(fonts, "BASE_VERSION", fonts.BASE_VERSION + 1)
    assert fonts._base_file_name(source) != touched  # the recipe


def test_unwritable_cache_folder_falls_back_to_the_full_font(tmp_path, monkeypatch):
    from kitlib.report import fonts

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    fonts._base_font_bytes.cache_clear()
    fonts._subset.cache_clear()
    try:
        assert fonts._base_font_bytes() is None
        assert fonts._source_font((ord("差"), ord("距"))) is fonts._font_bytes()
        face = fonts.font_face(set("差距"))
        assert set(embedded_font(face).getBestCmap()) == {ord("差"), ord("距")}
        assert not (blocker / "kitlib").exists()
    finally:
        fonts._base_font_bytes.cache_clear()
        fonts._subset.cache_clear()


def test_base_repertoire_holds_gb2312_the_chinese_punctuation_and_fullwidth_forms():
    from kitlib.report import fonts

    repertoire = fonts._base_repertoire()
    gb2312 = {ord(bytes((row, cell)).decode("gb2312")) for row, cell in [(0xB0, 0xA1), (0xF7, 0xFE), (0xA1, 0xA3)]}
    assert gb2312 | {0x3000, 0x303F, 0xFF01, 0xFFEF, ord("A"), ord("㎡")} <= repertoire  # 啊 (first), 齄 (last), 。, ㎡ (GBK)
    assert not {ord("長"), ord("務"), 0x4E02, 0x20000} & repertoire  # Traditional, GBK-only and Extension B ideographs
    assert 7_445 < len(repertoire) < 8_000
