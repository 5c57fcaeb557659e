"""The voice of the internal customer: comment and interview themes, sentiment and safe quotes.

:func:`comment_themes` codes open comments (or interview / focus-group notes, one text file per
session) into themes, scores their sentiment and returns theme × provider / department counts and
shares, a theme ↔ gap dimension cross-tab and representative quotes.

* **Segmentation** of Chinese text: ``rjieba`` (the Rust jieba-rs port of jieba's dictionary and HMM),
  English: lower-cased word tokens.
* **Themes**: declared in the codebook (``themes:``, see ``docs/codebook.md``) or passed as ``themes=``;
  Chinese keywords match as substrings, English ones as whole words (``resolv*`` matches any ending).
  Without a dictionary, :func:`suggest_themes` fits NMF on TF-IDF and lists each suggested theme's top
  words for the analyst to name.
* **Sentiment**: a small bilingual lexicon (:data:`POSITIVE`, :data:`NEGATIVE`) with negation (a negator
  within the two tokens before a sentiment word flips it) and contrast (the clause after 但/但是/不过/
  however/but counts double).  Score > 0 positive, < 0 negative, 0 neutral.
* **Privacy**: :func:`mask_personal_data` replaces e-mail addresses, phone numbers, ID-card numbers,
  employee / staff numbers and roster names *before* any text is stored in a result; groups with
  fewer than ``min_n`` (10) distinct respondents show no quote and no theme count.

Example
-------
>>> from kitlib.service.voice import comment_sentiment, mask_personal_data
>>> comment_sentiment(["响应很及时，点赞", "问题一直没有解决", "not helpful at all"]).tolist()
['positive', 'negative', 'negative']
>>> mask_personal_data("请联系张伟 13812345678 或 zhang.wei@corp.cn", names=["张伟"])
'请联系[姓名] [电话] 或 [邮箱]'

References
----------
Lee, D. D., & Seung, H. S. (1999). Learning the parts of objects by non-negative matrix factorization.
*Nature*, 401, 788–791.
Liu, B. (2012). *Sentiment Analysis and Opinion Mining*, ch. 5 (lexicon-based methods, negation). Morgan & Claypool.
Braun, V., & Clarke, V. (2006). Using thematic analysis in psychology. *Qualitative Research in Psychology*, 3(2), 77–101.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, compress
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from kitlib.data.codebook import SERVQUAL_DIMENSIONS
from kitlib.data.survey import Survey
from kitlib.errors import AnalysisInputError, DataFileError, OptionError
from kitlib.privacy import MIN_COMMENT_GROUP

__all__ = [
    "NEGATIVE", "NEGATORS", "POSITIVE", "CommentThemes", "comment_sentiment", "comment_themes", "mask_personal_data",
    "read_notes", "segment", "suggest_themes",
]

# ------------------------------------------------------------------ personal data
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[-\s]?)?(?:1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}|0\d{2,3}[-\s]?\d{7,8}|[2-9]\d{3}[-\s]\d{4})(?!\d)")
_STAFF = re.compile(r"(?:工号|员工号|员工编号|编号|staff\s*(?:no|number|id)|employee\s*(?:no|number|id)|emp\s*no)[.:：#\s]*[A-Za-z]*-?\d+"
                    r"|(?<![A-Za-z0-9])[A-Za-z]{1,4}-?\d{4,}(?![A-Za-z0-9])", re.I)
_LONG_NUMBER = re.compile(r"(?<!\d)\d{6,}(?!\d)")
_DIGIT_OR_AT = re.compile(r"[\d@]")  # every pattern above needs a digit (or, for e-mail, an @)
MASKS = {"email": "[邮箱]", "id": "[证件号]", "phone": "[电话]", "staff": "[工号]", "number": "[号码]", "name": "[姓名]"}


def mask_personal_data(text, names=()) -> str | None:
    """``text`` with e-mail addresses, ID-card, phone, employee numbers, long digit runs and ``names`` masked.

    Parameters
    ----------
    text : str or None
    names : iterable of str
        Names to mask wherever they occur (e.g. a roster column); longest first, so 张伟明 is masked
        before 张伟.

    Returns
    -------
    str or None
        The masked text (``[邮箱]``, ``[证件号]``, ``[电话]``, ``[工号]``, ``[号码]``, ``[姓名]``).

    Example
    -------
    >>> mask_personal_data("工号 E20315 的身份证 110101199003071234 邮箱 a@b.com")
    '[工号] 的身份证 [证件号] 邮箱 [邮箱]'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    out = _mask_numbers(str(text))
    pattern = _names_pattern(names)
    return pattern.sub(MASKS["name"], out) if pattern is not None else out


def _mask_numbers(text: str) -> str:
    """``text`` with e-mail addresses, ID-card, phone, employee numbers and long digit runs masked."""
    if not _DIGIT_OR_AT.search(text):
        return text
    out = _EMAIL.sub(MASKS["email"], text)
    out = _ID_CARD.sub(MASKS["id"], out)
    out = _PHONE.sub(MASKS["phone"], out)
    out = _STAFF.sub(MASKS["staff"], out)
    return _LONG_NUMBER.sub(MASKS["number"], out)


def _mask_numbers_of_all(texts: list[str] | _Joined) -> list[str]:
    """:func:`_mask_numbers` of each text (a list, or the texts already joined: :func:`_join`); the texts with a digit
    or @, the only ones it can change, are found among all texts at once, as code points (:func:`_digits_or_at`)."""
    joined = _join(texts)
    found = np.flatnonzero(np.take(_digits_or_at(), joined.codes))  # (take: no index copy)
    if not found.size:
        return joined.texts
    masked = list(joined.texts)
    for i in np.unique(np.searchsorted(joined.ends, found)):
        masked[i] = _mask_numbers(masked[i])
    return masked


@cache
def _digits_or_at() -> np.ndarray:
    """For each code point: whether ``[\\d@]`` matches it, found below U+20000 (above: True, to be checked)."""
    table = np.ones(0x110000, dtype=bool)
    table[:0x20000] = False
    table[[match.start() for match in _DIGIT_OR_AT.finditer("".join(map(chr, range(0x20000))))]] = True
    return table


