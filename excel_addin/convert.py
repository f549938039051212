"""Excel values to engine inputs, and engine results to Excel values. No xlwings here.

Excel hands a worksheet function what its cells hold: numbers (floats), text, booleans, ``None``
for an empty cell, and error values, which xlwings passes as text (``"#DIV/0!"``) with
``err_to_str``. A range arrives as a list of rows. This module turns those into what
:meth:`u4ssc.core.Engine.score_one` takes (a mapping of data item names to raw cell values, parsed
by the engine's one cell parser) and turns results into rows of plain cell values.

Every mistake a user can make in a cell (a range of the wrong shape, a value without a name, a
name given twice, an error where a code belongs) raises :class:`ExcelArgumentError` with a message
the worksheet function shows in the cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from u4ssc.core import DataError, Status, canonical_key
from u4ssc.core.values import parse_cell

__all__ = [
    "STATUS_SHORT",
    "ExcelArgumentError",
    "as_rows",
    "cell",
    "error_text",
    "number_argument",
    "read_pairs",
    "single_cell",
    "status_text",
    "table",
    "text_argument",
]

#: How a value without a number shows in a cell, by status (as in the U4SSC template: NR).
STATUS_SHORT = {
    Status.NOT_REPORTED: "NR",
    Status.NOT_APPLICABLE: "N/A",
    Status.INVALID: "invalid",
    Status.ERROR: "error",
}
#: Header texts that mark the name and the value column of a range with a header row.
NAME_HEADERS = ("id", "name", "item", "code")
VALUE_HEADER = "value"
#: What an error message in a cell starts with.
PREFIX = "u4ssc: "


class ExcelArgumentError(DataError):
    """A worksheet function was given something it cannot use; the message says what to fix."""


def as_rows(value: Any) -> list[list[Any]]:
    """A cell or a range as a list of rows: ``5`` -> ``[[5]]``, ``[1, 2]`` -> ``[[1, 2]]``."""
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if not value:
        return []
    if not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(row) for row in value]


def _is_error(value: Any) -> bool:
    """Whether a cell holds an Excel error value (xlwings passes them as ``#...`` text)."""
    if not isinstance(value, str) or not value.startswith("#"):
        return False
    return parse_cell(value).note.startswith("Excel error")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_pairs(value: Any, what: str = "inputs") -> dict[str, Any]:
    """Names and raw values from a range, in order.

    Accepted shapes: two columns (names, then values); two rows (names, then values); or a
    table whose header row has a ``value`` column and an ``id``, ``name``, ``item`` or ``code``
    column (the Inputs sheet of the data-collection workbook is one). Rows with neither a name
    nor a value are skipped.

    :param what: the argument's name, for messages.
    :raises ExcelArgumentError: wrong shape, a value without a name, a name that is not text,
        or a name given twice.
    """
    rows = as_rows(value)
    names, values, first_row = _columns(rows, what)
    found: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for offset, (name, raw) in enumerate(zip(names, values, strict=True)):
        row = first_row + offset
        if _blank(name):
            if _blank(raw):
                continue
            raise ExcelArgumentError(
                f"{what}: row {row} has the value {_show(raw)} but no name: give its data item "
                "name or KPI code, or clear the value"
            )
        if not isinstance(name, str) or _is_error(name):
            raise ExcelArgumentError(
                f"{what}: row {row} has {_show(name)} where a data item name or KPI code belongs"
            )
        key = canonical_key(name)
        if key in seen:
            raise ExcelArgumentError(
                f"{what}: {name.strip()!r} is given twice (rows {seen[key]} and {row}): keep one"
            )
        seen[key] = row
        found[name.strip()] = _clean(raw)
    return found


def _columns(rows: list[list[Any]], what: str) -> tuple[list[Any], list[Any], int]:
    """The name and value cells of a range, and the (1-based) row of the first pair."""
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if height and any(len(r) != width for r in rows):
        raise ExcelArgumentError(f"{what}: the rows of the range have different lengths")
    if height > 1:
        header = [str(c).strip().lower() if isinstance(c, str) else "" for c in rows[0]]
        name_column = next((header.index(h) for h in NAME_HEADERS if h in header), None)
        if VALUE_HEADER in header and name_column is not None:
            value_column = header.index(VALUE_HEADER)
            body = rows[1:]
            return [r[name_column] for r in body], [r[value_column] for r in body], 2
    if width == 2:
        return [r[0] for r in rows], [r[1] for r in rows], 1
    if height == 2 and width > 2:
        return list(rows[0]), list(rows[1]), 1
    raise ExcelArgumentError(
        f"{what}: expected two columns (names, then values), two rows, or a table with id and "
        f"value headers; got {height} row(s) × {width} column(s)"
    )


def _clean(raw: Any) -> Any:
    """An empty text or NaN cell is an empty cell; everything else goes to the cell parser."""
    if isinstance(raw, float) and math.isnan(raw):
        return None
    if isinstance(raw, str) and not raw.strip():
        return None
    return raw


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return repr(value) if isinstance(value, str) else str(value)


def single_cell(value: Any, what: str) -> Any:
    """The one cell of an argument that must be a single cell."""
    rows = as_rows(value)
    count = sum(len(r) for r in rows)
    if count != 1:
        raise ExcelArgumentError(f"{what}: give one cell, not a range of {count} cells")
    return rows[0][0]


def text_argument(value: Any, what: str, *, default: str | None = None) -> str:
    """A text argument (a KPI code, a level, a tier): one cell, not empty, not an error.

    :param default: what an empty argument means; ``None`` makes the argument required.
    """
    found = single_cell(value, what)
    if _blank(found):
        if default is None:
            raise ExcelArgumentError(f"{what} is empty: give it")
        return default
    if _is_error(found):
        raise ExcelArgumentError(f"{what} is the Excel error {found}: fix the cell it comes from")
    if isinstance(found, bool):
        raise ExcelArgumentError(f"{what}: expected text, got {str(found).upper()}")
    return _show(found) if isinstance(found, float) else str(found).strip()


def number_argument(value: Any, what: str) -> float | None:
    """An optional number (a target): ``None`` when empty; ``60``, ``"60 %"`` and ``yes`` read
    as the engine reads any cell.

    :raises ExcelArgumentError: the cell is not a number, yes or no.
    """
    found = single_cell(value, what)
    if _blank(found):
        return None
    parsed = parse_cell(found)
    if parsed.status != Status.COMPUTED:
        problem = parsed.note if parsed.status == Status.INVALID else ""
        raise ExcelArgumentError(f"{what}: {problem or f'expected a number, got {_show(found)}'}")
    return parsed.value


def status_text(status: Status, reason: str) -> str:
    """A value without a number as a cell shows it: ``NR: missing households``."""
    short = STATUS_SHORT.get(status, status.label)
    return f"{short}: {reason}" if reason else short


def cell(value: Any) -> Any:
    """A Python value as an Excel cell value: empty text for none, floats for numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        number = float(value)
        return "" if math.isnan(number) else number
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if hasattr(value, "item"):  # a numpy scalar
        return cell(value.item())
    return str(value)


def table(headers: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """A header row and one row per mapping, in the order of ``headers``, as cell values."""
    return [list(headers), *([cell(row.get(h)) for h in headers] for row in rows)]


def error_text(error: BaseException) -> str:
    """An error as one line in a cell, never a traceback."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return PREFIX + first
