"""Read a survey file (CSV or Excel) and validate it against its codebook.

Example
-------
>>> import kitlib as kl
>>> from kitlib.data.cases import case_dir
>>> survey = kl.load_survey(case_dir("bank") / "responses.csv")
>>> survey.encoding
'utf-8'

References
----------
WHATWG. *Encoding Standard* (gb18030). https://encoding.spec.whatwg.org/#gb18030
Groves, R. M. et al. (2009). *Survey Methodology* (2nd ed.), ch. 10. Wiley.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from kitlib.data.codebook import NUMERIC_KINDS, Codebook, load_codebook
from kitlib.data.survey import QUALITY_COLUMNS, Survey
from kitlib.errors import (
    CodebookError,
    DataFileError,
    DataValidationError,
    DuplicateRespondentError,
    EncodingError,
    MissingColumnError,
    NonNumericError,
    OptionError,
    OutOfRangeError,
)

__all__ = ["decode_text", "load_survey", "read_table"]

TEXT_ENCODINGS = ("utf-8", "gb18030")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
INTEGER_KINDS = ("servqual_E", "servqual_P", "kano_functional", "kano_dysfunctional", "nps", "overall")
FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1
STRAIGHTLINE_MIN_ITEMS = 10
ALLOCATION_TOTAL = 100.0
ALLOCATION_TOLERANCE = 1.0


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM) or GB18030; return ``(text, encoding)``."""
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    else:
        candidates = TEXT_ENCODINGS
    for encoding in candidates:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as error:
            failure = error
    line = raw[: failure.start].count(b"\n") + 1
    raise EncodingError(
        f"file {path}: cannot read line {line} as {' or '.join(candidates)} text "
        f"(byte 0x{raw[failure.start]:02x} at offset {failure.start}). "
        "Save the file as 'CSV UTF-8' in Excel, or as GB18030/GBK, and try again."
    )


def _check_header(header: list[str], path: Path) -> None:
    seen, duplicated = set(), []
    for name in header:
        if name in seen:
            duplicated.append(name)
        seen.add(name)
    if duplicated:
        raise DataFileError(f"file {path}: the header names column(s) {', '.join(map(repr, duplicated))} more than once")
    if any(name == "" for name in header):
        position = header.index("") + 1
        raise DataFileError(f"file {path}: header column {position} has no name")


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    text, encoding = decode_text(path.read_bytes(), path)
    if not text.strip():
        raise DataFileError(f"file {path} is empty")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [name.strip() for name in rows[0]]
    _check_header(header, path)
    width = len(header)
    ragged = [number for number, row in enumerate(rows[1:], start=FIRST_DATA_ROW) if row and len(row) != width]
    if ragged:
        raise DataFileError(
            f"file {path}: {', '.join(map(str, ragged[:5]))}{' …' if len(ragged) > 5 else ''} "
            f"({len(ragged)} rows) do not have {width} fields like the header. "
            "Check for stray commas or unquoted text."
        )
    body = [row for row in rows[1:] if row]
    frame = pd.DataFrame(body, columns=header, dtype="object")
    return frame, encoding


