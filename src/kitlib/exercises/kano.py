"""Exercises 5 and 6 — KANO classification by hand, Better/Worse and what to improve first.

Exercise 5 gives a few respondents' (functional, dysfunctional) answers; the
participant classifies each with the KANO evaluation table.  Exercise 6 asks
for the Better and Worse coefficients of every feature and the feature to
improve first.  Expected answers come from :func:`kitlib.kano_classify` and the
Better/Worse formulas.

Example
-------
>>> from kitlib.exercises import check_kano
>>> check_kano(["O"], [(1, 5)], lang="en").correct
True

References
----------
Kano, N., Seraku, N., Takahashi, F., & Tsuji, S. (1984). Attractive quality and
must-be quality. *Journal of the Japanese Society for Quality Control*, 14(2), 39–48.
Berger, C. et al. (1993). Kano's methods for understanding customer-defined
quality. *Center for Quality Management Journal*, 2(4), 3–36.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kitlib.data.survey import Survey
from kitlib.exercises.feedback import Feedback, checker, close_all, decimals_tolerance, fmt, is_unanswered, read_labels, read_numbers
from kitlib.exercises.result import CheckResult, Finding
from kitlib.service.kano import ANSWER_OPTIONS, CATEGORIES, CATEGORY_NAMES, kano_classify

__all__ = [
    "BW_DECIMALS",
    "better_worse",
    "category_letter",
    "check_better_worse",
    "check_kano",
    "classify",
    "exercise_pairs",
    "explain_pair",
    "kano_counts",
]

BW_DECIMALS = 2  # Better/Worse to two decimals: tolerance ±0.005

REASONS = {
    "A": {
        "zh": "有这个功能时喜欢，没有也能接受：没有不会不满，有了会惊喜。",
        "en": "Liked when present, acceptable when absent: its absence causes no dissatisfaction, its presence delights.",
    },
    "O": {
        "zh": "有时喜欢、没有时不喜欢：做得越好越满意，做得越差越不满。",
        "en": "Liked when present, disliked when absent: the better it is done, the more satisfied; the worse, the more dissatisfied.",
    },
    "M": {
        "zh": "有时只觉得理所当然（或无所谓/能忍受），没有时不喜欢：做好不加分，做不好必然不满。",
        "en": "Taken for granted (or neutral / tolerable) when present, disliked when absent: doing it well earns nothing, missing it causes dissatisfaction.",
    },
    "I": {
        "zh": "有没有都无所谓：这个功能对满意度影响不大。",
        "en": "Neither presence nor absence matters much: the feature barely affects satisfaction.",
    },
    "R": {
        "zh": "受访者更希望没有这个功能：有了反而不满。",
        "en": "The respondent prefers the feature absent: having it causes dissatisfaction.",
    },
    "Q": {
        "zh": "两个回答相互矛盾（有和没有都喜欢，或都不喜欢）：可能误解了问题，不计入分析。",
        "en": "The two answers contradict each other (likes or dislikes both presence and absence): probably a misread question; leave it out.",
    },
}
NAMES = {
    **{letter: letter for letter in CATEGORIES},
    **{names["en"]: letter for letter, names in CATEGORY_NAMES.items()},
    **{names["zh"]: letter for letter, names in CATEGORY_NAMES.items()},
    "must be": "M", "mustbe": "M", "魅力": "A", "期望": "O", "一维": "O", "期望型（一维）": "O", "必备": "M",
    "无差异": "I", "反向": "R", "可疑": "Q", "performance": "O", "linear": "O",
}


def category_letter(value) -> str | None:
    """KANO letter from a letter, English or Chinese category name; ``None`` if unknown."""
    text = str(value).strip()
    return NAMES.get(text.upper()) or NAMES.get(text.lower()) or NAMES.get(text)


def explain_pair(functional: int, dysfunctional: int, category: str, lang: str = "zh") -> str:
    """One sentence: the two answers, the category and why."""
    name = CATEGORY_NAMES[category][lang]
    if lang == "zh":
        return (f"具备时“{ANSWER_OPTIONS[functional]['zh']}”、不具备时“{ANSWER_OPTIONS[dysfunctional]['zh']}” → "
                f"{category}（{name}）：{REASONS[category]['zh']}")
    return (f"present: '{ANSWER_OPTIONS[functional]['en']}', absent: '{ANSWER_OPTIONS[dysfunctional]['en']}' → "
            f"{category} ({name}): {REASONS[category]['en']}")


def classify(functional, dysfunctional) -> np.ndarray:
    """Letters from :func:`kitlib.kano_classify` as a plain array of str."""
    return np.asarray(kano_classify(np.asarray(functional), np.asarray(dysfunctional))).astype(str)


MESSAGES = {
    "kano_ok": {"zh": "{n} 组回答全部归类正确。", "en": "All {n} answer pairs classified correctly."},
    "transposed": {
        "zh": "评价表看反了：行是“具备时”（功能性问题）的回答，列是“不具备时”（反功能性问题）的回答。",
        "en": "The evaluation table is transposed: rows are the functional answer (feature present), columns the dysfunctional answer (feature absent).",
    },
    "codes_reversed": {
        "zh": "选项编码读反了：1 = 我喜欢，2 = 理应如此，3 = 无所谓，4 = 能忍受，5 = 我不喜欢。",
        "en": "The answer codes are read backwards: 1 = like, 2 = expect, 3 = neutral, 4 = live with, 5 = dislike.",
    },
    "mo_swapped": {
        "zh": "必备型（M）和期望型（O）弄混了：有时“喜欢”、没有时“不喜欢”是 O；有时只是“理所当然”、没有时“不喜欢”是 M。",
        "en": "Must-be (M) and one-dimensional (O) are swapped: like-when-present / dislike-when-absent is O; expect-when-present / dislike-when-absent is M.",
    },
    "qr_confused": {
        "zh": "可疑（Q）和反向（R）弄混了：两次都“喜欢”或两次都“不喜欢”是 Q（矛盾）；更喜欢没有该功能才是 R。",
        "en": "Questionable (Q) and reverse (R) are mixed up: liking (or disliking) both "
              "presence and absence is Q (a contradiction); preferring the feature absent is R.",
    },
    "kano_wrong": {
        "zh": "第 {positions} 组的类别不对（共 {n_wrong} 组）。",
        "en": "Pair(s) {positions} are not right ({n_wrong} in all).",
    },
    "pair_wrong": {"zh": "第 {position} 组还不对。", "en": "Pair {position} is not right yet."},
    "length": {
        "zh": "要给出 {n} 个类别（每组回答一个），你给了 {given} 个。",
        "en": "Give {n} categories (one per answer pair); you gave {given}.",
    },
    "unknown_letter": {
        "zh": "“{value}”不是 KANO 类别；用 A、O、M、I、R、Q。",
        "en": "'{value}' is not a KANO category; use A, O, M, I, R, Q.",
    },
}


KANO_HINTS = {
    "categories": [
        {"zh": "先确认读表方向：行是“具备时”的回答，列是“不具备时”的回答。再看第 {position} 组：{f} 和 {d} 分别在哪一行、哪一列？",
         "en": "Check the direction first: rows are the answer for 'present', columns for "
               "'absent'. Then pair {position}: which row is {f}, which column is {d}?"},
        {"zh": "六类的含义：A 有了惊喜、没有也行；O 有了满意、没有不满；M 有了理所当然、没有不满；I 都无所谓；"
               "R 更希望没有；Q 有和没有都喜欢（或都不喜欢），回答矛盾。",
         "en": "The six categories: A delights when present, fine when absent; O satisfies when present, dissatisfies when absent; "
               "M taken for granted, dissatisfies when absent; I indifferent either way; R prefers it absent; "
               "Q likes (or dislikes) both presence and absence, a contradiction."},
        {"zh": "示范第 {position} 组：{explanation}", "en": "Worked for pair {position}: {explanation}"},
    ],
}
EXERCISE_CATEGORIES = ("A", "O", "M", "I", "R", "Q")


def exercise_pairs(survey: Survey, feature: str, n: int = 12, seed: int = 0) -> pd.DataFrame:
    """``n`` answer pairs for classifying by hand, covering all six KANO categories.

    The pairs come from ``feature``'s answers; a category its answers lack is
    taken from the other features' answers (so Q and R are always in the set).
    The order is shuffled with ``seed`` so that the categories do not come in blocks.

    Returns
    -------
    DataFrame
        Columns ``functional``, ``dysfunctional`` (codes 1..5) and ``feature``.

    Example
    -------
    >>> import kitlib as kl
    >>> pairs = exercise_pairs(kl.load_case("it_firm"), "F03")
    >>> sorted(str(c) for c in set(classify(pairs["functional"], pairs["dysfunctional"])))
    ['A', 'I', 'M', 'O', 'Q', 'R']
    """
    frames = []
    order = [feature] + [f for f in survey.codebook.kano_pairs() if f != feature]
    for name in order:
        f, d = survey.codebook.kano_pairs()[name]
        both = survey.data[[f, d]].dropna().astype(int).set_axis(["functional", "dysfunctional"], axis=1)
        frames.append(both.assign(feature=name, category=classify(both["functional"], both["dysfunctional"])))
    pool = pd.concat(frames, ignore_index=True)
    chosen = []
    for category in EXERCISE_CATEGORIES:  # one of each first, from the feature itself where it has one
        rows = pool.index[pool["category"] == category]
        if len(rows):
            chosen.append(rows[0])
    own = pool.index[(pool["feature"] == feature) & ~pool.index.isin(chosen)]
    chosen += list(own[: max(n - len(chosen), 0)])
    picked = pool.loc[chosen[:n]].sample(frac=1, random_state=seed)
    return picked[["functional", "dysfunctional", "feature"]].reset_index(drop=True)


def _pairs(pairs) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(pairs, pd.DataFrame) and {"functional", "dysfunctional"} <= set(pairs.columns):
        pairs = pairs[["functional", "dysfunctional"]]
    frame = pd.DataFrame(np.asarray(pairs, dtype=int).reshape(-1, 2), columns=["f", "d"])
    return frame["f"].to_numpy(), frame["d"].to_numpy()


@checker
def check_kano(answer, pairs, lang: str = "zh") -> CheckResult:
    """Check categories assigned by hand to (functional, dysfunctional) answer pairs.

    Parameters
    ----------
    answer : list of str
        One category per pair: letters A/O/M/I/R/Q (English or Chinese names accepted).
    pairs : list of (int, int) or DataFrame with two columns
        Functional and dysfunctional answer codes 1..5 of each respondent.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``transposed``, ``codes_reversed``, ``mo_swapped``, ``qr_confused``.
        Which pairs are wrong is named; the category of a pair is shown only as
        the worked step (``hint_level=3``), after an attempt.

    Example
    -------
    >>> check_kano(["M", "A"], [(2, 5), (1, 3)], lang="en").correct
    True

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality Management Journal*, 2(4), 3–36.
    """
    feedback = Feedback("kano", lang, MESSAGES, KANO_HINTS)
    if is_unanswered(answer) or (isinstance(answer, (list, tuple)) and all(a is None or a is ... for a in answer)):
        return feedback.unanswered()
    functional, dysfunctional = _pairs(pairs)
    expected = classify(functional, dysfunctional)
    labels = read_labels(answer)
    if labels is None or len(labels) != len(expected):
        feedback.wrong("categories", "length", n=len(expected), given="?" if labels is None else len(labels))
        return feedback.result()
    letters = [category_letter(label) for label in labels]
    unknown = [label for label, letter in zip(labels, letters) if letter is None]
    if unknown:
        feedback.wrong("categories", "unknown_letter", value=unknown[0])
        return feedback.result()
    letters = np.asarray(letters)
    if (letters == expected).all():
        feedback.right("categories", "kano_ok", n=len(expected))
        return feedback.result()
    swap = {"M": "O", "O": "M", "Q": "R", "R": "Q"}
    candidates = {
        "transposed": classify(dysfunctional, functional),
        "codes_reversed": classify(6 - functional, 6 - dysfunctional),
        "mo_swapped": np.asarray([swap[c] if c in "MO" else c for c in expected]),
        "qr_confused": np.asarray([swap[c] if c in "QR" else c for c in expected]),
    }
    wrong = np.flatnonzero(letters != expected)
    first = int(wrong[0])
    feedback.step("categories", position=first + 1, f=int(functional[first]), d=int(dysfunctional[first]),
                  explanation=explain_pair(int(functional[first]), int(dysfunctional[first]), expected[first], lang))
    positions = ", ".join(str(int(i) + 1) for i in wrong)
    for mistake, predicted in candidates.items():
        if (predicted != expected).any() and (letters[wrong] == predicted[wrong]).all():
            feedback.wrong("categories", mistake, mistake=mistake)
            break
    else:
        feedback.wrong("categories", "kano_wrong", positions=positions, n_wrong=len(wrong))
    for position in wrong:  # which pairs, never their categories
        feedback.findings.append(Finding(f"#{position + 1}", False, feedback.say("pair_wrong", position=position + 1)))
    return feedback.result()


BW_PARTS = ("better", "worse", "improve_first")

BW_MESSAGES = {
    "better_ok": {"zh": "Better 系数全部正确。{tolerance}", "en": "All Better coefficients right. {tolerance}"},
    "worse_ok": {"zh": "Worse 系数全部正确（负数）。{tolerance}", "en": "All Worse coefficients right (negative). {tolerance}"},
    "worse_sign": {
        "zh": "Worse 的大小对了，但按惯例取负号：Worse = −(O + M) / (A + O + M + I)，表示缺少该功能时满意度下降多少。",
        "en": "The size of Worse is right but by convention it is negative: Worse = −(O "
              "+ M) / (A + O + M + I), how much satisfaction drops without the feature.",
    },
    "with_rq": {
        "zh": "分母多算了 R 和 Q。Better/Worse 的分母只用 A + O + M + I（可疑和反向回答不计）。",
        "en": "The denominator includes R and Q. Better/Worse divide by A + O + M + I only (questionable and reverse answers are left out).",
    },
    "mo_swapped": {
        "zh": "Better 里用了 M 而不是 O：Better = (A + O) / (A + O + M + I)。必备型 M 做好了也不加分，只进 Worse = −(O + M) / (A + O + M + I)。",
        "en": "Better uses M instead of O: Better = (A + O) / (A + O + M + I). Must-be M earns "
              "nothing when done well; it only enters Worse = −(O + M) / (A + O + M + I).",
    },
    "coef_wrong": {
        "zh": "{part} 不对（{features}）。先用 kl.kano_classify 得到每人每个功能的类别，再数 A、O、M、I。",
        "en": "{part} is wrong for {features}. Classify each respondent and feature with kl.kano_classify, then count A, O, M, I.",
    },
    "first_ok": {
        "zh": "先改进“{feature}”：它的 |Worse| 最大（Worse = {worse}），做不好时最让人不满。",
        "en": "Improve '{feature}' first: its |Worse| is largest (Worse = {worse}); doing it badly causes the most dissatisfaction.",
    },
    "first_by_better": {
        "zh": "“{given}”的 Better 最大，是加分项；但要先消除不满：选 |Worse| 最大的功能。",
        "en": "'{given}' has the largest Better — a delighter. First remove dissatisfaction: pick the feature with the largest |Worse|.",
    },
    "first_smallest_worse": {
        "zh": "“{given}”的 Worse 离 0 最近，缺少它几乎没人不满。Worse 是负数，要看绝对值最大（最负）的那个。",
        "en": "'{given}' has the Worse closest to 0: hardly anyone minds its absence. Worse is negative; take the largest absolute value (most negative).",
    },
    "first_wrong": {
        "zh": "“{given}”不是最该先改进的。比较各功能 Worse 的绝对值，最大的先改。",
        "en": "'{given}' is not the first to improve. Compare the absolute Worse values and start with the largest.",
    },
}


BW_HINTS = {
    "better": [
        {"zh": "Better 看的是“有了会更满意”的回答：哪些类别属于这一边？",
         "en": "Better is about answers that make people more satisfied when the feature is there: which categories are those?"},
        {"zh": "Better = (A + O) / (A + O + M + I)；R 和 Q 不进分母。", "en": "Better = (A + O) / (A + O + M + I); R and Q stay out of the denominator."},
        {"zh": "示范 {feature}：A = {A}，O = {O}，M = {M}，I = {I}；Better = ({A} + {O}) / ({A} + {O} + {M} + {I})。",
         "en": "Worked for {feature}: A = {A}, O = {O}, M = {M}, I = {I}; Better = ({A} + {O}) / ({A} + {O} + {M} + {I})."},
    ],
    "worse": [
        {"zh": "Worse 看的是“没有时会不满”的回答，并且按惯例取负号。",
         "en": "Worse is about answers that dissatisfy when the feature is missing, and by convention it is negative."},
        {"zh": "Worse = −(O + M) / (A + O + M + I)；R 和 Q 不进分母。", "en": "Worse = −(O + M) / (A + O + M + I); R and Q stay out of the denominator."},
        {"zh": "示范 {feature}：A = {A}，O = {O}，M = {M}，I = {I}；Worse = −({O} + {M}) / ({A} + {O} + {M} + {I})。",
         "en": "Worked for {feature}: A = {A}, O = {O}, M = {M}, I = {I}; Worse = −({O} + {M}) / ({A} + {O} + {M} + {I})."},
    ],
    "improve_first": [
        {"zh": "先消除不满，再创造惊喜。", "en": "Remove dissatisfaction before adding delight."},
        {"zh": "比较各功能 Worse 的绝对值：最大（最负）的那个缺失时最让人不满。",
         "en": "Compare the absolute Worse values: the largest (most negative) hurts most when missing."},
        {"zh": "示范：Worse 从最负到最不负依次为 {ranking}。", "en": "Worked: Worse from most to least negative: {ranking}."},
    ],
}


def kano_counts(survey: Survey) -> pd.DataFrame:
    """Counts of A, O, M, I, R, Q per feature from the survey's KANO answer pairs."""
    rows = {}
    for feature, (functional, dysfunctional) in survey.codebook.kano_pairs().items():
        pairs = survey.data[[functional, dysfunctional]].dropna()
        letters = pd.Series(classify(pairs[functional].astype(int), pairs[dysfunctional].astype(int)))
        rows[feature] = letters.value_counts().reindex(list(CATEGORIES), fill_value=0)
    return pd.DataFrame(rows).T


