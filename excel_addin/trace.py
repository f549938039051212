"""Spreadsheet formulas traced from the indicator functions themselves.

An indicator is a plain Python function of its inputs. Calling it with :class:`Expr` objects in
place of numbers records what it computes as spreadsheet formula text: ``percent(a, b)`` runs
``a / b * 100.0`` and yields ``a/b*100``. Nothing is parsed or evaluated from text; the function
runs exactly as the engine runs it, and numpy ufuncs it meets are mapped through
``__array_ufunc__``. Every operation keeps its operands in the order Python evaluates them, so a
spreadsheet computes the same floating-point operations.

A formula that branches on a value (``if x > 0:``), rounds, or calls a function with no spreadsheet
equivalent cannot be traced: :func:`translate` raises :class:`UntranslatableFormula` naming the
indicator and the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from u4ssc.core import ConfigurationError, Indicator

if TYPE_CHECKING:
    from u4ssc.core import Engine
    from u4ssc.core.catalogue import Output
    from u4ssc.core.evaluate import Step

__all__ = ["Expr", "UntranslatableFormula", "number_text", "trace_step", "translate"]

# Operator precedence, loosest first. Comparisons yield booleans (spreadsheet TRUE/FALSE).
_COMPARE, _ADD, _MUL, _NEG, _POW, _ATOM = range(6)
_LEVEL = {"+": _ADD, "-": _ADD, "*": _MUL, "/": _MUL, "^": _POW}
_COMPARISONS = {
    np.greater: ">",
    np.greater_equal: ">=",
    np.less: "<",
    np.less_equal: "<=",
    np.equal: "=",
    np.not_equal: "<>",
}
_BINARY_UFUNCS = {
    np.add: "+",
    np.subtract: "-",
    np.multiply: "*",
    np.divide: "/",
    np.power: "^",
}
_LOGICAL = {np.logical_and: "AND", np.logical_or: "OR", np.logical_not: "NOT"}
_FUNCTIONS = {
    np.absolute: "ABS",
    np.sqrt: "SQRT",
    np.exp: "EXP",
    np.log: "LN",
    np.log10: "LOG10",
    np.minimum: "MIN",
    np.maximum: "MAX",
}


class UntranslatableFormula(ConfigurationError):
    """An indicator's formula cannot be written as a spreadsheet formula."""


