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

import difflib
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from kitlib.data.codebook import NUMERIC_KINDS, Codebook, load_codebook
from kitlib.data.files import read_table
from kitlib.data.survey import QUALITY_COLUMNS, Survey
from kitlib.errors import (
    CodebookError,
    DataFileError,
    DataValidationError,
    DuplicateRespondentError,
    MissingColumnError,
    NonNumericError,
    OptionError,
    OutOfRangeError,
)

__all__ = ["default_codebook", "fold_key", "load_survey", "normalize_text"]

INTEGER_KINDS = ("servqual_E", "servqual_P", "kano_functional", "kano_dysfunctional", "nps", "overall")
STRAIGHTLINE_MIN_ITEMS = 10
ALLOCATION_TOTAL = 100.0
ALLOCATION_TOLERANCE = 1.0


#: Characters that print as nothing (zero-width spaces and joiners, soft hyphen, BOM, bidi marks).
INVISIBLE = "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"


_INVISIBLE = re.compile(INVISIBLE)
_SPACES = re.compile(r"\s+")


def _normalize_one(text: str) -> str:
    if text.isascii() and text.isprintable() and text == text.strip() and "  " not in text:
        return text  # the common case, checked without regular expressions
    return _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))).strip()


def normalize_text(values: pd.Series) -> pd.Series:
    """Text cells as analyses compare them: NFKC (full-width → half-width), invisible characters removed,
    runs of white space collapsed to one space, stripped; blanks become missing.

    Notes
    -----
    Each distinct value is normalised once (survey columns repeat few values), so
    long files stay fast.

    Example
    -------
    >>> normalize_text(pd.Series(["Ｓａｌｅｓ\u200b ", "  IT  Support", ""])).tolist()
    ['Sales', 'IT Support', <NA>]

    References
    ----------
    Unicode Standard Annex #15: Unicode Normalization Forms (NFKC). https://unicode.org/reports/tr15/
    """
    text = values.astype("string")
    mapping = {value: _normalize_one(value) for value in text.dropna().unique()}
    out = text.map(mapping).astype("string")
    return out.mask(out == "")


def fold_key(values: pd.Series) -> pd.Series:
    """:func:`normalize_text` without case and without any space: values equal here are spelling variants."""
    return normalize_text(values).str.casefold().str.replace(" ", "", regex=False)


class _Validator:
    """Collects problems per row; raises or excludes at the end of each check."""

    def __init__(self, frame: pd.DataFrame, codebook: Codebook, path: Path, on_invalid: str, row_numbers):
        self.frame = frame
        self.codebook = codebook
        self.path = path
        self.on_invalid = on_invalid
        self.row_numbers = np.asarray(row_numbers)
        self.report: list[dict] = []
        self.excluded: set = set()

    def header(self, column: str) -> str:
        """The name the user sees in the file for ``column``."""
        spec = self.codebook.columns.get(column)
        return spec.file_header if spec is not None else column

    def respondent(self, index) -> object:
        column = self.codebook.respondent_id
        return self.frame.at[index, column] if column else None

    def note(self, index, column, value, issue, action) -> None:
        self.report.append({"row": None if index is None else int(self.row_numbers[index]),
                            "respondent": None if index is None else self.respondent(index),
                            "column": column, "value": value, "issue": issue, "action": action})

    def note_many(self, indices, column, values, issue, action) -> None:
        """:meth:`note` for many rows at once (vectorised: large files flag many rows)."""
        indices = np.asarray(indices)
        if len(indices) == 0:
            return
        ids = self.codebook.respondent_id
        respondents = self.frame[ids].to_numpy()[indices] if ids else [None] * len(indices)
        rows = self.row_numbers[indices]
        self.report.extend({"row": int(row), "respondent": respondent, "column": column, "value": value, "issue": issue,
                            "action": action} for row, respondent, value in zip(rows, respondents, values))

    def problem(self, error_type: type[DataValidationError], column, mask: pd.Series, issue: str) -> None:
        """Rows where ``mask`` is true break a rule: raise, or exclude them."""
        if not mask.any():
            return
        bad = mask[mask & ~mask.index.isin(self.excluded)].index
        if len(bad) == 0:
            return
        if self.on_invalid == "raise":
            raise error_type(issue, path=self.path, column=self.header(column), rows=[int(self.row_numbers[i]) for i in bad])
        for index in bad:
            value = self.frame.at[index, column] if column in self.frame else None
            self.note(index, column, value, issue, "excluded")
        self.excluded.update(bad)


