"""Shared cases of the Excel add-in tests: the example cities as Excel would hand them over.

A module, not a conftest.py: a second conftest would shadow tests/conftest.py, which other
tests import as ``conftest``.
"""

from __future__ import annotations

import csv
import functools
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
#: Why the LibreOffice tests skip where it is missing.
NO_SOFFICE = (
    "LibreOffice is not installed (no soffice on PATH): install Debian's "
    "libreoffice-calc-nogui, as .ci/run does, to recalculate the workbook in a real spreadsheet"
)
# Recalculate every formula on load, whatever the file's cached values say.
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def type_inputs(workbook: Any, city: str, year: int, values: Mapping[str, Any]) -> None:
    """Type a city, a year and ``values`` (by id) into a workbook's Inputs sheet."""
    sheet = workbook["Inputs"]
    sheet["B2"], sheet["B3"] = city, year
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    for name, value in values.items():
        if value is not None and name not in ("city", "year"):
            sheet.cell(rows[name], 4, value)


def convert(files: Iterable[Path], to: str, out: Path) -> list[Path]:
    """Open every file once in LibreOffice headless (which recalculates it on load) and save it
    as ``to`` (``xlsx``, ``pdf``) in ``out``; return the converted files."""
    files = list(files)
    profile = out / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    command = [
        str(SOFFICE),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        to,
        "--outdir",
        str(out),
        *(str(path) for path in files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    converted = [out / f"{path.stem}.{to}" for path in files]
    for path in converted:
        assert path.is_file(), f"soffice did not convert to {path}: {done.stdout}{done.stderr}"
    return converted


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
