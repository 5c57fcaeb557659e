"""Read a survey data file (CSV/TSV/TXT, XLSX, SPSS ``.sav``) into a table of text cells.

This module turns a file into a :class:`RawTable`: every cell as text, the
header found (also below title rows), the row number the user sees for every
data row, and the cells that could not be read faithfully.  It knows nothing
about codebooks; :func:`kitlib.load_survey` validates the table afterwards.
The input file is only ever opened for reading.

Notes
-----
* **Encodings.**  Text files are read as UTF-8 (with or without BOM), UTF-16
  (with BOM) or GB18030.  A successful GB18030 decode is not proof that the
  file *is* GB18030: strict GB18030 accepts most Big5, Shift-JIS and
  Windows-1252 byte strings and garbles them.  :func:`decode_text` therefore
  scores how plausible the decoded text is (see :func:`decode_text`) and
  refuses an accidental decode with an :class:`~kitlib.errors.EncodingError`
  that names the likely encoding.
* **CSV.**  Ordinary files go through pandas' C parser; classic-Mac CR-only
  line endings are turned into LF first, fields of any length are accepted,
  and rows with the wrong number of fields are reported by file line number.
* **Limits.**  :data:`MAX_TEXT_BYTES`, :data:`MAX_CELLS`,
  :data:`MAX_WORKBOOK_BYTES` and :data:`MAX_WORKBOOK_RATIO` protect against
  files (and zip bombs) that would exhaust memory.

Example
-------
>>> import tempfile, pathlib
>>> from kitlib.data.files import read_table
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "answers.csv").write_text("调查\\n\\nid,q1,q2\\n1,5,4\\n2,3,4\\n", encoding="gb18030")
>>> table = read_table(folder / "answers.csv")
>>> table.encoding, table.header_row, table.row_numbers.tolist()
('gb18030', 3, [4, 5])
>>> table.frame.to_dict("list")
{'id': ['1', '2'], 'q1': ['5', '3'], 'q2': ['4', '4']}

References
----------
Shafranovich, Y. (2005). *Common Format and MIME Type for Comma-Separated
Values (CSV) Files*, RFC 4180. https://www.rfc-editor.org/rfc/rfc4180
WHATWG. *Encoding Standard* (gb18030, Big5, Shift_JIS, windows-1252).
https://encoding.spec.whatwg.org/
ECMA-376 *Office Open XML File Formats*, Part 1 (SpreadsheetML: ``mergeCell``,
``f`` and ``v`` elements). https://ecma-international.org/publications-and-standards/standards/ecma-376/
Qualtrics. *Data export options* (three header rows: names, question text,
import ids). https://www.qualtrics.com/support/survey-platform/data-and-analysis-module/data/download-data/export-options/
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from kitlib.errors import DataFileError, EncodingError, KitError, OptionError

__all__ = [
    "FLAG_COLUMNS",
    "HEADER_SEARCH_ROWS",
    "MAX_CELLS",
    "MAX_TEXT_BYTES",
    "MAX_WORKBOOK_BYTES",
    "MAX_WORKBOOK_RATIO",
    "RawTable",
    "decode_text",
    "find_header_row",
    "read_table",
]

MAX_TEXT_BYTES = 2 * 1024**3
"""Largest text file (CSV/TSV/TXT) :func:`read_table` reads by default: 2 GiB."""
MAX_CELLS = 50_000_000
"""Largest table (rows x columns) :func:`read_table` reads by default."""
MAX_WORKBOOK_BYTES = 1024**3
"""Largest total uncompressed size of the members of an ``.xlsx`` archive: 1 GiB."""
MAX_WORKBOOK_RATIO = 200
"""Largest compression ratio of an ``.xlsx`` member larger than :data:`RATIO_CHECK_BYTES` (zip-bomb guard)."""
RATIO_CHECK_BYTES = 10 * 1024**2
HEADER_SEARCH_ROWS = 20
""":func:`find_header_row` looks for the header among this many rows."""
FLAG_COLUMNS = ["row", "column", "value", "issue"]
MERGED_ISSUE = "merged cell: value only in the first cell"
FORMULA_ISSUE = "formula without a saved value; open and save the file in Excel"

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SAV_SUFFIXES = (".sav", ".zsav")
DELIMITERS = {".csv": (",", ";", "\t", "|"), ".tsv": ("\t",), ".txt": ("\t", ",", ";", "|")}
SNIFF_LINES = 30

# encoding plausibility (see decode_text)
SAMPLE_BYTES = 256 * 1024
GB18030_MIN_SCORE = 0.5
ALTERNATIVE_MIN_SCORE = 0.9
ALTERNATIVE_MARGIN = 0.25
ALTERNATIVES = {  # in order of preference when two score the same
    "cp1252": "Windows-1252 (Western European)",
    "big5": "Big5 (Traditional Chinese, Taiwan/Hong Kong)",
    "shift_jis": "Shift-JIS (Japanese)",
}
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
SAVE_AS_UTF8 = "or save the file as UTF-8 ('CSV UTF-8' in Excel)"


@dataclass(frozen=True)
class RawTable:
    """A data file read as a table of text cells.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per data row, every cell a ``str`` (pandas' string dtype), ``""``
        for a blank cell; columns are the header names (stripped); RangeIndex.
        Entirely blank rows are dropped, as are trailing columns that are blank
        in the header and in every row.
    path : str
        The file read.
    kind : {"csv", "tsv", "xlsx", "sav"}
        ``"tsv"`` for any tab-delimited text file, ``"csv"`` for the other
        delimiters.
    encoding : str or None
        Text files: the encoding used (``"utf-8"``, ``"utf-8-sig"``,
        ``"utf-16"``, ``"gb18030"`` or the one passed).  Otherwise None.
    delimiter : str or None
        Text files: the field delimiter used.  Otherwise None.
    sheet : str or None
        XLSX: the name of the sheet read.  Otherwise None.
    header_row : int
        1-based line (text) or sheet row (XLSX) of the header; 0 for ``.sav``
        files, which have no header row.
    row_numbers : numpy.ndarray of int
        For each row of ``frame``, the 1-based line (text: the line where the
        record starts), sheet row (XLSX) or case number (``.sav``) the user
        sees.
    cell_flags : pandas.DataFrame
        Columns ``row, column, value, issue``: cells that could not be read
        faithfully (the non-first cells of a merged range, formulas without a
        saved value); they are blank in ``frame``.  ``value`` holds the merged
        range's value or the formula.
    variable_labels, value_labels : dict
        ``.sav``: ``{column: label}`` and ``{column: {code: label}}``.
    question_text : dict
        Survey-platform exports (Qualtrics style): ``{column: question text}``
        from the row under the header.  Otherwise ``{}``.
    """

    frame: pd.DataFrame
    path: str
    kind: str
    encoding: str | None
    sheet: str | None
    header_row: int
    row_numbers: np.ndarray
    cell_flags: pd.DataFrame
    variable_labels: dict = field(default_factory=dict)
    value_labels: dict = field(default_factory=dict)
    question_text: dict = field(default_factory=dict)
    delimiter: str | None = None

    def __repr__(self) -> str:
        where = f", sheet={self.sheet!r}" if self.sheet else ""
        enc = f", encoding={self.encoding!r}" if self.encoding else ""
        return (
            f"RawTable({self.kind} {self.path!r}{where}{enc}, header_row={self.header_row}, "
            f"{self.frame.shape[0]} rows x {self.frame.shape[1]} columns, {len(self.cell_flags)} flagged cells)"
        )


# ---------------------------------------------------------------------------------------------------------------------
# encodings


@cache
def _common_characters(encoding: str) -> frozenset:
    """Characters of the 'frequently used' level of a CJK double-byte encoding.

    GB2312 level 1 (lead bytes 0xB0-0xD7: the 3,755 most frequent simplified
    hanzi), Big5 'frequently used' (0xA440-0xC67E: 5,401 traditional hanzi) and
    JIS X 0208 level 1 kanji plus kana (Shift-JIS 0x8140-0x9872).
    """
    if encoding == "gb18030":
        leads, trails, codec = range(0xB0, 0xD8), range(0xA1, 0xFF), "gb2312"
    elif encoding == "big5":
        leads, trails, codec = range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)], "big5"
    elif encoding == "shift_jis":
        leads, trails, codec = range(0x81, 0x99), [*range(0x40, 0x7F), *range(0x80, 0xFD)], "shift_jis"
    else:
        return frozenset()
    found = set()
    for lead in leads:
        for trail in trails:
            try:
                found.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                pass
    return frozenset(found)


_CJK_PUNCTUATION = re.compile("[\u00b7\u00d7\u00f7\u00b0\u2010-\u203b\u2103\u2160-\u216f\u3000-\u303f\uff01-\uff5e\uffe0-\uffe6]")
_EMOJI = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff]")
_WESTERN = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŒœŠšŽžŸƒ"
    "\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022\u20ac\u2122\u00a0«»¡¿°©®£§ºª²³½µ"
)
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
SCORE_CHARACTERS = 20_000


def _plausibility(text: str, encoding: str) -> float:
    """Share (0..1) of the non-ASCII characters of ``text`` that are typical of ``encoding``; 1.0 if there are none."""
    total = plausible = 0
    common = _common_characters(encoding)
    for match in _NON_ASCII_RUN.finditer(text):
        run = match.group()
        total += len(run)
        if encoding == "cp1252":
            # Western text: accented letters stand alone inside ASCII words (two in "ção"); CJK read as cp1252 gives long runs
            if len(run) == 1 or (len(run) == 2 and run.islower()):
                plausible += sum(ch in _WESTERN for ch in run)
        else:
            plausible += sum(ch in common or bool(_CJK_PUNCTUATION.match(ch)) or bool(_EMOJI.match(ch)) for ch in run)
        if total >= SCORE_CHARACTERS:
            break
    return 1.0 if total == 0 else plausible / total


def _sample(raw: bytes) -> bytes:
    """Up to :data:`SAMPLE_BYTES` whole lines of ``raw``, starting at the line of its first non-ASCII byte."""
    first = next((i for i, byte in enumerate(raw[:SAMPLE_BYTES]) if byte >= 0x80), None)
    if first is None:
        match = re.search(rb"[\x80-\xff]", raw)
        first = match.start() if match else 0
    start = raw.rfind(b"\n", 0, first) + 1
    chunk = raw[start : start + SAMPLE_BYTES]
    if start + SAMPLE_BYTES < len(raw) and b"\n" in chunk:
        chunk = chunk[: chunk.rfind(b"\n") + 1]
    return chunk


def _clean_decode(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _alternative_scores(sample: bytes) -> list[tuple[float, str]]:
    """``(score, encoding)`` for every alternative encoding that decodes ``sample`` cleanly, best first."""
    scores = []
    for encoding in ALTERNATIVES:
        text = _clean_decode(sample, encoding)
        if text is not None:
            scores.append((_plausibility(text, encoding), encoding))
    preference = list(ALTERNATIVES)
    return sorted(scores, key=lambda item: (-item[0], preference.index(item[1])))


def _line_of(raw: bytes, offset: int, encoding: str) -> int:
    return raw[:offset].decode(encoding, errors="replace").count("\n") + 1


def _suggest(path, encoding: str, what: str) -> EncodingError:
    return EncodingError(
        f"file {path}: {what}; it looks like {ALTERNATIVES[encoding]} text. "
        f'Pass encoding="{encoding}" {SAVE_AS_UTF8}.'
    )


def decode_text(raw: bytes, path, encoding: str | None = None) -> tuple[str, str]:
    """Decode the bytes of a text data file; return ``(text, encoding)``.

    Parameters
    ----------
    raw : bytes
        The file's content.
    path : str or Path
        The file, for error messages.
    encoding : str, optional
        Decode with this codec (any name Python knows, e.g. ``"big5"``) and
        nothing else.  Default: detect (see Notes).

    Returns
    -------
    text : str
        The decoded text, without a byte-order mark.
    encoding : str
        ``"utf-8-sig"`` or ``"utf-16"`` (file with a BOM), ``"utf-8"``,
        ``"gb18030"``, or ``encoding`` as given.

    Raises
    ------
    EncodingError
        The bytes are not valid in the given encoding (the message names the
        line), or in none of the detected ones, or they decode as GB18030 only
        by accident (the message names the likely encoding and the
        ``encoding=`` to pass).
    OptionError
        ``encoding`` is not a codec Python knows.

    Notes
    -----
    Detection: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise strict UTF-8,
    then strict GB18030.  Because strict GB18030 accepts most Big5, Shift-JIS
    and Windows-1252 bytes, a GB18030 result is checked on a sample (up to
    256 KiB of whole lines from the first non-ASCII byte on, at most 20,000
    non-ASCII characters):

    * *plausibility* of a decode = share of its non-ASCII characters that are
      typical of the encoding: for GB18030 the 3,755 level-1 (common) hanzi of
      GB2312, CJK and full-width punctuation and emoji; for Big5 its 5,401
      'frequently used' hanzi and the same punctuation; for Shift-JIS kana,
      JIS level-1 kanji and punctuation; for Windows-1252 accented letters and
      typographic punctuation standing alone inside ASCII words.  A Big5 text
      read as GB18030 yields mostly rare hanzi and private-use characters, a
      Shift-JIS text almost only rare hanzi (score near 0); genuine simplified
      Chinese scores near 1.
    * The file is refused as *another* encoding when that encoding also decodes
      the sample (and the whole file) cleanly, scores at least 0.9 and at
      least 0.25 more than GB18030.  Ties go to GB18030, so short ambiguous
      texts are read as GB18030; among the alternatives, ties go to
      Windows-1252 (accented letters inside ASCII words are a strong
      signal), then Big5, then Shift-JIS.
    * The file is refused as garbled when GB18030 scores below 0.5 (more than
      half of its non-ASCII characters rare); pass ``encoding="gb18030"`` to
      read such a file anyway (e.g. traditional characters saved as GBK).

    When neither UTF-8 nor GB18030 decodes the bytes, an alternative that
    decodes them cleanly and plausibly is named in the error.  Korean EUC-KR
    text decodes as common GB2312 hanzi and cannot be told apart this way.

    Example
    -------
    >>> decode_text("服务态度很好".encode("gb18030"), "x.csv")
    ('服务态度很好', 'gb18030')
    >>> decode_text("服務態度很好，回覆很快".encode("big5"), "x.csv")
    Traceback (most recent call last):
    ...
    kitlib.errors.EncodingError: file x.csv: the bytes are not UTF-8 and read as GB18030 they give garbled text; \
it looks like Big5 (Traditional Chinese, Taiwan/Hong Kong) text. Pass encoding="big5" \
or save the file as UTF-8 ('CSV UTF-8' in Excel).

    References
    ----------
    GB 18030-2005 *Information technology — Chinese coded character set*;
    GB 2312-1980 (level-1 hanzi).  WHATWG *Encoding Standard*.
    https://encoding.spec.whatwg.org/
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise OptionError(f"encoding={encoding!r} is not a text encoding Python knows (e.g. 'utf-8', 'gb18030', 'big5')") from None
        try:
            text = raw.decode(codec.name)
        except UnicodeDecodeError as error:
            line = _line_of(raw, error.start, codec.name)
            raise EncodingError(
                f"file {path}: line {line} is not valid {encoding} text (byte 0x{raw[error.start]:02x} at offset {error.start}); "
                f"check the encoding {SAVE_AS_UTF8}."
            ) from None
        return text.removeprefix("\ufeff"), encoding
    for bom, name in BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(name).removeprefix("\ufeff"), name
            except UnicodeDecodeError as error:
                line = _line_of(raw, error.start, name)
                raise EncodingError(f"file {path}: starts with a {name} byte-order mark but line {line} is not valid {name} text") from None
    if b"\x00" in raw[:4096]:
        raise EncodingError(
            f"file {path}: holds NUL bytes, so it is binary or UTF-16 without a byte-order mark; "
            f'pass encoding="utf-16-le" (or "utf-16-be") {SAVE_AS_UTF8}.'
        )
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    sample = _sample(raw)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as error:
        for score, alternative in _alternative_scores(sample):
            if score >= ALTERNATIVE_MIN_SCORE and _clean_decode(raw, alternative) is not None:
                raise _suggest(path, alternative, "the bytes are neither UTF-8 nor GB18030") from None
        line = _line_of(raw, min(error.start, utf8_error.start), "latin-1")
        raise EncodingError(
            f"file {path}: cannot read line {line} as UTF-8 or GB18030 text "
            f"(byte 0x{raw[error.start]:02x} at offset {error.start}). "
            'Save the file as \'CSV UTF-8\' in Excel, or pass the encoding it is in (encoding="big5", "shift_jis", "cp1252", ...).'
        ) from None
    gb_score = _plausibility(sample.decode("gb18030", errors="replace"), "gb18030")
    for score, alternative in _alternative_scores(sample):
        if score >= ALTERNATIVE_MIN_SCORE and score - gb_score >= ALTERNATIVE_MARGIN and _clean_decode(raw, alternative) is not None:
            raise _suggest(path, alternative, "the bytes are not UTF-8 and read as GB18030 they give garbled text") from None
    if gb_score < GB18030_MIN_SCORE:
        raise EncodingError(
            f"file {path}: the bytes are not UTF-8, and read as GB18030 only {gb_score:.0%} of the non-ASCII characters are "
            "common Chinese characters or punctuation, so the text looks garbled. Pass the encoding the file is in "
            f'(encoding="big5", "shift_jis", "cp1252", ...; encoding="gb18030" if it really is GB18030) {SAVE_AS_UTF8}.'
        )
    return text, "gb18030"


# ---------------------------------------------------------------------------------------------------------------------
# header detection and shared post-processing

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")
_CODE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,31}$")
_IMPORT_ID = '{"importid"'


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


