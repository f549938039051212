"""Turning input data into columns the evaluator reads, with every problem recorded.

Two entry points share the column matching, the cell parser and the data item declarations:
:func:`prepare_frame` for a table of many cities (bounds checked with pandera) and
:func:`prepare_record` for one city (bounds checked in plain Python, no DataFrame built), so the
one-city path costs microseconds, not the tens of milliseconds a one-row DataFrame would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue
from .errors import DataError, InputProblem
from .evaluate import Column
from .model import DataItem, Kind, canonical_key
from .status import Status
from .values import NoteTable, parse_cell, parse_column, plain_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ColumnMatcher", "Prepared", "prepare_frame", "prepare_record"]

CITY = "city"
YEAR = "year"
_LONG_ITEM = "item"
_LONG_VALUE = "value"
_LONG_UNIT = "unit"
_LONG_EXTRA = {"source", "quality", "comment"}


@dataclass
class Prepared:
    """Input rows ready to evaluate.

    :ivar city: city name per row (``""`` when missing).
    :ivar year: year per row (NaN when missing).
    :ivar inputs: parsed data item columns.
    :ivar overrides: parsed reported final values, by output id.
    :ivar problems: every problem found, cell by cell.
    """

    n: int
    city: npt.NDArray[np.object_]
    year: npt.NDArray[np.float64]
    inputs: dict[str, Column] = field(default_factory=dict)
    overrides: dict[str, Column] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)


class ColumnMatcher:
    """Says what an input column is: a key, a data item, a reported KPI value, or unknown.

    Matching ignores case and spacing, so ``Population``, ``EC: ICT: ICT: 1C`` and ``ecictict1c``
    are all recognised.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.items: dict[str, DataItem] = {}
        self.outputs: dict[str, str] = {}
        self._seen: dict[str, tuple[str, str | DataItem | None]] = {}
        for name, item in catalogue.items.items():
            self.items[canonical_key(name)] = item
        #: How a reported final value of each output is read and bounded: in the output's own
        #: unit, yes/no for yes/no values, never negative.
        self.reported: dict[str, DataItem] = {}
        for output in catalogue.outputs():
            self.outputs[canonical_key(output.id)] = output.id
            if output.point is None:
                self.outputs.setdefault(canonical_key(output.indicator.id), output.id)
            yes_no = output.unit.strip().lower() == "yes/no"
            self.reported[output.id] = DataItem(
                output.id,
                output.name,
                output.unit,
                Kind.YES_NO if yes_no else Kind.AMOUNT,
                f"Reported final value of {output.id}.",
            )

    def match(self, column: str) -> tuple[str, str | DataItem | None]:
        found = self._seen.get(column)
        if found is None:
            found = self._seen[column] = self._match(column)
        return found

    def _match(self, column: str) -> tuple[str, str | DataItem | None]:
        """Classify a column: ``key``, ``item`` (with the item), ``override`` (with the output id)
        or ``unknown``."""
        key = canonical_key(str(column))
        if key in (canonical_key(CITY), canonical_key(YEAR)):
            return "key", key.lower()
        if key in self.items:
            return "item", self.items[key]
        if key in self.outputs:
            return "override", self.outputs[key]
        return "unknown", None

    def read_as(self, what: str, target: object) -> tuple[DataItem, str | None]:
        """The data item a matched column is read as, and the output id of a reported value."""
        if what == "override":
            return self.reported[str(target)], str(target)
        assert isinstance(target, DataItem)
        return target, None

    def unknown_problem(self, column: str) -> InputProblem:
        """A warning for a column nothing declares, suggesting the closest known name."""
        close = self.catalogue.suggest(str(column))
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        return InputProblem(
            None,
            str(column),
            None,
            "unknown column",
            f"column {str(column)!r} is not a known data item or KPI code and is ignored{hint}",
            severity="warning",
        )


# -- one record -----------------------------------------------------------------------------------


