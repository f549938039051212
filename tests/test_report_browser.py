"""The HTML reports opened in a real browser: headless Chromium, driven over the DevTools pipe.

The reports of the example data, plus a city called ``<script>alert(1)</script>``, are written by
``u4ssc report --compare`` and loaded from disk. Each page must load with no console error (a
blocked network request or a script would log one, the pages forbid both), show the wheel, and
show the hostile city name as text. CI installs Debian's ``chromium`` in ``.ci/run``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from chromium import Browser, find_chromium
from click.testing import CliRunner

from u4ssc.cli import cli

pytest.importorskip(
    "matplotlib", reason="the report extra is not installed (pip install '.[report]')"
)
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: .ci/run installs Debian's package; locally run "
    "'apt-get install chromium'",
)

ROOT = Path(__file__).resolve().parents[1]
EVIL = "<script>alert(1)</script>"
WHITE = (255, 255, 255)
GREEN, RED, GREY = (0x1A, 0x98, 0x50), (0xD7, 0x30, 0x27), (0x8F, 0x8F, 0x8F)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The example data plus a hostile city, as reports and a comparison page."""
    folder = tmp_path_factory.mktemp("reports")
    with (ROOT / "examples" / "cities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows.append({**rows[-1], "city": EVIL})
    data = folder / "cities.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = folder / "out"
    done = CliRunner().invoke(
        cli, ["report", str(data), "--year", "2024", "--compare", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    assert CHROMIUM is not None
    with Browser(CHROMIUM, tmp_path_factory.mktemp("chromium-profile")) as running:
        yield running


@pytest.mark.parametrize(
    "page", ["aster-synthetic-2024.html", "script-alert-1-script-2024.html", "comparison.html"]
)
def test_page_loads_without_console_errors(browser, reports, page):
    load = browser.open(reports / page)
    assert load.errors == []
    assert load.dialogs == []
    assert browser.evaluate("document.scripts.length") == 0
    policy = browser.evaluate(
        "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
    )
    assert policy.startswith("default-src 'none'")


def test_report_renders_the_wheel_and_is_not_blank(browser, reports, tmp_path):
    from PIL import Image

    assert browser.open(reports / "aster-synthetic-2024.html").errors == []
    assert browser.evaluate("document.querySelectorAll('svg [id^=\"wheel-kpi-\"]').length") == 112
    height = browser.evaluate(
        "document.querySelector('figure.wheel svg').getBoundingClientRect().height"
    )
    assert height > 500
    png = browser.screenshot()
    (tmp_path / "report.png").write_bytes(png)  # kept by pytest for a look when this fails
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1280, 1600)
    counts = {colour: n for n, colour in image.getcolors(1 << 24)}
    assert 1 - counts.get(WHITE, 0) / (1280 * 1600) > 0.15  # well more than a blank page
    assert counts.get(GREEN, 0) > 2000  # the wheel's ≥95 % segments are painted
    assert counts.get(GREY, 0) + counts.get(RED, 0) > 0


def test_hostile_city_name_shows_as_text(browser, reports):
    load = browser.open(reports / "script-alert-1-script-2024.html")
    assert load.errors == []
    assert load.dialogs == []
    assert browser.evaluate("document.querySelector('h1').textContent") == EVIL
    # The city name is isolated (FSI … PDI) so that a right-to-left name keeps the year in place.
    assert browser.evaluate("document.title") == f"U4SSC report — \u2068{EVIL}\u2069 2024"
    assert EVIL in browser.evaluate("document.body.innerText")
    assert browser.evaluate("document.querySelectorAll('h1 :not(bdi)').length") == 0

    browser.open(reports / "comparison.html")
    headings = browser.evaluate(
        "Array.from(document.querySelectorAll('th.cp')).map(th => th.textContent)"
    )
    assert f"{EVIL} 2024" in headings
