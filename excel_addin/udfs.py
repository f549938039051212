"""u4ssc worksheet functions for Excel, over the same engine as the CLI and the Python API.

Written once with xlwings' ``func``, ``arg`` and ``ret``, so one module serves classic Excel on
Windows (the xlwings add-in: set ``UDF Modules`` to ``u4ssc.excel_addin.udfs``) and xlwings Lite
(Excel on Windows, Mac and the web: ``excel_addin/lite/main.py`` imports these functions). See
``docs/excel.md``.

The engine is built once per Excel session (per add-in process) and reused; a scored set of
inputs is remembered, so a sheet with one ``U4SSC_KPI`` call per KPI value scores its inputs once
per recalculation, not once per call. A mistake in the arguments never shows a Python traceback:
the cell shows ``u4ssc: `` and what to fix, or in xlwings Lite the error value ``#VALUE!``, which
``ISERROR`` catches (:data:`ERROR_VALUES`).
"""

from __future__ import annotations

import functools
import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from xlwings import arg, func, ret

from u4ssc.core import Status, U4SSCError, canonical_key
from u4ssc.core.catalogue import Output
from u4ssc.core.result import LONG_COLUMNS
from u4ssc.core.result import ROLLUP_COLUMNS as RESULT_ROLLUP_COLUMNS

from .convert import (
    ExcelArgumentError,
    error_text,
    number_argument,
    read_pairs,
    single_cell,
    status_text,
    table,
    text_argument,
)

if TYPE_CHECKING:
    from u4ssc.core import Engine, Result, TargetSet
    from u4ssc.core.peers import PeerTargets

__all__ = [
    "u4ssc_band",
    "u4ssc_explain",
    "u4ssc_indicators",
    "u4ssc_inputs",
    "u4ssc_kpi",
    "u4ssc_points",
    "u4ssc_rollup",
    "u4ssc_score",
    "u4ssc_version",
]

F = TypeVar("F", bound=Callable[..., Any])

#: What an Excel function returns: one cell value, or rows of them (spilling).
Cell = Any
Table = list[list[Any]]

#: The engine's long-table columns for one city: the KPI or data point id first (city, year, the
#: code's parts and the warnings left out, and the source and quality, which a range never gives).
SCORE_COLUMNS = (
    "id",
    *(
        c
        for c in LONG_COLUMNS
        if c not in ("city", "year", "code", "data_point", "warnings", "source", "quality")
    ),
)
#: The roll-up columns of the engine, without the city and year (one city) and the level.
ROLLUP_COLUMNS = tuple(c for c in RESULT_ROLLUP_COLUMNS if c not in ("city", "year", "level"))
INDICATOR_COLUMNS = (
    "code",
    "name",
    "dimension",
    "subdimension",
    "category",
    "tier",
    "unit",
    "direction",
    "data_points",
    "inputs",
)
INPUT_COLUMNS = ("name", "title", "unit", "kind", "minimum", "maximum", "description", "used_by")
_RANGE = {"ndim": 2, "err_to_str": True}
_CELL = {"err_to_str": True}
#: How many scored input sets are remembered (one per distinct inputs range in the workbook).
_REMEMBERED = 16
#: Whether a mistake is returned as an Excel error value, which ISERROR and IFERROR catch: in
#: xlwings Lite, which runs in Pyodide (``sys.platform`` is ``emscripten``, as xlwings itself
#: tells), a returned error text such as ``#VALUE!`` reaches the cell as that error (xlwings'
#: Office.js engine converts it). The classic add-in writes text as text, so there the cell
#: shows the message itself (``u4ssc: ...``), as does every function with a number's status
#: (``NR: missing households``), which is no mistake.
ERROR_VALUES = sys.platform == "emscripten"
#: The error value of a mistake, where :data:`ERROR_VALUES` holds.
ERROR_VALUE = "#VALUE!"


# -- the engine and what is remembered -----------------------------------------------------------


@functools.cache
def engine() -> Engine:
    """The engine of this Excel session: built on the first call, then reused."""
    from u4ssc.core import default_engine

    return default_engine()


