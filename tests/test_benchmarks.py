"""The batch benchmark compares like with like: its numpy baseline scores what u4ssc scores."""

from __future__ import annotations

import numpy as np
from conftest import load_benchmark


def test_numpy_baseline_gives_the_points_and_rollups_u4ssc_gives(official):
    bench = load_benchmark()
    frame = bench.synthetic_input(official, 2_000)
    frame.iloc[::7, 5] = -1.0  # out of bounds: invalid in the engine, NaN in the baseline
    result = bench.run_u4ssc(official, frame)
    baseline, rollups = bench.run_numpy(official, frame)
    assert baseline.shape == result.scores.points.shape
    assert (result.scores.points > 0).mean() > 0.2  # a quarter of the cells have a benchmark
    mismatched = [
        o.id
        for o, a, b in zip(official.outputs, result.scores.points, baseline, strict=True)
        if not np.array_equal(a, b)
    ]
    assert mismatched == []
    engine_rollups = [r for level in bench.LEVELS for r in result.rollup(level)]
    assert len(engine_rollups) == len(rollups) > 4
    for ours, (level, key, points, scored, band) in zip(engine_rollups, rollups, strict=True):
        assert (ours.level, ours.key[: len(key)]) == (level, key)
        assert np.array_equal(ours.points, points)
        assert np.array_equal(ours.scored, scored)
        assert np.array_equal(ours.band_points, band)


def test_scalar_city_baseline_scores_what_score_one_scores(official):
    bench = load_benchmark()
    record = bench.city_record(bench.synthetic_input(official, 10))
    record[next(iter(official.catalogue.items))] = -1.0  # out of bounds: not scored in either
    result = bench.score_city(official, record, rollups=False)
    points, rollups = bench.scalar_city(official)(record)
    assert points == result.scores.points[:, 0].tolist()
    assert sum(p > 0 for p in points) > 20
    engine_rollups = [r for level in bench.LEVELS for r in result.rollup(level)]
    assert len(engine_rollups) == len(rollups) > 4
    for ours, (level, key, total, scored, band) in zip(engine_rollups, rollups, strict=True):
        assert (ours.level, ours.key[: len(key)]) == (level, key)
        assert (int(ours.points[0]), int(ours.scored[0]), int(ours.band_points[0])) == (
            total,
            scored,
            band,
        )
