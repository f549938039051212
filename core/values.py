"""The one place u4ssc reads a cell into a number and a status.

:func:`parse_cell` reads one value the way people type it in a spreadsheet: ``97.00 %``,
``95 424``, ``1,234.5``, ``12 ppb``, ``yes``, ``NR``, ``N/A: no metro``, ``#DIV/0!``.
:func:`parse_column` applies exactly the same rules to a whole column, fast: numeric columns go
through numpy, and text columns are parsed once per distinct value.

Bounds (minimum, maximum) are not checked here: the batch path checks them with pandera and the
single-record path with :meth:`DataItem.violation`, both from the same declarations.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any

from .model import DataItem, Kind
from .status import Status

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "MISSING_TEXTS",
    "NAN_NOTE",
    "NOT_APPLICABLE_WORDS",
    "NO_TEXTS",
    "YES_TEXTS",
    "Cell",
    "ExcelText",
    "NoteTable",
    "UnsavedFormula",
    "cell_keys",
    "decimal_evidence",
    "guess_decimal",
    "implied_status",
    "parse_cell",
    "parse_column",
    "quoted",
    "read_column",
]

#: Cell texts (stripped, lower case) read as not reported. The data-collection workbook's own
#: formulas read the same texts.
MISSING_TEXTS = frozenset({"", "nr", "n.r.", "n/r", "not reported", "nan", "null", "none"})
#: Words that open a not-applicable cell, alone or followed by a reason: ``N/A: no metro``.
NOT_APPLICABLE_WORDS = ("n/a", "n.a.", "na", "not applicable")
#: Texts (lower case) read as yes and as no.
YES_TEXTS = frozenset({"yes", "y", "true", "1"})
NO_TEXTS = frozenset({"no", "n", "false", "0"})

#: The note of a cell that holds the text NaN (or a NaN number from JSON): read as not reported,
#: and reported as a warning, since a NaN is usually a failed calculation, not a choice.
NAN_NOTE = (
    "NaN is not a value: read as not reported; leave the cell empty (or type NR) if the value "
    "is not reported, else type the number or fix the calculation that gave NaN"
)
_NAN_TEXTS = frozenset({"nan", "-nan", "+nan"})
_MISSING = MISSING_TEXTS
_NA_WORDS = "|".join(map(re.escape, NOT_APPLICABLE_WORDS))
_NOT_APPLICABLE = re.compile(
    rf"^(?:{_NA_WORDS})(?!\w)\s*[:\-–—(]?\s*(?P<reason>.*?)\)?\s*$", re.IGNORECASE
)
_DASHES = {"-", "–", "—", "--"}
_EXCEL_ERRORS = {
    "#N/A",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
}
_YES = YES_TEXTS
_NO = NO_TEXTS
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


@dataclass(frozen=True, slots=True)
class Cell:
    """A parsed cell: ``value`` is NaN unless ``status`` is :attr:`Status.COMPUTED` (usable)."""

    value: float
    status: Status
    note: str = ""


_MISSING_CELL = Cell(math.nan, Status.NOT_REPORTED)


@dataclass(frozen=True, slots=True)
class UnsavedFormula:
    """An Excel cell holding a formula whose result was never saved (the workbook was written
    by a program that does not calculate, and not opened and saved in a spreadsheet since)."""

    sheet: str
    cell: str
    formula: str

    def __str__(self) -> str:
        return self.formula

    @property
    def message(self) -> str:
        """What is wrong, where, and how to fix it."""
        formula = self.formula if len(self.formula) <= 60 else self.formula[:60] + "…"
        return (
            f"sheet {self.sheet!r}, cell {self.cell}: formula without a saved result ({formula}): "
            "open and save the workbook in Excel, or recalculate it"
        )


class ExcelText(str):
    """Text typed in a value cell of the data-collection workbook.

    The workbook's own formulas count only numbers as numbers, so :func:`parse_cell` reads such
    text as every other text (not reported, N/A, yes/no, Excel errors), except a number typed as
    text (``71,6``, ``1 234``, ``97,5 %``): that is invalid, as the workbook shows it.
    """

    __slots__ = ()


_NAN_CELL = Cell(math.nan, Status.NOT_REPORTED, NAN_NOTE)


def _invalid(note: str) -> Cell:
    return Cell(math.nan, Status.INVALID, note)


def parse_cell(
    raw: object, item: DataItem | None = None, *, decimal: str = ".", unit: str | None = None
) -> Cell:
    """Read one cell.

    :param raw: what the cell holds: a number, text, a boolean or ``None``.
    :param item: the data item the cell belongs to; it decides yes/no reading and accepted units.
        ``None`` reads a plain number (or yes/no).
    :param decimal: the decimal separator, ``"."`` or ``","``.
    :param unit: the unit the value was given in, when a separate unit column says so.
    """
    kind = item.kind if item is not None else None
    if isinstance(raw, float):  # the common case (np.float64 too), before the slower checks
        return _finish(float(raw), item, unit) if raw == raw else _MISSING_CELL
    if raw is None or _is_null(raw):
        return _MISSING_CELL
    if isinstance(raw, bool):
        if kind is Kind.YES_NO or kind is None:
            return Cell(1.0 if raw else 0.0, Status.COMPUTED)
        return _invalid(f"expected a number, got {'TRUE' if raw else 'FALSE'!r}")
    if isinstance(raw, Real):
        try:
            return _finish(float(raw), item, unit)
        except OverflowError:
            return _invalid(f"{str(raw)[:20]}… is too large to be read as a number")
    if isinstance(raw, UnsavedFormula):
        return _invalid(raw.message)
    not_text = _not_text(raw)
    if not_text is not None:
        return _invalid(f"expected a number, got {not_text}")
    text = str(raw).strip()
    lowered = text.lower()
    if lowered in _NAN_TEXTS:
        return _NAN_CELL
    if lowered in _MISSING:
        return _MISSING_CELL
    if text.upper() in _EXCEL_ERRORS:
        if text.upper() == "#N/A":
            return Cell(math.nan, Status.NOT_REPORTED, "Excel error #N/A: value not available")
        return _invalid(f"Excel error {text.upper()}: fix the formula or type the value")
    not_applicable = _NOT_APPLICABLE.match(text)
    if not_applicable is not None:
        return Cell(math.nan, Status.NOT_APPLICABLE, not_applicable.group("reason").strip())
    if text in _DASHES:
        return _invalid(f"{text!r} is ambiguous: leave the cell empty if not reported, or type 0")
    if lowered in _YES or lowered in _NO:
        if kind is Kind.YES_NO or kind is None:
            return Cell(1.0 if lowered in _YES else 0.0, Status.COMPUTED)
        if lowered not in ("1", "0"):
            return _invalid(f"expected a number, got {text!r}")
    number_text, text_unit = _split_unit(text, item)
    if text_unit is not None:
        if unit is not None and _same_unit(unit, text_unit) is False:
            return _invalid(f"{text!r} contradicts the unit column {unit!r}")
        unit = text_unit
    number = _read_number(number_text, decimal)
    if number is None:
        return _invalid(_not_a_number(text, item))
    if isinstance(raw, ExcelText):
        return _invalid(
            f"the text {quoted(text)} is not a number to Excel, so the workbook's formulas do "
            "not count it: type the number itself (with this Excel's decimal separator), "
            "not text"
        )
    return _finish(number, item, unit)


def _is_null(raw: object) -> bool:
    """pandas' missing-value markers (``pd.NA``, ``pd.NaT``), known without importing pandas."""
    return type(raw).__name__ in ("NAType", "NaTType")


