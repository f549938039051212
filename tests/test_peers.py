"""Peer targets (the performance of leading cities) and the what-if view of another target set."""

from __future__ import annotations

import types

import numpy as np
import pytest

from u4ssc.core import ConfigurationError, DataItem, Engine, Kind, Target, hookimpl, indicator
from u4ssc.core.peers import PeerRule
from u4ssc.core.whatif import compare, compare_records


def _plugin() -> types.SimpleNamespace:
    kpi = {"dimension": "Economy", "subdimension": "Productivity", "category": "Peers", "unit": "%"}

    @indicator("P: 1C", name="Higher", direction="higher", **kpi)
    def high(h):
        """Identity."""
        return h

    @indicator("P: 2C", name="Lower", direction="lower", **kpi)
    def low(lo):
        """Identity."""
        return lo

    @indicator("P: 3C", name="Referenced", direction="higher", **kpi)
    def referenced(r):
        """Identity."""
        return r

    class Plugin:
        @hookimpl
        def u4ssc_data_items(self):
            return [DataItem(n, n, "%", Kind.AMOUNT, n) for n in ("h", "lo", "r")]

        @hookimpl
        def u4ssc_indicators(self):
            return [high, low, referenced]

        @hookimpl
        def u4ssc_targets(self):
            return [Target("P: 3C", 50.0, kind="reference", source="a published value")]

    return Plugin()


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(plugins=[("peers", _plugin())], entry_points=False)


def cities(count: int = 10) -> list[dict[str, object]]:
    """Cities C1..Cn reporting 1..n; C1 also reported 100 in an earlier year."""
    rows: list[dict[str, object]] = [{"city": "C1", "year": 2020, "h": 100, "lo": 100, "r": 100}]
    rows += [
        {"city": f"C{i}", "year": 2021 + i % 3, "h": i, "lo": i, "r": i}
        for i in range(1, count + 1)
    ]
    return rows


def test_the_90th_percentile_of_the_latest_value_of_each_city(engine):
    result = engine.score(cities(), peers=PeerRule())
    target = result.scores.targets[0]
    # Ten cities' latest values 1..10 (C1's earlier 100 is not its latest): linear 90th = 9.1.
    assert (target.kind, target.value) == ("peer", pytest.approx(9.1))
    assert "90th percentile" in target.source
    assert "10 cities" in target.source
    assert "(2021–2023)" in target.source
    found = result.manifest["targets"]["peer"]["values"]["P: 1C"]
    assert found == {
        "direction": "higher",
        "percentile": 90.0,
        "peers": 10,
        "years": [2021, 2023],
        "target": pytest.approx(9.1),
    }
    frame = result.to_frame()
    assert set(frame[frame["code"] == "P: 1C"]["target_kind"]) == {"peer"}


def test_a_lower_is_better_value_takes_the_10th_percentile(engine):
    result = engine.score(cities(), peers=PeerRule())
    target = result.scores.targets[1]
    assert target.value == pytest.approx(1.9)
    assert "10th percentile" in target.source
    # C10 reports 10 against 1.9: 19 % of target, 1 point; C1 reports 1: 4 points.
    assert result.points("P: 2C", row=10) == 1
    assert result.points("P: 2C", row=1) == 4


def test_peer_targets_never_replace_a_published_target(engine):
    result = engine.score(cities(), peers=PeerRule())
    assert result.scores.targets[2].kind == "reference"
    assert result.scores.targets[2].value == 50.0
    assert "P: 3C" not in result.manifest["targets"]["peer"]["values"]


def test_fewer_peers_than_the_minimum_get_no_target(engine):
    result = engine.score(cities(9), peers=PeerRule())
    assert result.scores.targets[0] is None
    assert result.scores.directions[0] == "none"
    refused = result.manifest["targets"]["peer"]["values"]["P: 1C"]
    assert refused["refused"] == "only 9 cities reported it; the peer rule needs 10"
    assert result.to_frame()["band"].iloc[0] == "no benchmark"
    assert engine.score(cities(9), peers=PeerRule(min_peers=9)).scores.targets[0] is not None


