"""Vectorised evaluation of the indicator graph over columns of cities.

Every column, input or output, is three aligned arrays: values (float64, NaN where unusable),
statuses (int8, :class:`Status`) and note codes (int32, into a :class:`NoteTable`). The same code
evaluates one city (arrays of length 1) and a million (length 1 000 000): there is no per-row
Python loop. Reasons are built once per distinct pattern of blocked inputs, not once per row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue, outputs_of
from .graph import IndicatorGraph
from .model import Check, Indicator
from .status import Status
from .values import NoteTable

__all__ = ["Column", "evaluate"]

Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int8]
NoteCodes = npt.NDArray[np.int32]

#: Cells (outputs × rows) looked at per block when scanning the matrix for gaps.
_BLOCK_CELLS = 2_000_000

_NR = np.int8(Status.NOT_REPORTED)
_NA = np.int8(Status.NOT_APPLICABLE)
_INVALID = np.int8(Status.INVALID)
_ERROR = np.int8(Status.ERROR)


@dataclass(slots=True)
class Column:
    """Values, statuses and note codes of one input item or one output, for every row."""

    values: Floats
    status: Codes
    notes: NoteCodes

    @classmethod
    def absent(cls, n: int) -> Column:
        """A column nobody reported: every row not reported."""
        return cls(np.full(n, np.nan), np.full(n, _NR, dtype=np.int8), np.zeros(n, np.int32))


@dataclass(frozen=True, slots=True)
class Step:
    """One indicator of a compiled plan, with everything the evaluator needs resolved up front.

    :ivar params: the formula's parameter names; ``sources`` says what each one names (a data item
        when ``from_item``, else an indicator id); ``rows`` are the matrix rows of its outputs.
    """

    indicator: Indicator
    params: tuple[str, ...]
    sources: tuple[str, ...]
    from_item: tuple[bool, ...]
    keys: tuple[str | None, ...]
    rows: tuple[int, ...]
    ids: tuple[str, ...]
    #: For each output, the positions of the parameters its value depends on.
    uses: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Plan:
    """The indicators in dependency order, compiled once per engine and reused for every call."""

    steps: tuple[Step, ...]
    ids: tuple[str, ...]
    #: Indicators that other indicators name as a parameter.
    used_as_input: frozenset[str] = frozenset()

    @classmethod
    def compile(
        cls, catalogue: Catalogue, graph: IndicatorGraph, wanted: Iterable[str] | None = None
    ) -> Plan:
        """Resolve every parameter and output row, in the order of ``graph``.

        :param wanted: indicator ids to evaluate (with everything they need); all by default.
        """
        order = graph.plan(wanted)
        needed = set(order)
        ids = tuple(o.id for o in catalogue.outputs() if o.indicator.id in needed)
        row_of = {output_id: i for i, output_id in enumerate(ids)}
        steps = []
        for ind_id in order:
            ind = catalogue.indicators[ind_id]
            sources = tuple(graph.direct_inputs(ind_id))
            outputs = outputs_of(ind)
            steps.append(
                Step(
                    indicator=ind,
                    params=ind.inputs,
                    sources=sources,
                    from_item=tuple(source in catalogue.items for source in sources),
                    keys=tuple(o.point.key if o.point else None for o in outputs),
                    rows=tuple(row_of[o.id] for o in outputs),
                    ids=tuple(o.id for o in outputs),
                    uses=_dependencies(ind, sources, catalogue),
                )
            )
        used = frozenset(
            s
            for step in steps
            for s, item in zip(step.sources, step.from_item, strict=True)
            if not item
        )
        return cls(tuple(steps), ids, used)


@dataclass(slots=True)
class Evaluation:
    """Every output as rows of three (outputs × rows) matrices, in catalogue order.

    :ivar ids: output ids, one per matrix row.
    :ivar returned: what each indicator passes to the indicators and checks built on it.
    """

    ids: tuple[str, ...]
    values: Floats
    status: Codes
    notes: NoteCodes
    returned: dict[str, Any]


def evaluate(
    plan: Plan,
    catalogue: Catalogue,
    inputs: Mapping[str, Column],
    overrides: Mapping[str, Column],
    notes: NoteTable,
    n: int,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Evaluate every indicator of ``plan`` over ``n`` rows.

    :param inputs: parsed input columns by data item name; absent items are not reported.
    :param overrides: reported final values by output id; a usable one wins over computing.
    :param progress: called as ``progress(done, total)`` after each indicator.
    """
    matrix_values = np.empty((len(plan.ids), n))
    matrix_status = np.zeros((len(plan.ids), n), dtype=np.int8)
    matrix_notes = np.zeros((len(plan.ids), n), dtype=np.int32)
    returned: dict[str, Any] = {}
    node_columns: dict[str, Column] = {}  # what a parameter naming an indicator receives
    with np.errstate(all="ignore"):
        _run_steps(
            plan,
            inputs,
            overrides,
            notes,
            n,
            catalogue,
            returned,
            node_columns,
            matrix_values,
            matrix_status,
            matrix_notes,
            progress,
        )
    return Evaluation(plan.ids, matrix_values, matrix_status, matrix_notes, returned)


