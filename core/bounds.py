"""Output bounds: the range every KPI value must lie in, and the range it usually lies in.

Bounds are declared once, on the indicator (``@indicator(..., bounds=(0, 100), usual=...)``,
by default from the unit: see :func:`u4ssc.core.model.unit_bounds`). The evaluator calls
:func:`outside` on every output, computed or reported, on the batch path and for one city alike:
a value outside its bounds becomes ``invalid`` with a reason naming the value, the bound and the
inputs (``1459.77 % is above the maximum 100 %: households_with_internet (14597.7) exceeds
households (1000)``), so it is never scored. A value outside its usual range is kept and scored,
with a warning on its row (:func:`unusual`).

Each check is one or two numpy comparisons per output; reasons are built only for the rows out of
bounds: with their numbers for the first :data:`DETAILED` of an output, then one per pattern.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .catalogue import Output
from .model import Check
from .values import NoteTable

__all__ = ["DETAILED", "out_of_bounds_codes", "outside", "span", "unusual", "valid_text"]

Floats = npt.NDArray[np.float64]


def outside(values: Floats, lower: float, upper: float) -> npt.NDArray[np.bool_] | None:
    """Per value, whether it lies outside ``[lower, upper]`` (NaN never does); ``None`` when the
    bounds are open on both sides, so nothing can be."""
    low, high = lower > -math.inf, upper < math.inf
    if low and high:
        found = values < lower
        found |= values > upper
        return found
    if low:
        return values < lower
    if high:
        return values > upper
    return None


def _number(value: float) -> str:
    return f"{value:.6g}"


def span(lower: float, upper: float) -> str:
    """A range as a reader says it: ``0 to 100``, ``≥ 0``, ``≤ 5``, ``any``."""
    if math.isinf(lower) and math.isinf(upper):
        return "any"
    if math.isinf(upper):
        return f"≥ {_number(lower)}"
    if math.isinf(lower):
        return f"≤ {_number(upper)}"
    return f"{_number(lower)} to {_number(upper)}"


def valid_text(output: Output) -> str:
    """The values an output may take, and its usual range when it has one:
    ``≥ 0 (usually 0 to 100)``."""
    text = span(*output.bounds)
    if output.usual is not None:
        text += f" (usually {span(*output.usual)})"
    return text


#: Out-of-bounds values of one output whose reasons give the value and its inputs' values; the
#: rest (a broken column of a large table) share one reason per pattern, without the numbers,
#: so a million bad rows cost a few numpy passes, not a million messages.
DETAILED = 100


def out_of_bounds_codes(
    values: Floats,
    lower: float,
    upper: float,
    unit: str,
    params: Sequence[str],
    inputs: Sequence[Floats],
    notes: NoteTable,
    prefix: str = "",
) -> npt.NDArray[np.int32]:
    """The note code of why each of ``values`` (all out of bounds) is invalid: the value, the
    bound broken and the inputs (``1459.77 % is above the maximum 100 %: households_with_internet
    (14597.7) exceeds households (1000); check both``).

    The first :data:`DETAILED` values get their numbers in the reason; any further ones the bound
    and the inputs only, one reason per pattern.

    :param params: the names of the inputs the value was computed from; ``inputs`` their values
        in the same rows (none for a reported value).
    :param prefix: put before every reason (where a reported value was given).
    """
    unit_text = f" {unit}" if unit else ""
    above = values > upper
    exceeds = above & (inputs[0] > inputs[1]) if len(inputs) == 2 else np.zeros_like(above)
    codes = np.empty(values.size, np.int32)
    head = min(values.size, DETAILED)
    for i in range(head):
        given = tuple(float(column[i]) for column in inputs)
        text = _reason(float(values[i]), lower, upper, unit_text, params, given, bool(exceeds[i]))
        codes[i] = notes.code(prefix + text)
    if head < values.size:
        keys = above[head:].view(np.int8) * np.int8(2)
        keys += exceeds[head:].view(np.int8)
        table = np.zeros(4, np.int32)
        for key in np.flatnonzero(np.bincount(keys, minlength=4)).tolist():
            text = _reason(None, lower, upper, unit_text, params, None, bool(key & 1), key >= 2)
            table[key] = notes.code(prefix + text)
        codes[head:] = table[keys]
    return codes


def _reason(
    value: float | None,
    lower: float,
    upper: float,
    unit: str,
    params: Sequence[str],
    given: tuple[float, ...] | None,
    exceeds: bool,
    above: bool = False,
) -> str:
    """Why a value is out of bounds; without its number (``value`` ``None``) when ``above``
    says which bound it broke."""
    if value is not None:
        above = value > upper
        shown = f"{_number(value)}{unit}"
    else:
        shown = "the value"
    if above:
        what = f"{shown} is above the maximum {_number(upper)}{unit}"
    else:
        what = f"{shown} is below the minimum {_number(lower)}{unit}"
    if not params:
        return what
    names = list(params)
    if given is not None:
        names = [f"{p} ({_number(v)})" for p, v in zip(params, given, strict=True)]
    if exceeds:
        return f"{what}: {names[0]} exceeds {names[1]}; check both"
    return f"{what}: computed from {', '.join(names)}; check them"


def unusual(
    outputs: Sequence[Output], values: Sequence[Floats]
) -> list[tuple[Check, npt.NDArray[np.intp]]]:
    """The rows of each output whose value lies outside its usual range, as broken checks: each
    is a warning on the rows it names (values outside the bounds are already NaN)."""
    found: list[tuple[Check, npt.NDArray[np.intp]]] = []
    for output, column in zip(outputs, values, strict=True):
        usual = output.usual
        if usual is None:
            continue
        mask = outside(column, *usual)
        if mask is None or not mask.any():
            continue
        unit = f" {output.unit}" if output.unit else ""
        message = (
            f"{output.id} ({output.name}) is outside its usual range, {span(*usual)}{unit}: "
            "possible, but check its inputs"
        )
        ind = output.indicator
        chk = Check(message, ind.func, plugin=ind.plugin, inputs=(output.id,))
        found.append((chk, np.flatnonzero(mask)))
    return found
