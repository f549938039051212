"""Make the README's screenshot of a city report, from the example data, in headless Chromium.

Run from the repository root after ``pip install -e ".[report]"``, with Debian's ``chromium``
installed (``apt-get install chromium``)::

    python docs/make_screenshots.py

It scores ``examples/cities.csv`` with the built-in plugins only, writes the report of
Dunmere (synthetic) 2023 (a city with values not reported and a broken consistency rule, so
every colour of the wheel shows) to a temporary folder, opens it in headless Chromium at
1280 × 1500 pixels with the driver of the browser tests (``tests/chromium.py``), stops if the page
logs an error, and saves the top of the page as ``docs/images/report.png`` and the page from its
"Progress over time" section on (the dimension chart, the inputs to report next and the first KPI
table with its trend column) as ``docs/images/report-trends.png``, each reduced to 256 colours
to keep the repository small.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
OUTPUT = DOCS / "images" / "report.png"
TRENDS = DOCS / "images" / "report-trends.png"
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


def screenshot(page: Path, profile: Path) -> tuple[bytes, bytes]:
    """Chromium's pictures of the top of ``page`` and of its progress section, taken by the
    browser tests' driver."""
    sys.path.insert(0, str(ROOT / "tests"))
    from chromium import Browser, find_chromium

    executable = find_chromium()
    if executable is None:
        raise SystemExit("chromium is not installed: apt-get install chromium")
    with Browser(executable, profile, *WINDOW) as browser:
        load = browser.open(page)
        if load.errors:
            raise SystemExit(f"the report logged errors in Chromium: {load.errors}")
        top = browser.screenshot()
        browser.evaluate("document.getElementById('progress').scrollIntoView()")
        return top, browser.screenshot()


def main() -> None:
    from PIL import Image  # installed with matplotlib (the report extra)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "profile").mkdir()
        pictures = screenshot(write_report(folder), folder / "profile")
        OUTPUT.parent.mkdir(exist_ok=True)
        for png, path in zip(pictures, (OUTPUT, TRENDS), strict=True):
            image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
            image.save(path, optimize=True)
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