def _not_text(raw: object) -> str | None:
    """What ``raw`` is, when it is a cell type that is neither a number nor text; else ``None``.

    Readers hand over what the file holds: Excel and Parquet dates, JSON lists and objects,
    Parquet binary columns. Each gets a message saying what was found instead of a number.
    """
    if isinstance(raw, _Unhashable):
        return raw.what
    if isinstance(raw, (datetime.date, datetime.time)):
        return f"the date or time {raw.isoformat()}: format the cell as a number"
    if isinstance(raw, datetime.timedelta):
        return f"the duration {raw}: type the number instead"
    if isinstance(raw, (bytes, bytearray)):
        return "binary data"
    if isinstance(raw, Mapping):
        return "an object (a mapping of keys to values)"
    if isinstance(raw, (list, tuple, set, frozenset)) or type(raw).__name__ == "ndarray":
        return "a list of values"
    return None


def plain_number(raw: object, item: DataItem) -> float | None:
    """``raw`` as a float when it is a plain finite int or float :func:`parse_cell` would take
    unchanged for ``item``; ``None`` otherwise (then call :func:`parse_cell`).

    The one-city path uses it to skip building a :class:`Cell` for the common case.
    """
    if type(raw) is float:
        value = raw
    elif isinstance(raw, float) or (  # np.float64 is a float
        isinstance(raw, int) and not isinstance(raw, bool) and -(2**53) <= raw <= 2**53
    ):
        value = float(raw)
    else:
        return None
    if not math.isfinite(value) or (item.kind is Kind.YES_NO and value not in (0.0, 1.0)):
        return None
    return value


