"""Readers: every format keeps text as text, names what it read, and fails with a clear message."""

from __future__ import annotations

import datetime
import json
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from u4ssc.core import DataError
from u4ssc.core.readers import ReadOptions, csv_chunks, read_input
from u4ssc.core.values import NoteTable, decimal_evidence, guess_decimal, parse_column


def read(path, **options):
    return read_input(path, ReadOptions(**options))


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_keeps_text_cells_as_text_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("city,year,a,b,c\n01,2024,NR,5,N/A: no metro\nB,2024,#DIV/0!,6.5,\n")
    info, frame = read(path)
    assert list(frame.city) == ["01", "B"]
    assert list(frame.a) == ["NR", "#DIV/0!"]
    assert frame.b.dtype == np.float64
    assert frame.c.iloc[0] == "N/A: no metro"
    assert (info.format, info.delimiter, info.encoding, info.decimal) == ("csv", ",", "utf-8", ".")


def test_csv_booleans_reach_the_cell_parser(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("city,flag\nA,TRUE\nB,FALSE\n")
    _, frame = read(path)
    from u4ssc.core import DataItem, Kind

    count = DataItem("n", "N", "things", Kind.COUNT, "A count.")
    _, status, codes = parse_column(frame.flag.to_numpy(), count, notes := NoteTable())
    assert list(status) == [4, 4]  # invalid: TRUE is not a count
    assert notes.text(int(codes[0])) == "expected a number, got 'TRUE'"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("city;x\nZürich;1\n".encode(), "utf-8"),
        ("\ufeffcity;x\nZürich;1\n".encode(), "utf-8-sig"),
        ("city;x\nZürich;1\n".encode("latin-1"), "latin-1"),
        ("city;x\nZürich;1\n".encode("utf-16"), "utf-16"),
    ],
)
def test_csv_encodings_are_detected(tmp_path, data, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    info, frame = read(path)
    assert info.encoding == encoding
    assert list(frame.columns) == ["city", "x"]
    assert frame.city.iloc[0] == "Zürich"


def test_a_given_encoding_that_does_not_fit_says_where(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("city,x\nZürich,1\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"cannot decode .*a\.csv as utf-8 at byte 8.*--encoding"):
        read(path, encoding="utf-8")
    with pytest.raises(DataError, match="unknown encoding 'klingon'"):
        read(path, encoding="klingon")


def test_a_binary_file_named_csv_is_recognised(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(DataError, match="not a text file: it looks like an Excel workbook"):
        read(path)


@pytest.mark.parametrize(
    ("text", "line"),
    [("city,x\nA,1,2\nB,2\n", 2), ("city,x\nA,1\nB,2\nC,3,4\n", 4)],
)
def test_ragged_rows_name_their_line(tmp_path, text, line):
    path = tmp_path / "a.csv"
    path.write_text(text)
    with pytest.raises(
        DataError, match=rf"line {line} \(row {line - 1}\) has 3 cells but the header has 2"
    ):
        read(path)


def test_short_rows_are_padded_and_blank_headers_named(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("city,,x,\nA,7\nB,8,9,\n")
    _, frame = read(path)
    # The empty, headerless last column is dropped; the one with a value is named.
    assert list(frame.columns) == ["city", "column 2 (no header)", "x"]
    assert frame["x"].isna().tolist() == [True, False]


def test_duplicate_headers_are_an_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("city,households, households\nA,1,2\n")
    with pytest.raises(DataError, match="columns 2 and 3 are both named 'households'"):
        read(path)


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_empty_files_are_an_error(tmp_path, text):
    path = tmp_path / "a.csv"
    path.write_text(text)
    with pytest.raises(DataError, match="is empty"):
        read(path)


@pytest.mark.parametrize(
    ("cell", "proves"),
    [
        ("97,5", ","),
        ("0,25", ","),
        ("1234,5", ","),
        ("1.234,5", ","),
        ("1.234.567", ","),
        ("-0,5 %", ","),
        ("97.5", "."),
        ("1,234.5", "."),
        ("1,234,567", "."),
        ("1,234", None),
        ("1.234", None),
        ("12", None),
        ("2024-01-01", None),
        ("NR", None),
    ],
)
def test_decimal_evidence(cell, proves):
    assert decimal_evidence(cell) == proves


def test_guess_decimal_needs_comma_proof_and_no_point_proof():
    assert guess_decimal(["97,5", "1.234", "NR"]) == ","
    assert guess_decimal(["97,5", "12.5"]) == "."
    assert guess_decimal(["1,234", "1.234"]) == "."
    assert guess_decimal([1.5, None]) == "."


def test_decimal_auto_reads_semicolon_files_with_decimal_commas(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("city;a;b\nA;97,5;1,234\nB;3;1.234,5\n")
    info, frame = read(path)
    assert (info.delimiter, info.decimal) == (";", ",")
    assert list(frame.a) == [97.5, 3.0]
    # 1,234 is ambiguous on its own: the file's decimal comma decides it is 1.234
    values, _, _ = parse_column(frame.b.to_numpy(), None, NoteTable(), decimal=info.decimal)
    assert values.tolist() == [1.234, 1234.5]


def test_decimal_auto_keeps_a_point_for_comma_files_and_for_mixed_evidence(tmp_path):
    mixed = tmp_path / "m.csv"
    mixed.write_text("city;a\nA;97,5\nB;12.5\n")
    assert read(mixed)[0].decimal == "."
    comma = tmp_path / "c.csv"
    comma.write_text('city,a\nA,"97,5"\n')
    assert read(comma)[0].decimal == "."
    assert read(comma, decimal=",")[0].decimal == ","


def test_decimal_auto_looks_at_the_first_1000_rows_only(tmp_path):
    path = tmp_path / "a.csv"
    rows = ["A;1"] * 1000 + ["B;97,5"]
    path.write_text("city;a\n" + "\n".join(rows) + "\n")
    assert read(path)[0].decimal == "."


def test_chunks_hold_the_same_cells_as_the_whole_file(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("city;a;b\n" + "".join(f"C{i};{i},5;x{i % 3}\n" for i in range(25)))
    info, whole = read(path)
    chunked_info, chunks, _ = csv_chunks(path, 7)
    parts = list(chunks)
    assert [len(p) for p in parts] == [7, 7, 7, 4]
    joined = pd.concat(parts, ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole)
    assert chunked_info.describe() == info.describe()


def test_chunked_reading_checks_the_encoding_before_the_first_chunk(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"city,x\n" + b"A,1\n" * 10 + "Zürich,1\n".encode("latin-1"))
    with pytest.raises(DataError, match="cannot decode"):
        csv_chunks(path, 3, ReadOptions(encoding="utf-8"))


# -- Excel ----------------------------------------------------------------------------------------


def workbook(path, *sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def test_xlsx_first_sheet_by_default_or_by_name_or_number(tmp_path):
    path = workbook(
        tmp_path / "a.xlsx",
        ("Notes", [("city", "x"), ("Notes", 1)]),
        ("2024", [("city", "x"), ("Data", 2)]),
    )
    assert read(path)[1].city.tolist() == ["Notes"]
    assert read(path, sheet="2024")[1].city.tolist() == ["Data"]
    info, frame = read(path, sheet="2")  # as --sheet 2 gives it: counted from 1
    assert (info.sheet, frame.x.tolist()) == ("2024", [2.0])
    assert read(path, sheet=1)[0].sheet == "2024"  # an int position counts from 0, as in pandas
    with pytest.raises(
        DataError, match=r"has no sheet 'Data'.*from 1 to 2 \(sheets: Notes, 2024\)"
    ):
        read(path, sheet="Data")


def test_xlsx_cells_keep_their_types_and_empty_rows_are_skipped(tmp_path):
    when = datetime.datetime(2024, 3, 1)
    path = workbook(
        tmp_path / "a.xlsx",
        (
            "s",
            [
                ("city", "n", "t", "b", "d"),
                ("A", 1, "#DIV/0!", True, when),
                (None, None, None, None, None),
                ("B", 2.5, "NR", None, None),
            ],
        ),
    )
    _, frame = read(path)
    assert frame.city.tolist() == ["A", "B"]
    assert frame.n.dtype == np.float64
    assert frame.t.tolist() == ["#DIV/0!", "NR"]
    assert frame.b.tolist() == [True, None]
    assert frame.d.tolist()[0] == when


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xlsx", b"not a zip", r"cannot read .*a\.xlsx as an Excel workbook"),
        ("a.xlsx", b"PK\x03\x04 broken", r"cannot read .*a\.xlsx as an Excel workbook"),
        ("a.parquet", b"not parquet at all", r"cannot read .*a\.parquet as a Parquet file"),
        ("a.xls", b"old", r"unknown file type '\.xls' \(save it as \.xlsx\)"),
    ],
)
def test_unreadable_files_are_an_error_that_says_what_was_expected(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError, match=message):
        read(path)


# -- Parquet --------------------------------------------------------------------------------------


def test_parquet_types_become_numbers_or_cells(tmp_path):
    path = tmp_path / "a.parquet"
    pd.DataFrame(
        {
            "city": ["A", "B"],
            "n": pd.array([1, None], dtype="Int64"),
            "flag": pd.array([True, None], dtype="boolean"),
            "when": pd.to_datetime(["2024-01-01", None]),
            "text": ["NR", "97,5 %"],
        }
    ).to_parquet(path)
    _, frame = read(path)
    assert frame.n.dtype == np.float64
    assert frame.n.iloc[0] == 1.0
    assert math.isnan(frame.n.iloc[1])
    assert frame.flag.tolist() == [True, None]
    assert frame.when.iloc[0] == pd.Timestamp("2024-01-01")
    assert frame.text.tolist() == ["NR", "97,5 %"]


def test_parquet_with_two_columns_of_one_name_is_an_error(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "a.parquet"
    pq.write_table(
        pa.table([pa.array(["A"]), pa.array([1]), pa.array([2])], names=["city", "x", "x"]), path
    )
    with pytest.raises(DataError, match="both named 'x'"):
        read(path)


# -- JSON -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        [{"city": "A", "x": 1}, {"city": "B", "y": "NR"}],
        {"rows": [{"city": "A", "x": 1}, {"city": "B", "y": "NR"}]},
        {"city": ["A", "B"], "x": [1, None], "y": [None, "NR"]},
    ],
)
def test_json_shapes(tmp_path, payload):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(payload))
    _, frame = read(path)
    assert frame.city.tolist() == ["A", "B"]
    assert frame.x.iloc[0] == 1.0
    assert frame.y.tolist()[1] == "NR"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"city": "A",}]', r"is not valid JSON: .* at line 1, column 15"),
        ('[{"city": "A", "city": "B"}]', "the key 'city' appears twice"),
        ('[{"city": "A"}, 3]', r"row 2 is int 3, not an object"),
        ('{"city": ["A", "B"], "x": [1]}', r"the columns have different lengths \(\[1, 2\]\)"),
        ('"city"', "expected a list of row objects"),
        ("[]", "holds no rows"),
    ],
)
def test_bad_json_is_an_error_that_says_why(tmp_path, text, message):
    path = tmp_path / "a.json"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        read(path)


def test_json_keeps_huge_integers_for_the_cell_parser(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[{"city": "A", "x": 1' + "0" * 400 + "}]")
    _, frame = read(path)
    assert frame.x.dtype == object
    assert frame.x.iloc[0] == 10**400


def test_missing_files_and_folders_are_named(tmp_path):
    with pytest.raises(DataError, match=r"input file .*nope\.csv' does not exist"):
        read(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is not a file"):
        read(tmp_path)