class Expr:
    """A value in a spreadsheet formula: a name, a cell reference, a number or an operation.

    Arithmetic, comparisons, ``abs`` and the numpy functions an indicator may use build new
    expressions; anything that needs the actual number (``if``, ``float()``, ``round``) raises.

    :ivar text: the formula text, without a leading ``=``.
    :ivar level: how tightly the text binds (decides where parentheses go).
    :ivar boolean: the value is TRUE/FALSE (a comparison), not a number.
    """

    __slots__ = ("boolean", "level", "text")
    __array_priority__ = 1000  # numpy defers to Expr in mixed arithmetic

    def __init__(self, text: str, level: int = _ATOM, boolean: bool = False) -> None:
        self.text = text
        self.level = level
        self.boolean = boolean

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    # -- arithmetic ------------------------------------------------------------------------------

    def __add__(self, other: object) -> Expr:
        return _binary("+", self, other)

    def __radd__(self, other: object) -> Expr:
        return _binary("+", other, self)

    def __sub__(self, other: object) -> Expr:
        return _binary("-", self, other)

    def __rsub__(self, other: object) -> Expr:
        return _binary("-", other, self)

    def __mul__(self, other: object) -> Expr:
        return _binary("*", self, other)

    def __rmul__(self, other: object) -> Expr:
        return _binary("*", other, self)

    def __truediv__(self, other: object) -> Expr:
        return _binary("/", self, other)

    def __rtruediv__(self, other: object) -> Expr:
        return _binary("/", other, self)

    def __pow__(self, other: object) -> Expr:
        return _binary("^", self, other)

    def __rpow__(self, other: object) -> Expr:
        return _binary("^", other, self)

    def __neg__(self) -> Expr:
        return Expr(f"-{_wrap(_numeric(self), _ATOM)}", _NEG)

    def __pos__(self) -> Expr:
        return self

    def __abs__(self) -> Expr:
        return _call("ABS", self)

    # -- comparisons -----------------------------------------------------------------------------

    def __lt__(self, other: object) -> Expr:
        return _compare("<", self, other)

    def __le__(self, other: object) -> Expr:
        return _compare("<=", self, other)

    def __gt__(self, other: object) -> Expr:
        return _compare(">", self, other)

    def __ge__(self, other: object) -> Expr:
        return _compare(">=", self, other)

    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return _compare("=", self, other)

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return _compare("<>", self, other)

    __hash__ = None  # type: ignore[assignment]

    # -- what cannot be traced -------------------------------------------------------------------

    def __bool__(self) -> bool:
        raise TypeError(
            "the formula decides on a value (if, and, or, min or max of values): "
            "write it with np.where, np.minimum or np.maximum"
        )

    def __float__(self) -> float:
        raise TypeError("the formula converts a value to a Python number")

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the formula turns a value into a numpy array")

    # -- numpy -----------------------------------------------------------------------------------

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Expr:
        if method != "__call__" or kwargs:
            raise TypeError(f"numpy {ufunc.__name__}.{method} has no spreadsheet equivalent")
        if ufunc in _BINARY_UFUNCS:
            return _binary(_BINARY_UFUNCS[ufunc], *inputs)
        if ufunc in _COMPARISONS:
            return _compare(_COMPARISONS[ufunc], *inputs)
        if ufunc is np.negative:
            return -_as_expr(inputs[0])
        if ufunc is np.positive:
            return _as_expr(inputs[0])
        if ufunc in _FUNCTIONS:
            return _call(_FUNCTIONS[ufunc], *inputs)
        if ufunc in _LOGICAL:
            texts = ",".join(_as_expr(a).text for a in inputs)
            return Expr(f"{_LOGICAL[ufunc]}({texts})", boolean=True)
        if ufunc is np.isnan:
            # A formula value is only used when every input is usable, so NaN can only come
            # from the arithmetic itself (0/0), which a spreadsheet turns into an error.
            return Expr(f"ISERROR({_as_expr(inputs[0]).text})", boolean=True)
        raise TypeError(f"numpy {ufunc.__name__} has no spreadsheet equivalent in u4ssc")

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Expr:
        if func is np.where and not kwargs and len(args) == 3:
            condition, yes, no = (_as_expr(a) for a in args)
            return Expr(f"IF({condition.text},{_numeric(yes).text},{_numeric(no).text})")
        raise TypeError(f"numpy {func.__name__} has no spreadsheet equivalent in u4ssc")


def number_text(value: float) -> str:
    """A number as spreadsheet formula text: ``100``, ``1.9``, ``1E-05``; NaN (a value that is
    missing) as ``NA()``, the error a spreadsheet propagates as numpy propagates NaN.

    :raises TypeError: the number is infinite (a spreadsheet has no infinity).
    """
    if math.isnan(value):
        return "NA()"
    if not math.isfinite(value):
        raise TypeError(f"the formula uses the number {value}, which a spreadsheet cannot hold")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).upper()


def _as_expr(value: object) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, (bool, np.bool_)):
        return Expr("TRUE" if value else "FALSE", _ATOM, boolean=True)
    if isinstance(value, Real):
        number = float(value)
        text = number_text(number)
        return Expr(text, _NEG if number < 0 else _ATOM)
    raise TypeError(f"the formula uses a {type(value).__name__}, which is not a number")


def _numeric(expr: Expr) -> Expr:
    """A comparison used as a number becomes 1 or 0, as numpy turns True into 1."""
    return Expr(f"IF({expr.text},1,0)") if expr.boolean else expr


