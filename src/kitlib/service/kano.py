"""KANO classification of service features: the evaluation table, per-feature categories,
Better/Worse coefficients and Fong's significance test.

Classify KANO answer pairs with the standard evaluation table (Berger et al. 1993).

Per-feature KANO summary: category counts, category, Better/Worse, Fong's test.

Example
-------
>>> from kitlib.service.kano import ANSWER_OPTIONS, CATEGORY_NAMES, kano_classify
>>> kano_classify([1, 2, 3, 1], [5, 5, 3, 3]).tolist()
['O', 'M', 'I', 'A']
>>> CATEGORY_NAMES["M"]["en"], ANSWER_OPTIONS[2]["zh"]
('must-be', '理应如此')
>>> import kitlib as kl
>>> kl.kano_table(kl.load_case("it_firm"))[["feature", "category", "better", "worse"]]  # doctest: +SKIP

References
----------
Berger, C., Blauth, R., Boger, D., et al. (1993). Kano's methods for understanding
customer-defined quality. *Center for Quality of Management Journal*, 2(4), 3–36.
Kano, N., Seraku, N., Takahashi, F., & Tsuji, S. (1984). Attractive quality and
must-be quality. *Hinshitsu*, 14(2), 39–48.
Fong, D. (1996). Using the self-stated importance questionnaire to interpret Kano
questionnaire results. *Center for Quality of Management Journal*, 5(3), 21–24.
Matzler, K., & Hinterhuber, H. H. (1998). How to make product development projects
more successful by integrating Kano's model. *Technovation*, 18(1), 25–38.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kitlib._checks import check_confidence
from kitlib.errors import AnalysisInputError, OptionError
from kitlib.service import _shared as svc

__all__ = ["kano_classify", "kano_codes", "kano_table", "summarize_kano_counts", "cs_interval", "DENOMINATORS", "CS_INTERVALS"]

CATEGORIES = ("A", "O", "M", "I", "R", "Q")
CATEGORY_NAMES = {
    "A": {"zh": "魅力型", "en": "attractive"},
    "O": {"zh": "期望型", "en": "one-dimensional"},
    "M": {"zh": "必备型", "en": "must-be"},
    "I": {"zh": "无差异型", "en": "indifferent"},
    "R": {"zh": "反向型", "en": "reverse"},
    "Q": {"zh": "可疑结果", "en": "questionable"},
}
ANSWER_OPTIONS = {
    1: {"zh": "我喜欢", "en": "I like it"},
    2: {"zh": "理应如此", "en": "I expect it"},
    3: {"zh": "无所谓", "en": "I am neutral"},
    4: {"zh": "能忍受", "en": "I can live with it"},
    5: {"zh": "我不喜欢", "en": "I dislike it"},
}
_CODES_HINT = "codes 1..5 (like, must-be, neutral, live-with, dislike)"
MISSING_CODE = len(CATEGORIES)
EVALUATION_TABLE = (
    "QAAAO",
    "RIIIM",
    "RIIIM",
    "RIIIM",
    "RRRRQ",
)
_LETTERS = np.array(CATEGORIES + ("",))


def _build_lookup() -> np.ndarray:
    lookup = np.full((6, 6), MISSING_CODE, dtype=np.int8)
    for f, row in enumerate(EVALUATION_TABLE, start=1):
        for d, letter in enumerate(row, start=1):
            lookup[f, d] = CATEGORIES.index(letter)
    return lookup.ravel()


LOOKUP = _build_lookup()


def _as_codes(values, name: str) -> np.ndarray:
    """Answers as integer codes 0..5 (0 = missing); raise on anything else."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        if array.size and (array.min() < 1 or array.max() > 5):
            bad = array[(array < 1) | (array > 5)]
            raise AnalysisInputError(f"{name} KANO answers must be {_CODES_HINT}; found {bad[:5].tolist()}")
        return array.astype(np.intp, copy=False)
    if array.dtype.kind == "b" or array.dtype.kind not in "f" and array.dtype != object:
        raise AnalysisInputError(f"{name} KANO answers must be numbers 1..5, not {array.dtype} values")
    try:
        array = array.astype(float)
    except (TypeError, ValueError):
        raise AnalysisInputError(f"{name} KANO answers must be numbers 1..5 (or missing)") from None
    missing = np.isnan(array)
    filled = np.where(missing, 0.0, array)
    invalid = ~missing & ((filled < 1) | (filled > 5) | (filled != np.round(filled)))
    if invalid.any():
        raise AnalysisInputError(
            f"{name} KANO answers must be {_CODES_HINT}; found {array[invalid][:5].tolist()}"
        )
    return filled.astype(np.intp)


