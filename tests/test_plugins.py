"""Plugin discovery and loading: entry points, one-off files, blocking, and clear failures."""

from __future__ import annotations

import textwrap
from pathlib import Path

import bad_registration
import misspelled
import pytest
import toy
from conftest import RESOURCES

from u4ssc.core import Engine, PluginError


def test_builtin_dimensions_load_through_entry_points(official):
    names = {p.name for p in official.plugins}
    assert {"shared", "economy", "environment", "society_culture"} <= names
    economy = next(p for p in official.plugins if p.name == "economy")
    assert economy.origin.startswith("u4ssc (")
    assert economy.registered["indicators"] > 0
    assert "u4ssc_indicators" in economy.hooks


def _install_fake_distribution(site: Path) -> None:
    """A third-party plugin package with its own entry point, as pip would install it."""
    package = site / "aster_city_kpis"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            '''
            from u4ssc.core import DataItem, Kind, hookimpl, indicator, percent

            tree_cover_area = DataItem(
                "tree_cover_area", "Tree cover", "km²", Kind.AMOUNT, "Tree cover."
            )

            @indicator("ASTER: 1", name="Tree Cover", unit="%", dimension="Local",
                       subdimension="Local", category="Nature", direction="higher",
                       tier="advanced")
            def tree_cover(tree_cover_area, city_area):
                """Share of the city under tree cover."""
                return percent(tree_cover_area, city_area)

            @hookimpl
            def u4ssc_data_items():
                return [tree_cover_area]

            @hookimpl
            def u4ssc_indicators():
                return [tree_cover]
            '''
        )
    )
    dist = site / "aster_city_kpis-1.2.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: aster-city-kpis\nVersion: 1.2.0\n")
    (dist / "entry_points.txt").write_text("[u4ssc]\naster = aster_city_kpis\n")


def test_third_party_package_is_discovered_and_evaluated(tmp_path, monkeypatch):
    _install_fake_distribution(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    engine = Engine.load()
    aster = next(p for p in engine.plugins if p.name == "aster")
    assert aster.version == "1.2.0"
    result = engine.score_one({"city": "Aster", "tree_cover_area": 30, "city_area": 120})
    assert result.value("ASTER: 1") == pytest.approx(25.0)


def test_plugins_dir_file_loads_and_uses_shared_items(build):
    engine = Engine.load(
        plugins_dirs=[RESOURCES / "local_dir"], plugins=[("toy", toy)], entry_points=False
    )
    assert any(p.name == "bikes_local" and p.version == "file" for p in engine.plugins)
    result = engine.score_one({"city": "A", "bike_racks": 50, "population": 200_000})
    assert result.value("LOCAL: BIKE: 1") == pytest.approx(25.0)


def test_plugins_dir_from_environment(monkeypatch):
    monkeypatch.setenv("U4SSC_PLUGINS_DIR", str(RESOURCES / "local_dir"))
    engine = Engine.load(plugins=[("toy", toy)], entry_points=False)
    assert "bikes_local" in {p.name for p in engine.plugins}


def test_block_environment_variable_skips_plugins(monkeypatch):
    monkeypatch.setenv("U4SSC_BLOCK_PLUGINS", "environment, society_culture")
    engine = Engine.load()
    names = {p.name for p in engine.plugins}
    assert "economy" in names
    assert not names & {"environment", "society_culture"}


def test_plugin_raising_at_import_is_named():
    with pytest.raises(PluginError) as caught:
        Engine.load(plugins_dirs=[RESOURCES / "raising_dir"], entry_points=False)
    assert caught.value.plugin == "exploding"
    message = str(caught.value)
    assert "RuntimeError: boom at import" in message
    assert "U4SSC_BLOCK_PLUGINS=exploding" in message


def test_blocked_broken_plugin_is_not_loaded(monkeypatch):
    monkeypatch.setenv("U4SSC_BLOCK_PLUGINS", "exploding")
    engine = Engine.load(
        plugins_dirs=[RESOURCES / "raising_dir"], plugins=[("toy", toy)], entry_points=False
    )
    assert "exploding" not in {p.name for p in engine.plugins}


def test_misspelled_hook_is_rejected_with_the_real_names(build):
    with pytest.raises(PluginError) as caught:
        build(misspelled=misspelled)
    assert caught.value.plugin == "misspelled"
    assert "u4ssc_indicator" in str(caught.value)
    assert "u4ssc_indicators" in str(caught.value)


def test_registering_a_plain_function_names_plugin_and_hook(build):
    with pytest.raises(PluginError) as caught:
        build(bad_registration=bad_registration)
    assert caught.value.plugin == "bad_registration"
    assert caught.value.hook == "u4ssc_indicators"
    assert "not decorated with @indicator" in str(caught.value)


def test_hook_that_raises_is_named(build):
    from u4ssc.core import hookimpl

    class Raising:
        @hookimpl
        def u4ssc_data_items(self):
            raise KeyError("oops")

    with pytest.raises(PluginError) as caught:
        build(raising=Raising())
    assert caught.value.hook == "u4ssc_data_items"
    assert "KeyError" in str(caught.value)


def test_missing_plugins_dir_is_an_error():
    with pytest.raises(PluginError, match="does not exist"):
        Engine.load(plugins_dirs=["/nonexistent/u4ssc-plugins"], entry_points=False)
