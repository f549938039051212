"""Indicators without Python: tables of formulas behave exactly like Python plugins.

The same formulas written as a table and as Python give the same values, statuses, targets and
points; broken tables are reported row by row, all at once, with the column and a fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import brindle_bay_kpis
import pandas as pd
import pytest
import toy
from click.testing import CliRunner
from conftest import RESOURCES, load_script

from u4ssc.cli import cli
from u4ssc.core import DataError, Engine, FormulaError, data_items_in, hookimpl
from u4ssc.core.indicator_tables import read_indicator_table

ROOT = Path(__file__).resolve().parents[1]
CITIES = ROOT / "examples" / "cities.csv"
TABLES = RESOURCES / "tables"
BRINDLE_DATA = ROOT / "examples" / "brindle-bay-kpis" / "data" / "brindle_bay.csv"
HEADER = "code,name,unit,direction,target,formula\n"


class BrindleBayItems:
    """Only the data items of the Brindle Bay package: its indicators come from a table."""

    @hookimpl
    def u4ssc_data_items(self):
        return data_items_in(brindle_bay_kpis.inputs)


def frame_of(engine: Engine, data: Path, codes: list[str]) -> pd.DataFrame:
    rows = engine.score(data).to_frame()
    rows = rows[rows.code.isin(codes)].drop(columns=["name", "unit"])
    return rows.sort_values(["city", "year", "code"]).reset_index(drop=True)


def write(tmp_path: Path, text: str, name: str = "local.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, **load: object) -> list:
    with pytest.raises(FormulaError) as caught:
        Engine.load(indicator_tables=[path], plugins=[("toy", toy)], entry_points=False, **load)
    return caught.value.problems


# -- same values as Python -------------------------------------------------------------------------


def test_table_gives_the_same_values_as_the_official_python_formulas(official):
    table = Engine.load(indicator_tables=[TABLES / "official_formulas.csv"])
    codes = [row.code for row in table.plugins[-1].plugin.rows]
    assert len(codes) == 8
    assert {r.code for r in table.catalogue.replacements} == set(codes)
    python, tabled = frame_of(official, CITIES, codes), frame_of(table, CITIES, codes)
    assert len(python) == 8 * 12
    pd.testing.assert_frame_equal(python, tabled)
    assert (tabled.status == "computed").sum() >= 90  # the comparison is not of empty values
    assert "reported" in set(tabled.status)  # Corvale 2023 reports household Internet access


def test_table_gives_the_same_results_as_the_example_city_package():
    python = Engine.load(plugins=[("brindle_bay", brindle_bay_kpis)])
    tabled = Engine.load(
        plugins=[("brindle_bay_items", BrindleBayItems())],
        indicator_tables=[TABLES / "brindle_bay.csv"],
    )
    codes = ["BB: COAST: 1", "BB: COAST: 2", "BB: MOB: 1", "EN: EN: WS: 2C"]
    expected, got = frame_of(python, BRINDLE_DATA, codes), frame_of(tabled, BRINDLE_DATA, codes)
    pd.testing.assert_frame_equal(expected, got)
    assert set(got.target_kind) == {"local", ""}  # the water formula has no target
    assert got.points.notna().sum() == 8
    for code in codes:
        a, b = python.catalogue.find_indicator(code), tabled.catalogue.find_indicator(code)
        assert (a.inputs, a.dimension, a.tier, a.direction, a.sdg) == (
            b.inputs,
            b.dimension,
            b.tier,
            b.direction,
            b.sdg,
        )
    assert tabled.manifest()["replacements"] == [
        {
            "code": "EN: EN: WS: 2C",
            "plugin": "brindle_bay",
            "replaces_plugin": "environment",
            "replaces": "water_consumption",
        }
    ]


def test_excel_sheet_reads_like_the_csv(tmp_path):
    book = tmp_path / "brindle_bay.xlsx"
    table = pd.read_csv(TABLES / "brindle_bay.csv", dtype=str, keep_default_na=False)
    with pd.ExcelWriter(book) as writer:
        notes = pd.DataFrame({"note": ["the indicators are on the next sheet"]})
        notes.to_excel(writer, sheet_name="Notes")
        table.to_excel(writer, sheet_name="Local KPIs", index=False)
    items = [("brindle_bay_items", BrindleBayItems())]
    from_csv = Engine.load(plugins=items, indicator_tables=[TABLES / "brindle_bay.csv"])
    from_excel = Engine.load(plugins=items, indicator_tables=[f"{book}#Local KPIs"])
    assert ("brindle_bay", "table") in {(p.name, p.version) for p in from_excel.plugins}
    codes = ["BB: COAST: 1", "BB: COAST: 2", "BB: MOB: 1", "EN: EN: WS: 2C"]
    pd.testing.assert_frame_equal(
        frame_of(from_csv, BRINDLE_DATA, codes), frame_of(from_excel, BRINDLE_DATA, codes)
    )
    with pytest.raises(FormulaError, match="the column 'code' is missing"):
        read_indicator_table(book)  # the first sheet holds notes, not indicators


def test_rows_can_use_each_other_and_official_indicators_by_id(official, tmp_path):
    path = write(
        tmp_path,
        HEADER + "L: 2,Internet gap,points,lower,,100 - internet_at_home\n"
        "L: 1,Internet at home,%,higher,90,"
        '"where(households > 0, min(households_with_internet / households * 100, 100), 0)"\n'
        "L: 3,Gap to official,points,none,,abs(internet_at_home - household_internet_access)\n",
    )
    engine = Engine.load(indicator_tables=[path])
    one = engine.score_one({"city": "A", "households": 200, "households_with_internet": 150})
    assert one.value("L: 1") == pytest.approx(75.0)
    assert one.value("L: 2") == pytest.approx(25.0)
    assert one.value("L: 3") == pytest.approx(0.0)
    assert engine.graph.upstream("internet_gap") == {
        "internet_at_home",
        "households",
        "households_with_internet",
    }
    zero = engine.score_one({"city": "B", "households": 0, "households_with_internet": 0})
    assert zero.value("L: 1") == 0.0  # where() avoided the division by zero
    missing = engine.score_one({"city": "C", "households": 10})
    assert missing.status("L: 2").label == "not reported"
    assert "households_with_internet" in missing.reason("L: 1")


def test_division_by_zero_is_an_error_naming_the_input(tmp_path):
    path = write(tmp_path, HEADER + "L: 1,Share,%,higher,,households_with_internet / households\n")
    result = Engine.load(indicator_tables=[path]).score_one(
        {"city": "A", "households": 0, "households_with_internet": 5}
    )
    assert result.status("L: 1").label == "error"
    assert result.reason("L: 1") == "undefined: households is 0"


def test_defaults_of_optional_columns(tmp_path):
    path = write(tmp_path, "Code,Name,Direction,Formula\nL: HH: 1C,Crowding,lower,crimes + 1\n")
    (row,) = read_indicator_table(path).u4ssc_indicators()
    ind = row.__u4ssc_indicator__
    assert (ind.id, ind.unit, ind.dimension, ind.subdimension, ind.category) == (
        "crowding",
        "",
        "Local",
        "Local",
        "Local",
    )
    assert ind.tier == "core"  # from the code's last letter
    assert ind.definition == "Computed by the formula crimes + 1."


# -- loading through the engine, the CLI and the environment ---------------------------------------


def test_cli_scores_with_a_table_and_shows_it_everywhere(tmp_path):
    data = write(
        tmp_path, "city,year,households,households_with_internet\nA,2024,200,150\n", "d.csv"
    )
    table = write(
        tmp_path,
        HEADER + "L: 1,Internet at home,%,higher,90,households_with_internet / households * 100\n",
    )
    runner = CliRunner()
    scored = runner.invoke(
        cli, ["score", str(data), "--indicators", str(table), "--format", "json"]
    )
    assert scored.exit_code == 0, scored.output
    payload = json.loads(scored.stdout)
    (row,) = [r for r in payload["rows"] if r["code"] == "L: 1"]
    assert (row["value"], row["target"], row["target_kind"], row["points"]) == (
        75.0,
        90.0,
        "local",
        3,
    )
    plugin = next(p for p in payload["manifest"]["plugins"] if p["name"] == "local")
    assert (plugin["version"], plugin["origin"]) == ("table", str(table))
    explained = runner.invoke(cli, ["--indicators", str(table), "explain", "l:1"])
    assert explained.exit_code == 0
    assert "Formula (local.csv, row 2):" in explained.output
    assert "internet_at_home = households_with_internet / households * 100" in explained.output
    assert "target 90 %" in explained.output
    listed = runner.invoke(cli, ["--indicators", str(table), "plugins", "--format", "json"])
    local = next(p for p in json.loads(listed.stdout) if p["name"] == "local")
    assert (local["indicators"], local["targets"], local["hooks"]) == (
        1,
        1,
        ["u4ssc_indicators", "u4ssc_targets"],
    )


def test_broken_table_exits_3_with_rows_and_no_traceback(tmp_path):
    table = write(tmp_path, HEADER + "L: 1,Bad,%,higher,,__import__('os').system('echo hi')\n")
    result = CliRunner().invoke(cli, ["--indicators", str(table), "plugins"])
    assert result.exit_code == 3
    assert result.output == (
        "Error: local.csv, row 2, column 'formula': attribute access (a dot after a name) is not "
        "allowed (at character 1 of \"__import__('os').system('echo hi')\")\n"
    )


def test_environment_variable_and_blocking(monkeypatch, tmp_path):
    table = write(tmp_path, HEADER + "L: 1,Crime count,crimes,lower,,crimes\n")
    monkeypatch.setenv("U4SSC_INDICATORS", str(table))
    engine = Engine.load(plugins=[("toy", toy)], entry_points=False)
    assert engine.catalogue.find_indicator("L: 1").plugin == "local"
    monkeypatch.setenv("U4SSC_BLOCK_PLUGINS", "local")
    engine = Engine.load(plugins=[("toy", toy)], entry_points=False)
    assert "local" not in {p.name for p in engine.plugins}


def test_missing_table_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        Engine.load(indicator_tables=[tmp_path / "nope.csv"], entry_points=False)


# -- broken tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("crimes.real", "attribute access"),
        ("(lambda: crimes)()", "lambda functions are not allowed"),
        ("[c for c in crimes]", "comprehensions are not allowed"),
        ("crimes ** 2", "the operator ** is not supported"),
    ],
)
def test_forbidden_syntax_is_named_with_row_and_column(tmp_path, formula, message):
    path = write(tmp_path, HEADER + f'L: 1,Fine,x,lower,,crimes\nL: 2,Bad,x,lower,,"{formula}"\n')
    (problem,) = problems_of(path)
    assert (problem.source, problem.row, problem.column) == ("local.csv", 3, "formula")
    assert message in problem.message
    assert str(problem).startswith("local.csv, row 3, column 'formula': ")


def test_unknown_names_are_listed_with_close_matches(tmp_path):
    path = write(
        tmp_path,
        HEADER + "L: 1,Rate,x,lower,,crims / populaton\nL: 2,Other,x,lower,,zzz_unheard_of + 1\n",
    )
    first, second, third = problems_of(path)
    assert (first.row, first.offset, first.suggestions[0]) == (2, 0, "crimes")
    assert "unknown name 'crims'" in first.message
    assert "did you mean 'crimes'" in first.message
    assert (second.row, second.offset, second.suggestions[0]) == (2, 8, "population")
    assert (third.row, third.suggestions) == (3, ())
    assert "`u4ssc inputs` lists the data items" in third.message


def test_circular_references_are_printed_in_order_with_rows(tmp_path):
    path = write(
        tmp_path,
        HEADER + "L: 1,Alpha,x,lower,,beta + 1\nL: 2,Beta,x,lower,,gamma * 2\n"
        "L: 3,Gamma,x,lower,,alpha - crimes\nL: 4,Selfish,x,lower,,selfish + 1\n",
    )
    with pytest.raises(FormulaError) as caught:
        read_indicator_table(path)
    circle, selfish = caught.value.problems
    assert circle.names == ("alpha", "beta", "gamma", "alpha")
    assert "alpha (row 2) -> beta (row 3) -> gamma (row 4) -> alpha (row 2)" in circle.message
    assert (selfish.row, selfish.names) == (5, ("selfish", "selfish"))


def test_every_cell_problem_is_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        "code,id,name,direction,tier,target,replaces,formula\n"
        "L: 1,,Good,higher,,,,crimes\n"
        ",,No code,higher,,,,crimes\n"
        "L: 3,,Bad direction,upwards,,,,crimes\n"
        "L: 4,Not An Id,Bad id,higher,,,,crimes\n"
        "L: 5,,Bad tier,higher,basic,,,crimes\n"
        "L: 6,,Bad target,higher,,lots,,crimes\n"
        "L: 7,,Bad flag,higher,,,perhaps,crimes\n"
        "L: 8,,Empty formula,higher,,,,\n"
        "L: 1,,Same code,higher,,,,crimes\n"
        "L: 10,good,Same id,higher,,,,crimes\n",
    )
    with pytest.raises(FormulaError) as caught:
        read_indicator_table(path)
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [
        (3, "code"),
        (4, "direction"),
        (5, "id"),
        (6, "tier"),
        (7, "target"),
        (8, "replaces"),
        (9, "formula"),
        (10, "code"),
        (11, "id"),
    ]
    text = str(caught.value)
    assert text.startswith("9 problems:\n  - local.csv, row 3, column 'code': the code is empty")
    assert "direction 'upwards' is not one of higher, lower, approach, none" in text
    assert "e.g. 'not_an_id'" in text
    assert "the code 'L: 1' is also used by row 2" in text


def test_missing_and_misspelt_columns(tmp_path):
    with pytest.raises(FormulaError) as caught:
        read_indicator_table(write(tmp_path, "code,name,fromula,direction,taget\nL: 1,A,a,b,1\n"))
    messages = [p.message for p in caught.value.problems]
    assert messages[0].startswith("the column 'formula' is missing (found: code, direction,")
    assert "unknown column 'fromula'; did you mean 'formula'?" in messages
    assert "unknown column 'taget'; did you mean 'target'?" in messages
    assert all(p.row == 1 for p in caught.value.problems)


def test_unquoted_comma_in_a_formula_is_explained(tmp_path):
    path = write(tmp_path, HEADER + "L: 1,A,x,lower,,max(crimes, 1)\n")
    with pytest.raises(FormulaError, match=r"row 2: the row has 7 cells but the header has 6"):
        read_indicator_table(path)


def test_clashes_with_other_plugins_need_replaces(tmp_path):
    path = write(
        tmp_path,
        "code,id,name,direction,replaces,formula\n"
        "T: T: T: 1C,online,Online,higher,,households_online / households * 100\n"
        "L: 2,other,Other,higher,yes,crimes\n"
        "L: 3,crimes,Crimes,higher,,population + 0\n"
        "L: 4,shares,Shares,higher,,mode_share + 1\n"
        "L: 5,crime_rate,Crime,higher,,crimes + 1\n",
    )
    code, replaces, item, multi, ind = problems_of(path)
    assert (code.row, code.column) == (2, "code")
    assert "already defined by plugin 'toy'" in code.message
    assert "write yes in its replaces column" in code.message
    assert (replaces.row, replaces.column) == (3, "replaces")
    assert (item.row, item.column) == (4, "id")
    assert "already a data item of plugin 'toy'" in item.message
    assert (multi.row, multi.column) == (5, "formula")
    assert "'mode_share' is a multi-value KPI (T: T: T: 5C)" in multi.message
    assert (ind.row, ind.column) == (6, "id")
    assert "the id 'crime_rate' is already an indicator of plugin 'toy'" in ind.message


def test_replacing_an_official_formula_through_a_table(tmp_path):
    path = write(
        tmp_path,
        "code,id,name,direction,replaces,formula\n"
        "T: T: T: 1C,online_per_person,Online,higher,yes,households_online / population * 100\n",
    )
    engine = Engine.load(indicator_tables=[path], plugins=[("toy", toy)], entry_points=False)
    result = engine.score_one(
        {"city": "A", "households_online": 50, "population": 200, "households": 100}
    )
    assert result.value("T: T: T: 1C") == pytest.approx(25.0)
    (replacement,) = engine.manifest()["replacements"]
    assert (replacement["plugin"], replacement["replaces_plugin"]) == ("local", "toy")
    assert "online_per_person" in engine.graph.upstream("online_per_crime")


def test_loading_a_table_compares_codes_a_bounded_number_of_times_per_row(
    tmp_path: Path, key_look_ups: Callable[[], int]
) -> None:
    """Each row is checked against the others by look-up, not by a scan of every indicator
    registered before it (a scan made 1 000 rows take seconds and 5 000 rows over a minute)."""
    bench = load_script(ROOT / "benchmarks" / "indicator_tables.py")
    rows = 400
    engine = Engine.load(indicator_tables=[bench.write_table(tmp_path / "t.csv", rows)])
    calls = key_look_ups()
    assert len(engine.catalogue.indicators) == rows + len(Engine.load().catalogue.indicators)
    assert calls <= 10 * rows, f"{calls} code comparisons for {rows} rows"
