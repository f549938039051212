"""Output bounds: declared once on the indicator, applied to computed and reported values alike,
on the batch path and for one city (issue 13.1)."""

from __future__ import annotations

import math
import types

import numpy as np
import pandas as pd
import pytest
from test_evaluate import GOOD, one

from u4ssc.core import DataItem, DataPoint, Kind, Status, hookimpl, indicator
from u4ssc.core.bounds import DETAILED
from u4ssc.core.model import unit_bounds

OVER = {"households_online": 14597.7, "households": 1000}


@pytest.mark.parametrize(
    ("unit", "bounds"),
    [
        ("%", (0.0, 100.0)),
        ("% of city GDP", (0.0, 100.0)),
        ("index 0-1", (0.0, 1.0)),
        ("index (0–1)", (0.0, 1.0)),
        ("yes/no", (0.0, 1.0)),
        ("km per 100 000 inhabitants", (0.0, math.inf)),
        ("minutes", (0.0, math.inf)),
        ("", (-math.inf, math.inf)),
    ],
)
def test_bounds_default_from_the_unit(unit, bounds):
    assert unit_bounds(unit) == bounds


def test_every_built_in_output_is_bounded_below(official):
    """No built-in KPI value can be negative, and every share has an upper bound."""
    assert len(official.outputs) == 112
    for output in official.outputs:
        lower, upper = output.bounds
        assert lower == 0.0, output.id
        if output.unit.startswith("%") and output.usual is None:
            assert upper == 100.0, output.id
        if output.usual is not None:  # a usual range lies inside the bounds
            assert lower <= output.usual[0], output.id
            assert output.usual[1] <= upper, output.id


def test_declared_bounds_and_usual_range(official):
    by_id = {o.id: o for o in official.outputs}
    assert by_id["SC: SH: SI: 2C"].bounds == (0.0, 1.0)  # Gini
    assert by_id["SC: EH: ED: 2C"].bounds == (0.0, math.inf)  # gross enrolment
    assert by_id["SC: EH: ED: 2C"].usual == (0.0, 100.0)
    assert by_id["SC: EH: ED: 3C"].bounds == (0.0, 100_000.0)  # a share per 100 000
    # A data point with its own unit has the bounds of that unit, not the KPI's.
    assert by_id["EC: ICT: PS: 1A: percent"].bounds == (0.0, 100.0)
    assert by_id["EC: ICT: PS: 1A: number"].bounds == (0.0, math.inf)


@pytest.mark.parametrize("bounds", [(5, 1), ("low", 2), (math.nan, 1), (1,)])
def test_bounds_that_are_not_a_range_are_refused(bounds):
    with pytest.raises(ValueError, match="bounds"):

        @indicator("X: X: X: 1C", name="X", unit="%", dimension="D", subdimension="S",
                   category="C", direction="higher", bounds=bounds)  # fmt: skip
        def x(a):
            return a


def test_a_share_above_100_is_invalid_naming_value_bound_and_inputs(toy_engine):
    result = one(toy_engine, **OVER)
    assert result.status("T: T: T: 1C") is Status.INVALID
    assert math.isnan(result.value("T: T: T: 1C"))
    assert result.points("T: T: T: 1C") == 0
    assert result.reason("T: T: T: 1C") == (
        "1459.77 % is above the maximum 100 %: households_online (14597.7) exceeds "
        "households (1000); check both"
    )
    # What is built on it is invalid too, and says why.
    assert result.status("T: T: T: 6A") is Status.INVALID
    assert result.reason("T: T: T: 6A").startswith("T: T: T: 1C: 1459.77 % is above")


def test_a_reported_share_above_100_is_invalid_and_listed(toy_engine):
    result = one(toy_engine, **{"T: T: T: 1C": "150"})
    assert result.status("T: T: T: 1C") is Status.INVALID
    assert result.reason("T: T: T: 1C") == (
        "reported value in column 'T: T: T: 1C': 150 is above the maximum 100 %"
    )
    assert any(p.column == "T: T: T: 1C" and "100 %" in p.message for p in result.problems)


def test_a_reported_gini_of_27_is_invalid(official):
    result = official.score_one({"city": "Aster", "SC: SH: SI: 2C": "27"})
    assert result.status("SC: SH: SI: 2C") is Status.INVALID
    assert "27 is above the maximum 1" in result.reason("SC: SH: SI: 2C")
    assert result.points("SC: SH: SI: 2C") == 0


