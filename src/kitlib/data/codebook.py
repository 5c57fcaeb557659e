"""The YAML codebook that describes every column of a survey.

A codebook says, for each column, what it measures (``kind``), its bilingual
text, its scale and, for SERVQUAL items, the dimension it belongs to.  The
loader validates data against it; analyses use it to find items by role.

Codebook layout (YAML)::

    name: it_firm
    title: {zh: 某IT公司内部服务满意度调查, en: IT firm internal service survey}
    respondent_id: respondent_id        # column holding respondent ids
    rated_unit: provider                # a respondent may appear once per provider
    dimensions:                         # SERVQUAL dimension labels
      tangibles: {zh: 有形性, en: Tangibles}
    features:                           # KANO feature labels
      F01: {zh: 自助重置密码, en: Self-service password reset}
    kano_options:                       # labels of codes 1..5
      1: {zh: 我喜欢, en: I like it}
    columns:
      - id: P01
        kind: servqual_P
        dimension: tangibles
        item: 1
        scale: {min: 1, max: 7}
        reverse: false
        text_zh: ...
        text_en: ...

Example
-------
>>> import kitlib as kl
>>> book = kl.load_case("it_firm").codebook
>>> book.items("servqual_P", dimension="tangibles")
['P01', 'P02', 'P03', 'P04']

References
----------
Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: A
multiple-item scale for measuring consumer perceptions of service quality.
*Journal of Retailing*, 64(1), 12–40.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kitlib.errors import CodebookError, DataFileError
from kitlib.i18n import check_lang

__all__ = ["Codebook", "Column", "load_codebook", "parse_codebook"]

KINDS = (
    "id",
    "servqual_E",
    "servqual_P",
    "kano_functional",
    "kano_dysfunctional",
    "importance",
    "nps",
    "overall",
    "group",
    "wave",
    "comment",
)
NUMERIC_KINDS = (
    "servqual_E",
    "servqual_P",
    "kano_functional",
    "kano_dysfunctional",
    "importance",
    "nps",
    "overall",
)
SERVQUAL_DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
KANO_CODES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Column:
    """One column of the survey as the codebook describes it."""

    id: str
    kind: str
    text_zh: str = ""
    text_en: str = ""
    dimension: str | None = None
    item: int | None = None
    feature: str | None = None
    scale_min: float | None = None
    scale_max: float | None = None
    reverse: bool = False
    required: bool = True
    labels: dict = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """Item text in ``lang`` ("zh" or "en"), falling back to the id."""
        return (self.text_zh if lang == "zh" else self.text_en) or self.id


@dataclass
class Codebook:
    """Parsed codebook: column specs plus bilingual labels.

    Use :func:`load_codebook` to read one from YAML.
    """

    name: str
    columns: dict[str, Column]
    respondent_id: str | None = None
    rated_unit: str | None = None
    title: dict[str, str] = field(default_factory=dict)
    dimensions: dict[str, dict[str, str]] = field(default_factory=dict)
    features: dict[str, dict[str, str]] = field(default_factory=dict)
    kano_options: dict[int, dict[str, str]] = field(default_factory=dict)
    source: str | None = None

    def __repr__(self) -> str:
        kinds = {}
        for column in self.columns.values():
            kinds[column.kind] = kinds.get(column.kind, 0) + 1
        summary = ", ".join(f"{k}={n}" for k, n in kinds.items())
        return f"Codebook({self.name!r}, {len(self.columns)} columns: {summary})"

    def items(self, kind: str, dimension: str | None = None, feature: str | None = None) -> list[str]:
        """Column ids of one ``kind``, optionally of one dimension or KANO feature, in file order."""
        if kind not in KINDS:
            raise CodebookError(f"unknown column kind '{kind}'; known kinds: {', '.join(KINDS)}")
        return [
            c.id
            for c in self.columns.values()
            if c.kind == kind
            and (dimension is None or c.dimension == dimension)
            and (feature is None or c.feature == feature)
        ]

    def servqual_model(self, kind: str = "P") -> dict[str, list[str]]:
        """``{dimension: [item ids]}`` for the perception (``"P"``) or expectation (``"E"``) items."""
        model = {}
        for column in self.columns.values():
            if column.kind == f"servqual_{kind}" and column.dimension:
                model.setdefault(column.dimension, []).append(column.id)
        return model

    def servqual_pairs(self) -> list[tuple[str, str, str]]:
        """``[(dimension, E id, P id), ...]`` matched by SERVQUAL item number."""
        expectations = {c.item: c for c in self.columns.values() if c.kind == "servqual_E"}
        pairs = []
        for column in self.columns.values():
            if column.kind == "servqual_P" and column.item in expectations:
                pairs.append((column.dimension, expectations[column.item].id, column.id))
        return pairs

    def kano_pairs(self) -> dict[str, tuple[str, str]]:
        """``{feature: (functional column, dysfunctional column)}``."""
        functional = {c.feature: c.id for c in self.columns.values() if c.kind == "kano_functional"}
        dysfunctional = {c.feature: c.id for c in self.columns.values() if c.kind == "kano_dysfunctional"}
        return {f: (functional[f], dysfunctional[f]) for f in functional if f in dysfunctional}

    def label(self, key: str, lang: str = "en") -> str:
        """Bilingual label of a column, dimension or feature id (the id itself if unknown)."""
        check_lang(lang)
        if key in self.columns:
            return self.columns[key].text(lang)
        for table in (self.dimensions, self.features):
            if key in table:
                return table[key].get(lang) or key
        return key

    def value_label(self, column: str, value, lang: str = "en") -> str:
        """Bilingual label of a category value (e.g. a department name); the value itself if unlabelled."""
        labels = self.columns[column].labels if column in self.columns else {}
        entry = labels.get(value) or labels.get(str(value))
        return entry.get(lang, str(value)) if entry else str(value)


def _labels(raw, where: str) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: expected a mapping of id -> {{zh: ..., en: ...}}")
    return {key: dict(value) if isinstance(value, dict) else {"zh": str(value), "en": str(value)} for key, value in raw.items()}


def _column(raw: dict, position: int, source: str) -> Column:
    if not isinstance(raw, dict) or "id" not in raw or "kind" not in raw:
        raise CodebookError(f"{source}: column entry {position + 1} needs at least 'id' and 'kind'")
    kind = raw["kind"]
    if kind not in KINDS:
        raise CodebookError(
            f"{source}: column '{raw['id']}' has unknown kind '{kind}'; known kinds: {', '.join(KINDS)}"
        )
    scale = raw.get("scale") or {}
    if kind in ("kano_functional", "kano_dysfunctional"):
        scale = {"min": 1, "max": 5, **scale}
    if kind == "nps":
        scale = {"min": 0, "max": 10, **scale}
    if kind in NUMERIC_KINDS and not {"min", "max"} <= set(scale):
        raise CodebookError(f"{source}: numeric column '{raw['id']}' needs scale: {{min: .., max: ..}}")
    if kind.startswith("servqual_") and raw.get("dimension") is None:
        raise CodebookError(f"{source}: SERVQUAL column '{raw['id']}' needs a 'dimension'")
    if kind.startswith("kano_") and not raw.get("feature"):
        raise CodebookError(f"{source}: KANO column '{raw['id']}' needs a 'feature'")
    return Column(
        id=str(raw["id"]),
        kind=kind,
        text_zh=str(raw.get("text_zh", "")),
        text_en=str(raw.get("text_en", "")),
        dimension=raw.get("dimension"),
        item=raw.get("item"),
        feature=raw.get("feature"),
        scale_min=scale.get("min"),
        scale_max=scale.get("max"),
        reverse=bool(raw.get("reverse", False)),
        required=bool(raw.get("required", True)),
        labels=_labels(raw.get("labels"), f"{source}: labels of '{raw['id']}'"),
    )


def parse_codebook(raw: dict, source: str = "<codebook>") -> Codebook:
    """Build a :class:`Codebook` from an already-parsed YAML mapping."""
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), list):
        raise CodebookError(f"{source}: a codebook is a mapping with a 'columns' list")
    columns = {}
    for position, entry in enumerate(raw["columns"]):
        column = _column(entry, position, source)
        if column.id in columns:
            raise CodebookError(f"{source}: column '{column.id}' is described twice")
        columns[column.id] = column
    respondent_id = raw.get("respondent_id")
    if respondent_id is not None and respondent_id not in columns:
        raise CodebookError(f"{source}: respondent_id '{respondent_id}' is not among the columns")
    return Codebook(
        name=str(raw.get("name", Path(source).parent.name or "survey")),
        columns=columns,
        respondent_id=respondent_id,
        rated_unit=raw.get("rated_unit"),
        title=dict(raw.get("title") or {}),
        dimensions=_labels(raw.get("dimensions"), source),
        features=_labels(raw.get("features"), source),
        kano_options={int(k): v for k, v in _labels(raw.get("kano_options"), source).items()},
        source=source,
    )


def load_codebook(path) -> Codebook:
    """Read and check a YAML codebook.

    Parameters
    ----------
    path : str or Path
        The ``codebook.yaml`` file.

    Returns
    -------
    Codebook

    Raises
    ------
    DataFileError
        The file is missing or not valid YAML.
    CodebookError
        The YAML does not describe a valid codebook.

    Example
    -------
    >>> from kitlib.data.cases import case_dir
    >>> load_codebook(case_dir("bank") / "codebook.yaml").name
    'bank'

    References
    ----------
    YAML Ain't Markup Language, version 1.2. https://yaml.org/spec/1.2.2/
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"codebook file {path} does not exist") from None
    except UnicodeDecodeError:
        raise DataFileError(f"codebook file {path} is not UTF-8 text") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DataFileError(f"codebook file {path} is not valid YAML: {error}") from None
    return parse_codebook(raw, source=str(path))