def _rename_to_ids(frame: pd.DataFrame, codebook: Codebook, path: Path) -> pd.DataFrame:
    """Columns named by the codebook's ids (a column's ``header`` is its name in the file)."""
    rename = {c.file_header: c.id for c in codebook.columns.values() if c.file_header in frame.columns and c.file_header != c.id}
    clashes = [new for old, new in rename.items() if new in frame.columns and new not in rename]
    if clashes:
        raise DataFileError(f"file {path}: column(s) {', '.join(map(repr, clashes))} exist in the file and are also the codebook "
                            "id of another header; rename one of them")
    return frame.rename(columns=rename)


def _require_columns(frame: pd.DataFrame, codebook: Codebook, path: Path) -> None:
    missing = [c.file_header for c in codebook.columns.values() if c.required and c.id not in frame.columns]
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        known = list(map(str, frame.columns))
        hints = []
        for name in missing[:3]:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            if close:
                hints.append(f"'{name}' → '{close[0]}'?")
        raise MissingColumnError(
            f"{len(missing)} column(s) the codebook requires are missing: {shown}. "
            f"The file has: {', '.join(known[:12])}{' …' if len(known) > 12 else ''}"
            + (f". Did you mean: {'; '.join(hints)} (set 'header:' in the codebook)" if hints else ""),
            path=path,
        )


def _answer_lookup(column) -> dict:
    """Normalised text → code: the codes themselves and their zh/en labels (case-insensitive)."""
    lookup = {}
    for code, label in column.answers.items():
        for text in (str(code), label.get("zh", ""), label.get("en", "")):
            key = unicodedata.normalize("NFKC", str(text)).strip().casefold()
            if key:
                lookup[key] = float(code)
    return lookup


def _declared_missing(codes) -> tuple[set, set]:
    """Split missing-value codes into numbers and normalised texts."""
    numbers, texts = set(), set()
    for code in codes:
        try:
            numbers.add(float(code))
        except (TypeError, ValueError):
            texts.add(unicodedata.normalize("NFKC", str(code)).strip().casefold())
    return numbers, texts


def _to_numbers(validator: _Validator, column, raw: pd.Series) -> pd.Series:
    """The answers of a numeric column as floats: codes, text labels and declared missing codes resolved.

    Numbers parse in pandas' C code; only cells that are not plain numbers (text labels, full-width
    digits, missing codes, junk) take the slower text path, so large files load quickly.
    """
    missing_numbers, missing_texts = _declared_missing(validator.codebook.missing_codes(column.id))
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        numbers = raw.astype(float)
        empty = numbers.isna()
        unresolved = pd.Series(False, index=raw.index)
    else:
        text = raw.astype("string")
        empty = text.isna() | (text == "")
        numbers = pd.to_numeric(text.where(~empty), errors="coerce").astype(float)
        unresolved = numbers.isna() & ~empty
    declared_missing = pd.Series(False, index=raw.index)
    if unresolved.any():
        cells = raw[unresolved]
        keys = pd.Series(pd.unique(cells.astype(str)))
        normalised = normalize_text(keys).fillna("").str.casefold()
        lookup = _answer_lookup(column)
        resolved = {}
        is_missing = {}
        blank_keys = set()
        for key, norm in zip(keys, normalised):
            if norm == "":
                blank_keys.add(key)
                continue
            if norm in missing_texts:
                is_missing[key] = True
                continue
            if norm in lookup:
                resolved[key] = lookup[norm]
                continue
            try:
                resolved[key] = float(norm)
            except ValueError:
                pass
        as_text = cells.astype(str)
        numbers.loc[unresolved] = as_text.map(resolved).astype(float)
        declared_missing.loc[unresolved] = as_text.isin(list(is_missing))
        empty.loc[unresolved] = as_text.isin(blank_keys).to_numpy()
    if missing_numbers:
        coded = numbers.isin(missing_numbers)
        declared_missing |= coded
        numbers = numbers.mask(coded)
    if declared_missing.any():
        shown = pd.Series(raw[declared_missing].astype(str)).value_counts()
        validator.note(None, column.id, "; ".join(f"{value!r}: {count}" for value, count in shown.items()),
                       f"{int(declared_missing.sum())} answer(s) coded as missing (declared missing codes)", "recoded")
    allowed = (f"; the codebook's answer labels: {', '.join(label.get('zh') or label.get('en') for label in column.answers.values())}"
               if column.answers else "")
    validator.problem(NonNumericError, column.id, numbers.isna() & ~empty & ~declared_missing,
                      "is not a number (expected values on the item's scale" + allowed + "; declare codes such as 不适用 "
                      "under 'missing:' in the codebook)")
    if column.kind in INTEGER_KINDS:
        fractional = numbers.notna() & (numbers != np.round(numbers))
        validator.problem(OutOfRangeError, column.id, fractional, "is not a whole number; answers are scale points")
    low, high = column.scale_min, column.scale_max
    outside = numbers.notna() & ((numbers < low) | (numbers > high))
    if column.kind.startswith("kano_"):
        issue = "holds KANO codes outside 1..5 (1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike)"
    else:
        issue = f"holds values outside the scale {low:g}..{high:g} (declare codes such as 99 under 'missing:')"
    validator.problem(OutOfRangeError, column.id, outside, issue)
    return numbers


