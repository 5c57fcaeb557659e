"""How numbers are printed in reports, exercises and widgets: p-values, counts, reverse-keyed items.

* :func:`format_p` — APA style: ``p < .001``, ``p = .034`` (never ``p = 0`` or ``p = 0.000``).
* :func:`format_count` — counts as integers (``640``, not ``640.0``), with a thousands separator.
* :func:`reverse_mark` / :func:`mark_reverse_items` — every item table marks the reverse-keyed
  items (``P13 (R)``), so a reader knows its scores were recoded.

Example
-------
>>> from kitlib.formatting import format_count, format_p
>>> format_p(0.0), format_p(0.0342), format_count(640.0)
('p < .001', 'p = .034', '640')

References
----------
American Psychological Association (2020). *Publication Manual* (7th ed.), §6.36 (statistics).
"""

from __future__ import annotations

import math

import pandas as pd

from kitlib.i18n import check_lang

__all__ = ["REVERSE_NOTE", "format_count", "format_p", "mark_reverse_items", "reverse_mark"]

REVERSE_NOTE = {
    "zh": "（R）= 反向题：措辞为否定，计分前已按 最小值 + 最大值 − x 反向。",
    "en": "(R) = reverse-keyed item: negatively worded, recoded as min + max − x before scoring.",
}


def format_p(p, digits: int = 3, with_p: bool = True) -> str:
    """A p-value in APA style: no leading zero, ``< .001`` below one thousandth.

    Example
    -------
    >>> format_p(2e-40), format_p(0.05), format_p(1.0), format_p(0.2, with_p=False)
    ('p < .001', 'p = .050', 'p = 1.000', '.200')
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p = –" if with_p else "–"
    p = float(p)
    floor = 10.0 ** -digits
    if p < floor:
        text = f"< {floor:.{digits}f}".replace("0.", ".", 1)
        return f"p {text}" if with_p else text
    text = f"{p:.{digits}f}"
    text = text[1:] if text.startswith("0.") else text
    return f"p = {text}" if with_p else text


def format_count(n, thousands: bool = True) -> str:
    """A count as an integer: ``640`` for ``640.0``; ``–`` for a missing count.

    Example
    -------
    >>> format_count(1234.0), format_count(float("nan"))
    ('1,234', '–')
    """
    if n is None or (isinstance(n, float) and math.isnan(n)) or pd.isna(n):
        return "–"
    value = int(round(float(n)))
    return f"{value:,}" if thousands else str(value)


def reverse_mark(item: str, reverse: bool, lang: str = "zh") -> str:
    """``item`` with ``（R）``/`` (R)`` appended when it is reverse-keyed.

    Example
    -------
    >>> reverse_mark("P13", True, "en"), reverse_mark("P13", True, "zh"), reverse_mark("P01", False)
    ('P13 (R)', 'P13（R）', 'P01')
    """
    if not reverse:
        return item
    return f"{item}（R）" if check_lang(lang) == "zh" else f"{item} (R)"


def mark_reverse_items(table: pd.DataFrame, codebook, lang: str = "zh", column: str | None = None) -> pd.DataFrame:
    """A copy of an item table with the reverse-keyed items marked (in ``column``, or the index).

    Parameters
    ----------
    table : DataFrame
        Any table with item ids (``P13``…) in ``column`` or in its index.
    codebook : Codebook
        Says which items are reverse-keyed (``reverse: true``).
    lang : {"zh", "en"}
    column : str, optional
        Column of item ids; default the index (or a column named ``item`` if there is one).

    Example
    -------
    >>> import kitlib as kl
    >>> book = kl.load_case("bank").codebook
    >>> mark_reverse_items(pd.DataFrame({"item": ["P12", "P13"]}), book, "en")["item"].tolist()
    ['P12', 'P13 (R)']
    """
    reverse = {c.id for c in codebook.columns.values() if getattr(c, "reverse", False)}
    marked = table.copy()
    if column is None and "item" in marked.columns:
        column = "item"
    if column is None:
        marked.index = [reverse_mark(str(i), i in reverse, lang) for i in marked.index]
    else:
        marked[column] = [reverse_mark(str(i), i in reverse, lang) for i in marked[column]]
    return marked
