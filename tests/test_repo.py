"""The repository keeps its promises to a newcomer: README commands, CI and layout agree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.DOTALL)
    assert block is not None, "README must open with a sh code block"
    return block.group(1).strip().splitlines()


def test_readme_opens_with_install_and_test_commands():
    install, test = readme_commands()
    assert "pip install -e ." in install
    assert "u4ssc score examples/" in install
    assert "pytest" in test


def test_ci_runs_exactly_the_readme_test_command():
    _, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = test.split("&& ", 1)[1]  # the install step is done by CI itself
    assert test_command in ci.splitlines()
    assert 'pip install --quiet -e ".[dev]"' in ci


def test_example_data_of_the_first_command_exists():
    install, _ = readme_commands()
    path = re.search(r"u4ssc score (\S+)", install).group(1)
    assert (ROOT / path).is_file()
