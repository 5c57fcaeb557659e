"""Exercise 10 — code open comments into themes by hand, and publish them safely.

The participant gets a small comment set of one provider (respondents of several receiving
departments, a few comments carrying a phone number, an e-mail address or a colleague's name) and
the codebook's theme dictionary.  By hand (pandas string matching) they count the comments that name
each theme, turn the counts into shares, list the departments whose comments may be shown (at least
:data:`~kitlib.privacy.MIN_COMMENT_GROUP` distinct respondents), label the sentiment of a few
comments with negation and contrast, and pick a masked quote; then they compare with
:func:`kitlib.comment_themes`, which the check uses to work out every expected answer.

Notes
-----
A comment names a theme when it contains one of the theme's keywords: a Chinese keyword anywhere in
the text, an English one as a whole word in any case (``resolv*`` = any word starting with
``resolv``).  Per theme *t* of the provider's comments *C*:

.. math:: n_t = \\#\\{c \\in C : c \\text{ names } t\\}, \\qquad s_t = n_t / |C|

(a comment can name several themes, so the shares need not sum to 1).  A department's themes and
quotes are shown only when it has at least 10 distinct respondents (comments or not).

Example
-------
>>> import kitlib as kl
>>> from kitlib.exercises import check_theme_coding, theme_exercise_data
>>> comments, roster = theme_exercise_data(kl.load_case("it_firm"))
>>> themes = kl.load_case("it_firm").codebook.themes
>>> check_theme_coding(None, comments, themes, roster=roster, lang="en").mistakes
['unanswered']

References
----------
Braun, V., & Clarke, V. (2006). Using thematic analysis in psychology. *Qualitative Research in
Psychology*, 3(2), 77–101.
Liu, B. (2012). *Sentiment Analysis and Opinion Mining*, ch. 5. Morgan & Claypool.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import Feedback, checker, close_all, decimals_tolerance, fmt, is_unanswered, read_labels
from kitlib.exercises.result import CheckResult
from kitlib.privacy import MIN_COMMENT_GROUP
from kitlib.service.voice import MASKS, NEGATIVE, POSITIVE, comment_sentiment, comment_themes, mask_personal_data, segment

__all__ = ["DECIMALS", "DEPARTMENT_SIZES", "HINTS", "PLANTED_CONTACTS", "SENTIMENT_COMMENTS", "check_theme_coding",
           "theme_exercise_data"]

DECIMALS = 2  # shares to two decimals: tolerance ±0.005
PARTS = ("counts", "shares", "shown_departments", "sentiment", "quote")
THEME = {"zh": "主题", "en": "theme"}

#: Respondents drawn per receiving department (largest department first): one group exactly at the
#: comment threshold (10) and one under it, so the rule can be seen at work.
DEPARTMENT_SIZES = (30, 20, 12, 10, 7)
#: Contact details appended to three comments of the largest department, with the roster names they use.
PLANTED_CONTACTS = (("，有事找王小明 13812345678", "王小明"), ("，详情问 Li Na（li.na@corp.example.cn）", "Li Na"),
                    ("; Updates: ask Zhang Wei on 010-88886666", "Zhang Wei"))
#: Comments whose sentiment the participant labels: two plain, three with a negation, one with a contrast.
SENTIMENT_COMMENTS = ("响应很及时，点赞", "不满意", "The portal is not slow", "很专业，很耐心，但是太慢了，一直在等",
                      "流程太繁琐，来回退件", "没有人推诿，处理很专业")
NEGATED, CONTRASTED = (1, 2, 5), (3,)  # positions in SENTIMENT_COMMENTS of the comments with a negation / a contrast
_HAN = re.compile(r"[\u3400-\u9fff]")
SENTIMENTS = {"positive": {"zh": "正面", "en": "positive"}, "neutral": {"zh": "中性", "en": "neutral"},
              "negative": {"zh": "负面", "en": "negative"}}

MESSAGES = {
    "counts_ok": {"zh": "各主题的意见数正确；提到最多的是“{top}”（{n} 条）。",
                  "en": "Right theme counts; the most frequent theme is '{top}' ({n} comments)."},
    "zh_only": {"zh": "只用了中文关键词：英文意见里的 fix、wait… 也要算上（主题词典里每个主题都有 en 关键词）。",
                "en": "Only the Chinese keywords were used: English comments (fix, wait…) count too; every theme has en keywords."},
    "wildcard_literal": {
        "zh": "带 * 的英文关键词一条也没匹配上：resolv* 表示以 resolv 开头的任何词（resolved、resolving），不是字面上的星号。",
        "en": "The English keywords ending in * matched nothing: resolv* means any word starting with resolv (resolved, resolving), not a literal star.",
    },
    "case_sensitive": {"zh": "英文关键词区分了大小写：句首的“Fixed”也要算，匹配时忽略大小写（case=False）。",
                       "en": "English keywords were matched case-sensitively: 'Fixed' at the start of a sentence counts too; ignore case (case=False)."},
    "one_theme_per_comment": {
        "zh": "每条意见只算了一个主题。一条意见可以同时提到几个主题（“态度好但太慢”既是态度也是速度），每个主题分别计数。",
        "en": "Each comment was given one theme only. A comment can name several themes ('friendly but slow' is attitude and "
              "speed): count every theme it names.",
    },
    "counts_wrong": {"zh": "“{themes}”的意见数不对。对每个主题，数一数含有它任一关键词的意见条数。",
                     "en": "The counts of {themes} are off. Per theme, count the comments containing any of its keywords."},
    "shares_ok": {"zh": "占比正确：每个主题的意见数 ÷ 意见总数（{comments} 条）。{tolerance}",
                  "en": "Right shares: each theme's count ÷ the number of comments ({comments}). {tolerance}"},
    "share_of_respondents": {
        "zh": "你除以的是全部作答人数（{respondents}），包括没写意见的人。占比的分母是写了意见的条数（{comments}）。",
        "en": "You divided by all respondents ({respondents}), including those who wrote nothing. The denominator is the number of comments ({comments}).",
    },
    "share_of_mentions": {
        "zh": "你除以的是所有主题被提到的总次数，所以占比加起来正好是 1。分母应是意见条数：一条意见可以提到几个主题。",
        "en": "You divided by the total number of theme mentions, so your shares sum to exactly 1. Divide by the number of "
              "comments: one comment can name several themes.",
    },
    "share_percent": {"zh": "这是百分数。请给 0–1 之间的比例（例如 0.25，不是 25）。",
                      "en": "These are percentages. Give proportions between 0 and 1 (0.25, not 25)."},
    "shares_wrong": {"zh": "“{themes}”的占比不对：主题意见数 ÷ 该服务部门的意见条数。",
                     "en": "The shares of {themes} are off: theme count ÷ the provider's number of comments."},
    "shown_ok": {"zh": "可以显示的部门选对了：{shown}。不显示（少于 {min_n} 人）：{hidden}。",
                 "en": "Right departments to show: {shown}. Hidden (fewer than {min_n} respondents): {hidden}."},
    "threshold_five": {
        "zh": "你用了 5 人的门槛（表格和图表的门槛）。开放式意见更容易认出是谁写的，门槛是 {min_n} 人。",
        "en": "You used the threshold of 5 (the one for tables and charts). Free-text comments are easier to trace back to a "
              "person: their threshold is {min_n}.",
    },
    "threshold_exclusive": {
        "zh": "{department}正好 {min_n} 人：门槛是“至少 {min_n} 人”（≥），不是“多于 {min_n} 人”（>）。",
        "en": "{department} has exactly {min_n} respondents: the rule is at least {min_n} (≥), not more than {min_n} (>).",
    },
    "small_listed": {"zh": "你列出的是要隐藏的部门。题目问的是可以显示的部门（至少 {min_n} 人）。",
                     "en": "You listed the departments to hide. The task asks for those that may be shown (at least {min_n} respondents)."},
    "shown_wrong": {"zh": "部门不对：按部门数一数不同的作答人（不只是写了意见的人），至少 {min_n} 人才显示。",
                    "en": "Wrong departments: count each department's distinct respondents (not only those who commented); show those with at least {min_n}."},
    "sentiment_ok": {"zh": "情感判断全部正确，包括否定（“不满意”）和转折（“但是”后面才是重点）。",
                     "en": "All sentiments right, negation ('not slow') and contrast (what follows 'but' weighs more) included."},
    "negation_ignored": {
        "zh": "第 {numbers} 条：否定词（不、没有、not）会把紧跟的情感词反过来——“不满意”是负面，“not slow”是正面。",
        "en": "Comment(s) {numbers}: a negator (not, no, never; in Chinese bu, meiyou) flips the sentiment word that follows: "
              "'not slow' is positive, 'not satisfied' negative.",
    },
    "contrast_ignored": {
        "zh": "第 {numbers} 条：转折词（但是、不过、but）后面的分句更重要——前面夸了两句，“但是”后面抱怨，整体是负面。",
        "en": "Comment(s) {numbers}: the clause after a contrast word (but, however; in Chinese danshi) weighs more: two "
              "compliments followed by 'but it is too slow' is negative overall.",
    },
    "sentiment_wrong": {"zh": "第 {numbers} 条的情感不对。先找情感词，再看前面有没有否定词、后面有没有转折。",
                        "en": "Comment(s) {numbers} are off. Find the sentiment words, then look for a negator before them and a contrast after."},
    "sentiment_format": {"zh": "sentiment 应为 {n} 个标签的列表（positive / neutral / negative，或 正面 / 中性 / 负面），顺序同上表。",
                         "en": "sentiment should be a list of {n} labels (positive / neutral / negative), in the order of the table."},
    "quote_ok": {"zh": "引语可以发表：来自可显示的部门、属于“{theme}”主题、没有个人信息。",
                 "en": "A quote safe to publish: from a department that may be shown, on '{theme}', and free of personal data."},
    "quote_email": {"zh": "引语里还有邮箱地址。发表前先遮盖：kl.mask_personal_data(text, names=roster)。",
                    "en": "The quote still holds an e-mail address. Mask it before publishing: kl.mask_personal_data(text, names=roster)."},
    "quote_phone": {"zh": "引语里还有电话号码。发表前先遮盖：kl.mask_personal_data(text, names=roster)。",
                    "en": "The quote still holds a phone number. Mask it before publishing: kl.mask_personal_data(text, names=roster)."},
    "quote_name": {"zh": "引语里还有同事的名字（在名单 roster 里）。把名单传给 names=：kl.mask_personal_data(text, names=roster)。",
                   "en": "The quote still names a colleague from the roster. Pass the roster as names=: kl.mask_personal_data(text, names=roster)."},
    "quote_withheld_group": {"zh": "这条意见来自少于 {min_n} 人的部门：这个部门的意见一条都不能引用。",
                             "en": "This comment comes from a department of fewer than {min_n} respondents: none of its comments may be quoted."},
    "quote_wrong_theme": {"zh": "这条意见没有提到“{theme}”。引语要代表提到最多的主题。",
                          "en": "This comment does not name '{theme}'. The quote should represent the most frequent theme."},
    "quote_not_found": {"zh": "在这组意见里找不到这句话。请原样引用（遮盖后的）一条意见，不要改写。",
                        "en": "This text is not among the comments. Quote one (masked) comment as it stands; do not rewrite it."},
}

HINTS = {
    "counts": [
        {"zh": "每个主题有中文和英文关键词；一条意见只要含有其中任一个，就算提到了这个主题。",
         "en": "Each theme has Chinese and English keywords; a comment names the theme when it contains any one of them."},
        {"zh": "中文关键词按子串匹配；英文按整词、忽略大小写匹配，结尾的 * 表示任意词尾。一条意见可以计入几个主题。",
         "en": "Chinese keywords match anywhere in the text; English ones as whole words in any case, a trailing * standing for any "
               "ending. One comment can count for several themes."},
        {"zh": "示范“{theme}”：关键词 {keywords}；{n_comments} 条意见中有 {n} 条含有其中之一，例如“{example}”。",
         "en": "Worked for '{theme}': English keywords {keywords} (plus the Chinese ones); {n} of the {n_comments} comments contain "
               "one of them, e.g. '{example}'."},
    ],
    "shares": [
        {"zh": "占比 = 提到该主题的意见 ÷ 什么？想想分母里该不该有没写意见的人。",
         "en": "Share = comments naming the theme ÷ what? Ask whether people who wrote nothing belong in the denominator."},
        {"zh": "分母是该服务部门的意见条数（非空意见）；因为一条意见可以提到几个主题，占比之和可以大于 1。",
         "en": "The denominator is the provider's number of (non-empty) comments; as a comment can name several themes, the shares may sum to more than 1."},
        {"zh": "示范“{theme}”：{n} ÷ {comments} = {share}。",
         "en": "Worked for '{theme}': {n} ÷ {comments} = {share}."},
    ],
    "shown_departments": [
        {"zh": "开放式意见能认出是谁写的，所以门槛比表格更高。门槛是多少？数的是什么？",
         "en": "Free text can give its writer away, so its threshold is higher than for tables. What is it, and what is counted?"},
        {"zh": "部门的不同作答人（respondent_id 去重，含没写意见的人）至少 {min_n} 人，才显示其主题和引语。",
         "en": "A department's themes and quotes are shown when it has at least {min_n} distinct respondents (respondent_id, commenters or not)."},
        {"zh": "示范：{department}有 {n} 位不同的作答人，{verdict}。",
         "en": "Worked: {department} has {n} distinct respondents, so it is {verdict}."},
    ],
    "sentiment": [
        {"zh": "先找情感词（好、慢、满意……），再看有没有否定词和转折词。",
         "en": "Find the sentiment words (good, slow, satisfied…) first, then look for negators and contrast words."},
        {"zh": "否定词（不、没有、not）反转后面的情感词；转折词（但是、不过、but）之后的分句比之前的更重要。",
         "en": "A negator (not, no) flips the sentiment word after it; the clause after a contrast word (but, however) weighs more "
               "than the one before."},
        {"zh": "示范第 {number} 条“{comment}”：词为 {tokens}，情感是 {label}。",
         "en": "Worked, comment {number} '{comment}': tokens {tokens}; its sentiment is {label}."},
    ],
    "quote": [
        {"zh": "引语会被很多人读到：它来自哪个部门？里面有没有能认出人的信息？",
         "en": "Many people will read the quote: which department does it come from, and does it say who anyone is?"},
        {"zh": "只从至少 {min_n} 人的部门、提到最多的主题“{theme}”的意见里选；先用 kl.mask_personal_data(text, names=roster) 遮盖电话、邮箱和名单上的名字。",
         "en": "Choose among comments on the most frequent theme, '{theme}', from departments of at least {min_n} respondents; mask phone "
               "numbers, e-mail addresses and roster names first with kl.mask_personal_data(text, names=roster)."},
        {"zh": "示范遮盖：“{original}” → “{example}”。再确认所选意见的部门和主题。",
         "en": "Worked masking: '{original}' → '{example}'. Then check the chosen comment's department and theme."},
    ],
}


def theme_exercise_data(survey: Survey, provider: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The comment set of exercise 10 and the roster of names to mask.

    Respondents of ``provider`` (default: the provider with most respondents) from up to five
    receiving departments, :data:`DEPARTMENT_SIZES` of them each (commenters first), in survey order;
    three comments of the largest department get the contact details of :data:`PLANTED_CONTACTS`.

    Returns
    -------
    (DataFrame, list of str)
        ``respondent_id, provider, department, comment`` and the roster names.

    Example
    -------
    >>> import kitlib as kl
    >>> comments, roster = theme_exercise_data(kl.load_case("it_firm"))
    >>> comments.groupby("department")["respondent_id"].nunique().sort_values().tolist()
    [7, 10, 12, 20, 30]
    """
    data = survey.data
    respondent = survey.codebook.respondent_id
    provider = provider or data["provider"].value_counts().index[0]
    mine = data[data["provider"] == provider]
    departments = mine["department"].value_counts().index[: len(DEPARTMENT_SIZES)]
    parts = []
    for department, size in zip(departments, DEPARTMENT_SIZES):
        rows = mine[mine["department"] == department]
        commented = rows["comment"].notna()
        parts.append(pd.concat([rows[commented], rows[~commented]]).head(size))
    chosen = pd.concat(parts).sort_index()
    comments = pd.DataFrame({"respondent_id": chosen[respondent].astype(str).to_numpy(), "provider": provider,
                             "department": chosen["department"].to_numpy(), "comment": chosen["comment"].to_numpy()})
    largest = comments.index[(comments["department"] == departments[0]) & comments["comment"].notna()][: len(PLANTED_CONTACTS)]
    for row, (contact, _) in zip(largest, PLANTED_CONTACTS):
        comments.loc[row, "comment"] = comments.loc[row, "comment"] + contact
    return comments, [name for _, name in PLANTED_CONTACTS]


