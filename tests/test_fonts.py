"""Chinese chart text renders with the kit's own font: no missing-glyph warning, no system font needed."""

from __future__ import annotations

import warnings

import matplotlib

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
def embedded_font(face: str):
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", face).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def test_report_face_covers_exactly_the_pages_chinese_characters():
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


def test_page_without_chinese_is_unchanged_and_face_goes_into_the_head():
    from kitlib.report.fonts import FAMILY, embed_font, font_face

    latin = "<html><head><title>x</title></head><body><p>gap −0.8</p></body></html>"
    assert embed_font(latin) == latin and font_face(set()) == font_face({chr(0xF0000)}) == ""  # nothing to embed
    page = embed_font(latin.replace("gap", "差距"))
    head, body = page.split("</head>")
    assert "@font-face" in head and f'"{FAMILY}"' in head and "@font-face" not in body
    assert font_face(set("差距")) == font_face(set("距差"))  # one face per character set
