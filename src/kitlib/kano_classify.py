"""Classify KANO answer pairs with the standard evaluation table (Berger et al. 1993).

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
>>> from kitlib.kano_classify import ANSWER_OPTIONS, CATEGORY_NAMES, kano_classify
>>> kano_classify([1, 2, 3, 1], [5, 5, 3, 3]).tolist()
['O', 'M', 'I', 'A']
>>> CATEGORY_NAMES["M"]["en"], ANSWER_OPTIONS[2]["zh"]
('must-be', '理应如此')

References
----------
Berger, C., Blauth, R., Boger, D., et al. (1993). Kano's methods for understanding
customer-defined quality. *Center for Quality of Management Journal*, 2(4), 3–36.
Kano, N., Seraku, N., Takahashi, F., & Tsuji, S. (1984). Attractive quality and
must-be quality. *Hinshitsu*, 14(2), 39–48.
"""

from __future__ import annotations

import numpy as np

from .errors import AnalysisInputError

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

    Example
    -------
    >>> kano_classify(5, 1).tolist()
    'R'

    References
    ----------
    Berger, C. et al. (1993). *Center for Quality of Management Journal*, 2(4), 3–36.
    """
    return _LETTERS[kano_codes(functional, dysfunctional)]
