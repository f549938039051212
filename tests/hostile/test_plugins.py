"""Hostile plugins (issue 13, items 11-13): every plugin mistake is named, with its file and a fix.

Each plugin case loads a scenario from ``tests/resources/hostile_plugins`` with ``--plugins-dir``,
as a user with a one-off plugin file does, through a freshly built engine; the indicator-table
cases load a table with ``--indicators``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from conftest import RESOURCES, Run, assert_told, load_script

SCENARIOS = RESOURCES / "hostile_plugins"


def test_hook_functions_without_hookimpl_are_named_with_the_fix(user: Callable[..., Run]) -> None:
    run = user("--plugins-dir", SCENARIOS / "forgot", "plugins", fresh_engine=True)
    assert_told(run, 0, "forgot_hookimpl.py", "u4ssc_indicators", "u4ssc_data_items")
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, run.stderr  # one line per function
    assert all("put @hookimpl" in line for line in warnings), warnings


def test_an_unmarked_misspelt_hook_gets_a_did_you_mean(user: Callable[..., Run]) -> None:
    run = user("--plugins-dir", SCENARIOS / "unmarked_misspelt", "plugins", fresh_engine=True)
    assert_told(
        run, 0, "typo_unmarked.py", "u4ssc_target ", "did you mean u4ssc_targets", "@hookimpl"
    )


def test_a_misspelt_hook_gets_a_did_you_mean_and_the_skip_hint(user: Callable[..., Run]) -> None:
    run = user("--plugins-dir", SCENARIOS / "misspelt", "plugins", fresh_engine=True)
    assert_told(
        run,
        3,
        "misspelt_hook.py",
        "u4ssc_indicator ",
        "did you mean u4ssc_indicators",
        "U4SSC_BLOCK_PLUGINS=misspelt_hook",
    )


def test_a_hook_that_raises_gets_the_skip_hint(user: Callable[..., Run]) -> None:
    run = user("--plugins-dir", SCENARIOS / "raises", "indicators", fresh_engine=True)
    assert_told(
        run,
        3,
        "plugin 'raising_hook' in hook u4ssc_indicators",
        "FileNotFoundError: kpis.json",
        "U4SSC_BLOCK_PLUGINS=raising_hook",
    )


def test_two_plugins_of_one_name_are_both_named(user: Callable[..., Run]) -> None:
    run = user(
        "--plugins-dir",
        SCENARIOS / "twin_a",
        "--plugins-dir",
        SCENARIOS / "twin_b",
        "plugins",
        fresh_engine=True,
    )
    assert_told(run, 3, "twin_a/kiosks.py", "twin_b/kiosks.py", "rename one")
    assert "another" not in run.text


def test_a_target_for_an_unknown_code_names_its_plugin(user: Callable[..., Run]) -> None:
    run = user("--plugins-dir", SCENARIOS / "unknown_target", "plugins", fresh_engine=True)
    assert_told(
        run,
        3,
        "plugin 'unknown_target'",
        "'EC: ICT: ICT: 9C' is not a KPI code",
        "did you mean",
        "u4ssc_targets",
        "U4SSC_BLOCK_PLUGINS=unknown_target",
    )


def test_a_rest_parameter_is_explained(user: Callable[..., Run]) -> None:
    run = user("--plugins-dir", SCENARIOS / "rest", "plugins", fresh_engine=True)
    assert_told(
        run,
        3,
        "rest_params.py",
        "LOCAL: REST: 1",
        "takes **rest",
        "one named parameter per data item or indicator",
        "U4SSC_BLOCK_PLUGINS=rest_params",
    )
    assert "which no plugin declares" not in run.text


PLUGINS_DIR = RESOURCES.parents[1] / "examples" / "plugins-dir"
CITIES = RESOURCES.parents[1] / "examples" / "cities.csv"
BENCHMARK = RESOURCES.parents[1] / "benchmarks" / "indicator_tables.py"


def test_plugins_dir_after_the_command_loads_the_plugin(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    """--plugins-dir is read after every command that loads plugins, as --indicators is."""
    scores = tmp_path / "scores.csv"
    run = user("score", CITIES, "--plugins-dir", PLUGINS_DIR, "-o", scores, fresh_engine=True)
    assert_told(run, 0)
    assert scores.read_text(encoding="utf-8").count("LOCAL: ICT: 1") == 12
    assert_told(user("validate", CITIES, "--plugins-dir", PLUGINS_DIR, fresh_engine=True), 0)
    run = user("explain", "LOCAL: ICT: 1", "--plugins-dir", PLUGINS_DIR, fresh_engine=True)
    assert_told(run, 0, "Wi-Fi Hotspot Density")
    page = tmp_path / "aster.html"
    run = user(
        "report", CITIES, "--city", "Aster (synthetic)", "--year", 2023,
        "--plugins-dir", PLUGINS_DIR, "-o", page, fresh_engine=True,
    )  # fmt: skip
    assert_told(run, 0)
    assert "LOCAL: ICT: 1" in page.read_text(encoding="utf-8")
    for command in ("trends", "coverage"):
        out = tmp_path / f"{command}.csv"
        run = user(command, CITIES, "--plugins-dir", PLUGINS_DIR, "-o", out, fresh_engine=True)
        assert_told(run, 0)
        assert "LOCAL: ICT: 1" in out.read_text(encoding="utf-8"), command


def test_every_command_that_loads_plugins_takes_plugins_dir_after_it() -> None:
    from u4ssc.cli import cli

    without = {
        name
        for name, command in cli.commands.items()
        if "--plugins-dir" not in {o for p in command.params for o in getattr(p, "opts", ())}
    }
    # They write a package, or a requirements file, and load no plugin.
    assert without == {"new-plugin", "lite-requirements"}


def test_a_missing_plugins_dir_after_the_command_is_named(user: Callable[..., Run]) -> None:
    run = user("score", CITIES, "--plugins-dir", "no-such-folder", fresh_engine=True)
    assert_told(run, 2, "--plugins-dir", "no-such-folder", "does not exist")


# -- item 12: a long indicator table loads in linear time ---------------------------------------


def test_a_long_indicator_table_scores_every_row_with_a_bounded_number_of_code_look_ups(
    user: Callable[..., Run], tmp_path: Path, key_look_ups: Callable[[], int]
) -> None:
    """1 000 rows through ``score --indicators``: each row is checked by look-up (a scan of
    every indicator before it made 1 000 rows take seconds and 5 000 over a minute); the
    number of code comparisons, not a time, is what the test bounds."""
    rows = 1_000
    table = load_script(BENCHMARK).write_table(tmp_path / "long.csv", rows)
    data = tmp_path / "two.csv"
    data.write_text("\n".join(CITIES.read_text("utf-8").splitlines()[:3]) + "\n", "utf-8")
    out = tmp_path / "scores.csv"
    run = user("score", data, "--indicators", table, "-o", out, fresh_engine=True)
    assert_told(run, 0)
    calls = key_look_ups()
    assert calls <= 10 * rows, f"{calls} code comparisons for {rows} rows"
    frame = pd.read_csv(out, keep_default_na=False, dtype=str)
    local = frame[frame["code"].str.startswith("LOCAL: X: ")]
    assert len(local) == 2 * rows  # every row of the table, for both city-years
    assert (local["status"] == "computed").all()
    assert (local["value"] != "").all()
    assert (local["target_kind"] == "local").all()


# -- item 13: formulas typed in an Excel table --------------------------------------------------


def test_an_excel_table_reads_formulas_typed_with_an_equals_sign_and_names_capitals(
    user: Callable[..., Run], tmp_path: Path
) -> None:
    import openpyxl

    def table(*formulas: str) -> Path:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Local"
        sheet.append(["code", "name", "unit", "dimension", "direction", "target", "formula"])
        for n, formula in enumerate(formulas, 1):
            sheet.append([f"LOCAL: XL: {n}", f"Typed {n}", "%", "local", "higher", 50, formula])
        path = tmp_path / f"table{len(formulas)}.xlsx"
        book.save(path)
        return path

    out = tmp_path / "scores.csv"
    typed = table("=licensed_physicians / population * 1000")
    run = user("score", CITIES, "--indicators", typed, "-o", out, fresh_engine=True)
    assert_told(run, 0)
    frame = pd.read_csv(out, keep_default_na=False, dtype=str)
    rows = frame[frame["code"] == "LOCAL: XL: 1"]
    assert len(rows) == 12
    assert (rows["status"] == "computed").all()

    capitals = table("=licensed_physicians / population * 1000", "=MIN(population, 100)")
    run = user("score", CITIES, "--indicators", capitals, "-o", out, fresh_engine=True)
    assert_told(
        run,
        3,
        "table2.xlsx, row 3, column 'formula'",
        "unknown function 'MIN'",
        "write min in lower case",
        "enter the formula as text",
    )