def _filled(row) -> list[str]:
    return [cell.strip() for cell in row if cell and cell.strip()]


def _span(row) -> int:
    """Position of the last non-blank cell + 1."""
    for position in range(len(row), 0, -1):
        if row[position - 1] and row[position - 1].strip():
            return position
    return 0


def find_header_row(rows: list[list[str]]) -> int:
    """Return the 0-based index of the most header-like row among the first 20.

    Parameters
    ----------
    rows : list of list of str
        The first rows of a sheet or text file (more than 20 may be given;
        only the first :data:`HEADER_SEARCH_ROWS` are candidates, the rest
        only serve as the rows that follow them).

    Returns
    -------
    int
        The first row whose non-blank cells are *many* (at least 2, and at
        least half as many as the fullest row), *unique* (at least half
        distinct), *mostly non-numeric* (at most 30 % numbers) and that is
        followed (next up to three non-blank rows) by rows of similar width
        (their last filled cell at least half as far right as its own, give
        or take one, and not beyond its last field).
        Fallback: the first non-blank row; 0 if all rows are blank.

    Notes
    -----
    Title rows ("2026年内部服务满意度调查" in a merged A1 cell), blank rows and
    one-cell notes above a table are skipped because they have fewer cells
    than the table.  A single-column file has its header in its first
    non-numeric non-blank row.

    Example
    -------
    >>> find_header_row([["2026年内部服务满意度调查"], [], ["id", "q1", "q2"], ["1", "5", "4"]])
    2
    """
    candidates = [list(row) for row in rows[:HEADER_SEARCH_ROWS]]
    counts = [len(_filled(row)) for row in candidates]
    widest = max(counts, default=0)
    if widest == 0:
        return 0
    needed = max(2, math.ceil(widest / 2)) if widest >= 2 else 1
    for index, row in enumerate(candidates):
        cells = _filled(row)
        if len(cells) < needed:
            continue
        if len(set(cells)) < len(cells) / 2 or sum(map(_is_number, cells)) > 0.3 * len(cells):
            continue
        span = _span(row)
        following = [r for r in rows[index + 1 :] if _filled(r)][:3]
        if all(0.5 * span - 1 <= _span(r) <= max(span, len(row)) for r in following):
            return index
    return next(index for index, count in enumerate(counts) if count)