def _names_theme(texts: pd.Series, keywords: dict, *, english: bool = True, wildcard: bool = True, case: bool = False) -> pd.Series:
    """Whether each text contains a keyword — the documented rule, with switches that reproduce typical mistakes."""
    parts = [re.escape(w) for w in keywords.get("zh", []) if w]
    for word in keywords.get("en", []) if english else []:
        word = str(word).strip().lower()
        if word.endswith("*"):
            parts += [rf"\b{re.escape(word[:-1])}\w*"] if wildcard else []
        elif word:
            parts.append(rf"\b{re.escape(word)}\b")
    if not parts:
        return pd.Series(False, index=texts.index)
    return texts.str.contains("|".join(parts), case=case, regex=True)


def _flags(texts: pd.Series, themes: dict, **switches) -> pd.DataFrame:
    return pd.DataFrame({name: _names_theme(texts, spec.get("keywords", {}), **switches) for name, spec in themes.items()})


def _naive_sentiment(comment: str) -> str:
    """The lexicon label when negation and contrast are ignored (positive minus negative words)."""
    score = sum((token in POSITIVE) - (token in NEGATIVE) for token in segment(comment))
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


def _sentiment_label(value) -> str | None:
    text = str(value).strip().lower()
    for code, names in SENTIMENTS.items():
        if text in (code, code[:3], names["zh"]):
            return code
    return None


