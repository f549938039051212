"""The worksheet functions, called directly with what Excel hands them: lists of rows, None for
empty cells, error values as text. They must agree with the engine and never show a traceback."""

from __future__ import annotations

import itertools
import math

import pytest
from excel_cases import as_range, city

pytest.importorskip("xlwings")

from u4ssc.core import Status, default_engine
from u4ssc.core.scoring import PCT_DECIMALS
from u4ssc.excel_addin import udfs

EXAMPLE = __import__("pathlib").Path(__file__).parents[2] / "examples" / "cities.csv"

ALL = [
    udfs.u4ssc_kpi,
    udfs.u4ssc_score,
    udfs.u4ssc_rollup,
    udfs.u4ssc_points,
    udfs.u4ssc_band,
    udfs.u4ssc_indicators,
    udfs.u4ssc_inputs,
    udfs.u4ssc_explain,
    udfs.u4ssc_version,
]


@pytest.fixture(scope="module")
def engine():
    return default_engine()


@pytest.mark.parametrize(
    "key", [("Dunmere", 2023), ("Brindle Bay", 2022), ("Corvale", 2023), ("Aster", 2024)]
)
def test_kpi_gives_the_engine_value_or_the_status_with_its_reason(engine, key):
    record = city(*key)
    expected = engine.score_one(record)
    for output in engine.outputs:
        got = udfs.u4ssc_kpi(output.id, as_range(record))
        status = expected.status(output.id)
        if status <= Status.REPORTED:
            assert got == expected.value(output.id), output.id
        else:
            short = {Status.NOT_REPORTED: "NR", Status.NOT_APPLICABLE: "N/A"}[status]
            assert got == f"{short}: {expected.reason(output.id)}".rstrip(": "), output.id


def test_kpi_status_texts_name_the_missing_input_and_the_not_applicable_reason():
    dunmere = as_range(city("Dunmere", 2023))
    assert udfs.u4ssc_kpi("EC: ICT: D: 1A", dunmere) == "NR: missing drainage_length_ict_monitored"
    brindle = as_range(city("Brindle Bay", 2022))
    para = "EC: I: T: 4A: para_transport"
    assert udfs.u4ssc_kpi(para, brindle) == (
        "N/A: commuters_para_transport is not applicable: no para-transport services"
    )
    assert udfs.u4ssc_kpi("ec:ict:ict:1c", as_range(city("Corvale", 2023))) == 71.6


@pytest.mark.parametrize(
    ("households", "expected"),
    [
        (None, "NR: missing households"),
        ("", "NR: missing households"),
        ("NR", "NR: missing households"),
        ("#N/A", "NR: missing households"),
        ("#DIV/0!", "invalid: households: Excel error #DIV/0!: fix the formula or type the value"),
        ("many", "invalid: households: expected a number, got 'many'"),
        (-5.0, "invalid: households: -5 is below the minimum 0 households"),
        (True, "invalid: households: expected a number, got 'TRUE'"),
        (0.0, "error: undefined: households is 0"),
        ("1 000", 50.0),
    ],
)
def test_empty_text_and_error_cells_show_what_is_wrong(households, expected):
    inputs = [["households_with_internet", 500.0], ["households", households]]
    assert udfs.u4ssc_kpi("EC: ICT: ICT: 1C", inputs) == expected


@pytest.mark.parametrize(
    ("code", "inputs", "message"),
    [
        ("EC: ICT: ICT: 1C", [[1.0, 2.0, 3.0]], "inputs: expected two columns"),
        ("EC: ICT: ICT: 1C", [["househods", 5.0]], "did you mean 'households'"),
        ("EC: ICT: ICT: 1C", [["households", 5.0], ["Households", 6.0]], "given twice"),
        ("EC: ICT: ICT: 4C", [["population", 5.0]], "name one, e.g. 'EC: ICT: ICT: 4C: 3G'"),
        ("EC: ICT: ICT: 9C", [["population", 5.0]], "unknown indicator 'EC: ICT: ICT: 9C'"),
        ("#N/A", [["population", 5.0]], "code is the Excel error #N/A"),
        (None, [["population", 5.0]], "code is empty"),
        ([["a", "b"]], [["population", 5.0]], "code: give one cell"),
    ],
)
def test_wrong_arguments_give_one_line_messages(code, inputs, message):
    got = udfs.u4ssc_kpi(code, inputs)
    assert isinstance(got, str)
    assert got.startswith("u4ssc: ")
    assert message in got
    assert "\n" not in got


