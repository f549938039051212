"""Progress over time: each city's KPI values year after year, judged against their targets.

Every city's rows are put in year order once; then every number is a few numpy operations on the
(outputs × rows) matrices of a :class:`~u4ssc.core.Result`, for one city or a million city-years.

For each city, KPI value and year (``docs/scoring.md`` explains it with examples):

- ``change`` from the city's previous year in the run, and ``change_per_year`` (the change over
  the years between them); ``change_since_first`` from the first year the city has a value.
- ``movement``: ``towards`` or ``away`` from the target, by the KPI's direction: the gap to the
  target (target − value for higher-is-better, value − target for lower-is-better, |value −
  target| for a value to approach from both sides, such as a ratio with target 1) shrank or grew;
  ``none`` when the value is stable.
- ``year_to_target``: the first whole year in which the value reaches the target at the pace of
  its last step (linear), when that pace closes the gap; none when the target is met or the value
  moves away.
- ``progress``: one of :data:`PROGRESS`, with a ``reason``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .catalogue import Output
from .errors import ConfigurationError
from .scoring import APPROACH, HIGHER, LOWER, NONE, YES_NO, Scores
from .status import LABELS, Status

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MOVEMENTS", "PROGRESS", "TREND_COLUMNS", "Trends", "trends_of"]

#: Progress statuses, by code.
PROGRESS = (
    "improving",
    "worsening",
    "stable",
    "target met",
    "first year",
    "one year only",
    "not comparable",
    "changed",
)
IMPROVING, WORSENING, STABLE, MET, FIRST, ONE_YEAR, NOT_COMPARABLE, CHANGED = range(len(PROGRESS))
#: Movements relative to the target, by code (``""``: nothing to compare).
MOVEMENTS = ("", "towards", "away", "none")
_NO_MOVE, _TOWARDS, _AWAY, _STILL = range(len(MOVEMENTS))
#: Columns of the trend table, in order.
TREND_COLUMNS = (
    "city",
    "year",
    "code",
    "data_point",
    "name",
    "unit",
    "value",
    "status",
    "target",
    "direction",
    "previous_year",
    "previous_value",
    "change",
    "change_per_year",
    "first_year",
    "change_since_first",
    "movement",
    "year_to_target",
    "progress",
    "reason",
)
_DIRECTION_NAMES = {HIGHER: "higher", LOWER: "lower", APPROACH: "approach", YES_NO: "yes/no"}
_SLACK = 0.5e-9  # % of target is compared rounded to 9 decimals, as for points


@dataclass(frozen=True)
class Trends:
    """Every value's progress, as (outputs × rows) arrays in the result's row order.

    :ivar order: the rows, sorted by city then year (input order among equals).
    :ivar previous: per row, the row of the city's previous year; -1 for none.
    :ivar first: per output and row, the row of the city's first year with a value up to this
        one; -1 for none.
    :ivar change: value − previous year's value (NaN where either has no number).
    :ivar movement: codes into :data:`MOVEMENTS`.
    :ivar year_to_target: the year the target would be reached; NaN for none.
    :ivar progress: codes into :data:`PROGRESS`; ``reasons`` codes into :attr:`reason_texts`.
    :ivar stable_pct: a change below this % of the previous value is ``stable``.
    """

    city: npt.NDArray[np.object_]
    year: npt.NDArray[np.float64]
    outputs: list[Output]
    values: npt.NDArray[np.float64]
    status: npt.NDArray[np.int8]
    targets: npt.NDArray[np.float64]
    directions: npt.NDArray[np.int8]
    order: npt.NDArray[np.intp]
    previous: npt.NDArray[np.intp]
    first: npt.NDArray[np.intp]
    change: npt.NDArray[np.float64]
    change_per_year: npt.NDArray[np.float64]
    change_since_first: npt.NDArray[np.float64]
    movement: npt.NDArray[np.int8]
    year_to_target: npt.NDArray[np.float64]
    progress: npt.NDArray[np.int8]
    reasons: npt.NDArray[np.int16]
    reason_texts: tuple[str, ...]
    stable_pct: float

    def city_rows(self, row: int) -> npt.NDArray[np.intp]:
        """The rows of ``row``'s city in year order (rows without a year last)."""
        found: npt.NDArray[np.intp] = self.order[self.city[self.order] == self.city[row]]
        return found

    @cached_property
    def _long(self) -> dict[str, Any]:
        n, v = self.values.shape[1], len(self.outputs)
        prev_rows = np.repeat(self.previous, v)
        has_prev = prev_rows >= 0
        first = self.first.T.ravel()
        values = self.values.T.ravel()
        return {
            "city": np.repeat(self.city, v),
            "year": np.repeat(self.year, v),
            "out": np.tile(np.arange(v), n),
            "value": values,
            "status": self.status.T.ravel(),
            "previous_year": np.where(has_prev, self.year[prev_rows], np.nan),
            "previous_value": np.where(
                has_prev, self.values.T[np.maximum(prev_rows, 0), np.tile(np.arange(v), n)], np.nan
            ),
            "change": self.change.T.ravel(),
            "change_per_year": self.change_per_year.T.ravel(),
            "first_year": np.where(first >= 0, self.year[np.maximum(first, 0)], np.nan),
            "change_since_first": self.change_since_first.T.ravel(),
            "movement": self.movement.T.ravel(),
            "year_to_target": self.year_to_target.T.ravel(),
            "progress": self.progress.T.ravel(),
            "reason": self.reasons.T.ravel(),
        }

    def _fixed(self) -> dict[str, list[Any]]:
        return {
            "code": [o.indicator.code for o in self.outputs],
            "data_point": [o.point.key if o.point else "" for o in self.outputs],
            "name": [o.name for o in self.outputs],
            "unit": [o.unit for o in self.outputs],
            "target": self.targets.tolist(),
            "direction": [_DIRECTION_NAMES.get(int(c), "none") for c in self.directions],
        }

    def to_frame(self, *, latest: bool = False) -> pd.DataFrame:
        """The long table: one row per input row and value; columns :data:`TREND_COLUMNS`.

        :param latest: only each city's last year (its whole span, and its last step).
        """
        import pandas as pd

        arrays = self._long
        keep = self._latest_mask() if latest else slice(None)
        out = arrays["out"][keep]

        def categorical(codes: Any, categories: Sequence[str]) -> Any:
            return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)))

        def per_output(values: list[Any]) -> Any:
            categories = list(dict.fromkeys(values))
            position = {value: i for i, value in enumerate(categories)}
            codes = np.array([position[x] for x in values], dtype=np.int64)
            return categorical(codes[out], categories)

        def year(values: Any) -> Any:
            return pd.array(values[keep], dtype="Float64").astype("Int64")

        fixed = self._fixed()
        return pd.DataFrame(
            {
                "city": arrays["city"][keep],
                "year": year(arrays["year"]),
                "code": per_output(fixed["code"]),
                "data_point": per_output(fixed["data_point"]),
                "name": per_output(fixed["name"]),
                "unit": per_output(fixed["unit"]),
                "value": arrays["value"][keep],
                "status": categorical(arrays["status"][keep], LABELS),
                "target": np.asarray(fixed["target"], np.float64)[out],
                "direction": per_output(fixed["direction"]),
                "previous_year": year(arrays["previous_year"]),
                "previous_value": arrays["previous_value"][keep],
                "change": arrays["change"][keep],
                "change_per_year": arrays["change_per_year"][keep],
                "first_year": year(arrays["first_year"]),
                "change_since_first": arrays["change_since_first"][keep],
                "movement": categorical(arrays["movement"][keep], MOVEMENTS),
                "year_to_target": year(arrays["year_to_target"]),
                "progress": categorical(arrays["progress"][keep], PROGRESS),
                "reason": categorical(arrays["reason"][keep], self.reason_texts),
            }
        )

    def records(self, rows: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Rows of the long table as plain dicts, without pandas: every value of ``rows``
        (input rows; all by default), in row then catalogue order."""
        arrays = self._long
        fixed = self._fixed()
        v = len(self.outputs)
        chosen = range(self.values.shape[1]) if rows is None else rows
        found = []
        for r in chosen:
            for j in range(v):
                i = r * v + j
                found.append(
                    {
                        "city": str(arrays["city"][i]),
                        "year": _int(arrays["year"][i]),
                        "code": fixed["code"][j],
                        "data_point": fixed["data_point"][j],
                        "name": fixed["name"][j],
                        "unit": fixed["unit"][j],
                        "value": _float(arrays["value"][i]),
                        "status": LABELS[arrays["status"][i]],
                        "target": _float(fixed["target"][j]),
                        "direction": fixed["direction"][j],
                        "previous_year": _int(arrays["previous_year"][i]),
                        "previous_value": _float(arrays["previous_value"][i]),
                        "change": _float(arrays["change"][i]),
                        "change_per_year": _float(arrays["change_per_year"][i]),
                        "first_year": _int(arrays["first_year"][i]),
                        "change_since_first": _float(arrays["change_since_first"][i]),
                        "movement": MOVEMENTS[arrays["movement"][i]],
                        "year_to_target": _int(arrays["year_to_target"][i]),
                        "progress": PROGRESS[arrays["progress"][i]],
                        "reason": self.reason_texts[arrays["reason"][i]],
                    }
                )
        return found

    def _latest_mask(self) -> npt.NDArray[np.bool_]:
        """Per long-table row, whether its input row is its city's last year."""
        n = self.values.shape[1]
        last = np.zeros(n, bool)
        if n:
            sorted_city = self.city[self.order]
            ends = np.append(sorted_city[1:] != sorted_city[:-1], True)
            last[self.order[ends]] = True
        return np.repeat(last, len(self.outputs))


def _reason_table() -> tuple[tuple[str, ...], dict[tuple[int, int], int]]:
    """Each distinct reason once (code 0: none), and the code of every (progress, detail)."""
    texts = ["", *dict.fromkeys(_TEXTS.values())]
    position = {text: i for i, text in enumerate(texts)}
    return tuple(texts), {key: position[text] for key, text in _TEXTS.items()}


#: Details of a reason: the KPI's direction, or for "not comparable" which year has no value.
_THIS, _PREVIOUS, _NO_YEAR, _TWICE = range(4)
_TEXTS: dict[tuple[int, int], str] = {}
for _code in _DIRECTION_NAMES:
    _rule = {
        HIGHER: "higher is better",
        LOWER: "lower is better",
        APPROACH: "approached from both sides",
        YES_NO: "yes/no",
    }[_code]
    _TEXTS[(IMPROVING, _code)] = f"moved towards the target ({_rule})"
    _TEXTS[(WORSENING, _code)] = f"moved away from the target ({_rule})"
    _TEXTS[(STABLE, _code)] = "changed by at most {stable} of the previous value"
    _TEXTS[(MET, _code)] = f"meets the target this year ({_rule})"
for _code, _rule in ((HIGHER, "higher is better"), (LOWER, "lower is better")):
    _TEXTS[(IMPROVING, 10 + _code)] = f"no target; better by the KPI's direction ({_rule})"
    _TEXTS[(WORSENING, 10 + _code)] = f"no target; worse by the KPI's direction ({_rule})"
_TEXTS[(STABLE, NONE)] = "changed by at most {stable} of the previous value"
_TEXTS[(CHANGED, NONE)] = "no target and no direction to judge the change by"
_TEXTS[(FIRST, 0)] = "the city's first year in this run: compared from its next year on"
_TEXTS[(ONE_YEAR, 0)] = "the city has one year only in this run: no trend yet"
for _status in Status:
    if _status in (Status.COMPUTED, Status.REPORTED):
        continue
    _TEXTS[(NOT_COMPARABLE, _THIS * 8 + _status)] = f"no value this year ({_status.label})"
    _TEXTS[(NOT_COMPARABLE, _PREVIOUS * 8 + _status)] = (
        f"no value in the previous year ({_status.label})"
    )
_TEXTS[(NOT_COMPARABLE, _NO_YEAR * 8)] = "the row has no year"
_TEXTS[(NOT_COMPARABLE, _TWICE * 8)] = "the city and year appear more than once"
REASON_TEXTS, _REASON_CODES = _reason_table()


def trends_of(
    city: npt.NDArray[np.object_],
    year: npt.NDArray[np.float64],
    values: npt.NDArray[np.float64],
    scores: Scores,
    *,
    stable_pct: float = 1.0,
) -> Trends:
    """The progress of every value (``values``: outputs × rows) of the rows ``city``/``year``,
    against the targets and directions the values were scored with (``scores``).

    :param stable_pct: a value that changed by less than this % of its previous value is
        ``stable`` (exactly unchanged when the previous value is 0).
    """
    if not (math.isfinite(stable_pct) and stable_pct >= 0):
        raise ConfigurationError(f"stable_pct must be a percentage of 0 or more, got {stable_pct}")
    v, n = values.shape
    status = scores.status
    targets = scores.benchmarks.values.astype(np.float64)
    codes = scores.benchmarks.codes.astype(np.int8)
    # The KPI's own direction, for values without a benchmark (judged without a target).
    own = np.array(
        [{"higher": HIGHER, "lower": LOWER}.get(o.direction, NONE) for o in scores.outputs],
        np.int8,
    )
    order, group = _order(city, year)
    starts = np.ones(n, bool)
    if n:
        starts[1:] = group[order][1:] != group[order][:-1]
    prev_sorted = np.where(starts, -1, np.arange(n) - 1)
    previous = np.full(n, -1, np.intp)
    previous[order] = np.where(prev_sorted >= 0, order[np.maximum(prev_sorted, 0)], -1)
    yearless = np.isnan(year)
    sorted_year = year[order]
    twice_sorted = np.zeros(n, bool)
    if n:
        same = ~starts[1:] & (sorted_year[1:] == sorted_year[:-1])
        twice_sorted[1:] |= same
        twice_sorted[:-1] |= same
    twice = np.zeros(n, bool)
    twice[order] = twice_sorted
    sizes = np.bincount(group, minlength=int(group.max()) + 1 if n else 0)
    one_year = sizes[group] == 1 if n else np.zeros(0, bool)

    has = np.isfinite(values)
    prev = np.maximum(previous, 0)
    prev_values = np.where(previous >= 0, values[:, prev], np.nan)
    prev_status = status[:, prev]
    with np.errstate(all="ignore"):
        change = values - prev_values
        gap_years = year - np.where(previous >= 0, year[prev], np.nan)
        per_year = change / gap_years
        first = _first_with_value(has, order, starts)
        first_values = np.where(
            first >= 0, np.take_along_axis(values, np.maximum(first, 0), 1), np.nan
        )
        since_first = np.where(first >= 0, values - first_values, np.nan)
        gap_now = _gap(values, targets, codes)
        gap_before = _gap(prev_values, targets, codes)
        closing = gap_before - gap_now
        stable = np.abs(change) <= np.abs(prev_values) * (stable_pct / 100.0)
        pct = scores.pct
        met = pct >= 100.0 - _SLACK
        pace = closing / gap_years
        reach = np.ceil(np.round(year + gap_now / pace, 9))
    benchmarked = (codes != NONE)[:, None]
    compared = np.isfinite(change)
    movement = np.full((v, n), _NO_MOVE, np.int8)
    judged = compared & benchmarked
    movement[judged & stable] = _STILL
    movement[judged & ~stable & (closing > 0)] = _TOWARDS
    movement[judged & ~stable & (closing <= 0)] = _AWAY

    progress = np.full((v, n), CHANGED, np.int8)
    detail = np.zeros((v, n), np.int16)
    direction = np.broadcast_to(codes[:, None], (v, n))
    by_own = np.broadcast_to((10 + own)[:, None], (v, n))
    better = np.where(own[:, None] == LOWER, change < 0, change > 0)
    unjudged = compared & ~benchmarked
    _set(progress, detail, unjudged & (own[:, None] == NONE), CHANGED, NONE)
    _set(progress, detail, unjudged & (own[:, None] != NONE) & better, IMPROVING, by_own)
    _set(progress, detail, unjudged & (own[:, None] != NONE) & ~better, WORSENING, by_own)
    _set(progress, detail, movement == _TOWARDS, IMPROVING, direction)
    _set(progress, detail, movement == _AWAY, WORSENING, direction)
    _set(progress, detail, compared & stable, STABLE, np.where(benchmarked, direction, NONE))
    first_row = np.broadcast_to((previous < 0)[None, :], (v, n))
    _set(progress, detail, has & first_row, FIRST, 0)
    gone = has & ~first_row & ~np.isfinite(prev_values)
    _set(progress, detail, gone, NOT_COMPARABLE, _PREVIOUS * 8 + prev_status)
    _set(progress, detail, has & met, MET, direction)
    _set(progress, detail, ~has, NOT_COMPARABLE, _THIS * 8 + status)
    _set(progress, detail, np.broadcast_to(one_year, (v, n)), ONE_YEAR, 0)
    _set(progress, detail, np.broadcast_to(twice, (v, n)), NOT_COMPARABLE, _TWICE * 8)
    _set(progress, detail, np.broadcast_to(yearless, (v, n)), NOT_COMPARABLE, _NO_YEAR * 8)
    keys = progress.astype(np.int32) * 1000 + detail
    lookup = {p * 1000 + d: code for (p, d), code in _REASON_CODES.items()}
    reasons = np.zeros((v, n), np.int16)
    for key in np.unique(keys).tolist():
        reasons[keys == key] = lookup.get(key, 0)
    ok = (movement == _TOWARDS) & np.isfinite(reach) & (progress == IMPROVING)
    year_to_target = np.where(ok & (codes != YES_NO)[:, None], reach, np.nan)
    invalid = (twice | yearless)[None, :]
    nan_out = invalid | (progress == NOT_COMPARABLE)
    return Trends(
        city=city,
        year=year,
        outputs=list(scores.outputs),
        values=values,
        status=status,
        targets=targets,
        directions=codes,
        order=order,
        previous=np.where(twice | yearless, -1, previous),
        first=np.where(invalid, -1, first),
        change=np.where(nan_out, np.nan, change),
        change_per_year=np.where(nan_out, np.nan, per_year),
        change_since_first=np.where(invalid, np.nan, since_first),
        movement=np.where(nan_out, _NO_MOVE, movement).astype(np.int8),
        year_to_target=year_to_target,
        progress=progress,
        reasons=reasons,
        reason_texts=tuple(t.format(stable=f"{stable_pct:g} %") for t in REASON_TEXTS),
        stable_pct=stable_pct,
    )


def _set(
    progress: npt.NDArray[np.int8],
    detail: npt.NDArray[np.int16],
    where: npt.NDArray[np.bool_],
    code: int,
    what: Any,
) -> None:
    """Later rules win: set ``progress`` to ``code`` and its detail to ``what`` where ``where``."""
    progress[where] = code
    detail[where] = np.broadcast_to(what, detail.shape)[where]


def _order(
    city: npt.NDArray[np.object_], year: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Rows sorted by city (first appearance) then year, stably; and each row's city number."""
    if len(city) == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    names, first, group = np.unique(city.astype(str), return_index=True, return_inverse=True)
    rank = np.empty(len(names), np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(len(names))
    group = rank[group.ravel()]
    order = np.lexsort((np.where(np.isnan(year), np.inf, year), group))
    return order.astype(np.intp), group.astype(np.intp)


def _first_with_value(
    has: npt.NDArray[np.bool_], order: npt.NDArray[np.intp], starts: npt.NDArray[np.bool_]
) -> npt.NDArray[np.intp]:
    """Per output and row, the first row of the same city (in year order, up to this one) with a
    number; -1 for none. A running maximum over the sorted rows: a later city always outranks an
    earlier one, and within a city the earliest row with a number ranks highest."""
    v, n = has.shape
    if n == 0:
        return np.zeros((v, 0), np.intp)
    group = np.cumsum(starts) - 1
    span = 2 * n + 2
    positions = np.arange(n)
    rank = group * span + np.where(has[:, order], n + 1 - positions, 0)
    best = np.maximum.accumulate(rank, axis=1) - group * span
    found_sorted = np.where(best > 0, n + 1 - best, -1)
    found = np.where(found_sorted >= 0, order[np.maximum(found_sorted, 0)], -1)
    out = np.empty((v, n), np.intp)
    out[:, order] = found
    return out


def _gap(
    values: npt.NDArray[np.float64], targets: npt.NDArray[np.float64], codes: npt.NDArray[np.int8]
) -> npt.NDArray[np.float64]:
    """How far each value is from its target, in the KPI's unit (0 or less: met)."""
    t = targets[:, None]
    c = codes[:, None]
    return np.where(
        c == HIGHER,
        t - values,
        np.where(
            c == LOWER,
            values - t,
            np.where(
                c == APPROACH,
                np.abs(values - t),
                np.where(c == YES_NO, np.abs(values - t), np.nan),
            ),
        ),
    )


def _float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _int(value: float) -> int | None:
    return None if np.isnan(value) else int(value)


if TYPE_CHECKING:
    from collections.abc import Sequence
