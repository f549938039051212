"""City plugins as a city ships them: an installed package, a scaffolded one, a one-off file.

The packages are really built and installed by pip, offline (``--no-index``, no build isolation,
with the setuptools of the dev extra), into a temporary folder put on ``PYTHONPATH``; the real
``u4ssc`` command then finds them through their entry points, and their own tests run with pytest.
Nothing is installed into the environment the other tests use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from u4ssc.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "brindle-bay-kpis"
U4SSC = Path(sys.executable).with_name("u4ssc")


def pip_install(source: Path, target: Path) -> None:
    """Build and install the package at ``source`` into ``target``, as a user's pip would."""
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"),
            *("--no-build-isolation", "--disable-pip-version-check"),
            *("--target", str(target), str(source)),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert list(target.glob("*.dist-info/entry_points.txt")), "pip installed no entry point"


def environment(site: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("U4SSC_")}
    env["PYTHONPATH"] = str(site)
    return env


def run(args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=environment(site), capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example package, copied out of the repository and installed into its own folder."""
    base = tmp_path_factory.mktemp("brindle")
    source = base / "brindle-bay-kpis"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    site = base / "site"
    pip_install(source, site)
    return source, site


def test_example_package_installs_and_scores_through_the_cli(example_site):
    source, site = example_site
    listed = run([str(U4SSC), "plugins", "--format", "json"], site, source)
    assert listed.returncode == 0, listed.stderr
    plugin = next(p for p in json.loads(listed.stdout) if p["name"] == "brindle_bay")
    assert (plugin["version"], plugin["indicators"], plugin["data_items"]) == ("1.0.0", 4, 5)
    assert plugin["replaces"] == ["EN: EN: WS: 2C"]
    assert plugin["origin"] == "brindle-bay-kpis (brindle_bay_kpis)"

    scored = run([str(U4SSC), "score", "data/brindle_bay.csv", "--format", "json"], site, source)
    assert scored.returncode == 0, scored.stderr
    payload = json.loads(scored.stdout)
    bathing = [r for r in payload["rows"] if r["code"] == "BB: COAST: 1"]
    assert [r["status"] for r in bathing] == ["computed", "computed", "not reported"]
    assert bathing[0]["value"] == pytest.approx(221 / 240 * 100)
    assert (bathing[0]["target_kind"], bathing[0]["points"]) == ("local", 4)
    assert payload["manifest"]["replacements"] == [
        {
            "code": "EN: EN: WS: 2C",
            "plugin": "brindle_bay",
            "replaces_plugin": "environment",
            "replaces": "water_consumption",
        }
    ]

    explained = run([str(U4SSC), "explain", "EN: EN: WS: 2C"], site, source)
    assert "tourist_overnight_stays" in explained.stdout
    assert "brindle_bay (replaces the formula of plugin 'environment')" in explained.stdout


def test_example_package_own_tests_pass(example_site):
    source, site = example_site
    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], site, source)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "5 passed" in tests.stdout


def test_scaffolded_package_installs_passes_its_tests_and_scores(tmp_path):
    created = CliRunner().invoke(cli, ["new-plugin", "Aster KPIs", "--dir", str(tmp_path)])
    assert created.exit_code == 0, created.output
    source = tmp_path / "aster-kpis"
    assert sorted(str(p.relative_to(source)) for p in source.rglob("*") if p.is_file()) == [
        ".gitignore",
        "README.md",
        "aster_kpis/__init__.py",
        "data/example.csv",
        "pyproject.toml",
        "tests/test_aster_kpis.py",
    ]
    assert f"next: cd {source}" in created.output
    site = tmp_path / "site"
    pip_install(source, site)

    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], site, source)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout

    # The command its README gives, on the data file it ships.
    scored = run([str(U4SSC), "score", "data/example.csv", "--format", "json"], site, source)
    assert scored.returncode == 0, scored.stderr
    rows = [r for r in json.loads(scored.stdout)["rows"] if r["code"] == "ASTER: TREES: 1"]
    assert [(r["city"], r["value"], r["target_kind"]) for r in rows] == [
        ("Aster", 131.25, "local"),
        ("Aster", 150.0, "local"),
    ]

    lint = run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "E,F,W,I,B,UP", "."],
        site,
        source,
    )
    assert lint.returncode == 0, lint.stdout


def test_new_plugin_refuses_bad_names_and_used_folders(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(cli, ["new-plugin", "9 lives", "--dir", str(tmp_path)])
    assert bad.exit_code == 2
    assert "cannot name a Python package" in bad.output
    assert runner.invoke(cli, ["new-plugin", "u4ssc", "--dir", str(tmp_path)]).exit_code == 2
    (tmp_path / "aster-kpis").mkdir()
    (tmp_path / "aster-kpis" / "notes.txt").write_text("mine")
    used = runner.invoke(cli, ["new-plugin", "aster-kpis", "--dir", str(tmp_path)])
    assert used.exit_code == 2
    assert "already exists and is not empty" in used.output
    assert (tmp_path / "aster-kpis" / "notes.txt").read_text() == "mine"


ONE_OFF = '''
    """Brindle Bay's quick local indicator, before it goes into the package."""

    from u4ssc.core import DataItem, Kind, hookimpl, indicator

    beach_lifeguards = DataItem(
        "beach_lifeguards", "Beach lifeguards", "lifeguards", Kind.COUNT,
        "Lifeguards on duty at the city's beaches on a summer day.",
    )


    @indicator("BB: COAST: 9", name="Lifeguards", unit="per km of beach", dimension="Local",
               subdimension="Brindle Bay", category="Coast", direction="higher", tier="advanced")
    def lifeguards_per_km(beach_lifeguards, beach_length):
        """Lifeguards on duty per kilometre of beach."""
        return beach_lifeguards / beach_length


    @indicator("EC: ICT: ICT: 1C", name="Household Internet Access", unit="%",
               dimension="Economy", subdimension="ICT", category="ICT Infrastructure",
               direction="higher", replaces=True)
    def internet_access_per_dwelling(households_with_internet, dwellings):
        """Households with Internet access per occupied dwelling (the local office's count)."""
        return households_with_internet / dwellings * 100


    @hookimpl
    def u4ssc_data_items():
        return [beach_lifeguards,
                DataItem("beach_length", "Beach length", "km", Kind.AMOUNT, "Beaches."),
                DataItem("dwellings", "Occupied dwellings", "dwellings", Kind.COUNT, "Homes.")]


    @hookimpl
    def u4ssc_indicators():
        return [lifeguards_per_km, internet_access_per_dwelling]
'''


def test_one_off_file_works_like_a_package(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "brindle_quick.py").write_text(textwrap.dedent(ONE_OFF))
    data = tmp_path / "data.csv"
    data.write_text(
        "city,year,beach_lifeguards,beach_length,households_with_internet,dwellings,households\n"
        "Brindle Bay,2024,18,6,800,1000,900\n"
    )
    runner = CliRunner()
    group = ["--plugins-dir", str(plugins)]

    scored = runner.invoke(cli, [*group, "score", str(data), "--format", "json"])
    assert scored.exit_code == 0, scored.output
    payload = json.loads(scored.stdout)
    values = {r["code"]: r["value"] for r in payload["rows"]}
    assert values["BB: COAST: 9"] == pytest.approx(3.0)
    assert values["EC: ICT: ICT: 1C"] == pytest.approx(80.0)  # not 800 / 900 households
    (replacement,) = payload["manifest"]["replacements"]
    assert (replacement["plugin"], replacement["replaces_plugin"]) == ("brindle_quick", "economy")

    listed = runner.invoke(cli, [*group, "plugins"])
    line = next(x for x in listed.output.splitlines() if x.startswith("brindle_quick"))
    assert "EC: ICT: ICT: 1C" in line
    assert "file" in line
    explained = runner.invoke(cli, [*group, "explain", "EC: ICT: ICT: 1C"])
    assert "brindle_quick (replaces the formula of plugin 'economy')" in explained.output
    assert "dwellings" in explained.output


def test_overriding_an_official_formula_needs_replaces(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "sneaky.py").write_text(textwrap.dedent(ONE_OFF).replace("replaces=True", ""))
    result = CliRunner().invoke(cli, ["--plugins-dir", str(plugins), "plugins"])
    assert result.exit_code == 3
    assert "indicator code 'EC: ICT: ICT: 1C' is defined by plugins 'economy' and 'sneaky'" in (
        result.output
    )
    assert "pass replaces=True" in result.output
