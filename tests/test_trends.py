"""Progress over time (Result.trends) and coverage you can act on (Result.coverage)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import progress
import pytest

from u4ssc.core import ConfigurationError, Engine

YEARS = [
    {
        "city": "A",
        "year": 2020,
        "up": 40,
        "down": 20,
        "ratio": 0.8,
        "free": 5,
        "a": 1,
        "b": 2,
        "c": 3,
    },
    {"city": "A", "year": 2021, "up": 44, "down": 18, "ratio": 0.9, "free": 4, "a": 1, "b": 2},
    {"city": "A", "year": 2022, "up": 48, "down": 19, "ratio": 1.15, "free": 4, "a": 1},
    {"city": "B", "year": 2022, "up": 70, "down": 5},
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(plugins=[("progress", progress)], entry_points=False)


@pytest.fixture(scope="module")
def result(engine):
    # Input order is not year order: trends sort each city's years themselves.
    return engine.score(pd.DataFrame([YEARS[2], YEARS[3], YEARS[0], YEARS[1]]))


def rows_of(result, city, code):
    return {
        r["year"]: r for r in result.trends().records() if r["city"] == city and r["code"] == code
    }


def test_three_years_higher_is_better(result):
    got = rows_of(result, "A", "P: 1")
    assert got[2020]["progress"] == "first year"
    assert got[2020]["change"] is None
    assert got[2021]["change"] == 4
    assert got[2021]["previous_year"] == 2020
    assert got[2022]["change_since_first"] == 8
    assert got[2022]["first_year"] == 2020
    assert got[2022]["movement"] == "towards"
    assert got[2022]["progress"] == "improving"
    # 48 towards 60 at 4 a year: 3 more years.
    assert got[2022]["year_to_target"] == 2025
    assert got[2021]["year_to_target"] == 2025  # 44 towards 60 at 4 a year: 4 more years


def test_lower_is_better_moves_the_right_way(result):
    got = rows_of(result, "A", "P: 2")
    assert got[2021]["change"] == -2
    assert (got[2021]["movement"], got[2021]["progress"]) == ("towards", "improving")
    assert got[2021]["year_to_target"] == 2025  # 18 down to 10 at 2 a year
    assert got[2022]["change"] == 1
    assert (got[2022]["movement"], got[2022]["progress"]) == ("away", "worsening")
    assert got[2022]["year_to_target"] is None
    assert "lower is better" in got[2022]["reason"]


def test_approach_from_both_sides(result):
    got = rows_of(result, "A", "P: 3")
    assert got[2021]["movement"] == "towards"
    assert got[2021]["year_to_target"] == 2022
    # 0.9 to 1.15 overshoots: 0.15 from the target is further than 0.1.
    assert got[2022]["movement"] == "away"
    assert got[2022]["progress"] == "worsening"


def test_no_target_is_judged_by_direction_and_stable_is_stable(result):
    got = rows_of(result, "A", "P: 4")
    assert got[2021]["progress"] == "worsening"
    assert "no target" in got[2021]["reason"]
    assert got[2021]["movement"] == ""
    assert got[2021]["year_to_target"] is None
    assert got[2022]["progress"] == "stable"


def test_a_missing_value_is_not_comparable(result):
    got = rows_of(result, "A", "P: 5")
    assert got[2022]["progress"] == "not comparable"
    assert got[2022]["reason"] == "no value this year (not reported)"
    assert got[2022]["change"] is None
    assert got[2021]["progress"] == "stable"


def test_one_year_only_says_so(result):
    got = rows_of(result, "B", "P: 1")
    assert list(got) == [2022]
    assert got[2022]["progress"] == "one year only"
    assert "one year only" in got[2022]["reason"]


def test_target_met(engine):
    frame = pd.DataFrame(
        [{"city": "C", "year": 2020, "up": 50}, {"city": "C", "year": 2021, "up": 61}]
    )
    got = {r["year"]: r for r in engine.score(frame).trends().records() if r["code"] == "P: 1"}
    assert got[2021]["progress"] == "target met"
    assert got[2021]["year_to_target"] is None


def test_frame_matches_records_and_latest_keeps_each_city_last_year(result):
    trends = result.trends()
    frame = trends.to_frame()
    records = trends.records()
    assert len(frame) == len(records) == len(result) * len(result.outputs)
    assert frame["progress"].astype(str).tolist() == [r["progress"] for r in records]
    latest = trends.to_frame(latest=True)
    assert sorted(set(zip(latest["city"], latest["year"], strict=True))) == [
        ("A", 2022),
        ("B", 2022),
    ]
    assert not frame.isin([math.inf, -math.inf]).any().any()


def test_duplicate_and_yearless_rows_are_not_comparable(engine):
    frame = pd.DataFrame(
        [
            {"city": "D", "year": 2020, "up": 1},
            {"city": "D", "year": 2020, "up": 2},
            {"city": "D", "year": None, "up": 3},
        ]
    )
    got = [r for r in engine.score(frame).trends().records() if r["code"] == "P: 1"]
    assert [r["progress"] for r in got] == ["not comparable"] * 3
    assert "more than once" in got[0]["reason"]
    assert got[2]["reason"] == "the row has no year"


def test_stable_threshold_is_checked(result):
    with pytest.raises(ConfigurationError):
        result.trends(stable_pct=-1)
    # At 20 %, 44 after 40 (10 %) is stable.
    got = {r["year"]: r for r in result.trends(stable_pct=20).records() if r["code"] == "P: 1"}
    assert got[2021]["progress"] == "stable"
    assert got[2021]["movement"] == "none"


# -- coverage -------------------------------------------------------------------------------------


def test_coverage_counts_why_each_kpi_is_not_scored(result):
    kpis = {r["code"]: r for r in result.coverage().kpi_records()}
    assert (kpis["P: 5"]["scored"], kpis["P: 5"]["not_reported"]) == (2, 2)
    assert kpis["P: 5"]["several_missing"] == 1  # B 2022 misses a and b
    assert kpis["P: 5"]["missing_inputs"] == "b (2); a (1)"
    assert (kpis["P: 4"]["no_benchmark"], kpis["P: 4"]["target_kind"]) == (3, "none")
    assert kpis["P: 6"]["missing_inputs"] == "c (3); b (2); a (1)"
    assert kpis["P: 1"]["coverage_pct"] == 100


def test_coverage_gains_count_values_with_one_missing_input(result):
    coverage = result.coverage()
    gains = {(r["city"], r["year"], r["input"]): r for r in coverage.gain_records()}
    # A 2021 misses only c: it alone gains P: 6 and P: 7 (P: 7 has a target, so is scored).
    assert gains[("A", 2021, "c")]["gains"] == 2
    assert gains[("A", 2021, "c")]["gains_scored"] == 1
    assert gains[("A", 2021, "c")]["values_gained"] == "P: 6; P: 7"
    # A 2022 misses b and c: b alone gains P: 5; P: 6 needs both, so is shared by each.
    assert (gains[("A", 2022, "b")]["gains"], gains[("A", 2022, "b")]["shared"]) == (1, 1)
    assert (gains[("A", 2022, "c")]["gains"], gains[("A", 2022, "c")]["shared"]) == (1, 1)
    # B 2022 misses a, b and c: a gains nothing alone.
    assert (gains[("B", 2022, "a")]["gains"], gains[("B", 2022, "a")]["shared"]) == (0, 2)
    inputs = {r["input"]: r for r in coverage.input_records()}
    assert coverage.input_records()[0]["input"] == "c"  # missing most often
    assert (inputs["c"]["rows_missing"], inputs["c"]["cities_missing"]) == (3, 2)
    assert (inputs["c"]["gains"], inputs["c"]["blocked"]) == (4, 6)
    assert inputs["up"]["rows_missing"] == 0


def test_coverage_frames_have_their_columns(result):
    from u4ssc.core.coverage import GAIN_COLUMNS, INPUT_COLUMNS, KPI_COVERAGE_COLUMNS

    coverage = result.coverage()
    for table, columns in (
        ("kpi", KPI_COVERAGE_COLUMNS),
        ("input", INPUT_COLUMNS),
        ("gain", GAIN_COLUMNS),
    ):
        assert tuple(coverage.frame(table).columns) == columns
    assert np.array_equal(coverage.gains.sum(), 4 + 1 + 1 + 1)


def test_a_gap_of_two_years_halves_the_pace(engine):
    frame = pd.DataFrame(
        [{"city": "G", "year": 2020, "up": 40}, {"city": "G", "year": 2022, "up": 44}]
    )
    got = {r["year"]: r for r in engine.score(frame).trends().records() if r["code"] == "P: 1"}
    assert got[2022]["change"] == 4
    assert got[2022]["change_per_year"] == 2
    assert got[2022]["year_to_target"] == 2030  # 16 to go at 2 a year