def kano_codes(functional, dysfunctional) -> np.ndarray:
    """Category codes 0..5 (index into ``CATEGORIES``) or 6 when either answer is missing."""
    f = _as_codes(functional, "functional")
    d = _as_codes(dysfunctional, "dysfunctional")
    if f.shape != d.shape:
        raise AnalysisInputError(f"functional and dysfunctional answers must have the same shape, not {f.shape} and {d.shape}")
    return LOOKUP[f * 6 + d]


def kano_classify(functional, dysfunctional) -> np.ndarray:
    """KANO category of each functional/dysfunctional answer pair.

    Parameters
    ----------
    functional, dysfunctional : array-like of codes 1..5
        1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike; NaN = missing.
        Any shape (the two must match).

    Returns
    -------
    ndarray of str
        ``"A"``, ``"O"``, ``"M"``, ``"I"``, ``"R"``, ``"Q"``, or ``""``
        where an answer is missing.

    Raises
    ------
    AnalysisInputError
        Codes outside 1..5, non-numbers, or mismatched shapes.

    Notes
    -----
    Each respondent answers a functional question ("if the service had this
    feature, how would you feel?") and a dysfunctional one ("... did not have
    it?") with 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike.  The pair
    is looked up in the 5×5 table (rows functional, columns dysfunctional)::

                     dysfunctional: like  must-be  neutral  live-with  dislike
        functional like              Q      A        A         A          O
                   must-be           R      I        I         I          M
                   neutral           R      I        I         I          M
                   live-with         R      I        I         I          M
                   dislike           R      R        R         R          Q

    A attractive, O one-dimensional, M must-be, I indifferent, R reverse,
    Q questionable.  The lookup is vectorized: codes become an index into a
    flat 36-cell table (index 0 of each axis = missing answer).
    ``CATEGORY_NAMES`` and ``ANSWER_OPTIONS`` hold the bilingual category names
    and answer wordings that every other module (case generator, exercises,
    widgets, tables, charts) uses.

    Example
    -------
    >>> kano_classify(5, 1).tolist()
    'R'

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality of Management Journal*, 2(4), 3–36.
    """
    return _LETTERS[kano_codes(functional, dysfunctional)]



TIE_BREAK_ORDER = ("M", "O", "A", "I", "R", "Q")
FONG_Z = 1.65
FUNCTIONAL_SCORES = np.array([np.nan, 4, 2, 0, -1, -2])
DYSFUNCTIONAL_SCORES = np.array([np.nan, -2, -1, 0, 2, 4])
CATEGORY_LABELS = {  # capitalised: table values and chart legends
    letter: {"zh": names["zh"], "en": names["en"].capitalize()} for letter, names in CATEGORY_NAMES.items()
}
#: Denominators of Better/Worse: Berger et al. (1993) "AOMI", or every classified answer ("all").
DENOMINATORS = {"AOMI": ("A", "O", "M", "I"), "all": CATEGORIES}
#: Intervals of the Better/Worse proportions.
CS_INTERVALS = ("wilson", "normal")
CS_INTERVAL_COLUMNS = ["better_ci_low", "better_ci_high", "worse_ci_low", "worse_ci_high"]


