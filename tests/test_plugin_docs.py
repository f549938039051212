"""The plugin tutorial, docs/plugins.md, shows tested code and commands that work.

Code in the tutorial is included verbatim from files the test suite runs (the example package,
the one-off file, the table); the error shown is the real output for a broken table; every
``u4ssc`` command of the first steps is run here from the repository root; and the table's
column reference matches the loader's own list.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from pathlib import Path

import build_plugin_docs
import pytest
from click.testing import CliRunner
from test_city_packages import U4SSC, pip_install, run

from u4ssc.cli import cli
from u4ssc.core.indicator_tables import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "plugins.md"
REGENERATE = "run `python docs/build_plugin_docs.py` and commit the result"


@pytest.fixture(scope="module")
def text() -> str:
    return TUTORIAL.read_text(encoding="utf-8")


def shell_blocks(text: str) -> list[list[str]]:
    """The lines of each ```sh block, without comments."""
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [[line.split("  #")[0].strip() for line in b.strip().splitlines()] for b in blocks]


def test_included_files_are_current(text):
    assert build_plugin_docs.refresh_includes(text) == text, (
        f"docs/plugins.md is stale: {REGENERATE}"
    )
    included = set(build_plugin_docs.included_paths(text))
    package = ROOT / "examples" / "brindle-bay-kpis"
    every_source = {
        str(p.relative_to(ROOT))
        for p in [*package.rglob("*.py"), package / "pyproject.toml"]
        if "build" not in p.parts
    }
    assert every_source <= included, f"not shown in the tutorial: {every_source - included}"
    assert {"examples/plugins-dir/wifi_density.py", "examples/local-indicators.csv"} <= included


def test_shown_error_is_the_real_output(text):
    match = re.search(r"<!-- output: u4ssc (.*?) -->\n```text\n(.*?)```", text, re.S)
    assert match is not None
    result = CliRunner().invoke(cli, shlex.split(match[1]))
    assert result.exit_code == 3
    assert result.output == match[2]


def test_every_table_column_is_documented(text):
    for column, meaning in COLUMNS.items():
        assert f"| `{column}` | {meaning} |" in text, f"column {column} is not documented"


#: Lines of the tutorial that install tools from the network or publish: not run here.
PUBLISHING = ("pip install build", "python -m build", "twine ")


def test_the_tutorial_works_word_for_word(text, tmp_path):
    """Every ```sh block, run as typed in a fresh shell at the root of a copy of the repository:
    ``cd`` moves, ``pip install`` builds and installs (offline, into one folder on PYTHONPATH),
    ``pytest`` runs the package's tests, and each ``u4ssc`` command is the real console script."""
    root = tmp_path / "u4ssc"
    shutil.copytree(
        ROOT / "examples", root / "examples", ignore=shutil.ignore_patterns("build", "*.egg-info")
    )
    site = tmp_path / "site"
    ran = []
    for block in shell_blocks(text):
        cwd = root
        for line in block:
            args = shlex.split(line)
            if line.startswith(PUBLISHING):
                continue
            if args[0] == "cd":
                cwd = cwd / args[1]
                assert cwd.is_dir(), f"{line}: no such folder"
            elif args[:2] == ["pip", "install"]:
                assert args[2:] == ["-e", ".[test]"], line
                pip_install(cwd, site)
            elif args[0] == "pytest":
                result = run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], site, cwd
                )
                assert result.returncode == 0, f"{line} in {cwd}: {result.stdout}{result.stderr}"
            else:
                assert args[0] == "u4ssc", f"the test does not know how to run {line!r}"
                result = run([str(U4SSC), *args[1:]], site, cwd)
                assert result.returncode == 0, f"{line} in {cwd}: {result.stderr}"
                assert "Traceback" not in result.stderr
                assert "warning" not in result.stderr, result.stderr
            ran.append(line)
    assert len(ran) >= 15, ran
    for scores in (root / "scores.csv", root / "aster-kpis" / "scores.csv"):
        assert scores.is_file(), f"{scores} was not written"
    # The last command of step 2 read the workbook, two of whose formulas are typed with =.
    assert (root / "scores.csv").read_text(encoding="utf-8").count("LOCAL: HEALTH: 1") == 12
    scaffolded = (root / "aster-kpis" / "scores.csv").read_text(encoding="utf-8")
    assert scaffolded.count("ASTER: TREES: 1") == 2
