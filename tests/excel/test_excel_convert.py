"""Excel values to engine inputs and back: the pure conversion module, with no xlwings."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from u4ssc.core import DataError, Status
from u4ssc.excel_addin.convert import (
    ExcelArgumentError,
    as_rows,
    cell,
    error_text,
    number_argument,
    read_pairs,
    status_text,
    table,
    text_argument,
)


def test_the_module_and_the_package_import_no_xlwings():
    code = (
        "import sys, u4ssc.excel_addin, u4ssc.excel_addin.convert; "
        "print(sorted(m for m in ('xlwings', 'openpyxl') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("value", "rows"),
    [(5.0, [[5.0]]), (None, [[None]]), ([1, 2], [[1, 2]]), ([[1], [2]], [[1], [2]]), ([], [])],
)
def test_a_cell_or_range_becomes_rows(value, rows):
    assert as_rows(value) == rows


def test_two_columns_give_names_and_raw_values_in_order():
    found = read_pairs([["population", 1000.0], [" households ", "NR"], ["plan", True]])
    assert found == {"population": 1000.0, "households": "NR", "plan": True}


def test_two_rows_are_read_as_names_over_values():
    assert read_pairs([["a", "b", "c"], [1.0, None, "x"]]) == {"a": 1.0, "b": None, "c": "x"}


def test_a_table_with_id_and_value_headers_is_read_by_those_columns():
    rows = [
        ["id", "description", "unit", "value", "year"],
        ["households", "Households", "households", 1000.0, 2023.0],
        [None, "A section title", None, None, None],
        ["population", "Population", "inhabitants", None, None],
    ]
    assert read_pairs(rows) == {"households": 1000.0, "population": None}


def test_empty_rows_are_skipped_and_empty_text_or_nan_is_an_empty_cell():
    rows = [["a", ""], [None, None], ["", "  "], ["b", math.nan], ["c", 0.0]]
    assert read_pairs(rows) == {"a": None, "b": None, "c": 0.0}


def test_excel_errors_and_text_reach_the_engine_unchanged():
    found = read_pairs([["a", "#DIV/0!"], ["b", "N/A: no metro"], ["c", "97,5 %"]])
    assert found == {"a": "#DIV/0!", "b": "N/A: no metro", "c": "97,5 %"}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([[1, 2, 3]], "got 1 row(s) × 3 column(s)"),
        ([[1, 2, 3], [4, 5, 6], [7, 8, 9]], "got 3 row(s) × 3 column(s)"),
        ([["a", 1], [None, 5.0]], "row 2 has the value 5 but no name"),
        ([["a", 1], [12.0, 5.0]], "row 2 has 12 where a data item name or KPI code belongs"),
        ([["#N/A", 1]], "row 1 has '#N/A' where a data item name"),
        ([["Households", 1], ["house holds", 2]], "'house holds' is given twice (rows 1 and 2)"),
        ([["a", 1], ["b"]], "different lengths"),
    ],
)
def test_ranges_that_cannot_be_read_say_what_to_fix(rows, message):
    with pytest.raises(ExcelArgumentError) as caught:
        read_pairs(rows, "inputs")
    assert message in str(caught.value)
    assert str(caught.value).startswith("inputs: ")
    assert isinstance(caught.value, DataError)


def test_text_arguments_are_one_nonempty_cell():
    assert text_argument(" EC: ICT: ICT: 1C ", "code") == "EC: ICT: ICT: 1C"
    assert text_argument([["core"]], "tier") == "core"
    assert text_argument(None, "level", default="category") == "category"
    assert text_argument(2024.0, "year") == "2024"
    with pytest.raises(ExcelArgumentError, match="code is empty"):
        text_argument(None, "code")
    with pytest.raises(ExcelArgumentError, match="code is the Excel error #REF!"):
        text_argument("#REF!", "code")
    with pytest.raises(ExcelArgumentError, match="give one cell, not a range of 2 cells"):
        text_argument([["a", "b"]], "code")
    with pytest.raises(ExcelArgumentError, match="expected text, got TRUE"):
        text_argument(True, "code")


def test_number_arguments_read_like_any_cell():
    assert number_argument(None, "target") is None
    assert number_argument(60.0, "target") == 60.0
    assert number_argument("60 %", "target") == 60.0
    assert number_argument("yes", "target") == 1.0
    with pytest.raises(ExcelArgumentError, match="target: expected a number, got 'abc'"):
        number_argument("abc", "target")
    with pytest.raises(ExcelArgumentError, match="target: expected a number, got 'NR'"):
        number_argument("NR", "target")


def test_status_texts_use_the_template_abbreviations():
    assert status_text(Status.NOT_REPORTED, "missing households") == "NR: missing households"
    assert status_text(Status.NOT_APPLICABLE, "") == "N/A"
    assert status_text(Status.ERROR, "undefined: households is 0").startswith("error: ")


def test_cells_and_tables_hold_only_excel_values():
    import numpy as np

    assert cell(None) == ""
    assert cell(math.nan) == ""
    assert cell(3) == 3.0
    assert cell(np.int64(4)) == 4.0
    assert cell(["a", "b"]) == "a; b"
    assert cell({"k": 1}) == "k: 1"
    rows = table(("a", "b"), [{"a": 1, "b": None}, {"a": "x"}])
    assert rows == [["a", "b"], [1.0, ""], ["x", ""]]


def test_errors_become_one_line_never_a_traceback():
    assert error_text(ValueError("first line\nsecond")) == "u4ssc: first line"
    assert error_text(KeyError()) == "u4ssc: KeyError"
