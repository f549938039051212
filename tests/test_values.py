"""The cell parser: numbers as people type them, and the same verdict on every path."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from u4ssc.core import DataItem, Kind, Status
from u4ssc.core.values import NoteTable, parse_cell, parse_column, read_column

PERCENT = DataItem("share", "Share", "%", Kind.PERCENT, "A share.")
COUNT = DataItem("things", "Things", "things", Kind.COUNT, "A count.")
YES_NO = DataItem("plan", "Plan", "yes/no", Kind.YES_NO, "A plan.")
NO2 = DataItem("no2", "NO2", "µg/m³", Kind.AMOUNT, "NO2.", units={"ppb": 1.9, "ppm": 1900.0})


@pytest.mark.parametrize(
    ("raw", "item", "value"),
    [
        ("97.00 %", PERCENT, 97.0),
        ("95 424", COUNT, 95424.0),
        ("95\u00a0424", COUNT, 95424.0),
        ("1,234.5", COUNT, 1234.5),
        ("1,234", COUNT, 1234.0),
        ("97,5", PERCENT, 97.5),
        ("1'000", COUNT, 1000.0),
        ("  42 ", COUNT, 42.0),
        ("1e3", COUNT, 1000.0),
        (12, COUNT, 12.0),
        (12.5, COUNT, 12.5),
        (np.int64(7), COUNT, 7.0),
        ("10 ppb", NO2, 19.0),
        ("0.01 ppm", NO2, 19.0),
        ("5 µg/m³", NO2, 5.0),
        ("yes", YES_NO, 1.0),
        ("No", YES_NO, 0.0),
        ("TRUE", YES_NO, 1.0),
        (True, YES_NO, 1.0),
        (0, YES_NO, 0.0),
    ],
)
def test_numbers_people_type_are_read(raw, item, value):
    cell = parse_cell(raw, item)
    assert cell.status is Status.COMPUTED
    assert cell.value == pytest.approx(value)


def test_decimal_comma_mode():
    assert parse_cell("1.234,5", COUNT, decimal=",").value == 1234.5
    assert parse_cell("12,5", COUNT, decimal=",").value == 12.5


@pytest.mark.parametrize(
    ("raw", "status", "note"),
    [
        (None, Status.NOT_REPORTED, ""),
        ("", Status.NOT_REPORTED, ""),
        ("NR", Status.NOT_REPORTED, ""),
        (float("nan"), Status.NOT_REPORTED, ""),
        ("#N/A", Status.NOT_REPORTED, "Excel error #N/A: value not available"),
        ("N/A", Status.NOT_APPLICABLE, ""),
        ("n/a: no metro", Status.NOT_APPLICABLE, "no metro"),
        ("Not applicable (no port)", Status.NOT_APPLICABLE, "no port"),
        ("n.a.", Status.NOT_APPLICABLE, ""),
        ("N.A.: no metro", Status.NOT_APPLICABLE, "no metro"),
        ("nation", Status.INVALID, "expected a number, got 'nation'"),
        ("#DIV/0!", Status.INVALID, "Excel error #DIV/0!: fix the formula or type the value"),
        ("abc", Status.INVALID, "expected a number, got 'abc'"),
        ("-", Status.INVALID, "'-' is ambiguous: leave the cell empty if not reported, or type 0"),
        ("12,34,5", Status.INVALID, "expected a number, got '12,34,5'"),
        ("inf", Status.INVALID, "expected a number, got 'inf'"),
        (True, Status.INVALID, "expected a number, got 'TRUE'"),
        ("5 kg", Status.INVALID, "expected a number, got '5 kg'"),
    ],
)
def test_statuses_of_cells(raw, status, note):
    cell = parse_cell(raw, COUNT)
    assert (cell.status, cell.note) == (status, note)
    assert math.isnan(cell.value)


def test_yes_no_rejects_other_numbers():
    assert parse_cell("0.5", YES_NO).note == "expected yes or no (1 or 0), got 0.5"
    assert parse_cell("maybe", YES_NO).note == "expected yes or no, got 'maybe'"


def test_unit_column_converts_and_unknown_units_are_rejected():
    assert parse_cell("10", NO2, unit="ppb").value == pytest.approx(19.0)
    cell = parse_cell("10", NO2, unit="kg")
    assert cell.status is Status.INVALID
    assert "use µg/m³, ppb, ppm" in cell.note


CELLS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(
        ["NR", "N/A", "n/a: closed", "#DIV/0!", "#N/A", "97 %", "1,234.5", "95 424", "yes", "-"]
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=30), st.sampled_from([PERCENT, COUNT, YES_NO, NO2]))
def test_column_parser_agrees_with_cell_parser(cells, item):
    notes = NoteTable()
    values, status, codes = parse_column(np.array(cells, dtype=object), item, notes)
    for i, raw in enumerate(cells):
        cell = parse_cell(raw, item)
        assert status[i] == cell.status
        assert notes.text(int(codes[i])) == cell.note
        assert (math.isnan(values[i]) and math.isnan(cell.value)) or values[i] == cell.value


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=30),
    st.sampled_from([YES_NO, COUNT]),
)
def test_numeric_fast_path_agrees_with_cell_parser(numbers, item):
    notes = NoteTable()
    _, status, codes = parse_column(np.array(numbers, dtype=float), item, notes)
    for i, raw in enumerate(numbers):
        cell = parse_cell(raw, item)
        assert status[i] == cell.status
        assert notes.text(int(codes[i])) == cell.note
    # Statuses are left implicit exactly when every cell is a number the item takes, or blank.
    _, implicit, _ = read_column(np.array(numbers, dtype=float), item, NoteTable())
    plain = all(s in (Status.COMPUTED, Status.NOT_REPORTED) for s in status)
    assert (implicit is None) == plain


#: Texts shaped like numbers, and near misses: what a text column of numbers holds.
NUMBER_TEXTS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.from_regex(
        r"[ \t]?[+-]?[0-9]{0,4}[.]?[0-9]{0,3}([eE][+-]?[0-9]{1,4})?[ \t%]?", fullmatch=True
    ),
    st.sampled_from(
        ["1e999", "-1e999", "1_000", "٣", "1.234", "1,5", "0", "1", "-0", ".5", "5.", "+7"]
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(NUMBER_TEXTS, min_size=1, max_size=30),
    st.sampled_from([PERCENT, COUNT, YES_NO, NO2, DataItem("t", "T", "10", Kind.AMOUNT, "T.")]),
    st.sampled_from([".", ","]),
)
def test_text_column_of_numbers_agrees_with_cell_parser(texts, item, decimal):
    """Plain number texts skip the cell parser (read by ``float``): the same values exactly."""
    notes = NoteTable()
    values, status, codes = parse_column(
        np.array(texts, dtype=object), item, notes, decimal=decimal
    )
    for i, raw in enumerate(texts):
        cell = parse_cell(raw, item, decimal=decimal)
        assert status[i] == cell.status
        assert notes.text(int(codes[i])) == cell.note
        assert (math.isnan(values[i]) and math.isnan(cell.value)) or values[i] == cell.value
        assert math.copysign(1, values[i]) == math.copysign(1, cell.value) or math.isnan(values[i])


BOUNDED = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6),
    st.sampled_from([-0.0, 0.0, 100.0, 100.0000001, -1e-12, 1.0, 0.5]),
    st.sampled_from(["101", "-1", "100 %", "0", "yes", "n/a", "x"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(BOUNDED, min_size=1, max_size=20))
def test_batch_and_single_record_paths_accept_and_reject_the_same_values(toy_engine_cls, cells):
    """Bounds come from one declaration: pandera (batch) and plain Python (one city) agree."""
    engine = toy_engine_cls
    frame = pd.DataFrame(
        {"city": [f"c{i}" for i in range(len(cells))], "households": pd.Series(cells, dtype=object)}
    )
    batch = engine.score(frame)
    for row, raw in enumerate(cells):
        single = engine.score_one({"city": f"c{row}", "households": raw})
        assert single.status("T: T: T: 1C") == batch.status("T: T: T: 1C", row)
        assert single.reason("T: T: T: 1C") == batch.reason("T: T: T: 1C", row)
