"""The report's trend column, progress chart, inputs to report, and the comparison's movement."""

from __future__ import annotations

import re

import pandas as pd
import progress
import pytest

from u4ssc.core import Engine
from u4ssc.report import city_periods
from u4ssc.report.city import render_report
from u4ssc.report.compare import render_comparison
from u4ssc.report.trend import dimension_chart, sparkline

ROWS = [
    {"city": "A", "year": 2020, "up": 40, "down": 20, "a": 1, "b": 2, "c": 3},
    {"city": "A", "year": 2021, "up": 44, "down": 18, "a": 1, "b": 2},
    {"city": "A", "year": 2022, "up": 48, "down": 19, "a": 1},
    {"city": "B", "year": 2022, "up": 70, "down": 5},
]


@pytest.fixture(scope="module")
def periods():
    engine = Engine.load(plugins=[("progress", progress)], entry_points=False)
    return city_periods(engine.score(pd.DataFrame(ROWS)))


def section(page: str, anchor: str) -> str:
    found = re.search(rf'<section id="{anchor}">(.*?)</section>', page, re.DOTALL)
    assert found, f"no section {anchor}"
    return found[1]


def test_periods_carry_each_kpis_series_and_progress(periods):
    a2022 = periods[2]
    up = next(k for k in a2022.kpis if k.id == "P: 1")
    assert up.series == ((2020, 40.0), (2021, 44.0), (2022, 48.0))
    assert up.trend["progress"] == "improving"
    assert up.trend["year_to_target"] == 2025
    assert [h["year"] for h in a2022.history] == [2020, 2021, 2022]
    assert [g["input"] for g in a2022.gains][:2] == ["b", "c"]


def test_report_has_a_trend_column_with_a_sparkline(periods):
    page = render_report(periods[2], "<svg></svg>", "test")
    assert "<th>Trend</th>" in page
    row = re.search(r'<tr id="kpi-p-1">(.*?)</tr>', page, re.DOTALL)[1]
    assert '<svg class="spark"' in row
    assert "2020: 40; 2021: 44; 2022: 48; target 60" in row
    assert "↑ improving" in row
    assert "target by 2025" in row
    down = re.search(r'<tr id="kpi-p-2">(.*?)</tr>', page, re.DOTALL)[1]
    assert "↓ worsening" in down  # 18 to 19, lower is better
    chart = section(page, "progress")
    assert chart.count('class="chart-series"') == 2  # overall and Environment
    gains = section(page, "gains")
    assert '<td class="code">b</td>' in gains


def test_one_year_only_says_so(periods):
    page = render_report(periods[3], "<svg></svg>", "test")
    assert "One year only: there is no trend yet" in section(page, "progress")
    row = re.search(r'<tr id="kpi-p-1">(.*?)</tr>', page, re.DOTALL)[1]
    assert "one year only" in row


def test_comparison_shows_each_citys_movement(periods):
    page = render_comparison(periods, "test")
    movement = section(page, "movement")
    assert "(one year only)" in movement  # B
    assert "→ 2022:" in movement  # A, 2020 to 2022
    assert movement.count("↑ improving") >= 1


def test_drawings_escape_text_and_handle_gaps():
    svg = sparkline([(2020, 1.0), (2021, None), (2022, 3.0)], 2022, None)
    assert "<polyline" not in svg  # no two consecutive years with a value
    assert svg.count("<circle") == 1
    assert sparkline([(2020, None)], 2020, None).startswith("<span")
    chart = dimension_chart(
        [{"year": 2020, "overall": 50.0, "dimensions": {"<b>x</b>": 40.0}}], 2020
    )
    assert "<b>x</b>" not in chart
    assert "&lt;b&gt;x&lt;/b&gt;" in chart


def test_report_compare_on_the_command_line_shows_each_citys_movement(tmp_path):
    """`u4ssc report --compare` as a user types it, on two example cities over three years."""
    pytest.importorskip("matplotlib")
    from pathlib import Path

    from click.testing import CliRunner

    from u4ssc.cli import cli

    lines = (Path(__file__).parents[1] / "examples" / "cities.csv").read_text("utf-8").splitlines()
    data = tmp_path / "two.csv"
    data.write_text("\n".join([lines[0], *lines[1:4], *lines[7:10]]) + "\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["report", str(data), "--compare", "-o", str(tmp_path / "r")])
    assert done.exit_code == 0, done.output
    movement = section((tmp_path / "r" / "comparison.html").read_text("utf-8"), "movement")
    overall = re.search(r'<td class="sticky">Overall</td>(.*?)</tr>', movement, re.DOTALL)
    assert overall, movement[:500]
    steps = re.findall(r"2022: [\d.]+ % → 2024: [\d.]+ % \([+-][\d.]+ points\)", overall[1])
    assert len(steps) == 2  # one per city, first year to last
    assert "Aster (synthetic)" in movement
    assert "Corvale (synthetic)" in movement
    assert "↑ improving" in movement
