"""Tests of :mod:`kitlib.data.files`: every sample file is written by the test into ``tmp_path``.

Builders at the top (``write_text``, ``write_xlsx``, ``write_zip_bomb``, ``survey_csv``) make the small files;
each group of tests follows one requirement of the reader (encodings, line endings, delimiters, header detection,
survey-platform exports, XLSX, limits, SPSS, errors).
"""

import os
import struct
import time
import tracemalloc
import zlib

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kitlib.data import files
from kitlib.data.files import RawTable, decode_text, find_header_row, read_table
from kitlib.errors import DataFileError, EncodingError, KitError, OptionError

# --- builders ---------------------------------------------------------------------------------------------------------

COMMENT_ZH = "服务态度很好，响应及时"
BIG5 = "服務態度很好，回覆很快"
SJIS = "サービスはとても良い"
CP1252 = "Café résumé naïve, “smart quotes”"


def write_text(folder, name, text, encoding="utf-8", newline="\n"):
    path = folder / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def survey_csv(rows=6, comment=COMMENT_ZH, delimiter=","):
    """A realistic small survey: ASCII ids and scores, a Chinese department and comment."""
    lines = [delimiter.join(["id", "部门", "q1", "q2", "comment"])]
    for i in range(1, rows + 1):
        lines.append(delimiter.join([f"R{i:03d}", ["财务部", "信息技术部", "人力资源部"][i % 3], str(i % 5 + 1), str((i * 3) % 7 + 1), comment]))
    return "\n".join(lines) + "\n"