def _names_pattern(names):
    cleaned = sorted({str(n).strip() for n in names if isinstance(n, str) and len(str(n).strip()) >= 2}, key=len, reverse=True)
    if not cleaned:
        return None
    parts = [re.escape(n) if re.search(r"[^\x00-\x7f]", n) else rf"\b{re.escape(n)}\b" for n in cleaned]
    return re.compile("|".join(parts), re.I)


# ------------------------------------------------------------------ segmentation and sentiment
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_JOIN = "\x00"  # joins all comments for one pass over them; a non-word character, in no keyword
_WORD_OR_JOIN = re.compile(f"{_WORD.pattern}|{_JOIN}")  # the words of texts joined by NUL, and the NULs between them
_TEXT_WITHOUT_HAN = re.compile(r"\x00[^\x00\u3400-\u9fff]*+(?=\x00)")  # a text without Chinese, in texts joined by NUL
_CUT_BATCH = 64  # texts cut per rjieba call: few calls, yet few enough pieces at a time to stay in the CPU cache


class _Joined(NamedTuple):
    """Texts joined by NUL for one pass over all of them: masking, keyword matching and sentiment share it (:func:`_join`)."""

    texts: list  # the texts
    text: str  # the texts joined by NUL, a NUL inside a text made a space (so the NULs are just the joins)
    codes: np.ndarray  # the code points of ``text`` (uint32)
    ends: np.ndarray  # where each text ends in ``text``: the NUL after it (after the last text: the end)
    with_join: bool  # whether a text held NUL


def _join(texts: list[str] | _Joined) -> _Joined:
    """``texts`` joined by NUL, as a string and as code points (texts already joined are returned as they are)."""
    if isinstance(texts, _Joined):
        return texts
    joined = _JOIN.join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.flatnonzero(codes == 0)
    with_join = ends.size > max(len(texts) - 1, 0)
    if with_join:
        joined = _JOIN.join(text.replace(_JOIN, " ") for text in texts)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = np.flatnonzero(codes == 0)
    return _Joined(texts, joined, codes, np.append(ends, codes.size)[:len(texts)], with_join)


@cache
def _cased() -> np.ndarray:
    """For each code point: whether lower-casing changes it, found below U+20000 (above: True, to be lower-cased).

    Only Σ lower-cases by its context (σ or ς), and it changes either way: a text without such code points is its own
    lower case.
    """
    table = np.ones(0x110000, dtype=bool)
    table[:0x20000] = False
    for start in range(0, 0x20000, 256):  # (character by character only in blocks that lower-casing changes)
        block = "".join(map(chr, range(start, start + 256)))
        if block.lower() != block:
            table[start:start + 256] = [character.lower() != character for character in block]
    return table


def segment(text: str) -> list[str]:
    """Tokens of a comment: Chinese runs segmented by rjieba (jieba-rs), English words lower-cased.

    Example
    -------
    >>> segment("IT 响应很快 but slow to fix")
    ['it', '响应', '很快', 'but', 'slow', 'to', 'fix']
    """
    import rjieba

    if not isinstance(text, str) or not text:
        return []
    if not _HAN.search(text):
        return _WORD.findall(text.lower())
    tokens = []
    for token in rjieba.cut(text.lower()):
        if _HAN.search(token):
            tokens.append(token)
        else:
            tokens.extend(_WORD.findall(token))
    return tokens


#: Positive words (zh, en) of the sentiment lexicon.
POSITIVE = frozenset("""
好 很好 挺好 良好 满意 非常满意 点赞 赞 感谢 谢谢 辛苦 及时 迅速 很快 快速 高效 效率高 专业 耐心 热情 周到 细致 贴心 主动 靠谱 到位 清楚 清晰
方便 便捷 好用 顺利 顺畅 解决 搞定 帮助 帮忙 优秀 不错 负责 认真 准时 友好 规范 简单 省心 放心 满分 给力 积极 用心 稳定 改善 改进 提升
good great excellent helpful quick quickly fast prompt timely friendly professional patient polite easy smooth solved resolved fixed
thanks thank appreciate appreciated satisfied happy reliable clear efficient responsive kind supportive improved love nice perfect
""".split())
#: Negative words (zh, en) of the sentiment lexicon.
NEGATIVE = frozenset("""
差 很差 太差 慢 太慢 很慢 拖 拖延 拖沓 推诿 推脱 扯皮 敷衍 麻烦 繁琐 复杂 冷淡 冷漠 态度差 不满 不满意 失望 糟糕 混乱 石沉大海 没人 无人 催
反复 重复 退件 问题 故障 错误 出错 延误 超时 投诉 抱怨 难 困难 难用 卡 死机 不专业 不好 不行 不清楚 不及时 不耐烦 等待 等了 苦等 一直 拖了 坏
慢吞吞 耽误 停机 返工 折腾 头疼 傲慢 随意 遗漏 丢失 落实不了 做不到 找不到 不知道 不回复 不理 没回复 没反馈 不懂 外行 低效 烦
slow slowly late delay delayed delays rude unhelpful poor bad terrible awful broken failed fail failure problem problems issue issues
complicated confusing difficult hard wait waited waiting ignored frustrating frustrated annoying useless unclear lost again worse worst
disappointed disappointing chased chasing bureaucratic error errors
""".split())
#: Words that flip the polarity of a sentiment word within the next two tokens.
NEGATORS = frozenset("不 没 没有 未 无 别 不是 并不 从不 从未 毫无 不太 不够 "
                     "not no never hardly isn't wasn't don't doesn't didn't can't cannot won't nothing".split())
_CONTRAST = frozenset("但 但是 不过 可是 然而 却 只是 but however though although yet".split())
_NEUTRAL_IN_CONTEXT = frozenset({"问题"})  # 'problem' counts only when nothing resolves it ("问题解决了")


_RESOLVERS = frozenset({"解决", "搞定", "solved", "resolved", "fixed"})  # their presence makes 问题 neutral


class _Numbering(dict):
    """Numbers keys in order of first lookup: ``numbering[key]`` is the key's number."""

    def __missing__(self, key):
        self[key] = number = len(self)
        return number