def _is_import_row(row: list[str]) -> bool:
    cells = _filled(row)
    return bool(cells) and sum(cell.lower().replace(" ", "").startswith(_IMPORT_ID) for cell in cells) >= len(cells) / 2


def _is_question_row(header: list[str], row: list[str], following: list[str] | None) -> bool:
    """Row under the header holds question texts (names are short codes, the row long text, the data below numbers)."""
    names = [name for name in header if name]
    cells = _filled(row)
    if not names or not cells or following is None:
        return False
    if sum(bool(_CODE_NAME.match(name)) for name in names) < 0.6 * len(names) or len(cells) < 0.6 * len(names):
        return False
    if any(_is_number(cell) for cell in cells):
        return False
    longer = sum(
        text.strip() != name and (len(text.strip()) >= 12 or " " in text.strip() or not text.isascii()) and len(text.strip()) > len(name)
        for name, text in zip(header, row)
        if text.strip()
    )
    numbers = sum(_is_number(cell) for cell in _filled(following))
    return longer >= 0.5 * len(cells) and numbers >= 0.2 * max(1, len(_filled(following)))


def _platform_rows(header: list[str], body: list[list[str]]) -> tuple[int, dict]:
    """Number of survey-platform rows (question text, import ids) under the header, and the question texts."""
    first = body[0] if body else None
    second = body[1] if len(body) > 1 else None
    if first is None:
        return 0, {}
    if _is_import_row(first):
        return 1, {}
    if (second is not None and _is_import_row(second)) or _is_question_row(header, first, second):
        extra = 2 if second is not None and _is_import_row(second) else 1
        texts = {name: text.strip() for name, text in zip(header, first) if name and text.strip()}
        return extra, texts
    return 0, {}


