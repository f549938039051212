"""The plugin tutorial, docs/plugins.md, shows tested code and commands that work.

Code in the tutorial is included verbatim from files the test suite runs (the example package,
the one-off file, the table); the error shown is the real output for a broken table; every
``u4ssc`` command of the first steps is run here from the repository root; and the table's
column reference matches the loader's own list.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import build_plugin_docs
import pytest
from click.testing import CliRunner

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


def test_tutorial_commands_run_from_the_repository_root(text, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    ran = []
    for block in shell_blocks(text):
        if any(line.startswith(("cd ", "pip ", "python ", "twine ")) for line in block):
            continue  # installing and publishing are tested in test_city_packages.py
        for line in block:
            args = shlex.split(line)
            if args[0] != "u4ssc" or "new-plugin" in args or any(".xlsx" in a for a in args):
                continue
            args = [str(tmp_path / a) if a == "scores.csv" else a for a in args[1:]]
            result = runner.invoke(cli, args)
            assert result.exit_code == 0, f"{line}: {result.output}"
            ran.append(line)
    assert len(ran) >= 5
    scores = (tmp_path / "scores.csv").read_text(encoding="utf-8")  # from the last command
    assert scores.count("LOCAL: ICT: 2") == 12
