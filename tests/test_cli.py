"""The command line: thin over the engine, short messages, documented exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import RESOURCES

from u4ssc.cli import cli
from u4ssc.core.result import LONG_COLUMNS


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None):
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


def test_plugins_lists_versions_and_registrations(run):
    result = run("plugins", "--format", "json")
    assert result.exit_code == 0
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["economy"]["indicators"] == 45
    assert plugins["shared"]["data_items"] > 0
    assert "u4ssc_indicators" in plugins["economy"]["hooks"]
    table = run("plugins").output
    assert "economy" in table
    assert "indicators" in table


def test_indicators_json_has_the_documented_fields(run):
    result = run("indicators", "--format", "json", "--dimension", "EC", "--tier", "core")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows
    assert all(r["tier"] == "core" and r["dimension"] == "Economy" for r in rows)
    first = rows[0]
    for key in (
        "code",
        "name",
        "dimension",
        "subdimension",
        "category",
        "tier",
        "unit",
        "direction",
        "inputs",
        "data_points",
        "plugin",
    ):
        assert key in first
    assert first["code"] == "EC: ICT: ICT: 1C"
    assert first["inputs"] == ["households", "households_with_internet"]


def test_indicators_search_and_csv(run):
    rows = json.loads(run("indicators", "--format", "json", "--search", "broadband").stdout)
    assert {r["code"] for r in rows} >= {"EC: ICT: ICT: 2C", "EC: ICT: ICT: 4C"}
    csv_text = run("indicators", "--format", "csv", "--category", "ict infrastructure").output
    assert csv_text.splitlines()[0].startswith("code,id,name")


def test_inputs_lists_items_with_users(run):
    rows = json.loads(run("inputs", "--format", "json").stdout)
    population = next(r for r in rows if r["name"] == "population")
    assert population["plugin"] == "shared"
    assert population["kind"] == "count"
    assert len(population["used_by"]) > 5


def test_explain_shows_formula_inputs_and_metadata(run):
    result = run("explain", "ec:ict:ict:1c")
    assert result.exit_code == 0
    assert "Household Internet Access" in result.output
    assert "percent(households_with_internet, households)" in result.output
    assert "households_with_internet" in result.output
    assert "tier:" in result.output


def test_explain_unknown_code_suggests_and_exits_2(run):
    result = CliRunner().invoke(cli, ["explain", "EC: ICT: ICT: 9C"])
    assert result.exit_code == 2
    assert "unknown indicator" in result.output
    assert "did you mean" in result.output


def test_score_writes_long_csv(run, tmp_path):
    data = tmp_path / "cities.csv"
    data.write_text(
        "city,year,households,households_with_internet\nAster,2024,1000,812\nBelo,2024,0,5\n"
    )
    out = tmp_path / "out.csv"
    result = run("score", str(data), "-o", str(out))
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == LONG_COLUMNS
    aster = next(r for r in rows if r["city"] == "Aster" and r["code"] == "EC: ICT: ICT: 1C")
    assert (aster["value"], aster["status"], aster["points"], aster["band"]) == (
        "81.2",
        "computed",
        "3",
        "66–95 %",
    )
    assert aster["target_kind"] == "reference"
    belo = next(r for r in rows if r["city"] == "Belo" and r["code"] == "EC: ICT: ICT: 1C")
    assert (belo["status"], belo["reason"], belo["points"]) == (
        "error",
        "undefined: households is 0",
        "",
    )


def test_score_json_to_stdout_has_manifest(run, tmp_path):
    data = tmp_path / "cities.csv"
    data.write_text("city;households;households_with_internet\nAster;1 000;812\n")
    result = run("score", str(data), "--format", "json")
    payload = json.loads(result.stdout)
    assert payload["rows"][0]["value"] == 81.2
    assert payload["manifest"]["rows"] == 1
    assert {p["name"] for p in payload["manifest"]["plugins"]} >= {"economy", "shared"}


def test_score_missing_file_exits_4(tmp_path):
    result = CliRunner().invoke(cli, ["score", str(tmp_path / "nope.csv")])
    assert result.exit_code == 4
    assert "does not exist" in result.output


def test_strict_score_and_validate_exit_1(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("city,households\nAster,lots\n")
    strict = CliRunner().invoke(cli, ["score", str(data), "--strict"])
    assert strict.exit_code == 1
    assert "row 1, column 'households'" in strict.output
    validated = CliRunner().invoke(cli, ["validate", str(data)])
    assert validated.exit_code == 1
    assert "expected a number, got 'lots'" in validated.output


def test_broken_plugin_exits_3_with_a_short_message():
    result = CliRunner().invoke(cli, ["--plugins-dir", str(RESOURCES / "raising_dir"), "plugins"])
    assert result.exit_code == 3
    assert "plugin 'exploding'" in result.output
    assert "Traceback" not in result.output


def test_help_does_not_import_pandas_or_pandera():
    code = (
        "import sys\n"
        "from u4ssc.cli import main\n"
        "for args in (['--help'], ['template', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "heavy = ('pandas', 'pandera', 'numpy', 'networkx', 'openpyxl', 'xlwings')\n"
        "print('HEAVY', [m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY []" in out
    assert "score" in out
    assert "data-collection workbook" in out  # the help of u4ssc template


def test_scoring_clean_input_imports_neither_pandera_nor_its_test_tools(tmp_path):
    """Pandera (with typeguard and hypothesis' strategies, over a second of start-up) is
    imported only when a cell is out of bounds or a city and year repeat; NetworkX only for
    exports and cycles; the report's and the workbook's libraries not at all."""
    example = Path(__file__).parent.parent / "examples" / "cities.csv"
    code = (
        "import sys\n"
        "from u4ssc.cli import main\n"
        "try:\n"
        f"    main(['score', {str(example)!r}, '-o', {str(tmp_path / 'out.csv')!r}])\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('pandera', 'typeguard', 'hypothesis', 'networkx', 'matplotlib', 'openpyxl',"
        " 'xlwings', 'scipy')\n"
        "print('HEAVY', [m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY []" in out
    assert (tmp_path / "out.csv").stat().st_size > 1000


def test_plugin_commands_hook_adds_a_command(monkeypatch):
    from u4ssc import cli as cli_module
    from u4ssc.core import hookimpl
    from u4ssc.core.plugins import load_plugins as real_load

    class AddsCommand:
        @hookimpl
        def u4ssc_cli_commands(self, cli):
            import click

            @cli.command(name="hello-city")
            def hello():
                click.echo("hello from a plugin")

    monkeypatch.setattr(
        "u4ssc.core.plugins.load_plugins", lambda: real_load(extra=[("adds", AddsCommand())])
    )
    cli_module._add_plugin_commands()
    try:
        result = CliRunner().invoke(cli_module.cli, ["hello-city"])
        assert result.output == "hello from a plugin\n"
    finally:
        cli_module.cli.commands.pop("hello-city", None)


def test_score_rollup_levels_and_targets(run, tmp_path):
    data = tmp_path / "cities.csv"
    data.write_text("city,year,households,households_with_internet\nAster,2024,1000,500\n")
    rows = json.loads(run("score", str(data), "--level", "category", "--format", "json").stdout)[
        "rows"
    ]
    ict = next(r for r in rows if r["category"] == "ICT Infrastructure")
    assert (ict["points"], ict["max_points"], ict["scored"]) == (2, 4, 1)
    assert ict["band"] == "33–66 %"
    targets = tmp_path / "targets.csv"
    targets.write_text("code,target\nEC: ICT: ICT: 1C,50\n")
    payload = json.loads(
        run("score", str(data), "--targets", str(targets), "--format", "json").stdout
    )
    row = next(r for r in payload["rows"] if r["code"] == "EC: ICT: ICT: 1C")
    assert (row["points"], row["target"], row["target_kind"]) == (4, 50.0, "user")
    assert payload["manifest"]["targets"]["name"] == "u4ssc-default + targets.csv"
    overall = run("score", str(data), "--level", "overall", "--tier", "core").stdout.splitlines()
    assert overall[0].startswith("city,year,level,dimension")
    assert len(overall) == 2


def test_explain_shows_target_source_and_cut_offs(run):
    output = run("explain", "EC: ICT: ICT: 2C").output
    assert "target 60 % (official, higher is better)" in output
    assert "Mashhad" in output
    assert "≥ 39.6 %" in output


def test_graph_of_one_kpi_in_three_formats(run):
    dot = run("graph", "ec:ict:ict:1c").output
    assert dot.startswith("digraph u4ssc {")
    assert '"households" -> "household_internet_access";' in dot
    assert "population" not in dot
    mermaid = run("graph", "EN: EN: AQ: 1C", "--format", "mermaid").output
    assert mermaid.startswith("flowchart LR")
    assert mermaid.count("-->") == 5
    data = json.loads(run("graph", "EC: ICT: ICT: 4C", "--format", "json").stdout)
    assert {n["id"] for n in data["nodes"]} == {
        "wireless_broadband_coverage",
        "population",
        "population_covered_3g",
        "population_covered_4g",
    }
    assert len(data["edges"]) == 3


def test_whole_graph_and_unknown_code(run):
    data = json.loads(run("graph", "--format", "json").stdout)
    kinds = {n["kind"] for n in data["nodes"]}
    assert kinds == {"item", "indicator"}
    assert sum(n["kind"] == "indicator" for n in data["nodes"]) == 91
    result = CliRunner().invoke(cli, ["graph", "EC: ICT: ICT: 99C"])
    assert result.exit_code == 2
    assert "did you mean" in result.output