def test_score_spills_every_kpi_value_with_target_points_and_band(engine):
    record = city("Aster", 2022)
    rows = udfs.u4ssc_score(as_range(record))
    header, body = rows[0], rows[1:]
    assert header == list(udfs.SCORE_COLUMNS)
    assert [r[0] for r in body] == [o.id for o in engine.outputs]
    expected = engine.score_one(record)
    for row in body:
        found = dict(zip(header, row, strict=True))
        output_id = found["id"]
        assert found["status"] == expected.status(output_id).label
        points = expected.points(output_id)
        assert found["points"] == (points or "")
        if points:
            assert found["band"] == engine.bands.band(points)
            assert math.isclose(
                found["pct_of_target"], round(expected.pct_of_target(output_id), PCT_DECIMALS)
            )  # tables show it to 2 decimals; the points come from the exact value
    assert all(isinstance(c, (str, float, bool)) for row in rows for c in row)


def test_a_targets_range_is_laid_over_the_default_targets():
    inputs = as_range(city("Aster", 2022))
    default = {r[0]: r for r in udfs.u4ssc_score(inputs)[1:]}
    mine = {r[0]: r for r in udfs.u4ssc_score(inputs, [["EC: ICT: WS: 2A", 25.0]])[1:]}
    assert default["EC: ICT: WS: 2A"][-1] == "no benchmark"
    assert mine["EC: ICT: WS: 2A"][6] == 25.0
    assert mine["EC: ICT: WS: 2A"][-1] == "≥95 %"  # 24.97 of 25
    bad = udfs.u4ssc_score(inputs, [["EC: ICT: XX", 25.0]])
    assert bad.startswith("u4ssc: target set 'Excel range': 'EC: ICT: XX' is not a KPI code")


@pytest.mark.parametrize("level", ["category", "subdimension", "dimension", "overall"])
def test_rollups_match_the_engine(engine, level):
    record = city("Brindle Bay", 2023)
    rows = udfs.u4ssc_rollup(as_range(record), level)
    expected = engine.score_one(record).rollup_records(level)
    assert len(rows) == len(expected) + 1
    for row, exp in zip(rows[1:], expected, strict=True):
        found = dict(zip(rows[0], row, strict=True))
        assert found["points"] == exp["points"]
        assert found["band"] == exp["band"]
        assert found["coverage_pct"] == exp["coverage_pct"]
    core = udfs.u4ssc_rollup(as_range(record), level, "core")
    assert core != rows
    assert udfs.u4ssc_rollup(as_range(record), "city").startswith("u4ssc: unknown roll-up level")


def test_points_and_band_come_from_the_engine_scoring(engine):
    # Fixed broadband: official target 60 %; the printed cut-offs are 57.0 / 39.6 / 19.8 %.
    cases = [(57.0, 4), (56.9, 3), (39.6, 3), (39.5, 2), (19.8, 2), (19.7, 1), ("60 %", 4)]
    for value, points in cases:
        assert udfs.u4ssc_points("EC: ICT: ICT: 2C", value) == points
        assert udfs.u4ssc_band("EC: ICT: ICT: 2C", value) == engine.bands.band(points)
    assert udfs.u4ssc_points("EC: ICT: ICT: 2C", 30.0, 30.0) == 4
    assert udfs.u4ssc_points("SC: SH: SI: 1C", 1.25) == 3  # approach 1: 0.8 of the target
    assert udfs.u4ssc_band("EC: I: UP: 2A: compact", "no") == "<33 %"