def test_gross_enrolment_above_100_is_scored_with_a_warning(official):
    result = official.score_one(
        {"city": "Aster", "students_enrolled": 1300, "school_age_population": 1000}
    )
    assert result.status("SC: EH: ED: 2C") is Status.COMPUTED
    assert result.value("SC: EH: ED: 2C") == pytest.approx(130.0)
    assert result.points("SC: EH: ED: 2C") == 4
    row = result.to_frame().set_index("code").loc["SC: EH: ED: 2C"]
    assert "outside its usual range, 0 to 100 %" in row["warnings"]
    within = official.score_one(
        {"city": "Aster", "students_enrolled": 900, "school_age_population": 1000}
    )
    assert within.to_frame().set_index("code").loc["SC: EH: ED: 2C", "warnings"] == ""


def test_batch_and_one_city_agree_on_bounds(toy_engine):
    rows = [
        {"city": "A", **GOOD},
        {"city": "B", **GOOD, **OVER},
        {"city": "C", **GOOD, "T: T: T: 1C": 150},
        {"city": "D", **GOOD, "trips_bus": 5000},
    ]
    batch = toy_engine.score(pd.DataFrame(rows))
    for i, row in enumerate(rows):
        single = toy_engine.score_one(row)
        for output in toy_engine.outputs:
            assert batch.status(output.id, i) == single.status(output.id), (i, output.id)
            assert batch.reason(output.id, i) == single.reason(output.id), (i, output.id)
    assert batch.status("T: T: T: 5C: bus", 3) is Status.INVALID
    assert batch.status("T: T: T: 5C: bike", 3) is Status.COMPUTED


def test_many_out_of_bounds_rows_share_reasons_without_their_numbers(toy_engine):
    n = DETAILED + 50
    frame = pd.DataFrame(
        {
            "city": [f"C{i}" for i in range(n)],
            "households_online": np.linspace(1001, 2000, n),
            "households": 1000.0,
        }
    )
    result = toy_engine.score(frame)
    assert (result.statuses[result.outputs.index(_output(toy_engine, "T: T: T: 1C"))] == 4).all()
    first, last = result.reason("T: T: T: 1C", 0), result.reason("T: T: T: 1C", n - 1)
    assert first.startswith("100.1 % is above the maximum 100 %: households_online (1001)")
    assert last == (
        "the value is above the maximum 100 %: households_online exceeds households; check both"
    )


def _output(engine, output_id):
    return next(o for o in engine.outputs if o.id == output_id)


def test_a_value_that_may_be_negative_declares_open_bounds(build):
    plugin = types.ModuleType("signed")
    change = DataItem("change", "Change", "%", Kind.MEASURE, "A change.", minimum=-100.0)

    @indicator("S: S: S: 1C", name="Change", unit="% change", dimension="D", subdimension="S",
               category="C", direction="higher", bounds=(None, None))  # fmt: skip
    def growth(change):
        return change

    @indicator("S: S: S: 2C", name="Level", unit="points", dimension="D", subdimension="S",
               category="C", direction="higher",
               points=(DataPoint("a", "A", bounds=(-5, 5)),))  # fmt: skip
    def level(change):
        return {"a": change}

    plugin.u4ssc_data_items = hookimpl(lambda: [change])
    plugin.u4ssc_indicators = hookimpl(lambda: [growth, level])
    engine = build(signed=plugin)
    result = engine.score_one({"city": "A", "change": -20})
    assert result.status("S: S: S: 1C") is Status.COMPUTED
    assert result.value("S: S: S: 1C") == -20
    assert result.status("S: S: S: 2C: a") is Status.INVALID
    assert result.reason("S: S: S: 2C: a") == (
        "-20 points is below the minimum -5 points: computed from change (-20); check them"
    )


def test_the_message_docs_plugins_md_shows(official):
    result = official.score_one(
        {"city": "Aster", "households_with_internet": 14597.7, "households": 1000}
    )
    assert result.reason("EC: ICT: ICT: 1C") == (
        "1459.77 % is above the maximum 100 %: households_with_internet (14597.7) exceeds "
        "households (1000); check both"
    )
    assert result.points("EC: ICT: ICT: 1C") == 0


# -- targets: impossible ones refused, and no scored value left blank (issue 13.3) ---------------


