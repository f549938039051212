"""'u4ssc trends' and 'u4ssc coverage': every output format, the terminal, exit codes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import RESOURCES

from u4ssc.cli import cli
from u4ssc.core.coverage import GAIN_COLUMNS, INPUT_COLUMNS, KPI_COVERAGE_COLUMNS
from u4ssc.core.trends import PROGRESS, TREND_COLUMNS

CITIES = str(RESOURCES.parent.parent / "examples" / "cities.csv")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "parquet"])
def test_trends_writes_every_format(tmp_path, fmt):
    out = tmp_path / f"trends.{fmt}"
    done = run("trends", CITIES, "-o", str(out))
    assert done.exit_code == 0, done.output
    if fmt == "csv":
        frame = pd.read_csv(out)
    elif fmt == "json":
        frame = pd.DataFrame(json.loads(out.read_text(encoding="utf-8"))["rows"])
    elif fmt == "xlsx":
        frame = pd.read_excel(out)
    else:
        frame = pd.read_parquet(out)
    assert tuple(frame.columns) == TREND_COLUMNS
    assert len(frame) == 12 * 112  # 4 cities × 3 years × every value
    assert set(frame["progress"].dropna()) <= set(PROGRESS)
    first = frame[frame["year"] == 2022]
    assert set(first["progress"]) <= {"first year", "target met", "not comparable"}


def test_cities_with_one_year_only_say_so_in_every_row(tmp_path):
    out = tmp_path / "trends.csv"
    done = run("trends", CITIES.replace("cities.csv", "peers.csv"), "-o", str(out))
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(out, keep_default_na=False)
    assert len(frame) == 12 * 112  # 12 cities, one year each, every value
    assert set(frame["progress"]) == {"one year only"}
    assert set(frame["reason"]) == {"the city has one year only in this run: no trend yet"}
    assert set(frame["change"]) == {""}
    assert set(frame["year_to_target"]) == {""}


def test_trends_on_the_terminal_latest_year():
    done = run("trends", CITIES, "--latest")
    assert done.exit_code == 0, done.output
    assert "progress" in done.output.splitlines()[0]
    assert "2022" not in "".join(line[:40] for line in done.output.splitlines()[2:])


@pytest.mark.parametrize(
    ("table", "columns"),
    [("kpi", KPI_COVERAGE_COLUMNS), ("input", INPUT_COLUMNS), ("gain", GAIN_COLUMNS)],
)
def test_coverage_writes_each_table(tmp_path, table, columns):
    out = tmp_path / f"{table}.csv"
    done = run("coverage", CITIES, "--table", table, "-o", str(out))
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(io.StringIO(out.read_text(encoding="utf-8")))
    assert tuple(frame.columns) == columns
    if table == "kpi":
        assert len(frame) == 112
        counted = ["scored", "no_benchmark", "not_reported", "not_applicable", "invalid", "error"]
        assert (frame[counted].sum(axis=1) == frame["total"]).all()


def test_coverage_and_trends_take_peer_targets(tmp_path):
    peers = CITIES.replace("cities.csv", "peers.csv")
    out = tmp_path / "kpi.csv"
    done = run("coverage", CITIES, "--peer-targets", peers, "--table", "kpi", "-o", str(out))
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(out)
    assert frame["scored"].sum() == 1224  # as score --peer-targets scores (docs/scoring.md)
    water = frame[frame["code"] == "EC: ICT: WS: 1C"].iloc[0]
    assert (water["target_kind"], water["scored"]) == ("peer", 12)
    out = tmp_path / "trends.csv"
    done = run("trends", CITIES, "--peer-targets", peers, "-o", str(out))
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(out)
    water = frame[(frame["code"] == "EC: ICT: WS: 1C") & (frame["year"] == 2024)]
    assert water["target"].notna().all()  # without peers it has no target
    assert water["movement"].isin(["towards", "away", "none"]).all()
    done = run("trends", CITIES, "--peer-targets", peers, "--format", "json", "--latest")
    assert json.loads(done.stdout)["manifest"]["targets"]["peer"]["from"] == "peers.csv"


def test_coverage_on_the_terminal_shows_all_three_tables():
    done = run("coverage", CITIES)
    assert done.exit_code == 0, done.output
    for title in ("per KPI value", "per input", "per city-year"):
        assert f"Coverage {title}:" in done.output


def test_usage_errors_exit_2_and_missing_input_4(tmp_path):
    assert run("trends", CITIES, "--format", "xlsx").exit_code == 2
    assert run("coverage", CITIES, "--chunk-rows", "10").exit_code == 2
    assert run("trends", CITIES, "--format", "table", "-o", str(tmp_path / "x.csv")).exit_code == 2
    assert run("coverage", str(tmp_path / "nope.csv")).exit_code == 4


def test_an_unwritable_output_exits_5(tmp_path):
    done = run("trends", CITIES, "-o", str(tmp_path / "no" / "such" / "dir" / "t.csv"))
    assert done.exit_code == 5, done.output
