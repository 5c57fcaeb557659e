"""Codebook parsing and lookups."""

from __future__ import annotations

import pytest

import kitlib as kl
from kitlib.data.codebook import parse_codebook


def minimal(**extra):
    raw = {
        "name": "mini",
        "respondent_id": "rid",
        "columns": [
            {"id": "rid", "kind": "id"},
            {"id": "E01", "kind": "servqual_E", "dimension": "tangibles", "item": 1, "scale": {"min": 1, "max": 7}},
            {"id": "P01", "kind": "servqual_P", "dimension": "tangibles", "item": 1, "scale": {"min": 1, "max": 7},
             "text_zh": "工具先进", "text_en": "Modern tools"},
            {"id": "K1f", "kind": "kano_functional", "feature": "F1"},
            {"id": "K1d", "kind": "kano_dysfunctional", "feature": "F1"},
        ],
    }
    raw.update(extra)
    return raw


def test_lookups_by_kind_dimension_and_pairs():
    book = parse_codebook(minimal(dimensions={"tangibles": {"zh": "有形性", "en": "Tangibles"}}))
    assert book.items("servqual_P") == ["P01"]
    assert book.servqual_model("E") == {"tangibles": ["E01"]}
    assert book.servqual_pairs() == [("tangibles", "E01", "P01")]
    assert book.kano_pairs() == {"F1": ("K1f", "K1d")}
    assert book.columns["K1f"].scale_min == 1 and book.columns["K1f"].scale_max == 5
    assert book.label("P01", "zh") == "工具先进" and book.label("tangibles", "en") == "Tangibles"
    assert "5 columns" in repr(book)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda raw: raw["columns"].append({"id": "E01", "kind": "servqual_E", "dimension": "x", "scale": {"min": 1, "max": 7}}), "described twice"),
        (lambda raw: raw["columns"][1].pop("scale"), "needs scale"),
        (lambda raw: raw["columns"][2].pop("dimension"), "needs a 'dimension'"),
        (lambda raw: raw["columns"][3].pop("feature"), "needs a 'feature'"),
        (lambda raw: raw.update(respondent_id="nobody"), "respondent_id 'nobody'"),
        (lambda raw: raw.update(columns="P01"), "columns must be a list"),
    ],
)
def test_malformed_codebooks_raise_codebook_error(change, message):
    raw = minimal()
    change(raw)
    with pytest.raises(kl.CodebookError, match=message):
        parse_codebook(raw)


def test_unknown_language_and_kind_are_refused():
    book = parse_codebook(minimal())
    with pytest.raises(kl.OptionError, match="lang"):
        book.label("P01", "fr")
    with pytest.raises(kl.OptionError, match="unknown column kind"):
        book.items("servqual_X")


def test_group_value_labels_are_bilingual():
    book = kl.load_case("bank").codebook
    assert book.value_label("department", "Board Office", "zh") == "董事会办公室"
    assert book.value_label("department", "Unknown Team", "zh") == "Unknown Team"
