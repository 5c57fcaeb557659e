"""load_survey: encodings, Excel, validation rules and one test per kind of bad input."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

import kitlib as kl
from kitlib.data.cases import case_dir

CASE = "it_firm"
ROWS = 30


@pytest.fixture()
def sample(tmp_path):
    """A small valid copy of the IT-firm data (first 30 rows) with its codebook beside it."""
    source = case_dir(CASE)
    shutil.copy(source / "codebook.yaml", tmp_path / "codebook.yaml")
    frame = pd.read_csv(source / "responses.csv", dtype=str, keep_default_na=False).head(ROWS)
    return tmp_path, frame


def write(folder, frame, name="responses.csv", encoding="utf-8"):
    path = folder / name
    path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode(encoding))
    return path


def test_valid_sample_loads_with_recoding_and_quality_report(sample):
    folder, frame = sample
    survey = kl.load_survey(write(folder, frame))
    assert len(survey) == ROWS
    raw = pd.to_numeric(frame["P13"], errors="coerce")
    recoded = survey.data["P13"]
    assert ((raw + recoded).dropna() == 8).all(), "reverse-keyed P13 must be recoded as 8 - x"
    assert set(survey.quality.columns) >= {"row", "respondent", "column", "issue", "action"}
    assert "recoded" in set(survey.quality["action"])


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")])
def test_encodings_are_detected_and_chinese_survives(sample, encoding, expected):
    folder, frame = sample
    frame.loc[0, "comment"] = "工单处理太慢，希望主动告知进度"
    survey = kl.load_survey(write(folder, frame, encoding=encoding))
    assert survey.encoding == expected
    assert survey.data.loc[0, "comment"] == "工单处理太慢，希望主动告知进度"
    assert list(survey.data.columns)[0] == "respondent_id"  # no BOM glued to the first header


def test_excel_input_matches_csv(sample):
    folder, frame = sample
    numeric = frame.apply(lambda c: pd.to_numeric(c, errors="coerce") if c.name[0] in "EPWK" or c.name in ("nps", "overall") else c)
    excel = folder / "responses.xlsx"
    numeric.to_excel(excel, index=False)
    from_excel = kl.load_survey(excel, folder / "codebook.yaml")
    from_csv = kl.load_survey(write(folder, frame))
    pd.testing.assert_frame_equal(from_excel.data, from_csv.data, check_dtype=False)


def test_input_file_is_never_modified(sample):
    folder, frame = sample
    frame.loc[3, "P05"] = "9"
    path = write(folder, frame)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(kl.OutOfRangeError):
        kl.load_survey(path)
    kl.load_survey(path, on_invalid="exclude")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_exclude_mode_drops_bad_rows_and_reports_them(sample):
    folder, frame = sample
    frame.loc[[2, 5], "P07"] = "0"
    survey = kl.load_survey(write(folder, frame), on_invalid="exclude")
    assert len(survey) == ROWS - 2
    excluded = survey.quality[survey.quality["action"] == "excluded"]
    assert excluded["row"].tolist() == [4, 7]  # spreadsheet rows: header is row 1
    assert set(excluded["column"]) == {"P07"}
    assert excluded["respondent"].tolist() == frame.loc[[2, 5], "respondent_id"].tolist()


def test_full_width_digits_from_chinese_input_methods_are_read(sample):
    folder, frame = sample
    frame.loc[0, "P01"] = "５"
    assert kl.load_survey(write(folder, frame)).data.loc[0, "P01"] == 5


# --- one test per kind of bad input --------------------------------------------------------------


def assert_names(error, *fragments):
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"


def test_missing_file(tmp_path):
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(tmp_path / "nowhere.csv", tmp_path / "codebook.yaml")
    assert_names(error, "nowhere.csv", "does not exist")


def test_unknown_file_type(sample):
    folder, frame = sample
    path = folder / "responses.json"
    path.write_text(frame.to_json())
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(path)
    assert_names(error, "responses.json", ".json")


def test_old_xls_workbook(sample):
    folder, _ = sample
    path = folder / "responses.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(path)
    assert_names(error, "responses.xls", ".xlsx")


def test_corrupt_xlsx(sample):
    folder, _ = sample
    path = folder / "responses.xlsx"
    path.write_bytes(b"this is not a zip archive")
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(path)
    assert_names(error, "responses.xlsx", "Excel")


def test_empty_file(sample):
    folder, _ = sample
    path = folder / "responses.csv"
    path.write_text("")
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(path)
    assert_names(error, "responses.csv", "empty")


def test_undecodable_bytes(sample):
    folder, frame = sample
    path = write(folder, frame)
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4] + b"\xff\xfe"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(kl.EncodingError) as error:
        kl.load_survey(path)
    assert_names(error, "responses.csv", "line 5", "GB18030")


def test_ragged_row_with_stray_comma(sample):
    folder, frame = sample
    path = write(folder, frame)
    lines = path.read_text().split("\n")
    lines[6] += ",extra"
    path.write_text("\n".join(lines))
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(path)
    assert_names(error, "responses.csv", "7", "stray commas")


def test_duplicate_header(sample):
    folder, frame = sample
    path = write(folder, frame)
    text = path.read_text().replace(",P02,", ",P01,", 1)
    path.write_text(text)
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(path)
    assert_names(error, "'P01'", "more than once")


def test_unnamed_header_column(sample):
    folder, frame = sample
    path = write(folder, frame.rename(columns={"comment": ""}))
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(path)
    assert_names(error, "has no name", str(frame.shape[1]))


def test_missing_required_columns(sample):
    folder, frame = sample
    with pytest.raises(kl.MissingColumnError) as error:
        kl.load_survey(write(folder, frame.drop(columns=["P05", "nps"])))
    assert_names(error, "responses.csv", "P05", "nps", "2 column(s)")


def test_text_in_a_likert_column(sample):
    folder, frame = sample
    frame.loc[[1, 8], "E03"] = "very good"
    with pytest.raises(kl.NonNumericError) as error:
        kl.load_survey(write(folder, frame))
    assert_names(error, "responses.csv", "'E03'", "rows 3, 10 (2 rows)")


def test_out_of_range_likert_value(sample):
    folder, frame = sample
    frame.loc[list(range(7)), "P10"] = "8"
    with pytest.raises(kl.OutOfRangeError) as error:
        kl.load_survey(write(folder, frame))
    assert error.value.rows == list(range(2, 9))
    assert_names(error, "'P10'", "rows 2, 3, 4, 5, 6, … (7 rows)", "1..7")


def test_fractional_likert_value(sample):
    folder, frame = sample
    frame.loc[4, "P02"] = "3.5"
    with pytest.raises(kl.OutOfRangeError) as error:
        kl.load_survey(write(folder, frame))
    assert_names(error, "'P02'", "row 6", "whole number")


def test_kano_code_outside_one_to_five(sample):
    folder, frame = sample
    frame.loc[2, "K03_d"] = "6"
    with pytest.raises(kl.OutOfRangeError) as error:
        kl.load_survey(write(folder, frame))
    assert_names(error, "'K03_d'", "row 4", "KANO codes outside 1..5")


def test_nps_above_ten(sample):
    folder, frame = sample
    frame.loc[0, "nps"] = "11"
    with pytest.raises(kl.OutOfRangeError) as error:
        kl.load_survey(write(folder, frame))
    assert_names(error, "'nps'", "row 2", "0..10")


def test_duplicate_respondent_for_the_same_provider(sample):
    folder, frame = sample
    frame.loc[9] = frame.loc[3]
    with pytest.raises(kl.DuplicateRespondentError) as error:
        kl.load_survey(write(folder, frame))
    assert error.value.rows == [5, 11]
    assert_names(error, "'respondent_id'", "more than once for the same provider")


def test_same_respondent_rating_two_providers_is_fine(sample):
    folder, frame = sample
    other = frame.loc[3, "provider"]
    frame.loc[9, "respondent_id"] = frame.loc[3, "respondent_id"]
    frame.loc[9, "provider"] = next(p for p in frame["provider"].unique() if p != other)
    assert len(kl.load_survey(write(folder, frame))) == ROWS


def test_empty_respondent_id(sample):
    folder, frame = sample
    frame.loc[12, "respondent_id"] = ""
    with pytest.raises(kl.DataValidationError) as error:
        kl.load_survey(write(folder, frame))
    assert_names(error, "'respondent_id'", "row 14", "empty")


def test_no_codebook_beside_the_data(sample):
    folder, frame = sample
    (folder / "codebook.yaml").unlink()
    with pytest.raises(kl.CodebookError) as error:
        kl.load_survey(write(folder, frame))
    assert_names(error, "codebook.yaml", "responses.csv")


def test_codebook_that_is_not_yaml(sample):
    folder, frame = sample
    (folder / "codebook.yaml").write_text("columns: [unclosed\n  - id: x")
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(write(folder, frame))
    assert_names(error, "codebook.yaml", "not valid YAML")


def test_codebook_with_unknown_kind(sample):
    folder, frame = sample
    path = folder / "codebook.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: nps", "kind: net_promoter", 1), encoding="utf-8")
    with pytest.raises(kl.CodebookError) as error:
        kl.load_survey(write(folder, frame))
    assert_names(error, "codebook.yaml", "'nps'", "net_promoter")


def test_every_loader_error_is_a_value_error_subclass_of_kit_error():
    for error in (kl.DataFileError, kl.EncodingError, kl.CodebookError, kl.MissingColumnError,
                  kl.NonNumericError, kl.OutOfRangeError, kl.DuplicateRespondentError):
        assert issubclass(error, kl.KitError) and issubclass(error, ValueError)


def test_excel_with_a_duplicated_header(sample):
    folder, frame = sample
    excel = folder / "responses.xlsx"
    frame.rename(columns={"P02": "P01"}).to_excel(excel, index=False)
    with pytest.raises(kl.DataFileError) as error:
        kl.load_survey(excel, folder / "codebook.yaml")
    assert_names(error, "responses.xlsx", "'P01'", "more than once")


def test_excel_with_an_out_of_range_answer_names_the_spreadsheet_row(sample):
    folder, frame = sample
    frame.loc[4, "overall"] = "9"
    excel = folder / "responses.xlsx"
    frame.to_excel(excel, index=False)
    with pytest.raises(kl.OutOfRangeError) as error:
        kl.load_survey(excel, folder / "codebook.yaml")
    assert error.value.rows == [6]


def test_numbers_checked_together_equal_numbers_checked_column_by_column(sample, monkeypatch):
    """Columns read as numbers skip the per-column path only when it would change nothing (readers._plain_numbers)."""
    from kitlib.data import readers

    folder, frame = sample
    book = folder / "codebook.yaml"
    book.write_text(book.read_text(encoding="utf-8") + "\nmissing: [99]\n", encoding="utf-8")
    frame = frame.copy()
    frame.loc[3, "P01"] = "99"  # a declared missing code
    frame.loc[4, "P02"] = "9"  # off the scale
    frame.loc[5, "E03"] = "2.5"  # not a scale point
    frame.loc[6, "E04"] = ""  # blank
    path = write(folder, frame)
    checked_together = kl.load_survey(path, on_invalid="exclude")
    monkeypatch.setattr(readers, "_plain_numbers", lambda frame, codebook: {})
    column_by_column = kl.load_survey(path, on_invalid="exclude")
    pd.testing.assert_frame_equal(checked_together.data, column_by_column.data, check_exact=True)
    pd.testing.assert_frame_equal(checked_together.quality, column_by_column.quality, check_exact=True)
    assert {"P01", "P02", "E03"} <= set(checked_together.quality["column"]) and len(checked_together) == ROWS - 2