def _check_counts(feedback, given, expected, texts, themes, label):
    tol = 1e-9
    if close_all(given, expected, tol):
        top = expected.idxmax()
        feedback.right("counts", "counts_ok", top=label(top), n=int(expected[top]))
        return
    flags = _flags(texts, themes)
    matrix = flags.to_numpy()
    first = np.zeros_like(matrix)
    first[np.arange(len(matrix)), matrix.argmax(axis=1)] = matrix.any(axis=1)  # each comment coded to its first theme only
    first_only = pd.DataFrame(first, index=flags.index, columns=flags.columns)
    candidates = {
        "zh_only": _flags(texts, themes, english=False).sum(),
        "wildcard_literal": _flags(texts, themes, wildcard=False).sum(),
        "case_sensitive": _flags(texts, themes, case=True).sum(),
        "one_theme_per_comment": first_only.sum(),
    }
    for mistake, predicted in candidates.items():
        if not close_all(predicted.to_dict(), expected, tol) and close_all(given, predicted, tol):
            feedback.wrong("counts", mistake, mistake=mistake)
            return
    wrong = [label(name) for name in expected.index if not close_all(given, {name: expected[name]}, tol)]
    feedback.wrong("counts", "counts_wrong", themes=", ".join(wrong))


def _check_shares(feedback, given, expected, counts, comments, respondents, label):
    tol = decimals_tolerance(DECIMALS)
    if close_all(given, expected, tol):
        feedback.right("shares", "shares_ok", comments=comments, tolerance=feedback.tolerance(DECIMALS))
        return
    candidates = {"share_of_respondents": counts / respondents, "share_of_mentions": counts / counts.sum(), "share_percent": 100 * expected}
    for mistake, predicted in candidates.items():
        if close_all(given, predicted, tol):
            feedback.wrong("shares", mistake, mistake=mistake, respondents=respondents, comments=comments)
            return
    wrong = [label(name) for name in expected.index if not close_all(given, {name: expected[name]}, tol)]
    feedback.wrong("shares", "shares_wrong", themes=", ".join(wrong))


