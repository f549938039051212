"""Formulas as text: a whitelist parser that turns an arithmetic expression into a numpy function.

An indicator table (see :mod:`.indicator_tables`) gives each indicator's formula as text, such as
``where(households > 0, households_with_internet / households * 100, 0)``. This module reads such
text with Python's own parser (:func:`ast.parse`, which only builds a syntax tree and never runs
anything), accepts only the node types listed below, and compiles the tree into nested Python
closures that compute on numpy arrays. User text is never passed to ``eval``, ``exec`` or
``compile`` into code: anything outside the whitelist is a :class:`FormulaError`.

The grammar:

* numbers (``12``, ``0.5``, ``1e3``) and names of data items or indicators (``population``);
* ``+ - * /``, unary ``-`` and ``+``, parentheses;
* comparisons ``< <= > >= == !=`` (chains like ``0 < x <= 100`` too), ``and``, ``or``, ``not``;
* the functions ``min(a, b, ...)``, ``max(a, b, ...)``, ``abs(a)`` and ``where(cond, a, b)``,
  all element-wise (one value per city and year).

A comparison gives 1 (true) or 0 (false). Missing values stay missing: a comparison, ``and``,
``or``, ``not`` or ``where`` whose condition reads a missing value gives a missing value, so a
city that did not report an input is never scored on a guess. Division by zero gives an infinite
or undefined number, which the engine reports as an ``error`` naming the zero input, as for a
Python formula.
"""

from __future__ import annotations

import ast
import inspect
import operator
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import numpy as np

from .errors import FormulaError, FormulaProblem

__all__ = [
    "FORMULA_ATTRIBUTE",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Formula",
    "formula_function",
    "formula_of",
    "parse_formula",
]

#: The longest formula accepted, in characters.
MAX_LENGTH = 2000
#: The deepest nesting of operations accepted.
MAX_DEPTH = 100
#: Numbers at least this large are refused (they would not fit a float).
_TOO_BIG = 1e308
#: Attribute under which :func:`formula_function` stores the :class:`Formula` on its function.
FORMULA_ATTRIBUTE = "__u4ssc_formula__"

Env = Mapping[str, Any]
Compiled = Callable[[Env], Any]


def _nan_where(invalid: Any, values: Any) -> Any:
    """``values`` as floats, missing (NaN) wherever ``invalid`` is true.

    ``np.where`` with NaN already gives floats (True as 1.0); no conversion of ``values`` is
    needed, which lets the data-collection workbook trace these formulas like any other.
    """
    return np.where(invalid, np.nan, values)


def _missing(*values: Any) -> Any:
    return reduce(np.logical_or, (np.isnan(v) for v in values))


def _comparison(test: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def compare(a: Any, b: Any) -> Any:
        return _nan_where(_missing(a, b), test(a, b))

    return compare


def _and(a: Any, b: Any) -> Any:
    return _nan_where(_missing(a, b), np.logical_and(a != 0, b != 0))


def _or(a: Any, b: Any) -> Any:
    return _nan_where(_missing(a, b), np.logical_or(a != 0, b != 0))


def _not(a: Any) -> Any:
    return _nan_where(np.isnan(a), a == 0)


def _where(condition: Any, if_true: Any, if_false: Any) -> Any:
    chosen = np.where(condition != 0, if_true, if_false)
    return _nan_where(np.isnan(condition), chosen)


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: np.negative,
    ast.UAdd: np.positive,
    ast.Not: _not,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: _comparison(operator.lt),
    ast.LtE: _comparison(operator.le),
    ast.Gt: _comparison(operator.gt),
    ast.GtE: _comparison(operator.ge),
    ast.Eq: _comparison(operator.eq),
    ast.NotEq: _comparison(operator.ne),
}
_BOOL: dict[type[ast.boolop], Callable[[Any, Any], Any]] = {ast.And: _and, ast.Or: _or}


@dataclass(frozen=True)
class _Function:
    """A function a formula may call: its implementation and how many arguments it takes."""

    call: Callable[..., Any]
    least: int
    most: int | None
    usage: str


#: The functions a formula may call, all element-wise.
FUNCTIONS: dict[str, _Function] = {
    "min": _Function(lambda *a: reduce(np.minimum, a), 2, None, "min(a, b, ...)"),
    "max": _Function(lambda *a: reduce(np.maximum, a), 2, None, "max(a, b, ...)"),
    "abs": _Function(np.abs, 1, 1, "abs(a)"),
    "where": _Function(_where, 3, 3, "where(condition, value_if_true, value_if_false)"),
}

_ALLOWED_FUNCTIONS = ", ".join(FUNCTIONS)

_OPERATOR_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}