def _finish(value: float, item: DataItem | None, unit: str | None) -> Cell:
    if math.isnan(value):
        return _MISSING_CELL
    if unit is not None and item is not None:
        factor = _unit_factor(item, unit)
        if factor is None:
            accepted = ", ".join([item.unit, *item.units]) or "no unit"
            return _invalid(f"unit {unit!r} is not accepted for {item.name}; use {accepted}")
        value *= factor
    if not math.isfinite(value):
        return _invalid(f"{value} is not a finite number")
    if item is not None and item.kind is Kind.YES_NO and value not in (0.0, 1.0):
        return _invalid(f"expected yes or no (1 or 0), got {value:g}")
    return Cell(value, Status.COMPUTED)


def _unit_factor(item: DataItem, unit: str) -> float | None:
    wanted = _unit_key(unit)
    if wanted in ("", _unit_key(item.unit)) or (wanted == "%" and item.kind is Kind.PERCENT):
        return 1.0
    for name, factor in item.units.items():
        if _unit_key(name) == wanted:
            return factor
    return None


def _unit_key(unit: str) -> str:
    return _SPACES.sub("", unit).lower().replace("µ", "u").replace("μ", "u").replace("3", "³")


def _same_unit(a: str, b: str) -> bool:
    return _unit_key(a) == _unit_key(b)


def _split_unit(text: str, item: DataItem | None) -> tuple[str, str | None]:
    """Split a trailing unit (``%``, ``ppb``, the item's own unit) off a number."""
    candidates = ["%"]
    if item is not None:
        candidates += [item.unit, *item.units]
    lowered = text.lower()
    for unit in sorted((u for u in candidates if u), key=len, reverse=True):
        if lowered.endswith(unit.lower()) and len(text) > len(unit):
            head = text[: -len(unit)].rstrip()
            if head and (head[-1].isdigit() or head[-1] == "."):
                return head, unit
    return text, None


def _read_number(text: str, decimal: str) -> float | None:
    """Read a number typed with optional thousands separators; ``None`` if it is not one.

    ``1,234.5``, ``95 424`` and ``1'000`` are grouped thousands; with ``decimal="."`` a lone comma
    that does not group thousands (``97,5``) can only be a decimal comma, and is read as one.
    """
    other = "," if decimal == "." else "."
    seps = "[ \u00a0\u202f\u2009'" + re.escape(other) + "]"
    grouped = re.fullmatch(
        rf"([+-]?)(\d{{1,3}}({seps})\d{{3}}(?:\3\d{{3}})*)(?:{re.escape(decimal)}(\d*))?", text
    )
    if grouped is not None:
        fraction = grouped.group(4)
        text = grouped.group(1) + re.sub(seps, "", grouped.group(2))
        text += f".{fraction}" if fraction else ""
    elif re.fullmatch(rf"[+-]?\d+{re.escape(other)}\d+", text):
        text = text.replace(other, ".")
    elif decimal == ",":
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return None
    return float(text)


def quoted(text: str, width: int = 60) -> str:
    """``text`` quoted for a message, cut to ``width`` characters (saying how long it is)."""
    return repr(text) if len(text) <= width else f"{text[:width]!r}… ({len(text)} characters)"


def _not_a_number(text: str, item: DataItem | None) -> str:
    shown = quoted(text)
    if item is not None and item.kind is Kind.YES_NO:
        return f"expected yes or no, got {shown}"
    return f"expected a number, got {shown}"


class NoteTable:
    """Interned note and reason texts; arrays store their integer codes (0 is no note)."""

    def __init__(self) -> None:
        self.texts: list[str] = [""]
        self._codes: dict[str, int] = {"": 0}

    def code(self, text: str) -> int:
        """Return the code of ``text``, adding it if new."""
        found = self._codes.get(text)
        if found is None:
            found = self._codes[text] = len(self.texts)
            self.texts.append(text)
        return found

    def text(self, code: int) -> str:
        """Return the text of ``code``."""
        return self.texts[code]

    def find(self, text: str) -> int:
        """The code of ``text``, or -1 when no cell has it."""
        return self._codes.get(text, -1)


def parse_column(
    column: Sequence[Any] | npt.NDArray[Any],
    item: DataItem | None,
    notes: NoteTable,
    *,
    decimal: str = ".",
    units: Sequence[Any] | npt.NDArray[Any] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8], npt.NDArray[np.int32]]:
    """Parse a whole column with the rules of :func:`parse_cell`.

    :param units: the unit of each cell, from a separate unit column (``None`` where not given).
    :return: values (NaN where not usable), statuses and note codes into ``notes``.
    """
    import numpy as np

    values, status, codes = read_column(column, item, notes, decimal=decimal, units=units)
    if status is None or codes is None:
        status, codes = implied_status(values), np.zeros(len(values), np.int32)
    return values, status, codes