def _check_header(header: list[str], path, header_row: int) -> None:
    seen, duplicated = set(), []
    for name in header:
        if name in seen and name not in duplicated and name:
            duplicated.append(name)
        seen.add(name)
    if duplicated:
        raise DataFileError(
            f"file {path}: the header (row {header_row}) names column(s) {', '.join(map(repr, duplicated))} more than once; "
            "give every column a unique name"
        )
    empty = [position for position, name in enumerate(header, start=1) if name == ""]
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (" …" if len(empty) > 10 else "")
        noun = "header column {} (row {}) has no name" if len(empty) == 1 else "header columns {} (row {}) have no name"
        raise DataFileError(f"file {path}: " + noun.format(shown, header_row) + "; give every column a name")


def _empty_flags() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype="int64"), "column": pd.Series(dtype=object),
                         "value": pd.Series(dtype=object), "issue": pd.Series(dtype=object)})


def _check_cells(path, rows: int, columns: int, max_cells: int, about: str = "") -> None:
    if rows * columns > max_cells:
        raise DataFileError(
            f"file {path}: the table has {about}{rows:,} rows x {columns:,} columns = {rows * columns:,} cells, "
            f"more than the limit of {max_cells:,} (max_cells=); split the file or raise max_cells"
        )


def _resolve_header(rows: list[list[str]], header_row: int | None, numbers: list[int], path) -> int:
    """Index into ``rows`` of the header: the one at file line/sheet row ``header_row``, or the detected one."""
    if header_row is None:
        return find_header_row(rows)
    if header_row in numbers:
        return numbers.index(header_row)
    raise OptionError(f"file {path}: header_row={header_row} is not the first line of a row of the file (1-based; 1..{max(numbers, default=0)})")


def _require(value, name: str, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise OptionError(f"{name} must be an integer >= {minimum}, not {value!r}")


# ---------------------------------------------------------------------------------------------------------------------
# text files


def _lines_with_numbers(text: str, start: int = 0):
    """Yield the lines of ``text`` (with their newline) from character ``start`` on."""
    position = start
    length = len(text)
    while position < length:
        end = text.find("\n", position)
        end = length if end < 0 else end + 1
        yield text[position:end]
        position = end


class _FieldLimit:
    """Raise the csv module's field size limit (131,072 characters) while reading; restore it after."""

    def __enter__(self):
        self.old = csv.field_size_limit(2**31 - 1)

    def __exit__(self, *exc):
        csv.field_size_limit(self.old)


def _head_records(text: str, delimiter: str, count: int) -> tuple[list[list[str]], list[int], list[int]]:
    """The first ``count`` records: fields, 1-based start line, character offset of the start."""
    records, lines, offsets = [], [], []
    consumed = [0, 0]  # lines, characters

    def feed():
        for line in _lines_with_numbers(text):
            consumed[0] += 1
            consumed[1] += len(line)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter)
    with _FieldLimit():
        last_lines, last_chars = 0, 0
        try:
            for record in reader:
                records.append(record)
                lines.append(last_lines + 1)
                offsets.append(last_chars)
                last_lines, last_chars = consumed
                if len(records) >= count:
                    break
        except csv.Error:
            pass  # unbalanced quote: keep the records read so far
    return records, lines, offsets


