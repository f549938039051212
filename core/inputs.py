"""Turning input data into columns the evaluator reads, with every problem recorded.

Two entry points share the column matching, the cell parser and the data item declarations:
:func:`prepare_frame` for a table of many cities (bounds checked with pandera) and
:func:`prepare_record` for one city (bounds checked in plain Python, no DataFrame built), so the
one-city path costs microseconds, not the tens of milliseconds a one-row DataFrame would.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue
from .errors import DataError, InputProblem
from .evaluate import Column
from .model import DataItem, Kind, canonical_key
from .provenance import QUALITY_LEVELS, Provenance, quality_codes, source_codes
from .readers import row_defects
from .status import Status
from .values import (
    NAN_NOTE,
    NoteTable,
    cell_keys,
    parse_cell,
    plain_number,
    quoted,
    read_column,
)
from .verification import Verification

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LAYOUTS",
    "ColumnMatcher",
    "KeyLedger",
    "Prepared",
    "merge_prepared",
    "prepare_frame",
    "prepare_record",
    "require_city_years",
]

CITY = "city"
YEAR = "year"
_LONG_ITEM = "item"
_LONG_VALUE = "value"
_LONG_UNIT = "unit"
_LONG_SOURCE = "source"
_LONG_QUALITY = "quality"
_LONG_COLUMNS = (CITY, YEAR, _LONG_ITEM, _LONG_VALUE, _LONG_UNIT, _LONG_SOURCE, _LONG_QUALITY)
_LONG_EXTRA = {"comment"}
_KEY_COLUMNS = {canonical_key(c) for c in _LONG_COLUMNS}
#: Table layouts: ``auto`` is long when the table has ``item`` and ``value`` columns.
LAYOUTS = ("auto", "wide", "long")


@dataclass
class Prepared:
    """Input rows ready to evaluate.

    :ivar city: city name per row (``""`` when missing).
    :ivar year: year per row (NaN when missing).
    :ivar inputs: parsed data item columns.
    :ivar overrides: parsed reported final values, by output id.
    :ivar problems: every problem found, cell by cell.
    :ivar origin_row: per row, the input row it came from (its first row, in a long table).
    :ivar origin_file: per row, the position in ``files`` of its file (when read from files).
    :ivar input_provenance: sources and quality levels of input cells, by data item name.
    :ivar override_provenance: the same for reported final values, by output id.
    :ivar row_notes: per row, the note code of what breaks the row itself (no city, a year that
        is not one, missing cells), 0 for a sound row; ``None`` when every row is sound. Every
        value of a broken row is scored ``invalid`` with that note as its reason.
    """

    n: int
    city: npt.NDArray[np.object_]
    year: npt.NDArray[np.float64]
    inputs: dict[str, Column] = field(default_factory=dict)
    overrides: dict[str, Column] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)
    origin_row: npt.NDArray[np.intp] | None = None
    origin_file: npt.NDArray[np.int32] | None = None
    files: list[str] = field(default_factory=list)
    input_provenance: dict[str, Provenance] = field(default_factory=dict)
    override_provenance: dict[str, Provenance] = field(default_factory=dict)
    row_notes: npt.NDArray[np.int32] | None = None
    #: What a verifier entered in a data-collection workbook (``None`` when no input has it).
    verification: Verification | None = None

    def mark_rows(self, rows: npt.NDArray[np.intp], note: str, notes: NoteTable) -> None:
        """Say that ``rows`` are broken, for the reason ``note`` (the first reason wins)."""
        if rows.size == 0:
            return
        if self.row_notes is None:
            self.row_notes = np.zeros(self.n, np.int32)
        fresh = rows[self.row_notes[rows] == 0]
        self.row_notes[fresh] = notes.code(note)

    def rows(self) -> npt.NDArray[np.intp]:
        """The input row of each prepared row."""
        return self.origin_row if self.origin_row is not None else np.arange(self.n)

    def from_file(
        self, name: str, first_row: int = 0, cells: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        """Say that every row and problem comes from the file ``name``, from its ``first_row``.

        :param first_row: where this part starts in its file (a chunk of a large file).
        :param cells: per column of the table (``value`` for an item's), the spreadsheet cell of
            each row (:attr:`u4ssc.core.readers.InputFile.cells`): problems then name their cell.
        """
        self.files = [name]
        self.origin_file = np.zeros(self.n, np.int32)
        self.origin_row = self.rows() + first_row
        self.problems = [
            dataclasses.replace(
                p,
                file=name,
                row=None if p.row is None else p.row + first_row,
                cell=_cell_of(p, first_row, cells),
            )
            for p in self.problems
        ]


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
        self._reading: dict[str, tuple[str, object, DataItem | None, tuple[bool, str]]] = {}
        for name, item in catalogue.items.items():
            self.items[canonical_key(name)] = item
        #: How a reported final value of each output is read and bounded: in the output's own
        #: unit, yes/no for yes/no values, within the output's bounds.
        self.reported: dict[str, DataItem] = {}
        for output in catalogue.outputs():
            self.outputs[canonical_key(output.id)] = output.id
            if output.point is None:
                self.outputs.setdefault(canonical_key(output.indicator.id), output.id)
            yes_no = output.unit.strip().lower() == "yes/no"
            lower, upper = output.bounds
            self.reported[output.id] = DataItem(
                output.id,
                output.name,
                output.unit,
                Kind.YES_NO if yes_no else Kind.AMOUNT,
                f"Reported final value of {output.id}.",
                minimum=lower,
                maximum=upper,
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

    def reading(self, column: str) -> tuple[str, object, DataItem | None, tuple[bool, str]]:
        """How a record's field is read, found once per name: what it is and its target (see
        :meth:`match`), the data item it is read as (``None`` for a key or an unknown name),
        and where it goes: (whether it is a data item, the item name or output id)."""
        found = self._reading.get(column)
        if found is None:
            what, target = self.match(column)
            if what in ("key", "unknown"):
                found = (what, target, None, (False, ""))
            else:
                item, reported = self.read_as(what, target)
                found = (what, target, item, (reported is None, reported or item.name))
            self._reading[column] = found
        return found

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


def _cell_of(
    problem: InputProblem, first_row: int, cells: Mapping[str, Sequence[str]] | None
) -> str | None:
    """The spreadsheet cell of a problem, when its file says where its rows are."""
    if cells is None or problem.row is None:
        return problem.cell
    column = str(problem.column or "").strip().lower()
    found = cells.get(column, cells.get("value", ()))
    at = problem.row + first_row
    return found[at] if 0 <= at < len(found) else problem.cell


def prepare_record(
    record: Mapping[str, object], matcher: ColumnMatcher, notes: NoteTable, *, decimal: str = "."
) -> Prepared:
    """Prepare one city's values (item name or KPI id -> value), without building a DataFrame."""
    city: object = ""
    year: float = math.nan
    broken = ""
    problems: list[InputProblem] = []
    # Numbers and blanks need no status or note (a blank, NaN, is not reported); other cells
    # (not applicable, invalid) keep theirs.
    plain: list[tuple[bool, str]] = []  # (is a data item, item name or output id)
    numbers: list[float] = []
    marked: list[tuple[bool, str]] = []
    marks: list[tuple[float, int, int]] = []  # value, status, note code
    for column, raw in record.items():
        what, target, item, slot = matcher.reading(column)
        if item is None:
            if what == "unknown":
                problems.append(matcher.unknown_problem(column))
            elif target == CITY:
                city = "" if raw is None else raw
            else:
                year, broken = _year(raw, 0, problems)
            continue
        number = plain_number(raw, item)
        if number is not None and item.lower <= number <= item.upper:
            plain.append(slot)
            numbers.append(number)
            continue
        cell = parse_cell(raw, item, decimal=decimal)
        status, note, value = cell.status, cell.note, cell.value
        if status == Status.COMPUTED:
            violation = item.violation(value)
            if violation is not None:
                status, note, value = Status.INVALID, violation, math.nan
        if note == NAN_NOTE:
            problems.append(_cell_problem(0, str(column), raw, note, "warning"))
        elif status <= Status.NOT_REPORTED:
            plain.append(slot)
            numbers.append(value)
            continue
        if status == Status.INVALID:
            problems.append(_cell_problem(0, str(column), raw, note))
        marked.append(slot)
        marks.append((value, status, notes.code(note) if note else 0))
    inputs: dict[str, Column] = {}
    overrides: dict[str, Column] = {}
    # One array, sliced into length-1 views: far cheaper than an array per cell.
    all_values = np.array(numbers, dtype=np.float64)
    for i, (is_item, name) in enumerate(plain):
        (inputs if is_item else overrides)[name] = Column(all_values[i : i + 1])
    for (is_item, name), (value, code, note_code) in zip(marked, marks, strict=True):
        col = Column(np.array([value]), np.array([code], np.int8), np.array([note_code], np.int32))
        (inputs if is_item else overrides)[name] = col
    if city in (None, "") or (isinstance(city, float) and math.isnan(city)):
        # One record is one city: nothing can be confused, so its values are still scored.
        problems.append(_no_city(0, "warning"))
        city = ""
    prepared = Prepared(
        1, np.array([str(city)], dtype=object), np.array([year]), inputs, overrides, problems
    )
    if broken:
        prepared.mark_rows(np.zeros(1, np.intp), broken, notes)
    return prepared