def _read_excel(path: Path) -> pd.DataFrame:
    try:
        sheet = pd.read_excel(path, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DataFileError(f"file {path} is not a readable Excel workbook ({error})") from None
    if sheet.empty:
        raise DataFileError(f"file {path} is empty")
    cells = sheet.map(lambda value: "" if pd.isna(value) else str(value))
    header = [name.strip() for name in cells.iloc[0]]
    _check_header(header, path)
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = header
    return frame


def read_table(path) -> tuple[pd.DataFrame, str | None]:
    """Read a CSV/TSV or XLSX file as text cells; return ``(frame, encoding)``.

    Never modifies the file.  Raises :class:`DataFileError` (or
    :class:`EncodingError`) with the file name instead of a pandas traceback.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"file {path} does not exist")
    if not path.is_file():
        raise DataFileError(f"{path} is not a file")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path), None
    if suffix in TEXT_SUFFIXES:
        return _read_csv(path)
    if suffix == ".xls":
        raise DataFileError(f"file {path}: old .xls workbooks are not supported; save it as .xlsx or CSV UTF-8")
    raise DataFileError(f"file {path}: unknown file type '{suffix}'; use .csv, .tsv or .xlsx")


class _Validator:
    """Collects problems per row; raises or excludes at the end of each check."""

    def __init__(self, frame: pd.DataFrame, codebook: Codebook, path: Path, on_invalid: str):
        self.frame = frame
        self.codebook = codebook
        self.path = path
        self.on_invalid = on_invalid
        self.report: list[dict] = []
        self.excluded: set = set()

    def respondent(self, index) -> object:
        column = self.codebook.respondent_id
        return self.frame.at[index, column] if column else None

    def note(self, index, column, value, issue, action) -> None:
        self.report.append(
            {
                "row": int(index) + FIRST_DATA_ROW,
                "respondent": self.respondent(index),
                "column": column,
                "value": value,
                "issue": issue,
                "action": action,
            }
        )

    def problem(self, error_type: type[DataValidationError], column, mask: pd.Series, issue: str) -> None:
        """Rows where ``mask`` is true break a rule: raise, or exclude them."""
        bad = mask[mask & ~mask.index.isin(self.excluded)].index
        if len(bad) == 0:
            return
        if self.on_invalid == "raise":
            raise error_type(issue, path=self.path, column=column, rows=[int(i) + FIRST_DATA_ROW for i in bad])
        for index in bad:
            value = self.frame.at[index, column] if column in self.frame else None
            self.note(index, column, value, issue, "excluded")
        self.excluded.update(bad)


def _require_columns(frame: pd.DataFrame, codebook: Codebook, path: Path) -> None:
    missing = [c.id for c in codebook.columns.values() if c.required and c.id not in frame.columns]
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise MissingColumnError(
            f"{len(missing)} column(s) the codebook requires are missing: {shown}. "
            f"The file has: {', '.join(map(str, frame.columns[:12]))}{' …' if frame.shape[1] > 12 else ''}",
            path=path,
        )


def _to_numbers(validator: _Validator, column) -> pd.Series:
    text = validator.frame[column.id].map(lambda v: unicodedata.normalize("NFKC", str(v)).strip())
    empty = text.isin(["", "nan", "NaN", "NA", "N/A"])
    numbers = pd.to_numeric(text.where(~empty), errors="coerce")
    validator.problem(
        NonNumericError, column.id, numbers.isna() & ~empty, "is not a number (expected values on the item's scale)"
    )
    if column.kind in INTEGER_KINDS:
        fractional = numbers.notna() & (numbers != np.round(numbers))
        validator.problem(OutOfRangeError, column.id, fractional, "is not a whole number; answers are scale points")
    low, high = column.scale_min, column.scale_max
    outside = numbers.notna() & ((numbers < low) | (numbers > high))
    if column.kind.startswith("kano_"):
        issue = "holds KANO codes outside 1..5 (1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike)"
    else:
        issue = f"holds values outside the scale {low:g}..{high:g}"
    validator.problem(OutOfRangeError, column.id, outside, issue)
    return numbers.astype(float)


def _check_respondents(validator: _Validator, codebook: Codebook) -> None:
    column = codebook.respondent_id
    if column is None:
        return
    ids = validator.frame[column].astype(str).str.strip()
    validator.problem(DataValidationError, column, ids == "", "respondent id is empty")
    keys = [column] + [c for c in (codebook.rated_unit, *codebook.items("wave")) if c]
    duplicated = validator.frame.duplicated(subset=keys, keep=False) & (ids != "")
    unit = f" for the same {', '.join(keys[1:])}" if len(keys) > 1 else ""
    validator.problem(DuplicateRespondentError, column, duplicated, f"the same respondent appears more than once{unit}")


def _flag_answer_patterns(validator: _Validator, data: pd.DataFrame, codebook: Codebook) -> None:
    perceptions = codebook.items("servqual_P")
    if len(perceptions) >= STRAIGHTLINE_MIN_ITEMS:
        answers = data[perceptions]
        straight = answers.notna().all(axis=1) & (answers.nunique(axis=1) == 1)
        for index in data.index[straight]:
            validator.note(index, "servqual_P", answers.at[index, perceptions[0]], "same answer to every perception item (straight-lining)", "flagged")
    weights = [c for c in codebook.items("importance") if codebook.columns[c].dimension]
    if weights:
        totals = data[weights].sum(axis=1, min_count=len(weights))
        off = totals.notna() & ((totals - ALLOCATION_TOTAL).abs() > ALLOCATION_TOLERANCE)
        for index in data.index[off]:
            validator.note(index, "importance", totals[index], "importance points do not add up to 100", "flagged")
    numeric = [c.id for c in codebook.columns.values() if c.kind in NUMERIC_KINDS and c.id in data]
    missing = data[numeric].isna().sum(axis=1)
    for index in data.index[missing > 0]:
        validator.note(index, "(items)", int(missing[index]), "missing answers (kept; analyses drop them as needed)", "flagged")


def load_survey(path, codebook=None, *, on_invalid: str = "raise", self_assessment=None) -> Survey:
    """Read a survey file and validate it against its YAML codebook.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8, UTF-8 with BOM or GB18030, detected automatically), TSV
        or XLSX file; one row per respondent x rated provider.
    codebook : str, Path or Codebook, optional
        The codebook.  Default: ``codebook.yaml`` next to the data file.
    on_invalid : {"raise", "exclude"}
        What to do with rows that break a rule (non-numeric or out-of-range
        answers, duplicate or empty respondent ids): raise a
        :class:`~kitlib.errors.DataValidationError` (default) naming file,
        column and rows, or drop them and list them in ``survey.quality``.
        Structural problems (unreadable file, missing columns) always raise.
    self_assessment : str or Path, optional
        A CSV/XLSX of provider self-ratings of the perception items, validated
        against the same codebook columns (see the gap model).

    Returns
    -------
    Survey
        Validated data (reverse-keyed items recoded), codebook and data-quality
        report.  The input file is never modified.

    Raises
    ------
    DataFileError, EncodingError, CodebookError, MissingColumnError,
    NonNumericError, OutOfRangeError, DuplicateRespondentError
        All subclasses of :class:`kitlib.KitError`.

    Example
    -------
    >>> import kitlib as kl
    >>> from kitlib.data.cases import case_dir
    >>> survey = kl.load_survey(case_dir("it_firm") / "responses.csv")
    >>> survey.quality.columns.tolist()
    ['row', 'respondent', 'column', 'value', 'issue', 'action']

    References
    ----------
    Groves, R. M. et al. (2009). *Survey Methodology* (2nd ed.), ch. 10. Wiley.
    """
    if on_invalid not in ("raise", "exclude"):
        raise OptionError(f"on_invalid must be 'raise' or 'exclude', not {on_invalid!r}")
    path = Path(path)
    frame, encoding = read_table(path)
    if codebook is None:
        codebook = path.parent / "codebook.yaml"
        if not codebook.exists():
            raise CodebookError(f"no codebook given and no codebook.yaml next to {path}")
    if not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook)
    _require_columns(frame, codebook, path)
    validator = _Validator(frame, codebook, path, on_invalid)
    data = frame.copy()
    for column in codebook.columns.values():
        if column.id not in frame:
            continue
        if column.kind in NUMERIC_KINDS:
            data[column.id] = _to_numbers(validator, column)
        else:
            data[column.id] = frame[column.id].astype(str).str.strip().replace("", pd.NA)
    _check_respondents(validator, codebook)
    data = data.drop(index=sorted(validator.excluded))
    for column in codebook.columns.values():
        if column.reverse and column.id in data:
            data[column.id] = column.scale_min + column.scale_max - data[column.id]
            validator.report.append(
                {"row": None, "respondent": None, "column": column.id, "value": None,
                 "issue": "reverse-keyed item recoded as min + max - x", "action": "recoded"}
            )
    _flag_answer_patterns(validator, data, codebook)
    extra = [c for c in data.columns if c not in codebook.columns]
    for name in extra:
        validator.report.append(
            {"row": None, "respondent": None, "column": name, "value": None,
             "issue": "column not described in the codebook (kept as text)", "action": "flagged"}
        )
    quality = pd.DataFrame(validator.report, columns=QUALITY_COLUMNS)
    assessment = None
    if self_assessment is not None:
        assessment = _load_self_assessment(Path(self_assessment), codebook)
    return Survey(data.reset_index(drop=True), codebook, quality, str(path), encoding, assessment)


def _load_self_assessment(path: Path, codebook: Codebook) -> pd.DataFrame:
    frame, _ = read_table(path)
    perceptions = codebook.items("servqual_P")
    keys = [c for c in (codebook.rated_unit,) if c]
    missing = [c for c in keys + perceptions if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"self-assessment lacks column(s) {', '.join(missing)}", path=path)
    validator = _Validator(frame, codebook, path, "raise")
    data = frame[keys].copy()
    for item in perceptions:
        column = codebook.columns[item]
        values = _to_numbers(validator, column)
        data[item] = column.scale_min + column.scale_max - values if column.reverse else values
    return data
