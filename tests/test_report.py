"""City reports: content from the scored result, escaping, self-containment, CLI, lazy imports."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import readme_picture

from u4ssc.cli import cli
from u4ssc.core import DataItem, Kind, UnknownNameError, check, hookimpl, indicator, percent
from u4ssc.report import city_periods
from u4ssc.report.html import Markup, el, escape
from u4ssc.report.model import band_state, short_code, slug
from u4ssc.report.output import file_names

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "cities.csv"
EVIL = "<script>alert(1)</script>"
needs_matplotlib = pytest.mark.skipif(
    not __import__("importlib.util").util.find_spec("matplotlib"),
    reason="the report extra is not installed (pip install '.[report]')",
)


@pytest.fixture(scope="module")
def result(official):
    return official.score(EXAMPLES)


@pytest.fixture(scope="module")
def dunmere(result):
    (period,) = city_periods(result, city="Dunmere (synthetic)", year=2023)
    return period


@pytest.fixture(scope="module")
def page(dunmere) -> str:
    if not __import__("importlib.util").util.find_spec("matplotlib"):
        pytest.skip("the report extra is not installed (pip install '.[report]')")
    from u4ssc.report import report_html

    return report_html(dunmere)


def section(page: str, anchor: str) -> str:
    """The HTML of one ``<section id=...>`` of a page."""
    found = re.search(rf'<section id="{anchor}">(.*?)</section>', page, re.DOTALL)
    assert found, f"no section {anchor}"
    return found[1]


# -- the HTML builder ------------------------------------------------------------------------------


def test_builder_escapes_text_and_attributes_but_not_markup():
    assert el("td", EVIL, title='"x" & y') == (
        '<td title="&quot;x&quot; &amp; y">&lt;script&gt;alert(1)&lt;/script&gt;</td>'
    )
    assert el("p", el("b", "bold"), None, ["a", 1]) == "<p><b>bold</b>a1</p>"
    assert el("th", "x", class_="num", colspan=2, hidden=True, id=None, open=False) == (
        '<th class="num" colspan="2" hidden>x</th>'
    )
    assert el("meta", http_equiv="refresh") == '<meta http-equiv="refresh">'
    assert escape(Markup("<i>kept</i>")) == "<i>kept</i>"
    assert escape("<i>") == "&lt;i&gt;"


# -- what a report is made of --------------------------------------------------------------------


def test_band_states_and_short_codes():
    labels = ("<33 %", "33–66 %", "66–95 %", "≥95 %")
    assert [band_state(b, labels) for b in labels] == ["1", "2", "3", "4"]
    assert band_state("no benchmark", labels) == band_state("not scored", labels) == "unscored"
    assert band_state("", labels) == "missing"
    assert short_code("EC: ICT: ICT: 1C") == "ICT 1C"
    assert short_code("EN: EN: AQ: 1C", "PM2.5") == "AQ 1C PM2.5"
    assert slug(EVIL) == "script-alert-1-script"
    assert slug("???") == "x"


def test_city_periods_select_rows_and_explain_misses(result):
    assert len(city_periods(result)) == 12
    assert [p.year for p in city_periods(result, city="aster  (SYNTHETIC)")] == [2022, 2023, 2024]
    with pytest.raises(UnknownNameError, match=r"did you mean 'Aster \(synthetic\)'"):
        city_periods(result, city="Aster")
    with pytest.raises(UnknownNameError, match="'2030'; did you mean '2022' or '2023' or '2024'"):
        city_periods(result, city="Corvale (synthetic)", year=2030)


def test_period_holds_the_engines_rows_unchanged(result, dunmere):
    records = list(result.records())[10 * 112 : 11 * 112]
    assert [k.record for k in dunmere.kpis] == records
    overall = result.rollup_records("overall")[10]
    assert dunmere.overall == overall
    core = result.rollup_records("overall", tier="core")[10]
    assert dunmere.coverage["core"]["scored"] == core["scored"]
    assert dunmere.coverage["advanced"]["total"] == overall["total"] - core["total"]
    assert [w.check for w in dunmere.warnings] == ["smart_water_above_electricity_meters"]


def test_file_names_are_distinct_and_safe(result):
    periods = city_periods(result, city="Aster (synthetic)")
    periods[1].city = periods[0].city = "A/B"
    periods[1].year = periods[0].year
    names = file_names(periods)
    assert list(names.values()) == ["a-b-2022.html", "a-b-2022-2.html", "aster-synthetic-2024.html"]


# -- the page ------------------------------------------------------------------------------------


@needs_matplotlib
def test_report_shows_city_coverage_wheel_scores_and_every_value(page, dunmere):
    assert "<h1><bdi>Dunmere (synthetic)</bdi></h1>" in page
    assert '<p class="period">2023</p>' in page
    coverage = section(page, "coverage")
    every = dunmere.coverage["all"]
    assert f'<td>all</td><td class="num">{every["scored"]}</td>' in coverage
    wheel = section(page, "wheel")
    assert wheel.count("<title>") == 112 + 27 + 7 + 3  # values, categories, ...
    scores = section(page, "scores")
    assert scores.count("<tr") == 1 + 1 + 3 + 7 + 27  # heading, overall, groups
    for kpi in dunmere.kpis:  # one row per value, with its status and band
        row = re.search(rf'<tr id="{kpi.anchor}">(.*?)</tr>', page, re.DOTALL)
        assert row, kpi.id
        assert f"<div>{kpi.record['status']}</div>" in row[1]
        assert html.escape(kpi.record["band"] or kpi.record["status"]) in row[1]


@needs_matplotlib
def test_report_lists_missing_values_warnings_and_manifest(page, dunmere):
    missing = section(page, "not-reported")
    for kpi in dunmere.kpis:
        if kpi.record["status"] == "not reported":
            assert html.escape(kpi.record["reason"]) in missing
    assert missing.count("<tr>") == 1 + sum(k.record["value"] is None for k in dunmere.kpis)
    warnings = section(page, "warnings")
    assert "smart_water_above_electricity_meters: Smart Water Meters is above" in warnings
    manifest = re.search(r'<pre class="manifest">(.*?)</pre>', page, re.DOTALL)
    assert json.loads(html.unescape(manifest[1])) == json.loads(json.dumps(dunmere.manifest))
    assert page.index('id="warnings"') < page.index('id="manifest"')


@needs_matplotlib
def test_report_is_self_contained(page):
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page
    assert "url(http" not in page
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in html.unescape(page)


class Mischief:
    """A plugin whose every text is HTML."""

    widgets = DataItem("widgets", "<i>Widgets</i>", "<u>w</u>", Kind.COUNT, "<b>w</b>")
    gadgets = DataItem("gadgets", "Gadgets", "g", Kind.COUNT, "g")

    @staticmethod
    @indicator(
        "M: M: M: 1C",
        name="<img src=x onerror=alert(2)>",
        unit="<u>%</u>",
        dimension="<em>Dim</em>",
        subdimension="<em>Sub</em>",
        category="<em>Cat</em>",
        direction="higher",
    )
    def widget_share(widgets, gadgets):
        """Widgets per gadget."""
        return percent(widgets, gadgets)

    @staticmethod
    @check("<marquee>too many widgets</marquee>")
    def too_many(widget_share):
        """Flag shares above 50."""
        return widget_share > 50

    @hookimpl
    def u4ssc_data_items(self):
        return [self.widgets, self.gadgets]

    @hookimpl
    def u4ssc_indicators(self):
        return [self.widget_share]

    @hookimpl
    def u4ssc_checks(self):
        return [self.too_many]


@needs_matplotlib
def test_city_names_and_plugin_texts_are_escaped(build):
    from u4ssc.report import report_html
    from u4ssc.report.compare import render_comparison

    engine = build(mischief=Mischief())
    rows = [{"city": EVIL, "year": 2024, "widgets": 80, "gadgets": 100}]
    periods = city_periods(engine.score(rows))
    page = report_html(periods[0])
    for text in (EVIL, "<img src=x onerror=alert(2)>", "<em>Dim</em>", "<u>%</u>", "<marquee>"):
        assert text not in page
        assert html.escape(text, quote=False) in page
    assert "<h1><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></h1>" in page
    comparison = render_comparison(periods, "0")
    assert EVIL not in comparison
    assert "<img" not in comparison
    assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi> 2024" in comparison


@needs_matplotlib
def test_comparison_grid_has_a_cell_per_value_and_period(result):
    from u4ssc.report.compare import render_comparison

    periods = city_periods(result, year=2024)
    page = render_comparison(periods, "0", {p.row: f"r{p.row}.html" for p in periods})
    grid = section(page, "grid")
    cells = re.findall(r'<td class="cell s-([\w]+)" title="([^"]*)">([^<]*)</td>', grid)
    assert len(cells) == 112 * 4
    short = {"no benchmark": "·", "not reported": "NR", "not applicable": "NA"}
    for i, (state, title, text) in enumerate(cells):
        kpi = periods[i % 4].kpis[i // 4]
        assert state == kpi.state
        period = periods[i % 4]  # the city's direction isolated (U+2068 ... U+2069)
        where = f"\u2068{period.city}\u2069 {period.year} · {kpi.record['code']}"
        assert html.unescape(title).startswith(where)
        rec = kpi.record
        assert text == (
            str(rec["points"]) if rec["points"] else short[rec["band"] or rec["status"]]
        )
    scores = section(page, "scores")
    assert scores.count('<td class="cell') == 4 * (1 + 3 + 7 + 27)
    assert '<a href="r2.html"><bdi>Aster (synthetic)</bdi> 2024</a>' in page


# -- command line --------------------------------------------------------------------------------


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


@needs_matplotlib
def test_cli_report_writes_one_page_per_city_period_and_a_comparison(run, tmp_path):
    out = tmp_path / "reports"
    done = run(
        "report", str(EXAMPLES), "--city", "Corvale (synthetic)", "--compare", "-o", str(out)
    )
    assert done.exit_code == 0, done.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "comparison.html",
        "corvale-synthetic-2022.html",
        "corvale-synthetic-2023.html",
        "corvale-synthetic-2024.html",
    ]
    assert done.output.splitlines()[-1] == str(out / "comparison.html")
    one = tmp_path / "one.html"
    assert (
        run(
            "report", str(EXAMPLES), "--city", "Aster (synthetic)", "--year", "2023", "-o", str(one)
        ).exit_code
        == 0
    )
    assert "<h1><bdi>Aster (synthetic)</bdi></h1>" in one.read_text(encoding="utf-8")


@needs_matplotlib
def test_cli_report_with_local_indicators_and_include_local(run, tmp_path):
    table = ROOT / "examples" / "local-indicators.csv"
    page = tmp_path / "aster.html"
    args = ["--city", "Aster (synthetic)", "--year", "2024", "--indicators", str(table)]
    assert run("report", str(EXAMPLES), *args, "-o", str(page)).exit_code == 0
    alone = page.read_text(encoding="utf-8")
    assert 'id="kpi-local-ict-2"' in alone  # the local KPIs have rows and wheel segments
    assert 'xlink:href="#kpi-local-ict-2"' in alone
    assert run("report", str(EXAMPLES), *args, "--include-local", "-o", str(page)).exit_code == 0
    pooled = page.read_text(encoding="utf-8")
    total = re.compile(r'<td>all</td>(?:<td class="num">\d+</td>){5}<td class="num">(\d+)</td>')
    assert int(total.search(pooled)[1]) == int(total.search(alone)[1]) + 4  # local values count


@needs_matplotlib
def test_cli_wheel_writes_svg_and_png(run, tmp_path):
    for name in ("w.svg", "w.PNG"):
        done = run(
            "wheel",
            str(EXAMPLES),
            "--city",
            "Corvale (synthetic)",
            "--year",
            "2023",
            "-o",
            str(tmp_path / name),
        )
        assert done.exit_code == 0, done.output
    assert (tmp_path / "w.svg").read_text(encoding="utf-8").count('id="wheel-kpi-') == 112
    assert (tmp_path / "w.PNG").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["wheel", "--city", "Aster (synthetic)", "-o", "w.svg"],
            2,
            "3 city-periods match (Aster (synthetic) 2022, Aster (synthetic) 2023, "
            "Aster (synthetic) 2024); choose one with --city and --year",
        ),
        (
            ["wheel", "--city", "Aster", "--year", "2022", "-o", "w.svg"],
            2,
            "unknown city 'Aster'; did you mean 'Aster (synthetic)'?",
        ),
        (["wheel", "--city", "Aster (synthetic)", "-o", "w.pdf"], 5, "must end in .svg or .png"),
        (["report", "-o", "all.html"], 2, "12 city-periods match but all.html is one file"),
        (["report", "--year", "1999", "-o", "out"], 2, "unknown year: '1999'"),
    ],
)
def test_cli_selection_mistakes_are_short_messages(tmp_path, args, code, message):
    args = [*args[:1], str(EXAMPLES), *args[1:]]
    args[-1] = str(tmp_path / args[-1])
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == code
    assert message in " ".join(done.output.split())
    assert "Traceback" not in done.output
    assert not any(tmp_path.iterdir())


def test_cli_missing_input_file_exits_4(tmp_path):
    done = CliRunner().invoke(cli, ["report", str(tmp_path / "nope.csv"), "-o", str(tmp_path)])
    assert done.exit_code == 4
    assert "nope.csv" in done.output


def test_missing_matplotlib_is_a_clear_error(result, monkeypatch, tmp_path):
    from u4ssc.core import ConfigurationError
    from u4ssc.report import write_wheel

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    monkeypatch.delitem(sys.modules, "u4ssc.report.wheel", raising=False)
    (period,) = city_periods(result, city="Aster (synthetic)", year=2022)
    with pytest.raises(ConfigurationError, match=r"pip install 'u4ssc\[report\]'"):
        write_wheel(period, tmp_path / "w.svg")


def _plotting_modules() -> list[str]:
    return [
        m
        for m in sys.modules
        if m.split(".")[0] == "matplotlib" or m == "u4ssc.report" or m.startswith("u4ssc.report.")
    ]


@pytest.mark.parametrize("command", [[], ["report"], ["wheel"]])
def test_help_imports_neither_matplotlib_nor_the_report_package(monkeypatch, command):
    for name in _plotting_modules():  # forgotten for this test only; any import would show
        monkeypatch.delitem(sys.modules, name)
    shown = CliRunner().invoke(cli, [*command, "--help"])
    assert shown.exit_code == 0
    assert "Usage: cli" in shown.output
    assert _plotting_modules() == []


def test_cli_output_that_cannot_be_written_is_a_short_message(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    args = ["report", str(EXAMPLES), "--city", "Aster (synthetic)", "-o", str(blocker / "out")]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 5
    assert f"cannot write {blocker / 'out'}: Not a directory" in done.output
    assert "Traceback" not in done.output


def test_readme_shows_the_generated_report_screenshots():
    readme_picture("report.png")
    # The second screenshot shows the progress section and a KPI table with its trend column.
    assert "trend column" in readme_picture("report-trends.png")


@needs_matplotlib
def test_report_shows_the_data_quality_and_source_the_city_gave(run, tmp_path):
    data = tmp_path / "long.csv"
    data.write_text(
        "city,year,item,value,source,quality\n"
        "Aster,2024,households,1000,Census 2021,accurate measurement\n"
        "Aster,2024,households_with_internet,812,Telecom survey,"
        "extrapolated from a survey of inhabitants\n",
        encoding="utf-8",
    )
    page = tmp_path / "aster.html"
    assert run("report", str(data), "--city", "Aster", "-o", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    row = re.search(r'<tr[^>]*>\s*<td class="code">EC: ICT: ICT: 1C</td>.*?</tr>', text, re.DOTALL)
    assert row is not None
    # The worst quality level of the two inputs, and both sources.
    assert "extrapolated from a survey of inhabitants" in row.group(0)
    assert "Census 2021" in row.group(0)
    assert "Telecom survey" in row.group(0)