def _plain_numbers(frame: pd.DataFrame, codebook: Codebook) -> dict[str, pd.Series]:
    """The numeric columns that need nothing of :func:`_to_numbers`, as floats, checked together as one array.

    A column qualifies when pandas already read it as numbers and none of its values is a declared missing
    code, a fraction where the kind asks for scale points, or off the scale: :func:`_to_numbers` would only
    have converted it to floats.  The other columns (text answers, junk, codes, errors to report) take
    :func:`_to_numbers`, column by column.
    """
    specs = [spec for spec in map(codebook.columns.get, frame.columns)
             if spec is not None and spec.kind in NUMERIC_KINDS and None not in (spec.scale_min, spec.scale_max)
             and pd.api.types.is_numeric_dtype(frame[spec.id]) and not pd.api.types.is_bool_dtype(frame[spec.id])]
    if not specs:
        return {}
    values = frame[[spec.id for spec in specs]].to_numpy(dtype=float)
    low = np.array([spec.scale_min for spec in specs], dtype=float)
    high = np.array([spec.scale_max for spec in specs], dtype=float)
    whole = np.array([spec.kind in INTEGER_KINDS for spec in specs])
    broken = (values < low) | (values > high) | (whole & (values != np.round(values)))  # (NaN, a blank, breaks nothing)
    plain = {}
    for j, spec in enumerate(specs):
        codes = _declared_missing(codebook.missing_codes(spec.id))[0]
        if not broken[:, j].any() and not (codes and np.isin(values[:, j], list(codes)).any()):
            plain[spec.id] = pd.Series(values[:, j], index=frame.index)
    return plain


def _group_values(validator: _Validator, column, values: pd.Series) -> pd.Series:
    """Normalised group values; spelling variants (case, width, spaces, invisible characters) flagged or merged."""
    values = normalize_text(values).astype(object).where(lambda s: s.notna(), None)
    present = values.dropna()
    if present.empty:
        return values
    counts = present.value_counts()
    keys = fold_key(pd.Series(counts.index, index=counts.index))
    declared = {fold: name for name in column.labels for fold in fold_key(pd.Series([str(name)]))}
    canonical: dict[str, str] = {}
    for fold, spellings in keys.groupby(keys):
        names = list(spellings.index)
        if fold in declared:
            target = str(declared[fold])
        else:
            target = max(names, key=lambda name: (counts[name], name))
        for name in names:
            if name != target:
                canonical[name] = target
    for variant, target in canonical.items():
        action = "recoded" if column.map_variants else "flagged"
        issue = (f"'{variant}' differs from '{target}' only by case, width, spaces or invisible characters"
                 + ("; merged into it" if column.map_variants else "; set map_variants: true in the codebook to merge them"))
        validator.note(None, column.id, f"{variant} ({int(counts[variant])} rows)", issue, action)
    if column.map_variants and canonical:
        values = values.replace(canonical)
    if column.labels:
        known = set(declared)
        unknown = [name for name, fold in keys.items() if fold not in known and name not in canonical]
        for name in unknown:
            validator.note(None, column.id, f"{name} ({int(counts[name])} rows)",
                           "value is not among the codebook's declared labels for this column", "flagged")
    return values