def _year(raw: object, row: int, problems: list[InputProblem]) -> tuple[float, str]:
    """The year of a cell (NaN when blank), and the message when it is not a year ("" if it is)."""
    cell = parse_cell(raw, None)
    if cell.status == Status.NOT_REPORTED and cell.note != NAN_NOTE:
        return math.nan, ""
    value = cell.value
    if cell.status != Status.COMPUTED or value != int(value) or not 1000 <= value <= 9999:
        message = (
            f"year {quoted(_text(raw), 40)} is not a 4-digit year: type the year as four digits "
            "(e.g. 2024); until then no value of this row is scored"
        )
        problems.append(InputProblem(row, YEAR, _text(raw), "year", message))
        return math.nan, message
    return value, ""


def _text(raw: object) -> str:
    return "" if raw is None else str(raw)


def _cell_problem(
    row: int, column: str, raw: object, note: str, severity: str = "error"
) -> InputProblem:
    return InputProblem(row, column, _text(raw), "value", f"{note}", severity)


#: The reason of every value of a row without a city, and its problem.
NO_CITY = (
    "the row has no city name: fill the city column; until then no value of this row is scored"
)


def _no_city(row: int, severity: str = "error") -> InputProblem:
    message = NO_CITY if severity == "error" else "no city name given: fill the city column"
    return InputProblem(row, CITY, None, "key", message, severity=severity)