def _pieces_of_all(texts: list[str] | _Joined) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """The pieces rjieba cuts all texts (a list, or already joined: :func:`_join`) into, numbered: the tokens :func:`segment` makes of each numbered piece,
    the numbers of all texts' pieces one after another with 0 (a piece without tokens) between two texts, and
    the text at each place of that order (the texts with Chinese first).

    rjieba cuts the texts with Chinese in batches of :data:`_CUT_BATCH`: joined by NUL, which it returns as a
    piece of its own and which no block it segments spans, they give each text's pieces one after another (a
    NUL inside a text is first made a space: both are pieces without tokens); each batch's pieces are numbered
    at once, while they are still in the CPU cache.  The texts are lower-cased in one call, unless no code point
    of theirs has a lower case (:func:`_cased`).  The English words and numbers of the other texts are
    found in one scan of them, and the per-token work (keep a Chinese token, split any other piece into its
    English words and numbers) is done once per distinct piece, not once per occurrence.
    """
    import rjieba

    joined = _join(texts)
    texts = joined.texts
    lowered = joined.text.lower() if np.take(_cased(), joined.codes).any() else joined.text  # (NUL ends a final sigma's context)
    has_han, words = _HAN.search, _WORD.findall
    chinese = np.ones(len(texts), dtype=bool)
    without_han = [match.start() for match in _TEXT_WITHOUT_HAN.finditer(f"{_JOIN}{lowered}{_JOIN}")] if texts else []
    if without_han or len(lowered) != len(joined.text):  # batches of the lower-cased texts, taken apart
        lowered_texts = lowered.split(_JOIN) if texts else []
        if without_han:  # (each match starts at the NUL before its text)
            chinese[np.searchsorted(np.cumsum([0] + [len(text) + 1 for text in lowered_texts[:-1]]), without_han)] = False
        chinese_texts = list(compress(lowered_texts, chinese))
        batches = [_JOIN.join(chinese_texts[start:start + _CUT_BATCH]) for start in range(0, len(chinese_texts), _CUT_BATCH)]
    else:  # all texts Chinese and as long as before: batches are slices of the lower-cased joined texts
        stops = joined.ends[np.minimum(np.arange(_CUT_BATCH, len(texts) + _CUT_BATCH, _CUT_BATCH), len(texts)) - 1].tolist()
        batches = [lowered[start:stop] for start, stop in zip([0] + [stop + 1 for stop in stops[:-1]], stops)]
    numbering = _Numbering()
    numbering[_JOIN]  # number 0
    parts, separator = [], np.zeros(1, dtype=np.int64)

    def number(pieces) -> None:  # the pieces' numbers, after a separator from the pieces before
        if parts:
            parts.append(separator)
        parts.append(np.fromiter(map(numbering.__getitem__, pieces), np.int64, len(pieces)))

    for batch in batches:
        number(rjieba.cut(batch))
    if not chinese.all():  # texts without Chinese: their words, each a piece of its own, NUL between texts
        number(_WORD_OR_JOIN.findall(_JOIN.join(compress(lowered_texts, ~chinese))))
    piece_ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    expansions = [[piece] if has_han(piece) else words(piece) for piece in numbering]
    return expansions, piece_ids, np.concatenate([np.flatnonzero(chinese), np.flatnonzero(~chinese)])


def _sentiment_scores(texts: list[str] | _Joined) -> np.ndarray:
    """Lexicon score of each text (see :func:`comment_sentiment`, *Notes*), computed for all texts at once; ``texts`` a
    list, or the texts already joined (:func:`_join`).

    Only the tokens that can change a score (sentiment words, negators, contrasts, resolvers) are followed,
    with their position among all tokens: a negator flips the token one after it, or two after it when the
    token between is no sentiment word, and only within its own text.
    """
    expansions, piece_ids, order = _pieces_of_all(texts)
    tokens = list(chain.from_iterable(expansions))
    piece_sizes = np.fromiter(map(len, expansions), np.int64, len(expansions))
    piece_starts = np.cumsum(piece_sizes) - piece_sizes  # each numbered piece's first token in ``tokens``

    def in_set(words) -> np.ndarray:
        return np.fromiter((token in words for token in tokens), bool, len(tokens))

    contrast, resolver, context = in_set(_CONTRAST), in_set(_RESOLVERS), in_set(_NEUTRAL_IN_CONTEXT)
    negator = in_set(NEGATORS) & ~contrast
    polarity = np.where(contrast | negator, 0, np.where(in_set(POSITIVE), 1, np.where(in_set(NEGATIVE), -1, 0)))
    telling = contrast | negator | resolver | context | (polarity != 0)
    telling_piece = np.bincount(np.repeat(np.arange(len(expansions)), piece_sizes), weights=telling, minlength=len(expansions)) > 0
    # every piece of every text: its number of tokens, the position of its first token, its text's place
    sizes = piece_sizes[piece_ids]
    kept = np.flatnonzero(telling_piece[piece_ids])
    kept_sizes = sizes[kept]
    within = np.arange(kept_sizes.sum()) - np.repeat(np.cumsum(kept_sizes) - kept_sizes, kept_sizes)
    token = piece_starts[np.repeat(piece_ids[kept], kept_sizes)] + within
    position = np.repeat(np.cumsum(sizes)[kept] - kept_sizes, kept_sizes) + within
    text = np.repeat(np.cumsum(piece_ids == 0, dtype=np.int32)[kept], kept_sizes)  # (the NULs before: a telling piece is no NUL)
    telling_token = telling[token]
    token, position, text = token[telling_token], position[telling_token], text[telling_token]

    places = len(order)
    resolved = np.bincount(text[resolver[token]], minlength=places) > 0
    signs = polarity[token]
    signs[context[token] & resolved[text]] = 0
    negates = negator[token]
    # a negator flips the first sentiment word within the two tokens after it (and only that one)
    after_negator = np.zeros(token.size, dtype=bool)
    after_negator[1:] = negates[:-1] & (text[1:] == text[:-1]) & (position[1:] - position[:-1] <= 2)
    after_negator[2:] |= negates[:-2] & (signs[1:-1] == 0) & (text[2:] == text[:-2]) & (position[2:] - position[:-2] == 2)
    signs = np.where(after_negator, -signs, signs)
    # each contrast word after a sentiment word (in the same text) halves its weight
    contrasts = contrast[token]
    halvings = np.cumsum(np.bincount(text[contrasts], minlength=places))[text] - np.cumsum(contrasts)
    signed = np.flatnonzero(signs)
    scores = np.zeros(places)
    scores[order] = np.bincount(text[signed], weights=np.ldexp(signs[signed].astype(float), -halvings[signed]), minlength=places)
    return scores


