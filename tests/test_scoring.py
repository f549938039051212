"""U4SSC benchmarking: % of target, four-band points, roll-ups with coverage."""

from __future__ import annotations

import math
from pathlib import Path

import education
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from u4ssc.core import Bands, ConfigurationError, DataError, Engine
from u4ssc.core.scoring import cut_offs, percent_of_target

HIGHER, LOWER, APPROACH, YES_NO, NONE = range(5)

# Values that give points 1, 2, 3, 4 against a target of 100 (higher is better).
FOR_POINTS = {1: 10.0, 2: 50.0, 3: 80.0, 4: 100.0}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(plugins=[("education", education)], entry_points=False)


def city(engine, *points, local=None, **extra):
    record = {"city": "Aster", "year": 2024}
    record.update({f"e{i}": FOR_POINTS[p] for i, p in enumerate(points, start=1)})
    if local is not None:
        record["local_value"] = local
    record.update(extra)
    return engine.score_one(record)


def category_row(result, tier="all"):
    (row,) = [
        r for r in result.rollup_records("category", tier=tier) if r["category"] == "Education"
    ]
    return row


def test_published_example_points_1_3_4_1(engine):
    row = category_row(city(engine, 1, 3, 4, 1))
    assert (row["points"], row["max_points"], row["pct"]) == (9, 16, 56.25)
    assert row["band"] == "33–66 %"


def test_published_example_three_reported_3_4_2(engine):
    row = category_row(city(engine, 3, 4, 2))
    assert (row["points"], row["max_points"], row["pct"]) == (9, 12, 75.0)
    assert row["band"] == "66–95 %"
    assert (row["scored"], row["not_reported"], row["total"]) == (3, 2, 5)
    assert row["coverage_pct"] == 60.0


def test_published_cut_offs_of_a_60_percent_target():
    cuts = cut_offs(60.0, "higher", Bands())
    assert cuts == [(4, "≥ 57"), (3, "≥ 39.6"), (2, "≥ 19.8"), (1, "< 19.8")]


@pytest.mark.parametrize(
    ("value", "target", "points"),
    [
        (3.3, 5.0, 3),
        (1.65, 5.0, 2),
        (4.75, 5.0, 4),
        (0.0, 5.0, 1),
        (57.0, 60.0, 4),
        (39.6, 60.0, 3),
        (19.8, 60.0, 2),
    ],
)
def test_band_edges_are_exact(value, target, points):
    """3.3 / 5 × 100 is 65.99999999999999 in binary floating point; it must count as 66 %."""
    pct = percent_of_target(np.array([[value]]), np.array([target]), np.array([HIGHER], np.int8))
    assert Bands().points(pct)[0, 0] == points


@pytest.mark.parametrize(
    ("value", "target", "direction", "pct"),
    [
        (50.0, 100.0, HIGHER, 50.0),
        (150.0, 100.0, HIGHER, 150.0),
        (10.0, 5.0, LOWER, 50.0),
        (2.5, 5.0, LOWER, 200.0),
        (0.0, 5.0, LOWER, 100.0),  # a value of 0 meets a lower-is-better target
        (0.8, 1.0, APPROACH, 80.0),
        (1.25, 1.0, APPROACH, 80.0),  # both sides of the target score alike
        (1.0, 1.0, YES_NO, 100.0),
        (0.0, 1.0, YES_NO, 0.0),
    ],
)
def test_percent_of_target_by_direction(value, target, direction, pct):
    got = percent_of_target(np.array([[value]]), np.array([target]), np.array([direction], np.int8))
    assert got[0, 0] == pytest.approx(pct)


def test_unbenchmarked_and_missing_values_have_no_percentage():
    got = percent_of_target(
        np.array([[50.0], [np.nan]]), np.array([np.nan, 100.0]), np.array([NONE, HIGHER], np.int8)
    )
    assert np.isnan(got).all()


def test_linear_lower_rule_is_configurable():
    got = percent_of_target(
        np.array([[10.0]]), np.array([5.0]), np.array([LOWER], np.int8), "linear"
    )
    assert got[0, 0] == 0.0