def _sniff_delimiter(text: str, suffix: str) -> str:
    """The delimiter (of those allowed for ``suffix``) that splits the first lines into the most rows of one width > 1."""
    options = DELIMITERS.get(suffix, DELIMITERS[".txt"])
    if len(options) == 1:
        return options[0]
    head = text[: 64 * 1024]
    best, best_score = options[0], (0, 0)
    for delimiter in options:
        records, _, _ = _head_records(head, delimiter, SNIFF_LINES)
        widths = [len(r) for r in records if any(cell.strip() for cell in r)]
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        mode = max(set(wide), key=lambda w: (wide.count(w), w))
        score = (widths.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


_QUOTED = re.compile(r'"[^"]*"')


def _scan_records(text: str, delimiter: str, first_line: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each record of ``text`` (RFC 4180 quoting): start line, number of fields, whether it is blank."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts, fields, blank = [], [], []
    index, total = 0, len(lines)
    while index < total:
        line = lines[index]
        start = index
        if '"' in line:
            quotes = line.count('"')
            if quotes % 2:
                parts = [line]
                while quotes % 2 and index + 1 < total:
                    index += 1
                    parts.append(lines[index])
                    quotes += lines[index].count('"')
                line = "\n".join(parts)
            count = _QUOTED.sub("", line).count(delimiter) + 1
        else:
            count = line.count(delimiter) + 1
        starts.append(start + first_line)
        fields.append(count)
        blank.append(not line.strip())
        index += 1
    return np.array(starts, dtype=np.int64), np.array(fields, dtype=np.int64), np.array(blank, dtype=bool)


def _fast_scan(data, delimiter: str, width: int, first_line: int) -> np.ndarray | None:
    """Start lines of the records in the UTF-8 bytes ``data`` if every record has exactly ``width`` fields, else None.

    Vectorised over the bytes (the delimiter, quote and newline are ASCII, so UTF-8 multi-byte characters
    never match): a newline or delimiter is inside an RFC 4180 quoted field when an odd number of quotes
    precede it.  When pandas parsed the text without error (no record is longer than the header) and the
    delimiters outside quotes number (width - 1) x records, no record is shorter either and there are no
    blank lines.  Lines that continue a quoted field are not record starts.
    """
    array = np.frombuffer(data, dtype=np.uint8)
    if len(array) == 0:
        return None
    newlines = np.flatnonzero(array == 10)
    lines = len(newlines) + int(array[-1] != 10)
    delimiters = array == ord(delimiter)
    outside = int(np.count_nonzero(delimiters))
    quotes = np.flatnonzero(array == 34)
    inside = np.zeros(len(newlines), dtype=bool)
    if len(quotes):
        if len(quotes) % 2:
            return None
        outside -= int(np.add.reduceat(delimiters.view(np.uint8), quotes, dtype=np.int32)[0::2].sum(dtype=np.int64))
        inside = np.searchsorted(quotes, newlines) % 2 == 1
    records = lines - int(np.count_nonzero(inside))
    if outside != (width - 1) * records:
        return None
    starts = np.concatenate([[1], np.flatnonzero(~inside) + 2])
    return starts[starts <= lines].astype(np.int64) + (first_line - 1)


def _csv_records(text: str, delimiter: str, first_line: int):
    """Slow path: parse with the csv module; return (records, start lines)."""
    records, starts = [], []
    consumed = [0]

    def feed():
        for line in _lines_with_numbers(text):
            consumed[0] += 1
            yield line

    with _FieldLimit():
        reader = csv.reader(feed(), delimiter=delimiter)
        previous = 0
        try:
            for record in reader:
                records.append(record)
                starts.append(previous + first_line)
                previous = consumed[0]
        except csv.Error as error:
            raise DataFileError(f"line {previous + first_line}: cannot be read as delimited text ({error})") from None
    return records, np.array(starts, dtype=np.int64)


def _ragged_error(path, starts, fields, blank, width: int) -> DataFileError | None:
    bad = starts[(~blank) & (fields != width)]
    if len(bad) == 0:
        return None
    shown = ", ".join(map(str, bad[:5])) + (" …" if len(bad) > 5 else "")
    noun = "line" if len(bad) == 1 else "lines"
    return DataFileError(
        f"file {path}: {noun} {shown} ({len(bad)} {noun}) do not have {width} fields like the header. "
        "Check for stray commas (or other delimiters) or unquoted text."
    )


def _read_text(path: Path, header_row, encoding, max_bytes, max_cells, numeric=frozenset()) -> RawTable:
    size = path.stat().st_size
    if size > max_bytes:
        raise DataFileError(f"file {path} is {size / 1024**2:,.0f} MB, more than the limit of {max_bytes / 1024**2:,.0f} MB (max_bytes=)")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataFileError(f"file {path} cannot be read ({error.strerror or error})") from None
    text, used = decode_text(raw, path, encoding)
    if not text.strip():
        raise DataFileError(f"file {path} is empty")
    normalised = False
    if "\r" in text and text.count("\r") != text.count("\r\n"):  # classic Mac (CR-only) or mixed line endings
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        normalised = True
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(text, path.suffix.lower())
    wanted = HEADER_SEARCH_ROWS + 5 if header_row is None else max(HEADER_SEARCH_ROWS + 5, header_row + 5)
    head, head_lines, head_offsets = _head_records(text, delimiter, wanted)
    index = _resolve_header(head, header_row, head_lines, path)
    header_line, offset = head_lines[index], head_offsets[index]
    end = len(text)
    while end > offset and text[end - 1] in " \t\r\n":  # trailing blank lines are not records
        end -= 1
    cut = text.find("\n", end)
    end = len(text) if cut < 0 else cut + 1
    region = text[offset:end]
    estimate = region.count("\n") - region.endswith("\n")  # data lines after the header line
    _check_cells(path, estimate, len(head[index]), max_cells, "up to ")

    if used == "utf-8" and not normalised:
        data = memoryview(raw)[len(text[:offset].encode("utf-8")) : len(raw) - (len(text) - end)]
    else:
        data = region.encode("utf-8")
    frame = None
    header_fields = [str(name).strip() for name in head[index]]
    numeric_positions = [i for i, name in enumerate(header_fields) if name in numeric]
    # with numeric columns, pandas reads the body below the header and parses those columns natively
    body_only = bool(numeric_positions)
    options = dict(sep=delimiter, engine="c", encoding="utf-8", quotechar='"', doublequote=True, index_col=False,
                   skip_blank_lines=False, keep_default_na=False)
    try:
        if body_only:
            text_positions = {i: str for i in range(len(header_fields)) if i not in numeric_positions}
            frame = pd.read_csv(io.BytesIO(data), header=None, skiprows=1, dtype=text_positions,
                                na_values={i: [""] for i in numeric_positions}, low_memory=False, **options)
        else:
            frame = pd.read_csv(io.BytesIO(data), header=None, dtype=str, na_filter=False, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        frame = None
    except (ValueError, MemoryError, OverflowError) as error:
        raise DataFileError(f"file {path}: cannot be parsed as delimited text ({error})") from None
    rows = None if frame is None else len(frame) + body_only
    starts = None if frame is None else _fast_scan(data, delimiter, frame.shape[1], header_line)
    if starts is not None and len(starts) == rows:
        blank = None
    else:
        starts, fields, blank = _scan_records(region, delimiter, header_line)
        suspect = frame is None or rows != len(starts) or frame.shape[1] != fields[0]
        if suspect or _ragged_error(path, starts[1:], fields[1:], blank[1:], frame.shape[1]):
            frame = None
    if frame is None:
        body_only = False
        # a parser error, ragged rows, or quoting the record scan cannot follow: the csv module decides
        try:
            records, starts = _csv_records(region, delimiter, header_line)
        except DataFileError as error:
            raise DataFileError(f"file {path}, {error}") from None
        fields = np.array([len(r) for r in records], dtype=np.int64)
        blank = np.array([not _filled(r) for r in records], dtype=bool)
        error = _ragged_error(path, starts[1:], fields[1:], blank[1:], int(fields[0]))
        if error:
            raise error
        width = int(fields[0])
        frame = pd.DataFrame([record + [""] * (width - len(record)) for record in records], dtype=str)
    frame.columns = range(frame.shape[1])
    kind = "tsv" if delimiter == "\t" else "csv"
    return _finish(path, frame, starts, blank, kind=kind, encoding=used, sheet=None, max_cells=max_cells,
                   delimiter=delimiter, header=header_fields if body_only else None)


def _blank_cells(column: pd.Series) -> pd.Series:
    """Cells that hold nothing: NaN in a column parsed as numbers, empty or white space in a text column."""
    if pd.api.types.is_numeric_dtype(column):
        return column.isna()
    return column.str.strip() == ""


def _finish(path, frame: pd.DataFrame, numbers: np.ndarray, blank: np.ndarray | None, *, kind, encoding, sheet, max_cells,
            flags=None, delimiter=None, header: list[str] | None = None) -> RawTable:
    """Shared tail: drop platform and blank rows, name the columns, check the header.

    ``frame`` row 0 is the header row, unless ``header`` gives it (then ``frame`` is the body only,
    possibly with columns pandas parsed as numbers).
    """
    if header is None:
        header = [str(name) for name in frame.iloc[0].tolist()]
        body = frame.iloc[1:]
    else:
        body = frame
    header_line = int(numbers[0])
    numbers = np.asarray(numbers[1:], dtype=np.int64)
    # blank rows: blank lines (text) and rows whose every cell is empty or white space
    blank = np.zeros(len(body), dtype=bool) if blank is None else np.asarray(blank[1:], dtype=bool).copy()
    first = _blank_cells(body.iloc[:, 0]).to_numpy() & ~blank
    if first.any():
        candidates = np.flatnonzero(first)
        rest = body.iloc[candidates]
        blank[candidates] = rest.apply(_blank_cells).all(axis=1).to_numpy()
    # trailing columns blank in the header and in every row
    width = len(header)
    while width > 1 and header[width - 1].strip() == "" and _blank_cells(body.iloc[:, width - 1]).all():
        width -= 1
    if width < len(header):
        body = body.iloc[:, :width]
        header = header[:width]
    names = [name.strip() for name in header]
    top = [[str(v) for v in body.iloc[i].tolist()] for i in np.flatnonzero(~blank)[:3]]
    extra, questions = _platform_rows(names, top)
    keep = ~blank
    if extra:
        kept = np.flatnonzero(keep)[:extra]
        keep[kept] = False
    _check_header(names, path, header_line)
    body = body[keep]
    numbers = numbers[keep]
    if len(body) == 0:
        raise DataFileError(f"file {path}: has a header (row {header_line}) but no data rows")
    _check_cells(path, len(body), len(names), max_cells)
    body = body.reset_index(drop=True)
    body.columns = names
    return RawTable(
        frame=body, path=str(path), kind=kind, encoding=encoding, sheet=sheet, header_row=header_line,
        row_numbers=numbers, cell_flags=_empty_flags() if flags is None else flags, question_text=questions,
        delimiter=delimiter,
    )


# ---------------------------------------------------------------------------------------------------------------------
# XLSX


def _check_workbook_archive(path: Path) -> None:
    """Refuse archives that are not zips or that inflate beyond the limits, before any XML is parsed."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise DataFileError(f"file {path} is not a readable Excel workbook (.xlsx is a zip archive: {error})") from None
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_WORKBOOK_BYTES:
        raise DataFileError(
            f"file {path}: the workbook expands to {expanded / 1024**2:,.0f} MB (limit {MAX_WORKBOOK_BYTES / 1024**2:,.0f} MB); "
            "it is too large or a zip bomb. Export the data as CSV UTF-8 instead."
        )
    for member in members:
        if member.file_size > RATIO_CHECK_BYTES and member.file_size > MAX_WORKBOOK_RATIO * max(member.compress_size, 1):
            raise DataFileError(
                f"file {path}: the workbook expands to {expanded / 1024**2:,.0f} MB, its part {member.filename} "
                f"{member.file_size / max(member.compress_size, 1):,.0f} times its compressed size (limit {MAX_WORKBOOK_RATIO} times); "
                "it looks like a zip bomb."
            )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(getattr(value, "text", value))


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")


def _scan_sheet_xml(archive, member: str) -> tuple[list[tuple[int, int, int, int]], bool]:
    """Merged ranges ``(min_col, min_row, max_col, max_row)`` and whether any cell holds a formula, read from the raw XML."""
    from openpyxl.utils.cell import range_boundaries

    merges, formula, tail = [], False, b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            formula = formula or bool(_FORMULA.search(data))
            cut = data.rfind(b"<")
            cut = len(data) if cut < 0 or len(data) - cut > 256 else cut
            for match in _MERGE.finditer(data, 0, cut):
                merges.append(range_boundaries(match.group(1).decode()))
            tail = data[cut:]
    for match in _MERGE.finditer(tail):
        merges.append(range_boundaries(match.group(1).decode()))
    return merges, formula


def _sheet_rows(sheet, max_cells: int, path, limit: int | None = None) -> list[list]:
    """Raw values of a read-only sheet, row 1 first (missing rows as empty lists), trailing blanks trimmed."""
    rows, cells = [], 0
    for values in sheet.iter_rows(min_row=1, min_col=1, max_row=limit, values_only=True):
        values = list(values)
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
        rows.append(values)
        cells += len(values)
        if cells > max_cells:
            _check_cells(path, len(rows), max(len(r) for r in rows), min(max_cells, cells - 1), "at least ")
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _widest(rows: list[list]) -> int:
    return max((len(_filled([_cell_text(v) for v in row])) for row in rows), default=0)


def _has_table(rows: list[list]) -> bool:
    texts = [[_cell_text(v) for v in row] for row in rows]
    filled = [row for row in texts if _filled(row)]
    return (len(filled) >= 2 and max(len(_filled(r)) for r in filled) >= 2) or len(filled) >= 3


def _open_workbook(path: Path, data_only: bool):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except KitError:
        raise
    except Exception as error:  # openpyxl raises many types (KeyError, XML errors, InvalidFileException, ...)
        raise DataFileError(f"file {path} is not a readable Excel workbook ({type(error).__name__}: {error})") from None


def _read_xlsx(path: Path, sheet, header_row, max_cells) -> RawTable:
    _check_workbook_archive(path)
    workbook = _open_workbook(path, data_only=True)
    try:
        names = list(workbook.sheetnames)
        if sheet is None:
            chosen = None
            for name in names:
                if _has_table(_sheet_rows(workbook[name], max_cells, path, limit=HEADER_SEARCH_ROWS + 5)):
                    chosen = name
                    break
            if chosen is None:  # a sheet with only a header row: let the header check report it
                chosen = next((name for name in names if _widest(_sheet_rows(workbook[name], max_cells, path, limit=3)) >= 2), None)
            if chosen is None:
                raise DataFileError(f"file {path}: no sheet holds a table (sheets: {', '.join(map(repr, names))}); the workbook is empty")
        else:
            if isinstance(sheet, bool) or not isinstance(sheet, int | str):
                raise OptionError(f"sheet must be a sheet name or a 0-based index, not {sheet!r}")
            if isinstance(sheet, int):
                if not -len(names) <= sheet < len(names):
                    raise OptionError(f"file {path}: sheet={sheet} but the workbook has {len(names)} sheet(s): {', '.join(map(repr, names))}")
                chosen = names[sheet]
            else:
                if sheet not in names:
                    raise OptionError(f"file {path}: no sheet named {sheet!r}; the sheets are {', '.join(map(repr, names))}")
                chosen = sheet
            if not _has_table(_sheet_rows(workbook[chosen], max_cells, path, limit=HEADER_SEARCH_ROWS + 5)):
                others = [n for n in names if n != chosen and _has_table(_sheet_rows(workbook[n], max_cells, path, limit=HEADER_SEARCH_ROWS + 5))]
                if others:
                    raise DataFileError(
                        f"file {path}: sheet {chosen!r} holds no table, but sheet {others[0]!r} does; pass sheet={others[0]!r}"
                    )
                raise DataFileError(f"file {path}: sheet {chosen!r} holds no table and neither does any other sheet")
        worksheet = workbook[chosen]
        worksheet.reset_dimensions()  # a wrong <dimension> would cut columns off
        member = worksheet._worksheet_path.lstrip("/")
        raw_rows = _sheet_rows(worksheet, max_cells, path)
        merges, has_formula = _scan_sheet_xml(workbook._archive, member)
    except KitError:
        raise
    except Exception as error:
        raise DataFileError(f"file {path}: cannot read the workbook ({type(error).__name__}: {error})") from None
    finally:
        workbook.close()
    rows = [[_cell_text(v) for v in row] for row in raw_rows]
    index = _resolve_header(rows, header_row, list(range(1, len(rows) + 1)), path)
    width = max(len(row) for row in rows[index:])
    table = [row + [""] * (width - len(row)) for row in rows[index:]]
    frame = pd.DataFrame(table, dtype=str)
    numbers = np.arange(index + 1, len(rows) + 1, dtype=np.int64)
    formulas = _formula_cells(path, chosen) if has_formula else {}
    result = _finish(path, frame, numbers, None, kind="xlsx", encoding=None, sheet=chosen, max_cells=max_cells)
    flags = _xlsx_flags(result, raw_rows, merges, formulas)
    if flags:
        blanked = result.frame.copy()
        position = {int(r): i for i, r in enumerate(result.row_numbers)}
        for row, column, _, _ in flags:
            blanked.iat[position[row], blanked.columns.get_loc(column)] = ""
        result = replace(result, frame=blanked, cell_flags=pd.DataFrame(flags, columns=FLAG_COLUMNS))
    return result


def _formula_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """``{(row, column): formula}`` of a sheet (second, formula-preserving read; only done when the XML holds formulas)."""
    workbook = _open_workbook(path, data_only=False)
    found = {}
    try:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()
        for row_number, values in enumerate(worksheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
            for column, value in enumerate(values, start=1):
                text = getattr(value, "text", value)
                if isinstance(text, str) and text.startswith("="):
                    found[(row_number, column)] = text
    except Exception as error:
        raise DataFileError(f"file {path}: cannot read the formulas of sheet {sheet!r} ({type(error).__name__}: {error})") from None
    finally:
        workbook.close()
    return found


def _xlsx_flags(result: RawTable, raw_rows, merges, formulas) -> list[tuple]:
    """Flags for merged (non-first) cells and formulas without a cached value inside the data area."""
    rows = {int(r) for r in result.row_numbers}
    if not rows:
        return []
    columns = list(result.frame.columns)
    low, high = min(rows), max(rows)
    flags = {}
    for min_col, min_row, max_col, max_row in merges:
        value = raw_rows[min_row - 1][min_col - 1] if min_row - 1 < len(raw_rows) and min_col - 1 < len(raw_rows[min_row - 1]) else None
        for row in range(max(min_row, low), min(max_row, high) + 1):
            if row not in rows:
                continue
            for column in range(min_col, min(max_col, len(columns)) + 1):
                if (row, column) != (min_row, min_col):
                    flags[(row, column)] = (row, columns[column - 1], _cell_text(value), MERGED_ISSUE)
    for (row, column), formula in formulas.items():
        if row in rows and column <= len(columns):
            cached = raw_rows[row - 1][column - 1] if column - 1 < len(raw_rows[row - 1]) else None
            if cached is None:
                flags[(row, column)] = (row, columns[column - 1], formula, FORMULA_ISSUE)
    return [flags[key] for key in sorted(flags)]


# ---------------------------------------------------------------------------------------------------------------------
# SPSS


def _text_column(series: pd.Series) -> list[str]:
    values = series.to_numpy()
    if values.dtype.kind in "fiu":
        numbers = values.astype(float)
        out = np.full(len(numbers), "", dtype=object)
        finite = np.isfinite(numbers)
        whole = finite & (np.mod(numbers, 1) == 0) & (np.abs(numbers) < 1e15)
        out[whole] = numbers[whole].astype(np.int64).astype(str)
        rest = finite & ~whole
        out[rest] = [repr(float(v)) for v in numbers[rest]]
        return out.tolist()
    return [_cell_text(None if (isinstance(v, float) and math.isnan(v)) or v is pd.NaT else v) for v in values]


def _read_sav(path: Path, max_cells) -> RawTable:
    try:
        import pyreadstat
    except ImportError:
        raise DataFileError(f"file {path}: reading SPSS .sav files needs the pyreadstat package; install it with: pip install pyreadstat") from None
    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        if meta.number_rows is not None:
            _check_cells(path, int(meta.number_rows), int(meta.number_columns), max_cells)
        data, meta = pyreadstat.read_sav(str(path), user_missing=True, dates_as_pandas_datetime=False)
    except KitError:
        raise
    except Exception as error:  # pyreadstat raises ReadstatError, PyreadstatError, OSError, ...
        raise DataFileError(f"file {path} is not a readable SPSS .sav file ({type(error).__name__}: {error})") from None
    if data.shape[1] == 0:
        raise DataFileError(f"file {path} is empty (no variables)")
    if data.shape[0] == 0:
        raise DataFileError(f"file {path}: has variables but no cases (data rows)")
    _check_cells(path, data.shape[0], data.shape[1], max_cells)
    frame = pd.DataFrame({name: _text_column(data[name]) for name in data.columns}, dtype=str)
    labels = {name: label for name, label in (meta.column_names_to_labels or {}).items() if label}
    value_labels = {name: dict(mapping) for name, mapping in (meta.variable_value_labels or {}).items()}
    return RawTable(
        frame=frame, path=str(path), kind="sav", encoding=None, sheet=None, header_row=0,
        row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64), cell_flags=_empty_flags(),
        variable_labels=labels, value_labels=value_labels, question_text={},
    )


# ---------------------------------------------------------------------------------------------------------------------


def read_table(
    path, *, sheet: str | int | None = None, header_row: int | None = None, encoding: str | None = None,
    max_bytes: int = MAX_TEXT_BYTES, max_cells: int = MAX_CELLS, numeric=(),
) -> RawTable:
    """Read a CSV/TSV/TXT, XLSX or SPSS ``.sav`` file as a table of text cells.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (comma, or semicolon/tab/pipe if that splits the file
        consistently), ``.tsv`` (tab), ``.txt`` (tab, comma, semicolon or
        pipe, sniffed), ``.xlsx``/``.xlsm`` or ``.sav``/``.zsav``.
    sheet : str or int, optional
        XLSX: sheet name or 0-based index.  Default: the first sheet that holds
        a table (skipping empty or title-only sheets; ``RawTable.sheet`` says
        which).
    header_row : int, optional
        1-based line (text file) or sheet row (XLSX) of the header.  Default:
        detected with :func:`find_header_row` (title and blank rows above the
        table are skipped).  Ignored for ``.sav``.
    encoding : str, optional
        Text files: the encoding; default detected (see :func:`decode_text`).
    max_bytes : int
        Largest text file to read (default :data:`MAX_TEXT_BYTES`).
    max_cells : int
        Largest table, data rows x columns (default :data:`MAX_CELLS`).
    numeric : collection of str, optional
        Headers of text-file columns that may come back as numbers: such a column whose every
        non-blank cell is a number is parsed by pandas' C parser (float64, blanks NaN) instead of
        being returned as text — a large speed-up for big surveys.  Any other column stays text.

    Returns
    -------
    RawTable

    Raises
    ------
    DataFileError
        Missing file, directory, unknown suffix, empty file, header without
        data, duplicate or unnamed header columns, rows with the wrong number
        of fields (named by line), corrupt workbook/.sav, a workbook that
        expands beyond :data:`MAX_WORKBOOK_BYTES` or :data:`MAX_WORKBOOK_RATIO`,
        a table over ``max_cells`` or a text file over ``max_bytes``.
    EncodingError
        Undecodable or implausibly decoded text (a :class:`DataFileError`).
    OptionError
        Bad ``sheet``, ``header_row``, ``encoding``, ``max_bytes`` or ``max_cells``.

    Notes
    -----
    * The file is opened read-only and never written.
    * Header names are stripped; cell values are kept as written.  Entirely
      blank rows are dropped (their numbers simply do not occur in
      ``row_numbers``); so are columns blank in the header and in every row
      at the right edge.  A column with data but no header name is an error.
    * Survey-platform exports: under a header of short codes (Q1, Q2_1, ...),
      a row of question texts (kept in ``question_text``) and/or a row of
      ``{"ImportId": ...}`` cells are dropped.
    * XLSX: read with openpyxl in read-only mode, values as last saved by
      Excel (``data_only=True``).  Numbers are written without a trailing
      ``.0`` when whole, dates as ISO 8601, booleans as TRUE/FALSE.  Merged
      ranges and formulas without a saved value inside the data are listed in
      ``cell_flags`` (found by scanning the sheet XML; a second, formula-
      preserving read happens only when the sheet holds formulas).
    * ``.sav``: read with pyreadstat, keeping user-missing codes as values;
      whole numbers without ``.0``; ``row_numbers`` are SPSS case numbers.

    Example
    -------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_bytes("id;note\\r1;très bien\\r".encode("utf-8"))
    >>> table = read_table(folder / "a.csv")
    >>> table.delimiter, table.frame.iloc[0].tolist(), table.row_numbers.tolist()
    (';', ['1', 'très bien'], [2])

    References
    ----------
    RFC 4180 (CSV); ECMA-376 (SpreadsheetML); IBM *SPSS Statistics* ``.sav``
    format as read by ReadStat (https://github.com/WizardMac/ReadStat).
    """
    _require(max_bytes, "max_bytes")
    _require(max_cells, "max_cells")
    if header_row is not None:
        _require(header_row, "header_row")
    if encoding is not None and not isinstance(encoding, str):
        raise OptionError(f"encoding must be a string such as 'utf-8' or 'gb18030', not {encoding!r}")
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"file {path} does not exist")
    if not path.is_file():
        raise DataFileError(f"{path} is not a file (a folder?)")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_text(path, header_row, encoding, max_bytes, max_cells, frozenset(numeric))
    if path.stat().st_size == 0:
        raise DataFileError(f"file {path} is empty")
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(path, sheet, header_row, max_cells)
    if suffix in SAV_SUFFIXES:
        return _read_sav(path, max_cells)
    if suffix == ".xls":
        raise DataFileError(f"file {path}: old .xls workbooks are not supported; save it as .xlsx or CSV UTF-8")
    raise DataFileError(f"file {path}: unknown file type '{suffix}'; use .csv, .tsv, .txt, .xlsx or .sav")