def _check_respondents(validator: _Validator, data: pd.DataFrame, codebook: Codebook) -> None:
    column = codebook.respondent_id
    if column is None:
        return
    ids = data[column]
    validator.problem(DataValidationError, column, ids.isna(), "respondent id is empty")
    keys = [column] + [c for c in (codebook.role("provider"), codebook.role("wave")) if c and c in data]
    duplicated = data.duplicated(subset=keys, keep=False) & ids.notna()
    unit = f" for the same {', '.join(validator.header(k) for k in keys[1:])}" if len(keys) > 1 else ""
    validator.problem(DuplicateRespondentError, column, duplicated,
                      f"the same respondent appears more than once{unit} (compared after trimming spaces and width)")


def _flag_answer_patterns(validator: _Validator, data: pd.DataFrame, codebook: Codebook) -> None:
    perceptions = codebook.items("servqual_P")
    if len(perceptions) >= STRAIGHTLINE_MIN_ITEMS:
        answers = data[perceptions].to_numpy(dtype=float)
        complete = ~np.isnan(answers).any(axis=1)
        straight = complete & (np.nanmax(answers, axis=1, initial=-np.inf) == np.nanmin(answers, axis=1, initial=np.inf))
        for position in np.flatnonzero(straight):
            index = data.index[position]
            validator.note(index, "servqual_P", answers[position, 0], "same answer to every perception item (straight-lining)", "flagged")
    weights = [c for c in codebook.items("importance") if codebook.columns[c].dimension and c in data]
    if weights:
        totals = data[weights].sum(axis=1, min_count=len(weights))
        off = totals.notna() & ((totals - ALLOCATION_TOTAL).abs() > ALLOCATION_TOLERANCE)
        for index in data.index[off]:
            validator.note(index, "importance", totals[index], "importance points do not add up to 100", "flagged")
    numeric = [c.id for c in codebook.columns.values() if c.kind in NUMERIC_KINDS and c.id in data]
    missing = data[numeric].isna().sum(axis=1)
    rows = data.index[missing > 0]
    validator.note_many(rows, "(items)", missing[rows].astype(int).tolist(), "missing answers (kept; analyses drop them as needed)", "flagged")


def default_codebook(path) -> Path:
    """The codebook :func:`load_survey` reads when it is given none: ``codebook.yaml`` next to the data file.

    Example
    -------
    >>> default_codebook("surveys/2026/responses.xlsx").as_posix()
    'surveys/2026/codebook.yaml'
    """
    return Path(path).parent / "codebook.yaml"


