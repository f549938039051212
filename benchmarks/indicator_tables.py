"""Indicator-table loading benchmark: the time to build an engine grows linearly with the rows.

Run from the repository root (after ``pip install -e .``)::

    python benchmarks/indicator_tables.py                      # 1 000, 5 000 and 20 000 rows
    python benchmarks/indicator_tables.py --rows 1000 50000

For each size it writes a synthetic CSV table (half the rows compute from official data items,
half from the row before them, each with a local target) into a temporary folder, then times
``Engine.load(indicator_tables=[table])``: reading and parsing the table, registering every row
as an indicator next to the official catalogue, checking it, building the graph and the targets.
It prints the time per size and per 1 000 rows; linear loading keeps the last column flat.
The test suite asserts no timings; this script is where they are measured.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

HEADER = "code,name,unit,dimension,category,direction,target,formula\n"


def write_table(path: Path, rows: int) -> Path:
    """A table of ``rows`` local indicators; odd rows use the indicator of the row before."""
    lines = [HEADER]
    for i in range(rows):
        formula = f"population / households * {i + 1}" if i % 2 == 0 else f"ind_{i - 1} + 1"
        lines.append(f"LOCAL: X: {i},Ind {i},persons per household,local,X,higher,5,{formula}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def time_load(table: Path) -> tuple[float, int]:
    """Seconds to build the engine with ``table`` loaded, and the indicators it then has."""
    from u4ssc.core import Engine

    start = time.perf_counter()
    engine = Engine.load(indicator_tables=[table])
    return time.perf_counter() - start, len(engine.catalogue.indicators)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 5_000, 20_000])
    args = parser.parse_args()
    time_load(write_table(Path(tempfile.mkdtemp()) / "warm.csv", 10))  # imports, caches
    print(f"{'rows':>8}  {'indicators':>10}  {'seconds':>8}  {'s per 1 000 rows':>16}")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            seconds, indicators = time_load(write_table(Path(folder) / f"t{rows}.csv", rows))
            print(f"{rows:>8}  {indicators:>10}  {seconds:>8.2f}  {seconds / rows * 1000:>16.3f}")


if __name__ == "__main__":
    main()
