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

import dataclasses
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from kitlib.errors import CodebookError, DataFileError, OptionError
from kitlib.i18n import check_lang

__all__ = ["CODEBOOK_SCHEMA", "Codebook", "Column", "load_codebook", "parse_codebook"]

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


ROLES = ("provider", "receiver", "wave")
#: The name each role's column gets in ``survey.data`` (analyses and reports address it by this name).
ROLE_COLUMNS = {"provider": "provider", "receiver": "department", "wave": "wave"}
#: Size limits that stop malicious or runaway codebooks (YAML alias bombs, huge files).
MAX_CODEBOOK_BYTES = 2_000_000
MAX_YAML_NODES = 200_000


@dataclass(frozen=True)
class Column:
    """One column of the survey as the codebook describes it.

    Attributes
    ----------
    id : str
        The column's name in ``survey.data`` and in analyses.
    kind : str
        One of :data:`KINDS`.
    header : str
        The column's header in the data file (defaults to ``id``).
    text_zh, text_en : str
        Question text or label.
    dimension, item, feature : optional
        SERVQUAL dimension and item number; KANO feature.
    scale_min, scale_max : float or None
        The answer scale of numeric kinds.
    reverse, required : bool
    labels : dict
        Labels of category values (groups): ``{value: {"zh": .., "en": ..}}``.
    answers : dict
        Value labels of numeric answers: ``{code: {"zh": .., "en": ..}}``; a text answer equal to a
        label (either language) is read as its code.
    missing : tuple
        Answers that mean "no answer" (e.g. ``不适用``, ``N/A``, ``99``), on top of the codebook's global ones.
    map_variants : bool
        Group values that differ from a declared or more frequent value only by case, width, spaces or
        invisible characters are merged into it (else they are only flagged).
    """

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
    header: str = ""
    answers: dict = field(default_factory=dict)
    missing: tuple = ()
    map_variants: bool = False

    def text(self, lang: str = "en") -> str:
        """Item text in ``lang`` ("zh" or "en"), falling back to the id."""
        return (self.text_zh if lang == "zh" else self.text_en) or self.id

    @property
    def file_header(self) -> str:
        """The header naming this column in the data file."""
        return self.header or self.id