def prepare_record(
    record: Mapping[str, object], matcher: ColumnMatcher, notes: NoteTable, *, decimal: str = "."
) -> Prepared:
    """Prepare one city's values (item name or KPI id -> value), without building a DataFrame."""
    city: object = ""
    year: float = math.nan
    problems: list[InputProblem] = []
    names: list[tuple[bool, str]] = []  # (is a data item, item name or output id)
    values: list[float] = []
    statuses: list[int] = []
    note_codes: list[int] = []
    for column, raw in record.items():
        what, target = matcher.match(column)
        if what == "key":
            if target == CITY:
                city = "" if raw is None else raw
            else:
                year = _year(raw, 0, problems)
            continue
        if what == "unknown":
            problems.append(matcher.unknown_problem(column))
            continue
        item, reported = matcher.read_as(what, target)
        slot = (reported is None, reported or item.name)
        number = plain_number(raw, item)
        if number is not None and item.lower <= number <= item.upper:
            names.append(slot)
            values.append(number)
            statuses.append(Status.COMPUTED)
            note_codes.append(0)
            continue
        cell = parse_cell(raw, item, decimal=decimal)
        status, note, value = cell.status, cell.note, cell.value
        if status == Status.COMPUTED:
            violation = item.violation(value)
            if violation is not None:
                status, note, value = Status.INVALID, violation, math.nan
        if status == Status.INVALID:
            problems.append(_cell_problem(0, str(column), raw, note))
        names.append(slot)
        values.append(value)
        statuses.append(status)
        note_codes.append(notes.code(note) if note else 0)
    # One array each, sliced into length-1 views: far cheaper than three arrays per cell.
    all_values = np.array(values, dtype=np.float64)
    all_status = np.array(statuses, dtype=np.int8)
    all_notes = np.array(note_codes, dtype=np.int32)
    inputs: dict[str, Column] = {}
    overrides: dict[str, Column] = {}
    for i, (is_item, name) in enumerate(names):
        col = Column(all_values[i : i + 1], all_status[i : i + 1], all_notes[i : i + 1])
        (inputs if is_item else overrides)[name] = col
    if city in (None, "") or (isinstance(city, float) and math.isnan(city)):
        problems.append(_no_city(0))
        city = ""
    return Prepared(
        1, np.array([str(city)], dtype=object), np.array([year]), inputs, overrides, problems
    )


def _year(raw: object, row: int, problems: list[InputProblem]) -> float:
    cell = parse_cell(raw, None)
    if cell.status == Status.NOT_REPORTED:
        return math.nan
    value = cell.value
    if cell.status != Status.COMPUTED or value != int(value) or not 1000 <= value <= 9999:
        problems.append(
            InputProblem(
                row, YEAR, _text(raw), "year", f"year {_text(raw)!r} is not a 4-digit year"
            )
        )
        return math.nan
    return value


def _text(raw: object) -> str:
    return "" if raw is None else str(raw)


def _cell_problem(row: int, column: str, raw: object, note: str) -> InputProblem:
    return InputProblem(row, column, _text(raw), "value", f"{note}")


def _no_city(row: int) -> InputProblem:
    return InputProblem(
        row, CITY, None, "key", "row has no city name: fill the city column", severity="warning"
    )


# -- a table -------------------------------------------------------------------------------------


def prepare_frame(
    frame: pd.DataFrame, matcher: ColumnMatcher, notes: NoteTable, *, decimal: str = "."
) -> Prepared:
    """Prepare a wide table (one row per city and year) or a long one (city, year, item, value)."""
    columns = {canonical_key(str(c)): c for c in frame.columns}
    if canonical_key(CITY) not in columns:
        shown = ", ".join(map(str, list(frame.columns)[:8]))
        raise DataError(
            f"the input has no 'city' column (columns: {shown}): "
            "add one naming the city of each row"
        )
    if canonical_key(_LONG_ITEM) in columns and canonical_key(_LONG_VALUE) in columns:
        return _prepare_long(frame, columns, matcher, notes, decimal)
    n = len(frame)
    problems: list[InputProblem] = []
    city = _cities(frame[columns["CITY"]], problems)
    year = (
        _years(frame[columns["YEAR"]].to_numpy(dtype=object), problems)
        if "YEAR" in columns
        else np.full(n, np.nan)
    )
    prepared = Prepared(n, city, year, problems=problems)
    for column in frame.columns:
        what, target = matcher.match(str(column))
        if what == "key":
            continue
        if what == "unknown":
            problems.append(matcher.unknown_problem(str(column)))
            continue
        item, reported = matcher.read_as(what, target)
        _add_column(prepared, str(column), frame[column].to_numpy(), item, reported, notes, decimal)
    _check_keys(prepared)
    return prepared