def require_city_years(name: str, rows: int, named: int) -> None:
    """Refuse a file in which no row names a city: there is nothing to score.

    :param rows: the rows read from the file; ``named``: how many of them name a city.
    :raises DataError: ``named`` is 0.
    """
    if named:
        return
    if rows == 0:
        raise DataError(
            f"{name} has no rows under its header: no city-year was found; add one row per "
            "city and year"
        )
    raise DataError(
        f"no row of {name} names a city ({rows} row(s) read): no city-year was found; fill "
        "the city column (in the data-collection workbook: the City cell of the Inputs sheet)"
    )


# -- a table -------------------------------------------------------------------------------------


def prepare_frame(
    frame: pd.DataFrame,
    matcher: ColumnMatcher,
    notes: NoteTable,
    *,
    decimal: str = ".",
    layout: str = "auto",
) -> Prepared:
    """Prepare a wide table (one row per city and year) or a long one (city, year, item, value).

    :param layout: ``wide``, ``long``, or ``auto``: long when the table has ``item`` and
        ``value`` columns.
    :raises DataError: no ``city`` column, a long table without ``item`` or ``value``, or two
        columns that give the same thing.
    """
    if layout not in LAYOUTS:
        raise DataError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if frame.columns.has_duplicates:
        twice = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise DataError(f"the input has two columns named {twice[0]!r}: keep one")
    columns = _keys_of(frame.columns)
    if canonical_key(CITY) not in columns:
        shown = ", ".join(map(str, list(frame.columns)[:8]))
        raise DataError(
            f"the input has no 'city' column (columns: {shown or 'none'}): "
            "add one naming the city of each row"
        )
    has_long = canonical_key(_LONG_ITEM) in columns and canonical_key(_LONG_VALUE) in columns
    if layout == "long" and not has_long:
        missing = [c for c in (_LONG_ITEM, _LONG_VALUE) if canonical_key(c) not in columns]
        raise DataError(
            f"a long table needs the columns city, item and value (and optionally year, unit, "
            f"source, quality): {' and '.join(missing)} missing"
        )
    if layout == "long" or (layout == "auto" and has_long):
        return _prepare_long(frame, columns, matcher, notes, decimal)
    return _prepare_wide(frame, columns, matcher, notes, decimal)


def _keys_of(labels: Any) -> dict[str, Any]:
    """Column labels by canonical key; two labels with one key (``City``, ``city``) are an error."""
    columns: dict[str, Any] = {}
    for label in labels:
        key = canonical_key(str(label))
        if key in columns and key in _KEY_COLUMNS:
            raise DataError(
                f"the columns {str(columns[key])!r} and {str(label)!r} name the same thing: "
                "keep one"
            )
        columns[key] = label
    return columns


