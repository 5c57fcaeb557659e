"""Chinese-capable fonts for matplotlib charts, installed with the kit.

matplotlib's default DejaVu Sans has no CJK glyphs, so Chinese labels would
render as empty boxes.  The ``mplfonts`` package (installed by ``make``) ships
Noto Sans CJK SC under the SIL Open Font License; :func:`use_cjk_font`
registers that file with matplotlib and puts it first in the sans-serif list,
with DejaVu Sans as fallback for symbols.  No system font or root access is
needed.

Example
-------
>>> from kitlib.plot.fonts import use_cjk_font
>>> use_cjk_font()
'Noto Sans CJK SC'

References
----------
Google & Adobe (2014–). *Noto Sans CJK*, SIL Open Font License 1.1.
https://github.com/notofonts/noto-cjk
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager

from kitlib.errors import KitError

__all__ = ["cjk_font_path", "use_cjk_font"]

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


def cjk_font_path() -> Path:
    """Path of the openly licensed Noto Sans CJK SC file shipped by ``mplfonts``."""
    try:
        import mplfonts
    except ImportError:
        raise KitError("the 'mplfonts' package is missing; run 'make test' or 'make report' to install the kit") from None
    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    if not path.exists():
        raise KitError(f"the Chinese font {path} is missing; reinstall the kit with 'make'")
    return path


@cache
def _register_cjk_font() -> str:
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font() -> str:
    """Make Noto Sans CJK SC matplotlib's first sans-serif font; return its name.

    The font file is registered once; the rcParams are set on every call, so
    calling this after anything that resets them (``seaborn.set_theme``) is
    enough to get Chinese glyphs back.
    """
    name = _register_cjk_font()
    rc = matplotlib.rcParams
    rc["font.family"] = "sans-serif"
    rc["font.sans-serif"] = [name, *[font for font in rc["font.sans-serif"] if font != name]]
    rc["axes.unicode_minus"] = False
    return name