def _add_column(
    prepared: Prepared,
    column: str,
    raw: npt.NDArray[Any],
    item: DataItem,
    reported: str | None,
    notes: NoteTable,
    decimal: str,
    units: npt.NDArray[Any] | None = None,
    row_of: npt.NDArray[np.intp] | None = None,
) -> None:
    """Parse and bound-check one column into a data item's input, or a reported output value."""
    values, status, note_codes = parse_column(raw, item, notes, decimal=decimal, units=units)
    values = _check_bounds(item, values, status, note_codes, notes)
    invalid = np.flatnonzero(status == Status.INVALID)
    if invalid.size:
        texts = [notes.text(int(c)) for c in note_codes[invalid]]
        cells = raw[invalid]
        prepared.problems += [
            _cell_problem(int(row_of[r]) if row_of is not None else int(r), column, cell, text)
            for r, cell, text in zip(invalid, cells, texts, strict=True)
        ]
    col = Column(values, status, note_codes)
    if reported is None:
        prepared.inputs[item.name] = col
    else:
        prepared.overrides[reported] = col


def _check_bounds(
    item: DataItem,
    values: npt.NDArray[np.float64],
    status: npt.NDArray[np.int8],
    note_codes: npt.NDArray[np.int32],
    notes: NoteTable,
) -> npt.NDArray[np.float64]:
    """Validate bounds with pandera; out-of-bounds cells become invalid, with the reason.

    ``status`` and ``note_codes`` are updated in place; the values are returned, copied if changed
    (they may be the caller's own DataFrame column).
    """
    schema = _bounds_schema(item.name, item.lower, item.upper)
    if schema is None:
        return values
    import pandas as pd
    import pandera.pandas as pa

    try:
        schema.validate(pd.Series(values, name=item.name, copy=False), lazy=True)
    except pa.errors.SchemaErrors as errors:
        rows = errors.failure_cases["index"].to_numpy(dtype=np.intp)
        rows = np.unique(rows)
        for row in rows:
            message = item.violation(float(values[row]))
            status[row] = Status.INVALID
            note_codes[row] = notes.code(message or "out of bounds")
        values = values.copy()
        values[rows] = np.nan
    return values


@lru_cache(maxsize=4096)
def _bounds_schema(name: str, lower: float, upper: float) -> Any:
    """The pandera schema of one data item's bounds (``None`` when it has none).

    One vectorised check with ``ignore_na=False`` (a missing value is never out of bounds):
    pandera's built-in ``ge``/``le`` first drop the missing values, which copies every column and
    costs eight times as much on a million rows.
    """
    import pandera.pandas as pa

    if not (math.isfinite(lower) or math.isfinite(upper)):
        return None

    def within(series: pd.Series) -> pd.Series:
        return ~((series < lower) | (series > upper))

    check = pa.Check(
        within, ignore_na=False, name="bounds", error=f"between {lower:g} and {upper:g}"
    )
    return pa.SeriesSchema(float, checks=[check], nullable=True, name=name)


def _cities(column: pd.Series, problems: list[InputProblem]) -> npt.NDArray[np.object_]:
    """City names as text, stripped; a row without one is reported and gets ``""``."""
    import pandas as pd

    text = column if pd.api.types.is_string_dtype(column.dtype) else column.astype("string")
    stripped = text.str.strip()
    missing = (stripped.isna() | (stripped == "")).to_numpy(dtype=bool, na_value=True)
    problems += [_no_city(int(r)) for r in np.flatnonzero(missing)]
    return stripped.fillna("").to_numpy(dtype=object)


def _years(raw: npt.NDArray[np.object_], problems: list[InputProblem]) -> npt.NDArray[np.float64]:
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(raw, dtype=object), use_na_sentinel=True)
    found: list[list[InputProblem]] = []
    parsed = []
    for value in uniques:
        local: list[InputProblem] = []
        parsed.append(_year(value, 0, local))
        found.append(local)
    table = np.array([*parsed, math.nan], dtype=np.float64)
    bad = {i for i, local in enumerate(found) if local}
    for row in np.flatnonzero(np.isin(codes, list(bad))):
        problem = found[codes[row]][0]
        problems.append(InputProblem(int(row), YEAR, problem.value, problem.rule, problem.message))
    return table[codes]