def _prepare_wide(
    frame: pd.DataFrame,
    columns: dict[str, Any],
    matcher: ColumnMatcher,
    notes: NoteTable,
    decimal: str,
) -> Prepared:
    n = len(frame)
    problems: list[InputProblem] = []
    city, city_codes = _cities(frame[columns["CITY"]], problems)
    bad, messages = np.full(n, -1, np.intp), list[str]()
    year = np.full(n, np.nan)
    if "YEAR" in columns:
        year, bad, messages = _years(_cells(frame[columns["YEAR"]]), problems)
        problems += _no_years(city, year, bad, np.arange(n))
    prepared = Prepared(n, city, year, problems=problems)
    _mark_defects(prepared, frame, np.arange(n), notes)
    prepared.mark_rows(np.flatnonzero(city == ""), NO_CITY, notes)
    _mark_years(prepared, np.arange(n), bad, messages, notes)
    given: dict[str, str] = {}
    for column in frame.columns:
        what, target = matcher.match(str(column))
        if what == "key":
            continue
        if what == "unknown":
            problems.append(matcher.unknown_problem(str(column)))
            continue
        item, reported = matcher.read_as(what, target)
        _once(given, reported or item.name, str(column))
        _add_column(prepared, str(column), frame[column].to_numpy(), item, reported, notes, decimal)
    _check_keys(prepared, city_codes, bad)
    return prepared


def _once(given: dict[str, str], name: str, column: str) -> None:
    """Two columns giving one data item or KPI (``EC: ICT: ICT: 1C`` and its id) are an error."""
    if name in given:
        raise DataError(f"the columns {given[name]!r} and {column!r} both give {name}: keep one")
    given[name] = column


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
) -> Column:
    """Parse and bound-check one column into a data item's input, or a reported output value."""
    parsed = Column(*read_column(raw, item, notes, decimal=decimal, units=units))
    col = _check_bounds(item, parsed, notes)
    if col.status is not None:  # some cell is not a plain number or blank
        told = col.status == Status.INVALID
        told |= col.full_notes() == notes.find(NAN_NOTE)
        shown = np.flatnonzero(told)
        texts = [notes.text(int(c)) for c in col.full_notes()[shown]]
        prepared.problems += [
            _cell_problem(
                int(row_of[r]) if row_of is not None else int(r),
                column,
                cell,
                text,
                "warning" if text == NAN_NOTE else "error",
            )
            for r, cell, text in zip(shown, raw[shown], texts, strict=True)
        ]
    if reported is None:
        prepared.inputs[item.name] = col
    else:
        prepared.overrides[reported] = col
    return col