def test_a_hand_built_target_set_with_an_impossible_target_is_refused(toy_engine):
    from u4ssc.core import ConfigurationError, Target, TargetSet

    targets = TargetSet({"T: T: T: 1C": Target("T: T: T: 1C", 0.0, "higher")}, ["mine"])
    with pytest.raises(ConfigurationError, match=r"'mine'.*T: T: T: 1C.*a target of 0 %"):
        toy_engine.score_one({"city": "A", **GOOD}, targets=targets)


@pytest.mark.parametrize(
    ("value", "direction", "refused"),
    [
        (0.0, "higher", True),
        (-50.0, "lower", True),
        (0.0, "approach", True),
        (1e-9, "lower", False),
        (0.0, "yes/no", False),
        (1.0, "yes/no", False),
        (2.0, "yes/no", True),
        (100.0, "higher", False),
        (100.5, "higher", True),
        (None, "higher", False),
        (0.0, "none", False),
    ],
)
def test_target_problem(value, direction, refused):
    from u4ssc.core.targets import target_problem

    upper = 1.0 if direction == "yes/no" else 100.0
    assert (target_problem(value, direction, 0.0, upper, "%") is not None) is refused


def test_a_percent_of_target_that_overflows_is_still_scored(official, tmp_path):
    """A value 1e300 times its target: % of target is the largest float, 4 points, not a blank."""
    targets = tmp_path / "t.csv"
    targets.write_text("code,target\nEC: ICT: ICT: 3C,0.5\nSC: SH: SA: 9C,1e300\n")
    result = official.score_one(
        {
            "city": "A",
            "wireless_broadband_subscription_count": 1.7e308,
            "population": 100_000,
            "road_traffic_deaths": 1e-300,
        },
        targets=targets,
    )
    for code in ("EC: ICT: ICT: 3C", "SC: SH: SA: 9C"):
        assert result.status(code) is Status.COMPUTED
        assert math.isfinite(result.pct_of_target(code))
        assert result.points(code) == 4


# -- indicator tables declare bounds in their minimum and maximum columns --------------------------


def _table_engine(tmp_path, rows: str):
    from u4ssc.core import Engine

    table = tmp_path / "local.csv"
    table.write_text("code,name,unit,direction,minimum,maximum,formula\n" + rows)
    return Engine.load(indicator_tables=[table], entry_points=False, plugins=[("toy", _toy())])


def _toy():
    import toy

    return toy


def test_a_table_row_takes_its_bounds_from_minimum_and_maximum(tmp_path):
    engine = _table_engine(
        tmp_path,
        "L: L: 1,Growth,% per year,higher,none,,households_online / households * 100 - 100\n"
        "L: L: 2,Share,%,higher,,,households_online / households * 100 - 100\n"
        "L: L: 3,Capped,things,higher,,50,households_online\n",
    )
    result = engine.score_one({"city": "A", **GOOD})
    assert result.status("L: L: 1") is Status.COMPUTED
    assert result.value("L: L: 1") == pytest.approx(-18.8)
    assert result.status("L: L: 2") is Status.INVALID
    assert "is below the minimum 0 %" in result.reason("L: L: 2")
    assert result.status("L: L: 3") is Status.INVALID
    assert "812 things is above the maximum 50 things" in result.reason("L: L: 3")


def test_a_table_bound_that_is_not_a_number_names_row_and_column(tmp_path):
    from u4ssc.core import FormulaError

    with pytest.raises(FormulaError, match=r"row 2, column 'minimum'.*'lots' is not a number"):
        _table_engine(tmp_path, "L: L: 1,Share,%,higher,lots,,households\n")
    with pytest.raises(FormulaError, match=r"row 2, column 'maximum'.*below the minimum 5"):
        _table_engine(tmp_path, "L: L: 1,Share,%,higher,5,1,households\n")


def test_explain_shows_the_valid_and_usual_range(official):
    from u4ssc.core.listing import explain_text

    assert "valid:        ≥ 0 (usually 0 to 100)" in explain_text(official, "SC: EH: ED: 2C")
    assert "valid:        0 to 1\n" in explain_text(official, "SC: SH: SI: 2C")
    both = explain_text(official, "EC: ICT: PS: 1A")
    assert "    EC: ICT: PS: 1A: percent  0 to 100" in both
    assert "    EC: ICT: PS: 1A: number  ≥ 0" in both