#: Plain words for the constructs people most often try, with what to write instead.
_REJECTED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (a dot after a name) is not allowed",
    ast.Subscript: "indexing with [...] is not allowed",
    ast.Lambda: "lambda functions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.IfExp: "'a if condition else b' is not supported: write where(condition, a, b)",
    ast.NamedExpr: "assignments (:=) are not allowed",
    ast.JoinedStr: "text (f-strings) is not allowed: formulas work on numbers",
    ast.Starred: "* before an argument is not allowed",
}


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, the names it reads and the compiled evaluator.

    Call it with a mapping of name to value (numbers or numpy arrays) to compute it::

        formula = parse_formula("households_with_internet / households * 100")
        formula.names                        # ('households_with_internet', 'households')
        formula({"households_with_internet": 812.0, "households": 1000.0})   # 81.2

    :ivar text: the formula as written.
    :ivar names: the data item or indicator names it reads, in order of first appearance.
    :ivar offsets: where each name first appears in ``text`` (0-based), aligned with ``names``.
    :ivar origin: where the formula was written, e.g. ``local.csv, row 3`` (empty if unknown).
    """

    text: str
    names: tuple[str, ...]
    offsets: tuple[int, ...]
    _run: Compiled = field(repr=False, compare=False)
    origin: str = ""

    def __call__(self, values: Env) -> Any:
        """Compute the formula on ``values`` (every name in :attr:`names` must be present)."""
        with np.errstate(all="ignore"):
            return self._run(values)


def parse_formula(text: str) -> Formula:
    """Parse ``text`` with the whitelist grammar and compile it; nothing in it is executed.

    :raises FormulaError: the text is empty, too long or too deeply nested, is not valid syntax,
        or uses anything outside the grammar (attribute access, indexing, lambdas,
        comprehensions, unknown functions, text, ...). The error has exactly one problem, whose
        ``offset`` points at the offending part.
    """
    if not isinstance(text, str):
        raise _error(f"a formula must be text, not {type(text).__name__}", "")
    stripped = text.strip()
    if not stripped:
        raise _error("the formula is empty", text)
    if len(stripped) > MAX_LENGTH:
        raise _error(f"the formula is longer than {MAX_LENGTH} characters", stripped)
    tree = _syntax_tree(stripped)
    _check_depth(tree, stripped)
    compiler = _Compiler(stripped)
    run = compiler.compile(tree.body)
    return Formula(stripped, tuple(compiler.names), tuple(compiler.names.values()), run)


def _error(message: str, formula: str, offset: int | None = None, **extra: Any) -> FormulaError:
    return FormulaError([FormulaProblem(message, formula, offset, **extra)])


def _syntax_tree(text: str) -> ast.Expression:
    """Python's parser in expression mode: builds a tree, runs nothing."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences in a string literal
            return ast.parse(text, mode="eval")
    except SyntaxError as error:
        offset = (error.offset - 1) if error.offset and error.lineno == 1 else None
        reason = (error.msg or "invalid syntax").removesuffix(" (<unknown>)")
        raise _error(f"not a valid formula: {reason}", text, offset) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        raise _error(f"not a valid formula: {error}", text) from None