def _check_bounds(item: DataItem, column: Column, notes: NoteTable) -> Column:
    """Validate bounds with pandera; out-of-bounds cells become invalid, with the reason.

    The schema's own check (:func:`_outside`, one numpy comparison) runs first: when every cell
    is within bounds pandera has nothing to report, so it is neither run nor imported (for a
    12-row file its import costs more than everything else). Otherwise ``schema.validate``
    judges only the cells that comparison found, indexed by their rows: pandera's cost then
    grows with the failures, not with the rows. Each distinct bad value is worded once.

    Returns the column, or a new one when some cell is out of bounds (its values may be the
    caller's own DataFrame column, which is never written to).
    """
    lower, upper = item.lower, item.upper
    if not (math.isfinite(lower) or math.isfinite(upper)):
        return column
    values = column.values
    outside = _outside(values, lower, upper)
    if not outside.any():
        return column
    import pandas as pd
    import pandera.pandas as pa

    suspects = np.flatnonzero(outside)
    schema = _bounds_schema(item.name, lower, upper)
    try:
        # Nothing is coerced, so validating in place copies nothing (pandera copies otherwise).
        given = pd.Series(values[suspects], index=suspects, name=item.name)
        schema.validate(given, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        rows = np.unique(errors.failure_cases["index"].to_numpy(dtype=np.intp))
        bad, which = np.unique(values[rows], return_inverse=True)
        reasons = [notes.code(item.violation(v) or "out of bounds") for v in bad.tolist()]
        status, note_codes = column.full_status().copy(), column.full_notes().copy()
        status[rows] = Status.INVALID
        note_codes[rows] = np.array(reasons, np.int32)[which.ravel()]
        values = values.copy()
        values[rows] = np.nan
        return Column(values, status, note_codes)
    return column


def _outside(values: npt.NDArray[np.float64], lower: float, upper: float) -> npt.NDArray[np.bool_]:
    """Per cell, whether it is out of bounds (a missing value never is): the bounds rule of
    :func:`_bounds_schema`, compared in numpy (pandas' boolean operators cost more)."""
    outside = values < lower
    if math.isfinite(upper):
        outside |= values > upper
    return outside


@lru_cache(maxsize=4096)
def _bounds_schema(name: str, lower: float, upper: float) -> Any:
    """The pandera schema of one data item's bounds (only for items with a finite bound).

    One vectorised check with ``ignore_na=False`` (a missing value is never out of bounds):
    pandera's built-in ``ge``/``le`` first drop the missing values, which copies every column and
    costs eight times as much on a million rows. The check is :func:`_outside`; it answers a
    plain ``True`` when every value is within bounds, and the mask only when pandera needs it to
    find the failing rows. No dtype is declared: the values are always the parser's float64
    column, and pandera's dtype check would cost more than the bounds check on a short table.
    """
    import pandas as pd
    import pandera.pandas as pa

    def within(series: pd.Series) -> pd.Series | bool:
        outside = _outside(series.to_numpy(), lower, upper)
        if not outside.any():
            return True
        return pd.Series(~outside, index=series.index, copy=False)

    check = pa.Check(
        within, ignore_na=False, name="bounds", error=f"between {lower:g} and {upper:g}"
    )
    return pa.SeriesSchema(checks=[check], nullable=True, name=name)


def _cities(
    column: pd.Series, problems: list[InputProblem]
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.intp]]:
    """City names as text, stripped, and per row a code that is equal for equal names; a row
    without one is reported and gets ``""``.

    Each distinct cell is stripped and made a Python string once: a million rows name a few
    thousand cities.
    """
    import pandas as pd

    text = column if isinstance(column.dtype, pd.StringDtype) else column.astype("string")
    cell_codes, cells = text.factorize()
    stripped = pd.Series(cells).str.strip()
    # The last name is that of a missing cell (code -1); cells equal once stripped share a code.
    names = np.append(stripped.to_numpy(dtype=object), "")
    if (stripped == pd.Series(cells)).all() and not (stripped == "").any():
        codes = cell_codes.copy()  # distinct names already: their codes are the cells' own
        codes[codes < 0] = missing = len(cells)
    else:
        name_codes, _ = pd.factorize(names)
        codes, missing = name_codes[cell_codes], name_codes[-1]
    problems += [_no_city(int(r)) for r in np.flatnonzero(codes == missing)]
    return names[cell_codes], codes


def _cells(column: pd.Series) -> npt.NDArray[Any]:
    """The cells of a column: as they are in a numpy column of numbers, else as Python objects."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf":
        return column.to_numpy()
    return column.to_numpy(dtype=object)


def _years(
    raw: npt.NDArray[Any], problems: list[InputProblem]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp], list[str]]:
    """The year of each row, NaN when missing or not a 4-digit year (reported).

    Each distinct cell is parsed once; numbers are told apart as numbers, not as a million
    Python objects.

    :return: the years; per row, which distinct bad year it holds (-1 for none), so that two
        rows with different bad years are never taken for one city-year; and, per bad year,
        the message that says so.
    """
    import pandas as pd

    if raw.dtype.kind in "iuf":
        codes, numbers = pd.factorize(raw)
        uniques = numbers.tolist()
    else:
        codes, uniques = pd.factorize(cell_keys(raw), use_na_sentinel=True)
    found: list[list[InputProblem]] = []
    parsed = []
    for value in uniques:
        local: list[InputProblem] = []
        parsed.append(_year(value, 0, local)[0])
        found.append(local)
    table = np.array([*parsed, math.nan], dtype=np.float64)
    bad = [i for i, local in enumerate(found) if local]
    which = np.full(len(found) + 1, -1, np.intp)
    which[bad] = np.arange(len(bad))
    for row in np.flatnonzero(np.isin(codes, bad)):
        problem = found[codes[row]][0]
        problems.append(InputProblem(int(row), YEAR, problem.value, problem.rule, problem.message))
    return table[codes], which[codes], [found[i][0].message for i in bad]


def _no_years(
    city: npt.NDArray[np.object_],
    year: npt.NDArray[np.float64],
    bad: Any,
    origin: npt.NDArray[np.intp],
) -> list[InputProblem]:
    """A warning for each row with a city whose year cell is blank (the row is scored without
    a year, so two years of one city would be taken for one)."""
    blank = np.flatnonzero((city != "") & np.isnan(year) & (np.asarray(bad) < 0))
    message = "no year given: fill the year column (the row is scored without a year)"
    return [InputProblem(int(origin[r]), YEAR, None, "year", message, "warning") for r in blank]


def _mark_years(
    prepared: Prepared,
    rows: npt.NDArray[np.intp],
    bad: npt.NDArray[np.intp],
    messages: list[str],
    notes: NoteTable,
) -> None:
    """Mark the prepared ``rows`` whose year ``bad`` is not a year (-1: a sound year)."""
    for i, message in enumerate(messages):
        prepared.mark_rows(rows[bad == i], message, notes)


def _key_codes(
    city_codes: npt.NDArray[np.integer], years: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """One integer per (city, year): the city's code × 10 000 + the year (0 when missing)."""
    return city_codes.astype(np.int64) * 10_000 + np.nan_to_num(years, nan=0.0).astype(np.int64)