def _check_shown(feedback, value, sizes: pd.Series, min_n: int, name):
    given = read_labels(value)
    if given is None:
        feedback.wrong("shown_departments", "missing_part", part="shown_departments",
                       expected_kind=feedback.say("kind_list"), attempted=not is_unanswered(value))
        return
    given = set(given)
    expected = set(sizes.index[sizes >= min_n])
    hidden = [name(d) for d in sizes.index if d not in expected]
    if given == expected:
        feedback.right("shown_departments", "shown_ok", shown=", ".join(name(d) for d in sorted(expected)), hidden=", ".join(hidden),
                       min_n=min_n)
        return
    at_threshold = [d for d in sizes.index if sizes[d] == min_n]
    if given == set(sizes.index[sizes >= 5]) and given != expected:
        feedback.wrong("shown_departments", "threshold_five", mistake="threshold_five", min_n=min_n)
    elif at_threshold and given == set(sizes.index[sizes > min_n]):
        feedback.wrong("shown_departments", "threshold_exclusive", mistake="threshold_exclusive", min_n=min_n,
                       department=name(at_threshold[0]))
    elif given == set(sizes.index[sizes < min_n]):
        feedback.wrong("shown_departments", "small_listed", mistake="small_listed", min_n=min_n)
    else:
        feedback.wrong("shown_departments", "shown_wrong", min_n=min_n)


