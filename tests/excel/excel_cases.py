"""Shared cases of the Excel add-in tests: the example cities as Excel would hand them over.

A module, not a conftest.py: a second conftest would shadow tests/conftest.py, which other
tests import as ``conftest``.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def excel_cell(text: str) -> Any:
    """A CSV cell as Excel holds it: a float for a number, None for empty, else the text."""
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


@functools.cache
def cities() -> dict[tuple[str, int], dict[str, Any]]:
    """Every example city-year, keyed by (city name without '(synthetic)', year)."""
    with (EXAMPLES / "cities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        (row["city"].split(" (")[0], int(row["year"])): {k: excel_cell(v) for k, v in row.items()}
        for row in rows
    }


def city(name: str, year: int) -> dict[str, Any]:
    """One example city-year as a fresh mapping of names to Excel cell values."""
    return dict(cities()[(name, year)])


def as_range(record: dict[str, Any]) -> list[list[Any]]:
    """A record as a two-column Excel range of names and values."""
    return [[name, value] for name, value in record.items()]
