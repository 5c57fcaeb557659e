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
