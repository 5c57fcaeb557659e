"""Draft a codebook from a raw survey export, for the researcher to review.

``kitlib codebook draft FILE -o codebook.yaml`` (or :func:`draft_codebook`) reads a
CSV/XLSX/SPSS export — title rows, platform header rows and text answers
included — and writes a commented YAML codebook (format: ``docs/codebook.md``)
that :func:`kitlib.load_survey` and ``kitlib report --data FILE --codebook
codebook.yaml`` accept as it is.  Every guess is marked ``# review`` so the
researcher knows what to check.

Example
-------
>>> from kitlib.data.cases import case_dir
>>> draft = draft_codebook(case_dir("it_firm") / "responses.csv")
>>> draft.codebook.role("provider"), len(draft.codebook.servqual_model("P"))
('provider', 5)

References
----------
DDI Alliance (2014). *Data Documentation Initiative — Codebook 2.5*.
Kano, N. et al. (1984). Attractive quality and must-be quality. *Hinshitsu*, 14(2), 39–48.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import yaml

from kitlib.data.codebook import Codebook, parse_codebook
from kitlib.data.files import RawTable, read_table
from kitlib.data.readers import normalize_text

__all__ = ["CodebookDraft", "draft_codebook"]

#: Headers of platform metadata (submission time, duration, IP, source…): left out of the codebook.
METADATA = re.compile(
    r"(提交|答题|开始|结束|填写).{0,3}(时间|日期)|所用时间|用时|时长|^ip|ip地址|来源|来自|渠道|设备|操作系统|浏览器|"
    r"^(start|end|recorded)\s*date$|^status$|^progress$|duration|^finished$|^ipaddress$|^recipient|^externalreference$|"
    r"^location(latitude|longitude)$|^distributionchannel$|^userlanguage$|^q_|^user ?agent|^source$|^referr?er$|^total ?score$|总分",
    re.I,
)
ID_HEADER = re.compile(r"^(序号|编号|答卷编号|答卷序号|问卷编号|id|response[ _]?id|respondent[ _]?id|respondent)$", re.I)
SERVQUAL_CODE = re.compile(r"^(?P<kind>[EP])[_ ]?(?P<item>\d{1,2})$", re.I)
KANO_CODE = re.compile(r"^(?P<feature>.+?)[_ ](?P<side>f|func|functional|d|dys|dysfunctional|功能|反向)$", re.I)
IMPORTANCE_HEADER = re.compile(r"(_imp|importance|重要)", re.I)
ALLOCATION_CODE = re.compile(r"^W_(?P<dimension>\w+)$", re.I)
#: The 22-item SERVQUAL structure: item number → dimension (Parasuraman et al. 1988).
SERVQUAL_22 = {i: d for d, items in (("tangibles", range(1, 5)), ("reliability", range(5, 10)), ("responsiveness", range(10, 14)),
                                    ("assurance", range(14, 18)), ("empathy", range(18, 23))) for i in items}
PROVIDER_HEADER = re.compile(r"评价的|被评|服务部门|提供方|provider|rated|rating|service (unit|department)", re.I)
RECEIVER_HEADER = re.compile(r"所在|您的部门|你的部门|所属|your (department|unit|team)|^dep(artmen)?t$|^部门$|receiv", re.I)
WAVE_HEADER = re.compile(r"批次|期次|轮次|^wave$|^round$|调查期|survey wave|^year$|年度", re.I)
COMMENT_HEADER = re.compile(r"意见|建议|评论|留言|备注|其他想说|comment|suggest|remark|feedback|open[ _]?text", re.I)
NPS_HEADER = re.compile(r"推荐|recommend|nps", re.I)
OVERALL_HEADER = re.compile(r"总体|整体|总的来说|overall", re.I)
EXPECTATION_HEADER = re.compile(r"期望|应该|应当|expect|should", re.I)
PERCEPTION_HEADER = re.compile(r"感知|实际|perceiv|perception|actual", re.I)
DIMENSION_WORDS = {
    "tangibles": re.compile(r"有形|设施|设备|外观|tangib", re.I),
    "reliability": re.compile(r"可靠|承诺|准确|一次做对|reliab|promis|accura", re.I),
    "responsiveness": re.compile(r"响应|及时|迅速|快速|respons|prompt|quick", re.I),
    "assurance": re.compile(r"保证|信任|专业|礼貌|assur|trust|confiden|courte", re.I),
    "empathy": re.compile(r"移情|关心|个别|理解|empath|individual|care", re.I),
}
DIMENSION_LABELS = {"tangibles": ("有形性", "Tangibles"), "reliability": ("可靠性", "Reliability"),
                    "responsiveness": ("响应性", "Responsiveness"), "assurance": ("保证性", "Assurance"),
                    "empathy": ("移情性", "Empathy")}

#: Wordings of answer scales that exports often write out as text; the position is the code.
ANSWER_WORDINGS = {
    "agree5": (["非常不同意", "不同意", "一般", "同意", "非常同意"],
               ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]),
    "satisfied5": (["非常不满意", "不满意", "一般", "满意", "非常满意"],
                   ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]),
    "kano": (["我喜欢", "理应如此", "无所谓", "能忍受", "我不喜欢"],
             ["I like it", "I expect it", "I am neutral", "I can live with it", "I dislike it"]),
}
#: Further spellings that mean the same answer (matched after NFKC and case folding).
ANSWER_SYNONYMS = {
    "agree5": {"neutral": 3, "比较同意": 4, "比较不同意": 2, "中立": 3, "一般同意": 3},
    "satisfied5": {"比较满意": 4, "比较不满意": 2, "neither satisfied nor dissatisfied": 3, "very satisfied": 5},
    "kano": {"喜欢": 1, "必须这样": 2, "理所当然": 2, "必须的": 2, "无所谓/中立": 3, "中立": 3, "可以忍受": 4, "勉强接受": 4,
             "不喜欢": 5, "i like it that way": 1, "it must be that way": 2, "i am neutral": 3, "neutral": 3,
             "i can live with it that way": 4, "i dislike it that way": 5, "must-be": 2, "like": 1, "dislike": 5},
}
MISSING_WORDS = ("不适用", "不知道", "无法评价", "不清楚", "n/a", "na", "not applicable", "don't know", "dk", "-", "—")
MAX_GROUP_VALUES = 60


@dataclass(frozen=True)
class CodebookDraft:
    """A drafted codebook: the YAML text to review and the parsed :class:`Codebook`.

    Attributes
    ----------
    yaml : str
        The commented YAML (write it to ``codebook.yaml`` and review the ``# review`` lines).
    codebook : Codebook
        The same codebook parsed, as :func:`kitlib.load_survey` will read it.
    ignored : list of str
        Headers left out (platform metadata, empty columns).
    notes : list of str
        What the draft could not decide and the reviewer should check.
    """

    yaml: str
    codebook: Codebook
    ignored: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def __repr__(self) -> str:
        kinds: dict[str, int] = {}
        for column in self.codebook.columns.values():
            kinds[column.kind] = kinds.get(column.kind, 0) + 1
        return (f"CodebookDraft({', '.join(f'{k}={n}' for k, n in kinds.items())}; roles {self.codebook.roles}; "
                f"{len(self.ignored)} metadata column(s) ignored; {len(self.notes)} note(s))")


def _key(text) -> str:
    return normalize_text(pd.Series([str(text)])).fillna("").iloc[0].casefold()


def _answer_index() -> dict[str, dict[str, int]]:
    index = {}
    for name, (zh, en) in ANSWER_WORDINGS.items():
        table = {_key(word): code for code, word in enumerate(zh, start=1)}
        table.update({_key(word): code for code, word in enumerate(en, start=1)})
        table.update({_key(word): code for word, code in ANSWER_SYNONYMS.get(name, {}).items()})
        index[name] = table
    return index


ANSWERS = _answer_index()
MISSING_KEYS = {_key(word) for word in MISSING_WORDS}


@dataclass
class _Profile:
    header: str
    text: str                    # question text (platform row / SPSS label) or the header
    values: pd.Series            # normalised non-missing values
    numbers: pd.Series           # numeric values (NaN where not a number)
    missing_seen: set            # declared-missing spellings found
    answer_set: str | None = None


def _profile(table: RawTable, header: str) -> _Profile:
    raw = normalize_text(table.frame[header].astype(str)).dropna()
    keys = raw.str.casefold()
    missing = keys.isin(MISSING_KEYS)
    values = raw[~missing]
    numbers = pd.to_numeric(values, errors="coerce")
    text = table.question_text.get(header) or table.variable_labels.get(header) or header
    profile = _Profile(header, str(text), values, numbers, set(raw[missing].unique()))
    unresolved = values[numbers.isna()]
    if len(unresolved):
        distinct = {_key(v) for v in unresolved.unique()}
        for name in ("kano", "satisfied5", "agree5"):
            if distinct <= set(ANSWERS[name]):
                profile.answer_set = name
                break
    return profile


def _scale(profile: _Profile, value_labels: dict) -> tuple[int, int] | None:
    """(min, max) of a numeric answer column, or None when the column is not a rating."""
    if profile.answer_set:
        return (1, 5)
    numbers = profile.numbers
    if len(numbers) == 0 or numbers.isna().any() or not np.allclose(numbers, np.round(numbers)):
        return None
    codes = [float(c) for c in value_labels if isinstance(c, (int, float))]
    low = int(min(codes)) if codes else int(numbers.min())
    high = int(max(codes)) if codes else int(numbers.max())
    if low < 0 or high > 11 or high - low < 1:
        return None
    if low > 1 and high <= 11:
        low = 1 if low <= 5 else low
    if low == 1 and high < 4:
        high = max(high, 4) if numbers.nunique() > 2 else high
    return (0 if low == 0 else 1, high)


def _dimension_of(text: str) -> str | None:
    hits = [name for name, pattern in DIMENSION_WORDS.items() if pattern.search(text)]
    return hits[0] if len(hits) == 1 else None


def _block_of(header: str) -> str:
    """The item block of a header: its code without the last number (``Q5_12`` → ``Q5_``, ``12.服务…`` → ``""``)."""
    match = re.match(r"^([A-Za-z]*\d*(?:[_\-.]\d+)*?[_\-.]?)\d+(?=$|[\s.、．:：)）])", header)
    return match.group(1) if match else header


def draft_codebook(path, *, sheet=None, header_row=None, encoding=None, name: str | None = None) -> CodebookDraft:
    """Read a raw survey export and draft its codebook.

    Parameters
    ----------
    path : str or Path
        CSV/TSV, XLSX or SPSS ``.sav`` export (read with :func:`kitlib.data.files.read_table`).
    sheet, header_row, encoding : optional
        As for :func:`kitlib.data.files.read_table`.
    name : str, optional
        The survey's short name (default: the file name).

    Returns
    -------
    CodebookDraft

    Notes
    -----
    Per column, in this order: platform metadata (submission time, duration,
    IP, source…) is left out; an id-like header is the respondent id; text
    columns with few distinct values are groups, and their headers decide the
    role (provider = the rated unit, receiver = the respondent's own unit,
    wave); whole numbers 0–10 with a recommendation header are NPS; answers
    written as KANO wordings are KANO items, paired in order (functional,
    then the dysfunctional question that follows); other ratings (numbers
    on a 2- to 11-point scale, or agreement/satisfaction wordings) are
    SERVQUAL expectation items when the question says "expect/期望", an
    overall-satisfaction item when it says "overall/总体", else perception
    items; dimensions come from SERVQUAL key words, else from the item
    blocks (``Q5_1…Q5_9`` → one dimension); long free text is a comment.
    Answers such as ``不适用``/``N/A`` found in rating columns become the
    global missing codes.  SPSS variable and value labels, and the
    question-text row of platform exports, supply the texts.

    Example
    -------
    >>> from kitlib.data.cases import case_dir
    >>> draft_codebook(case_dir("bank") / "responses.csv").codebook.role("wave")
    'wave'

    References
    ----------
    Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality.
    *Center for Quality Management Journal*, 2(4), 3–36.
    """
    table = read_table(path, sheet=sheet, header_row=header_row, encoding=encoding)
    rows = len(table.frame)
    columns: list[tuple[dict, str]] = []
    roles: dict[str, str] = {}
    segments: list[str] = []
    ignored: list[str] = []
    notes: list[str] = []
    missing_seen: set = set()
    used_sets: set = set()
    ratings: list[tuple[dict, _Profile]] = []
    kano_open: list[dict] = []
    respondent_id = None
    for header in table.frame.columns:
        header = str(header)
        profile = _profile(table, header)
        if METADATA.search(header):
            ignored.append(header)
            continue
        if profile.values.empty:
            ignored.append(header)
            notes.append(f"'{header}' is empty in every row; left out")
            continue
        entry: dict = {"id": header}
        if profile.text != header:
            entry["text_zh"] = entry["text_en"] = profile.text
        distinct = profile.values.nunique()
        if respondent_id is None and ID_HEADER.search(header) and distinct >= 0.5 * len(profile.values):
            respondent_id = header
            columns.append(({**entry, "kind": "id"}, "respondent id"))
            continue
        value_labels = table.value_labels.get(header, {})
        if value_labels and not _rating_labels(value_labels):
            entry["labels"] = {_code(code): {"zh": str(label), "en": str(label)} for code, label in value_labels.items() if _code(code) is not None}
            columns.append((entry | {"kind": "group"}, _role_for(profile.text, roles, segments, header)))
            continue
        scale = _scale(profile, value_labels)
        numeric = len(profile.values) > 0 and profile.numbers.notna().all()
        kano_code = KANO_CODE.match(header)
        if kano_code and numeric and profile.numbers.between(1, 5).all():
            side = kano_code.group("side").lower()
            kind = "kano_functional" if side in ("f", "func", "functional", "功能") else "kano_dysfunctional"
            entry.update(kind=kind, feature=kano_code.group("feature"))
            missing_seen |= profile.missing_seen
            columns.append((entry, "KANO answer codes 1..5"))
            continue
        allocation = ALLOCATION_CODE.match(header)
        if numeric and (allocation or IMPORTANCE_HEADER.search(header)):
            high = 100 if profile.numbers.max() > 11 else int(max(5, profile.numbers.max()))
            entry.update(kind="importance", scale=[0 if high == 100 else 1, high])
            if allocation and high == 100:
                entry["dimension"] = allocation.group("dimension")
            columns.append((entry, "importance" + (" (100-point allocation)" if high == 100 else "")))
            continue
        if profile.answer_set == "kano":
            entry["answers"] = "kano"
            used_sets.add("kano")
            missing_seen |= profile.missing_seen
            if kano_open:
                entry.update(kind="kano_dysfunctional", feature=kano_open.pop()["feature"])
            else:
                features_so_far = sum(1 for c, _ in columns if c.get("kind") == "kano_functional")
                entry.update(kind="kano_functional", feature=f"F{features_so_far + 1:02d}")
                kano_open.append(entry)
            columns.append((entry, "KANO answers (functional, then dysfunctional: check the pairing)"))
            continue
        if scale is not None and scale[0] == 0 and scale[1] == 10 or (scale is not None and _names(NPS_HEADER, header, profile.text) and scale[1] >= 9):
            entry.update(kind="nps")
            missing_seen |= profile.missing_seen
            columns.append((entry, "0–10 recommendation question"))
            continue
        if scale is not None:
            entry.update(scale=[scale[0], scale[1]])
            if profile.answer_set:
                entry["answers"] = profile.answer_set
                used_sets.add(profile.answer_set)
            elif value_labels:
                entry["answers"] = {_code(code): {"zh": str(label), "en": str(label)} for code, label in value_labels.items()
                                    if _code(code) is not None}
            missing_seen |= profile.missing_seen
            if _names(OVERALL_HEADER, header, profile.text):
                entry["kind"] = "overall"
                columns.append((entry, f"overall satisfaction, scale {scale[0]}–{scale[1]}"))
            else:
                entry["kind"] = "servqual_E" if _names(EXPECTATION_HEADER, header, profile.text) else "servqual_P"
                ratings.append((entry, profile))
                columns.append((entry, f"rating {scale[0]}–{scale[1]}"))
            continue
        lengths = profile.values.str.len()
        role_like = any(_names(pattern, header, profile.text) for pattern in (PROVIDER_HEADER, RECEIVER_HEADER, WAVE_HEADER))
        if _names(COMMENT_HEADER, header, profile.text) and not role_like:
            columns.append(({**entry, "kind": "comment", "required": False}, "free-text comments"))
            continue
        if lengths.median() <= 30 and (distinct <= min(MAX_GROUP_VALUES, max(2, rows // 2)) or (role_like and distinct <= MAX_GROUP_VALUES)):
            reason = _role_for(profile.text, roles, segments, header)
            columns.append(({**entry, "kind": "wave" if roles.get("wave") == header else "group"}, reason))
            continue
        columns.append(({**entry, "kind": "comment", "required": False}, "free text"))
    dimensions = _assign_dimensions(ratings, notes)
    if not roles.get("provider"):
        notes.append("no column looks like the rated provider; add roles: provider: <header> if the survey rates several units")
    raw = {"version": 2, "name": name or str(path).rsplit("/", 1)[-1].rsplit(".", 1)[0], "title": {"zh": name or "", "en": name or ""}}
    if respondent_id:
        raw["respondent_id"] = respondent_id
    role_map = {k: v for k, v in roles.items()}
    if segments:
        role_map["segments"] = segments
    if role_map:
        raw["roles"] = role_map
    if missing_seen:
        raw["missing"] = sorted(missing_seen)
    if used_sets:
        raw["answer_sets"] = {name: {code: {"zh": zh, "en": en} for code, (zh, en) in enumerate(zip(*ANSWER_WORDINGS[name]), start=1)}
                              for name in sorted(used_sets)}
    if dimensions:
        raw["dimensions"] = dimensions
    features = sorted({c["feature"] for c, _ in columns if c.get("kind", "").startswith("kano_")})
    if features:
        raw["features"] = {f: {"zh": f, "en": f} for f in features}
    for entry in kano_open:
        notes.append(f"KANO question '{entry['id']}' has no dysfunctional partner; it is left out")
    open_ids = {entry["id"] for entry in kano_open}
    kept = [(c, why) for c, why in columns if c["id"] not in open_ids]
    raw["columns"] = [c for c, _ in kept]
    book = parse_codebook(raw, source=f"draft of {path}")
    return CodebookDraft(_render(raw, kept, ignored, notes, path), book, ignored, notes)


def _rating_labels(value_labels: dict) -> bool:
    """Whether SPSS value labels describe an answer scale (agreement, satisfaction, KANO…) rather than categories."""
    words = {_key(label) for label in value_labels.values()}
    if any(words <= set(table) | MISSING_KEYS for table in ANSWERS.values()):
        return True
    scale_words = re.compile(r"agree|satisf|likely|important|good|poor|bad|excellent|同意|满意|可能|重要|好|差|一般|满", re.I)
    return sum(bool(scale_words.search(word)) for word in words) >= 0.5 * len(words)


def _names(pattern: re.Pattern, header: str, text: str) -> bool:
    return bool(pattern.search(header) or pattern.search(text))


def _role_for(text: str, roles: dict, segments: list, header: str) -> str:
    """Give a group column the first free role its header or question names (provider, receiver, wave), else make it a segment."""
    for role, pattern in (("provider", PROVIDER_HEADER), ("receiver", RECEIVER_HEADER), ("wave", WAVE_HEADER)):
        if role not in roles and _names(pattern, header, text):
            roles[role] = header
            return {"provider": "role provider (the rated unit)", "receiver": "role receiver (the respondent's unit)",
                    "wave": "role wave"}[role]
    segments.append(header)
    return "segment (a further group column)"


def _code(code):
    try:
        number = float(code)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def _assign_dimensions(ratings: list[tuple[dict, _Profile]], notes: list[str]) -> dict:
    """Give every rating item a dimension (SERVQUAL key words, else its item block) and pair E with P."""
    if not ratings:
        return {}
    codes = {id(entry): SERVQUAL_CODE.match(profile.header) for entry, profile in ratings}
    if all(codes.values()) and {int(m.group("item")) for m in codes.values()} == set(SERVQUAL_22):
        for entry, _ in ratings:
            match = codes[id(entry)]
            entry.update(kind="servqual_E" if match.group("kind").upper() == "E" else "servqual_P",
                         dimension=SERVQUAL_22[int(match.group("item"))], item=int(match.group("item")))
        used = dict.fromkeys(SERVQUAL_22.values())
        return {name: {"zh": DIMENSION_LABELS[name][0], "en": DIMENSION_LABELS[name][1]} for name in used}
    named = {id(entry): _dimension_of(profile.text) for entry, profile in ratings}
    use_words = sum(1 for d in named.values() if d) >= 0.8 * len(ratings)
    dimensions: dict = {}
    blocks: dict[str, str] = {}
    counters = {"servqual_E": 0, "servqual_P": 0}
    for entry, profile in ratings:
        if use_words and named[id(entry)]:
            dimension = named[id(entry)]
            zh, en = DIMENSION_LABELS[dimension]
        else:
            block = _block_of(profile.header)
            dimension = blocks.setdefault(block, f"dimension_{len(blocks) + 1}")
            zh, en = f"维度 {dimension[-1]}（{block}）", f"Dimension {dimension[-1]} ({block})"
        dimensions.setdefault(dimension, {"zh": zh, "en": en})
        counters[entry["kind"]] += 1
        entry.update(dimension=dimension, item=counters[entry["kind"]])
    if not use_words:
        notes.append("dimensions were guessed from the item blocks (dimension_1, …): rename them and move items as your instrument defines")
    if counters["servqual_E"] and counters["servqual_E"] != counters["servqual_P"]:
        notes.append(f"{counters['servqual_E']} expectation but {counters['servqual_P']} perception items: check the E/P pairing ('item' numbers)")
    return dimensions


def _render(raw: dict, columns: list[tuple[dict, str]], ignored: list[str], notes: list[str], path) -> str:
    """The YAML text: top-level keys in block style, one flow-style line per column with its reason."""
    def dump(value) -> str:
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000).rstrip()

    lines = [f"# Codebook drafted by kitlib from {path}.", "# Review every '# review' line, then: kitlib codebook check codebook.yaml --data FILE",
             "# Format and every key: docs/codebook.md"]
    lines += [f"# review: {note}" for note in notes]
    if ignored:
        lines.append(f"# ignored (platform metadata or empty): {', '.join(ignored)}")
    top = {key: value for key, value in raw.items() if key != "columns"}
    lines.append(dump(top))
    lines.append("columns:")
    for entry, why in columns:
        flow = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, default_flow_style=True, width=100000).strip()
        lines.append(f"  - {flow}  # review: {why}")
    return "\n".join(lines) + "\n"
