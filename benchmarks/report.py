"""Report benchmark: HTML reports for 100 city-periods, end to end, against a one-minute goal.

Run from the repository root (after ``pip install -e ".[report]"``)::

    python benchmarks/report.py                  # 100 city-periods
    python benchmarks/report.py --periods 400    # more

The input repeats the rows of ``examples/cities.csv`` under new city names (25 cities × 4 years
for 100): the work of a report does not depend on the values, only on the catalogue. It times

(a) the command a user runs, ``u4ssc report INPUT --compare -o DIR``, in a fresh process: start-up,
    plugin loading, scoring, one page per city-period with its wheel, and the comparison page;
(b) the same through the Python API, split into scoring, building the city-periods, the first
    report (which lays out the wheel), the other reports, and the comparison page;

and prints the goal verdict for (a).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 60.0


def write_input(path: Path, periods: int) -> None:
    """``periods`` city-years: the example rows repeated under new city names."""
    with (ROOT / "examples" / "cities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for i in range(periods):
            row = dict(rows[i % len(rows)])
            row["city"] = f"Bench city {i // 4 + 1:03d} (synthetic)"
            row["year"] = str(2021 + i % 4)
            writer.writerow(row)


def time_cli(data: Path, out: Path) -> tuple[float, int]:
    """Seconds for ``u4ssc report --compare`` in a new process, and the files it wrote."""
    command = [sys.executable, "-m", "u4ssc", "report", str(data), "--compare", "-o", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"u4ssc report failed ({done.returncode}):\n{done.stderr}")
    return seconds, len(done.stdout.splitlines())


def time_api(data: Path, out: Path) -> dict[str, float]:
    """Seconds of each step through the Python API."""
    from u4ssc.core import Engine
    from u4ssc.report import city_periods, painter, report_html
    from u4ssc.report.compare import render_comparison

    steps: dict[str, float] = {}
    engine = Engine.load()
    start = time.perf_counter()
    result = engine.score(data)
    steps["score"] = time.perf_counter() - start

    start = time.perf_counter()
    periods = city_periods(result)
    steps["city-periods"] = time.perf_counter() - start

    draw = painter()
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    (out / "first.html").write_text(report_html(periods[0], draw), encoding="utf-8")
    steps["first report"] = time.perf_counter() - start

    start = time.perf_counter()
    for i, period in enumerate(periods[1:], 1):
        (out / f"{i}.html").write_text(report_html(period, draw), encoding="utf-8")
    steps["other reports"] = time.perf_counter() - start

    start = time.perf_counter()
    page = render_comparison(periods, "bench")
    (out / "comparison.html").write_text(page, encoding="utf-8")
    steps["comparison"] = time.perf_counter() - start
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--periods", type=int, default=100)
    args = parser.parse_args()
    n = args.periods

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "cities.csv"
        write_input(data, n)
        cli_seconds, files = time_cli(data, Path(tmp) / "cli")
        steps = time_api(data, Path(tmp) / "api")
        sizes = [p.stat().st_size for p in (Path(tmp) / "cli").iterdir()]

    print(f"city-periods: {n}  cores: {os.cpu_count()}  files written: {files}")
    print(f"(a) u4ssc report --compare, fresh process   {cli_seconds:7.2f} s")
    print("(b) Python API, by step:")
    for name, seconds in steps.items():
        print(f"      {name:<16} {seconds:7.2f} s")
    others = steps["other reports"] / max(n - 1, 1) * 1e3
    print(f"    per report after the first: {others:.0f} ms")
    print(f"page size: {min(sizes) / 1e3:.0f}–{max(sizes) / 1e3:.0f} kB")
    verdict = "ok" if cli_seconds < GOAL_SECONDS else "OVER GOAL"
    print(f"goal: {n} city-periods in < {GOAL_SECONDS:.0f} s: {cli_seconds:.1f} s {verdict}")


if __name__ == "__main__":
    main()
