"""Sources and data-quality levels: read per cell from a long table, carried to every value."""

from __future__ import annotations

import pandas as pd
import pytest

from u4ssc.core import Status
from u4ssc.core.provenance import QUALITY_LEVELS, quality_level


def long_rows(*rows):
    """A long table from (city, item, value, source, quality) tuples, all in 2024."""
    return pd.DataFrame(
        [
            {"city": c, "year": 2024, "item": i, "value": v, "source": s, "quality": q}
            for c, i, v, s, q in rows
        ]
    )


def row_of(result, code, city="Aster"):
    frame = result.to_frame()
    found = frame[(frame.city == city) & (frame.code == code)]
    assert len(found) == 1
    return found.iloc[0]


def test_a_kpi_carries_its_inputs_sources_and_worst_quality(toy_engine):
    result = toy_engine.score(
        long_rows(
            ("Aster", "households", 1000, "census 2020", "accurate measurement"),
            ("Aster", "households_online", 800, "ISP survey", "Personal  Estimate"),
            ("Aster", "population", 50_000, "registry", "extrapolated from higher-level data"),
        )
    )
    online = row_of(result, "T: T: T: 1C")
    assert online.value == 80.0
    assert online.source == "ISP survey; census 2020"
    assert online.quality == "personal estimate"
    assert result.problems == []


def test_an_indicator_built_on_others_inherits_their_provenance(toy_engine):
    result = toy_engine.score(
        long_rows(
            ("Aster", "households", 1000, "census", "accurate measurement"),
            ("Aster", "households_online", 800, "census", "accurate measurement"),
            ("Aster", "crimes", 40, "police", "estimate based on assumptions"),
            ("Aster", "population", 50_000, "registry", ""),
        )
    )
    combined = row_of(result, "T: T: T: 6A")
    assert combined.status == "computed"
    assert combined.source == "census; police; registry"
    assert combined.quality == "estimate based on assumptions"


def test_a_data_point_carries_only_its_own_inputs(toy_engine):
    result = toy_engine.score(
        long_rows(
            ("Aster", "trips_bus", 30, "bus operator", "accurate measurement"),
            ("Aster", "trips_bike", 10, "bike counters", "personal estimate"),
            ("Aster", "trips", 100, "travel survey", "extrapolated from a survey of inhabitants"),
        )
    )
    frame = result.to_frame()
    points = frame[frame.code == "T: T: T: 5C"].set_index("data_point")
    assert points.loc["bus", "source"] == "bus operator; travel survey"
    assert points.loc["bus", "quality"] == "extrapolated from a survey of inhabitants"
    assert points.loc["bike", "source"] == "bike counters; travel survey"
    assert points.loc["bike", "quality"] == "personal estimate"


def test_a_reported_value_carries_its_own_source_not_its_inputs(toy_engine):
    result = toy_engine.score(
        long_rows(
            ("Aster", "households", 1000, "census", "accurate measurement"),
            ("Aster", "households_online", 800, "census", "accurate measurement"),
            ("Aster", "T: T: T: 1C", "75 %", "city report", "unknown methodology, not traceable"),
        )
    )
    online = row_of(result, "T: T: T: 1C")
    assert online.status == "reported"
    assert online.value == 75.0
    assert (online.source, online.quality) == ("city report", "unknown methodology, not traceable")


def test_values_without_a_number_carry_no_provenance(toy_engine):
    result = toy_engine.score(
        long_rows(
            ("Aster", "households", 1000, "census", "accurate measurement"),
            ("Aster", "households_online", "NR", "census", "accurate measurement"),
        )
    )
    online = row_of(result, "T: T: T: 1C")
    assert online.status == "not reported"
    assert (online.source, online.quality) == ("", "")


def test_an_unknown_quality_level_is_an_error_naming_the_levels(toy_engine):
    result = toy_engine.score(
        long_rows(
            ("Aster", "households", 1000, "census", "pretty good"),
            ("Aster", "households_online", 800, "census", "accurate measurement"),
        )
    )
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.value) == (0, "quality", "pretty good")
    assert problem.severity == "error"
    assert "personal estimate" in problem.message
    # The value itself is still scored; the unknown level counts as no level.
    online = row_of(result, "T: T: T: 1C")
    assert (online.status, online.quality) == ("computed", "accurate measurement")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Accurate Measurement", 1),
        ("  unknown   methodology, not traceable ", 6),
        ("", 0),
        (None, 0),
        (float("nan"), 0),
        ("accurate", None),
        ("6", None),
    ],
)
def test_quality_levels_match_ignoring_case_and_spaces(text, level):
    assert quality_level(text) == level


def test_the_six_levels_are_those_of_the_method():
    assert len(QUALITY_LEVELS) == 6
    assert QUALITY_LEVELS[0] == "accurate measurement"
    assert QUALITY_LEVELS[-1] == "unknown methodology, not traceable"


def test_wide_tables_and_long_tables_without_them_have_empty_columns(toy_engine):
    result = toy_engine.score({"city": ["Aster"], "households": [10], "households_online": [5]})
    frame = result.to_frame()
    assert result.provenance is None
    assert set(frame.source) == {""}
    assert set(frame.quality) == {""}
    record = next(result.records())
    assert (record["source"], record["quality"]) == ("", "")
    assert result.status("T: T: T: 1C") is Status.COMPUTED


def test_a_filled_data_collection_workbook_carries_source_and_quality(official, tmp_path):
    from u4ssc.excel_addin.template import build_workbook

    workbook, _ = build_workbook(official)
    sheet = workbook["Inputs"]
    sheet["B2"], sheet["B3"] = "Aster", 2023
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    filled = {
        "households_with_internet": (812, "census 2021", "Accurate measurement"),
        "households": (1000, "census 2021", "accurate measurement"),
        "EC: ICT: ICT: 2C": (48.5, "operator survey", "personal estimate"),
    }
    for name, cells in filled.items():
        for column, cell in zip((4, 6, 7), cells, strict=True):
            sheet.cell(rows[name], column, cell)
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    frame = official.score(path).to_frame().set_index("code")
    assert tuple(frame.loc["EC: ICT: ICT: 1C", ["source", "quality"]]) == (
        "census 2021",
        "accurate measurement",
    )
    assert tuple(frame.loc["EC: ICT: ICT: 2C", ["status", "source", "quality"]]) == (
        "reported",
        "operator survey",
        "personal estimate",
    )