def implied_status(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int8]:
    """The statuses of plain numbers and blanks: not reported where NaN, computed elsewhere."""
    import numpy as np

    return np.isnan(values).view(np.int8) * np.int8(Status.NOT_REPORTED)


def read_column(
    column: Sequence[Any] | npt.NDArray[Any],
    item: DataItem | None,
    notes: NoteTable,
    *,
    decimal: str = ".",
    units: Sequence[Any] | npt.NDArray[Any] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8] | None, npt.NDArray[np.int32] | None]:
    """:func:`parse_column`, without building statuses and note codes for a column of plain
    numbers and blanks (both ``None``: a blank is not reported, a number computed).

    A table of a million rows is mostly such columns: they cost one check, not two new arrays.
    """
    import numpy as np
    import pandas as pd

    array = np.asarray(column)
    n = len(array)
    if units is not None:
        cells = cell_keys(array).tolist()
        pairs = pd.Series(list(zip(cells, cell_keys(units).tolist(), strict=True)), dtype=object)
        pair_codes, pair_uniques = pd.factorize(pairs)
        parsed = [
            parse_cell(value, item, decimal=decimal, unit=_given_unit(unit))
            for value, unit in pair_uniques
        ]
        return _gather(parsed, np.asarray(pair_codes), notes)
    if array.dtype.kind == "b":  # read as the cell parser reads True and False
        array = array.astype(object)
    if array.dtype.kind in "fiu":
        values = array.astype(np.float64, copy=False)
        # Only infinities, and numbers other than 0 and 1 for a yes/no item, need the cell parser.
        if item is not None and item.kind is Kind.YES_NO:
            odd = ~((values == 0.0) | (values == 1.0) | np.isnan(values))
        else:
            odd = np.isinf(values)
        if not odd.any():
            return values, None, None
        status = implied_status(values)
        codes = np.zeros(n, dtype=np.int32)
        values = np.where(odd, np.nan, values)
        uniques, inverse = np.unique(array[odd], return_inverse=True)
        cells = [parse_cell(u.item(), item, decimal=decimal) for u in uniques]
        values[odd] = np.array([c.value for c in cells])[inverse]
        status[odd] = np.array([c.status for c in cells], dtype=np.int8)[inverse]
        codes[odd] = np.array([notes.code(c.note) for c in cells], dtype=np.int32)[inverse]
        return values, status, codes
    factor_codes, uniques = pd.factorize(cell_keys(array), use_na_sentinel=True)
    values, status, codes = _parse_distinct(uniques.tolist(), item, notes, decimal)
    factor_codes = np.asarray(factor_codes)
    return values[factor_codes], status[factor_codes], codes[factor_codes]


#: A cell that is a plain decimal number: ASCII digits, an optional sign, fraction and exponent,
#: blanks around. :func:`parse_cell` reads such text (with a decimal point) as ``float`` does.
_PLAIN_NUMBER = re.compile(r"[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*")


def _parse_distinct(
    cells: list[Any], item: DataItem | None, notes: NoteTable, decimal: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8], npt.NDArray[np.int32]]:
    """Values, statuses and note codes of distinct cells, with one more entry for a missing
    cell (code -1 of ``pd.factorize``), by :func:`parse_cell`'s rules.

    A cell of plain decimal text is read by ``float`` without the cell parser, which gives
    the same number: a numeric column with a few words in it (read as text) costs one regular
    expression per distinct number, not the whole parser. Not for a yes/no item, a decimal
    comma, or an item whose unit could be the end of a number.
    """
    import numpy as np

    plain = None
    if decimal == "." and not _number_like_unit(item):
        plain = _PLAIN_NUMBER.fullmatch
    values: list[float] = []
    status: list[int] = []
    codes: list[int] = []
    for cell in cells:
        if plain is not None and type(cell) is str and plain(cell):
            number = float(cell)
            if math.isfinite(number):
                values.append(number)
                status.append(Status.COMPUTED)
                codes.append(0)
                continue
        parsed = parse_cell(cell, item, decimal=decimal)
        values.append(parsed.value)
        status.append(parsed.status)
        codes.append(notes.code(parsed.note))
    return (
        np.array([*values, math.nan], np.float64),
        np.array([*status, Status.NOT_REPORTED], np.int8),
        np.array([*codes, 0], np.int32),
    )


