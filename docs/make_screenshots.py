"""Make the README's screenshot of a city report, from the example data, in headless Chromium.

Run from the repository root after ``pip install -e ".[report]"``, with Debian's ``chromium``
installed (``apt-get install chromium``)::

    python docs/make_screenshots.py

It scores ``examples/cities.csv`` with the built-in plugins only, writes the report of
Dunmere (synthetic) 2023 (a city with values not reported and a broken consistency rule, so
every colour of the wheel shows) to a temporary folder, opens it in headless Chromium at
1280 × 1500 pixels and saves the top of the page as ``docs/images/report.png``, reduced to
256 colours to keep the repository small.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
OUTPUT = DOCS / "images" / "report.png"
CITY, YEAR = "Dunmere (synthetic)", 2023
WINDOW = (1280, 1500)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def write_report(folder: Path) -> Path:
    """The example city's report, as ``u4ssc report`` writes it."""
    sys.path.insert(0, str(DOCS))
    from build_docs import builtin_engine

    from u4ssc.report import city_periods, write_reports

    result = builtin_engine().score(ROOT / "examples" / "cities.csv")
    (path,) = write_reports(city_periods(result, city=CITY, year=YEAR), folder / "report.html")
    return path


def screenshot(page: Path, png: Path, profile: Path) -> None:
    """Chromium's picture of the top of ``page``."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed: apt-get install chromium")
    width, height = WINDOW
    subprocess.run(
        [
            chromium,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> None:
    from PIL import Image  # installed with matplotlib (the report extra)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw = folder / "raw.png"
        screenshot(write_report(folder), raw, folder / "profile")
        image = Image.open(raw).convert("RGB").quantize(colors=256)
        OUTPUT.parent.mkdir(exist_ok=True)
        image.save(OUTPUT, optimize=True)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
