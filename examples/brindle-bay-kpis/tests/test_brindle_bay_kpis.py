"""Brindle Bay's plugin, tested as the city's data team would: formulas alone, then in u4ssc.

Run with ``pip install -e ".[test]" && pytest`` from this folder: the engine then finds the
plugin through its entry point, exactly as ``u4ssc score`` does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from brindle_bay_kpis import indicators

from u4ssc.core import Engine

DATA = Path(__file__).resolve().parents[1] / "data" / "brindle_bay.csv"


def test_formulas_work_on_numbers_and_on_columns():
    assert indicators.excellent_bathing_water(221, 240) == pytest.approx(92.0833, abs=1e-4)
    trips = indicators.ferry_use(np.array([4_120_000.0, 0.0]), np.array([386_400.0, 1000.0]))
    assert trips == pytest.approx([10.6625, 0.0], abs=1e-4)


def test_water_consumption_counts_tourists_as_resident_equivalents():
    # 365 000 overnight stays are 1 000 resident-equivalents: 2 000 people use 730 m³ a year.
    litres = indicators.water_consumption_resident_equivalent(730.0, 1000.0, 365_000.0)
    assert litres == pytest.approx(1.0)


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The engine of everything installed: the U4SSC dimensions and this package."""
    return Engine.load()


def test_the_engine_finds_the_plugin_through_its_entry_point(engine):
    plugin = next(p for p in engine.plugins if p.name == "brindle_bay")
    assert plugin.registered["indicators"] == 4
    assert plugin.registered["targets"] == 3
    assert plugin.replaces == ["EN: EN: WS: 2C"]


def test_local_indicators_are_scored_against_local_targets(engine):
    result = engine.score(DATA)
    assert result.value("BB: COAST: 1", row=0) == pytest.approx(221 / 240 * 100)
    assert result.points("BB: COAST: 1", row=0) == 4  # 92.1 % is 96.9 % of the 95 % target
    assert result.points("BB: COAST: 2", row=0) == 3  # 7.0 % at risk against 5 %: 71 %
    assert result.status("BB: COAST: 1", row=2).label == "not reported"  # NR in 2024
    rows = result.to_frame()
    ferry = rows[(rows.code == "BB: MOB: 1") & (rows.year == 2024)].iloc[0]
    assert ferry.target_kind == "local"
    assert ferry.target_source == "Brindle Bay Mobility Plan 2028"


def test_the_official_water_formula_is_replaced_on_record(engine):
    result = engine.score(DATA)
    expected = 21_151_000 * 1000 / 365 / (386_400 + 2_100_000 / 365)
    assert result.value("EN: EN: WS: 2C", row=0) == pytest.approx(expected)
    (replacement,) = engine.manifest()["replacements"]
    assert replacement["plugin"] == "brindle_bay"
    assert replacement["replaces_plugin"] == "environment"