def _sentiment_step(feedback, number: int, expected: list[str]) -> None:
    comment = SENTIMENT_COMMENTS[number]
    feedback.step("sentiment", number=number + 1, comment=comment, tokens=" / ".join(segment(comment)),
                  label=SENTIMENTS[expected[number]][feedback.lang])


def _check_sentiment(feedback, value):
    labels = read_labels(value)
    expected = comment_sentiment(list(SENTIMENT_COMMENTS)).tolist()
    _sentiment_step(feedback, 1, expected)  # a negation, until a wrong label says which comment to work
    given = [_sentiment_label(v) for v in labels] if labels is not None else None
    if given is None or len(given) != len(expected) or None in given:
        feedback.wrong("sentiment", "sentiment_format", n=len(expected), attempted=not is_unanswered(value))
        return
    wrong = [i for i, (g, e) in enumerate(zip(given, expected)) if g != e]
    if not wrong:
        feedback.right("sentiment", "sentiment_ok")
        return
    _sentiment_step(feedback, wrong[0], expected)
    naive = [_naive_sentiment(c) for c in SENTIMENT_COMMENTS]
    numbers = lambda rows: ", ".join(str(i + 1) for i in rows)  # noqa: E731
    negated = [i for i in wrong if given[i] == naive[i] and i in NEGATED]
    contrasted = [i for i in wrong if given[i] == naive[i] and i in CONTRASTED]
    if negated:
        feedback.wrong("sentiment", "negation_ignored", mistake="negation_ignored", numbers=numbers(negated))
    elif contrasted:
        feedback.wrong("sentiment", "contrast_ignored", mistake="contrast_ignored", numbers=numbers(contrasted))
    else:
        feedback.wrong("sentiment", "sentiment_wrong", numbers=numbers(wrong))