def write_xlsx(folder, name, sheets, merges=(), formulas=()):
    """``sheets``: {title: list of rows}; ``merges``: (sheet, "A1:E1"); ``formulas``: (sheet, "D2", "=B2+C2")."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for title, ref in merges:
        workbook[title].merge_cells(ref)
    for title, ref, formula in formulas:
        workbook[title][ref] = formula
    path = folder / name
    workbook.save(path)
    return path


def write_zip_bomb(path, gib=1.5):
    """A valid zip (stored as .xlsx) of about 1.5 MB whose one member inflates to ``gib`` GiB of zeros.

    Built without compressing gigabytes: a deflate block of 16 MiB of zeros ended by a full flush does not refer to
    earlier data, so repeating it gives a valid stream.
    """
    chunk = b"\0" * (1 << 24)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = int(gib * 64)
    data = block * count + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    size, name = count * len(chunk), b"xl/worksheets/sheet1.xml"
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0) + name
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)
    return path


def fingerprint(path):
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns


def cells(table):
    return table.frame.to_numpy().tolist()


# --- 1. encodings -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding, expected",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-be-bom", "utf-16"), ("gb18030", "gb18030")],
)
def test_known_encodings_are_detected(tmp_path, encoding, expected):
    text = survey_csv()
    if encoding == "utf-16-be-bom":
        raw = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        raw = text.encode(encoding)
    path = tmp_path / "survey.csv"
    path.write_bytes(raw)
    table = read_table(path)
    assert table.encoding == expected
    assert list(table.frame.columns) == ["id", "部门", "q1", "q2", "comment"]
    assert table.frame["comment"].tolist() == [COMMENT_ZH] * 6
    assert table.frame.loc[1, "部门"] == "人力资源部"
    assert table.kind == "csv" and table.header_row == 1
    assert table.row_numbers.tolist() == [2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("rows", [1, 30, 3000])
def test_genuine_gb18030_of_several_sizes_is_accepted(tmp_path, rows):
    path = write_text(tmp_path, "gb.csv", survey_csv(rows, comment=f"{COMMENT_ZH}，IT helpdesk 7×24 小时"), "gb18030", "\r\n")
    table = read_table(path)
    assert table.encoding == "gb18030"
    assert len(table.frame) == rows
    assert table.frame["comment"].iloc[-1] == f"{COMMENT_ZH}，IT helpdesk 7×24 小时"


@pytest.mark.parametrize("word", ["好", "男", "满意", "部门"])
def test_tiny_one_cell_gb18030_file_is_accepted(word):
    assert decode_text(word.encode("gb18030"), "x.csv") == (word, "gb18030")


def test_one_cell_gb18030_file_is_read_as_a_header_without_data(tmp_path):
    path = write_text(tmp_path, "one.csv", "好\n", "gb18030")
    with pytest.raises(DataFileError, match="no data rows"):
        read_table(path)


@pytest.mark.parametrize(
    "text, encoding, name",
    [
        (f"id,comment\n1,{BIG5}\n2,{BIG5}\n", "big5", "big5"),
        (f"id,comment\n1,{BIG5}\n", "big5", "big5"),
        (f"id,comment\n1,{SJIS}\n2,{SJIS}\n", "shift_jis", "shift_jis"),
        (f'id,comment\n1,"{CP1252}"\n', "cp1252", "cp1252"),  # GB18030 fails outright
        ("id,comment\n1,“Quick”response\n", "cp1252", "cp1252"),  # GB18030 decodes it (garbled)
    ],
)
def test_accidental_gb18030_decodes_are_refused(tmp_path, text, encoding, name):
    path = write_text(tmp_path, "other.csv", text, encoding)
    with pytest.raises(EncodingError) as caught:
        read_table(path)
    message = str(caught.value)
    assert str(path) in message
    assert "looks like" in message
    assert f'encoding="{name}"' in message
    assert "UTF-8" in message
    # ... and the suggested encoding reads it
    table = read_table(path, encoding=name)
    assert table.encoding == name
    assert table.frame["comment"].iloc[0] == text.splitlines()[1].split(",", 1)[1].strip('"')


def test_big5_sample_decodes_cleanly_as_gb18030_yet_is_refused():
    raw = BIG5.encode("big5")
    raw.decode("gb18030")  # the pitfall: strict GB18030 accepts these bytes
    with pytest.raises(EncodingError, match='encoding="big5"'):
        decode_text(raw, "x.csv")


def test_explicit_encoding_errors_name_the_line(tmp_path):
    path = write_text(tmp_path, "gb.csv", survey_csv(4), "gb18030")
    with pytest.raises(EncodingError, match=r"gb\.csv: line 1 is not valid utf-8"):
        read_table(path, encoding="utf-8")
    raw = "id,q1\n1,5\n2,é\n".encode("cp1252")
    with pytest.raises(EncodingError, match="line 3"):
        decode_text(raw, "x.csv", encoding="utf-8")
    with pytest.raises(OptionError, match="not a text encoding"):
        read_table(path, encoding="no-such-codec")


def test_mostly_rare_characters_need_explicit_gb18030():
    mixed = ("id,comment\n1,服務態度很好\n" * 3).encode("gb18030")  # traditional characters saved as GBK: still plausible
    assert decode_text(mixed, "x.csv")[1] == "gb18030"
    rare = "id,name\n1,㐀㐁㐂㐃㐄\n".encode("gb18030")  # CJK extension A only: implausible
    with pytest.raises(EncodingError, match='encoding="gb18030" if it really is'):
        decode_text(rare, "x.csv")
    assert decode_text(rare, "x.csv", encoding="gb18030")[0].endswith("㐄\n")


def test_nul_bytes_are_refused_as_utf16_without_bom(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("id,q1\n1,5\n".encode("utf-16-le"))
    with pytest.raises(EncodingError, match="utf-16-le"):
        read_table(path)
    assert read_table(path, encoding="utf-16-le").frame["q1"].tolist() == ["5"]


# --- 2. line endings, big fields, ragged rows -------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path, newline):
    text = 'id,q1,comment\n1,5,"two\nlines"\n2,4,fine\n\n3,3,end\n'
    table = read_table(write_text(tmp_path, "le.csv", text, newline=newline))
    assert table.frame["id"].tolist() == ["1", "2", "3"]
    assert table.frame["comment"].tolist()[1:] == ["fine", "end"]
    assert table.frame["comment"].iloc[0].replace("\r\n", "\n").replace("\r", "\n") == "two\nlines"
    assert table.row_numbers.tolist() == [2, 4, 6]  # record start lines; line 5 is blank


@pytest.mark.parametrize("newline", ["\n", "\r"])
def test_huge_field(tmp_path, newline):
    comment = ("很好，" * 50_000 + "x" * 50_000)[:200_000]
    text = f'id,q1,comment\n1,5,"{comment}"\n2,4,short\n'
    table = read_table(write_text(tmp_path, "big.csv", text, newline=newline))
    assert len(table.frame.loc[0, "comment"]) == 200_000
    assert table.frame.loc[1, "comment"] == "short"


def test_huge_field_in_the_title_area_and_a_quote_the_fast_scan_cannot_follow(tmp_path):
    text = 'note\n"' + "n" * 150_000 + '"\n\nid,size,comment\n1,5" screen,ok\n2,7,"a\nb"\n'
    table = read_table(write_text(tmp_path, "odd.csv", text), header_row=4)
    assert table.frame["size"].tolist() == ['5" screen', "7"]
    assert table.row_numbers.tolist() == [5, 6]


def test_ragged_rows_are_named_by_file_line(tmp_path):
    text = 'id,q1,comment\n1,5,"multi\nline"\n2,4\n3,3,ok\n4,2,ok,extra\n'
    with pytest.raises(DataFileError) as caught:
        read_table(write_text(tmp_path, "ragged.csv", text))
    message = str(caught.value)
    assert "ragged.csv" in message and "lines 4, 6 (2 lines)" in message and "3 fields" in message


@pytest.mark.parametrize("tail", ["", "\n", "\n\n \n", "\r\n\r\n"])
def test_trailing_blank_lines(tmp_path, tail):
    table = read_table(write_text(tmp_path, "tail.csv", "id,q1\n1,5\n\n2,4" + tail))
    assert table.frame["q1"].tolist() == ["5", "4"] and table.row_numbers.tolist() == [2, 4]


def test_short_rows_only_are_ragged_too(tmp_path):
    with pytest.raises(DataFileError, match="line 3 "):
        read_table(write_text(tmp_path, "short.csv", "a,b,c\n1,2,3\n4,5\n"))


# --- 3. delimiters ----------------------------------------------------------------------------------------------------


def test_semicolon_csv_is_sniffed(tmp_path):
    table = read_table(write_text(tmp_path, "eu.csv", "id;score;comment\n1;4,5;gut, sehr gut\n2;3,0;ok\n"))
    assert table.delimiter == ";" and table.kind == "csv"
    assert table.frame["score"].tolist() == ["4,5", "3,0"]


def test_comma_csv_with_semicolons_in_text_stays_comma(tmp_path):
    table = read_table(write_text(tmp_path, "c.csv", 'id,comment\n1,"a; b; c"\n2,"d; e"\n3,f\n'))
    assert table.delimiter == "," and table.frame["comment"].tolist() == ["a; b; c", "d; e", "f"]


@pytest.mark.parametrize("name", ["tab.txt", "tab.tsv"])
def test_tab_delimited(tmp_path, name):
    table = read_table(write_text(tmp_path, name, "id\tq1\tcomment\n1\t5\thello, world\n"))
    assert table.kind == "tsv" and table.delimiter == "\t"
    assert table.frame.iloc[0].tolist() == ["1", "5", "hello, world"]


# --- 4. header detection ----------------------------------------------------------------------------------------------


def test_find_header_row():
    assert find_header_row([["2026年内部服务满意度调查"], [], ["id", "q1", "q2"], ["1", "5", "4"]]) == 2
    assert find_header_row([["id", "q1"], ["1", "2"]]) == 0
    assert find_header_row([["Report", "2026-03"], ["", ""], ["a", "b", "c", "d", "e"], ["1", "2", "3", "4", "5"]]) == 2
    assert find_header_row([["1", "2", "3"], ["x", "y", "z"], ["4", "5", "6"]]) == 1
    assert find_header_row([[], [""]]) == 0
    assert find_header_row([["only"], ["1"], ["2"]]) == 0


def test_csv_with_title_rows(tmp_path):
    text = "2026年内部服务满意度调查,,\n导出时间 2026-03-01,,\n\nid,q1,q2\n1,5,4\n2,3,3\n"
    table = read_table(write_text(tmp_path, "t.csv", text))
    assert table.header_row == 4 and table.row_numbers.tolist() == [5, 6]
    assert list(table.frame.columns) == ["id", "q1", "q2"]
    explicit = read_table(write_text(tmp_path, "t.csv", text), header_row=5)
    assert list(explicit.frame.columns) == ["1", "5", "4"] and explicit.row_numbers.tolist() == [6]
    with pytest.raises(OptionError, match="header_row=99"):
        read_table(tmp_path / "t.csv", header_row=99)
    with pytest.raises(OptionError, match="header_row"):
        read_table(tmp_path / "t.csv", header_row=0)


def test_xlsx_with_merged_title(tmp_path):
    rows = [["2026年内部服务满意度调查"], [], ["id", "部门", "q1", "q2", "comment"], ["R1", "财务部", 5, 4.0, "好"], ["R2", "人事部", 3, 2.5, None]]
    path = write_xlsx(tmp_path, "title.xlsx", {"调查": rows}, merges=[("调查", "A1:E1")])
    table = read_table(path)
    assert table.header_row == 3 and table.sheet == "调查" and table.kind == "xlsx" and table.encoding is None
    assert table.row_numbers.tolist() == [4, 5]
    assert cells(table) == [["R1", "财务部", "5", "4", "好"], ["R2", "人事部", "3", "2.5", ""]]
    assert table.cell_flags.empty  # the merged title is above the data
    assert read_table(path, header_row=4).frame.columns.tolist() == ["R1", "财务部", "5", "4", "好"]


def test_duplicate_and_empty_header_names(tmp_path):
    with pytest.raises(DataFileError, match=r"'q1' more than once"):
        read_table(write_text(tmp_path, "dup.csv", "Title,Title\n\nid,q1,q1\n1,2,3\n"))
    with pytest.raises(DataFileError, match=r"header column 2 \(row 1\) has no name"):
        read_table(write_text(tmp_path, "empty.csv", "id,,q2\n1,2,3\n"))
    # a title row with repeated cells is not the header, so it is not checked
    assert read_table(write_text(tmp_path, "ok.csv", "Survey,Survey\n\nid,q1,q2,q3,q4\n1,2,3,4,5\n")).header_row == 3


def test_blank_trailing_columns_are_dropped_but_data_without_a_name_is_an_error(tmp_path):
    table = read_table(write_text(tmp_path, "trail.csv", "id,q1,,\n1,2,,\n2,3,,\n"))
    assert table.frame.columns.tolist() == ["id", "q1"]
    path = write_xlsx(tmp_path, "beyond.xlsx", {"S": [["id", "q1"], [1, 2, "stray"], [2, 3]]})
    with pytest.raises(DataFileError, match=r"header column 3 "):
        read_table(path)


# --- 5. survey-platform exports ---------------------------------------------------------------------------------------


QUALTRICS = (
    "StartDate,ResponseId,Q1,Q2_1,Q2_2\n"
    "Start Date,Response ID,How satisfied are you with the IT helpdesk?,服务态度 - 员工,Responsiveness - staff\n"
    '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}",'
    '"{""ImportId"":""QID2_1""}","{""ImportId"":""QID2_2""}"\n'
    "2026-03-01 10:00:00,R_1,5,4,3\n"
    "2026-03-01 10:05:00,R_2,4,4,5\n"
)


def test_qualtrics_three_header_rows(tmp_path):
    table = read_table(write_text(tmp_path, "q.csv", QUALTRICS))
    assert table.frame.columns.tolist() == ["StartDate", "ResponseId", "Q1", "Q2_1", "Q2_2"]
    assert table.frame["Q1"].tolist() == ["5", "4"]
    assert table.row_numbers.tolist() == [4, 5]
    assert table.question_text["Q1"] == "How satisfied are you with the IT helpdesk?"
    assert table.question_text["Q2_1"] == "服务态度 - 员工"


def test_two_header_rows_without_import_ids(tmp_path):
    text = "\n".join(QUALTRICS.splitlines()[:2] + QUALTRICS.splitlines()[3:]) + "\n"
    table = read_table(write_text(tmp_path, "q2.csv", text))
    assert table.row_numbers.tolist() == [3, 4] and table.question_text["Q2_2"] == "Responsiveness - staff"
    xlsx = write_xlsx(tmp_path, "q.xlsx", {"Q": [r.split(",") for r in text.splitlines()]})
    assert read_table(xlsx).row_numbers.tolist() == [3, 4]


def test_text_answers_are_not_mistaken_for_question_text(tmp_path):
    text = "id,name,comment\nA1,Zhang Wei from finance,Very quick responses overall\nA2,Li Na,ok\n"
    table = read_table(write_text(tmp_path, "plain.csv", text))
    assert table.question_text == {} and table.row_numbers.tolist() == [2, 3]


# --- 6. XLSX ----------------------------------------------------------------------------------------------------------


def test_sheet_selection(tmp_path):
    data = [["id", "q1"], [1, 5], [2, 4]]
    path = write_xlsx(tmp_path, "s.xlsx", {"封面": [["2026年内部服务满意度调查"]], "Data": data, "Other": [["x", "y"], [7, 8]]})
    assert read_table(path).sheet == "Data"  # first sheet with a table
    assert read_table(path, sheet="Other").frame["x"].tolist() == ["7"]
    assert read_table(path, sheet=2).sheet == "Other"
    with pytest.raises(DataFileError, match=r"sheet '封面' holds no table, but sheet 'Data' does; pass sheet='Data'"):
        read_table(path, sheet=0)
    with pytest.raises(OptionError, match="no sheet named 'Nope'.*'Data'"):
        read_table(path, sheet="Nope")
    with pytest.raises(OptionError, match="3 sheet"):
        read_table(path, sheet=5)
    empty = write_xlsx(tmp_path, "e.xlsx", {"A": [], "B": [["title"]]})
    with pytest.raises(DataFileError, match="no sheet holds a table"):
        read_table(empty)


def test_merged_cells_in_the_data_are_flagged_and_blank(tmp_path):
    rows = [["部门", "id", "q1"], ["财务部", "R1", 5], [None, "R2", 4], [None, "R3", 3], ["人事部", "R4", 2]]
    path = write_xlsx(tmp_path, "m.xlsx", {"S": rows}, merges=[("S", "A2:A4")])
    table = read_table(path)
    assert table.frame["部门"].tolist() == ["财务部", "", "", "人事部"]
    flags = table.cell_flags
    assert flags.columns.tolist() == ["row", "column", "value", "issue"]
    assert flags["row"].tolist() == [3, 4] and set(flags["column"]) == {"部门"}
    assert set(flags["value"]) == {"财务部"} and set(flags["issue"]) == {"merged cell: value only in the first cell"}


def test_formula_without_cached_value_is_flagged(tmp_path):
    rows = [["id", "q1", "q2", "total"], ["R1", 5, 4, None], ["R2", 3, 2, 5]]
    path = write_xlsx(tmp_path, "f.xlsx", {"S": rows}, formulas=[("S", "D2", "=B2+C2")])
    table = read_table(path)
    assert table.frame["total"].tolist() == ["", "5"]
    assert table.cell_flags.to_dict("records") == [
        {"row": 2, "column": "total", "value": "=B2+C2", "issue": "formula without a saved value; open and save the file in Excel"}
    ]


def test_xlsx_values_as_text(tmp_path):
    import datetime as dt

    rows = [["id", "n", "x", "when", "ok"], ["R1", 5.0, 0.1, dt.datetime(2026, 3, 1), True], ["R2", 12, 2.5, dt.datetime(2026, 3, 1, 9, 30), False]]
    table = read_table(write_xlsx(tmp_path, "v.xlsx", {"S": rows}))
    assert cells(table) == [["R1", "5", "0.1", "2026-03-01", "TRUE"], ["R2", "12", "2.5", "2026-03-01 09:30:00", "FALSE"]]
    assert isinstance(table, RawTable) and isinstance(table.frame.index, pd.RangeIndex)


# --- 7. limits --------------------------------------------------------------------------------------------------------


def test_zip_bomb_is_refused_quickly_with_little_memory(tmp_path):
    path = write_zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 2_000_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DataFileError, match=r"the workbook expands to 1,536 MB \(limit 1,024 MB\)"):
        read_table(path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.5 and peak < 20_000_000


def test_compression_ratio_limit(tmp_path, monkeypatch):
    path = write_zip_bomb(tmp_path / "ratio.xlsx", gib=0.25)
    with pytest.raises(DataFileError, match="times its compressed size"):
        read_table(path)


def test_cell_and_byte_limits(tmp_path):
    csv_path = write_text(tmp_path, "c.csv", survey_csv(10))
    with pytest.raises(DataFileError, match="10 rows x 5 columns = 50 cells, more than the limit of 40"):
        read_table(csv_path, max_cells=40)
    assert len(read_table(csv_path, max_cells=55).frame) == 10
    with pytest.raises(DataFileError, match=r"max_bytes"):
        read_table(csv_path, max_bytes=100)
    xlsx = write_xlsx(tmp_path, "c.xlsx", {"S": [["a", "b"]] + [[i, i] for i in range(30)]})
    with pytest.raises(DataFileError, match="max_cells"):
        read_table(xlsx, max_cells=20)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(OptionError):
            read_table(csv_path, max_cells=bad)
    assert files.MAX_CELLS == 50_000_000 and files.MAX_TEXT_BYTES == 2 * 1024**3


# --- 8. SPSS ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def sav_file(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    data = pd.DataFrame({"id": ["R1", "R2", "R3"], "q1": [5.0, 3.0, np.nan], "q2": [4.5, 1.0, 2.0], "dept": [1.0, 2.0, 1.0]})
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        data, str(path), column_labels={"id": "Respondent", "q1": "服务态度很好", "q2": "Responsiveness", "dept": "部门"},
        variable_value_labels={"q1": {1.0: "很不满意", 5.0: "很满意"}, "dept": {1.0: "财务部", 2.0: "人事部"}},
    )
    return path


def test_sav(sav_file):
    table = read_table(sav_file)
    assert table.kind == "sav" and table.header_row == 0 and table.row_numbers.tolist() == [1, 2, 3]
    assert cells(table) == [["R1", "5", "4.5", "1"], ["R2", "3", "1", "2"], ["R3", "", "2", "1"]]
    assert table.variable_labels == {"id": "Respondent", "q1": "服务态度很好", "q2": "Responsiveness", "dept": "部门"}
    assert table.value_labels == {"q1": {1: "很不满意", 5: "很满意"}, "dept": {1: "财务部", 2: "人事部"}}
    with pytest.raises(DataFileError, match="max_cells"):
        read_table(sav_file, max_cells=5)


def test_sav_without_pyreadstat(sav_file, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyreadstat(name, *args, **kwargs):
        if name == "pyreadstat":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyreadstat)
    with pytest.raises(DataFileError, match="pip install pyreadstat"):
        read_table(sav_file)


# --- 9. errors and the file left untouched ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("bad.xlsx", b"PK\x03\x04 not really a zip", "not a readable Excel workbook"),
        ("bad2.xlsx", b"\x00\x01garbage" * 100, "not a readable Excel workbook"),
        ("bad.sav", b"$FL2 this is not spss" * 10, "not a readable SPSS"),
        ("bad.csv", bytes(range(256)) * 4, "NUL bytes"),
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\r\n \n\n", "is empty"),
        ("empty.xlsx", b"", "is empty"),
        ("empty.sav", b"", "is empty"),
        ("header.csv", b"id,q1,q2\r\n", "no data rows"),
        ("header.tsv", b"id\tq1\n\n\n", "no data rows"),
        ("old.xls", b"\xd0\xcf\x11\xe0", r"\.xls workbooks are not supported"),
        ("data.json", b"{}", "unknown file type"),
    ],
)
def test_bad_files_raise_kit_errors_naming_the_file(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(KitError, match=match) as caught:
        read_table(path)
    assert isinstance(caught.value, DataFileError) and name in str(caught.value)


def test_header_only_xlsx_missing_file_and_directory(tmp_path):
    with pytest.raises(DataFileError, match="no data rows"):
        read_table(write_xlsx(tmp_path, "h.xlsx", {"S": [["id", "q1", "q2"]]}))
    with pytest.raises(DataFileError, match="does not exist"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(DataFileError, match="is not a file"):
        read_table(tmp_path)
    with pytest.raises(OptionError, match="sheet must be"):
        read_table(write_xlsx(tmp_path, "x.xlsx", {"S": [["a", "b"], [1, 2]]}), sheet=1.0)


def test_reading_leaves_files_untouched(tmp_path, sav_file):
    paths = [
        write_text(tmp_path, "u.csv", survey_csv(5), "gb18030", "\r"),
        write_xlsx(tmp_path, "u.xlsx", {"S": [["id", "q1", "t"], ["R1", 5, None]]}, merges=[("S", "A1:A1")], formulas=[("S", "C2", "=B2*2")]),
        sav_file,
    ]
    past = time.time() - 3600
    for path in paths:
        os.utime(path, (past, past))
        before = fingerprint(path)
        read_table(path)
        assert fingerprint(path) == before