class _Remembered:
    """The last few scored input sets, by their cells (a recalculation scores each set once)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.results: OrderedDict[Hashable, Result] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Result]) -> Result:
        try:
            found = self.results.pop(key)
        except KeyError:
            found = compute()
        except TypeError:  # an unhashable cell: do not remember
            return compute()
        self.results[key] = found
        while len(self.results) > self.size:
            self.results.popitem(last=False)
        return found

    def clear(self) -> None:
        self.results.clear()


_scored = _Remembered(_REMEMBERED)


def _score(inputs: Any, targets: Any = None, peers: Any = None) -> Result:
    """Score the inputs range against the default targets, or a targets range laid over them;
    with ``peers`` (the path of a file of peer cities), values without a target get peer targets.

    Remembered by the ranges' cells as Excel handed them over, so a recalculation converts and
    scores each distinct range once.
    """
    found = None if peers is None else _peer_targets(*_file_stamp(peers))

    def compute() -> Result:
        record = read_pairs(inputs, "inputs")
        _known(record)
        pairs = tuple(read_pairs(targets, "targets").items()) if targets is not None else ()
        chosen = _target_set(pairs) if pairs else None
        return engine().score_one(record, targets=chosen, peers=found)

    return _scored.get((_frozen(inputs), _frozen(targets), id(found)), compute)


def _file_stamp(peers: Any) -> tuple[str, float, int]:
    """The peer file's path, modification time and size: a changed file is read again."""
    from pathlib import Path

    path = Path(text_argument(peers, "peers"))
    if not path.is_file():
        raise ExcelArgumentError(f"peers: {str(path)!r} is not a file of peer cities")
    stat = path.stat()
    return str(path), stat.st_mtime, stat.st_size


@functools.lru_cache(maxsize=8)
def _peer_targets(path: str, mtime: float, size: int) -> PeerTargets:
    """Peer targets from a file of peer cities, by the default rule (P90, at least 10 cities)."""
    from u4ssc.core.peers import PeerRule

    return engine().peer_targets(PeerRule(file=path))


def _frozen(value: Any) -> Hashable:
    """A range's cells as nested tuples (a dictionary key)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def _known(record: dict[str, Any]) -> None:
    """Refuse a name that is no data item or KPI code: a typo would silently read as missing."""
    matcher = engine().matcher
    for name in record:
        if matcher.match(name)[0] == "unknown":
            close = engine().catalogue.suggest(name)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise ExcelArgumentError(f"inputs: {name!r} is not a data item name or KPI code{hint}")


@functools.lru_cache(maxsize=64)
def _target_set(pairs: tuple[tuple[str, Any], ...]) -> TargetSet:
    """The default targets with a range's targets (id, target) laid over them, kind ``user``."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "target", "kind", "source"])
    for code, value in pairs:
        writer.writerow([code, "" if value is None else value, "user", "Excel range"])
    current = engine()
    return current.target_set.overlay_csv(buffer.getvalue(), "Excel range", current.catalogue)


@functools.cache
def _outputs_by_key() -> dict[str, Output]:
    return {canonical_key(o.id): o for o in engine().outputs}


def _output(code: Any) -> Output:
    """The KPI or data point a code names (any spacing and case)."""
    text = text_argument(code, "code")
    found = _outputs_by_key().get(canonical_key(text))
    if found is not None:
        return found
    ind = engine().catalogue.find_indicator(text)  # raises with suggestions when unknown
    points = [f"{ind.code}: {p.key}" for p in ind.points]
    raise ExcelArgumentError(
        f"{ind.code} has {len(points)} data points ({', '.join(p.key for p in ind.points)}): "
        f"name one, e.g. {points[0]!r}"
    )


