"""Codebook v2: schema validation with did-you-mean, roles, answer sets, missing codes, limits."""

from __future__ import annotations

import copy
import re
import time
from pathlib import Path

import pytest
import yaml

import kitlib as kl
from kitlib.data.codebook import load_codebook, parse_codebook

DOC = Path(__file__).resolve().parents[1] / "docs" / "codebook.md"


def documented_example() -> dict:
    """The complete example of docs/codebook.md (so the documentation cannot drift from the parser)."""
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    return yaml.safe_load(block)


def test_the_documented_example_parses_with_roles_answers_and_missing_codes():
    book = parse_codebook(documented_example(), "docs/codebook.md")
    assert book.version == 2
    assert book.roles == {"provider": "provider", "receiver": "department", "wave": "wave"}
    assert book.segments == ["地区", "职级"]
    assert book.columns["provider"].file_header == "您评价的服务部门"
    assert book.columns["provider"].map_variants is True
    assert book.columns["P01"].file_header == "Q5_1 按承诺时间完成服务"
    assert book.columns["P01"].answers[4] == {"zh": "同意", "en": "Agree"}
    assert book.missing_codes("P02") == ("不适用", "N/A", 99, 0)
    assert book.kano_pairs() == {"F01": ("KF01", "KD01")}
    assert book.title["zh"].startswith("2026")


