"""The benchmarking wheel: one segment per value and group, coloured as `u4ssc score` bands them."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from u4ssc.cli import cli

pytest.importorskip(
    "matplotlib", reason="the report extra is not installed (pip install '.[report]')"
)

from u4ssc.report import city_periods, wheel_of
from u4ssc.report.wheel import Painter

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "cities.csv"
SVG = "{http://www.w3.org/2000/svg}"
# The colour of every band `u4ssc score` prints, written out here rather than read from the palette.
RED, ORANGE, YELLOW, GREEN = "#d73027", "#fc8d59", "#fee08b", "#1a9850"
LIGHT_GREY, GREY = "#dcdcdc", "#8f8f8f"
EXPECTED = {
    "<33 %": RED,
    "33–66 %": ORANGE,
    "66–95 %": YELLOW,
    "≥95 %": GREEN,
    "no benchmark": LIGHT_GREY,
    "not scored": LIGHT_GREY,
    "": GREY,  # not reported, not applicable, invalid: no band at all
}
# Dunmere 2023 has values not reported and a broken consistency rule; Brindle Bay a value n/a.
CASES = [("Dunmere (synthetic)", 2023), ("Brindle Bay (synthetic)", 2022)]


@pytest.fixture(scope="module")
def result(official):
    return official.score(EXAMPLES)


@pytest.fixture(scope="module")
def scored() -> dict[str, list[dict]]:
    """What `u4ssc score --format json` prints for the example data, at every level."""
    runner = CliRunner()
    out = {}
    for level in ("kpi", "category", "subdimension", "dimension"):
        printed = runner.invoke(cli, ["score", str(EXAMPLES), "--format", "json", "--level", level])
        assert printed.exit_code == 0, printed.output
        out[level] = json.loads(printed.stdout)["rows"]
    return out


@pytest.fixture(scope="module")
def painter():
    return Painter()


def segments(svg: str) -> dict[str, list[tuple[str, str]]]:
    """(tooltip, fill colour) of every wheel segment in a drawn SVG, by ring, in drawing order."""
    rings: dict[str, list[tuple[int, str, str]]] = {}
    for group in ET.fromstring(svg.split("\n", 1)[1]).iter(f"{SVG}g"):
        found = re.fullmatch(r"wheel-(\w+)-(\d+)", group.get("id", ""))
        if not found:
            continue
        title = group.find(f"{SVG}title")
        path = next(group.iter(f"{SVG}path"))
        fill = re.search(r"fill: (#[0-9a-f]{6})", path.get("style", ""))
        assert title is not None
        assert fill is not None
        rings.setdefault(found[1], []).append((int(found[2]), title.text or "", fill[1]))
    return {ring: [(t, f) for _, t, f in sorted(items)] for ring, items in rings.items()}


@pytest.mark.parametrize(("city", "year"), CASES)
def test_one_segment_per_value_and_group_coloured_by_its_band(result, scored, painter, city, year):
    (period,) = city_periods(result, city=city, year=year)
    drawn = segments(painter.svg(wheel_of(period)))
    assert list(drawn) == ["dimension", "subdimension", "category", "kpi"]

    kpi_band = {
        r["code"] + (f": {r['data_point']}" if r["data_point"] else ""): r["band"]
        for r in scored["kpi"]
        if (r["city"], r["year"]) == (city, year)
    }
    ids = [title.split(" — ")[0] for title, _ in drawn["kpi"]]
    assert sorted(ids) == sorted(o.id for o in result.outputs)  # exactly one segment each
    assert len(ids) == len(result.outputs) == 112
    for output_id, (_, fill) in zip(ids, drawn["kpi"], strict=True):
        assert fill == EXPECTED[kpi_band[output_id]], output_id

    for level in ("category", "subdimension", "dimension"):
        bands = {
            tuple(r[k] for k in ("dimension", "subdimension", "category") if r[k]): r["band"]
            for r in scored[level]
            if (r["city"], r["year"]) == (city, year)
        }
        keys = [tuple(title.split(": ")[0].split(" › ")) for title, _ in drawn[level]]
        assert sorted(keys) == sorted(bands), level  # one segment per group, no more
        for key, (_, fill) in zip(keys, drawn[level], strict=True):
            assert fill == EXPECTED[bands[key]], key


@pytest.mark.parametrize(("city", "year"), CASES)
def test_values_without_a_number_are_grey(result, scored, painter, city, year):
    (period,) = city_periods(result, city=city, year=year)
    drawn = dict(segments(painter.svg(wheel_of(period)))["kpi"])
    missing = [
        r
        for r in scored["kpi"]
        if (r["city"], r["year"]) == (city, year)
        and r["status"] in ("not reported", "not applicable")
    ]
    assert missing, "the example row should have values not reported or not applicable"
    for row in missing:
        output_id = row["code"] + (f": {row['data_point']}" if row["data_point"] else "")
        (fill,) = [f for title, f in drawn.items() if title.startswith(f"{output_id} — ")]
        assert fill == GREY, output_id


def test_segment_sizes_are_the_number_of_values_beneath(result, painter):
    (period,) = city_periods(result, city="Aster (synthetic)", year=2024)
    wheel = wheel_of(period)
    figure = painter.figure(wheel)
    wedges = {p.get_gid(): p for p in figure.axes[0].patches if p.get_gid()}
    total = len(result.outputs)
    for level, ring in wheel.rings.items():
        assert sum(s.size for s in ring) == total
        for i, segment in enumerate(ring):
            wedge = wedges[f"wheel-{level}-{i}"]
            assert (wedge.theta2 - wedge.theta1) == pytest.approx(360 * segment.size / total)
    categories = {
        (o.indicator.dimension, o.indicator.subdimension, o.indicator.category)
        for o in result.outputs
    }
    assert len(wheel.rings["category"]) == len(categories)
    assert wheel.rings["category"][0].size == sum(
        1 for o in result.outputs if o.indicator.category == "ICT Infrastructure"
    )


def test_rings_run_clockwise_from_the_top_in_catalogue_order(result, painter):
    (period,) = city_periods(result, city="Aster (synthetic)", year=2024)
    wheel = wheel_of(period)
    wedges = [
        p
        for p in painter.figure(wheel).axes[0].patches
        if (p.get_gid() or "").startswith("wheel-kpi")
    ]
    assert wedges[0].theta2 == pytest.approx(90)  # starts at twelve o'clock, going clockwise
    assert wedges[1].theta2 == pytest.approx(wedges[0].theta1)
    assert [s.label for s in wheel.rings["dimension"]] == [
        "Economy",
        "Environment",
        "Society and Culture",
    ]
    assert wheel.rings["kpi"][0].label == "ICT 1C"


def test_png_has_the_band_colours_and_segments_link_in_reports(result, painter, tmp_path):
    from PIL import Image

    from u4ssc.report import write_wheel

    (period,) = city_periods(result, city="Dunmere (synthetic)", year=2023)
    path = write_wheel(period, tmp_path / "wheel.png")
    image = Image.open(io.BytesIO(path.read_bytes())).convert("RGB")
    assert image.size[0] >= 1000
    colours = {f"#{r:02x}{g:02x}{b:02x}" for _, (r, g, b) in image.getcolors(1 << 20)}
    assert {RED, ORANGE, YELLOW, GREEN, LIGHT_GREY, GREY} <= colours

    linked = painter.svg(wheel_of(period), links=True, standalone=False)
    assert 'xlink:href="#kpi-ec-ict-ict-1c"' in linked
    assert "_blank" not in linked  # links stay in the page


def test_wheel_svg_is_deterministic_and_escapes_text(result, painter):
    (period,) = city_periods(result, city="Aster (synthetic)", year=2022)
    period.city = "<b>A & B</b> $x$"
    svg = painter.svg(wheel_of(period), text_as_paths=False)
    assert svg == Painter().svg(wheel_of(period), text_as_paths=False)
    assert "<b>" not in svg
    assert "&lt;b&gt;A &amp; B&lt;/b&gt; $x$ 2022" in svg  # the $ signs are not mathematics
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg')
