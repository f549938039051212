"""Every hook of core/hookspecs.py: documented in docs/hooks.md, and tested here by name.

Each hook has a ``test_hook_<hook name>`` below, exercising it through a plugin defined inline;
``test_every_hook_is_documented_and_tested`` fails when a hook is added without both.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

import build_plugin_docs
import pytest
from click.testing import CliRunner

from u4ssc.core import (
    DataItem,
    Engine,
    Kind,
    Target,
    check,
    hookimpl,
    indicator,
)

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent


lifeguards = DataItem(
    "lifeguards", "Lifeguards", "lifeguards", Kind.COUNT, "Lifeguards on duty.", maximum=500
)


@indicator(
    "BB: COAST: 9",
    name="Lifeguards",
    unit="per 100 000 inhabitants",
    dimension="Local",
    subdimension="Brindle Bay",
    category="Coast",
    direction="higher",
    tier="advanced",
)
def lifeguards_per_100k(lifeguards, population):
    """Lifeguards on duty per 100 000 inhabitants."""
    return lifeguards / population * 100_000


class Coast:
    """A plugin object implementing the data hooks, as a module would."""

    @hookimpl
    def u4ssc_data_items(self):
        return [lifeguards]

    @hookimpl
    def u4ssc_indicators(self):
        return [lifeguards_per_100k]


def coast_engine(*extra: tuple[str, object]) -> Engine:
    return Engine.load(plugins=[("coast", Coast()), *extra])


def test_hook_u4ssc_data_items():
    engine = coast_engine()
    item = engine.catalogue.items["lifeguards"]
    assert (item.plugin, item.unit, item.upper) == ("coast", "lifeguards", 500)
    problems = engine.validate([{"city": "A", "lifeguards": 900, "population": 1000}])
    (problem,) = [p for p in problems if p.column == "lifeguards"]
    assert "above the maximum 500" in problem.message


def test_hook_u4ssc_indicators():
    engine = coast_engine()
    assert engine.catalogue.find_indicator("bb:coast:9").plugin == "coast"
    assert engine.graph.raw_inputs("lifeguards_per_100k") == ["lifeguards", "population"]
    result = engine.score_one({"city": "A", "lifeguards": 30, "population": 200_000})
    assert result.value("BB: COAST: 9") == pytest.approx(15.0)


def test_hook_u4ssc_targets(tmp_path):
    class Targets:
        @hookimpl
        def u4ssc_targets(self):
            return [Target("bb: coast: 9", 20.0, kind="local", source="Coastal Plan 2030")]

    engine = coast_engine(("coast_targets", Targets()))
    target = engine.target_set.get("BB: COAST: 9")
    assert (target.value, target.kind, target.plugin) == (20.0, "local", "coast_targets")
    assert engine.target_set.layers == ["u4ssc-default", "plugins"]
    result = engine.score_one({"city": "A", "lifeguards": 30, "population": 200_000})
    assert result.pct_of_target("BB: COAST: 9") == pytest.approx(75.0)
    user = tmp_path / "mine.csv"
    user.write_text("code,target\nBB: COAST: 9,15\n")
    overridden = engine.score_one(
        {"city": "A", "lifeguards": 30, "population": 200_000}, targets=user
    )
    assert overridden.pct_of_target("BB: COAST: 9") == pytest.approx(100.0)  # the user wins


def test_hook_u4ssc_checks():
    @check("More lifeguards than 1 in 100 inhabitants: check the lifeguard count.")
    def too_many_lifeguards(lifeguards_per_100k):
        return lifeguards_per_100k > 1000

    class Checks:
        @hookimpl
        def u4ssc_checks(self):
            return [too_many_lifeguards]

    engine = coast_engine(("coast_checks", Checks()))
    result = engine.score(
        [
            {"city": "A", "lifeguards": 30, "population": 200_000},
            {"city": "B", "lifeguards": 30, "population": 1000},
        ]
    )
    (warning,) = result.warnings
    assert (warning.city, warning.check) == ("B", "too_many_lifeguards")
    assert warning.ids == ("BB: COAST: 9",)
    assert result.status("BB: COAST: 9", row=1).label == "computed"  # a warning, not an error


def test_hook_u4ssc_cli_commands(tmp_path, monkeypatch):
    from u4ssc import cli as cli_module

    (tmp_path / "beach_report.py").write_text(
        textwrap.dedent(
            '''
            import click

            from u4ssc.core import hookimpl


            @hookimpl
            def u4ssc_cli_commands(cli):
                @cli.command(name="beach-report")
                @click.argument("beach")
                def beach_report(beach):
                    """Print the beach report."""
                    click.echo(f"{beach}: flags green")
            '''
        )
    )
    monkeypatch.setenv("U4SSC_PLUGINS_DIR", str(tmp_path))
    cli_module._add_plugin_commands()
    try:
        result = CliRunner().invoke(cli_module.cli, ["beach-report", "North Beach"])
        assert (result.exit_code, result.output) == (0, "North Beach: flags green\n")
        assert "beach-report" in CliRunner().invoke(cli_module.cli, ["--help"]).output
    finally:
        cli_module.cli.commands.pop("beach-report", None)


# -- every hook is documented and tested ---------------------------------------------------------


def _test_functions() -> set[str]:
    names = set()
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return names


def test_every_hook_is_documented_and_tested():
    hooks = build_plugin_docs.hook_specs()
    assert [h.__name__ for h in hooks] == [
        "u4ssc_data_items",
        "u4ssc_indicators",
        "u4ssc_targets",
        "u4ssc_checks",
        "u4ssc_cli_commands",
    ]
    tests = _test_functions()
    reference = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    for hook in hooks:
        name = hook.__name__
        assert f"test_hook_{name}" in tests, f"hook {name} has no test named test_hook_{name}"
        paragraphs, params, returns = build_plugin_docs.split_docstring(hook)
        assert paragraphs, f"hook {name} has no docstring"
        assert re.match(r"^[A-Z][a-z]+ ", paragraphs[0]), f"{name}: start with a verb"
        assert set(params) == set(inspect.signature(hook).parameters), f"{name}: :param: lines"
        assert returns or name == "u4ssc_cli_commands", f"{name}: no :return: line"
        assert f"## {name}\n\n```python\n{build_plugin_docs.signature(hook)}\n```" in reference


def test_hook_reference_is_up_to_date():
    on_disk = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    assert on_disk == build_plugin_docs.render_hook_reference(), (
        "docs/hooks.md is stale: run `python docs/build_plugin_docs.py` and commit the result"
    )


def test_rendering_parses_fields_and_roles():
    def hook_spec(cli):
        """Add things.

        Uses :class:`u4ssc.core.Target` and ``code``.

        :param cli: the group,
            continued.
        :return: nothing.
        """

    paragraphs, params, returns = build_plugin_docs.split_docstring(hook_spec)
    assert paragraphs == ["Add things.", "Uses `u4ssc.core.Target` and `code`."]
    assert params == {"cli": "the group, continued."}
    assert returns == "nothing."
