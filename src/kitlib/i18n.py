"""Chinese and English wording: one mechanism for every label, chart text, message and conclusion.

Every text the kit shows exists in Chinese (``"zh"``) and English (``"en"``).
A wording is a ``{"zh": ..., "en": ...}`` mapping; a :class:`Catalog` holds
the wordings of one part of the kit (chart phrases, exercise hints, report
labels) and checks at import that each has both languages.  Notebooks print
conclusions computed from numbers with :func:`say`.

Example
-------
>>> from kitlib.i18n import Catalog, pick, text
>>> text({"zh": "差距", "en": "gap"}, "en")
'gap'
>>> words = Catalog({"n": {"zh": "{n} 人", "en": "{n} respondents"}})
>>> words("n", "zh", n=12)
'12 人'
>>> pick("zh", zh="银行", en="bank")
'银行'

References
----------
W3C (2006). *Internationalization Best Practices: Specifying Language in XHTML & HTML Content*.
"""

from __future__ import annotations

from collections.abc import Mapping

from kitlib.errors import OptionError

__all__ = ["LANGS", "Catalog", "check_lang", "pick", "say", "text"]

LANGS = ("zh", "en")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``; raise :class:`~kitlib.errors.OptionError` otherwise.

    Example
    -------
    >>> check_lang("zh")
    'zh'

    References
    ----------
    IETF BCP 47 (2009). *Tags for Identifying Languages* (``zh``, ``en``).
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise OptionError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang


def text(wording: Mapping[str, str], lang: str, **values) -> str:
    """The ``lang`` entry of a ``{"zh": ..., "en": ...}`` wording, formatted with ``values``.

    Example
    -------
    >>> text({"zh": "{k} 个组", "en": "{k} groups"}, "en", k=3)
    '3 groups'

    References
    ----------
    Python Software Foundation. ``str.format``.
    """
    chosen = wording[check_lang(lang)]
    return chosen.format(**values) if values else chosen


def pick(lang: str, zh: str, en: str) -> str:
    """The ``zh`` or ``en`` text, checking ``lang`` (for texts written where they are used).

    Example
    -------
    >>> pick("en", zh="银行", en="bank")
    'bank'

    References
    ----------
    W3C (2006). *Internationalization Best Practices*.
    """
    return zh if check_lang(lang) == "zh" else en


def say(lang: str, zh: str, en: str) -> None:
    """Display the Markdown text of ``lang`` in a notebook (f-strings of computed values).

    Example
    -------
    >>> say("en", zh="**差距**", en="**gap**")
    <IPython.core.display.Markdown object>

    References
    ----------
    IPython development team. ``IPython.display.Markdown``.
    """
    from IPython.display import Markdown, display

    display(Markdown(pick(lang, zh, en)))


class Catalog(Mapping):
    """Named wordings of one part of the kit; ``catalog(key, lang, **values)`` gives the text.

    Parameters
    ----------
    entries : mapping of str to {"zh": str, "en": str}
        Every entry must give both languages (checked here, so a missing
        translation fails at import, not in front of a reader).

    Example
    -------
    >>> words = Catalog({"hello": {"zh": "你好", "en": "hello"}})
    >>> words("hello", "en"), len(words)
    ('hello', 1)

    References
    ----------
    W3C (2006). *Internationalization Best Practices*.
    """

    def __init__(self, entries: Mapping[str, Mapping[str, str]]):
        incomplete = [key for key, wording in entries.items() if not all(isinstance(wording.get(lang), str) for lang in LANGS)]
        if incomplete:
            raise OptionError(f"wording(s) without both zh and en text: {', '.join(map(str, incomplete))}")
        self._entries = dict(entries)

    def __getitem__(self, key: str) -> Mapping[str, str]:
        return self._entries[key]

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __call__(self, key: str, lang: str, **values) -> str:
        return text(self._entries[key], lang, **values)

    def merged(self, other: Mapping[str, Mapping[str, str]]) -> Catalog:
        """A catalog with the entries of both (``other`` wins on equal keys)."""
        return Catalog({**self._entries, **other})
