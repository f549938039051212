"""Make the README's screenshots of a city report, in headless Chromium, and of the filled
data-collection workbook, printed by LibreOffice, from the example data.

Run from the repository root after ``pip install -e ".[dev]"``, with Debian's ``chromium``,
``libreoffice-calc-nogui`` and ``poppler-utils`` installed (``apt-get install chromium
libreoffice-calc-nogui poppler-utils``)::

    python docs/make_screenshots.py            # both
    python docs/make_screenshots.py workbook   # the workbook only

It scores ``examples/cities.csv`` with the built-in plugins only, writes the report of
Dunmere (synthetic) 2023 (a city with values not reported and a broken consistency rule, so
every colour of the wheel shows) to a temporary folder, opens it in headless Chromium at
1280 × 1500 pixels with the driver of the browser tests (``tests/chromium.py``), stops if the page
logs an error, and saves the top of the page as ``docs/images/report.png`` and the page from its
"Progress over time" section on (the dimension chart, the inputs to report next and the first KPI
table with its trend column) as ``docs/images/report-trends.png``, each reduced to 256 colours
to keep the repository small.

The workbook's picture is the first page of the KPIs sheet of ``u4ssc template``'s workbook with
Dunmere (synthetic) 2023 typed into its Inputs sheet: LibreOffice headless recalculates it and
prints it to PDF (landscape, fitted to the page width, as the workbook sets it up), ``pdftoppm``
turns that page into pixels, and its top half, 1280 pixels wide, is saved as
``docs/images/workbook.png``.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
OUTPUT = DOCS / "images" / "report.png"
TRENDS = DOCS / "images" / "report-trends.png"
WORKBOOK = DOCS / "images" / "workbook.png"
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


def filled_workbook(folder: Path) -> Path:
    """``u4ssc template``'s workbook with the example city-year typed into its Inputs sheet."""
    sys.path.insert(0, str(DOCS))
    from build_docs import builtin_engine

    from u4ssc.excel_addin.template import build_workbook

    with (ROOT / "examples" / "cities.csv").open(encoding="utf-8", newline="") as handle:
        (values,) = (
            r for r in csv.DictReader(handle) if (r["city"], r["year"]) == (CITY, f"{YEAR}")
        )
    workbook, _ = build_workbook(builtin_engine())
    sheet = workbook["Inputs"]
    sheet["B2"], sheet["B3"] = values.pop("city"), int(values.pop("year"))
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    for name, text in values.items():
        if text:
            sheet.cell(rows[name], 4, _number(text))
    path = folder / "dunmere-2023.xlsx"
    workbook.save(path)
    return path


def _number(text: str) -> float | str:
    """A CSV cell as a spreadsheet user types it: a number if it reads as one."""
    try:
        return float(text)
    except ValueError:
        return text


def workbook_picture(folder: Path) -> bytes:
    """The top of the first KPIs page of the filled workbook, printed by LibreOffice, as PNG."""
    import pypdf

    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        raise SystemExit(
            "needs LibreOffice and poppler: apt-get install libreoffice-calc-nogui poppler-utils"
        )
    profile = (folder / "lo-profile").as_uri()
    convert = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    workbook = filled_workbook(folder)
    subprocess.run([*convert, "--outdir", str(folder), str(workbook)], check=True, timeout=300)
    pdf = workbook.with_suffix(".pdf")
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    page = next(n for n, text in enumerate(pages, 1) if "U4SSC data collection: KPIs" in text)
    png = folder / "page"
    subprocess.run(
        [pdftoppm, "-png", "-r", "160", "-f", str(page), "-l", str(page), "-singlefile", pdf, png],
        check=True,
        timeout=120,
    )
    return png.with_suffix(".png").read_bytes()


def main() -> None:
    from PIL import Image  # installed with matplotlib (the report extra)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        WORKBOOK.parent.mkdir(exist_ok=True)
        page = Image.open(io.BytesIO(workbook_picture(folder))).convert("RGB")
        top = page.crop((0, 0, page.width, page.height // 2))
        top = top.resize((1280, round(top.height * 1280 / top.width)), Image.Resampling.LANCZOS)
        top.quantize(colors=256).save(WORKBOOK, optimize=True)
        print(f"wrote {WORKBOOK.relative_to(ROOT)} ({WORKBOOK.stat().st_size / 1e3:.0f} kB)")
    if sys.argv[1:] == ["workbook"]:
        return
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
