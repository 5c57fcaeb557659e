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
from pathlib import Path

import numpy as np
import pandas as pd

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
    out = _EMAIL.sub(MASKS["email"], str(text))
    out = _ID_CARD.sub(MASKS["id"], out)
    out = _PHONE.sub(MASKS["phone"], out)
    out = _STAFF.sub(MASKS["staff"], out)
    out = _LONG_NUMBER.sub(MASKS["number"], out)
    pattern = _names_pattern(names)
    return pattern.sub(MASKS["name"], out) if pattern is not None else out


def _names_pattern(names):
    cleaned = sorted({str(n).strip() for n in names if isinstance(n, str) and len(str(n).strip()) >= 2}, key=len, reverse=True)
    if not cleaned:
        return None
    parts = [re.escape(n) if re.search(r"[^\x00-\x7f]", n) else rf"\b{re.escape(n)}\b" for n in cleaned]
    return re.compile("|".join(parts), re.I)


# ------------------------------------------------------------------ segmentation and sentiment
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")
_HAN = re.compile(r"[\u3400-\u9fff]")


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


def _score_tokens(tokens: list[str]) -> float:
    score, weight, recent_negator = 0.0, 1.0, -9
    resolved = any(t in ("解决", "搞定", "solved", "resolved", "fixed") for t in tokens)
    for position, token in enumerate(tokens):
        if token in _CONTRAST:
            score *= 0.5  # the clause after a contrast word outweighs the one before it
            weight = 1.0
            continue
        if token in NEGATORS:
            recent_negator = position
            continue
        polarity = 1 if token in POSITIVE else -1 if token in NEGATIVE else 0
        if token in _NEUTRAL_IN_CONTEXT and resolved:
            polarity = 0
        if polarity == 0:
            continue
        if position - recent_negator <= 2:
            polarity = -polarity
            recent_negator = -9
        score += weight * polarity
    return score


def _scores(token_lists) -> np.ndarray:
    return np.array([_score_tokens(tokens) for tokens in token_lists], dtype=float)


def _labels(scores: np.ndarray) -> np.ndarray:
    return np.where(scores > 0, "positive", np.where(scores < 0, "negative", "neutral"))


def comment_sentiment(comments) -> pd.Series:
    """Sentiment of each comment: ``positive``, ``negative`` or ``neutral`` (lexicon method, module docstring).

    Example
    -------
    >>> comment_sentiment(["服务不错", "态度不好"]).tolist()
    ['positive', 'negative']
    """
    texts = pd.Series(comments, dtype="object").fillna("").astype(str)
    return pd.Series(_labels(_scores(texts.map(segment))), index=texts.index, name="sentiment")