def _check_keys(prepared: Prepared) -> None:
    """Report rows sharing a (city, year): the duplicate rule of the pandera key schema."""
    import pandas as pd
    import pandera.pandas as pa

    keys = pd.DataFrame({CITY: prepared.city, YEAR: prepared.year})
    schema = pa.DataFrameSchema(
        {CITY: pa.Column(nullable=True), YEAR: pa.Column(nullable=True)},
        unique=[CITY, YEAR],
        report_duplicates="all",
    )
    try:
        schema.validate(keys, lazy=True)
    except pa.errors.SchemaErrors as errors:
        rows = np.unique(errors.failure_cases["index"].dropna().to_numpy(dtype=np.intp))
        groups: dict[Any, Any] = keys.iloc[rows].groupby([CITY, YEAR], dropna=False).indices
        for (city, year), members in groups.items():
            positions = rows[members]
            listed = ", ".join(str(r + 1) for r in positions)
            when = "" if math.isnan(year) else f" {int(year)}"
            for row in positions:
                prepared.problems.append(
                    InputProblem(
                        int(row),
                        None,
                        None,
                        "duplicate",
                        f"{city}{when} appears in rows {listed}: keep one row per city and year",
                    )
                )


def _prepare_long(
    frame: pd.DataFrame,
    columns: dict[str, Any],
    matcher: ColumnMatcher,
    notes: NoteTable,
    decimal: str,
) -> Prepared:
    import pandas as pd

    problems: list[InputProblem] = []
    city_raw = frame[columns["CITY"]].to_numpy(dtype=object)
    year_raw = (
        frame[columns["YEAR"]].to_numpy(dtype=object)
        if "YEAR" in columns
        else np.full(len(frame), None, dtype=object)
    )
    cities = _cities(pd.Series(city_raw, dtype=object), [])
    years = _years(year_raw, problems)
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([cities, years]))
    n = len(uniques)
    first_row = np.full(n, -1, dtype=np.intp)
    first_row[codes[::-1]] = np.arange(len(codes))[::-1]
    prepared = Prepared(
        n,
        np.asarray(uniques.get_level_values(0), dtype=object),
        np.asarray(uniques.get_level_values(1), dtype=np.float64),
        problems=problems,
    )
    problems += [_no_city(int(first_row[r])) for r in np.flatnonzero(prepared.city == "")]
    items = frame[columns[canonical_key(_LONG_ITEM)]].astype(str).str.strip().to_numpy()
    values = frame[columns[canonical_key(_LONG_VALUE)]].to_numpy(dtype=object)
    unit_column = columns.get(canonical_key(_LONG_UNIT))
    units = frame[unit_column].to_numpy(dtype=object) if unit_column is not None else None
    for extra in columns:
        if (
            extra not in {"CITY", "YEAR", "ITEM", "VALUE", "UNIT"}
            and extra.lower() not in _LONG_EXTRA
        ):
            problems.append(matcher.unknown_problem(str(columns[extra])))
    by_item: dict[Any, Any] = pd.Series(items).groupby(items, sort=False).indices
    for name, rows in by_item.items():
        what, target = matcher.match(str(name))
        if what in ("key", "unknown"):
            problems.append(matcher.unknown_problem(str(name)))
            continue
        slot = codes[rows]
        seen, first = np.unique(slot, return_index=True)
        if seen.size != rows.size:
            dup = np.setdiff1d(np.arange(rows.size), first)
            problems += [
                InputProblem(
                    int(rows[d]),
                    str(name),
                    _text(values[rows[d]]),
                    "duplicate",
                    f"{name} is given twice for {cities[rows[d]]} {_year_text(years[rows[d]])}: "
                    "only the first value is used",
                )
                for d in dup
            ]
            rows = rows[first]
            slot = seen
        wide = np.full(n, None, dtype=object)
        wide[slot] = values[rows]
        wide_units = None
        if units is not None:
            wide_units = np.full(n, None, dtype=object)
            wide_units[slot] = units[rows]
        row_of = first_row.copy()
        row_of[slot] = rows
        item, reported = matcher.read_as(what, target)
        _add_column(prepared, str(name), wide, item, reported, notes, decimal, wide_units, row_of)
    return prepared


def _year_text(year: float) -> str:
    return "" if math.isnan(year) else str(int(year))
