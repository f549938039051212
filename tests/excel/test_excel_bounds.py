"""The Excel functions keep issue 13's items 1–3: out-of-bounds values are invalid with their
reason, formulas that are not element-wise are errors, impossible targets are refused."""

from __future__ import annotations

import types

import numpy as np
import pytest
from excel_cases import as_range, city

from u4ssc.core import DataItem, Engine, Kind, hookimpl, indicator
from u4ssc.excel_addin import udfs


def test_a_share_above_100_shows_invalid_with_its_reason():
    record = city("Aster", 2022)
    record["households_with_internet"] = record["households"] * 14.5977
    got = udfs.u4ssc_kpi("EC: ICT: ICT: 1C", as_range(record))
    assert got.startswith("invalid: 1459.77 % is above the maximum 100 %: households_with_internet")
    spilled = {row[0]: row for row in udfs.u4ssc_score(as_range(record))[1:]}
    header = udfs.u4ssc_score(as_range(record))[0]
    row = dict(zip(header, spilled["EC: ICT: ICT: 1C"], strict=True))
    assert row["status"] == "invalid"
    assert row["points"] == ""


@pytest.mark.parametrize(
    ("code", "value", "words"),
    [
        ("EC: ICT: ICT: 1C", 150.0, "150 is above the maximum 100 %"),
        ("EC: ICT: ICT: 4C: 3G", "150 %", "150 is above the maximum 100 %"),
        ("SC: SH: SI: 2C", 27.0, "27 is above the maximum 1"),
    ],
)
def test_points_of_a_value_out_of_bounds_say_it_is_invalid(code, value, words):
    got = udfs.u4ssc_points(code, value)
    assert got.startswith("invalid: reported value in column")
    assert words in got
    assert udfs.u4ssc_band(code, value) == got


def test_gross_enrolment_above_100_still_gets_its_points():
    assert udfs.u4ssc_points("SC: EH: ED: 2C", 130.0) == 4


@pytest.mark.parametrize(
    ("code", "target", "words"),
    [
        ("EC: ICT: ICT: 2C", 0.0, "a target of 0 % cannot be scored"),
        ("EC: P: EM: 1C", -50.0, "a target of -50 % cannot be scored"),
        ("EC: ICT: ICT: 1C", 150.0, "outside the values the KPI can take (0 to 100)"),
    ],
)
def test_an_impossible_target_is_one_line_saying_why(code, target, words):
    got = udfs.u4ssc_points(code, 30.0, target)
    assert got.startswith("u4ssc: ")
    assert words in got
    assert code in got
    spilled = udfs.u4ssc_score(as_range(city("Aster", 2022)), [[code, target]])
    assert isinstance(spilled, str)
    assert words in spilled


def test_a_formula_that_is_not_element_wise_is_an_error_in_the_cell(monkeypatch):
    plugin = types.ModuleType("crossrows")
    item = DataItem("x", "X", "things", Kind.COUNT, "A count.")

    @indicator("S: S: S: 1C", name="Shifted", unit="things", dimension="D", subdimension="S",
               category="C", direction="higher")  # fmt: skip
    def shifted(x):
        return np.diff(x)

    plugin.u4ssc_data_items = hookimpl(lambda: [item])
    plugin.u4ssc_indicators = hookimpl(lambda: [shifted])
    engine = Engine.load(plugins=[("crossrows", plugin)], entry_points=False)
    monkeypatch.setattr(udfs, "engine", lambda: engine)
    udfs._scored.clear()
    udfs._outputs_by_key.cache_clear()
    try:
        got = udfs.u4ssc_kpi("S: S: S: 1C", [["x", 5.0]])
    finally:
        udfs._scored.clear()
        udfs._outputs_by_key.cache_clear()
    assert got.startswith("error: the formula of S: S: S: 1C (shifted, plugin 'crossrows')")
    assert "returned an array of shape (0,) for 1 row" in got
    assert "element-wise" in got


def test_the_workbook_marks_a_kpi_value_outside_its_bounds_invalid():
    """The status column of the KPIs sheet tests each computed value against the KPI's bounds
    (as test_excel_libreoffice.py checks in a real spreadsheet, case ``awkward``)."""
    from u4ssc.core import Status, default_engine
    from u4ssc.excel_addin.template import build_workbook

    workbook, _ = build_workbook(default_engine())
    sheet = workbook["KPIs"]
    header = [c.value for c in sheet[4]]
    found = {}
    for row in sheet.iter_rows(min_row=5):
        cells = dict(zip(header, row, strict=False))
        found[cells["id"].value] = (cells["formula value"].coordinate, cells["status code"].value)
    value, status = found["EC: ICT: ICT: 1C"]  # a share: 0 to 100
    assert (
        f"IF(ISNUMBER({value}),IF(OR({value}<0,{value}>100),{Status.INVALID:d},"
        f"{Status.COMPUTED:d}),{Status.ERROR:d})"
    ) in status
    value, status = found["SC: EH: ED: 2C"]  # gross enrolment: 0 or more
    assert f"IF(OR({value}<0),{Status.INVALID:d},{Status.COMPUTED:d})" in status
    value, status = found["SC: SH: SI: 2C"]  # the Gini coefficient: 0 to 1
    assert f"OR({value}<0,{value}>1)" in status