def better_worse(counts: pd.DataFrame, denominator: str = "AOMI") -> tuple[pd.Series, pd.Series]:
    """Better = (A+O)/Σ, Worse = −(O+M)/Σ with Σ over the letters in ``denominator``."""
    total = counts[list(denominator)].sum(axis=1)
    return (counts["A"] + counts["O"]) / total, -(counts["O"] + counts["M"]) / total


def _coefficient(feedback: Feedback, part: str, given, expected: pd.Series, candidates: dict) -> bool:
    if isinstance(given, pd.DataFrame) and part in given.columns:
        given = given.set_index("feature")[part] if "feature" in given.columns else given[part]
    given = read_numbers(given)
    if given is None:
        feedback.wrong(part, "missing_part", part=part, expected_kind="dict {feature: value}")
        return False
    tol = decimals_tolerance(BW_DECIMALS)
    if close_all(given, expected, tol):
        feedback.right(part, f"{part}_ok", tolerance=feedback.tolerance(BW_DECIMALS))
        return True
    for mistake, predicted in candidates.items():
        if close_all(given, predicted, tol):
            feedback.wrong(part, mistake, mistake=mistake)
            return False
    wrong = [f for f in expected.index if not close_all(given, {f: expected[f]}, tol)]
    feedback.wrong(part, "coef_wrong", part=part, features=", ".join(wrong))
    return False