_LABELS = np.array(["negative", "neutral", "positive"], dtype=object)  # by the sign of a score


def _labels(scores: np.ndarray) -> np.ndarray:
    return _LABELS[np.sign(scores).astype(np.int64) + 1]


def comment_sentiment(comments) -> pd.Series:
    """Sentiment of each comment: ``positive``, ``negative`` or ``neutral`` (lexicon method).

    Notes
    -----
    A comment's tokens :math:`t_1 \\dots t_m` (:func:`segment`) score

    .. math:: S = \\sum_i \\sigma_i \\, p_i \\, 2^{-c_i}

    with :math:`p_i = +1` for a word of :data:`POSITIVE`, :math:`-1` for one of :data:`NEGATIVE` (问题 counts
    0 when 解决 / 搞定 / solved / resolved / fixed is in the comment), :math:`\\sigma_i = -1` when a word of
    :data:`NEGATORS` stands one or two tokens before it with no other sentiment word in between (a negator
    flips one word), and :math:`c_i` the number of contrast words (但, 但是, 不过, however, but…) after it:
    the clause after a contrast outweighs the one before.  :math:`S > 0` positive, :math:`< 0` negative,
    0 neutral.

    Example
    -------
    >>> comment_sentiment(["服务不错", "态度不好"]).tolist()
    ['positive', 'negative']

    References
    ----------
    Liu, B. (2012). *Sentiment Analysis and Opinion Mining*, ch. 5 (lexicon-based methods, negation). Morgan & Claypool.
    """
    texts = pd.Series(comments, dtype="object").fillna("").astype(str)
    return pd.Series(_labels(_sentiment_scores(texts.tolist())), index=texts.index, name="sentiment")


# ------------------------------------------------------------------ themes
def _keyword_alternatives(spec: dict) -> list[tuple[str, str, str, bool, str]]:
    """Per keyword, in the order the pattern tries them (longest expression first): its expression, first
    character, the rest, whether it starts at a word boundary (English) and its tail (``\\b`` or ``\\w*``)."""
    keywords = spec.get("keywords", {}) if isinstance(spec, dict) else {}
    parts = [(re.escape(w), w[:1], w[1:], False, "") for w in keywords.get("zh", []) if w]
    for word in keywords.get("en", []):
        word = str(word).strip().lower()
        if word.endswith("*"):
            parts.append((rf"\b{re.escape(word[:-1])}\w*", word[:1] if len(word) > 1 else "", word[1:-1], True, r"\w*"))
        elif word:
            parts.append((rf"\b{re.escape(word)}\b", word[:1], word[1:], True, r"\b"))
    return sorted(parts, key=lambda part: len(part[0]), reverse=True)


def _leading_literal(first: str, rest: str, boundary: bool, tail: str) -> list[tuple[str, str]] | None:
    """One keyword rewritten to start with a literal character, as (character, expression of the rest) per
    alternative, or None if it cannot be.

    Case-insensitive matching of the first character becomes one alternative per character it matches (an
    ASCII letter: its two cases and, as the ``re`` documentation lists, İ ı ſ K; an uncased character:
    itself); the word boundary before it is tested once it is consumed.  A pattern whose alternatives all
    start with a literal is scanned by ``re`` from a first-character set instead of trying every keyword
    at every position.
    """
    if not first or _JOIN in first + rest:
        return None
    if first.lower() == first == first.upper():
        variants = [first]
    elif first.isascii():
        variants = [c for c in dict.fromkeys((first.lower(), first.upper(), *"İıſK")) if re.fullmatch(re.escape(first), c, re.I)]
    else:
        return None
    check = (r"(?<!\w[\s\S])" if re.fullmatch(r"\w", first) else r"(?<=\w[\s\S])") if boundary else ""
    body = check + (f"(?i:{re.escape(rest)})" if rest else "") + tail
    return [(variant, body) for variant in variants]


def _by_first_character(alternatives) -> re.Pattern:
    """One pattern of (character, rest) alternatives, tried in their order: those sharing a first character
    are grouped after it (only they can match where it stands), so ``re`` tries one group per position."""
    groups = {}
    for character, rest in alternatives:
        groups.setdefault(character, []).append(rest)
    return re.compile("|".join(f"{re.escape(character)}(?:{'|'.join(rests)})" for character, rests in groups.items()))


class _Keywords(NamedTuple):
    """A theme's keywords, each written to start with a literal character (:func:`_leading_literal`)."""

    starts: tuple  # per keyword, in the pattern's order: (its text if a match is just that text, else None; its first characters)
    scanner: re.Pattern  # the theme's pattern, its alternatives grouped by first character (:func:`_by_first_character`)


def _theme_patterns(themes: dict) -> dict[str, tuple[re.Pattern, _Keywords | None]]:
    """Per theme: its keyword pattern (case-insensitive; Chinese keywords as substrings, English ones as whole
    words, ``resolv*`` with any ending) and its :class:`_Keywords` — None when a keyword cannot be written to
    start with a literal (the comments are then scanned one by one).  A Chinese keyword of uncased characters
    (no letters with case) matches just its own text."""
    patterns = {}
    for name, spec in themes.items():
        parts = _keyword_alternatives(spec)
        if not parts:
            raise OptionError(f"theme '{name}' has no keywords; give keywords: {{zh: [...], en: [...]}}")
        leading = [_leading_literal(*part[1:]) for part in parts]
        keywords = None
        if all(alternatives is not None for alternatives in leading):
            starts = tuple((first + rest if not boundary and all(c.lower() == c == c.upper() for c in first + rest) else None,
                            tuple(variant for variant, _ in alternatives))
                           for (_, first, rest, boundary, _), alternatives in zip(parts, leading))
            keywords = _Keywords(starts, _by_first_character(chain.from_iterable(leading)))
        patterns[name] = (re.compile("|".join(part[0] for part in parts), re.I), keywords)
    return patterns


def _overlapping(literals: list[str]) -> bool:
    """Whether an occurrence of one of ``literals`` can start where another occurrence (of another one, or of
    itself) starts or inside it."""
    return any(a[start:].startswith(b) or b.startswith(a[start:])
               for i, a in enumerate(literals) for j, b in enumerate(literals) for start in range(i == j, len(a)))