def load_survey(path, codebook=None, *, on_invalid: str = "raise", self_assessment=None, sheet=None, header_row=None,
                encoding=None) -> Survey:
    """Read a survey file and validate it against its YAML codebook.

    Parameters
    ----------
    path : str or Path
        CSV/TSV (UTF-8 with or without BOM, UTF-16, GB18030; other encodings with ``encoding=``),
        XLSX, or SPSS ``.sav``; one row per respondent x rated provider.  Title rows above the
        header and the extra header rows of survey-platform exports are found automatically.
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
    sheet, header_row, encoding : optional
        Passed to :func:`kitlib.data.files.read_table`: the XLSX sheet (name or 0-based
        position), the header's row number (1-based) and the text encoding, when the
        automatic choice is not the right one.

    Returns
    -------
    Survey
        Validated data (columns named by the codebook's ids; role columns named
        ``provider``, ``department``, ``wave``; text answers mapped to their codes;
        declared missing codes blank; reverse-keyed items recoded), codebook and
        data-quality report.  The input file is never modified.

    Raises
    ------
    DataFileError, EncodingError, CodebookError, MissingColumnError,
    NonNumericError, OutOfRangeError, DuplicateRespondentError, OptionError
        All subclasses of :class:`kitlib.KitError`.

    Notes
    -----
    Text cells are compared after NFKC normalisation, removal of invisible
    characters and trimming (:func:`normalize_text`), so ``"Sales "`` and
    ``"Ｓａｌｅｓ"`` are the same group and a trailing space cannot hide a duplicate
    respondent.  Group values that still differ from another only by case or
    spaces are flagged in ``survey.quality`` (merged with ``map_variants: true``).
    Row numbers in messages are the rows the user sees in the file.

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
    if not path.exists():
        raise DataFileError(f"file {path} does not exist")
    if codebook is None:
        codebook = default_codebook(path)
        if not codebook.exists():
            raise CodebookError(f"no codebook given and no codebook.yaml next to {path}")
    if not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook)
    numeric = [c.file_header for c in codebook.columns.values() if c.kind in NUMERIC_KINDS]
    table = read_table(path, sheet=sheet, header_row=header_row, encoding=encoding, numeric=numeric)
    frame = _rename_to_ids(table.frame, codebook, path)
    _require_columns(frame, codebook, path)
    validator = _Validator(frame, codebook, path, on_invalid, table.row_numbers)
    for flag in table.cell_flags.itertuples(index=False):
        validator.report.append({"row": flag.row, "respondent": None, "column": flag.column, "value": flag.value,
                                 "issue": flag.issue, "action": "flagged"})
    columns = {}
    plain = _plain_numbers(frame, codebook)
    for name in frame.columns:
        spec = codebook.columns.get(name)
        if spec is None:
            columns[name] = frame[name]
        elif spec.kind in NUMERIC_KINDS:
            columns[name] = plain[name] if name in plain else _to_numbers(validator, spec, frame[name])
        elif spec.kind in ("group", "wave"):
            columns[name] = _group_values(validator, spec, frame[name])
        else:
            text = frame[name]
            columns[name] = normalize_text(text).astype(object).where(lambda s: s.notna(), None) if spec.kind == "id" \
                else text.astype(object).where(text.astype(str).str.strip() != "", None)
    data = pd.DataFrame(columns, index=frame.index)
    _check_respondents(validator, data, codebook)
    data = data.drop(index=sorted(validator.excluded))
    for column in codebook.columns.values():
        if column.reverse and column.id in data:
            data[column.id] = column.scale_min + column.scale_max - data[column.id]
            validator.note(None, column.id, None, "reverse-keyed item recoded as min + max - x", "recoded")
    _flag_answer_patterns(validator, data, codebook)
    for name in (c for c in data.columns if c not in codebook.columns):
        validator.note(None, name, None, "column not described in the codebook (kept as text)", "flagged")
    quality = pd.DataFrame(validator.report, columns=QUALITY_COLUMNS)
    assessment = None
    if self_assessment is not None:
        assessment = _load_self_assessment(Path(self_assessment), codebook)
    return Survey(data.reset_index(drop=True), codebook, quality, str(path), table.encoding, assessment)


def _load_self_assessment(path: Path, codebook: Codebook) -> pd.DataFrame:
    table = read_table(path)
    frame = _rename_to_ids(table.frame, codebook, path)
    perceptions = codebook.items("servqual_P")
    keys = [c for c in (codebook.role("provider"),) if c]
    missing = [codebook.columns[c].file_header for c in keys + perceptions if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"self-assessment lacks column(s) {', '.join(missing)}", path=path)
    validator = _Validator(frame, codebook, path, "raise", table.row_numbers)
    data = pd.DataFrame({key: _group_values(validator, codebook.columns[key], frame[key]) for key in keys}, index=frame.index)
    for item in perceptions:
        column = codebook.columns[item]
        values = _to_numbers(validator, column, frame[item])
        data[item] = column.scale_min + column.scale_max - values if column.reverse else values
    return data
