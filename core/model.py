"""The declarations plugins make: raw data items, indicators and their data points.

Everything here is plain data with no numpy or pandas import, so a plugin module can be imported
(and the CLI can list plugins) without paying for the numerical stack.

An indicator is an ordinary function. Its parameter names are its inputs (raw data items or other
indicators, by name), its body is the formula on numpy values, its docstring is the definition.
The :func:`indicator` decorator attaches the metadata and returns the function unchanged, so the
function can still be called directly, on one city or on whole columns::

    @indicator(
        "EC: ICT: ICT: 1C",
        name="Household Internet Access",
        unit="%",
        dimension="Economy",
        subdimension="ICT",
        category="ICT Infrastructure",
        direction="higher",
    )
    def household_internet_access(households_with_internet, households):
        '''Share of households with Internet access over any fixed or mobile network.'''
        return percent(households_with_internet, households)
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import ModuleType
from typing import Any, TypeVar

__all__ = [
    "Bounds",
    "Check",
    "DataItem",
    "DataPoint",
    "Direction",
    "Indicator",
    "Kind",
    "Tier",
    "canonical_key",
    "check",
    "checks_in",
    "data_items_in",
    "indicator",
    "indicators_in",
    "unit_bounds",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute under which :func:`indicator` stores an :class:`Indicator` on the decorated function.
INDICATOR_ATTRIBUTE = "__u4ssc_indicator__"

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
#: The last segment of a U4SSC-style code: a number and C (core) or A (advanced).
_TIER_SUFFIX = re.compile(r":\s*\d+([CA])$", re.IGNORECASE)


def canonical_key(text: str) -> str:
    """Return the spacing- and case-insensitive form of a code, id or name.

    ``"EC: ICT: ICT: 1C"``, ``"ec:ict:ict:1c"`` and ``"ECICTICT1C"`` share one key, so users can
    type codes the way they are printed anywhere.
    """
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def parameter_names(func: Callable[..., Any], what: str) -> tuple[str, ...]:
    """The names of ``func``'s parameters: each names one input, passed by that name.

    :raises TypeError: a parameter is ``*args``, ``**kwargs`` or positional-only: u4ssc cannot
        tell which inputs it wants, or cannot pass them by name.
    """
    names = []
    for parameter in inspect.signature(func).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            stars = "*" if parameter.kind is parameter.VAR_POSITIONAL else "**"
            raise TypeError(
                f"{what} ({func.__name__}) takes {stars}{parameter.name}, but u4ssc passes each "
                "input by the name of its own parameter: replace "
                f"{stars}{parameter.name} with one named parameter per data item or indicator "
                "it uses"
            )
        if parameter.kind is parameter.POSITIONAL_ONLY:
            raise TypeError(
                f"{what} ({func.__name__}) has the positional-only parameter {parameter.name!r}, "
                "but u4ssc passes each input by name: remove the / from its parameters"
            )
        names.append(parameter.name)
    return tuple(names)


class Kind(StrEnum):
    """What a raw data item measures; it sets the default bounds and how cells are read."""

    COUNT = "count"
    """A number of things (households, patents, crimes): zero or more."""
    AMOUNT = "amount"
    """A non-negative quantity with a unit (km, m², kWh, money)."""
    PERCENT = "percent"
    """A share between 0 and 100 %."""
    RATIO = "ratio"
    """A non-negative ratio or index."""
    YES_NO = "yes/no"
    """Yes or no; stored as 1 or 0."""
    MEASURE = "measure"
    """A measured value with no natural bounds (for example a temperature)."""


_KIND_BOUNDS: dict[Kind, tuple[float, float]] = {
    Kind.COUNT: (0.0, math.inf),
    Kind.AMOUNT: (0.0, math.inf),
    Kind.PERCENT: (0.0, 100.0),
    Kind.RATIO: (0.0, math.inf),
    Kind.YES_NO: (0.0, 1.0),
    Kind.MEASURE: (-math.inf, math.inf),
}


#: Bounds as declared: (lowest, highest), ``None`` on a side without a bound.
Bounds = tuple[float | None, float | None]

_INDEX_0_1 = re.compile(r"\b0\s*(?:-|–|to)\s*1\b")


def unit_bounds(unit: str) -> tuple[float, float]:
    """The bounds a value in ``unit`` has unless its indicator declares others.

    A percentage (``%``, ``% of city GDP``) is a share of a whole: 0 to 100. A yes/no value is 0
    or 1, an index whose unit says ``0-1`` (the Gini coefficient) 0 to 1. Any other unit (counts,
    rates per 100 000, amounts per capita, minutes, ratios, concentrations) is never negative.
    A value without a unit has no bounds.
    """
    text = unit.strip().lower()
    if not text:
        return (-math.inf, math.inf)
    if text in ("yes/no", "yes or no") or _INDEX_0_1.search(text):
        return (0.0, 1.0)
    if text.startswith("%"):
        return (0.0, 100.0)
    return (0.0, math.inf)


def resolve_bounds(given: Bounds | None, unit: str, what: str) -> tuple[float, float]:
    """``given`` with ``None`` as an open side, or the bounds of ``unit``; checked.

    :raises ValueError: a bound is not a number, or the lower one is above the upper one.
    """
    if given is None:
        return unit_bounds(unit)
    try:
        low, high = given
        lower = -math.inf if low is None else float(low)
        upper = math.inf if high is None else float(high)
    except (TypeError, ValueError):
        raise ValueError(
            f"{what}: bounds must be a pair (lowest, highest) of numbers or None, got {given!r}"
        ) from None
    if math.isnan(lower) or math.isnan(upper) or lower > upper:
        raise ValueError(
            f"{what}: bounds {given!r} are not a range: give (lowest, highest) with lowest <= "
            "highest, None for an open side"
        )
    return (lower, upper)


class Tier(StrEnum):
    """U4SSC splits KPIs into core ones every city reports and advanced ones."""

    CORE = "core"
    ADVANCED = "advanced"


class Direction(StrEnum):
    """Which way a value improves; it decides how % of target is computed."""

    HIGHER = "higher"
    """Higher is better (value ÷ target)."""
    LOWER = "lower"
    """Lower is better (target ÷ value)."""
    APPROACH = "approach"
    """Best at the target, worse on either side (min ÷ max)."""
    NONE = "none"
    """No agreed direction: reported, never benchmarked."""


@dataclass(frozen=True, slots=True)
class DataItem:
    """A raw data item a city reports, such as ``population`` or ``households``.

    :param name: identifier used as a column name and as an indicator parameter name.
    :param title: short human title, as on a data-collection form.
    :param unit: the unit values are stored in.
    :param kind: what the item measures; sets the default bounds.
    :param description: one line a statistician understands: what to count and where it comes from.
    :param minimum: smallest valid value (defaults from ``kind``).
    :param maximum: largest valid value (defaults from ``kind``).
    :param units: other units accepted on input, each with the factor that converts it to ``unit``
        (for example ``{"ppb": 1.9}`` for NO2 in µg/m³).
    :param plugin: the plugin that declared the item (set by the engine).
    """

    name: str
    title: str
    unit: str
    kind: Kind
    description: str
    minimum: float | None = None
    maximum: float | None = None
    units: Mapping[str, float] = field(default_factory=dict)
    plugin: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        low, high = _KIND_BOUNDS[self.kind]
        if self.minimum is None:
            object.__setattr__(self, "minimum", low)
        if self.maximum is None:
            object.__setattr__(self, "maximum", high)
        object.__setattr__(self, "units", dict(self.units))

    @property
    def lower(self) -> float:
        """The effective lower bound."""
        assert self.minimum is not None
        return self.minimum

    @property
    def upper(self) -> float:
        """The effective upper bound."""
        assert self.maximum is not None
        return self.maximum

    def violation(self, value: float) -> str | None:
        """Return why ``value`` is out of bounds, or ``None`` when it is within them.

        The single-record check and the batch validator both word their messages with this.
        """
        if value < self.lower:
            return f"{_fmt(value)} is below the minimum {_fmt(self.lower)} {self.unit}".rstrip()
        if value > self.upper:
            return f"{_fmt(value)} is above the maximum {_fmt(self.upper)} {self.unit}".rstrip()
        return None


def _fmt(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True, slots=True)
class DataPoint:
    """One separately reported and scored value of a multi-value KPI (e.g. PM2.5 of Air Pollution).

    :param key: short key, unique within the KPI; the formula returns a mapping keyed by it.
    :param name: human name.
    :param unit: unit, when it differs from the KPI's.
    :param direction: direction, when it differs from the KPI's.
    :param bounds: the range its value must lie in, when it differs from the KPI's (see
        :func:`indicator`); by default the bounds of its own unit, if it has one, else the KPI's.
    :param usual: the range its value usually lies in, when it differs from the KPI's.
    """

    key: str
    name: str
    unit: str | None = None
    direction: Direction | None = None
    bounds: Bounds | None = None
    usual: Bounds | None = None

    def __post_init__(self) -> None:
        if self.direction is not None:
            object.__setattr__(self, "direction", Direction(self.direction))
        what = f"data point {self.key!r}"
        if self.bounds is not None or self.unit is not None:
            object.__setattr__(self, "bounds", resolve_bounds(self.bounds, self.unit or "", what))
        if self.usual is not None:
            object.__setattr__(self, "usual", resolve_bounds(self.usual, "", what))


@dataclass(frozen=True, slots=True)
class Indicator:
    """Metadata of an indicator function; built by :func:`indicator`."""

    code: str
    name: str
    unit: str
    dimension: str
    subdimension: str
    category: str
    tier: Tier
    direction: Direction
    func: Callable[..., Any]
    sdg: tuple[str, ...] = ()
    points: tuple[DataPoint, ...] = ()
    kpi_class: str = ""
    replaces: bool = False
    plugin: str = ""
    #: Names of what the formula needs: the function's parameter names, in order (read from the
    #: signature when not given).
    inputs: tuple[str, ...] = ()
    #: The range every value must lie in, ``(lowest, highest)`` (infinite for an open side); a
    #: value outside it is invalid, never scored. By default the bounds of the unit.
    bounds: Bounds | None = None
    #: The range values usually lie in, inside ``bounds``; a value outside it is kept and scored,
    #: with a warning on its row. ``None``: no such range.
    usual: Bounds | None = None

    def __post_init__(self) -> None:
        if not self.inputs:
            object.__setattr__(self, "inputs", parameter_names(self.func, f"indicator {self.code}"))
        what = f"indicator {self.code}"
        object.__setattr__(self, "bounds", resolve_bounds(self.bounds, self.unit, what))
        if self.usual is not None:
            object.__setattr__(self, "usual", resolve_bounds(self.usual, "", what))

    @property
    def id(self) -> str:
        """The Python name of the function; other indicators use it as a parameter name."""
        return str(self.func.__name__)

    @property
    def definition(self) -> str:
        """The docstring: what the indicator measures and any methodological choice."""
        return inspect.cleandoc(self.func.__doc__ or "")

    def point_id(self, point: DataPoint) -> str:
        """Return the public id of a data point: the KPI code, a colon, the point key."""
        return f"{self.code}: {point.key}"


def indicator(
    code: str,
    *,
    name: str,
    unit: str,
    dimension: str,
    subdimension: str,
    category: str,
    direction: Direction | str,
    tier: Tier | str | None = None,
    sdg: Iterable[str] = (),
    points: Iterable[DataPoint] = (),
    kpi_class: str = "",
    replaces: bool = False,
    bounds: Bounds | None = None,
    usual: Bounds | None = None,
) -> Callable[[F], F]:
    """Declare a function as an indicator and return it unchanged, with metadata attached.

    :param code: the KPI code, e.g. ``"EC: ICT: ICT: 1C"``; a local indicator may use any code.
    :param tier: ``core`` or ``advanced``; read from the code's last letter (C/A) when omitted.
    :param points: the data points of a multi-value KPI; the function then returns a mapping from
        each point key to its values.
    :param replaces: this indicator deliberately replaces another plugin's indicator with the same
        code (a city whose statistics office defines a formula differently). Without it, two
        definitions of one code are an error.
    :param bounds: ``(lowest, highest)``, ``None`` for an open side: a computed or reported value
        outside them is ``invalid``, with a reason naming the value, the bound and the inputs,
        and is never scored. By default from the unit: ``%`` 0 to 100, ``yes/no`` and an index
        ``0-1`` 0 to 1, any other unit 0 or more, no unit none (:func:`unit_bounds`). Declare
        ``bounds=(None, None)`` for a value that may be negative.
    :param usual: ``(lowest, highest)``: where values usually lie, for a KPI whose values may
        legitimately leave it (gross school enrolment above 100 %); a value outside it is scored,
        with a warning on its row.
    """

    def decorate(func: F) -> F:
        setattr(
            func,
            INDICATOR_ATTRIBUTE,
            Indicator(
                code=code,
                name=name,
                unit=unit,
                dimension=dimension,
                subdimension=subdimension,
                category=category,
                tier=Tier(tier) if tier is not None else _tier_from_code(code),
                direction=Direction(direction),
                func=func,
                sdg=tuple(sdg),
                points=tuple(points),
                kpi_class=kpi_class,
                replaces=replaces,
                bounds=bounds,
                usual=usual,
            ),
        )
        return func

    return decorate


def tier_of_code(code: str) -> Tier | None:
    """The tier a U4SSC-style code ends with (``…: 1C`` core, ``…: 2A`` advanced), or ``None``."""
    match = _TIER_SUFFIX.search(code.strip())
    if match is None:
        return None
    return Tier.CORE if match.group(1).upper() == "C" else Tier.ADVANCED


def _tier_from_code(code: str) -> Tier:
    tier = tier_of_code(code)
    if tier is None:
        raise ValueError(
            f"cannot tell the tier of {code!r} from its code: pass tier='core' or tier='advanced'"
        )
    return tier


def indicator_of(obj: object) -> Indicator | None:
    """Return the :class:`Indicator` attached to ``obj``, or ``None`` if it is not an indicator."""
    found = getattr(obj, INDICATOR_ATTRIBUTE, None)
    return found if isinstance(found, Indicator) else None


def indicators_in(*modules: ModuleType) -> list[Callable[..., Any]]:
    """Return the indicator functions defined in ``modules``, in definition order.

    A plugin's ``u4ssc_indicators`` hook usually returns ``indicators_in(module_a, module_b)``.
    """
    return [
        obj
        for module in modules
        for obj in vars(module).values()
        if indicator_of(obj) is not None and getattr(obj, "__module__", None) == module.__name__
    ]


def data_items_in(*modules: ModuleType) -> list[DataItem]:
    """Return the :class:`DataItem` objects bound at the top level of ``modules``, in order."""
    return [obj for module in modules for obj in vars(module).values() if isinstance(obj, DataItem)]


def is_identifier(name: str) -> bool:
    """Whether ``name`` is a valid data item or indicator name (lower-case snake case)."""
    return bool(_IDENTIFIER.match(name))


#: Attribute under which :func:`check` stores a :class:`Check` on the decorated function.
CHECK_ATTRIBUTE = "__u4ssc_check__"


@dataclass(frozen=True, slots=True)
class Check:
    """A consistency rule across indicators or data items; built by :func:`check`."""

    message: str
    func: Callable[..., Any]
    plugin: str = ""
    #: Indicator ids or data item names the rule reads (its parameter names).
    inputs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.inputs:
            object.__setattr__(self, "inputs", parameter_names(self.func, "check"))

    @property
    def id(self) -> str:
        """The Python name of the check function."""
        return str(self.func.__name__)


def check(message: str) -> Callable[[F], F]:
    """Declare a consistency rule; the function returns ``True`` where the rule is broken.

    The engine calls it with the values of the indicators (or data items) its parameters name, a
    mapping of point key to values for a multi-value KPI, and attaches ``message`` as a warning to
    every affected row. Rows where an input is missing are never flagged.
    """

    def decorate(func: F) -> F:
        setattr(func, CHECK_ATTRIBUTE, Check(message=message, func=func))
        return func

    return decorate


def check_of(obj: object) -> Check | None:
    """Return the :class:`Check` attached to ``obj``, or ``None``."""
    found = getattr(obj, CHECK_ATTRIBUTE, None)
    return found if isinstance(found, Check) else None


def checks_in(*modules: ModuleType) -> list[Callable[..., Any]]:
    """Return the check functions defined in ``modules``, in definition order."""
    return [
        obj
        for module in modules
        for obj in vars(module).values()
        if check_of(obj) is not None and getattr(obj, "__module__", None) == module.__name__
    ]