def _check_quote(feedback, value, comments, roster, top, themes, sizes, min_n, label):
    if not isinstance(value, str) or not value.strip():
        feedback.wrong("quote", "missing_part", part="quote", expected_kind=feedback.say("kind_text"),
                       attempted=not is_unanswered(value))
        return
    quote = value.strip()
    masked = mask_personal_data(quote, roster)
    if masked != quote:
        leaked = next(kind for kind in ("email", "phone", "name", "id", "staff", "number") if MASKS[kind] in masked
                      and MASKS[kind] not in quote)
        mistake = {"email": "quote_email", "name": "quote_name"}.get(leaked, "quote_phone")
        feedback.wrong("quote", mistake, mistake=mistake)
        return
    texts = comments["comment"].dropna()
    safe = texts.map(lambda t: mask_personal_data(t, roster).strip())
    found = safe.index[safe == quote]
    if not len(found):
        feedback.wrong("quote", "quote_not_found")
        return
    departments = comments.loc[found, "department"]
    if not (departments.map(sizes) >= min_n).any():
        feedback.wrong("quote", "quote_withheld_group", mistake="quote_withheld_group", min_n=min_n)
    elif not _names_theme(pd.Series([quote]), themes[top].get("keywords", {})).iloc[0]:
        feedback.wrong("quote", "quote_wrong_theme", mistake="quote_wrong_theme", theme=label(top))
    else:
        feedback.right("quote", "quote_ok", theme=label(top))