@dataclass
class Codebook:
    """Parsed codebook: column specs, roles, missing-value codes and bilingual labels.

    Use :func:`load_codebook` to read one from YAML (format: ``docs/codebook.md``).
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
    version: int = 1
    roles: dict[str, str] = field(default_factory=dict)
    segments: list[str] = field(default_factory=list)
    missing: tuple = ()
    #: Comment themes: ``{theme: {"zh", "en", "keywords": {"zh": [...], "en": [...]}, "dimension"}}`` (see docs/codebook.md).
    themes: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        kinds = {}
        for column in self.columns.values():
            kinds[column.kind] = kinds.get(column.kind, 0) + 1
        summary = ", ".join(f"{k}={n}" for k, n in kinds.items())
        return f"Codebook({self.name!r}, {len(self.columns)} columns: {summary})"

    def items(self, kind: str, dimension: str | None = None, feature: str | None = None) -> list[str]:
        """Column ids of one ``kind``, optionally of one dimension or KANO feature, in file order."""
        if kind not in KINDS:
            raise OptionError(f"unknown column kind '{kind}'; known kinds: {', '.join(KINDS)}")
        return [
            c.id
            for c in self.columns.values()
            if c.kind == kind
            and (dimension is None or c.dimension == dimension)
            and (feature is None or c.feature == feature)
        ]

    def role(self, name: str) -> str | None:
        """The column playing a role (``"provider"``, ``"receiver"``, ``"wave"``), or None."""
        if name not in ROLES:
            raise OptionError(f"role must be one of {', '.join(ROLES)}, not {name!r}")
        return self.roles.get(name)

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

    def missing_codes(self, column: str) -> tuple:
        """The answers that mean "no answer" in ``column``: the codebook's global codes plus the column's own."""
        return tuple(self.missing) + tuple(self.columns[column].missing)


# ------------------------------------------------------------------ schema
_TEXT = {"type": ["string", "number"], "not": {"type": "boolean"}}
_BILINGUAL = {
    "anyOf": [
        {"type": "object", "properties": {"zh": _TEXT, "en": _TEXT}, "additionalProperties": False, "minProperties": 1},
        _TEXT,
    ]
}
_LABEL_TABLE = {"type": "object", "additionalProperties": _BILINGUAL}
_CODE = {"type": ["string", "number"], "not": {"type": "boolean"}}
_SCALE = {
    "anyOf": [
        {"type": "object", "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
         "required": ["min", "max"], "additionalProperties": False},
        {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    ]
}
COLUMN_SCHEMA = {
    "type": "object",
    "required": ["id", "kind"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": ["string", "integer"], "not": {"type": "boolean"}},
        "header": {"type": ["string", "integer"], "not": {"type": "boolean"}},
        "kind": {"enum": list(KINDS)},
        "text_zh": _TEXT,
        "text_en": _TEXT,
        "dimension": {"type": "string"},
        "item": {"type": "integer", "not": {"type": "boolean"}},
        "feature": {"type": ["string", "integer"], "not": {"type": "boolean"}},
        "scale": _SCALE,
        "reverse": {"type": "boolean"},
        "required": {"type": "boolean"},
        "labels": _LABEL_TABLE,
        "answers": {"anyOf": [{"type": "string"}, _LABEL_TABLE]},
        "missing": {"type": "array", "items": _CODE},
        "map_variants": {"type": "boolean"},
    },
}
_KEYWORDS = {"type": "array", "items": {"type": "string", "minLength": 1}}
#: One comment theme: bilingual label, keywords per language, optional SERVQUAL (or declared) dimension.
THEME_SCHEMA = {
    "type": "object",
    "required": ["keywords"],
    "additionalProperties": False,
    "properties": {
        "zh": _TEXT,
        "en": _TEXT,
        "keywords": {"type": "object", "properties": {"zh": _KEYWORDS, "en": _KEYWORDS}, "additionalProperties": False, "minProperties": 1},
        "dimension": {"type": "string"},
    },
}
#: The JSON schema every codebook (v1 and v2) is validated against before the semantic checks.
CODEBOOK_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["columns"],
    "additionalProperties": False,
    "properties": {
        "version": {"enum": [1, 2]},
        "name": {"type": ["string", "integer"], "not": {"type": "boolean"}},
        "title": _BILINGUAL,
        "respondent_id": {"type": "string"},
        "rated_unit": {"type": "string"},
        "roles": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"provider": {"type": "string"}, "receiver": {"type": "string"}, "wave": {"type": "string"},
                           "segments": {"type": "array", "items": {"type": "string"}}},
        },
        "missing": {"type": "array", "items": _CODE},
        "answer_sets": {"type": "object", "additionalProperties": _LABEL_TABLE},
        "dimensions": _LABEL_TABLE,
        "features": _LABEL_TABLE,
        "kano_options": _LABEL_TABLE,
        "columns": {"type": "array", "minItems": 1, "items": COLUMN_SCHEMA},
        "themes": {"type": "object", "additionalProperties": THEME_SCHEMA},
    },
}
_TYPE_WORDS = {"boolean": "true or false", "string": "text", "number": "a number", "integer": "a whole number",
               "object": "a mapping (key: value lines)", "array": "a list ([a, b] or '- a' lines)"}


def _where(path) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out.replace("columns[", "column entry [") or "the top level"


def _describe(value) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (dict, list)):
        return f"a {'mapping' if isinstance(value, dict) else 'list'}"
    return f"{value!r}"


def _schema_message(error, instance) -> str:
    """One readable sentence for a jsonschema error, with a did-you-mean where a name is unknown."""
    where = _where(error.absolute_path)
    column = None
    if len(error.absolute_path) >= 2 and error.absolute_path[0] == "columns" and isinstance(error.absolute_path[1], int):
        entry = instance["columns"][error.absolute_path[1]]
        if isinstance(entry, dict) and "id" in entry:
            column = entry["id"]
            where = where.replace(f"column entry [{error.absolute_path[1] + 1}]", f"column '{column}'")
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        unexpected = [key for key in error.instance if key not in allowed]
        hints = []
        for key in unexpected:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hints.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        return f"{where}: unknown key(s) {', '.join(hints)}; allowed: {', '.join(allowed)}"
    if error.validator == "enum":
        options = [str(option) for option in error.validator_value]
        close = difflib.get_close_matches(str(error.instance), options, n=1, cutoff=0.5)
        return (f"{where}: {_describe(error.instance)} is not allowed"
                + (f" (did you mean '{close[0]}'?)" if close else "") + f"; choose one of: {', '.join(options)}")
    if error.validator == "required":
        return f"{where}: {error.message.replace('is a required property', 'is required')}"
    if error.validator in ("type", "not"):
        wanted = error.validator_value if error.validator == "type" else None
        if isinstance(wanted, str):
            wanted = [wanted]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted) if wanted else "text or a number"
        return f"{where} must be {words}, not {_describe(error.instance)}"
    if error.validator == "anyOf" and "scale" in where:
        return f"{where} must be a min/max pair such as {{min: 1, max: 5}} or [1, 5], not {_describe(error.instance)}"
    if error.validator == "anyOf":
        return f"{where} must be text or a {{zh: ..., en: ...}} pair, not {_describe(error.instance)}"
    return f"{where}: {error.message}"


#: libyaml's safe loader when PyYAML was built with it (about 10x faster), else the pure-Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _safe_load(text: str, source: str):
    """The YAML document in ``text``, parsed once: its node tree is size-checked before it is constructed."""
    loader = _SAFE_LOADER(text)
    try:
        root = loader.get_single_node()
        _yaml_size_check(root, source)
        return None if root is None else loader.construct_document(root)
    except yaml.YAMLError as error:
        raise DataFileError(f"codebook file {source} is not valid YAML: {error}") from None
    finally:
        loader.dispose()


def _yaml_size_check(root, source: str) -> None:
    """Refuse a YAML node tree whose aliases would expand to more than :data:`MAX_YAML_NODES` nodes (billion laughs)."""
    if root is None:
        return
    sizes: dict[int, int] = {}

    def expanded(node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # a cycle counts once
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(expanded(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(expanded(k) + expanded(v) for k, v in node.value)
        else:
            total = 1
        sizes[key] = min(total, MAX_YAML_NODES + 1)
        return sizes[key]

    if expanded(root) > MAX_YAML_NODES:
        raise CodebookError(
            f"{source}: the codebook expands to more than {MAX_YAML_NODES:,} entries (YAML anchors/aliases repeated "
            "many times); write the entries out or use fewer aliases"
        )


# ------------------------------------------------------------------ parsing
def _bilingual(value) -> dict:
    if isinstance(value, dict):
        pair = {lang: str(text) for lang, text in value.items()}
        return {"zh": pair.get("zh", pair.get("en", "")), "en": pair.get("en", pair.get("zh", ""))}
    return {"zh": str(value), "en": str(value)}


def _label_table(raw) -> dict:
    return {key: _bilingual(value) for key, value in (raw or {}).items()}


def _code(value):
    """A value-label key as a number where it is one (YAML keys ``5`` and ``"5"`` mean the same code)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def _column(raw: dict, source: str, answer_sets: dict) -> Column:
    kind = raw["kind"]
    name = str(raw["id"])
    scale = raw.get("scale") or {}
    if isinstance(scale, list):
        scale = {"min": scale[0], "max": scale[1]}
    if kind in ("kano_functional", "kano_dysfunctional"):
        scale = {"min": 1, "max": 5, **scale}
    if kind == "nps":
        scale = {"min": 0, "max": 10, **scale}
    if kind in NUMERIC_KINDS and not {"min", "max"} <= set(scale):
        raise CodebookError(f"{source}: numeric column '{name}' needs scale: {{min: .., max: ..}} (e.g. scale: [1, 5])")
    if scale and scale["min"] >= scale["max"]:
        raise CodebookError(f"{source}: column '{name}': scale min ({scale['min']}) must be below max ({scale['max']})")
    if kind.startswith("servqual_") and raw.get("dimension") is None:
        raise CodebookError(f"{source}: SERVQUAL column '{name}' needs a 'dimension'")
    if kind.startswith("kano_") and raw.get("feature") in (None, ""):
        raise CodebookError(f"{source}: KANO column '{name}' needs a 'feature'")
    answers = raw.get("answers") or {}
    if isinstance(answers, str):
        if answers not in answer_sets:
            close = difflib.get_close_matches(answers, list(answer_sets), n=1, cutoff=0.5)
            raise CodebookError(f"{source}: column '{name}' uses answer set '{answers}', which answer_sets does not define"
                                + (f" (did you mean '{close[0]}'?)" if close else ""))
        answers = answer_sets[answers]
    answers = {_code(code): label for code, label in _label_table(answers).items()}
    if answers and kind not in NUMERIC_KINDS:
        raise CodebookError(f"{source}: column '{name}' of kind {kind} cannot have answers (value labels of numeric answers)")
    return Column(
        id=name,
        kind=kind,
        text_zh=str(raw.get("text_zh", "")),
        text_en=str(raw.get("text_en", "")),
        dimension=raw.get("dimension"),
        item=raw.get("item"),
        feature=None if raw.get("feature") is None else str(raw["feature"]),
        scale_min=scale.get("min"),
        scale_max=scale.get("max"),
        reverse=raw.get("reverse", False),
        required=raw.get("required", True),
        labels=_label_table(raw.get("labels")),
        header=str(raw.get("header", "")),
        answers=answers,
        missing=tuple(raw.get("missing", ())),
        map_variants=raw.get("map_variants", False),
    )