def _leftmost_first(positions: list[np.ndarray], lengths: list[int]) -> np.ndarray:
    """The matches ``re`` finds among occurrences (start positions, ascending, per literal in the order the
    pattern tries them): at each position the first literal found there, then the next match only after it."""
    rank = np.repeat(np.arange(len(positions)), [p.size for p in positions])
    start = np.concatenate(positions)
    if not start.size:
        return start
    order = np.lexsort((rank, start))
    start, rank = start[order], rank[order]
    first_there = np.concatenate([[True], start[1:] != start[:-1]])
    start, end = start[first_there], start[first_there] + np.asarray(lengths)[rank[first_there]]
    reach = np.maximum.accumulate(end)
    taken = np.concatenate([[True], start[1:] >= reach[:-1]])  # no occurrence before reaches it
    for k in np.flatnonzero(~taken):  # inside an earlier occurrence: taken if the last match taken ends before it
        last = k - 1
        while not taken[last]:
            last -= 1
        taken[k] = start[k] >= end[last]
    return start[taken]


def _keyword_hits(texts: list[str] | _Joined, patterns: dict) -> dict[str, np.ndarray]:
    """Per theme, the number of its keyword matches in each text (``len(pattern.findall(text))``); ``texts`` a list, or
    the texts already joined (:func:`_join`).

    A text holding no character that a match of a keyword other than the plain Chinese ones (:class:`_Keywords`)
    can start with is matched by those alone: they are found in all such texts at once, as code points
    (``numpy``), by first character and then the rest, and each theme takes them as its pattern does
    (:func:`_leftmost_first`, needed only when two of its keywords can overlap).  The other texts, and those
    holding NUL, are scanned with each theme's scanner, joined by NUL (no match spans it); the themes with a
    keyword that cannot be written to start with a literal, text by text.
    """
    joined = _join(texts)
    texts, codes, n = joined.texts, joined.codes, len(joined.texts)
    hits = {name: np.fromiter((len(pattern.findall(text)) for text in texts), np.int64, n)
            for name, (pattern, keywords) in patterns.items() if keywords is None}
    listed = {name: keywords.starts for name, (_, keywords) in patterns.items() if keywords is not None}
    literals = list(dict.fromkeys(text for starts in listed.values() for text, _ in starts if text is not None))
    gates = {c for starts in listed.values() for text, firsts in starts if text is None for c in firsts}
    text_of = np.cumsum(codes == 0, dtype=np.int32)  # (at a character of a text)
    # every character that starts a plain keyword or gates a text: its place in ``starting`` + 1 (0 for others)
    starting = list(dict.fromkeys(text[0] for text in literals)) + sorted(gates.difference(text[0] for text in literals))
    numbers = np.fromiter(map(ord, starting), np.int64, len(starting))
    table = np.zeros(0x110000, dtype=np.min_scalar_type(len(starting)))  # small numbers: a radix sort below
    table[numbers] = np.arange(1, numbers.size + 1)
    lead = np.take(table, codes)
    candidates = np.flatnonzero(lead != 0)
    lead = lead[candidates]
    by_start = np.argsort(lead, kind="stable")
    bounds = np.searchsorted(lead[by_start], np.arange(1, len(starting) + 2))
    following = codes[np.minimum(candidates + 1, codes.size - 1)]  # the code point after each candidate (0 after the last)
    if candidates.size and candidates[-1] == codes.size - 1:
        following[-1] = 0
    grouped, following = candidates[by_start], following[by_start]  # by first character, ascending within each
    occurrences = {}
    for text in literals:
        k = starting.index(text[0])
        found = grouped[bounds[k]:bounds[k + 1]]
        if len(text) > 1:
            found = found[following[bounds[k]:bounds[k + 1]] == ord(text[1])]
        found = found[:np.searchsorted(found, codes.size - len(text), side="right")]  # (ascending; room for the rest)
        for offset, character in enumerate(text[2:], start=2):
            found = found[codes[found + offset] == ord(character)]
        occurrences[text] = found
    gated = np.zeros(n, dtype=bool)
    if gates:
        gating = np.zeros(len(starting) + 1, dtype=bool)
        gating[[starting.index(c) + 1 for c in gates]] = True
        gated[text_of[candidates[gating[lead]]]] = True
    if joined.with_join:
        gated |= np.fromiter((_JOIN in text for text in texts), bool, n)
    again = np.flatnonzero(gated)
    again_joined = _JOIN.join(texts[i] for i in again)
    again_starts = np.cumsum([0] + [len(texts[i]) + 1 for i in again[:-1]])
    for name, starts in listed.items():
        plain = [text for text, _ in starts if text is not None]
        if not plain:
            counts = np.zeros(n, dtype=np.int64)
        elif _overlapping(plain):
            counts = np.bincount(text_of[_leftmost_first([occurrences[t] for t in plain], list(map(len, plain)))], minlength=n)
        else:
            counts = np.bincount(text_of[np.concatenate([occurrences[t] for t in plain])], minlength=n)
        if again.size:
            found = np.fromiter((match.start() for match in patterns[name][1].scanner.finditer(again_joined)), np.int64)
            counts[again] = np.bincount(np.searchsorted(again_starts, found, side="right") - 1, minlength=again.size)
        hits[name] = counts
    return {name: hits[name] for name in patterns}


def _check_themes(themes) -> dict:
    if not isinstance(themes, dict) or not themes:
        raise OptionError("themes must be a mapping {theme: {zh, en, keywords: {zh: [...], en: [...]}, dimension}}")
    out = {}
    for name, spec in themes.items():
        if isinstance(spec, (list, tuple)):  # shorthand: theme -> list of keywords (any language)
            words = [str(w) for w in spec]
            spec = {"keywords": {"zh": [w for w in words if _HAN.search(w)], "en": [w for w in words if not _HAN.search(w)]}}
        if not isinstance(spec, dict):
            raise OptionError(f"theme '{name}' must be a mapping with keywords, not {type(spec).__name__}")
        out[str(name)] = {"zh": str(spec.get("zh", name)), "en": str(spec.get("en", name)), "keywords": spec.get("keywords", {}),
                          "dimension": spec.get("dimension")}
    return out


