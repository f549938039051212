"""Property: whatever numbers a city types, anywhere in the float range, no KPI value lies outside
its declared bounds unless its status says why, and no value with a benchmark is left unscored
without a reason (issue 13, Must show)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from u4ssc.core import Engine, Status

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

#: Any float, with the ones that break shares most often drawn on purpose.
NUMBER = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, -0.0, -1.0, 1e-300, 1e300, 1.7976931348623157e308, 5e-324, 100.0, 101.0, 1e6]
)
CELL = NUMBER | st.none() | st.sampled_from(["150 %", "27", "-5", "NR", "n/a: none", "lots"])

_ENGINE = Engine.load()
ITEMS = sorted(_ENGINE.catalogue.items)
#: Shares typed as reported final values, often out of bounds, and the Gini.
REPORTED = ["EC: ICT: ICT: 1C", "SC: SH: SI: 2C", "SC: EH: ED: 2C", "EC: I: T: 4A: walking"]


def records(size: int):
    """Records of ``size`` (at least 1) random items, some shares forced above their whole."""
    return st.lists(
        st.dictionaries(
            st.sampled_from(ITEMS + REPORTED), CELL, min_size=1, max_size=len(ITEMS) // 2
        ),
        min_size=1,
        max_size=size,
    ).map(_with_big_parts)


def _with_big_parts(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Every other row, the first among them, has more households online than households: a
    share above 100 %."""
    for i, row in enumerate(rows):
        row["city"] = f"City {i}"
        if i % 2 == 0:
            row["households_with_internet"], row["households"] = 2000.0, 1000.0
    return rows


def _check(result, rows: int) -> None:
    assert len(result) == rows
    for i, output in enumerate(result.outputs):
        lower, upper = output.bounds
        values = result.values[i]
        statuses = result.statuses[i]
        has_number = np.isfinite(values)
        assert not np.isinf(values).any(), output.id
        within = (values >= lower) & (values <= upper)
        assert within[has_number].all(), (output.id, values[has_number & ~within])
        usable = np.isin(statuses, [Status.COMPUTED, Status.REPORTED])
        assert (usable == has_number).all(), output.id
        for row in np.flatnonzero(~has_number).tolist():
            assert result.reason(output.id, row), (output.id, row, statuses[row])
        points = result.scores.points[i]
        assert (points[~has_number] == 0).all(), output.id
        if result.scores.directions[i] != "none":
            assert (points[has_number] >= 1).all(), output.id
        pct = result.scores.pct_of(i)
        assert not np.isinf(pct).any(), output.id


@SETTINGS
@given(rows=records(1))
def test_one_city_never_gets_a_value_outside_its_bounds(rows):
    result = _ENGINE.score_one(rows[0])
    _check(result, 1)
    if rows[0].get("households_with_internet") == 2000.0:
        assert result.status("EC: ICT: ICT: 1C") in (Status.INVALID, Status.REPORTED)


@SETTINGS
@given(rows=records(6))
def test_a_table_never_gets_a_value_outside_its_bounds(rows):
    frame = pd.DataFrame(rows).astype(object)
    result = _ENGINE.score(frame)
    _check(result, len(rows))
    for i, row in enumerate(rows):
        if i % 2 == 0 and not math.isnan(result.value("EC: ICT: ICT: 1C", i)):
            assert result.status("EC: ICT: ICT: 1C", i) is Status.REPORTED, row