def test_band_edges_are_configurable(engine):
    bands = Bands(edges=(25.0, 50.0, 90.0))
    result = engine.score_one({"city": "A", "e1": 49.0}, bands=bands)
    assert result.points("X: EH: ED: 1C") == 2
    assert bands.labels == ("<25 %", "25–50 %", "50–90 %", "≥90 %")
    assert result.manifest["bands"]["edges"] == [25.0, 50.0, 90.0]
    with pytest.raises(ConfigurationError):
        Bands(edges=(50.0, 30.0, 90.0))


def test_long_table_carries_target_kind_and_source(engine):
    frame = city(engine, 4, 4, 4, 4, 4, local=50.0).to_frame()
    local = frame[frame["code"] == "LOCAL: 1"].iloc[0]
    assert (local["target_kind"], local["target_source"]) == ("local", "City council plan 2030")
    assert local["points"] == 2
    assert local["band"] == "33–66 %"


def test_core_only_view_leaves_advanced_out(engine):
    result = city(engine, 4, 4, 4, 4, 1)
    assert category_row(result)["pct"] == pytest.approx(17 / 20 * 100)
    assert category_row(result, tier="core")["pct"] == 100.0


def test_local_indicators_do_not_change_the_official_overall(engine):
    result = city(engine, 4, 4, 4, 4, 4, local=1.0)
    (overall,) = result.rollup_records("overall")
    assert overall["pct"] == 100.0
    (with_local,) = result.rollup_records("overall", include_local=True)
    assert with_local["pct"] == pytest.approx(21 / 24 * 100)
    dimensions = {r["dimension"]: r["pct"] for r in result.rollup_records("dimension")}
    assert dimensions == {"Society and Culture": 100.0, "Local": 25.0}


def test_a_group_with_nothing_scored_says_so(engine):
    row = category_row(engine.score_one({"city": "A"}))
    assert row["pct"] is None
    assert row["band"] == "not scored"
    assert row["not_reported"] == 5


def test_rollup_frame_matches_records(engine):
    result = city(engine, 1, 3, 4, 1)
    frame = result.rollups("subdimension")
    (record,) = [
        r for r in result.rollup_records("subdimension") if r["dimension"] == "Society and Culture"
    ]
    row = frame[frame["dimension"] == "Society and Culture"].iloc[0]
    assert row["pct"] == record["pct"]
    assert row["band"] == record["band"]


def test_target_file_changes_exactly_the_kpis_it_names(tmp_path, engine):
    record = {"city": "A", "e1": 50.0, "e2": 50.0, "e3": 50.0}
    before = engine.score_one(record)
    targets = tmp_path / "targets.csv"
    targets.write_text("code,target\nx:eh:ed:2c,50\n", encoding="utf-8")
    after = engine.score_one(record, targets=targets)
    changed = {o.id for o in engine.outputs if before.points(o.id) != after.points(o.id)}
    assert changed == {"X: EH: ED: 2C"}
    assert after.points("X: EH: ED: 2C") == 4
    assert "targets.csv" in after.manifest["targets"]["name"]
    assert after.manifest["targets"]["fingerprint"] != before.manifest["targets"]["fingerprint"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code\nX: EH: ED: 1C\n", "needs the columns code and target"),
        ("code,target\nX: EH: ED: 9C,5\n", "is not a KPI code"),
        ("code,target\nX: EH: ED: 1C,lots\n", "line 2"),
        ("code,target\nX: EH: ED: 1C,\n", "the target is empty"),
        ("code,target,direction\nX: EH: ED: 1C,5,sideways\n", "direction 'sideways'"),
    ],
)
def test_bad_target_files_are_rejected_precisely(tmp_path, engine, text, message):
    targets = tmp_path / "t.csv"
    targets.write_text(text, encoding="utf-8")
    with pytest.raises((DataError, ConfigurationError), match=message):
        engine.score_one({"city": "A"}, targets=targets)