@lru_cache(maxsize=1)
def _key_schema() -> Any:
    """Each (city, year) key at most once; every row of a repeated key is a failure."""
    import pandera.pandas as pa

    return pa.SeriesSchema(unique=True, report_duplicates="all", name="city and year")


def _check_keys(
    prepared: Prepared, city_codes: npt.NDArray[np.intp], bad: npt.NDArray[np.intp]
) -> None:
    """Report rows sharing a (city, year): the uniqueness rule of a pandera schema.

    Rows are compared by one integer each, city code and year (4 digits, or 0 when missing):
    checking a million integers costs a tenth of hashing a million pairs of a string and a
    float. Only when some are equal are their rows grouped by city and year to be reported.
    """
    import pandas as pd

    codes = _key_codes(city_codes, prepared.year)
    broken = np.flatnonzero(bad >= 0)  # a bad year is reported already: never a duplicate
    codes[broken] = -1 - broken
    if pd.unique(codes).size == codes.size:  # every key once: the schema has nothing to report
        return
    import pandera.pandas as pa

    keys = pd.Series(codes, name="city and year")
    try:
        _key_schema().validate(keys, lazy=True, inplace=True)
        return
    except pa.errors.SchemaErrors as errors:
        rows = np.unique(errors.failure_cases["index"].to_numpy(dtype=np.intp))
    duplicates = pd.DataFrame({CITY: prepared.city[rows], YEAR: prepared.year[rows]})
    groups: dict[Any, Any] = duplicates.groupby([CITY, YEAR], dropna=False).indices
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
    """One row per city, year and item: gathered into one prepared row per city and year."""
    import pandas as pd

    problems: list[InputProblem] = []
    city_raw = frame[columns["CITY"]].to_numpy(dtype=object)
    year_raw = (
        frame[columns["YEAR"]].to_numpy(dtype=object)
        if "YEAR" in columns
        else np.full(len(frame), None, dtype=object)
    )
    cities, _ = _cities(pd.Series(city_raw, dtype=object), [])
    years, bad, messages = _years(year_raw, problems)
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([cities, years, bad]))
    n = len(uniques)
    first_row = np.full(n, -1, dtype=np.intp)
    first_row[codes[::-1]] = np.arange(len(codes))[::-1]
    prepared = Prepared(
        n,
        np.asarray(uniques.get_level_values(0), dtype=object),
        np.asarray(uniques.get_level_values(1), dtype=np.float64),
        problems=problems,
        origin_row=first_row,
    )
    if "YEAR" in columns:
        problems += _no_years(prepared.city, prepared.year, uniques.get_level_values(2), first_row)
    nameless = np.flatnonzero(prepared.city == "")
    problems += [_no_city(int(first_row[r])) for r in nameless]
    prepared.mark_rows(nameless, NO_CITY, notes)
    _mark_years(
        prepared, np.arange(n), np.asarray(uniques.get_level_values(2), np.intp), messages, notes
    )
    _mark_defects(prepared, frame, np.asarray(codes, np.intp), notes)
    items = frame[columns[canonical_key(_LONG_ITEM)]].astype(str).str.strip().to_numpy()
    values = frame[columns[canonical_key(_LONG_VALUE)]].to_numpy(dtype=object)
    units = _optional(frame, columns, _LONG_UNIT)
    provenance = _long_provenance(frame, columns, notes, problems)
    for extra, label in columns.items():
        if extra not in _KEY_COLUMNS and extra.lower() not in _LONG_EXTRA:
            problems.append(matcher.unknown_problem(str(label)))
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
        row_of = first_row.copy()
        row_of[slot] = rows
        item, reported = matcher.read_as(what, target)
        column = _add_column(
            prepared,
            str(name),
            _spread(values, rows, slot, n),
            item,
            reported,
            notes,
            decimal,
            None if units is None else _spread(units, rows, slot, n),
            row_of,
        )
        if provenance is not None:
            given = column.full_status() != Status.NOT_REPORTED
            found = Provenance(
                np.where(given, _spread(provenance.source, rows, slot, n, 0), 0).astype(np.int32),
                np.where(given, _spread(provenance.quality, rows, slot, n, 0), 0).astype(np.int8),
            )
            store = prepared.input_provenance if reported is None else prepared.override_provenance
            store[reported or item.name] = found
    return prepared