@checker
def check_better_worse(answer, survey: Survey, lang: str = "zh") -> CheckResult:
    """Check Better/Worse coefficients per feature and the feature to improve first.

    Parameters
    ----------
    answer : dict
        ``better`` and ``worse``: ``{feature: coefficient}`` (dict or Series);
        ``improve_first``: the feature id with the largest |Worse|.
    survey : Survey
        The case (or a filtered part of it) with KANO answer pairs.
    lang : {"zh", "en"}

    Returns
    -------
    CheckResult
        Typical mistakes: ``worse_sign``, ``with_rq``, ``mo_swapped`` (Better with M),
        ``first_by_better``, ``first_smallest_worse``.

    Example
    -------
    >>> import kitlib as kl
    >>> check_better_worse(..., kl.load_case("it_firm"), lang="en").correct
    False

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality Management Journal*, 2(4), 3–36.
    """
    feedback = Feedback("better_worse", lang, BW_MESSAGES, BW_HINTS)
    parts = feedback.parts(answer, BW_PARTS)
    if parts is None:
        return feedback.result()
    counts = kano_counts(survey)
    example = counts.index[0]
    for part in ("better", "worse"):
        feedback.step(part, feature=example, **{c: int(counts.loc[example, c]) for c in "AOMI"})
    better, worse = better_worse(counts)
    better_rq, worse_rq = better_worse(counts, denominator="AOMIRQ")
    better_swapped = (counts["A"] + counts["M"]) / counts[list("AOMI")].sum(axis=1)
    _coefficient(feedback, "better", parts.get("better"), better, {"with_rq": better_rq, "mo_swapped": better_swapped})
    _coefficient(
        feedback, "worse", parts.get("worse"), worse,
        {"worse_sign": -worse, "with_rq": worse_rq},
    )
    labels = read_labels(parts.get("improve_first"))
    if not labels or len(labels) != 1:
        feedback.wrong("improve_first", "missing_part", part="improve_first", expected_kind="one feature id, e.g. 'F03'")
        return feedback.result()
    given = labels[0]
    first = worse.idxmin()
    feedback.step("improve_first", ranking=", ".join(f"{f} {fmt(v)}" for f, v in worse.sort_values().head(4).items()))
    name = survey.codebook.label(first, lang)
    if given in (first, name):
        feedback.right("improve_first", "first_ok", feature=f"{first} {name}", worse=fmt(worse[first]))
    elif given == better.idxmax():
        feedback.wrong("improve_first", "first_by_better", mistake="first_by_better", given=given)
    elif given == worse.idxmax():
        feedback.wrong("improve_first", "first_smallest_worse", mistake="first_smallest_worse", given=given)
    else:
        feedback.wrong("improve_first", "first_wrong", given=given)
    return feedback.result()