def test_default_targets_of_the_official_catalogue(official):
    targets = official.target_set
    assert targets.get("EC: ICT: ICT: 2C").kind == "official"
    assert targets.get("EC: ICT: ICT: 2C").value == 60.0
    assert targets.get("EC: ICT: ICT: 5C").kind == "none"
    assert targets.get("EN: EN: AQ: 1C: PM2.5").value == 5.0
    assert targets.get("SC: SH: SA: 3A").direction == "yes/no"
    assert targets.name == "u4ssc-default"


def test_official_yes_no_and_approach_targets_score(official):
    result = official.score_one(
        {
            "city": "A",
            "resilience_plan_implemented": "yes",
            "female_mean_hourly_earnings": 18,
            "male_mean_hourly_earnings": 20,
        }
    )
    assert result.points("SC: SH: SA: 3A") == 4
    assert result.pct_of_target("SC: SH: SI: 1C") == pytest.approx(90.0)
    assert result.points("SC: SH: SI: 1C") == 3
    no = official.score_one({"city": "A", "resilience_plan_implemented": "no"})
    assert no.points("SC: SH: SA: 3A") == 1


POINTS = st.lists(st.sampled_from([None, 1, 2, 3, 4]), min_size=5, max_size=5)


@settings(max_examples=150, deadline=None)
@given(POINTS)
def test_rollup_properties(engine, points):
    values = [FOR_POINTS[p] if p else None for p in points]
    record = {"city": "A", **{f"e{i}": v for i, v in enumerate(values, start=1)}}
    result = engine.score_one(record)
    scored = [result.points(f"X: EH: ED: {i}{'C' if i < 5 else 'A'}") for i in range(1, 6)]
    assert all(1 <= p <= 4 for p, given_ in zip(scored, points, strict=False) if given_)
    row = category_row(result)
    members = [p for p in scored if p]
    if not members:
        assert row["pct"] is None
        return
    assert min(members) * 25 <= row["pct"] <= max(members) * 25
    # Adding a not-reported item changes no score but lowers coverage.
    missing = [i for i, p in enumerate(points, start=1) if p is None]
    if missing:
        assert row["not_reported"] == len(missing)
    full = category_row(engine.score_one({k: v for k, v in record.items() if v is not None}))
    assert full["pct"] == row["pct"]


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.floats(min_value=1e-6, max_value=1e9),
    st.sampled_from([HIGHER, LOWER, APPROACH, YES_NO]),
)
def test_points_are_always_between_1_and_4(value, target, direction):
    pct = percent_of_target(np.array([[value]]), np.array([target]), np.array([direction], np.int8))
    points = Bands().points(pct)[0, 0]
    if math.isnan(pct[0, 0]):
        assert points == 0
    else:
        assert 1 <= points <= 4


@pytest.mark.parametrize("tier", ["all", "core"])
def test_short_and_long_tables_roll_up_alike(official, monkeypatch, tier):
    """A short table rolls up from precomputed category indices (a few calls for every group),
    a long one output by output: the same groups, members, sums, percentages and bands."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from batch import synthetic_input

    from u4ssc.core import scoring
    from u4ssc.core.scoring import LEVELS

    frame = synthetic_input(official, 300)
    frame.iloc[::5, 4:40] = np.nan  # rows with few values scored, some categories with none
    short = official.score(frame)
    monkeypatch.setattr(scoring, "_BLOCK_CELLS", 0)
    long = official.score(frame)
    for level in LEVELS:
        for include_local in (False, True):
            ours = short.rollup(level, tier=tier, include_local=include_local)
            theirs = long.rollup(level, tier=tier, include_local=include_local)
            assert [(r.key, r.members) for r in ours] == [(r.key, r.members) for r in theirs]
            assert ours
            for a, b in zip(ours, theirs, strict=True):
                assert a.points.dtype == b.points.dtype
                assert np.array_equal(a.points, b.points)
                assert np.array_equal(a.scored, b.scored)
                assert np.array_equal(a.pct, b.pct, equal_nan=True)
                assert np.array_equal(a.band_points, b.band_points)
    assert np.isnan(short.rollup("category", tier=tier)[0].pct).any()  # unscored rows seen