def cs_interval(successes, n, confidence: float = 0.95, interval: str = "wilson") -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of the proportion ``successes / n`` (arrays; NaN where n = 0).

    Parameters
    ----------
    successes, n : array-like
        Counts (e.g. A + O and the Better denominator).
    confidence : float, default 0.95
    interval : {"wilson", "normal"}, default "wilson"

    Returns
    -------
    (ndarray, ndarray)
        Lower and upper bounds in [0, 1].

    Notes
    -----
    With p̂ = x / n and z = Φ⁻¹(1 − α/2):

        Wilson:  (p̂ + z²/2n ± z · sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)
        normal:  p̂ ± z · sqrt(p̂(1 − p̂)/n),  clipped to [0, 1]

    Wilson equals R's ``prop.test(x, n, correct = FALSE)$conf.int`` and keeps
    its coverage for small n and proportions near 0 or 1, where the normal
    (Wald) interval collapses to a point.

    Example
    -------
    >>> low, high = cs_interval([40], [100])
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.3094, 0.498)

    References
    ----------
    Wilson, E. B. (1927). *Journal of the American Statistical Association*, 22(158), 209–212.
    Agresti, A., & Coull, B. A. (1998). *The American Statistician*, 52(2), 119–126.
    """
    if interval not in CS_INTERVALS:
        raise OptionError(f"interval must be one of {', '.join(map(repr, CS_INTERVALS))}, not {interval!r}")
    check_confidence(confidence)
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, x / n, np.nan)
        if interval == "wilson":
            centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
            half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
        else:
            centre, half = p, z * np.sqrt(p * (1 - p) / n)
    low = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, 1.0))  # exact bounds at the edges, no rounding residue
    high = np.where(x == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def summarize_kano_counts(counts: pd.DataFrame, denominator: str = "AOMI", confidence: float = 0.95,
                          interval: str = "wilson") -> pd.DataFrame:
    """Add ``n, category, better, worse, better_ci_low, better_ci_high, worse_ci_low, worse_ci_high,
    fong_difference, fong_threshold, fong_significant`` to A/O/M/I/R/Q counts.

    Works on counts or shares (only ratios and, for Fong's test, the totals
    matter) — except the intervals, which need counts.  ``denominator``
    (``"AOMI"`` or ``"all"``), ``confidence`` and ``interval`` (``"wilson"`` or
    ``"normal"``) are explained in :func:`kano_table`.

    Example
    -------
    >>> table = pd.DataFrame({"A": [10], "O": [30], "M": [50], "I": [10], "R": [0], "Q": [0]})
    >>> summarize_kano_counts(table)[["category", "better", "worse"]].values.tolist()
    [['M', 0.4, -0.8]]
    """
    if denominator not in DENOMINATORS:
        raise OptionError(f"denominator must be 'AOMI' (Berger et al. 1993) or 'all' (A+O+M+I+R+Q), not {denominator!r}")
    if interval not in CS_INTERVALS:
        raise OptionError(f"interval must be one of {', '.join(map(repr, CS_INTERVALS))}, not {interval!r}")
    check_confidence(confidence)
    missing = [c for c in CATEGORIES if c not in counts.columns]
    if missing:
        raise AnalysisInputError(f"KANO counts need columns {', '.join(CATEGORIES)}; missing {', '.join(missing)}")
    out = counts.copy()
    values = out[list(CATEGORIES)].to_numpy(dtype=float)
    if (values < 0).any():
        raise AnalysisInputError("KANO counts cannot be negative")
    n = values.sum(axis=1)
    out["n"] = n
    ordered = out[list(TIE_BREAK_ORDER)].to_numpy(dtype=float)
    best = np.argmax(ordered, axis=1)  # first maximum in tie-break order
    category = np.array(TIE_BREAK_ORDER, dtype=object)[best]
    out["category"] = np.where(n > 0, category, None)
    a, o, m = (out[c].to_numpy(dtype=float) for c in ("A", "O", "M"))
    core = out[list(DENOMINATORS[denominator])].to_numpy(dtype=float).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["better"] = np.where(core > 0, (a + o) / core, np.nan)
        out["worse"] = np.where(core > 0, -(o + m) / core, np.nan)
        out["better_ci_low"], out["better_ci_high"] = cs_interval(a + o, core, confidence, interval)
        worse_low, worse_high = cs_interval(o + m, core, confidence, interval)
        out["worse_ci_low"], out["worse_ci_high"] = -worse_high, -worse_low
        top_two = -np.sort(-values, axis=1)[:, :2]
        first, second = top_two[:, 0], top_two[:, 1]
        out["fong_difference"] = first - second
        out["fong_threshold"] = FONG_Z * np.sqrt((first + second) * (2 * n - first - second) / (2 * n))
    out["fong_significant"] = np.where(n > 0, out["fong_difference"] >= out["fong_threshold"], False)
    return out


def kano_table(survey, by=None, min_group_size: int = 5, denominator: str = "AOMI", confidence: float = 0.95,
               interval: str = "wilson") -> pd.DataFrame:
    """KANO classification of every feature (optionally per group).

    Parameters
    ----------
    survey : Survey
        With KANO pairs (kinds ``kano_functional``/``kano_dysfunctional``
        sharing a ``feature``).
    by : str or list of str, optional
        Group columns; groups below ``min_group_size`` distinct respondents
        (not rows; and their give-away siblings) are blanked.
    min_group_size : int, default 5
    denominator : {"AOMI", "all"}, default "AOMI"
        Denominator of Better and Worse: A + O + M + I (Berger et al. 1993)
        or every classified answer A + O + M + I + R + Q (used by some
        published tables; gives smaller coefficients when R or Q occur).
    confidence : float, default 0.95
        Level of the Better/Worse intervals.
    interval : {"wilson", "normal"}, default "wilson"
        Wilson score or normal-approximation interval of the proportions.

    Returns
    -------
    DataFrame
        One row per feature (and group): ``feature, label_zh, label_en,
        A, O, M, I, R, Q, n`` (respondents who answered the pair; where a
        respondent can rate several providers ``n_rows`` follows with the
        answered pairs, which the counts, coefficients, intervals and Fong's
        test use — ``attrs["unit"]`` is then ``"rating"``), ``category`` (mode, ties
        M > O > A > I > R > Q), ``category_zh``, ``category_en``, ``better``,
        ``worse``, ``better_ci_low``, ``better_ci_high``, ``worse_ci_low``,
        ``worse_ci_high``, ``fong_difference``, ``fong_threshold``, ``fong_significant``,
        ``functional_score``, ``dysfunctional_score``, ``importance`` (NaN if
        not asked); ``group_n, suppressed, suppression`` (without ``by`` the
        whole survey is the group).

    Raises
    ------
    AnalysisInputError
        No KANO pairs, or answers outside 1..5.

    Notes
    -----
    For each feature the answer pairs are classified (:func:`kano_classify`) and
    counted.  The feature's category is the most frequent one (mode); ties are
    broken in the order **M > O > A > I > R > Q** — the "when in doubt, must-be
    first" rule (Berger et al. 1993; Matzler & Hinterhuber 1998), because failing
    a must-be costs most.  Customer-satisfaction coefficients (Berger et al. 1993):

        Better = (A + O) / D        in [0, 1]
        Worse  = −(O + M) / D       in [−1, 0]

    with D = A + O + M + I (``denominator="AOMI"``, Berger et al. 1993;
    Sauerwein et al. 1996) or D = A + O + M + I + R + Q (``"all"``).  Better
    and −Worse are proportions of the D answers, so their intervals are those
    of a binomial proportion x / D (x = A + O, resp. O + M; the Worse bounds
    are negated and swapped), z = Φ⁻¹(1 − α/2):

        Wilson:  (p̂ + z²/2D ± z · sqrt(p̂(1 − p̂)/D + z²/4D²)) / (1 + z²/D)
        normal:  p̂ ± z · sqrt(p̂(1 − p̂)/D),  clipped to [0, 1]

    Wilson (default) equals R's ``prop.test(x, D, correct = FALSE)$conf.int``
    and behaves well for small D and coefficients near 0 or 1; the two
    coefficients of a feature share their answers and are not independent.

    Fong's (1996) test says whether the two most frequent categories differ:
    with counts a ≥ b among n answers, the classification is *not* significant
    when ``|a − b| < 1.65 · sqrt((a + b)(2n − a − b) / (2n))``.

    The continuous view (DuMouchel, in Berger et al. 1993) scores the answers —
    functional like 4, must-be 2, neutral 0, live-with −1, dislike −2;
    dysfunctional like −2, must-be −1, neutral 0, live-with 2, dislike 4 — and
    reports their means; ``importance`` is the mean self-stated importance
    (``kind: importance`` columns with a ``feature``).

    Where one respondent answers the pair for several providers, every answer
    pair is counted (the unit is the rating); the Wilson intervals and Fong's
    test then treat one person's pairs as independent and are too narrow
    (no cluster correction is applied to KANO counts).

    Example
    -------
    >>> import kitlib as kl
    >>> table = kl.kano_table(kl.load_case("it_firm"))
    >>> bool(((table["better"] >= 0) & (table["better"] <= 1)).all())
    True

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality of Management Journal*, 2(4), 3–36.
    Fong, D. (1996). *Center for Quality of Management Journal*, 5(3), 21–24.
    Sauerwein, E., Bailom, F., Matzler, K., & Hinterhuber, H. H. (1996). The Kano model: how to
    delight your customers. *Preprints of the IX International Working Seminar on Production
    Economics*, 1, 313–327.
    Wilson, E. B. (1927). *Journal of the American Statistical Association*, 22(158), 209–212.
    """
    survey, min_group_size, keys = svc.check_inputs(survey, "kano_table", min_group_size, by)
    pairs = survey.codebook.kano_pairs()
    if not pairs:
        raise AnalysisInputError("kano_table() needs KANO items (kinds kano_functional and kano_dysfunctional with a 'feature')")
    book = survey.codebook
    importance = {book.columns[c].feature: c for c in book.items("importance") if book.columns[c].feature}
    data = survey.data
    ids = svc.person_ids(survey)
    group_codes = (data.groupby(keys, dropna=False, sort=True).ngroup().to_numpy() if keys else np.zeros(len(data), dtype=np.intp))
    n_groups = int(group_codes.max()) + 1 if len(data) else 0
    group_frame = data.groupby(keys, dropna=False, sort=True).size().reset_index()[keys] if keys else None
    rows = []
    for feature, (f_column, d_column) in pairs.items():
        f_answers, d_answers = data[f_column].to_numpy(), data[d_column].to_numpy()
        try:
            codes = kano_codes(f_answers, d_answers)
        except AnalysisInputError as error:
            raise AnalysisInputError(f"feature {feature} ({f_column}/{d_column}): {error}") from None
        counts = np.bincount(group_codes * (MISSING_CODE + 1) + codes, minlength=n_groups * (MISSING_CODE + 1))
        counts = counts.reshape(n_groups, MISSING_CODE + 1)[:, :MISSING_CODE]
        f_score = FUNCTIONAL_SCORES[np.nan_to_num(np.asarray(f_answers, dtype=float), nan=0).astype(np.intp)]
        d_score = DYSFUNCTIONAL_SCORES[np.nan_to_num(np.asarray(d_answers, dtype=float), nan=0).astype(np.intp)]
        means = pd.DataFrame({
            "functional_score": f_score, "dysfunctional_score": d_score,
            "importance": data[importance[feature]].to_numpy(dtype=float) if feature in importance else np.nan,
        }).groupby(pd.Index(group_codes)).mean()  # an Index, not an array: pandas formats an array key it looks up among the columns
        block = pd.DataFrame(counts, columns=list(CATEGORIES))
        block.insert(0, "feature", feature)
        block.insert(1, "label_zh", book.label(feature, "zh"))
        block.insert(2, "label_en", book.label(feature, "en"))
        block = pd.concat([block, means.reset_index(drop=True)], axis=1)
        if ids is not None:
            answered = codes < MISSING_CODE
            people = pd.Series(ids.to_numpy()[answered]).groupby(group_codes[answered]).nunique()
            block["people"] = people.reindex(range(n_groups), fill_value=0).to_numpy()
        if keys:
            block = pd.concat([group_frame, block], axis=1)
        rows.append(block)
    table = summarize_kano_counts(pd.concat(rows, ignore_index=True), denominator, confidence, interval)
    rows_used = []
    if ids is not None:
        table["n_rows"] = table["n"]
        table["n"] = table.pop("people")
        rows_used = ["n_rows"]
    table["category_zh"] = table["category"].map(lambda c: CATEGORY_LABELS[c]["zh"] if c else None)
    table["category_en"] = table["category"].map(lambda c: CATEGORY_LABELS[c]["en"] if c else None)
    order = keys + ["feature", "label_zh", "label_en", *CATEGORIES, "n", *rows_used, "category", "category_zh", "category_en",
                    "better", "worse", *CS_INTERVAL_COLUMNS, "fong_difference", "fong_threshold", "fong_significant",
                    "functional_score", "dysfunctional_score", "importance"]
    table = table[order]
    numbers = [*CATEGORIES, "n", *rows_used, "better", "worse", *CS_INTERVAL_COLUMNS, "fong_difference", "fong_threshold",
               "functional_score", "dysfunctional_score", "importance"]
    table = svc.suppress_groups(table, data, keys, min_group_size, numbers, svc.respondent_column(survey), survey)
    hidden = table["suppressed"].to_numpy(bool)
    if hidden.any():
        for column in ("category", "category_zh", "category_en", "fong_significant"):
            table[column] = table[column].astype(object).mask(hidden, None)
    table.attrs["unit"] = svc.unit_of(ids, counted=True)
    return table
