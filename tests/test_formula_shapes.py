"""Plugin formulas that do not work element-wise are an error for the whole column, naming the
plugin and the KPI; the retry after one row raises never changes another row's value (13.2)."""

from __future__ import annotations

import math
import types

import numpy as np
import pandas as pd
import pytest

from u4ssc.core import DataItem, DataPoint, Kind, Status, hookimpl, indicator

X = DataItem("x", "X", "things", Kind.MEASURE, "A value that may be negative.")


def _engine(build, func, points=()):
    plugin = types.ModuleType("shapes")
    decorated = indicator(
        "S: S: S: 1C", name="Shaped", unit="", dimension="D", subdimension="S", category="C",
        direction="higher", points=points,
    )(func)  # fmt: skip
    plugin.u4ssc_data_items = hookimpl(lambda: [X])
    plugin.u4ssc_indicators = hookimpl(lambda: [decorated])
    return build(shapes=plugin)


def _score(engine, xs, **extra):
    return engine.score(pd.DataFrame({"city": [f"C{i}" for i in range(len(xs))], "x": xs, **extra}))


def _column(result, output_id="S: S: S: 1C"):
    n = len(result)
    return (
        [result.status(output_id, i) for i in range(n)],
        [result.reason(output_id, i) for i in range(n)],
    )


def _differences(x):
    return np.diff(x)


def _total(x):
    return x.sum()


def _as_text(x):
    return np.array(["a"] * len(x))


def _column_vector(x):
    return x[:, None]


@pytest.mark.parametrize(
    ("func", "words"),
    [
        (_differences, "an array of shape (2,) for 3 rows"),
        (_total, "one number (6) for all 3 rows, like an aggregate"),
        (_as_text, "values that are not numbers"),
        (_column_vector, "an array of shape (3, 1) for 3 rows"),
    ],
)
def test_a_result_that_is_not_one_value_per_row_is_an_error_for_the_column(build, func, words):
    engine = _engine(build, func)
    statuses, reasons = _column(_score(engine, [1.0, 2.0, 3.0]))
    assert statuses == [Status.ERROR] * 3
    assert len(set(reasons)) == 1
    assert words in reasons[0]
    assert "the formula of S: S: S: 1C (" in reasons[0]
    assert "plugin 'shapes'" in reasons[0]
    assert "element-wise" in reasons[0]


def test_an_aggregate_of_one_city_is_its_own_value(build):
    """One row: the sum of the column is the row's value, as row by row."""
    engine = _engine(build, _total)
    result = engine.score_one({"city": "A", "x": 4})
    assert result.status("S: S: S: 1C") is Status.COMPUTED
    assert result.value("S: S: S: 1C") == 4


def test_a_constant_without_inputs_is_every_row_s_value(build):
    def constant():
        return 7.0

    engine = _engine(build, constant)
    result = _score(engine, [1.0, 2.0])
    assert [result.value("S: S: S: 1C", i) for i in range(2)] == [7.0, 7.0]
    assert [result.status("S: S: S: 1C", i) for i in range(2)] == [Status.COMPUTED] * 2


def _refuses_negatives(x):
    if (x < 0).any():
        raise ValueError("no negative values")
    return x * 2.0


def _scaled_to_max(x):
    if (x < 0).any():
        raise ValueError("no negative values")
    return x / x.max()


def test_a_row_that_raises_leaves_the_other_rows_values_unchanged(build):
    engine = _engine(build, _refuses_negatives)
    xs = [float(i) for i in range(1, 40)]
    xs[17] = -1.0
    result = _score(engine, xs)
    statuses, reasons = _column(result)
    assert statuses[17] is Status.ERROR
    assert reasons[17] == "formula failed: ValueError: no negative values"
    for i, x in enumerate(xs):
        if i != 17:
            assert statuses[i] is Status.COMPUTED
            assert result.value("S: S: S: 1C", i) == x * 2.0


def test_the_retry_never_changes_a_value_an_aggregate_would_change(build):
    """population / population.max(): on halves of the table the maxima differ, so its values
    would change; the column is an error instead."""
    engine = _engine(build, _scaled_to_max)
    xs = [float(i) for i in range(1, 40)]
    xs[5] = -1.0
    statuses, reasons = _column(_score(engine, xs))
    assert statuses == [Status.ERROR] * len(xs)
    assert "another value when other rows are left out" in reasons[0]
    assert "plugin 'shapes'" in reasons[0]


def test_a_multi_value_formula_missing_a_point_is_an_error_for_every_point(build):
    def partial(x):
        return {"a": x}

    engine = _engine(build, partial, points=(DataPoint("a", "A"), DataPoint("b", "B")))
    result = _score(engine, [1.0, 2.0])
    for output_id in ("S: S: S: 1C: a", "S: S: S: 1C: b"):
        statuses, reasons = _column(result, output_id)
        assert statuses == [Status.ERROR] * 2
        assert "returned no value for data point(s) b" in reasons[0]


def test_a_reported_value_still_wins_over_a_broken_formula(build):
    engine = _engine(build, _differences)
    result = _score(engine, [1.0, 2.0], **{"S: S: S: 1C": [5.0, None]})
    assert result.status("S: S: S: 1C", 0) is Status.REPORTED
    assert result.value("S: S: S: 1C", 0) == 5.0
    assert result.status("S: S: S: 1C", 1) is Status.ERROR
    assert math.isnan(result.value("S: S: S: 1C", 1))