def test_peers_are_distinct_cities_with_reported_values(engine):
    rows = cities()
    rows += [{"city": "C2", "year": 2030, "h": "n/a"}, {"city": "", "year": 2024, "h": 1000}]
    result = engine.score(rows, peers=PeerRule())
    # C2's not-applicable 2030 row and the row without a city are no peers' values.
    assert result.scores.targets[0].value == pytest.approx(9.1)


def test_the_percentile_is_configurable_and_off_by_default(engine):
    assert engine.score(cities()).scores.targets[0] is None
    assert "peer" not in engine.score(cities()).manifest["targets"]
    result = engine.score(cities(), peers=PeerRule(percentile=50))
    assert result.scores.targets[0].value == pytest.approx(5.5)
    assert result.scores.targets[1].value == pytest.approx(5.5)


@pytest.mark.parametrize("rule", [{"percentile": 30}, {"percentile": 101}, {"min_peers": 1}])
def test_a_rule_out_of_range_is_refused(rule):
    with pytest.raises(ConfigurationError):
        PeerRule(**rule)


def test_peers_from_a_file_score_other_rows(engine, tmp_path):
    import pandas as pd

    peers = tmp_path / "peers.csv"
    pd.DataFrame(cities()).to_csv(peers, index=False)
    result = engine.score_one({"city": "New", "h": 9.1}, peers=PeerRule(file=peers))
    assert result.points("P: 1C") == 4
    assert "in peers.csv" in result.scores.targets[0].source


def test_a_target_at_0_is_refused(engine):
    rows = [{"city": f"C{i}", "year": 2024, "lo": 0 if i < 5 else i} for i in range(10)]
    found = engine.score(rows, peers=PeerRule()).manifest["targets"]["peer"]["values"]["P: 2C"]
    assert found["refused"] == "the 10th percentile is 0, and a target must be above 0"


# -- what-if -------------------------------------------------------------------------------------


def test_what_if_puts_both_target_sets_side_by_side(engine, tmp_path):
    # Reference target 50: 40 is 80 % (3 points), 50 is 100 % (4 points); category 7/8 = 87.5 %.
    rows = [{"city": "A", "year": 2024, "r": 40}, {"city": "B", "year": 2024, "r": 50}]
    baseline = engine.score(rows)
    alternative_targets = tmp_path / "alt.csv"
    alternative_targets.write_text("code,target\nP: 3C,100\n", encoding="utf-8")
    alternative = engine.rescore(baseline, alternative_targets)
    # Against 100: 40 % (2 points) and 50 % (2 points).
    assert alternative.points("P: 3C", 0) == 2
    assert baseline.points("P: 3C", 0) == 3
    records = compare_records(baseline, alternative, ["category"])
    assert [
        tuple(r[k] for k in ("city", "baseline_pct", "baseline_band", "alternative_pct"))
        + tuple(r[k] for k in ("alternative_band", "difference", "band_change"))
        for r in records
    ] == [
        ("A", 75.0, "66–95 %", 50.0, "33–66 %", -25.0, -1),
        ("B", 100.0, "≥95 %", 50.0, "33–66 %", -50.0, -2),
    ]
    assert alternative.manifest["targets"]["name"] == "u4ssc-default + plugins + alt.csv"
    frame = compare(baseline, alternative, ["overall", "category"])
    assert list(frame["level"]) == ["overall", "category", "overall", "category"]
    assert frame["difference"].tolist() == [-25.0, -25.0, -50.0, -50.0]


def test_what_if_keeps_the_peer_targets_for_the_gaps(engine, tmp_path):
    baseline = engine.score(cities(), peers=PeerRule())
    same = tmp_path / "same.csv"
    same.write_text("code,target\nP: 3C,50\n", encoding="utf-8")
    alternative = engine.rescore(baseline, same)
    assert alternative.scores.targets[0].kind == "peer"
    frame = compare(baseline, alternative)
    assert np.all(frame["difference"].fillna(0) == 0)
    assert frame["band_change"].dropna().eq(0).all()