def _run_steps(
    plan: Plan,
    inputs: Mapping[str, Column],
    overrides: Mapping[str, Column],
    notes: NoteTable,
    n: int,
    catalogue: Catalogue,
    returned: dict[str, Any],
    node_columns: dict[str, Column],
    matrix_values: Floats,
    matrix_status: Codes,
    matrix_notes: NoteCodes,
    progress: Callable[[int, int], None] | None,
) -> None:
    """One step per indicator, in dependency order, writing into the matrices."""
    absent: Column | None = None
    pending: dict[int, tuple[Step, int, list[Column]]] = {}
    for done, step in enumerate(plan.steps, start=1):
        if progress is not None:
            progress(done, len(plan.steps))
        args: list[Column] = []
        kwargs: dict[str, Any] = {}
        for param, source, from_item in zip(step.params, step.sources, step.from_item, strict=True):
            if from_item:
                column = inputs.get(source)
                if column is None:
                    absent = absent or Column.absent(n)
                    column = absent
                kwargs[param] = column.values
            else:
                column = node_columns[source]
                kwargs[param] = returned[source]
            args.append(column)
        result = _call(step.indicator, kwargs, n)
        # Rows without a number are explained at once when something downstream reads this
        # indicator, or an override or a failure needs it; otherwise after the loop, when one
        # pass over the whole matrix finds them (few, usually none, for one city).
        now = bool(result.failures) or step.indicator.id in plan.used_as_input
        for j, (key, row, output_id) in enumerate(zip(step.keys, step.rows, step.ids, strict=True)):
            matrix_values[row] = result.values if key is None else result.points[key]
            override = overrides.get(output_id)
            if now or override is not None:
                _settle(
                    step,
                    j,
                    args,
                    result,
                    override,
                    matrix_values,
                    matrix_status,
                    matrix_notes,
                    notes,
                    catalogue,
                )
            else:
                pending[row] = (step, j, args)
        ind_id = step.indicator.id
        if step.indicator.points:
            returned[ind_id] = {
                k: matrix_values[r] for k, r in zip(step.keys, step.rows, strict=True)
            }
        else:
            returned[ind_id] = matrix_values[step.rows[0]]
        if ind_id in plan.used_as_input:
            columns = [
                Column(matrix_values[r], matrix_status[r], matrix_notes[r]) for r in step.rows
            ]
            node_columns[ind_id] = columns[0] if len(columns) == 1 else _merge(columns)
    block = max(1, _BLOCK_CELLS // max(n, 1))
    for start in range(0, len(matrix_values), block):  # slices are views: no copy
        blank = ~np.isfinite(matrix_values[start : start + block]).all(axis=1)
        for row in (np.flatnonzero(blank) + start).tolist():
            if row not in pending:
                continue
            step, j, args = pending[row]
            _settle(
                step,
                j,
                args,
                _COMPLETE,
                None,
                matrix_values,
                matrix_status,
                matrix_notes,
                notes,
                catalogue,
            )


def _settle(
    step: Step,
    j: int,
    args: list[Column],
    result: _Called,
    override: Column | None,
    matrix_values: Floats,
    matrix_status: Codes,
    matrix_notes: NoteCodes,
    notes: NoteTable,
    catalogue: Catalogue,
) -> None:
    """Give output ``j`` of ``step`` its statuses and reasons where it has no number, then lay
    the city's reported value over it."""
    row = step.rows[j]
    column = Column(matrix_values[row], matrix_status[row], matrix_notes[row])
    blank = ~np.isfinite(column.values)
    if blank.any() or result.failures:
        uses = step.uses[j]
        _finish(
            column,
            np.flatnonzero(blank),
            result,
            tuple(step.sources[i] for i in uses),
            [args[i] for i in uses],
            notes,
            catalogue,
        )
    if override is not None:
        _apply_override(column, override, step.ids[j], notes)


def _dependencies(
    ind: Indicator, sources: tuple[str, ...], catalogue: Catalogue
) -> tuple[tuple[int, ...], ...]:
    """For each output, the parameters it depends on.

    A single-value indicator depends on all of them. For a multi-value KPI the formula is run
    once per parameter on one row of ones with that parameter missing (NaN): the data points that
    lose their value depend on it. So a missing 3G input never blames the 4G point. A formula that
    cannot be probed (it raises, or takes another multi-value KPI) keeps all parameters.
    """
    every = tuple(range(len(ind.inputs)))
    if not ind.points:
        return (every,)
    fallback = tuple(every for _ in ind.points)
    if any(
        source in catalogue.indicators and catalogue.indicators[source].points for source in sources
    ):
        return fallback
    found: list[set[int]] = [set() for _ in ind.points]
    try:
        with np.errstate(all="ignore"):
            for i, param in enumerate(ind.inputs):
                args = {p: np.full(1, np.nan if p == param else 1.0) for p in ind.inputs}
                got = ind.func(**args)
                for j, point in enumerate(ind.points):
                    if not np.isfinite(np.asarray(got[point.key], dtype=np.float64)).all():
                        found[j].add(i)
    except Exception:
        return fallback
    return tuple(tuple(sorted(uses)) if uses else every for uses in found)


def _combine(statuses: list[Codes], n: int) -> Codes:
    """The worst status of several inputs, row by row (statuses are ordered by precedence)."""
    if not statuses:
        return np.zeros(n, np.int8)
    if len(statuses) == 1:
        return statuses[0]
    return np.asarray(np.maximum.reduce(statuses), dtype=np.int8)


def _merge(columns: list[Column]) -> Column:
    """One column standing for a multi-value KPI used as a parameter: worst status of its points."""
    worst = np.argmax(np.stack([c.status for c in columns]), axis=0)
    rows = np.arange(len(worst))
    status = np.stack([c.status for c in columns])[worst, rows]
    notes = np.stack([c.notes for c in columns])[worst, rows]
    return Column(np.full(len(worst), np.nan), status, notes)


@dataclass(slots=True)
class _Called:
    """What a formula returned, shaped to ``n`` rows, and per-row failure messages."""

    values: Floats
    points: dict[str, Floats]
    failures: dict[int, str]


def _call(ind: Indicator, kwargs: dict[str, Any], n: int) -> _Called:
    """Call the formula on all rows; if it raises, find the failing rows by bisection."""
    failures: dict[int, str] = {}
    try:
        raw = _shaped(ind, ind.func(**kwargs), n)
    except Exception:
        raw = _bisect(ind, kwargs, 0, n, n, failures)
    if ind.points:
        return _Called(_NO_VALUES, raw, failures)
    return _Called(raw[""], {}, failures)


_NO_VALUES: Floats = np.empty(0)
#: What a formula that raised on no row "returned", for outputs settled after the loop.
_COMPLETE = _Called(_NO_VALUES, {}, {})


def _shaped(ind: Indicator, raw: Any, n: int) -> dict[str, Floats]:
    """Return the formula's result as float arrays of length ``n``, keyed by point ("" if none)."""
    if not ind.points:
        return {"": _as_column(raw, n)}
    if not isinstance(raw, Mapping):
        raise TypeError(
            f"{ind.code} declares data points, so its formula must return a mapping of point key "
            f"to values, not {type(raw).__name__}"
        )
    missing = [p.key for p in ind.points if p.key not in raw]
    if missing:
        raise KeyError(f"{ind.code} returned no value for data point(s) {', '.join(missing)}")
    return {p.key: _as_column(raw[p.key], n) for p in ind.points}


def _as_column(raw: Any, n: int) -> Floats:
    array = np.asarray(raw, dtype=np.float64)
    if array.shape == (n,):
        return array
    return np.broadcast_to(array, (n,)).copy()


def _bisect(
    ind: Indicator, kwargs: dict[str, Any], lo: int, hi: int, n: int, failures: dict[int, str]
) -> dict[str, Floats]:
    """Evaluate rows ``lo:hi``; a raising slice is halved until the failing rows are found."""
    keys = [p.key for p in ind.points] or [""]
    out = {key: np.full(hi - lo, np.nan) for key in keys}
    try:
        part = {k: (_slice(v, lo, hi)) for k, v in kwargs.items()}
        got = _shaped(ind, ind.func(**part), hi - lo)
    except Exception as error:
        if hi - lo == 1:
            failures[lo] = f"formula failed: {type(error).__name__}: {error}"
            return out
        mid = (lo + hi) // 2
        left = _bisect(ind, kwargs, lo, mid, n, failures)
        right = _bisect(ind, kwargs, mid, hi, n, failures)
        return {k: np.concatenate([left[k], right[k]]) for k in keys}
    return got


def _slice(value: Any, lo: int, hi: int) -> Any:
    if isinstance(value, Mapping):
        return {k: v[lo:hi] for k, v in value.items()}
    return value[lo:hi]


def _finish(
    column: Column,
    rows: npt.NDArray[np.intp],
    called: _Called,
    params: tuple[str, ...],
    args: list[Column],
    notes: NoteTable,
    catalogue: Catalogue,
) -> None:
    """Write one output where some rows have no finite number, with statuses and reasons.

    A finite value was computed without the blocked inputs (missing inputs are NaN and NaN
    propagates), so only the rows without a number take their inputs' worst status, or error.
    Only those rows are examined, so a few gaps in a million rows cost little.

    :param rows: the rows without a finite value.
    :param params: the sources of the parameters this output depends on; ``args`` their columns.
    """
    column.values[rows] = np.nan
    in_status = _combine([a.status[rows] for a in args], rows.size)
    status = np.where(in_status >= _NR, in_status, _ERROR).astype(np.int8)
    column.status[rows] = status
    for row, message in called.failures.items():
        if column.status[row] == _ERROR:
            column.notes[row] = notes.code(message)
    _explain(rows, column, params, args, notes, catalogue)


def _explain(
    rows: npt.NDArray[np.intp],
    column: Column,
    params: tuple[str, ...],
    args: list[Column],
    notes: NoteTable,
    catalogue: Catalogue,
) -> None:
    """Write a reason for each of ``rows`` that has none yet, once per distinct pattern."""
    rows = rows[column.notes[rows] == 0]
    if rows.size == 0:
        return
    k = len(args)
    row_status = column.status[rows].astype(np.int64)
    weights = [np.int64(1) << i for i in range(k)]
    not_reported = row_status == _NR
    detail = np.zeros(rows.size, np.int64)
    own_error = np.zeros(rows.size, bool)
    if not_reported.any():  # every missing input, as bits
        nr_rows = rows[not_reported] if not not_reported.all() else rows
        bits = np.zeros(nr_rows.size, np.int64)
        for weight, arg in zip(weights, args, strict=True):
            bits += (arg.status[nr_rows] == _NR) * weight
        detail[not_reported] = bits
    other = ~not_reported
    if other.any():
        other_rows, other_status = rows[other], row_status[other]
        if k:
            arg_status = np.stack([a.status[other_rows] for a in args])
            # The first input with the row's own status (NA, invalid, or an upstream error) ...
            culprit = np.argmax(arg_status == other_status, axis=0)
            notes_of = np.stack([a.notes[other_rows] for a in args])
            culprit_note = notes_of[culprit, np.arange(other_rows.size)]
            own = (other_status == _ERROR) & ~(arg_status == _ERROR).any(axis=0)
            # ... or, for the formula's own error, every input that is 0.
            zeros = np.stack([a.values[other_rows] == 0 for a in args])
            zero_bits = (zeros * np.array(weights)[:, None]).sum(axis=0)
            detail[other] = np.where(own, zero_bits, culprit * (1 << 32) + culprit_note)
        else:
            own = other_status == _ERROR
        own_error[other] = own
    # One integer per pattern: detail (< 2**40), whether the error is the formula's own, status.
    keys = (detail.astype(np.int64) << 4) | (own_error.astype(np.int64) << 3) | row_status
    if keys.size == 1:  # one city: no patterns to share (np.unique costs more than the rest)
        uniques, inverse = keys, np.zeros(1, np.intp)
    else:
        uniques, inverse = np.unique(keys, return_inverse=True)
    texts = [
        notes.code(
            _reason(
                Status(int(key) & 7),
                bool(int(key) >> 3 & 1),
                int(key) >> 4,
                params,
                catalogue,
                notes,
            )
        )
        for key in uniques
    ]
    column.notes[rows] = np.asarray(texts, np.int32)[inverse.ravel()]


def _reason(
    status: Status,
    own_error: bool,
    detail: int,
    params: tuple[str, ...],
    catalogue: Catalogue,
    notes: NoteTable,
) -> str:
    def names(bits: int) -> list[str]:
        return [label(p) for i, p in enumerate(params) if bits >> i & 1]

    def label(param: str) -> str:
        ind = catalogue.indicators.get(param)
        return ind.code if ind is not None else param

    if status is Status.NOT_REPORTED:
        return "missing " + ", ".join(names(detail))
    if own_error:
        zeros = names(detail)
        if zeros:
            return f"undefined: {' and '.join(zeros)} {'is' if len(zeros) == 1 else 'are'} 0"
        return "the formula gave no finite number for these inputs"
    index, note_code = divmod(detail, 1 << 32)
    param = params[index]
    note = notes.text(note_code)
    if param in catalogue.indicators:  # an upstream indicator already explains itself
        return f"{label(param)}: {note}" if note else f"{label(param)} is {status.label}"
    if status is Status.NOT_APPLICABLE:
        return f"{param} is not applicable" + (f": {note}" if note else "")
    return f"{param}: {note}" if note else f"{param} is {status.label}"


def _apply_override(column: Column, override: Column, column_name: str, notes: NoteTable) -> None:
    """Lay a reported final value over a computed column, in place: a reported cell wins."""
    given = override.status != _NR
    if not given.any():
        return
    usable = override.status == Status.COMPUTED
    column.values[:] = np.where(usable, override.values, np.where(given, np.nan, column.values))
    column.status[:] = np.where(
        usable, np.int8(Status.REPORTED), np.where(given, override.status, column.status)
    )
    note_codes = np.where(usable, 0, np.where(given, override.notes, column.notes)).astype(np.int32)
    # A reported cell's own note explains it; name the column for invalid ones.
    invalid = given & (override.status == _INVALID)
    if invalid.any():
        for code in np.unique(note_codes[invalid]):
            mask = invalid & (note_codes == code)
            text = f"reported value in column {column_name!r}: {notes.text(int(code))}"
            note_codes[mask] = notes.code(text)
    na_plain = given & (override.status == _NA) & (note_codes == 0)
    note_codes[na_plain] = notes.code("reported as not applicable")
    column.notes[:] = note_codes


def run_checks(
    catalogue: Catalogue, evaluation: Evaluation, inputs: Mapping[str, Column], n: int
) -> list[tuple[Check, npt.NDArray[np.intp]]]:
    """Run every consistency check; return each broken check with the rows that break it.

    A check that raises is reported as broken on no row and its failure is returned as a
    separate entry with the row list empty and the message on ``Check.message``.
    """
    broken: list[tuple[Check, npt.NDArray[np.intp]]] = []
    for chk in catalogue.checks:
        sources = [catalogue.resolve(p) for p in chk.inputs]
        if any(s in catalogue.indicators and s not in evaluation.returned for s in sources):
            continue  # reads an indicator this (partial) evaluation did not compute
        kwargs: dict[str, Any] = {}
        for param in chk.inputs:
            source = catalogue.resolve(param)
            if source in evaluation.returned:
                kwargs[param] = evaluation.returned[source]
            else:
                column = inputs.get(source)
                kwargs[param] = column.values if column is not None else np.full(n, np.nan)
        try:
            with np.errstate(all="ignore"):
                mask = np.broadcast_to(np.asarray(chk.func(**kwargs), dtype=bool), (n,))
        except Exception as error:
            failed = dataclasses.replace(
                chk,
                message=f"check {chk.id} (plugin {chk.plugin!r}) failed: "
                f"{type(error).__name__}: {error}",
            )
            broken.append((failed, np.arange(0)))
            continue
        rows = np.flatnonzero(mask)
        if rows.size:
            broken.append((chk, rows))
    return broken