def _check_declared(columns: dict[str, Column], raw: dict, source: str) -> None:
    dimensions = list(raw.get("dimensions") or {})
    used = [c for c in columns.values() if c.dimension is not None]
    if used and not dimensions and raw.get("version") == 2:
        raise CodebookError(f"{source}: columns name dimensions but the codebook declares none; list them under 'dimensions:'")
    if dimensions:
        for column in used:
            if column.dimension not in dimensions:
                close = difflib.get_close_matches(column.dimension, dimensions, n=1)
                raise CodebookError(
                    f"{source}: column '{column.id}' names dimension '{column.dimension}', which 'dimensions:' does not declare"
                    + (f" (did you mean '{close[0]}'?)" if close else f"; declared: {', '.join(dimensions)}")
                )
    functional = {c.feature: c.id for c in columns.values() if c.kind == "kano_functional"}
    dysfunctional = {c.feature: c.id for c in columns.values() if c.kind == "kano_dysfunctional"}
    for mine, other, side, missing_side in ((functional, dysfunctional, "functional", "dysfunctional"),
                                            (dysfunctional, functional, "dysfunctional", "functional")):
        for feature, column in mine.items():
            if feature not in other:
                close = difflib.get_close_matches(feature, list(other), n=1)
                raise CodebookError(
                    f"{source}: KANO {side} column '{column}' (feature '{feature}') has no {missing_side} partner with the same feature"
                    + (f" (did you mean '{close[0]}'?)" if close else "")
                )