def test_points_without_a_benchmark_or_a_number_say_why():
    assert udfs.u4ssc_points("EC: ICT: ICT: 5C", 300.0) == "no benchmark: give a target"
    assert udfs.u4ssc_points("EC: ICT: ICT: 5C", 300.0, 400.0) == 3
    assert udfs.u4ssc_points("EC: ICT: ICT: 2C", None) == "NR"
    assert udfs.u4ssc_points("EC: ICT: ICT: 2C", "NR") == "NR"
    assert udfs.u4ssc_points("EC: ICT: ICT: 2C", "N/A: no network") == "N/A: no network"
    assert udfs.u4ssc_points("EC: ICT: ICT: 2C", "lots").startswith("invalid: ")
    assert udfs.u4ssc_points("EC: ICT: ICT: 2C", 3.0, "x") == (
        "u4ssc: target: expected a number, got 'x'"
    )
    assert udfs.u4ssc_points("EC: ICT: ICT: 2C", [[1.0], [2.0]]).startswith(
        "u4ssc: value: give one cell"
    )


def test_the_catalogue_spills_and_filters_by_dimension_and_tier(engine):
    everything = udfs.u4ssc_indicators()
    assert everything[0] == list(udfs.INDICATOR_COLUMNS)
    assert len(everything) - 1 == len(engine.catalogue.indicators)
    core_ec = udfs.u4ssc_indicators("EC", "core")
    assert {r[2] for r in core_ec[1:]} == {"Economy"}
    assert {r[5] for r in core_ec[1:]} == {"core"}
    assert udfs.u4ssc_indicators("Environment")[1][0].startswith("EN:")
    assert "EC: ICT: ICT: 4C" in [r[0] for r in core_ec]
    assert udfs.u4ssc_indicators("XX") == "u4ssc: no KPI is in dimension 'XX'"
    assert udfs.u4ssc_indicators(None, "gold") == "u4ssc: tier: 'gold' is not core or advanced"


def test_the_input_list_filters_to_the_items_the_chosen_kpis_use(engine):
    everything = udfs.u4ssc_inputs()
    assert len(everything) - 1 == len(engine.catalogue.items)
    environment = udfs.u4ssc_inputs("EN")
    assert 1 < len(environment) < len(everything)
    names = {r[0] for r in environment[1:]}
    assert {"pm25_annual_mean", "population"} <= names
    assert "households_with_internet" not in names
    population = next(r for r in everything if r[0] == "population")
    assert population[5] == ""  # no maximum: an empty cell, not infinity


def test_explain_spills_the_definition_formula_and_target():
    lines = udfs.u4ssc_explain("EC: ICT: ICT: 2C")
    assert lines[0] == "EC: ICT: ICT: 2C  Fixed Broadband Subscriptions"
    text = "\n".join(lines)
    assert "percent(fixed_broadband_subscription_count, households)" in text
    assert "target 60 %" in text
    assert udfs.u4ssc_explain("EC: XX").startswith("u4ssc: unknown indicator")


def test_version_names_the_package():
    import u4ssc

    assert udfs.u4ssc_version() == f"u4ssc {u4ssc.__version__}"


def test_one_engine_per_session_and_one_score_per_recalculation(monkeypatch):
    assert udfs.engine() is udfs.engine() is default_engine()
    calls = []
    original = udfs.engine().score_one

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    udfs._scored.clear()
    monkeypatch.setattr(udfs.engine(), "score_one", counting)
    inputs = as_range(city("Aster", 2023))
    for output in udfs.engine().outputs:
        udfs.u4ssc_kpi(output.id, inputs)
    assert len(calls) == 1
    changed = [list(row) for row in inputs]
    changed[2][1] = 1.0  # one input edited: scored again, once
    udfs.u4ssc_kpi("EC: ICT: ICT: 1C", changed)
    udfs.u4ssc_kpi("EC: ICT: ICT: 2C", changed)
    assert len(calls) == 2


