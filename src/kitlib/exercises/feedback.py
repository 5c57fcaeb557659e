"""Shared machinery of the exercise checks: bilingual messages and answer reading.

Each check module keeps its own ``MESSAGES`` table ``{key: {"zh": ..., "en": ...}}``
and builds a :class:`~kitlib.exercises.result.CheckResult` through a
:class:`Feedback` collector.  Answers typed by participants come in many shapes
(a number, a dict, a pandas Series, a list); the ``read_*`` helpers turn them
into plain Python values or return ``None`` when they cannot, so a check can
answer "this is not a number" instead of raising.

Example
-------
>>> from kitlib.exercises.feedback import Feedback, read_number
>>> feedback = Feedback("demo", "en", {"right": {"zh": "对", "en": "right: {value}"}})
>>> feedback.right("sum", "right", value=read_number("4"))
>>> feedback.result().correct
True

References
----------
Shute, V. J. (2008). Focus on formative feedback. *Review of Educational
Research*, 78(1), 153–189.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kitlib.i18n import Catalog, check_lang
from kitlib.exercises.result import CheckResult, Finding

__all__ = [
    "close",
    "close_all",
    "Feedback",
    "fmt",
    "is_unanswered",
    "read_labels",
    "read_mapping",
    "read_number",
    "read_numbers",
    "read_vector",
    "same_vector",
]

TOLERANCE = 0.01  # answers may be rounded to two decimals

COMMON = Catalog({
    "unanswered": {
        "zh": "还没有作答：把 TODO 单元格里的 None / ... 换成你的答案，再运行检查。",
        "en": "No answer yet: replace the None / ... in the TODO cell with your answer and run the check again.",
    },
    "missing_part": {
        "zh": "答案里缺少“{part}”这一项（应为{expected_kind}）。",
        "en": "Your answer has no '{part}' (expected {expected_kind}).",
    },
    "not_number": {
        "zh": "“{part}”应当是一个数，你给的是 {given!r}。",
        "en": "'{part}' should be a number; you gave {given!r}.",
    },
    "not_mapping": {
        "zh": "答案应当是一个字典（dict），键为 {keys}；你给的是 {given}。",
        "en": "The answer should be a dict with keys {keys}; you gave a {given}.",
    },
    "unknown_key": {
        "zh": "“{part}”中的“{key}”不存在；可选的有：{allowed}。",
        "en": "'{key}' in '{part}' is not one of: {allowed}.",
    },
})


def is_unanswered(value) -> bool:
    """True for ``None``, ``...`` and containers whose every entry is unanswered."""
    if value is None or value is Ellipsis:
        return True
    if isinstance(value, Mapping):
        return len(value) == 0 or all(is_unanswered(v) for v in value.values())
    return False


def read_number(value) -> float | None:
    """A finite float from a number, numpy scalar or numeric string; else ``None``."""
    if isinstance(value, bool) or value is None or value is Ellipsis:
        return None
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(value) == 1:
        value = np.asarray(value).ravel()[0]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def read_mapping(value) -> dict | None:
    """A plain dict from a dict or pandas Series; ``None`` for anything else."""
    if isinstance(value, pd.Series):
        return value.to_dict()
    if isinstance(value, Mapping):
        return dict(value)
    return None


def read_numbers(value) -> dict | None:
    """``{key: float or None}`` from a dict/Series of numbers; ``None`` if not a mapping."""
    mapping = read_mapping(value)
    if mapping is None:
        return None
    return {key: read_number(number) for key, number in mapping.items()}


def read_labels(value) -> list | None:
    """A list of strings from a str, list, tuple, set, array or Series; ``None`` otherwise."""
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, (list, tuple, set, np.ndarray, pd.Series, pd.Index)):
        return [str(v).strip() for v in value]
    return None


def read_vector(value) -> np.ndarray | None:
    """A float array from a list, array or Series; ``None`` if not convertible."""
    if isinstance(value, (str, Mapping)) or value is None or value is Ellipsis:
        return None
    try:
        array = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        return None
    return array


def close(answer: float | None, expected: float, tol: float = TOLERANCE) -> bool:
    """``|answer - expected| <= tol`` (False when the answer is missing)."""
    return answer is not None and abs(answer - expected) <= tol + 1e-12


def close_all(answer: dict | None, expected: Mapping, tol: float = TOLERANCE) -> bool:
    """Every key of ``expected`` is in ``answer`` and close to its value."""
    if answer is None:
        return False
    return all(close(answer.get(key), value, tol) for key, value in expected.items())


def same_vector(answer: np.ndarray | None, expected, tol: float = 1e-9) -> bool:
    """Arrays of equal length that agree everywhere (NaN matching NaN)."""
    expected = np.asarray(expected, dtype=float)
    if answer is None or answer.shape != expected.shape:
        return False
    return bool(np.allclose(answer, expected, atol=tol, rtol=0, equal_nan=True))


def fmt(value: float, digits: int = 2) -> str:
    """Round only for display."""
    return f"{value:.{digits}f}"


class Feedback:
    """Collects findings for one check in one language."""

    def __init__(self, exercise: str, lang: str, messages: dict):
        self.exercise = exercise
        self.lang = check_lang(lang)
        self.messages = COMMON.merged(messages)
        self.findings: list[Finding] = []

    def say(self, key: str, **values) -> str:
        return self.messages(key, self.lang, **values)

    def right(self, part: str, key: str, /, **values) -> None:
        self.findings.append(Finding(part, True, self.say(key, **values)))

    def wrong(self, part: str, key: str, /, mistake: str | None = None, **values) -> None:
        self.findings.append(Finding(part, False, self.say(key, **values), mistake))

    def result(self) -> CheckResult:
        return CheckResult(self.exercise, self.lang, list(self.findings))

    def unanswered(self) -> CheckResult:
        self.wrong("answer", "unanswered", mistake="unanswered")
        return self.result()

    def parts(self, answer, keys: tuple[str, ...]) -> dict | None:
        """The answer as a dict with ``keys``; records a hint and returns ``None`` if unanswered or not a dict."""
        if is_unanswered(answer):
            self.unanswered()
            return None
        mapping = read_mapping(answer)
        if mapping is None:
            self.wrong("answer", "not_mapping", mistake="not_mapping", keys=", ".join(keys), given=type(answer).__name__)
        return mapping

    def number(self, answer, part: str) -> float | None:
        """The answer (a number, or ``{part: number}``) as a float; records a hint and returns ``None`` if there is none."""
        mapping = read_mapping(answer)
        if mapping is not None:
            answer = mapping.get(part)
        if is_unanswered(answer):
            self.unanswered()
            return None
        given = read_number(answer)
        if given is None:
            self.wrong(part, "not_number", part=part, given=answer)
        return given