def _apply_roles(columns: dict[str, Column], raw: dict, source: str) -> tuple[dict[str, Column], dict, list]:
    """Give every role its canonical column (:data:`ROLE_COLUMNS`), matching the role's header or id."""
    roles_raw = dict(raw.get("roles") or {})
    segments = list(roles_raw.pop("segments", []))
    by_header = {c.file_header: c.id for c in columns.values()}
    roles: dict[str, str] = {}
    out = dict(columns)
    for role, header in roles_raw.items():
        canonical = ROLE_COLUMNS[role]
        existing = by_header.get(header) or (header if header in columns else None)
        if existing is None:
            kind = "wave" if role == "wave" else "group"
            column = Column(id=canonical, kind=kind, text_zh=header, text_en=header, header=header, required=True)
        else:
            spec = out.pop(existing)
            column = dataclasses.replace(spec, id=canonical, header=spec.file_header)
            if column.kind not in ("group", "wave"):
                raise CodebookError(f"{source}: role {role} names column '{header}' of kind {column.kind}; it must be a group column")
        if canonical in out and canonical != existing:
            raise CodebookError(f"{source}: role {role} needs the column name '{canonical}', which another column already uses")
        out[canonical] = column
        roles[role] = canonical
    for segment in segments:
        if segment not in by_header and segment not in out:
            out[segment] = Column(id=segment, kind="group", text_zh=segment, text_en=segment, header=segment)
    if "provider" not in roles and raw.get("rated_unit") in out:
        roles["provider"] = raw["rated_unit"]
    if "provider" not in roles and "provider" in out and out["provider"].kind == "group":
        roles["provider"] = "provider"
    if "receiver" not in roles and "department" in out and out["department"].kind == "group":
        roles["receiver"] = "department"
    waves = [c.id for c in out.values() if c.kind == "wave"]
    if "wave" not in roles and waves:
        roles["wave"] = waves[0]
    return out, roles, segments


def _themes(raw: dict, source: str) -> dict:
    """The ``themes:`` mapping, each dimension checked against the declared (or SERVQUAL) dimensions."""
    declared = set(raw.get("dimensions") or {}) or set(SERVQUAL_DIMENSIONS)
    themes = {}
    for name, spec in (raw.get("themes") or {}).items():
        dimension = spec.get("dimension")
        if dimension is not None and dimension not in declared:
            close = difflib.get_close_matches(dimension, sorted(declared), n=1)
            raise CodebookError(f"{source}: theme '{name}' names dimension '{dimension}', which is not declared"
                                + (f" (did you mean '{close[0]}'?)" if close else f"; known: {', '.join(sorted(declared))}"))
        keywords = {lang: [str(word) for word in words] for lang, words in spec["keywords"].items() if words}
        if not keywords:
            raise CodebookError(f"{source}: theme '{name}' has no keywords")
        themes[str(name)] = {"zh": str(spec.get("zh", name)), "en": str(spec.get("en", name)), "keywords": keywords, "dimension": dimension}
    return themes