def _mark_defects(
    prepared: Prepared, frame: pd.DataFrame, slot: npt.NDArray[np.intp], notes: NoteTable
) -> None:
    """Report the rows a reader found broken (:data:`~.readers.ROW_DEFECTS`) and mark the
    prepared rows they went into (``slot``: the prepared row of each input row)."""
    for row, message in sorted(row_defects(frame).items()):
        prepared.problems.append(InputProblem(row, None, None, "cells", message))
        prepared.mark_rows(slot[row : row + 1], message, notes)


def _optional(frame: pd.DataFrame, columns: dict[str, Any], name: str) -> npt.NDArray[Any] | None:
    label = columns.get(canonical_key(name))
    return None if label is None else frame[label].to_numpy(dtype=object)


def _spread(
    values: npt.NDArray[Any],
    rows: npt.NDArray[np.intp],
    slot: npt.NDArray[np.intp],
    n: int,
    empty: Any = None,
) -> npt.NDArray[Any]:
    """Long rows ``rows`` of ``values`` placed at prepared rows ``slot``; ``empty`` elsewhere."""
    out = np.full(n, empty, dtype=values.dtype if empty is not None else object)
    out[slot] = values[rows]
    return out


def _long_provenance(
    frame: pd.DataFrame, columns: dict[str, Any], notes: NoteTable, problems: list[InputProblem]
) -> Provenance | None:
    """Source and quality codes of every long row; unknown quality levels are reported."""
    source = _optional(frame, columns, _LONG_SOURCE)
    quality = _optional(frame, columns, _LONG_QUALITY)
    if source is None and quality is None:
        return None
    n = len(frame)
    found = Provenance.empty(n)
    if source is not None:
        found.source = source_codes(source, notes)
    if quality is not None:
        found.quality, unknown = quality_codes(quality)
        levels = "; ".join(QUALITY_LEVELS)
        problems += [
            InputProblem(
                int(r),
                str(columns[canonical_key(_LONG_QUALITY)]),
                _text(quality[r]),
                "quality",
                f"{_text(quality[r])!r} is not a U4SSC data-quality level: use one of {levels}",
            )
            for r in unknown
        ]
    return found


def _year_text(year: float) -> str:
    return "" if math.isnan(year) else str(int(year))


# -- several parts: files, or chunks of one file ---------------------------------------------------


def merge_prepared(parts: list[Prepared]) -> Prepared:
    """Rows of several prepared parts (files, in order) as one; missing columns are not reported.

    Each part keeps its problems (already naming its file) and its rows' origins; a city and year
    found in several parts is reported by :class:`KeyLedger`, not here.
    """
    if len(parts) == 1:
        return parts[0]
    files = [name for part in parts for name in part.files]
    merged = Prepared(
        sum(p.n for p in parts),
        np.concatenate([p.city for p in parts]) if parts else np.empty(0, object),
        np.concatenate([p.year for p in parts]) if parts else np.empty(0),
        problems=[problem for p in parts for problem in p.problems],
        origin_row=np.concatenate([p.rows() for p in parts]),
        origin_file=np.concatenate([np.full(p.n, i, np.int32) for i, p in enumerate(parts)]),
        files=files,
    )
    if any(p.row_notes is not None for p in parts):
        merged.row_notes = np.concatenate(
            [np.zeros(p.n, np.int32) if p.row_notes is None else p.row_notes for p in parts]
        )
    for name in dict.fromkeys(k for p in parts for k in p.inputs):
        merged.inputs[name] = _concat_columns([p.inputs.get(name) for p in parts], parts)
    for name in dict.fromkeys(k for p in parts for k in p.overrides):
        merged.overrides[name] = _concat_columns([p.overrides.get(name) for p in parts], parts)
    if any(p.verification is not None for p in parts):
        merged.verification = Verification.concat(
            [p.verification for p in parts], [p.n for p in parts]
        )
    for store in ("input_provenance", "override_provenance"):
        names = dict.fromkeys(k for p in parts for k in getattr(p, store))
        for name in names:
            found = [getattr(p, store).get(name) or Provenance.empty(p.n) for p in parts]
            getattr(merged, store)[name] = Provenance(
                np.concatenate([f.source for f in found]),
                np.concatenate([f.quality for f in found]),
            )
    return merged