def _check_depth(tree: ast.AST, text: str) -> None:
    """Refuse deeply nested formulas before anything recurses over them."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _error(
                f"the formula is nested more than {MAX_DEPTH} levels deep: split it into "
                "several indicators",
                text,
                getattr(node, "col_offset", None),
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Compiler:
    """Walks the syntax tree once, rejecting what is not whitelisted and building closures."""

    def __init__(self, text: str) -> None:
        self.text = text
        #: Each name read, with the offset of its first appearance.
        self.names: dict[str, int] = {}
        #: The whitelist: the only node types a formula may contain, each with its compiler.
        self.handlers: dict[type[ast.AST], Callable[[Any], Compiled]] = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.BinOp: self._binary,
            ast.UnaryOp: self._unary,
            ast.BoolOp: self._boolean,
            ast.Compare: self._compare,
            ast.Call: self._call,
        }

    def fail(self, node: ast.AST, message: str) -> FormulaError:
        return _error(message, self.text, getattr(node, "col_offset", None))

    def compile(self, node: ast.AST) -> Compiled:
        """Return a function of the name→value mapping that computes ``node``."""
        handler = self.handlers.get(type(node))
        if handler is None:
            raise self.fail(node, self._rejection(node))
        return handler(node)

    def _rejection(self, node: ast.AST) -> str:
        for kind, message in _REJECTED.items():
            if isinstance(node, kind):
                return message
        name = type(node).__name__
        return f"{name} is not allowed in a formula: use numbers, names, + - * /, comparisons " + (
            f"and the functions {_ALLOWED_FUNCTIONS}"
        )

    def _operator(self, node: ast.AST, op: ast.AST, table: Mapping[type[Any], Any]) -> Any:
        found = table.get(type(op))
        if found is None:
            symbol = _OPERATOR_SYMBOLS.get(type(op), type(op).__name__)
            hint = " (write x * x for a square)" if isinstance(op, ast.Pow) else ""
            raise self.fail(
                node,
                f"the operator {symbol} is not supported: formulas use + - * /, comparisons, "
                f"and, or, not{hint}",
            )
        return found

    # -- whitelisted nodes -------------------------------------------------------------------

    def _constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "text" if isinstance(value, str | bytes) else repr(value)
            raise self.fail(node, f"{kind} is not allowed in a formula: only numbers are")
        number = np.float64(value) if abs(value) < _TOO_BIG else np.float64(np.inf)
        if not np.isfinite(number):
            raise self.fail(
                node, f"the number {ast.get_source_segment(self.text, node)} is too big"
            )
        return lambda env: number

    def _name(self, node: ast.Name) -> Compiled:
        name = node.id
        if name.startswith("_"):
            raise self.fail(node, f"the name {name!r} is not allowed: names may not start with _")
        if name in FUNCTIONS:
            raise self.fail(node, f"{name} is a function: call it, as in {FUNCTIONS[name].usage}")
        self.names.setdefault(name, node.col_offset)
        return lambda env: env[name]

    def _binary(self, node: ast.BinOp) -> Compiled:
        op = self._operator(node, node.op, _BINARY)
        left, right = self.compile(node.left), self.compile(node.right)
        return lambda env: op(left(env), right(env))

    def _unary(self, node: ast.UnaryOp) -> Compiled:
        op = self._operator(node, node.op, _UNARY)
        operand = self.compile(node.operand)
        return lambda env: op(operand(env))

    def _boolean(self, node: ast.BoolOp) -> Compiled:
        op = self._operator(node, node.op, _BOOL)
        parts = [self.compile(value) for value in node.values]
        return lambda env: reduce(op, (part(env) for part in parts))

    def _compare(self, node: ast.Compare) -> Compiled:
        tests = [self._operator(node, op, _COMPARE) for op in node.ops]
        operands = [self.compile(node.left), *(self.compile(c) for c in node.comparators)]

        def chain(env: Env) -> Any:
            values = [operand(env) for operand in operands]
            pairs = zip(tests, values, values[1:], strict=False)
            return reduce(_and, (test(a, b) for test, a, b in pairs))

        return chain

    def _call(self, node: ast.Call) -> Compiled:
        if not isinstance(node.func, ast.Name):
            self.compile(node.func)  # says what is wrong with it: a dot, a lambda, ...
            raise self.fail(
                node, f"only the functions {_ALLOWED_FUNCTIONS} can be called, by their plain name"
            )
        name = node.func.id
        function = FUNCTIONS.get(name)
        if function is None:
            hint = ""
            if name.lower() in FUNCTIONS:
                hint = (
                    f"; write {name.lower()} in lower case (Excel capitalises it in a cell typed "
                    "with =: enter the formula as text)"
                )
            raise self.fail(
                node, f"unknown function {name!r}: formulas may call {_ALLOWED_FUNCTIONS}{hint}"
            )
        if node.keywords:
            raise self.fail(node, f"{name}() takes no named arguments: write {function.usage}")
        arguments = [self.compile(arg) for arg in node.args]
        count = len(arguments)
        if count < function.least or (function.most is not None and count > function.most):
            raise self.fail(node, f"{name}() got {count} argument(s): write {function.usage}")
        call = function.call
        return lambda env: call(*(argument(env) for argument in arguments))


def formula_function(name: str, formula: Formula, doc: str = "") -> Callable[..., Any]:
    """Return a plain function named ``name`` computing ``formula``, its parameters its names.

    The function has a real signature (``inspect.signature`` shows one parameter per name the
    formula reads), so :func:`u4ssc.core.indicator` turns it into an indicator exactly like a
    hand-written one: the graph, ``explain`` and the engine cannot tell the difference. It accepts
    its arguments by position or by name. The formula is kept under :data:`FORMULA_ATTRIBUTE`.
    """
    signature = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in formula.names]
    )

    def compute(*args: Any, **kwargs: Any) -> Any:
        return formula(signature.bind(*args, **kwargs).arguments)

    compute.__name__ = compute.__qualname__ = name
    compute.__doc__ = doc or f"Computed by the formula {formula.text}."
    compute.__signature__ = signature  # type: ignore[attr-defined]
    setattr(compute, FORMULA_ATTRIBUTE, formula)
    return compute


def formula_of(func: object) -> Formula | None:
    """The :class:`Formula` behind a function made by :func:`formula_function`, else ``None``."""
    found = getattr(func, FORMULA_ATTRIBUTE, None)
    return found if isinstance(found, Formula) else None