def test_every_documented_key_is_in_the_schema():
    from kitlib.data.codebook import CODEBOOK_SCHEMA, COLUMN_SCHEMA

    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)`", text, re.M)) | {"text_zh"}
    known = set(CODEBOOK_SCHEMA["properties"]) | set(COLUMN_SCHEMA["properties"])
    assert documented - {"text_zh", "text_en"} <= known
    assert known <= documented | {"text_zh", "text_en"}


def test_version_1_codebooks_of_the_cases_still_load():
    for case in kl.CASES:
        book = kl.load_case(case).codebook
        assert book.version == 1 and book.role("provider") == "provider"


def base() -> dict:
    return {
        "version": 2,
        "roles": {"provider": "部门"},
        "dimensions": {"reliability": {"zh": "可靠性", "en": "Reliability"}},
        "answer_sets": {"s5": {1: "差", 5: "好"}},
        "columns": [
            {"id": "P1", "kind": "servqual_P", "dimension": "reliability", "item": 1, "scale": [1, 5], "answers": "s5"},
            {"id": "KF", "kind": "kano_functional", "feature": "F1"},
            {"id": "KD", "kind": "kano_dysfunctional", "feature": "F1"},
        ],
    }


def edit(path: str, value):
    """A change that sets ``path`` (dotted, list positions as numbers) to ``value`` (``DELETE`` removes it)."""

    def change(raw):
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        target = raw
        for key in keys[:-1]:
            target = target[key]
        if value is DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
        return raw

    return change


DELETE = object()

BAD_CODEBOOKS = {
    "reverse as text": (edit("columns.0.reverse", "false"), r"column 'P1'.reverse must be true or false, not the text 'false'"),
    "required as number": (edit("columns.0.required", 1), r"required must be true or false"),
    "scale as a number": (edit("columns.0.scale", 5), r"scale must be a min/max pair such as \{min: 1, max: 5\} or \[1, 5\]"),
    "scale with three numbers": (edit("columns.0.scale", [1, 3, 5]), r"min/max pair"),
    "scale min above max": (edit("columns.0.scale", [5, 1]), r"min \(5\) must be below max \(1\)"),
    "scale key misspelt": (edit("columns.0.scale", {"min": 1, "maxx": 5}), r"min/max pair"),
    "title as a list": (edit("title", ["a"]), r"title must be text or a \{zh: \.\.\., en: \.\.\.\} pair"),
    "respondent id as list": (edit("respondent_id", ["x"]), r"respondent_id must be text, not a list"),
    "unknown respondent id": (edit("respondent_id", "P11"), r"respondent_id 'P11' is not among the columns \(did you mean 'P1'\?\)"),
    "misspelt top-level key": (edit("dimension", {}), r"unknown key\(s\) 'dimension' \(did you mean 'dimensions'\?\)"),
    "misspelt column key": (edit("columns.0.revers", True), r"unknown key\(s\) 'revers' \(did you mean 'reverse'\?\)"),
    "unknown kind": (edit("columns.0.kind", "servqual_p"), r"'servqual_p' is not allowed \(did you mean 'servqual_P'\?\)"),
    "undeclared dimension (typo)": (edit("columns.0.dimension", "reliabilty"), r"dimension 'reliabilty'.*did you mean 'reliability'"),
    "no dimensions declared in v2": (edit("dimensions", DELETE), r"declares none"),
    "KANO functional without partner": (edit("columns.2.feature", "F2"), r"has no dysfunctional partner"),
    "KANO dysfunctional without partner": (edit("columns.1.feature", "F2"), r"has no (functional|dysfunctional) partner"),
    "KANO column without feature": (edit("columns.1.feature", DELETE), r"needs a 'feature'"),
    "SERVQUAL column without dimension": (edit("columns.0.dimension", DELETE), r"needs a 'dimension'"),
    "numeric column without scale": (edit("columns.0.scale", DELETE), r"needs scale"),
    "unknown answer set": (edit("columns.0.answers", "s7"), r"answer set 's7'.*did you mean 's5'"),
    "answers on a group column": (lambda raw: raw["columns"].append({"id": "g", "kind": "group", "answers": "s5"}) or raw,
                                  r"cannot have answers"),
    "label that is a boolean": (edit("dimensions.reliability.zh", True), r"must be text"),
    "label with a third language": (edit("dimensions.reliability", {"zh": "x", "fr": "y"}), r"must be text or a \{zh"),
    "unknown role": (edit("roles.customer", "x"), r"unknown key\(s\) 'customer'"),
    "segments not a list": (edit("roles.segments", "地区"), r"segments must be a list"),
    "role on a numeric column": (edit("roles.provider", "P1"), r"must be a group column"),
    "missing codes not a list": (edit("missing", "不适用"), r"missing must be a list"),
    "missing code boolean": (edit("missing", [True]), r"missing\[1\] must be text or a number"),
    "duplicate id": (lambda raw: raw["columns"].append(dict(raw["columns"][0])) or raw, r"described twice"),
    "two columns with one header": (lambda raw: raw["columns"].append({"id": "P9", "header": "P1", "kind": "comment"}) or raw,
                                    r"header\(s\) 'P1' are given to more than one column"),
    "columns empty": (edit("columns", []), r"columns.*(should be non-empty|too short|non-empty)"),
    "version 3": (edit("version", 3), r"version: 3 is not allowed; choose one of: 1, 2"),
    "map_variants as text": (lambda raw: raw["columns"].append({"id": "g", "kind": "group", "map_variants": "yes"}) or raw,
                             r"map_variants must be true or false"),
    "item number as text": (edit("columns.0.item", "1"), r"item must be a whole number, not the text '1'"),
}


@pytest.mark.parametrize("name", sorted(BAD_CODEBOOKS))
def test_malformed_codebook_gets_a_codebook_error_that_says_what_to_fix(name):
    change, message = BAD_CODEBOOKS[name]
    raw = change(copy.deepcopy(base()))
    with pytest.raises(kl.CodebookError, match=message):
        parse_codebook(raw, "my.yaml")


def test_base_codebook_is_valid():
    book = parse_codebook(base(), "my.yaml")
    assert book.role("provider") == "provider" and book.columns["provider"].file_header == "部门"


def write(tmp_path, text: str | bytes, name: str = "codebook.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    lines.append("columns: *j")
    path = write(tmp_path, "\n".join(lines) + "\n")
    started = time.perf_counter()
    with pytest.raises(kl.CodebookError, match="anchors/aliases"):
        load_codebook(path)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00n\x00a", "not UTF-8"),
        ("columns: [", "not valid YAML"),
        ("just text", "a mapping with a 'columns' list"),
        ("", "a mapping with a 'columns' list"),
        ("- a\n- b\n", "a mapping with a 'columns' list"),
    ],
)
def test_unreadable_codebook_files(tmp_path, content, message):
    with pytest.raises(kl.KitError, match=message):
        load_codebook(write(tmp_path, content))


def test_codebook_path_that_is_a_folder_or_missing(tmp_path):
    with pytest.raises(kl.DataFileError, match="not a file"):
        load_codebook(tmp_path)
    with pytest.raises(kl.DataFileError, match="does not exist"):
        load_codebook(tmp_path / "nothing.yaml")


def test_oversized_codebook_is_refused(tmp_path):
    path = write(tmp_path, "columns:\n" + "  - {id: x, kind: comment}\n" * 120_000)
    with pytest.raises(kl.DataFileError, match="larger than"):
        load_codebook(path)