def suggest_themes(comments, n_themes: int = 6, n_words: int = 8, random_state: int = 0) -> pd.DataFrame:
    """Suggested themes for an analyst to name: NMF on the TF-IDF of segmented comments.

    Returns
    -------
    DataFrame
        ``theme`` (``T1``…), ``words`` (top words, joined by " / "), ``comments`` (comments whose
        strongest component it is).

    Example
    -------
    >>> texts = ["工单太慢", "处理太慢了", "态度很好", "态度热情", "系统难用", "系统卡顿"] * 3
    >>> suggest_themes(texts, n_themes=3)["theme"].tolist()
    ['T1', 'T2', 'T3']
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [t for t in pd.Series(comments, dtype="object").dropna().astype(str) if t.strip()]
    if isinstance(n_themes, bool) or not isinstance(n_themes, int) or n_themes < 1:
        raise OptionError(f"n_themes must be a whole number >= 1, not {n_themes!r}")
    if len(texts) < max(n_themes, 3):
        raise AnalysisInputError(f"suggest_themes() needs at least {max(n_themes, 3)} comments, got {len(texts)}")
    stop = NEGATORS | _CONTRAST | {"并"} | set("的 了 是 在 和 也 都 很 就 有 我 我们 他们 你们 这 那 吗 呢 啊 吧 还 又 太 非常 "
                                      "the a an to of and is are was for in on it we they i".split())
    vectorizer = TfidfVectorizer(tokenizer=segment, lowercase=False, token_pattern=None, stop_words=list(stop), min_df=2)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:
        raise AnalysisInputError("suggest_themes(): the comments share no words (too few or too short)") from None
    n_themes = min(n_themes, matrix.shape[1])
    model = NMF(n_components=n_themes, init="nndsvda", random_state=random_state, max_iter=500)
    weights = model.fit_transform(matrix)
    vocabulary = np.array(vectorizer.get_feature_names_out())
    strongest = weights.argmax(axis=1)
    rows = []
    for k, component in enumerate(model.components_):
        top = vocabulary[np.argsort(-component)[:n_words]]
        rows.append({"theme": f"T{k + 1}", "words": " / ".join(top), "comments": int((strongest == k).sum())})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ inputs
def read_notes(source, pattern: str = "*.txt") -> pd.DataFrame:
    """Interview or focus-group notes, one UTF-8 (or GB18030) text file per session, as one row per paragraph.

    Returns
    -------
    DataFrame
        ``session`` (file name without suffix), ``respondent_id`` (``session#paragraph``), ``comment``.

    Raises
    ------
    DataFileError
        No such folder or file, no text files, or undecodable text.
    """
    from kitlib.data.files import decode_text

    source = Path(source)
    if source.is_dir():
        files = sorted(source.glob(pattern))
    elif source.is_file():
        files = [source]
    else:
        raise DataFileError(f"notes {source} do not exist; give a folder of .txt files (one per session) or one file")
    if not files:
        raise DataFileError(f"notes folder {source} has no {pattern} files (one text file per interview or focus-group session)")
    rows = []
    for path in files:
        text, _ = decode_text(path.read_bytes(), path)
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n(?=\S+[:：])", text.replace("\r\n", "\n")) if p.strip()]
        rows += [{"session": path.stem, "respondent_id": f"{path.stem}#{i}", "comment": p} for i, p in enumerate(paragraphs, start=1)]
    return pd.DataFrame(rows, columns=["session", "respondent_id", "comment"])


@dataclass(frozen=True)
class CommentThemes:
    """Result of :func:`comment_themes`; every text in it is masked and from a publishable group.

    Attributes
    ----------
    coded : DataFrame
        One row per publishable comment: group columns, ``comment`` (masked), ``sentiment``, ``score``,
        ``themes`` (tuple) and one boolean column per theme.
    counts, shares : dict of str -> DataFrame
        Per grouping column (e.g. ``"provider"``): groups × themes, the number of comments naming each
        theme and its share of the group's comments; plus ``respondents``, ``comments`` and
        ``negative_share`` columns.  Groups under ``min_n`` respondents are left out (see ``suppressed``).
    dimensions : DataFrame
        Theme ↔ gap dimension cross-tab: for each theme, its declared ``dimension`` and the number of its
        commenters whose own largest SERVQUAL gap (P − E) lies in each dimension (survey input only).
    quotes : DataFrame
        Representative masked quotes per theme (``theme``, group columns, ``comment``, ``sentiment``).
    suggested : DataFrame or None
        NMF-suggested themes when no dictionary was given.
    suppressed : DataFrame
        Groups withheld: ``by``, ``group``, ``respondents``.
    themes : dict
        The theme dictionary used.
    """

    coded: pd.DataFrame
    counts: dict
    shares: dict
    dimensions: pd.DataFrame
    quotes: pd.DataFrame
    suggested: pd.DataFrame | None
    suppressed: pd.DataFrame
    themes: dict = field(default_factory=dict)
    min_n: int = MIN_COMMENT_GROUP

    def __repr__(self) -> str:
        return (f"CommentThemes({len(self.coded)} comments shown, {len(self.themes)} themes, "
                f"{len(self.suppressed)} group(s) withheld)")

    def top_theme(self, by: str = "provider") -> pd.Series:
        """The most frequent theme of each shown group of ``by``."""
        table = self.shares[by][list(self.themes)]
        return table.idxmax(axis=1)


def _as_frame(source, comment: str, respondent: str | None):
    """(data, comment column, respondent column, survey or None)."""
    if isinstance(source, Survey):
        return source.data, comment, respondent or source.codebook.respondent_id, source
    if isinstance(source, pd.DataFrame):
        return source, comment, respondent, None
    if isinstance(source, (str, Path)) or (isinstance(source, (list, tuple)) and source and isinstance(source[0], (str, Path))):
        paths = [source] if isinstance(source, (str, Path)) else list(source)
        notes = pd.concat([read_notes(p) for p in paths], ignore_index=True)
        return notes, "comment", "respondent_id", None
    raise AnalysisInputError(f"comment_themes() needs a Survey, a DataFrame or notes files, not {type(source).__name__}")


def _worst_gap_dimension(survey: Survey) -> pd.Series | None:
    pairs = survey.codebook.servqual_pairs()
    if not pairs:
        return None
    gaps = {}
    for dimension, expectation, perception in pairs:
        gaps.setdefault(dimension, []).append(survey.data[perception] - survey.data[expectation])
    table = pd.DataFrame({d: pd.concat(v, axis=1).mean(axis=1) for d, v in gaps.items()})
    worst = table.idxmin(axis=1, skipna=True) if table.notna().any(axis=None) else None
    return worst.where(table.notna().any(axis=1)) if worst is not None else None


def _distinct_rows(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's number among the distinct rows of a boolean matrix, and one row of each number.

    The columns are read 62 at a time as the bits of an integer; the rows' numbers so far and these integers are
    numbered together by hashing (``pandas.factorize``, no sort).
    """
    row_of = np.zeros(len(flags), dtype=np.int64)
    for start in range(0, flags.shape[1], 62):
        block = flags[:, start:start + 62]
        labels, distinct = pd.factorize(block @ (1 << np.arange(block.shape[1], dtype=np.int64)))
        row_of = pd.factorize(row_of * len(distinct) + labels)[0]
    representative = np.empty(row_of.max(initial=-1) + 1, dtype=np.int64)
    representative[row_of] = np.arange(len(flags))  # (any row of a number will do: they are equal)
    return row_of, representative


def _best_rows(rows: np.ndarray, ranking: tuple[np.ndarray, ...], texts: list[str], n: int) -> list[int]:
    """The first ``n`` of ``rows`` with distinct ``texts`` when ranked by the ``ranking`` arrays (largest first, the
    first array, of counts, first; ties in row order): a repeated text ranks where its first row does.

    Only rows whose count reaches the ``n``-th largest are ranked, unless they hold fewer than ``n`` distinct texts.
    """
    counts = ranking[0][rows]
    at_least = np.cumsum(np.bincount(counts)[::-1])[::-1]  # rows with at least each count
    candidates = rows[counts >= np.flatnonzero(at_least >= n).max(initial=0)]
    while True:
        picked, seen = [], set()
        for row in candidates[np.lexsort([-values[candidates] for values in reversed(ranking)])].tolist():
            if texts[row] not in seen:
                seen.add(texts[row])
                picked.append(row)
                if len(picked) == n:
                    return picked
        if candidates.size == rows.size:
            return picked
        candidates = rows


def comment_themes(source, themes=None, *, comment: str = "comment", by=None, roster=None, respondent: str | None = None,
                   min_n: int = MIN_COMMENT_GROUP, quotes: int = 3, n_suggest: int = 6) -> CommentThemes:
    """Code open comments (or interview / focus-group notes) into themes, with sentiment and safe quotes.

    Parameters
    ----------
    source : Survey, DataFrame, or path(s) of notes
        Respondent-level data with a comment column, or a folder of ``.txt`` files / list of files
        (one per interview or focus-group session, see :func:`read_notes`; grouped by ``session``).
    themes : dict, optional
        ``{theme: {zh, en, keywords: {zh: [...], en: [...]}, dimension}}`` (or ``{theme: [keywords]}``);
        default the codebook's ``themes:``.  Without either, themes are suggested (``suggested``) by NMF
        and comments are coded into them as ``T1``, ``T2``….
    comment : str, default "comment"
    by : str or list of str, optional
        Grouping columns; default ``provider`` and ``department`` where present (notes: ``session``).
    roster : iterable of str or Series, optional
        Names to mask (e.g. ``staff["name"]``) on top of the phone / e-mail / ID / staff-number patterns.
    respondent : str, optional
        Respondent id column (default the codebook's); groups are sized in distinct respondents.
    min_n : int, default 10
        Distinct respondents a group needs before its theme counts and quotes are shown; a quote is shown
        only if every group it belongs to is large enough.
    quotes : int, default 3
        Quotes per theme.

    Returns
    -------
    CommentThemes

    Example
    -------
    >>> import kitlib as kl
    >>> result = kl.comment_themes(kl.load_case("it_firm"))
    >>> result.top_theme("provider")["IT Support"]
    'resolution'

    References
    ----------
    Braun, V., & Clarke, V. (2006). Using thematic analysis in psychology. *Qualitative Research in Psychology*, 3(2), 77–101.
    """
    data, comment, respondent, survey = _as_frame(source, comment, respondent)
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise OptionError(f"min_n must be a whole number >= 1, not {min_n!r}")
    if isinstance(quotes, bool) or not isinstance(quotes, (int, np.integer)) or quotes < 0:
        raise OptionError(f"quotes must be a whole number >= 0, not {quotes!r}")
    if comment not in data.columns:
        raise AnalysisInputError(f"comment_themes(): no comment column '{comment}' (columns: {', '.join(map(str, data.columns[:12]))})")
    if by is None:
        keys = [c for c in ("provider", "department", "session") if c in data.columns]
    else:
        keys = [by] if isinstance(by, str) else list(by)
    missing = [c for c in keys if c not in data.columns]
    if missing:
        raise AnalysisInputError(f"comment_themes(): no group column(s) {', '.join(missing)}")
    if respondent is not None and respondent not in data.columns:
        raise AnalysisInputError(f"comment_themes(): no respondent column '{respondent}'")
    ids = data[respondent] if respondent else pd.Series(np.arange(len(data)), index=data.index)

    # 1. group sizes in distinct respondents, and which rows may be shown; each row's group, numbered, per grouping
    sizes, group_of_row, hidden, withheld = {}, {}, np.zeros(len(data), dtype=bool), []
    id_values = ids.to_numpy(dtype=object)
    one_row_each = respondent is None or (not ids.isna().any() and len(set(id_values)) == len(id_values))  # (a set: cheaper than numbering)
    if not one_row_each:  # distinct ids as numbers, NaN for none
        id_numbers = pd.factorize(id_values)[0]
        ids = pd.Series(np.where(id_numbers < 0, np.nan, id_numbers), index=ids.index)
    for key in keys:
        grouped_ids = ids.groupby(data[key], dropna=False)
        size = grouped_ids.size() if one_row_each else grouped_ids.nunique()  # (each respondent on one row: a group's rows)
        sizes[key], group_of_row[key] = size, grouped_ids.ngroup().to_numpy()  # (groups numbered in the order of ``size``)
        small = size[size < min_n]
        withheld += [{"by": key, "group": g, "respondents": int(n)} for g, n in small.items()]
        hidden |= (size.to_numpy() < min_n)[group_of_row[key]]
    showable = pd.Series(~hidden, index=data.index)
    suppressed = pd.DataFrame(withheld, columns=["by", "group", "respondents"])
    audit = getattr(survey, "disclosure", None)
    if audit is not None:  # a batch's audit: comments (and their theme counts) only from finest cells of >= 10 people
        showable &= audit.comment_rows(data)

    # 2. mask before anything else touches the text (all comments at once: finding repeated ones costs as much as it saves)
    stripped = [t.strip() if isinstance(t, str) else "" for t in data[comment].to_numpy(dtype=object)]
    has_text = np.fromiter(map(bool, stripped), bool, len(stripped))
    names = [] if roster is None else list(pd.Series(roster, dtype="object").dropna().astype(str))
    name_pattern = _names_pattern(names)
    joined = _join(list(compress(stripped, has_text)))
    masked = _mask_numbers_of_all(joined)
    if name_pattern is not None:
        masked = [name_pattern.sub(MASKS["name"], t) for t in masked]
    if masked is not joined.texts:
        joined = _join(masked)
    frame = data.loc[has_text, keys].copy()
    frame["comment"] = masked

    # 3. themes
    if themes is None and survey is not None and survey.codebook.themes:
        themes = survey.codebook.themes
    suggested = None
    if themes is None:
        suggested = suggest_themes(frame["comment"], n_themes=n_suggest) if len(frame) >= max(n_suggest, 3) else None
        themes = {} if suggested is None else {
            row.theme: {"zh": row.theme, "en": row.theme, "keywords": {"zh": [w for w in row.words.split(" / ") if _HAN.search(w)][:4],
                                                                       "en": [w for w in row.words.split(" / ") if not _HAN.search(w)][:4]},
                        "dimension": None}
            for row in suggested.itertuples()}
        themes = {k: v for k, v in themes.items() if v["keywords"]["zh"] or v["keywords"]["en"]}
    themes = _check_themes(themes) if themes else {}
    patterns = _theme_patterns(themes)
    hits = _keyword_hits(joined, patterns)
    scores = _sentiment_scores(joined)
    frame["sentiment"] = _labels(scores)
    frame["score"] = scores
    flags = np.zeros((len(masked), len(themes)), dtype=bool, order="F")  # comments x themes
    for j, name in enumerate(themes):
        flags[:, j] = frame[name] = hits[name] > 0
    row_of, representative = _distinct_rows(flags)  # one tuple per distinct row of flags
    tuples = np.empty(len(representative), dtype=object)
    for i, row in enumerate(representative):
        tuples[i] = tuple(compress(themes, flags[row]))
    frame["themes"] = tuples[row_of]

    # 4. counts and shares per grouping (respondent-level data; small groups left out)
    counts, shares = {}, {}
    theme_names = list(themes)
    negative, kinds = scores < 0, flags[representative].astype(np.int64)  # the distinct rows of flags: kinds x themes
    for key in keys:
        if has_text.all():  # the groups of step 1
            group, index, respondents = group_of_row[key], sizes[key].index, sizes[key].to_numpy()
        else:  # the groups of the comments (labelled, and typed, as pandas labels the comments' groups)
            grouped = frame.groupby(key, dropna=False)
            group, index = grouped.ngroup().to_numpy(), grouped.size().index
            respondents = sizes[key].reindex(index).to_numpy()
        comments = np.bincount(group, minlength=len(index))
        # groups x themes: each group's comments of each kind, times the themes of each kind
        named = np.bincount(group * len(kinds) + row_of, minlength=len(index) * len(kinds)).reshape(len(index), len(kinds)) @ kinds
        table = pd.DataFrame({"respondents": respondents.astype(int), "comments": comments,
                              **{name: named[:, j] for j, name in enumerate(theme_names)},
                              "negative_share": np.bincount(group[negative], minlength=len(index)) / comments}, index=index)
        table = table[table["respondents"] >= min_n]
        counts[key] = table
        share = table.copy()
        if theme_names:
            share[theme_names] = table[theme_names].div(table["comments"], axis=0)
        shares[key] = share

    # 5. theme <-> gap dimension cross-tab
    worst = _worst_gap_dimension(survey) if survey is not None else None
    shown_rows = showable.to_numpy()[has_text]
    shown = frame[shown_rows]
    if worst is not None and theme_names:
        rows = []
        present = set(worst.dropna())  # columns in the canonical SERVQUAL order, then any other dimension
        columns = [d for d in SERVQUAL_DIMENSIONS if d in present] + sorted(present - set(SERVQUAL_DIMENSIONS))
        for name in theme_names:
            dims = worst[shown.index[shown[name]]].value_counts()
            rows.append({"theme": name, "dimension": themes[name]["dimension"], **{d: int(dims.get(d, 0)) for d in columns}})
        dimensions = pd.DataFrame(rows).set_index("theme")
    else:
        dimensions = pd.DataFrame({"dimension": [themes[n]["dimension"] for n in theme_names]}, index=pd.Index(theme_names, name="theme"))

    # 6. representative quotes: most keyword hits, then clearest sentiment, then shortest; each text once (its first shown row)
    picked = []
    if quotes and theme_names:
        strength, length = np.abs(scores), np.diff(joined.ends, prepend=-1) - 1
        best = {name: _best_rows(np.flatnonzero(shown_rows & flags[:, j]), (hits[name], strength, -length), masked, quotes)
                for j, name in enumerate(theme_names)}
        quoted = frame.iloc[[row for rows in best.values() for row in rows]]  # (all themes' quotes in one selection)
        for name, (_, row) in zip([name for name, rows in best.items() for _ in rows], quoted.iterrows()):
            picked.append({"theme": name, **{k: row[k] for k in keys}, "comment": row["comment"], "sentiment": row["sentiment"]})
    quote_table = pd.DataFrame(picked, columns=["theme", *keys, "comment", "sentiment"])
    coded = shown.reset_index(drop=True)
    return CommentThemes(coded=coded, counts=counts, shares=shares, dimensions=dimensions, quotes=quote_table, suggested=suggested,
                         suppressed=suppressed, themes=themes, min_n=int(min_n))