def _number_like_unit(item: DataItem | None) -> bool:
    """Whether some cell of plain number text means more to the cell parser than the number: a
    yes/no item's, or one with a unit made of characters a number has (``10`` could end in it)."""
    if item is None:
        return False
    if item.kind is Kind.YES_NO:
        return True
    return any(unit and set(unit) <= set("0123456789.eE+-") for unit in [item.unit, *item.units])


def _gather(
    cells: list[Cell], factor_codes: npt.NDArray[np.intp], notes: NoteTable
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8], npt.NDArray[np.int32]]:
    """Spread cells parsed once per distinct value back over the rows (code -1 is missing)."""
    import numpy as np

    cells = [*cells, _MISSING_CELL]
    values = np.array([c.value for c in cells], dtype=np.float64)[factor_codes]
    status = np.array([c.status for c in cells], dtype=np.int8)[factor_codes]
    codes = np.array([notes.code(c.note) for c in cells], dtype=np.int32)[factor_codes]
    return values, status, codes


def cell_keys(array: npt.NDArray[Any] | Sequence[Any]) -> Any:
    """Cells as a Series ready to hash and factorize, each read by :func:`parse_cell` exactly
    as the cell itself: booleans as "TRUE"/"FALSE" (so hashing cannot merge True with 1), and
    unhashable cells (lists, objects) as a stand-in saying what they are."""
    import pandas as pd

    series = pd.Series(array, dtype=object)
    if pd.api.types.infer_dtype(series, skipna=True) not in (
        "mixed",
        "mixed-integer",
        "mixed-integer-float",
    ):
        return series
    return series.map(_cell_key)


@dataclass(frozen=True, slots=True)
class _Unhashable:
    """Stands for a cell that cannot be hashed (a list, an object), saying what it was."""

    what: str

    def __str__(self) -> str:
        return f"({self.what})"


def _cell_key(value: object) -> object:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    try:
        hash(value)
    except TypeError:
        return _Unhashable(_not_text(value) or type(value).__name__)
    return value


def _given_unit(unit: object) -> str | None:
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        return None
    text = str(unit).strip()
    return text or None


# -- the decimal separator of a file -----------------------------------------------------------

#: A number at the start of a cell (optionally signed), before any unit.
_LEADING_NUMBER = re.compile(r"\s*([+-]?\d[\d.,]*)(\D*)")
#: Shapes only one decimal convention can write: (pattern, separator it proves).
_EVIDENCE = (
    # one separator between digits that is not a valid thousands grouping: 97,5  0,25  1234,5
    (re.compile(r"[+-]?\d+,\d+"), re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+"), ","),
    (re.compile(r"[+-]?\d+\.\d+"), re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"), "."),
    # thousands grouped with one separator and a fraction after the other: 1.234,5  1,234.5
    (re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+"), None, ","),
    (re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d+"), None, "."),
    # the same separator twice can only group thousands: 1.234.567 (so the decimal is the other)
    (re.compile(r"[+-]?\d{1,3}(?:\.\d{3}){2,}"), None, ","),
    (re.compile(r"[+-]?\d{1,3}(?:,\d{3}){2,}"), None, "."),
)


def decimal_evidence(text: str) -> str | None:
    """The decimal separator a cell proves, or ``None`` when it proves neither.

    A cell proves a separator when it is a number (optionally signed, optionally followed by a
    unit such as ``%``) that only that convention can write: ``97,5``, ``0,25``, ``1.234,5`` and
    ``1.234.567`` prove a decimal comma; ``97.5``, ``1,234.5`` and ``1,234,567`` a decimal point.
    ``1,234`` and ``1.234`` are ambiguous (a thousands group or a decimal) and prove nothing.
    """
    found = _LEADING_NUMBER.fullmatch(text)
    if found is None or any(c.isdigit() for c in found.group(2)):
        return None
    number = found.group(1)
    for shape, grouping, separator in _EVIDENCE:
        if shape.fullmatch(number) and (grouping is None or not grouping.fullmatch(number)):
            return separator
    return None


def guess_decimal(cells: Iterable[object]) -> str:
    """``","`` when some text cell proves a decimal comma and none a decimal point, else ``"."``.

    The rule behind ``--decimal auto`` (applied by the CSV reader to files whose delimiter is
    not a comma); see :func:`decimal_evidence`. Non-text cells are ignored.
    """
    found = {decimal_evidence(c) for c in cells if isinstance(c, str)}
    return "," if "," in found and "." not in found else "."