# ------------------------------------------------------------------ themes
def _theme_patterns(themes: dict) -> dict[str, re.Pattern]:
    patterns = {}
    for name, spec in themes.items():
        keywords = spec.get("keywords", {}) if isinstance(spec, dict) else {}
        parts = [re.escape(w) for w in keywords.get("zh", []) if w]
        for word in keywords.get("en", []):
            word = str(word).strip().lower()
            if word:
                parts.append(rf"\b{re.escape(word[:-1])}\w*" if word.endswith("*") else rf"\b{re.escape(word)}\b")
        if not parts:
            raise OptionError(f"theme '{name}' has no keywords; give keywords: {{zh: [...], en: [...]}}")
        patterns[name] = re.compile("|".join(sorted(parts, key=len, reverse=True)), re.I)
    return patterns


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

    # 1. group sizes in distinct respondents, and which rows may be shown
    sizes, showable, withheld = {}, pd.Series(True, index=data.index), []
    for key in keys:
        size = ids.groupby(data[key], dropna=False).nunique()
        sizes[key] = size
        small = size[size < min_n]
        withheld += [{"by": key, "group": g, "respondents": int(n)} for g, n in small.items()]
        showable &= ~data[key].isin(small.index)
    suppressed = pd.DataFrame(withheld, columns=["by", "group", "respondents"])

    # 2. mask before anything else touches the text
    text = data[comment].astype("object").where(data[comment].notna(), None)
    text = text.map(lambda t: t.strip() if isinstance(t, str) else t)
    has_text = text.map(lambda t: isinstance(t, str) and t != "")
    names = [] if roster is None else list(pd.Series(roster, dtype="object").dropna().astype(str))
    name_pattern = _names_pattern(names)
    masked = text[has_text].map(lambda t: mask_personal_data(t, ()))
    if name_pattern is not None:
        masked = masked.map(lambda t: name_pattern.sub(MASKS["name"], t))
    frame = data.loc[has_text, keys].copy()
    frame["comment"] = masked
    frame["_respondent"] = ids[has_text]

    # 3. themes
    if themes is None and survey is not None and survey.codebook.themes:
        themes = survey.codebook.themes
    suggested = None
    tokens = frame["comment"].map(segment)
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
    hits = {name: frame["comment"].map(lambda t, p=pattern: len(p.findall(t))) for name, pattern in patterns.items()}
    scores = _scores(tokens)
    frame["sentiment"] = _labels(scores)
    frame["score"] = scores
    for name in themes:
        frame[name] = hits[name].to_numpy() > 0
    if themes:  # from the boolean matrix (not row by row: iterrows dominated the run time on 100,000 comments)
        names_array, flags = list(themes), frame[list(themes)].to_numpy(bool)
        frame["themes"] = [tuple(names_array[j] for j in np.flatnonzero(row)) for row in flags]
    else:
        frame["themes"] = [()] * len(frame)

    # 4. counts and shares per grouping (respondent-level data; small groups left out)
    counts, shares = {}, {}
    theme_names = list(themes)
    for key in keys:
        grouped = frame.groupby(key, dropna=False)
        table = grouped[theme_names].sum().astype(int) if theme_names else pd.DataFrame(index=grouped.size().index)
        table.insert(0, "comments", grouped.size())
        table.insert(0, "respondents", sizes[key].reindex(table.index).astype(int))
        table["negative_share"] = grouped["sentiment"].apply(lambda s: float((s == "negative").mean()))
        table = table[table["respondents"] >= min_n]
        counts[key] = table
        share = table.copy()
        for name in theme_names:
            share[name] = table[name] / table["comments"]
        shares[key] = share

    # 5. theme <-> gap dimension cross-tab
    worst = _worst_gap_dimension(survey) if survey is not None else None
    shown = frame[showable[frame.index]]
    if worst is not None and theme_names:
        rows = []
        for name in theme_names:
            dims = worst[shown.index[shown[name]]].value_counts()
            rows.append({"theme": name, "dimension": themes[name]["dimension"], **{d: int(dims.get(d, 0)) for d in worst.dropna().unique()}})
        dimensions = pd.DataFrame(rows).set_index("theme")
    else:
        dimensions = pd.DataFrame({"dimension": [themes[n]["dimension"] for n in theme_names]}, index=pd.Index(theme_names, name="theme"))

    # 6. representative quotes: most keyword hits, then clearest sentiment, then shortest
    picked = []
    if quotes:
        for name in theme_names:
            candidates = shown[shown[name]].assign(_hits=hits[name][shown.index[shown[name]]], _strength=lambda f: f["score"].abs(),
                                                   _length=lambda f: f["comment"].str.len())
            candidates = candidates.drop_duplicates("comment").sort_values(["_hits", "_strength", "_length"], ascending=[False, False, True],
                                                                            kind="stable")
            for _, row in candidates.head(quotes).iterrows():
                picked.append({"theme": name, **{k: row[k] for k in keys}, "comment": row["comment"], "sentiment": row["sentiment"]})
    quote_table = pd.DataFrame(picked, columns=["theme", *keys, "comment", "sentiment"])
    coded = shown.drop(columns=["_respondent"]).reset_index(drop=True)
    return CommentThemes(coded=coded, counts=counts, shares=shares, dimensions=dimensions, quotes=quote_table, suggested=suggested,
                         suppressed=suppressed, themes=themes, min_n=int(min_n))