def _concat_columns(columns: list[Column | None], parts: list[Prepared]) -> Column:
    filled = [
        c if c is not None else Column.absent(p.n) for c, p in zip(columns, parts, strict=True)
    ]
    values = np.concatenate([c.values for c in filled])
    if all(c.status is None for c in filled):
        return Column(values)
    return Column(
        values,
        np.concatenate([c.full_status() for c in filled]),
        np.concatenate([c.full_notes() for c in filled]),
    )


class KeyLedger:
    """The (city, year) keys of parts read one after another, to find keys given in several.

    Parts are files, or chunks of a file too large to read at once: only integer codes are kept
    (a city's code, the year, the part and the row), so a chunked run stays within bounded memory.
    Duplicates inside one part are reported when that part is prepared; this reports the rest.
    """

    def __init__(self) -> None:
        self._cities: dict[str, int] = {}
        self._names: list[str] = []
        self._keys: list[npt.NDArray[np.int64]] = []
        self._parts: list[npt.NDArray[np.int32]] = []
        self._rows: list[npt.NDArray[np.int64]] = []
        self._files: list[str] = []

    def add(self, prepared: Prepared, file: str) -> None:
        """Remember the keys of the next part, read from ``file``."""
        import pandas as pd

        part = len(self._files)
        self._files.append(file)
        factor, uniques = pd.factorize(pd.Series(prepared.city, dtype=object))
        table = np.array([self._city_code(str(u)) for u in uniques] + [0], dtype=np.int64)
        keys = _key_codes(table[np.asarray(factor)], prepared.year)
        if prepared.row_notes is not None:  # a broken row is reported already: no duplicate
            keys[prepared.row_notes != 0] = self._city_code("") * 10_000
        self._keys.append(keys)
        self._parts.append(np.full(prepared.n, part, np.int32))
        self._rows.append(prepared.rows().astype(np.int64))

    def _city_code(self, city: str) -> int:
        code = self._cities.get(city)
        if code is None:
            code = self._cities[city] = len(self._names)
            self._names.append(city)
        return code

    def problems(self, *, chunked: bool = False) -> list[InputProblem]:
        """Every row whose city and year also appear in another part (rows with a city only)."""
        if len(self._files) < 2:
            return []
        keys = np.concatenate(self._keys)
        parts = np.concatenate(self._parts)
        rows = np.concatenate(self._rows)
        named = keys // 10_000 != self._cities.get("", -1)
        pair = np.unique(np.stack([keys[named], parts[named]]), axis=1)
        shared_keys, part_count = np.unique(pair[0], return_counts=True)
        shared = shared_keys[part_count > 1]
        if shared.size == 0:
            return []
        hit = np.flatnonzero(np.isin(keys, shared) & named)
        hit = hit[np.lexsort((rows[hit], parts[hit], keys[hit]))]
        # Rows also duplicated inside their own part were reported with that part.
        _, inverse, per_part = np.unique(
            np.stack([keys[hit], parts[hit]]), axis=1, return_inverse=True, return_counts=True
        )
        report = hit[per_part[inverse.ravel()] == 1]
        return self._report(hit, report, keys, parts, rows, chunked)

    def _report(
        self,
        hit: npt.NDArray[np.intp],
        report: npt.NDArray[np.intp],
        keys: npt.NDArray[np.int64],
        parts: npt.NDArray[np.int32],
        rows: npt.NDArray[np.int64],
        chunked: bool,
    ) -> list[InputProblem]:
        """One problem per row in ``report``, each listing every place (``hit``) of its key."""
        places: dict[int, list[str]] = {}
        for i in hit:
            places.setdefault(int(keys[i]), []).append(
                f"{self._files[parts[i]]} row {int(rows[i]) + 1}"
            )
        hint = (
            "; a long file read in chunks needs each city and year's rows together: sort it"
            if chunked
            else ""
        )
        found = []
        for i in report:
            key = int(keys[i])
            city, year = self._names[key // 10_000], key % 10_000
            where = places[key]
            shown = ", ".join(where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5 else "")
            when = f" {year}" if year else ""
            found.append(
                InputProblem(
                    int(rows[i]),
                    None,
                    None,
                    "duplicate",
                    f"{city}{when} appears in {shown}: keep one row per city and year{hint}",
                    file=self._files[parts[i]],
                )
            )
        return found
