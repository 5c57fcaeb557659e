"""Fuzzing the loader: mutated CSV files and codebooks give a Survey or a KitError — never anything else.

2,000+ mutated data files and 1,000+ mutated codebooks (hypothesis, derandomised so CI is repeatable).
"""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kitlib as kl
from kitlib.data.codebook import parse_codebook

CODEBOOK = {
    "version": 2,
    "name": "fuzz",
    "respondent_id": "编号",
    "roles": {"provider": "您评价的服务部门", "receiver": "所在部门"},
    "missing": ["不适用", 99],
    "answer_sets": {"sat5": {1: {"zh": "非常不满意", "en": "Very dissatisfied"}, 2: {"zh": "不满意", "en": "Dissatisfied"},
                             3: {"zh": "一般", "en": "Neutral"}, 4: {"zh": "满意", "en": "Satisfied"},
                             5: {"zh": "非常满意", "en": "Very satisfied"}}},
    "dimensions": {"reliability": {"zh": "可靠性", "en": "Reliability"}},
    "features": {"F1": {"zh": "自助", "en": "Self-service"}},
    "columns": [
        {"id": "编号", "kind": "id"},
        {"id": "P1", "header": "Q1 按时", "kind": "servqual_P", "dimension": "reliability", "item": 1, "scale": [1, 5], "answers": "sat5"},
        {"id": "P2", "header": "Q2 做对", "kind": "servqual_P", "dimension": "reliability", "item": 2, "scale": [1, 5], "reverse": True},
        {"id": "KF", "kind": "kano_functional", "feature": "F1"},
        {"id": "KD", "kind": "kano_dysfunctional", "feature": "F1"},
        {"id": "NPS", "kind": "nps"},
        {"id": "意见", "kind": "comment", "required": False},
    ],
}
ROWS = [
    "编号,您评价的服务部门,所在部门,Q1 按时,Q2 做对,KF,KD,NPS,意见",
    "1,IT,销售,满意,4,1,5,9,很好",
    "2,IT,财务,非常满意,5,2,5,10,",
    '3,HR,销售,不适用,3,3,3,7,"慢, 但是态度好"',
    "4,HR,财务,2,2,1,4,3,",
    "5,财务部,销售,99,1,5,1,0,差",
    "6,IT,销售,一般,3,2,5,8,",
]
VALID = ("\r\n".join(ROWS) + "\r\n").encode("utf-8")

printable = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def mutated_file(draw) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["flip", "insert", "delete", "cell", "line", "encoding", "endings", "header", "quote"]))
        if operation == "flip" and data:
            position = draw(st.integers(0, len(data) - 1))
            data[position] = draw(st.integers(0, 255))
        elif operation == "insert":
            position = draw(st.integers(0, len(data)))
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif operation == "delete" and data:
            start = draw(st.integers(0, len(data) - 1))
            del data[start:start + draw(st.integers(1, 12))]
        else:
            try:
                text = bytes(data).decode("utf-8")
            except UnicodeDecodeError:
                continue
            lines = text.split("\r\n")
            if operation == "cell":
                row = draw(st.integers(0, len(lines) - 1))
                cells = lines[row].split(",")
                column = draw(st.integers(0, len(cells) - 1))
                cells[column] = draw(st.one_of(printable, st.sampled_from(
                    ["", " ", "N/A", "不适用", "１", "5.5", "-1", "1e9", "nan", "满意 ", "ＩＴ", "IT\u200b", "=cmd()", '"', "\t", "x" * 300])))
                lines[row] = ",".join(cells)
            elif operation == "line":
                row = draw(st.integers(0, len(lines) - 1))
                if draw(st.booleans()):
                    lines.insert(row, lines[row])
                else:
                    del lines[row]
            elif operation == "header":
                header = lines[0].split(",")
                header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(["", "编号", "P1", "Q1 按时 ", "q1 按时", "X"]))
                lines[0] = ",".join(header)
            elif operation == "quote":
                row = draw(st.integers(0, len(lines) - 1))
                lines[row] = lines[row].replace(",", ',"', 1)
            text = "\r\n".join(lines)
            if operation == "endings":
                text = text.replace("\r\n", draw(st.sampled_from(["\n", "\r", "\r\n"])))
            if operation == "encoding":
                encoding = draw(st.sampled_from(["gb18030", "big5", "shift_jis", "cp1252", "utf-16", "utf-8-sig"]))
                data = bytearray(text.encode(encoding, errors="replace"))
                continue
            data = bytearray(text.encode("utf-8"))
    return bytes(data)


@pytest.fixture(scope="module")
def codebook_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "codebook.yaml"
    path.write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True), encoding="utf-8")
    return path


def test_the_unmutated_file_loads(tmp_path, codebook_path):
    path = tmp_path / "data.csv"
    path.write_bytes(VALID)
    survey = kl.load_survey(path, codebook_path)
    assert len(survey) == 6 and survey.data["P1"].isna().sum() == 2
    assert survey.data.loc[0, "P1"] == 4 and survey.data.loc[0, "P2"] == 2  # label mapped; reverse-keyed recoded


@settings(max_examples=2200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(content=mutated_file(), exclude=st.booleans())
def test_mutated_csv_gives_a_survey_or_a_kit_error(tmp_path_factory, codebook_path, content, exclude):
    path = tmp_path_factory.mktemp("case") / "data.csv"
    path.write_bytes(content)
    try:
        survey = kl.load_survey(path, codebook_path, on_invalid="exclude" if exclude else "raise")
    except kl.KitError:
        return
    assert isinstance(survey, kl.Survey)
    assert path.read_bytes() == content  # the input is never modified


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=False, width=16) | printable,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(printable, children, max_size=3),
    max_leaves=6,
)


@st.composite
def mutated_codebook(draw) -> dict:
    raw = copy.deepcopy(CODEBOOK)
    for _ in range(draw(st.integers(1, 3))):
        target, key = raw, None
        path = []
        node = raw
        while isinstance(node, (dict, list)) and node and draw(st.booleans()):
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            key = draw(st.sampled_from(keys))
            path.append(key)
            target, node = node, node[key]
        if not path:
            target, key = raw, draw(st.sampled_from(list(raw) + ["extra"]))
        action = draw(st.sampled_from(["replace", "delete", "bool_text"]))
        if action == "delete" and isinstance(target, dict) and key in target:
            del target[key]
        elif action == "bool_text":
            target[key] = draw(st.sampled_from(["true", "false", "yes", "no", 1, 0, "5", [1], {"min": "1"}]))
        else:
            target[key] = draw(json_values)
    return raw


@settings(max_examples=1100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(raw=mutated_codebook())
def test_mutated_codebook_gives_a_codebook_or_a_kit_error(raw):
    try:
        book = parse_codebook(raw, "fuzz.yaml")
    except kl.KitError:
        return
    for column in book.columns.values():
        assert isinstance(column.reverse, bool) and isinstance(column.required, bool)
        if column.scale_min is not None:
            assert column.scale_min < column.scale_max
