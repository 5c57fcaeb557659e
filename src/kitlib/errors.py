"""Exceptions raised by kitlib.

Every error kitlib raises on purpose is a :class:`KitError` (a ``ValueError``),
so a notebook can catch them all with one ``except kl.KitError``.  Errors about
input data name the file, the column and the offending rows (spreadsheet row
numbers: the header is row 1, the first respondent row 2), showing the first
few rows and the total count, so a course participant can open the file and
find the problem.

Example
-------
>>> import kitlib as kl
>>> try:
...     kl.load_survey("missing.csv")
... except kl.KitError as error:
...     print(type(error).__name__)
DataFileError

References
----------
Python Software Foundation. *Built-in exceptions* (``ValueError``).
https://docs.python.org/3/library/exceptions.html
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AnalysisInputError",
    "CodebookError",
    "DataFileError",
    "DataValidationError",
    "describe_rows",
    "DuplicateRespondentError",
    "EncodingError",
    "KitError",
    "MissingColumnError",
    "NonNumericError",
    "OptionError",
    "OutOfRangeError",
]

ROWS_SHOWN = 5


def describe_rows(rows: Sequence[int], shown: int = ROWS_SHOWN) -> str:
    """Return ``"rows 3, 7, 9 (3 rows)"`` or ``"rows 2, 3, 4, 5, 6, … (12 rows)"``.

    Example
    -------
    >>> describe_rows([3, 7])
    'rows 3, 7 (2 rows)'
    """
    rows = list(rows)
    head = ", ".join(str(r) for r in rows[:shown])
    more = ", …" if len(rows) > shown else ""
    noun = "row" if len(rows) == 1 else "rows"
    return f"{noun} {head}{more} ({len(rows)} {noun})"


class KitError(ValueError):
    """Base class of every error kitlib raises on purpose."""


class DataFileError(KitError):
    """A data or codebook file cannot be found, opened or parsed."""


class EncodingError(DataFileError):
    """A text file is in an encoding kitlib cannot read (UTF-8, UTF-8-BOM, GB18030)."""


class CodebookError(KitError):
    """The codebook is malformed or contradicts itself."""


class DataValidationError(KitError):
    """Survey data break a codebook rule.

    Attributes
    ----------
    path, column : str or None
        Where the problem is.
    rows : list of int
        Spreadsheet row numbers of the offending rows (header = row 1).
    """

    def __init__(self, message: str, *, path=None, column=None, rows=()):
        self.path = None if path is None else str(path)
        self.column = column
        self.rows = list(rows)
        where = []
        if self.path:
            where.append(f"file {self.path}")
        if column:
            where.append(f"column '{column}'")
        if self.rows:
            where.append(describe_rows(self.rows))
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class MissingColumnError(DataValidationError):
    """A column the codebook requires is absent from the data."""


class NonNumericError(DataValidationError):
    """A numeric column holds text that is not a number."""


class OutOfRangeError(DataValidationError):
    """A value lies outside the scale the codebook declares (e.g. 8 on a 1–7 Likert item)."""


class DuplicateRespondentError(DataValidationError):
    """The same respondent id appears more than once for the same rated provider."""


class AnalysisInputError(KitError):
    """Data handed to an analysis function cannot support it.

    Examples: too few rows or items, a constant item, a non-numeric column,
    a singular correlation matrix, a group too small to report.
    """


class OptionError(KitError):
    """An argument of a kitlib function has a value it does not accept.

    Bad *data* raise :class:`DataValidationError` (files) or
    :class:`AnalysisInputError` (data handed to an analysis); a bad *option*
    — an unknown method name, a confidence outside (0, 1), a threshold
    below 1, an unknown language — raises this error, naming the argument
    and the values it accepts.
    """
