"""Vectorised evaluation: every row and value comes out with a value or a status and a reason."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from u4ssc.core import Status
from u4ssc.core.values import NoteTable

GOOD = {
    "households_online": 812,
    "households": 1000,
    "crimes": 30,
    "population": 150_000,
    "no2": 20,
    "plan": "yes",
    "trips_bus": 300,
    "trips_bike": 100,
    "trips": 1000,
    "fragile": 1,
}


def one(engine, **changes):
    return engine.score_one({"city": "Aster", "year": 2024, **GOOD, **changes})


def test_values_are_computed(toy_engine):
    result = one(toy_engine)
    assert result.value("T: T: T: 1C") == pytest.approx(81.2)
    assert result.value("T: T: T: 2C") == pytest.approx(20.0)
    assert result.value("T: T: T: 4A") == 1.0
    assert result.value("T: T: T: 5C: bus") == pytest.approx(30.0)
    assert result.value("T: T: T: 5C: bike") == pytest.approx(10.0)
    assert result.value("T: T: T: 6A") == pytest.approx(81.2 / 20.0)
    assert all(result.status(o.id) is Status.COMPUTED for o in result.outputs)


def test_missing_input_is_not_reported_naming_it(toy_engine):
    result = one(toy_engine, households=None)
    assert result.status("T: T: T: 1C") is Status.NOT_REPORTED
    assert result.reason("T: T: T: 1C") == "missing households"
    assert math.isnan(result.value("T: T: T: 1C"))
    # Downstream indicators say what they miss; unrelated ones are untouched.
    assert result.status("T: T: T: 6A") is Status.NOT_REPORTED
    assert result.status("T: T: T: 2C") is Status.COMPUTED


def test_absent_column_is_not_reported(toy_engine):
    record = {"city": "A", **GOOD}
    del record["crimes"]
    result = toy_engine.score_one(record)
    assert result.reason("T: T: T: 2C") == "missing crimes"


def test_several_missing_inputs_are_all_named(toy_engine):
    result = one(toy_engine, crimes="NR", population="")
    assert result.reason("T: T: T: 2C") == "missing crimes, population"


def test_not_applicable_carries_the_reason(toy_engine):
    result = one(toy_engine, trips_bike="N/A: no bike lanes yet")
    assert result.status("T: T: T: 5C: bike") is Status.NOT_APPLICABLE
    assert result.reason("T: T: T: 5C: bike") == "trips_bike is not applicable: no bike lanes yet"
    assert result.status("T: T: T: 5C: bus") is Status.COMPUTED


def test_invalid_input_gives_invalid_with_reason(toy_engine):
    result = one(toy_engine, households="many")
    assert result.status("T: T: T: 1C") is Status.INVALID
    assert result.reason("T: T: T: 1C") == "households: expected a number, got 'many'"
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.value) == (0, "households", "many")


def test_negative_count_is_invalid_not_a_silent_number(toy_engine):
    result = one(toy_engine, crimes=-3)
    assert result.status("T: T: T: 2C") is Status.INVALID
    assert "below the minimum 0" in result.reason("T: T: T: 2C")


def test_zero_denominator_is_an_error_naming_the_zero(toy_engine):
    result = one(toy_engine, households=0)
    assert result.status("T: T: T: 1C") is Status.ERROR
    assert result.reason("T: T: T: 1C") == "undefined: households is 0"
    assert math.isnan(result.value("T: T: T: 1C"))


def test_reported_value_wins_over_computing(toy_engine):
    result = one(toy_engine, **{"t:t:t:1c": "77 %"})
    assert result.status("T: T: T: 1C") is Status.REPORTED
    assert result.value("T: T: T: 1C") == 77.0
    # Downstream indicators use the reported value.
    assert result.value("T: T: T: 6A") == pytest.approx(77.0 / 20.0)


def test_reported_value_fills_in_for_missing_inputs(toy_engine):
    result = one(toy_engine, households=None, **{"T: T: T: 1C": 64})
    assert result.status("T: T: T: 1C") is Status.REPORTED
    assert result.value("T: T: T: 1C") == 64.0


def test_reported_data_point_by_its_id(toy_engine):
    result = one(toy_engine, **{"T: T: T: 5C: bike": 12.5})
    assert result.status("T: T: T: 5C: bike") is Status.REPORTED
    assert result.value("T: T: T: 5C: bike") == 12.5
    assert result.status("T: T: T: 5C: bus") is Status.COMPUTED


def test_ppb_is_converted_to_micrograms(toy_engine):
    assert one(toy_engine, no2="10 ppb").value("T: T: T: 3A") == pytest.approx(19.0)


def test_formula_exception_is_confined_to_its_row(toy_engine):
    frame = pd.DataFrame(
        [{"city": c, **GOOD, "fragile": f} for c, f in [("A", 1), ("B", 13), ("C", 2)]]
    )
    result = toy_engine.score(frame)
    statuses = [result.status("T: T: T: 7A", row) for row in range(3)]
    assert statuses == [Status.COMPUTED, Status.ERROR, Status.COMPUTED]
    assert result.reason("T: T: T: 7A", 1) == "formula failed: ValueError: unlucky number"
    assert result.value("T: T: T: 7A", 2) == 2.0
    assert result.status("T: T: T: 1C", 1) is Status.COMPUTED


def test_every_input_row_appears_in_the_output(toy_engine):
    frame = pd.DataFrame(
        [{"city": "A", **GOOD}, {"city": None, "households": "x"}, {"city": "A", "year": 2024}]
    )
    long = toy_engine.score(frame).to_frame()
    assert len(long) == 3 * len(toy_engine.outputs)
    assert list(long["city"].unique()) == ["A", ""]


def test_no_value_is_ever_infinite_or_unexplained_nan(toy_engine):
    frame = pd.DataFrame(
        [
            {"city": "A", **GOOD},
            {"city": "B", **GOOD, "households": 0, "population": 0, "trips": 0},
            {"city": "C"},
            {"city": "D", **GOOD, "crimes": "abc", "plan": "maybe"},
        ]
    )
    long = toy_engine.score(frame).to_frame()
    assert not np.isinf(long["value"]).any()
    empty = long["value"].isna()
    assert (long.loc[empty, "status"] != "computed").all()
    assert (long.loc[empty, "reason"].astype(str) != "").all()


def test_one_row_and_a_hundred_thousand_rows_agree(toy_engine):
    frame = pd.DataFrame([{"city": f"C{i}", "year": 2024, **GOOD} for i in range(1)])
    big = pd.concat([frame] * 100_000, ignore_index=True)
    big["city"] = [f"C{i}" for i in range(len(big))]
    small_result = toy_engine.score(frame)
    big_result = toy_engine.score(big)
    single = one(toy_engine)
    for output in toy_engine.outputs:
        expected = small_result.value(output.id)
        column = big_result.column(output.id).values
        assert np.all(column == expected), output.id
        assert single.value(output.id) == expected


def test_batch_and_single_paths_give_identical_statuses_and_reasons(toy_engine):
    records = [
        {"city": "A", **GOOD},
        {"city": "B", **GOOD, "households": 0},
        {"city": "C", **GOOD, "crimes": None, "population": "NR"},
        {"city": "D", **GOOD, "trips_bike": "n/a - no lanes", "no2": "3 ppm"},
        {"city": "E", **GOOD, "plan": "maybe", "T: T: T: 2C": "12"},
    ]
    batch = toy_engine.score(pd.DataFrame(records))
    for row, record in enumerate(records):
        single = toy_engine.score_one(record)
        for output in toy_engine.outputs:
            assert single.status(output.id) == batch.status(output.id, row)
            assert single.reason(output.id) == batch.reason(output.id, row)
            a, b = single.value(output.id), batch.value(output.id, row)
            assert (math.isnan(a) and math.isnan(b)) or a == b
    # Counts kept while evaluating (reported values laid over computed ones included) agree
    # with counting the final statuses, and the sparse reasons with the dense matrix.
    counted = np.bincount(batch.statuses.ravel(), minlength=len(Status))
    expected = {s.label: int(c) for s, c in zip(Status, counted, strict=True) if c}
    assert batch.status_counts() == expected
    assert expected["reported"] == 1
    assert expected["invalid"] > 0
    for i, output in enumerate(batch.outputs):
        for row in range(len(records)):
            assert batch.reason(output.id, row) == batch.notes.text(batch.reasons[i, row])


def test_consistency_check_is_a_warning_on_the_affected_rows(toy_engine):
    frame = pd.DataFrame(
        [{"city": "A", **GOOD}, {"city": "B", **GOOD, "trips_bus": 900, "trips_bike": 400}]
    )
    result = toy_engine.score(frame)
    (warning,) = result.warnings
    assert (warning.row, warning.city, warning.check) == (1, "B", "shares_above_total")
    assert warning.ids == ("T: T: T: 5C: bus", "T: T: T: 5C: bike")
    long = result.to_frame()
    flagged = long[long["warnings"].astype(str) != ""]
    assert set(flagged["city"]) == {"B"}
    assert set(flagged["data_point"]) == {"bus", "bike"}
    assert (flagged["status"] == "computed").all()


def test_duplicate_city_years_are_reported(toy_engine):
    frame = pd.DataFrame(
        [{"city": "A", "year": 2024, **GOOD}] * 2 + [{"city": "A", "year": 2023, **GOOD}]
    )
    problems = toy_engine.score(frame).problems
    assert [p.row for p in problems if p.rule == "duplicate"] == [0, 1]
    assert "rows 1, 2" in problems[0].message


def test_every_duplicate_row_is_reported_with_or_without_a_city_or_year(toy_engine):
    """Cities equal once stripped, missing cities and missing years are keys like any other."""
    frame = pd.DataFrame(
        {
            "city": ["B", " A", None, "A", "", "B", "A", "  ", "B", "A"],
            "year": [2024, None, 2023, None, 2023, 2024, 2024, 2023, 2023, 2024],
            "households": 1000,
        }
    )
    problems = toy_engine.score(frame).problems
    found = [(p.row, p.message) for p in problems if p.rule == "duplicate"]
    keep = ": keep one row per city and year"
    assert found == [
        (2, f" 2023 appears in rows 3, 5, 8{keep}"),
        (4, f" 2023 appears in rows 3, 5, 8{keep}"),
        (7, f" 2023 appears in rows 3, 5, 8{keep}"),
        (6, f"A 2024 appears in rows 7, 10{keep}"),
        (9, f"A 2024 appears in rows 7, 10{keep}"),
        (1, f"A appears in rows 2, 4{keep}"),
        (3, f"A appears in rows 2, 4{keep}"),
        (0, f"B 2024 appears in rows 1, 6{keep}"),
        (5, f"B 2024 appears in rows 1, 6{keep}"),
    ]
    assert [p.row for p in problems if p.rule == "key"] == [2, 4, 7]


@pytest.mark.parametrize(
    ("years", "first"),
    [
        (np.array([2024.0, np.nan, 2024.5, 99.0, 2024.0, 1e12, np.inf]), (2, "2024.5")),
        (np.array([2024, 20245, 999, 2023], dtype=np.int64), (1, "20245")),
    ],
)
def test_a_year_column_of_numbers_reads_as_its_cells_do(toy_engine, years, first):
    """Numbers are parsed as numbers, not as objects: the same years and the same problems."""
    from u4ssc.core.inputs import prepare_frame
    from u4ssc.core.values import NoteTable

    cities = [f"C{i}" for i in range(len(years))]
    as_numbers = pd.DataFrame({"city": cities, "year": years})
    as_objects = pd.DataFrame({"city": cities, "year": years.astype(object)})
    numbers = prepare_frame(as_numbers, toy_engine.matcher, NoteTable())
    objects = prepare_frame(as_objects, toy_engine.matcher, NoteTable())
    assert np.array_equal(numbers.year, objects.year, equal_nan=True)
    assert numbers.problems == objects.problems
    row, text = first
    assert numbers.problems[0].row == row
    assert numbers.problems[0].message.startswith(f"year {text!r} is not a 4-digit year: ")


def test_unknown_column_warns_with_suggestion(toy_engine):
    result = toy_engine.score(pd.DataFrame([{"city": "A", **GOOD, "househods": 3}]))
    (problem,) = result.problems
    assert problem.severity == "warning"
    assert "did you mean 'households'" in problem.message


def test_long_layout_is_accepted(toy_engine):
    rows = [{"city": "A", "year": 2024, "item": k, "value": v} for k, v in GOOD.items()]
    rows.append({"city": "A", "year": 2024, "item": "no2", "value": "5", "unit": "ppb"})
    wide = toy_engine.score(pd.DataFrame([{"city": "A", "year": 2024, **GOOD}]))
    frame = pd.DataFrame(
        [*rows[:-1], {"city": "B", "year": 2024, "item": "no2", "value": "5", "unit": "ppb"}]
    )
    long = toy_engine.score(frame)
    assert len(long) == 2
    assert long.value("T: T: T: 1C", 0) == wide.value("T: T: T: 1C")
    assert long.value("T: T: T: 3A", 1) == pytest.approx(9.5)


def test_strict_mode_fails_on_the_first_invalid_cell(toy_engine):
    from u4ssc.core import ValidationError

    with pytest.raises(ValidationError) as caught:
        toy_engine.score(
            pd.DataFrame([{"city": "A", **GOOD}, {"city": "B", **GOOD, "crimes": "x"}]), strict=True
        )
    assert "row 2, column 'crimes'" in str(caught.value)


def test_a_data_point_is_blamed_only_on_its_own_inputs(toy_engine):
    result = one(toy_engine, trips_bike="N/A: no lanes", trips_bus=None)
    assert result.status("T: T: T: 5C: bike") is Status.NOT_APPLICABLE
    assert result.status("T: T: T: 5C: bus") is Status.NOT_REPORTED
    assert result.reason("T: T: T: 5C: bus") == "missing trips_bus"
    zero = one(toy_engine, trips=0, trips_bike="N/A: no lanes")
    assert zero.status("T: T: T: 5C: bus") is Status.ERROR
    assert zero.reason("T: T: T: 5C: bus") == "undefined: trips is 0"


@pytest.mark.parametrize(
    ("column", "raw", "message"),
    [
        ("T: T: T: 4A", "7", "expected yes or no (1 or 0), got 7"),
        ("T: T: T: 2C", "-3", "-3 is below the minimum 0"),
        ("T: T: T: 3A", "4 kg", "expected a number, got '4 kg'"),
    ],
)
def test_reported_values_are_validated_like_inputs(toy_engine, column, raw, message):
    result = one(toy_engine, **{column: raw})
    assert result.status(column) is Status.INVALID
    assert message in result.reason(column)
    (problem,) = result.problems
    assert problem.column == column


def test_reported_values_accept_their_own_unit(toy_engine):
    result = one(toy_engine, **{"T: T: T: 3A": "12 µg/m³", "T: T: T: 4A": "no"})
    assert result.value("T: T: T: 3A") == 12.0
    assert result.status("T: T: T: 4A") is Status.REPORTED
    assert result.value("T: T: T: 4A") == 0.0


def test_progress_is_reported_once_per_indicator(toy_engine):
    calls = []
    toy_engine.score(
        pd.DataFrame([{"city": "A", **GOOD}]), progress=lambda d, t: calls.append((d, t))
    )
    total = len(toy_engine.plan.steps)
    assert calls == [(i, total) for i in range(1, total + 1)]


def test_scoring_some_kpis_evaluates_only_what_they_need(toy_engine):
    result = toy_engine.score_one({"city": "A", **GOOD}, indicators=["t:t:t:6a"])
    assert [o.id for o in result.outputs] == ["T: T: T: 1C", "T: T: T: 2C", "T: T: T: 6A"]
    assert result.value("T: T: T: 6A") == pytest.approx(81.2 / 20.0)
    plan, _ = toy_engine._subset(["T: T: T: 6A"])
    assert {s.indicator.id for s in plan.steps} == {
        "online_households",
        "crime_rate",
        "online_per_crime",
    }
    whole = toy_engine.score(pd.DataFrame([{"city": "A", **GOOD}]))
    assert result.value("T: T: T: 1C") == whole.value("T: T: T: 1C")


@pytest.mark.parametrize("no2", [[20.0, np.nan, 35.0], [20.0, "NR", 35.0]])
def test_an_output_never_shares_memory_with_its_input(toy_engine, no2):
    # 3A returns its input unchanged: the output must still be its own array, whether the input
    # column is the caller's own memory (plain floats) or one the parser made (text cells).
    frame = pd.DataFrame({"city": ["A", "B", "C"], "year": [2024] * 3, "no2": no2})
    before = frame.copy()
    result = toy_engine.score(frame)
    assert result.status("T: T: T: 3A", 1) is Status.NOT_REPORTED
    result.column("T: T: T: 3A").values[:] = -1.0
    pd.testing.assert_frame_equal(frame, before)
    assert toy_engine.score(frame).value("T: T: T: 3A", 2) == 35.0


def test_out_of_bounds_cells_are_found_row_by_row_among_many(official):
    """Pandera judges only the cells the bounds comparison found: each is still reported at
    its own row with its own value, and every other cell of the column is scored."""
    item = next(i for i in official.catalogue.items.values() if i.lower == 0 and i.kind != "yes/no")
    values = np.linspace(1.0, 50.0, 2_000)
    bad = {3: -1.0, 700: -2.5, 701: -1.0, 1_999: -7.0}
    for row, value in bad.items():
        values[row] = value
    cities = [f"C{i}" for i in range(2_000)]
    frame = pd.DataFrame({"city": cities, "year": 2024, item.name: values})
    prepared, _ = official.prepare(frame, NoteTable())
    found = [p for p in prepared.problems if p.column == item.name]
    assert [(p.row, p.value) for p in found] == [(r, str(v)) for r, v in bad.items()]
    assert [p.message for p in found] == [item.violation(v) for v in bad.values()]
    column = prepared.inputs[item.name]
    assert np.flatnonzero(column.status == Status.INVALID).tolist() == list(bad)
    assert np.isnan(column.values[list(bad)]).all()
    assert np.isfinite(np.delete(column.values, list(bad))).all()
