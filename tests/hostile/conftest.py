"""Hostile-user tests: each case of the "no silent wrong results" rule, run through the CLI.

A case invokes ``u4ssc`` the way a user types it and then asserts, with :func:`assert_told`,
that the run either refused with an exit code and a message naming what, where and how to fix,
or came out with every input city-year and every KPI accounted for. Nothing here may print a
Python traceback.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from conftest import Run, assert_told

from u4ssc import cli as cli_module
from u4ssc.cli import cli

__all__ = ["Run", "assert_told", "user"]


@pytest.fixture
def user(monkeypatch: pytest.MonkeyPatch, official: object) -> Callable[..., Run]:
    """Run ``u4ssc ARGS`` as a user would, with the session's engine of the built-in plugins.

    Any exception other than the CLI's own exit fails the test: a user must never see one.
    Pass ``fresh_engine=True`` to load plugins as the real command does (``--plugins-dir``,
    entry points), at the cost of a slower start.
    """

    def invoke(*args: object, fresh_engine: bool = False, input: str | None = None) -> Run:
        if not fresh_engine:
            monkeypatch.setattr(cli_module.Context, "engine", property(lambda self: official))
        result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        run = Run(result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in run.text, run.text
        return run

    return invoke
