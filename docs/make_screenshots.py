"""Make the README's screenshot of a city report, from the example data, in headless Chromium.

Run from the repository root after ``pip install -e ".[report]"``, with Debian's ``chromium``
installed (``apt-get install chromium``)::

    python docs/make_screenshots.py

It scores ``examples/cities.csv`` with the built-in plugins only, writes the report of
Dunmere (synthetic) 2023 (a city with values not reported and a broken consistency rule, so
every colour of the wheel shows) to a temporary folder, opens it in headless Chromium at
1280 × 1500 pixels with the driver of the browser tests (``tests/chromium.py``), stops if the page
logs an error, and saves the top of the page as ``docs/images/report.png``, reduced to 256
colours to keep the repository small.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
OUTPUT = DOCS / "images" / "report.png"
CITY, YEAR = "Dunmere (synthetic)", 2023
WINDOW = (1280, 1500)


def write_report(folder: Path) -> Path:
    """The example city's report, as ``u4ssc report`` writes it."""
    sys.path.insert(0, str(DOCS))
    from build_docs import builtin_engine

    from u4ssc.report import city_periods, write_reports

    result = builtin_engine().score(ROOT / "examples" / "cities.csv")
    (path,) = write_reports(city_periods(result, city=CITY, year=YEAR), folder / "report.html")
    return path


def screenshot(page: Path, profile: Path) -> bytes:
    """Chromium's picture of the top of ``page``, taken by the browser tests' driver."""
    sys.path.insert(0, str(ROOT / "tests"))
    from chromium import Browser, find_chromium

    executable = find_chromium()
    if executable is None:
        raise SystemExit("chromium is not installed: apt-get install chromium")
    with Browser(executable, profile, *WINDOW) as browser:
        load = browser.open(page)
        if load.errors:
            raise SystemExit(f"the report logged errors in Chromium: {load.errors}")
        return browser.screenshot()


def main() -> None:
    from PIL import Image  # installed with matplotlib (the report extra)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "profile").mkdir()
        png = screenshot(write_report(folder), folder / "profile")
        image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
        OUTPUT.parent.mkdir(exist_ok=True)
        image.save(OUTPUT, optimize=True)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
