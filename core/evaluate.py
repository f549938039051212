"""Vectorised evaluation of the indicator graph over columns of cities.

Every output is a float64 array of values (NaN where there is no number), one row of an
(outputs × rows) int8 status matrix (:class:`Status`), and note codes (into a
:class:`NoteTable`) held only for the rows that have one. The same code evaluates one city (arrays
of length 1) and a million (length 1 000 000): there is no per-row Python loop. Reasons are built
once per distinct pattern of blocked inputs, not once per row.

Nothing is copied that need not be: an output keeps the array its formula returned, and an input
column that holds only numbers and blanks carries no status or note arrays at all (a blank is not
reported). On a million rows this halves the memory the evaluation touches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .bounds import out_of_bounds_codes, outside
from .catalogue import Catalogue, outputs_of
from .graph import IndicatorGraph
from .model import Check, Indicator
from .status import Status
from .values import NoteTable, implied_status

__all__ = ["Column", "Reasons", "evaluate", "stack_outputs"]

Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int8]
NoteCodes = npt.NDArray[np.int32]
Rows = npt.NDArray[np.intp]

#: Cells (outputs × rows) up to which outputs are checked for gaps together, in one array.
_BLOCK_CELLS = 2_000_000

_NR = np.int8(Status.NOT_REPORTED)
_NA = np.int8(Status.NOT_APPLICABLE)
_INVALID = np.int8(Status.INVALID)
_ERROR = np.int8(Status.ERROR)


@dataclass(slots=True)
class Column:
    """Values, statuses and note codes of one input item or one output, for every row.

    :ivar status: per row; ``None`` for a column of plain numbers and blanks: not reported where
        the value is NaN, computed elsewhere.
    :ivar notes: per row; ``None`` when no row has a note.
    """

    values: Floats
    status: Codes | None = None
    notes: NoteCodes | None = None

    @classmethod
    def absent(cls, n: int) -> Column:
        """A column nobody reported: every row not reported."""
        return cls(np.full(n, np.nan))

    def status_at(self, rows: Rows) -> Codes:
        """The statuses of ``rows``."""
        if self.status is None:
            return implied_status(self.values[rows])
        return self.status[rows]

    def notes_at(self, rows: Rows) -> NoteCodes:
        """The note codes of ``rows``."""
        if self.notes is None:
            return np.zeros(len(rows), np.int32)
        return self.notes[rows]

    def full_status(self) -> Codes:
        """The status of every row, as an array (the column's own, when it has one)."""
        return implied_status(self.values) if self.status is None else self.status

    def full_notes(self) -> NoteCodes:
        """The note code of every row, as an array."""
        return np.zeros(len(self.values), np.int32) if self.notes is None else self.notes


class Reasons:
    """Note codes of an (outputs × rows) matrix, held per output for the rows that have one.

    Most values of a real table are computed and need no reason: a dense int32 matrix would be
    four times the size of the status matrix for a few gaps.
    """

    def __init__(self, outputs: int, n: int) -> None:
        self.shape = (outputs, n)
        none: Rows = np.empty(0, np.intp)
        self._rows: list[Rows] = [none] * outputs
        self._codes: list[NoteCodes] = [np.empty(0, np.int32)] * outputs

    def put(self, output: int, rows: Rows, codes: NoteCodes) -> None:
        """Set the note codes of one output: ``codes`` at ``rows`` (ascending), 0 elsewhere."""
        keep = codes != 0
        self._rows[output], self._codes[output] = rows[keep], codes[keep]

    def put_row(self, output: int, codes: NoteCodes) -> None:
        """Set the note codes of one output from a full row of codes."""
        rows = np.flatnonzero(codes)
        self._rows[output], self._codes[output] = rows, codes[rows]

    def overlay(self, output: int, rows: Rows, codes: NoteCodes) -> None:
        """Set the note codes of ``rows`` (ascending, unique) of one output, keeping the rest."""
        keep = ~np.isin(self._rows[output], rows)
        merged = np.concatenate([self._rows[output][keep], rows])
        order = np.argsort(merged, kind="stable")
        self._rows[output] = merged[order]
        self._codes[output] = np.concatenate([self._codes[output][keep], codes])[order]

    def row(self, output: int) -> NoteCodes:
        """The note codes of one output, every row."""
        out = np.zeros(self.shape[1], np.int32)
        out[self._rows[output]] = self._codes[output]
        return out

    def at(self, output: int, row: int) -> int:
        """The note code of one output in one row."""
        rows = self._rows[output]
        i = int(np.searchsorted(rows, row))
        return int(self._codes[output][i]) if i < rows.size and rows[i] == row else 0

    def dense(self, start: int = 0, stop: int | None = None) -> NoteCodes:
        """Every note code of rows ``start`` to ``stop`` (all rows by default), as an
        (outputs × rows) matrix."""
        stop = self.shape[1] if stop is None else stop
        out = np.zeros((self.shape[0], stop - start), np.int32)
        for i, (rows, codes) in enumerate(zip(self._rows, self._codes, strict=True)):
            first, last = np.searchsorted(rows, (start, stop))
            out[i, rows[first:last] - start] = codes[first:last]
        return out


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
    #: Whether other indicators name this one as a parameter.
    feeds: bool = False
    #: The indicator's id (the name other formulas use for it).
    indicator_id: str = ""
    #: (parameter, source, whether the source is a data item), for each parameter.
    wiring: tuple[tuple[str, str, bool], ...] = ()
    #: For each output, the range its value must lie in, and its unit.
    bounds: tuple[tuple[float, float], ...] = ()
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The indicators in dependency order, compiled once per engine and reused for every call."""

    steps: tuple[Step, ...]
    ids: tuple[str, ...]
    #: Indicators that other indicators name as a parameter.
    used_as_input: frozenset[str] = frozenset()
    #: The bounds of each output, in the order of ``ids``.
    lower: tuple[float, ...] = ()
    upper: tuple[float, ...] = ()

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
        sources_of = {ind_id: tuple(graph.direct_inputs(ind_id)) for ind_id in order}
        used = frozenset(s for found in sources_of.values() for s in found if s in needed)
        steps = []
        for ind_id in order:
            ind = catalogue.indicators[ind_id]
            sources = sources_of[ind_id]
            from_item = tuple(source in catalogue.items for source in sources)
            outputs = outputs_of(ind)
            steps.append(
                Step(
                    indicator=ind,
                    params=ind.inputs,
                    sources=sources,
                    from_item=from_item,
                    keys=tuple(o.point.key if o.point else None for o in outputs),
                    rows=tuple(row_of[o.id] for o in outputs),
                    ids=tuple(o.id for o in outputs),
                    uses=_dependencies(ind, sources, catalogue),
                    feeds=ind_id in used,
                    indicator_id=ind_id,
                    wiring=tuple(zip(ind.inputs, sources, from_item, strict=True)),
                    bounds=tuple(o.bounds for o in outputs),
                    units=tuple(o.unit for o in outputs),
                )
            )
        bounds = {o.id: o.bounds for o in catalogue.outputs() if o.id in row_of}
        return cls(
            tuple(steps),
            ids,
            used,
            tuple(bounds[i][0] for i in ids),
            tuple(bounds[i][1] for i in ids),
        )


@dataclass(slots=True)
class Evaluation:
    """Every output of a plan, in catalogue order.

    :ivar ids: output ids, one per output.
    :ivar values: one array of values per output.
    :ivar status: statuses, (outputs × rows).
    :ivar reasons: note codes of the values without a number (and of reported ones).
    :ivar returned: what each indicator passes to the indicators and checks built on it.
    :ivar counts: how many values have each status, indexed by status code.
    """

    ids: tuple[str, ...]
    values: list[Floats]
    status: Codes
    reasons: Reasons
    returned: dict[str, Any]
    counts: npt.NDArray[np.int64]

    def invalidate_rows(self, rows: Rows, codes: NoteCodes) -> None:
        """Make every value of ``rows`` (ascending, unique) invalid with the note ``codes``: the
        row itself is broken (no city, a year that is not one, missing cells), so no number of it
        may be scored as if it were sound."""
        if rows.size == 0:
            return
        self.counts -= np.bincount(self.status[:, rows].ravel(), minlength=len(Status))
        self.counts[Status.INVALID] += self.status.shape[0] * rows.size
        self.status[:, rows] = _INVALID
        for i, values in enumerate(self.values):
            values = values.copy()
            values[rows] = np.nan
            self.values[i] = values
            self.reasons.overlay(i, rows, codes)


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
    run = _Run(plan, catalogue, inputs, overrides, notes, n)
    with np.errstate(all="ignore"):
        for done, step in enumerate(plan.steps, start=1):
            if progress is not None:
                progress(done, len(plan.steps))
            run.step(step)
        run.settle_pending()
    return Evaluation(plan.ids, run.values, run.status, run.reasons, run.returned, run.counts)


class _Run:
    """One evaluation in progress: the outputs so far, and what later steps read from them."""

    def __init__(
        self,
        plan: Plan,
        catalogue: Catalogue,
        inputs: Mapping[str, Column],
        overrides: Mapping[str, Column],
        notes: NoteTable,
        n: int,
    ) -> None:
        self.catalogue, self.notes, self.n = catalogue, notes, n
        self.inputs, self.overrides = inputs, overrides
        self.values: list[Floats] = [_NO_VALUES] * len(plan.ids)
        self.status = np.zeros((len(plan.ids), n), dtype=np.int8)
        self.reasons = Reasons(len(plan.ids), n)
        #: Values per status, kept as statuses are written: counting the matrix afterwards
        #: would read every cell again.
        self.counts = np.zeros(len(Status), np.int64)
        self.counts[Status.COMPUTED] = len(plan.ids) * n
        self.returned: dict[str, Any] = {}
        #: What a parameter naming an indicator receives.
        self.nodes: dict[str, Column] = {}
        #: Outputs whose gaps are explained after the last step: (step, output index, arguments).
        self.pending: dict[int, tuple[Step, int, list[Column]]] = {}
        self._absent: Column | None = None
        #: Identities of the arrays formulas may be given (inputs, then outputs as they come).
        self._held = {id(column.values) for column in inputs.values()}
        self._mask = np.empty(n, bool)  # reused for every output's gap scan
        #: The bounds of each output, by matrix row.
        self.lower = np.array(plan.lower, dtype=np.float64)
        self.upper = np.array(plan.upper, dtype=np.float64)

    def step(self, step: Step) -> None:
        """Evaluate one indicator and store its outputs."""
        args: list[Column] = []
        kwargs: dict[str, Any] = {}
        inputs, nodes, returned = self.inputs, self.nodes, self.returned
        for param, source, from_item in step.wiring:
            if from_item:
                column = inputs.get(source) or self._absent_column()
                kwargs[param] = column.values
            else:
                column = nodes[source]
                kwargs[param] = returned[source]
            args.append(column)
        got, failures = _call(step.indicator, kwargs, self.n)
        # Rows without a number are explained at once when something downstream reads this
        # indicator, or an override or a failure needs it; otherwise after the last step, when
        # one check over all outputs finds them (few, usually none, for one city).
        now = step.feeds or bool(failures)
        overrides, held = self.overrides, self._held
        for j, row in enumerate(step.rows):
            values = got[j]
            # Keep the formula's own array; copy a view, an input or another output's array,
            # so that writing NaN into a gap never changes anything else.
            if values.base is not None or id(values) in held or not values.flags.writeable:
                values = values.copy()
            held.add(id(values))
            self.values[row] = values
            override = overrides.get(step.ids[j]) if overrides else None
            if now or override is not None:
                self.settle(step, j, args, failures, override)
                self.bound(step, j, args)
            else:
                self.pending[row] = (step, j, args)
        ind_id = step.indicator_id
        if step.indicator.points:
            self.returned[ind_id] = {
                k: self.values[r] for k, r in zip(step.keys, step.rows, strict=True)
            }
        else:
            self.returned[ind_id] = self.values[step.rows[0]]
        if step.feeds:
            columns = [
                Column(self.values[r], self.status[r], self.reasons.row(r)) for r in step.rows
            ]
            self.nodes[ind_id] = columns[0] if len(columns) == 1 else _merge(columns)

    def _absent_column(self) -> Column:
        if self._absent is None:
            self._absent = Column.absent(self.n)
            self._held.add(id(self._absent.values))
        return self._absent

    def settle(
        self,
        step: Step,
        j: int,
        args: list[Column],
        failures: Mapping[int, str],
        override: Column | None,
    ) -> None:
        """Give output ``j`` of ``step`` its statuses and reasons where it has no number, then
        lay the city's reported value over it."""
        row = step.rows[j]
        blank = np.flatnonzero(
            np.logical_not(np.isfinite(self.values[row], out=self._mask), out=self._mask)
        )
        if blank.size or failures:
            uses = step.uses[j]
            self._finish(
                row, blank, failures, tuple(step.sources[i] for i in uses), [args[i] for i in uses]
            )
        if override is not None:
            self._apply_override(row, override, step.ids[j])

    def settle_pending(self) -> None:
        """Settle the outputs left for after the last step, skipping those without gaps."""
        rows = bounded = list(self.pending)
        if rows and self.n * len(rows) <= _BLOCK_CELLS:  # few cells: one check for them all
            stacked = stack_outputs([self.values[r] for r in rows], self.n)
            finite = np.isfinite(stacked).all(axis=1)
            # Settling writes NaN into gaps only, so the finite values checked here stay.
            out = stacked < self.lower[rows, None]
            out |= stacked > self.upper[rows, None]
            bounded = [rows[i] for i in np.flatnonzero(out.any(axis=1)).tolist()]
            rows = [rows[i] for i in np.flatnonzero(~finite).tolist()]
        for row in rows:
            step, j, args = self.pending[row]
            self.settle(step, j, args, _NO_FAILURES, None)
        for row in bounded:
            self.bound(*self.pending[row])

    def bound(self, step: Step, j: int, args: list[Column]) -> None:
        """Make the values of output ``j`` of ``step`` that lie outside its bounds invalid, with
        the reason (the value, the bound, the inputs): computed and reported values alike."""
        row = step.rows[j]
        values = self.values[row]
        lower, upper = step.bounds[j]
        found = outside(values, lower, upper)
        if found is None or not found.any():
            return
        rows = np.flatnonzero(found)
        uses = step.uses[j]
        params = tuple(_label(step.sources[i], self.catalogue) for i in uses)
        given = [args[i].values[rows] for i in uses]
        reported = self.status[row, rows] == Status.REPORTED
        unit, notes = step.units[j], self.notes
        codes = out_of_bounds_codes(values[rows], lower, upper, unit, params, given, notes)
        if reported.any():  # a reported value stands alone: its inputs did not make it
            at = np.flatnonzero(reported)
            where = f"reported value in column {step.ids[j]!r}: "
            alone = values[rows[at]]
            codes[at] = out_of_bounds_codes(alone, lower, upper, unit, (), (), notes, where)
        values[rows] = np.nan
        self.counts -= np.bincount(self.status[row, rows], minlength=len(Status))
        self.counts[Status.INVALID] += rows.size
        self.status[row, rows] = _INVALID
        self.reasons.overlay(row, rows, codes)

    def _finish(
        self,
        row: int,
        rows: Rows,
        failures: Mapping[int, str],
        params: tuple[str, ...],
        args: list[Column],
    ) -> None:
        """Write one output where some rows have no finite number, with statuses and reasons.

        A finite value was computed without the blocked inputs (missing inputs are NaN and NaN
        propagates), so only the rows without a number take their inputs' worst status, or
        error. Only those rows are examined, so a few gaps in a million rows cost little.

        :param rows: the rows without a finite value.
        :param params: the sources of the parameters this output depends on; ``args`` their
            columns.
        """
        self.values[row][rows] = np.nan
        if not failures and args and all(a.status is None for a in args):
            # Inputs of plain numbers and blanks: a row is not reported when an input is
            # blank, which the set of blank inputs (as bits) says in one array.
            bits = _blank_bits([a.values[rows] for a in args])
            if bits.all():
                self.status[row, rows] = _NR
                self.counts[Status.COMPUTED] -= rows.size
                self.counts[Status.NOT_REPORTED] += rows.size
                self.reasons.put(
                    row, rows, _missing_reasons(bits, params, self.notes, self.catalogue)
                )
                return
        arg_status = [a.status_at(rows) for a in args]
        in_status = _combine(arg_status, rows.size)
        if not failures and (in_status == _NR).all():  # the usual gap: inputs not reported
            status, codes = in_status, _missing(arg_status, params, self.notes, self.catalogue)
        elif WHOLE_COLUMN in failures:  # the formula is broken for every row
            status = np.full(rows.size, _ERROR)
            codes = np.full(rows.size, self.notes.code(failures[WHOLE_COLUMN]), np.int32)
        else:
            status = np.where(in_status >= _NR, in_status, _ERROR).astype(np.int8)
            codes = np.zeros(rows.size, np.int32)
            for failed, message in failures.items():
                at = int(np.searchsorted(rows, failed))
                if status[at] == _ERROR:
                    codes[at] = self.notes.code(message)
            _explain(rows, status, codes, arg_status, params, args, self.notes, self.catalogue)
        self.status[row, rows] = status
        self.counts[Status.COMPUTED] -= rows.size
        self.counts += np.bincount(status, minlength=len(Status))
        self.reasons.put(row, rows, codes)

    def _apply_override(self, row: int, override: Column, output_id: str) -> None:
        """Lay a reported final value over a computed output: a reported cell wins."""
        given_status = override.full_status()
        given = given_status != _NR
        if not given.any():
            return
        usable = given_status == Status.COMPUTED
        values, status = self.values[row], self.status[row]
        self.values[row] = np.where(usable, override.values, np.where(given, np.nan, values))
        self.counts -= np.bincount(status, minlength=len(Status))
        status[:] = np.where(
            usable, np.int8(Status.REPORTED), np.where(given, given_status, status)
        )
        self.counts += np.bincount(status, minlength=len(Status))
        note_codes = np.where(
            usable, 0, np.where(given, override.full_notes(), self.reasons.row(row))
        ).astype(np.int32)
        # A reported cell's own note explains it; name the column for invalid ones.
        invalid = given & (given_status == _INVALID)
        if invalid.any():
            for code in np.unique(note_codes[invalid]):
                mask = invalid & (note_codes == code)
                text = f"reported value in column {output_id!r}: {self.notes.text(int(code))}"
                note_codes[mask] = self.notes.code(text)
        na_plain = given & (given_status == _NA) & (note_codes == 0)
        note_codes[na_plain] = self.notes.code("reported as not applicable")
        self.reasons.put_row(row, note_codes)


def stack_outputs(values: Sequence[Floats], n: int) -> Floats:
    """Outputs of ``n`` rows each as one (outputs × rows) array: a view of a single output, else
    one copy (np.concatenate costs a third of np.stack for many one-row outputs)."""
    if len(values) == 1:
        return values[0][None, :]
    if not values:
        return np.empty((0, n))
    return np.concatenate(values).reshape(len(values), n)


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
    statuses = np.stack([c.full_status() for c in columns])
    worst = np.argmax(statuses, axis=0)
    rows = np.arange(len(worst))
    status = statuses[worst, rows]
    notes = np.stack([c.full_notes() for c in columns])[worst, rows]
    return Column(np.full(len(worst), np.nan), status, notes)


def _call(ind: Indicator, kwargs: dict[str, Any], n: int) -> tuple[list[Floats], dict[int, str]]:
    """Call the formula on all rows: its values, one array per output (in the order of its data
    points), and a message for each row where it raised (found by bisection).

    A result of the wrong shape, or one that changes when the rows around it change, is an
    error for the whole column: ``{WHOLE_COLUMN: message}`` with every value NaN.
    """
    try:
        try:
            raw = ind.func(**kwargs)
        except Exception:
            failures: dict[int, str] = {}
            return _retry(ind, kwargs, n, failures), failures
        return _shaped(ind, raw, n, bool(kwargs)), _NO_FAILURES
    except _NotElementWise as error:
        return [np.full(n, np.nan) for _ in ind.points or (None,)], {WHOLE_COLUMN: str(error)}


_NO_VALUES: Floats = np.empty(0)
_FLOAT64 = np.dtype(np.float64)
#: The failures of a formula that raised on no row (never written to).
_NO_FAILURES: dict[int, str] = {}
#: The key of a failure of the whole column (a formula that does not work element-wise).
WHOLE_COLUMN = -1
_ELEMENT_WISE = (
    "formulas work element-wise, one value per row from that row's inputs (no sums, "
    "maxima, differences or shifts across rows): see docs/plugins.md"
)


class _NotElementWise(Exception):
    """A formula's result is not one value per row; the message names the plugin and KPI."""

    def __init__(self, ind: Indicator, what: str) -> None:
        plugin = f", plugin {ind.plugin!r}" if ind.plugin else ""
        super().__init__(f"the formula of {ind.code} ({ind.id}{plugin}) {what}: {_ELEMENT_WISE}")


def _shaped(ind: Indicator, raw: Any, n: int, has_inputs: bool) -> list[Floats]:
    """Return the formula's result as float arrays of length ``n``, one per output.

    :raises _NotElementWise: the result is not a number per row, or a single number for
        several rows from a formula with inputs (an aggregate such as ``population.sum()``).
    """
    if not ind.points:
        return [_as_column(ind, raw, n, has_inputs, "")]
    if not isinstance(raw, Mapping):
        raise _NotElementWise(
            ind,
            "declares data points, so it must return a mapping of point key to values, not "
            f"{type(raw).__name__}",
        )
    missing = [p.key for p in ind.points if p.key not in raw]
    if missing:
        raise _NotElementWise(ind, f"returned no value for data point(s) {', '.join(missing)}")
    return [_as_column(ind, raw[p.key], n, has_inputs, f" for {p.key!r}") for p in ind.points]


def _as_column(ind: Indicator, raw: Any, n: int, has_inputs: bool, point: str) -> Floats:
    if type(raw) is np.ndarray and raw.dtype is _FLOAT64 and raw.shape == (n,):
        return raw  # the usual case, without np.asarray's checks
    try:
        array = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise _NotElementWise(
            ind, f"returned{point} {type(raw).__name__} values that are not numbers ({error})"
        ) from None
    if array.shape == (n,):
        return array
    if array.shape == () and (n <= 1 or not has_inputs):
        return np.full(n, float(array))
    rows = f"{n} row{'s' if n != 1 else ''}"
    if array.shape == ():
        got = f"one number ({float(array):g}) for all {rows}, like an aggregate (sum, max)"
    else:
        got = f"an array of shape {array.shape} for {rows}"
    raise _NotElementWise(ind, f"returned{point} {got}")


def _retry(
    ind: Indicator, kwargs: dict[str, Any], n: int, failures: dict[int, str]
) -> list[Floats]:
    """The values of a formula that raised on the whole table: the failing rows are found by
    halving the table, and the others computed again in one call without them.

    A formula that works element-wise gives every row the same value on any part of the table;
    when the values of that call differ from those of the halves (``population /
    population.max()``), or it raises on rows that passed on their own, the formula is not
    element-wise, and no value of it can be trusted.

    :raises _NotElementWise: as said.
    """
    found = _bisect(ind, kwargs, 0, n, failures)
    good = np.ones(n, bool)
    good[list(failures)] = False
    if not good.any():
        return found
    keep = np.flatnonzero(good)
    try:
        raw = ind.func(**{k: _take(v, keep) for k, v in kwargs.items()})
    except Exception as error:
        raise _NotElementWise(
            ind, f"raises ({type(error).__name__}: {error}) on rows that pass on their own"
        ) from None
    again = _shaped(ind, raw, keep.size, bool(kwargs))
    for halves, whole in zip(found, again, strict=True):
        if not np.allclose(halves[keep], whole, rtol=1e-12, atol=0.0, equal_nan=True):
            raise _NotElementWise(
                ind, "gives a row another value when other rows are left out, after one row raised"
            )
    return found


def _bisect(
    ind: Indicator, kwargs: dict[str, Any], lo: int, hi: int, failures: dict[int, str]
) -> list[Floats]:
    """Evaluate rows ``lo:hi``; a raising slice is halved until the failing rows are found."""
    part = {k: (_slice(v, lo, hi)) for k, v in kwargs.items()}
    try:
        raw = ind.func(**part)
    except Exception as error:
        if hi - lo <= 1:
            if hi > lo:
                failures[lo] = f"formula failed: {type(error).__name__}: {error}"
            return [np.full(hi - lo, np.nan) for _ in ind.points or (None,)]
        mid = (lo + hi) // 2
        left = _bisect(ind, kwargs, lo, mid, failures)
        right = _bisect(ind, kwargs, mid, hi, failures)
        return [np.concatenate(pair) for pair in zip(left, right, strict=True)]
    return _shaped(ind, raw, hi - lo, bool(kwargs))


def _slice(value: Any, lo: int, hi: int) -> Any:
    if isinstance(value, Mapping):
        return {k: v[lo:hi] for k, v in value.items()}
    return value[lo:hi]


def _take(value: Any, rows: Rows) -> Any:
    if isinstance(value, Mapping):
        return {k: v[rows] for k, v in value.items()}
    return value[rows]


def _explain(
    rows: Rows,
    status: Codes,
    codes: NoteCodes,
    arg_status: list[Codes],
    params: tuple[str, ...],
    args: list[Column],
    notes: NoteTable,
    catalogue: Catalogue,
) -> None:
    """Give each of ``rows`` (with statuses ``status``) that has no note code yet a reason, in
    ``codes``; each reason is built once per distinct pattern of blocked inputs.

    :param arg_status: the statuses of ``args`` at ``rows``.
    """
    todo = codes == 0
    missing = np.flatnonzero(todo & (status == _NR))
    if missing.size:
        found = arg_status if missing.size == rows.size else [a[missing] for a in arg_status]
        codes[missing] = _missing(found, params, notes, catalogue)
    other = np.flatnonzero(todo & (status != _NR))
    if other.size == 0:
        return
    other_rows, other_status = rows[other], status[other]
    own: npt.NDArray[np.bool_]
    if args:
        stacked = np.stack([found[other] for found in arg_status])
        # The first input with the row's own status (NA, invalid, or an upstream error) ...
        culprit = np.argmax(stacked == other_status, axis=0)
        notes_of = np.stack([a.notes_at(other_rows) for a in args])
        culprit_note = notes_of[culprit, np.arange(other.size)]
        own = (other_status == _ERROR) & ~(stacked == _ERROR).any(axis=0)
        # ... or, for the formula's own error, every input that is 0.
        weights = np.int64(1) << np.arange(len(args), dtype=np.int64)
        zeros = np.stack([a.values[other_rows] == 0 for a in args])
        zero_bits = (zeros * weights[:, None]).sum(axis=0)
        detail = np.where(own, zero_bits, culprit.astype(np.int64) * (1 << 32) + culprit_note)
    else:
        own = other_status == _ERROR
        detail = np.zeros(other.size, np.int64)
    # One integer per pattern: detail (< 2**40), whether the error is the formula's own, status.
    keys = (detail << 4) | (own.astype(np.int64) << 3) | other_status
    codes[other] = _by_pattern(
        keys,
        lambda key: _reason(
            Status(key & 7), bool(key >> 3 & 1), key >> 4, params, catalogue, notes
        ),
        notes,
    )


def _missing(
    arg_status: list[Codes], params: tuple[str, ...], notes: NoteTable, catalogue: Catalogue
) -> NoteCodes:
    """The reasons of rows not reported, from their inputs' statuses: "missing" and the names of
    the inputs not reported; the pattern is the set of those inputs, as bits."""
    if not arg_status:
        return _missing_reasons(np.zeros(0, np.intp), params, notes, catalogue)
    return _missing_reasons(_bits([s == _NR for s in arg_status]), params, notes, catalogue)


def _blank_bits(values: list[Floats]) -> npt.NDArray[np.intp]:
    """Per row, which of the arrays ``values`` are blank (NaN) there, as bits."""
    return _bits([np.isnan(v) for v in values])


def _bits(masks: list[npt.NDArray[np.bool_]]) -> npt.NDArray[np.intp]:
    """Per row, which of ``masks`` (one or more) hold there, as bits (mask ``i`` is bit ``i``)."""
    bits = masks[0].astype(np.intp)
    for i, mask in enumerate(masks[1:], start=1):
        bits |= np.left_shift(mask, i, dtype=np.intp)
    return bits


def _missing_reasons(
    bits: npt.NDArray[np.intp], params: tuple[str, ...], notes: NoteTable, catalogue: Catalogue
) -> NoteCodes:
    """The reason of each row not reported: "missing" and the names of its inputs not reported,
    given as bits (built once per set of them)."""
    return _by_pattern(
        bits,
        lambda key: _reason(Status.NOT_REPORTED, False, key, params, catalogue, notes),
        notes,
    )


#: Pattern keys below this are mapped through a look-up table instead of sorted.
_TABLE_KEYS = 1 << 16


def _by_pattern(
    keys: npt.NDArray[np.int64], reason: Callable[[int], str], notes: NoteTable
) -> NoteCodes:
    """The note code of ``reason(key)`` for each key, each reason built once per distinct key.

    Small keys (sets of missing inputs) go through a look-up table: one pass, where sorting a
    hundred thousand keys per output would cost more than everything else.
    """
    if keys.size == 1:  # one city: nothing to share
        return np.array([notes.code(reason(int(keys[0])))], np.int32)
    top = int(keys.max())
    if top < _TABLE_KEYS:
        present = np.flatnonzero(np.bincount(keys, minlength=top + 1))
        table = np.zeros(top + 1, np.int32)
        table[present] = [notes.code(reason(int(key))) for key in present.tolist()]
        return table[keys]
    uniques, inverse = np.unique(keys, return_inverse=True)
    found = np.array([notes.code(reason(int(key))) for key in uniques.tolist()], np.int32)
    return found[inverse.ravel()]


def _label(param: str, catalogue: Catalogue) -> str:
    """How a parameter is named in a reason: an indicator by its code, a data item by name."""
    ind = catalogue.indicators.get(param)
    return ind.code if ind is not None else param


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
        return _label(param, catalogue)

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
                mask = np.asarray(chk.func(**kwargs), dtype=bool)
                if mask.shape != (n,):
                    mask = np.broadcast_to(mask, (n,))
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