def _guarded(function: F) -> F:
    """Show a mistake as one line in the cell, never a traceback; in xlwings Lite as the
    error value ``#VALUE!`` (see :data:`ERROR_VALUES`), its line printed to the Output pane."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except U4SSCError as error:
            return _mistake(function, error_text(error))
        except Exception as error:  # a bug: still one line, with what to report
            return _mistake(
                function,
                error_text(
                    RuntimeError(
                        f"internal error ({type(error).__name__}: {error}); please report it"
                    )
                ),
            )

    return call  # type: ignore[return-value]


def _mistake(function: Callable[..., Any], line: str) -> Any:
    """What the cell of a mistake shows: its line, or where errors can be values the error
    value (the line printed, for xlwings Lite's Output pane)."""
    if not ERROR_VALUES:
        return line
    print(f"{function.__name__.upper()}: {line}")
    return ERROR_VALUE


# -- KPI values ----------------------------------------------------------------------------------


@func
@arg("code", doc="KPI code or data point id, e.g. EC: ICT: ICT: 1C", **_CELL)
@arg("inputs", doc="Two columns: data item names (or KPI codes) and values", **_RANGE)
@_guarded
def u4ssc_kpi(code: Any, inputs: Table) -> Cell:
    """The value of a U4SSC KPI or data point from a range of inputs, or why it has none
    (e.g. NR: missing households)."""
    output = _output(code)
    result = _score(inputs)
    status = result.status(output.id)
    if status <= Status.REPORTED:
        return result.value(output.id)
    return status_text(status, result.reason(output.id) + _input_warnings(result, output))


@func
@arg("inputs", doc="Two columns: data item names (or KPI codes) and values", **_RANGE)
@arg("targets", doc="Optional: two columns, KPI codes and your targets", **_RANGE)
@arg("peers", doc="Optional: path of a file of peer cities, for peer targets", **_CELL)
@_guarded
def u4ssc_score(inputs: Table, targets: Any = None, peers: Any = None) -> Table:
    """Every U4SSC KPI value of one city: value, status, reason, target, % of target, points and
    band (spills)."""
    result = _score(inputs, targets, peers)
    rows = [
        dict(record, id=output.id, reason=record["reason"] + _input_warnings(result, output))
        for output, record in zip(result.outputs, result.records(), strict=True)
    ]
    return table(SCORE_COLUMNS, rows)


def _input_warnings(result: Result, output: Output) -> str:
    """The warnings on inputs a value without a number needs (NaN typed in a cell), to say in
    its cell as ``validate`` says them: ``; households: NaN is not a value: ...``."""
    items = engine().catalogue.items
    warned = [p for p in result.problems if p.severity == "warning" and p.column in items]
    if not warned or result.status(output.id) <= Status.REPORTED:
        return ""
    needs = engine().graph.raw_inputs(output.indicator.id)
    return "".join(f"; {p.column}: {p.message}" for p in warned if p.column in needs)


@func
@arg("inputs", doc="Two columns: data item names (or KPI codes) and values", **_RANGE)
@arg("level", doc="category, subdimension, dimension or overall", **_CELL)
@arg("tier", doc="all (default) or core", **_CELL)
@arg("targets", doc="Optional: two columns, KPI codes and your targets", **_RANGE)
@arg("peers", doc="Optional: path of a file of peer cities, for peer targets", **_CELL)
@_guarded
def u4ssc_rollup(
    inputs: Table,
    level: Any = "category",
    tier: Any = "all",
    targets: Any = None,
    peers: Any = None,
) -> Table:
    """U4SSC roll-up scores of one city by category, sub-dimension, dimension or overall, with
    coverage (spills)."""
    result = _score(inputs, targets, peers)
    chosen = text_argument(level, "level", default="category").lower()
    rows = result.rollup_records(chosen, tier=text_argument(tier, "tier", default="all").lower())
    return table(ROLLUP_COLUMNS, rows)


# -- points for one value ------------------------------------------------------------------------


def _benchmark(code: Any, value: Any, target: Any) -> tuple[int, str] | str:
    """Points and band of ``value`` for a KPI (against ``target`` when given), or why none."""
    output = _output(code)
    given = single_cell(value, "value")
    own = number_argument(target, "target")
    targets = _target_set(((output.id, own),)) if own is not None else None
    result = engine().score_one(
        {output.id: given}, targets=targets, indicators=[output.indicator.code]
    )
    status = result.status(output.id)
    if status == Status.NOT_REPORTED:  # the value is the only input: it is missing
        return status_text(status, "")
    if status > Status.REPORTED:
        return status_text(status, result.reason(output.id))
    points = result.points(output.id)
    if not points:
        return "no benchmark: give a target"
    return points, engine().bands.band(points)


def _value_function(function: F) -> F:
    """Register a function of a KPI code, a value and an optional target (same descriptions)."""
    described = arg("target", doc="Optional: your target (default: u4ssc's)", **_CELL)(
        _guarded(function)
    )
    described = arg("value", doc="The KPI value", **_CELL)(described)
    return func(arg("code", doc="KPI code or data point id", **_CELL)(described))


@_value_function
def u4ssc_points(code: Any, value: Any, target: Any = None) -> Cell:
    """U4SSC points (1 to 4) of a KPI value against its target."""
    found = _benchmark(code, value, target)
    return found if isinstance(found, str) else found[0]


@_value_function
def u4ssc_band(code: Any, value: Any, target: Any = None) -> Cell:
    """U4SSC band (e.g. 66–95 %) of a KPI value against its target."""
    found = _benchmark(code, value, target)
    return found if isinstance(found, str) else found[1]


# -- the catalogue -------------------------------------------------------------------------------


def _filters(dimension: Any, tier: Any) -> tuple[str | None, str | None]:
    chosen_tier = text_argument(tier, "tier", default="").lower() or None
    if chosen_tier not in (None, "core", "advanced"):
        raise ExcelArgumentError(f"tier: {chosen_tier!r} is not core or advanced")
    return text_argument(dimension, "dimension", default="") or None, chosen_tier


def _indicator_rows(dimension: Any, tier: Any) -> list[dict[str, Any]]:
    from u4ssc.core.listing import indicator_rows

    chosen_dimension, chosen_tier = _filters(dimension, tier)
    rows = indicator_rows(engine(), dimension=chosen_dimension, tier=chosen_tier)
    if not rows:
        raise ExcelArgumentError(f"no KPI is in dimension {chosen_dimension!r}")
    return rows


@func
@arg(
    "dimension", doc="Optional: Economy, Environment, Society and Culture (or EC, EN, SC)", **_CELL
)
@arg("tier", doc="Optional: core or advanced", **_CELL)
@_guarded
def u4ssc_indicators(dimension: Any = None, tier: Any = None) -> Table:
    """The U4SSC KPIs: code, name, dimension, category, tier, unit, direction, data points and
    inputs (spills)."""
    rows = _indicator_rows(dimension, tier)
    for row in rows:
        row["data_points"] = [p["key"] for p in row["data_points"]]
    return table(INDICATOR_COLUMNS, rows)


@func
@arg("dimension", doc="Optional: only inputs of this dimension's KPIs", **_CELL)
@arg("tier", doc="Optional: only inputs of core or advanced KPIs", **_CELL)
@_guarded
def u4ssc_inputs(dimension: Any = None, tier: Any = None) -> Table:
    """The raw data items a city reports: name, title, unit, kind, bounds, description and the
    KPIs using each (spills)."""
    from u4ssc.core.listing import input_rows

    rows = input_rows(engine())
    if dimension is not None or tier is not None:
        codes = {row["code"] for row in _indicator_rows(dimension, tier)}
        rows = [row for row in rows if codes.intersection(row["used_by"])]
    for row in rows:
        for bound in ("minimum", "maximum"):
            row[bound] = row[bound] if abs(row[bound]) != float("inf") else None
    return table(INPUT_COLUMNS, rows)


@func
@arg("code", doc="KPI code, e.g. EC: ICT: ICT: 1C", **_CELL)
@ret(transpose=True)
@_guarded
def u4ssc_explain(code: Any) -> list[str]:
    """A KPI explained: definition, formula, inputs and target, one line per cell (spills
    down)."""
    from u4ssc.core.listing import explain_text

    return explain_text(engine(), text_argument(code, "code")).splitlines()


@func
@_guarded
def u4ssc_version() -> Cell:
    """The version of u4ssc computing these functions."""
    from u4ssc import __version__

    return f"u4ssc {__version__}"