GARBAGE = [None, "", "#N/A", "#VALUE!", True, 5.0, "text", [[1.0, 2.0, 3.0]], [["a"]], []]


def test_no_argument_ever_shows_a_traceback():
    for function in ALL:
        count = function.__wrapped__.__code__.co_argcount
        for args in itertools.product(GARBAGE, repeat=min(count, 2)):
            got = function(*args, *([None] * (count - len(args))))
            texts = [got] if isinstance(got, str) else [c for r in got for c in r]
            assert not any("Traceback" in str(t) for t in texts)
            if isinstance(got, str) and got.startswith("u4ssc: "):
                assert "\n" not in got


def test_a_bug_still_shows_one_line(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(udfs, "_score", broken)
    got = udfs.u4ssc_kpi("EC: ICT: ICT: 1C", [["households", 1.0]])
    assert got == "u4ssc: internal error (ZeroDivisionError: oops); please report it"


def test_a_peer_file_gives_peer_targets_as_the_engine_does(engine, tmp_path):
    import pandas as pd

    from u4ssc.core.peers import PeerRule

    example = pd.read_csv(EXAMPLE)
    peers = pd.concat(
        [example.assign(city=example["city"] + f" {i}") for i in range(3)], ignore_index=True
    )  # 12 cities, 3 years each
    path = tmp_path / "peers.csv"
    peers.to_csv(path, index=False)
    record = city("Aster", 2022)
    rows = udfs.u4ssc_score(as_range(record), None, str(path))
    header = rows[0]
    found = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    expected = engine.score_one(record, peers=PeerRule(file=path))
    assert found["EC: ICT: WS: 2A"]["target_kind"] == "peer"
    assert "of 12 cities" in found["EC: ICT: WS: 2A"]["target_source"]
    for output in engine.outputs:
        assert found[output.id]["points"] == (expected.points(output.id) or ""), output.id
    rollup = udfs.u4ssc_rollup(as_range(record), "overall", "all", None, str(path))
    assert rollup[1][rollup[0].index("pct")] == expected.rollup_records("overall")[0]["pct"]
    missing = udfs.u4ssc_score(as_range(record), None, str(tmp_path / "none.csv"))
    assert missing.startswith("u4ssc: peers: ")


@pytest.mark.parametrize("typed", ["NaN", "nan", " -NaN "])
def test_nan_typed_in_an_input_cell_is_said_in_the_kpi_cell(typed):
    """Issue 13, item 5 in the Excel functions: NaN reads as not reported, and the cell says so
    as ``validate`` does (a NaN is usually a failed calculation)."""
    inputs = [["households", 1000.0], ["households_with_internet", typed]]
    got = udfs.u4ssc_kpi("EC: ICT: ICT: 1C", inputs)
    assert got.startswith("NR: missing households_with_internet; households_with_internet: ")
    assert "NaN is not a value" in got
    assert "leave the cell empty (or type NR)" in got
    rows = udfs.u4ssc_score(inputs)
    reason = dict(zip(rows[0], rows[1], strict=True))["reason"]
    assert reason == got.removeprefix("NR: ")
    # A value that does not need the NaN input says nothing of it.
    assert udfs.u4ssc_kpi("EN: EN: AQ: 1C: PM10", inputs) == "NR: missing pm10_annual_mean"


@pytest.mark.parametrize("year", ["twenty", "2020.5", "1e20"])
def test_a_bad_year_breaks_every_value_in_the_excel_functions(year):
    """Issue 13, item 7 in the Excel functions: the year typed is echoed, and no value of the
    city-year is scored until it is fixed."""
    inputs = [["year", year], ["households", 1000.0], ["households_with_internet", 800.0]]
    got = udfs.u4ssc_kpi("EC: ICT: ICT: 1C", inputs)
    assert got.startswith(f"invalid: year {year!r} is not a 4-digit year")
    assert "type the year as four digits" in got
    rows = udfs.u4ssc_score(inputs)
    statuses = {dict(zip(rows[0], r, strict=True))["status"] for r in rows[1:]}
    assert statuses == {"invalid"}