def _wrap(expr: Expr, needed: int) -> str:
    """The text of ``expr``, in parentheses unless it binds at least as tightly as ``needed``."""
    return expr.text if expr.level >= needed else f"({expr.text})"


def _binary(op: str, left: object, right: object) -> Expr:
    a, b = _numeric(_as_expr(left)), _numeric(_as_expr(right))
    level = _LEVEL[op]
    if op == "^":  # Python's ** groups to the right, a spreadsheet's ^ to the left
        return Expr(f"{_wrap(a, _ATOM)}^{_wrap(b, _ATOM)}", _POW)
    # The left operand may be an operation of the same level (evaluated first anyway); the right
    # one is parenthesised unless it binds tighter, so the evaluation order never changes. A
    # negation is always parenthesised: a spreadsheet applies - before ^, Python after.
    left_text = _wrap(a, level) if a.level != _NEG else f"({a.text})"
    right_text = _wrap(b, level + 1) if b.level != _NEG else f"({b.text})"
    return Expr(f"{left_text}{op}{right_text}", level)


def _compare(op: str, left: object, right: object) -> Expr:
    a, b = _numeric(_as_expr(left)), _numeric(_as_expr(right))
    return Expr(f"{_wrap(a, _ADD)}{op}{_wrap(b, _ADD)}", _COMPARE, boolean=True)


def _call(name: str, *args: object) -> Expr:
    texts = ",".join(_numeric(_as_expr(a)).text for a in args)
    return Expr(f"{name}({texts})")


Argument = Expr | Mapping[str, Expr]


def translate(ind: Indicator, arguments: Mapping[str, Argument]) -> dict[str | None, str]:
    """Trace ``ind``'s formula into spreadsheet formula text, one per output.

    :param arguments: what each parameter of the formula stands for: an :class:`Expr` (a named
        cell or a reference), or for a multi-value KPI used as an input, a mapping of its point
        keys to expressions.
    :return: the formula text (without ``=``) of each output: key ``None`` for a single-value
        KPI, the data point keys for a multi-value one.
    :raises UntranslatableFormula: the formula cannot be written as a spreadsheet formula.
    """
    try:
        with np.errstate(all="ignore"):
            result = ind.func(**{name: arguments[name] for name in ind.inputs})
        if not ind.points:
            return {None: _final(result)}
        if not isinstance(result, Mapping):
            raise TypeError(f"it returned a {type(result).__name__}, not a mapping of data points")
        return {point.key: _final(result[point.key]) for point in ind.points}
    except Exception as error:  # a plugin's formula may fail in any way while traced
        raise UntranslatableFormula(
            f"{ind.code} ({ind.id}, plugin {ind.plugin or '?'}) cannot be written as a "
            f"spreadsheet formula: {error}"
        ) from error


def _final(value: object) -> str:
    return _numeric(_as_expr(value)).text


def trace_step(
    engine: Engine,
    step: Step,
    item: Callable[[str], str],
    output: Callable[[Output], str],
) -> dict[str | None, str]:
    """Trace the indicator of one step of ``engine``'s plan, each data item it reads written as
    ``item(name)`` and each KPI value it reads as ``output(the output)`` (a cell, a name, or
    words); see :func:`translate`.

    :raises UntranslatableFormula: the formula cannot be written as a spreadsheet formula.
    """
    arguments: dict[str, Argument] = {}
    for param, source, from_item in zip(step.params, step.sources, step.from_item, strict=True):
        if from_item:
            arguments[param] = Expr(item(source))
            continue
        upstream = engine.catalogue.indicators[source]
        refs = {
            (o.point.key if o.point else None): Expr(output(o))
            for o in engine.outputs
            if o.indicator.id == upstream.id
        }
        arguments[param] = refs.get(None, refs)
    return translate(step.indicator, arguments)