EXTRA_MESSAGES = {
    "kind_list": {"zh": "部门名称的列表", "en": "a list of department names"},
    "kind_text": {"zh": "一条意见的文字", "en": "the text of one comment"},
    "kind_keyed": {"zh": "字典 {主题: 数值}", "en": "a dict {theme: number}"},
}


@checker
def check_theme_coding(answer, comments: pd.DataFrame, themes: dict, roster=(), lang: str = "zh") -> CheckResult:
    """Check comments coded into themes by hand: counts, shares, the comment threshold, sentiment and a safe quote.

    Parameters
    ----------
    answer : dict
        ``counts`` (``{theme: comments naming it}``), ``shares`` (``{theme: count ÷ comments}``, two
        decimals), ``shown_departments`` (departments whose comments may be shown), ``sentiment`` (labels
        of :data:`SENTIMENT_COMMENTS`, in order) and ``quote`` (one masked comment on the most frequent
        theme).  Themes may be keyed by id, Chinese or English name.
    comments : DataFrame
        ``respondent_id, provider, department, comment`` of one provider, from :func:`theme_exercise_data`.
    themes : dict
        The theme dictionary (``codebook.themes``).
    roster : iterable of str
        Names to mask in quotes.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``zh_only``, ``wildcard_literal``, ``case_sensitive``, ``one_theme_per_comment``,
        ``share_of_respondents``, ``share_of_mentions``, ``share_percent``, ``threshold_five``,
        ``threshold_exclusive``, ``small_listed``, ``negation_ignored``, ``contrast_ignored``,
        ``quote_phone``, ``quote_email``, ``quote_name``, ``quote_withheld_group``, ``quote_wrong_theme``.

    Notes
    -----
    Every expected value comes from :func:`kitlib.comment_themes` on ``comments`` (``min_n`` = 10):
    :math:`n_t` its ``counts``, :math:`s_t = n_t / |C|` its ``shares``; sentiment from
    :func:`kitlib.comment_sentiment`; masking from :func:`kitlib.mask_personal_data`.

    Example
    -------
    >>> import kitlib as kl
    >>> comments, roster = theme_exercise_data(kl.load_case("it_firm"))
    >>> check_theme_coding({"counts": ...}, comments, kl.load_case("it_firm").codebook.themes, roster, lang="en").correct
    False

    References
    ----------
    Braun, V., & Clarke, V. (2006). Using thematic analysis in psychology. *Qualitative Research in Psychology*, 3(2), 77–101.
    """
    feedback = Feedback("theme_coding", lang, {**MESSAGES, **EXTRA_MESSAGES}, HINTS)
    min_n = MIN_COMMENT_GROUP
    provider = comments["provider"].iloc[0]
    result = comment_themes(comments, themes, by=["provider", "department"], roster=roster, respondent="respondent_id",
                            min_n=1, quotes=0)
    names = list(result.themes)
    label = lambda name: result.themes[name][lang]  # noqa: E731
    row = result.counts["provider"].loc[provider]
    expected_counts = row[names].astype(float)
    expected_shares = result.shares["provider"].loc[provider, names].astype(float)
    sizes = comments.groupby("department")["respondent_id"].nunique()
    top = expected_counts.idxmax()
    texts = comments["comment"].dropna().astype(str)
    flags = _flags(texts, result.themes)
    keywords = result.themes[top]["keywords"]
    shown_keywords = [*keywords.get("en", [])] if lang == "en" else [*keywords.get("zh", []), *keywords.get("en", [])]
    named = texts[flags[top]]
    in_english = named[~named.str.contains(_HAN)]  # an example in the reader's language where there is one
    example = (in_english if lang == "en" and len(in_english) else named).iloc[0]
    feedback.step("counts", theme=label(top), keywords=" / ".join(shown_keywords), n=int(expected_counts[top]), n_comments=len(texts),
                  example=mask_personal_data(example, roster))
    feedback.step("shares", theme=label(top), n=int(expected_counts[top]), comments=int(row["comments"]), share=fmt(expected_shares[top]))
    at_threshold = (sizes - min_n).abs().idxmin()  # the department closest to the threshold
    verdict = {True: {"zh": "可以显示", "en": "shown"}, False: {"zh": "不显示", "en": "hidden"}}[bool(sizes[at_threshold] >= min_n)][lang]
    feedback.step("shown_departments", department=at_threshold, n=int(sizes[at_threshold]), verdict=verdict, min_n=min_n)
    personal = texts[texts.map(lambda t: mask_personal_data(t, roster) != t)]
    original = personal.iloc[0] if len(personal) else texts.iloc[0]
    feedback.step("quote", theme=label(top), min_n=min_n, original=original, example=mask_personal_data(original, roster))
    parts = feedback.parts(answer, PARTS)
    if parts is None:
        return feedback.result()
    labels = {name: {"zh": spec["zh"], "en": spec["en"]} for name, spec in result.themes.items()}
    for part, check in (("counts", lambda given: _check_counts(feedback, given, expected_counts, texts, result.themes, label)),
                        ("shares", lambda given: _check_shares(feedback, given, expected_shares, expected_counts, int(row["comments"]),
                                                               int(row["respondents"]), label))):
        value = parts.get(part)
        if is_unanswered(value):
            feedback.wrong(part, "missing_part", part=part, expected_kind=feedback.say("kind_keyed"), attempted=False)
            continue
        given = feedback.keyed(part, value, labels, part, THEME)
        if given is not None:
            check(given)
    _check_shown(feedback, parts.get("shown_departments"), sizes, min_n, str)
    _check_sentiment(feedback, parts.get("sentiment"))
    _check_quote(feedback, parts.get("quote"), comments, roster, top, result.themes, sizes, min_n, label)
    return feedback.result()
