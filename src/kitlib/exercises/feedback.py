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

import datetime as _dt
import functools
import getpass
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from kitlib.exercises.result import CheckResult, Finding
from kitlib.i18n import Catalog, check_lang

__all__ = [
    "RECORD_ENV",
    "RECORD_FILE",
    "checker",
    "close",
    "decimals_tolerance",
    "read_keyed",
    "record_result",
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
HINT_LEVELS = 3  # nudge, concept, worked step
RECORD_ENV = "KITLIB_RECORD"  # a file or folder: every check appends one JSON line there
PARTICIPANT_ENV = "KITLIB_PARTICIPANT"
RECORD_FILE = "kitlib-checks.jsonl"
SHAPE_PROBLEMS = frozenset({"not_mapping", "shape_index", "shape_columns", "shape_rows", "unknown_keys", "missing_keys",
                            "missing_part", "not_number", "unknown_key"})

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
    "shape_index": {
        "zh": "数值的形状对了，但索引是 {index}，不是{what}——检查程序无法知道哪个数属于哪个{what}。"
              "把{what}设为索引，例如 table.set_index(\"{column}\")[\"{value}\"]，或写成字典 {{代码: 数值}}。",
        "en": "The values have the right shape, but the index is {index}, not the {what}s, so nobody can tell which "
              "number belongs to which {what}. Make the {what} the index, e.g. table.set_index(\"{column}\")[\"{value}\"], "
              "or give a dict {{code: value}}.",
    },
    "shape_columns": {
        "zh": "这张表里没有“{value}”列（有：{columns}）。只交这一列，例如 table[\"{value}\"]。",
        "en": "This table has no '{value}' column (it has: {columns}). Pass that one column, e.g. table[\"{value}\"].",
    },
    "shape_rows": {
        "zh": "表里每个{what}有不止一行（{rows} 行）：先筛选到一个服务部门/一组，再交每个{what}一个数。",
        "en": "The table has more than one row per {what} ({rows} rows): filter to one provider/group first, one number per {what}.",
    },
    "unknown_keys": {
        "zh": "“{keys}”不是{what}的名称。可以用代码（{codes}）、中文名（{zh}）或英文名（{en}）。",
        "en": "'{keys}' is not a {what} name. Use the codes ({codes}), the Chinese ({zh}) or the English names ({en}).",
    },
    "missing_keys": {
        "zh": "缺少{what}：{keys}。每个{what}都要给一个数。",
        "en": "Missing {what}(s): {keys}. Give one number per {what}.",
    },
    "tolerance": {
        "zh": "（容差 ±{tol}：按 {decimals} 位小数四舍五入的答案都算对）",
        "en": "(tolerance ±{tol}: answers rounded to {decimals} decimal(s) count as right)",
    },
    "too_coarse": {
        "zh": "差不多了，但四舍五入得太粗：本题要求保留 {decimals} 位小数（容差 ±{tol}）。",
        "en": "Nearly: rounded too coarsely. This task asks for {decimals} decimal(s) (tolerance ±{tol}).",
    },
    "answer_first": {
        "zh": "先试着作答：运行检查后会给出针对你答案的提示。",
        "en": "Have a go first: once you have run the check on an answer, the hints will address it.",
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


def decimals_tolerance(decimals: int) -> float:
    """Half a unit of the last decimal the task asks for: an answer rounded to ``decimals`` is within it.

    Example
    -------
    >>> decimals_tolerance(1)
    0.05
    """
    return round(0.5 * 10.0 ** -decimals, decimals + 1)


def _fill(wording: str, values: Mapping) -> str:
    class Missing(dict):
        def __missing__(self, key):
            return "{" + key + "}"

    return wording.format_map(Missing(values))


# ---------------------------------------------------------------- answers keyed by dimension / feature / unit
KEY_COLUMNS = ("dimension", "scale", "feature", "unit", "item", "key")


class Keyed:
    """An answer read as ``{code: number}``, or the shape/key problem that stops it."""

    def __init__(self, values: dict | None = None, problem: str | None = None, **detail):
        self.values, self.problem, self.detail = values, problem, detail


def _label_lookup(labels: Mapping[str, Mapping[str, str]]) -> dict:
    lookup = {}
    for code, names in labels.items():
        for name in (code, *names.values()):
            lookup[str(name).strip()] = code
            lookup[str(name).strip().lower()] = code
    return lookup


def read_keyed(answer, labels: Mapping[str, Mapping[str, str]], value: str) -> Keyed:
    """Read ``{code: number}`` from the shapes people give, naming what is wrong with the shape.

    Accepted: a dict or Series keyed by codes, Chinese or English names (any case);
    a DataFrame with a ``value`` column (keys in the index or in a ``dimension`` /
    ``scale`` / ``feature`` / ``unit`` column) or a single numeric column; a kitlib
    result object with such a table (``.dimensions``, ``.table``).

    Parameters
    ----------
    answer
        What the participant gave.
    labels : mapping
        ``{code: {"zh": name, "en": name}}`` of the expected keys.
    value : str
        The name of the value column (``"gap"``, ``"alpha"``, …).

    Returns
    -------
    Keyed
        ``values`` (codes → float or None) or ``problem``: ``"shape_index"``,
        ``"shape_columns"``, ``"shape_rows"``, ``"unknown_keys"``, ``"not_mapping"``.

    Example
    -------
    >>> import pandas as pd
    >>> read_keyed(pd.Series([1.0, 2.0]), {"a": {"zh": "甲", "en": "A"}, "b": {"zh": "乙", "en": "B"}}, "gap").problem
    'shape_index'
    >>> read_keyed({"甲": 1, "B": 2}, {"a": {"zh": "甲", "en": "A"}, "b": {"zh": "乙", "en": "B"}}, "gap").values
    {'a': 1.0, 'b': 2.0}
    """
    for attribute in ("dimensions", "table"):
        table = getattr(answer, attribute, None)
        if isinstance(table, pd.DataFrame) and not isinstance(answer, pd.DataFrame):
            answer = table
            break
    if isinstance(answer, pd.DataFrame):
        frame = answer
        key_column = next((c for c in KEY_COLUMNS if c in frame.columns), None)
        if value in frame.columns:
            if key_column is not None:
                if frame[key_column].duplicated().any():
                    return Keyed(problem="shape_rows", rows=len(frame))
                series = frame.set_index(key_column)[value]
            else:
                series = frame[value]
        else:
            numeric = frame.select_dtypes("number")
            if numeric.shape[1] == 1 and key_column is None:
                series = numeric.iloc[:, 0]
            else:
                return Keyed(problem="shape_columns", columns=", ".join(map(str, frame.columns)))
        answer = series
    if isinstance(answer, pd.Series):
        index = answer.index
        lookup = _label_lookup(labels)
        known = [str(k).strip() in lookup or str(k).strip().lower() in lookup for k in index]
        if not any(known) and pd.api.types.is_integer_dtype(index) and len(index) == len(labels):
            shown = ", ".join(map(str, list(index)[:5]))
            return Keyed(problem="shape_index", index=f"[{shown}]")
    mapping = read_mapping(answer)
    if mapping is None:
        return Keyed(problem="not_mapping")
    lookup = _label_lookup(labels)
    values, unknown = {}, []
    for key, number in mapping.items():
        code = lookup.get(str(key).strip()) or lookup.get(str(key).strip().lower())
        if code is None:
            unknown.append(str(key))
        else:
            values[code] = read_number(number)
    if unknown:
        return Keyed(values, problem="unknown_keys", keys=", ".join(unknown))
    return Keyed(values)


# ---------------------------------------------------------------- recording attempts for the instructor
def _record_target(record) -> Path | None:
    if record is False:
        return None
    if record is None or record is True:
        env = os.environ.get(RECORD_ENV)
        if record is None and not env:
            return None
        record = env or "."
    target = Path(record)
    if target.is_dir() or str(record).endswith(("/", os.sep)) or target.suffix == "":
        target = target / RECORD_FILE
    return target


def record_result(result: CheckResult, record=None) -> Path | None:
    """Append ``result`` as one JSON line to the record file; return its path (``None`` if not recording).

    ``record`` is a file or folder path, ``True`` (the folder named by the
    ``KITLIB_RECORD`` environment variable, else the current folder — the
    notebook's), ``False`` (never) or ``None`` (only when ``KITLIB_RECORD`` is
    set).  The line holds the exercise, verdict, mistake ids and per-part
    verdicts — never the answer itself — plus the participant
    (``KITLIB_PARTICIPANT``, else the login name) and the time.
    """
    target = _record_target(record)
    if target is None:
        return None
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        user = "unknown"
    line = {
        **result.to_record(),
        "participant": os.environ.get(PARTICIPANT_ENV) or user,
        "time": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return target


def checker(function):
    """Give a ``check_*`` function the keywords ``hint_level=`` (0–3, default 1) and ``record=``."""

    @functools.wraps(function)
    def check(*args, hint_level: int = 1, record=None, **kwargs):
        if isinstance(hint_level, bool) or not isinstance(hint_level, int) or not 0 <= hint_level <= HINT_LEVELS:
            from kitlib.errors import OptionError

            raise OptionError(f"hint_level must be 0, 1, 2 or 3, not {hint_level!r}")
        result = function(*args, **kwargs)
        result.hint_level = hint_level
        record_result(result, record)
        return result

    check.__doc__ = (function.__doc__ or "") + (
        "\n    Keywords added by :func:`~kitlib.exercises.feedback.checker`: ``hint_level`` (0 diagnosis only, "
        "1 nudge — the default, 2 concept, 3 worked step) and ``record`` (append the verdict to a JSON-lines file "
        "for ``kitlib class-summary``).\n"
    )
    return check


class Feedback:
    """Collects findings for one check in one language."""

    def __init__(self, exercise: str, lang: str, messages: dict, hints: Mapping | None = None):
        self.exercise = exercise
        self.lang = check_lang(lang)
        self.messages = COMMON.merged(messages)
        self.hints = dict(hints or {})
        for key, tiers in self.hints.items():
            Catalog({f"{key}:{n}": tier for n, tier in enumerate(tiers)})  # both languages present
        self.steps: dict[str, dict] = {}  # values for the worked step of each part
        self.findings: list[Finding] = []

    def say(self, key: str, **values) -> str:
        return self.messages(key, self.lang, **values)

    def tiers(self, part: str, key: str, /, attempted: bool = True, **values) -> tuple[str, ...]:
        """The tiered hints of ``key`` (else of ``part``); no worked step before an attempt."""
        if key in SHAPE_PROBLEMS:
            return ()  # the message itself says how to fix the shape
        tiers = self.hints.get(key) or self.hints.get(part) or ()
        filled = tuple(_fill(tier[self.lang], {**self.steps.get(part, {}), **values}) for tier in tiers)
        if not attempted:
            return (*filled[:2], self.say("answer_first")) if filled else ()
        return filled

    def step(self, part: str, /, **values) -> None:
        """Values the worked step of ``part`` quotes (computed from the participant's data)."""
        self.steps.setdefault(part, {}).update(values)

    def right(self, part: str, key: str, /, **values) -> None:
        self.findings.append(Finding(part, True, self.say(key, **values)))

    def wrong(self, part: str, key: str, /, mistake: str | None = None, attempted: bool | None = None, **values) -> None:
        """Record a wrong part; ``attempted=False`` (a part left as None / ...) withholds the worked step."""
        attempted = mistake != "unanswered" if attempted is None else attempted and mistake != "unanswered"
        hints = self.tiers(part, key, attempted=attempted, **values)
        self.findings.append(Finding(part, False, self.say(key, **values), mistake, hints))

    def tolerance(self, decimals: int) -> str:
        """The sentence stating the tolerance of an answer asked to ``decimals`` decimals."""
        return self.say("tolerance", tol=f"{decimals_tolerance(decimals):g}", decimals=decimals)

    def coarse(self, part: str, given: float, expected: float, decimals: int) -> bool:
        """Record a ``too_coarse`` hint when ``given`` is ``expected`` rounded to fewer decimals than asked."""
        if decimals > 0 and close(given, expected, decimals_tolerance(decimals - 1)):
            self.wrong(part, "too_coarse", mistake="too_coarse", decimals=decimals,
                       tol=f"{decimals_tolerance(decimals):g}")
            return True
        return False

    def keyed(self, part: str, answer, labels: Mapping, value: str, what: Mapping[str, str]) -> dict | None:
        """``{code: number}`` for every expected key, or ``None`` after recording the shape/key problem."""
        read = read_keyed(answer, labels, value)
        noun = what[self.lang]
        codes = list(labels)
        if read.problem == "not_mapping":
            self.wrong(part, "not_mapping", mistake="not_mapping", keys=", ".join(codes), given=type(answer).__name__)
            return None
        if read.problem == "shape_index":
            column = "scale" if value == "alpha" else {"gap": "dimension"}.get(value, "dimension")
            self.wrong(part, "shape_index", mistake="shape_index", what=noun, column=column, value=value, **read.detail)
            return None
        if read.problem in ("shape_columns", "shape_rows"):
            self.wrong(part, read.problem, mistake=read.problem, what=noun, value=value, **read.detail)
            return None
        if read.problem == "unknown_keys":
            self.wrong(part, "unknown_keys", mistake="unknown_keys", what=noun, keys=read.detail["keys"],
                       codes=", ".join(codes), zh="、".join(n["zh"] for n in labels.values()),
                       en=", ".join(n["en"] for n in labels.values()))
            return None
        missing = [code for code in codes if code not in read.values]
        if missing:
            names = ", ".join(labels[c][self.lang] for c in missing)
            self.wrong(part, "missing_keys", mistake="missing_keys", what=noun, keys=names)
            return None
        return read.values

    def result(self) -> CheckResult:
        return CheckResult(self.exercise, self.lang, list(self.findings))

    def unanswered(self, part: str = "answer") -> CheckResult:
        self.wrong(part, "unanswered", mistake="unanswered")
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