def parse_codebook(raw: dict, source: str = "<codebook>") -> Codebook:
    """Build a :class:`Codebook` from an already-parsed YAML mapping (v1 or v2).

    The mapping is checked against :data:`CODEBOOK_SCHEMA` first (strict
    types: booleans are booleans, a scale is a min/max pair, labels are text;
    unknown keys and kinds get a did-you-mean), then for consistency
    (declared dimensions, KANO pairs both ways, roles, duplicate ids).

    Example
    -------
    >>> book = parse_codebook({"version": 2, "roles": {"provider": "您评价的服务部门"},
    ...                        "columns": [{"id": "Q1", "kind": "overall", "scale": [1, 5]}]})
    >>> book.role("provider"), book.columns["provider"].file_header
    ('provider', '您评价的服务部门')

    References
    ----------
    JSON Schema, draft 2020-12. https://json-schema.org/draft/2020-12
    """
    if not isinstance(raw, dict):
        raise CodebookError(f"{source}: a codebook is a mapping with a 'columns' list, not {_describe(raw)}")
    errors = sorted(jsonschema.Draft202012Validator(CODEBOOK_SCHEMA).iter_errors(raw), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        shown = [_schema_message(error, raw) for error in errors[:5]]
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise CodebookError(f"{source}: " + "; ".join(shown) + more)
    answer_sets = {name: table for name, table in (raw.get("answer_sets") or {}).items()}
    columns: dict[str, Column] = {}
    for entry in raw["columns"]:
        column = _column(entry, source, answer_sets)
        if column.id in columns:
            raise CodebookError(f"{source}: column '{column.id}' is described twice")
        columns[column.id] = column
    headers = [c.file_header for c in columns.values()]
    repeated = sorted({h for h in headers if headers.count(h) > 1})
    if repeated:
        raise CodebookError(f"{source}: header(s) {', '.join(map(repr, repeated))} are given to more than one column")
    _check_declared(columns, raw, source)
    columns, roles, segments = _apply_roles(columns, raw, source)
    respondent_id = raw.get("respondent_id")
    if respondent_id is not None:
        match = next((c.id for c in columns.values() if respondent_id in (c.id, c.file_header)), None)
        if match is None:
            close = difflib.get_close_matches(respondent_id, [c.file_header for c in columns.values()], n=1)
            raise CodebookError(f"{source}: respondent_id '{respondent_id}' is not among the columns"
                                + (f" (did you mean '{close[0]}'?)" if close else ""))
        respondent_id = match
    title = raw.get("title")
    return Codebook(
        name=str(raw.get("name", Path(source).parent.name or "survey")),
        columns=columns,
        respondent_id=respondent_id,
        rated_unit=roles.get("provider", raw.get("rated_unit")),
        title=_bilingual(title) if title is not None else {},
        dimensions=_label_table(raw.get("dimensions")),
        features={str(k): v for k, v in _label_table(raw.get("features")).items()},
        kano_options={int(_code(k)): v for k, v in _label_table(raw.get("kano_options")).items()},
        source=source,
        version=int(raw.get("version", 1)),
        roles=roles,
        segments=segments,
        missing=tuple(raw.get("missing", ())),
        themes=_themes(raw, source),
    )


def load_codebook(path) -> Codebook:
    """Read and check a YAML codebook (format and every key: ``docs/codebook.md``).

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
        The file is missing, a folder, too large, not UTF-8 or not valid YAML.
    CodebookError
        The YAML does not describe a valid codebook (the message names the key and suggests a fix).

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
    if not path.exists():
        raise DataFileError(f"codebook file {path} does not exist")
    if not path.is_file():
        raise DataFileError(f"codebook {path} is not a file (a folder?); give the path of the .yaml file")
    if path.stat().st_size > MAX_CODEBOOK_BYTES:
        raise DataFileError(f"codebook file {path} is larger than {MAX_CODEBOOK_BYTES // 1_000_000} MB; is it really a codebook?")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(f"codebook file {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise DataFileError(f"codebook file {path} cannot be read ({error.strerror})") from None
    return parse_codebook(_safe_load(text, str(path)), source=str(path))
