"""The formula parser: a whitelist over Python's syntax tree, compiled to numpy, never executed.

The fuzz tests feed it random text and token soup: nothing may run (an audit hook watches for
imports, file access, ``exec`` and process creation while the parser and the compiled formula
work), and nothing may escape but the parser's documented :class:`FormulaError`.
"""

from __future__ import annotations

import inspect
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from u4ssc.core import ConfigurationError, FormulaError, indicator
from u4ssc.core.expressions import (
    MAX_LENGTH,
    formula_function,
    formula_of,
    parse_formula,
)

NAN = np.nan


def compute(text: str, **values: object) -> np.ndarray:
    return np.asarray(parse_formula(text)({k: np.asarray(v, float) for k, v in values.items()}))


# -- what formulas compute ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a + b * 2", [7.0, 13.0]),
        ("(a + b) * 2", [8.0, 16.0]),
        ("a / b - 1", [-2 / 3, -0.4]),
        ("-a + +b", [2.0, 2.0]),
        ("min(a, b, 2)", [1.0, 2.0]),
        ("max(a, b)", [3.0, 5.0]),
        ("abs(a - b)", [2.0, 2.0]),
        ("a < b", [1.0, 1.0]),
        ("a >= 2", [0.0, 1.0]),
        ("a == 1 or b == 5", [1.0, 1.0]),
        ("a == 1 and b == 5", [0.0, 0.0]),
        ("not a == 1", [0.0, 1.0]),
        ("0 < a <= 2", [1.0, 0.0]),
        ("where(a > 2, a, b * 10)", [30.0, 3.0]),
        ("1e3 * a", [1000.0, 3000.0]),
    ],
)
def test_formulas_compute_element_wise(text, expected):
    assert compute(text, a=[1.0, 3.0], b=[3.0, 5.0]) == pytest.approx(expected)


def test_names_are_listed_in_order_of_first_use_with_their_position():
    formula = parse_formula("where(b > 0, a / b, a) + c")
    assert formula.names == ("b", "a", "c")
    assert formula.offsets == (6, 13, 25)


def test_missing_values_stay_missing_through_conditions():
    # A city that did not report the input of a condition is not scored on a guess.
    values = compute("where(a > 0, 1, 2)", a=[5.0, -1.0, NAN])
    assert values[:2] == pytest.approx([1.0, 2.0])
    assert np.isnan(values[2])
    assert np.isnan(compute("a < 1 or b < 1", a=[NAN], b=[0.0])).all()
    assert np.isnan(compute("not a", a=[NAN])).all()
    assert np.isnan(compute("min(a, 1)", a=[NAN])).all()


def test_division_by_zero_gives_a_non_finite_number_not_an_exception():
    values = compute("a / b", a=[1.0, 0.0], b=[0.0, 0.0])
    assert np.isinf(values[0])
    assert np.isnan(values[1])
    assert np.isinf(compute("1 / 0"))


def test_formula_function_is_a_real_indicator_function():
    formula = parse_formula("households_with_internet / households * 100")
    func = formula_function("internet_at_home", formula, "Share of households online.")
    assert func.__name__ == "internet_at_home"
    assert list(inspect.signature(func).parameters) == ["households_with_internet", "households"]
    assert func(50.0, 200.0) == pytest.approx(25.0)
    assert func(households=200.0, households_with_internet=50.0) == pytest.approx(25.0)
    with pytest.raises(TypeError):
        func(50.0)  # a missing argument is a Python error, as for any function
    decorated = indicator(
        "LOCAL: X: 1",
        name="Internet at home",
        unit="%",
        dimension="Local",
        subdimension="Local",
        category="Local",
        direction="higher",
        tier="core",
    )(func)
    ind = decorated.__u4ssc_indicator__
    assert ind.inputs == ("households_with_internet", "households")
    assert ind.definition == "Share of households online."
    assert formula_of(decorated) is formula
    assert formula_of(len) is None


# -- what formulas may not contain ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("__import__('os')", "unknown function '__import__'", 0),
        ("__import__('os').system('ls')", "attribute access", 0),
        ("population.__class__", "attribute access", 0),
        ("a + os.system", "attribute access", 4),
        ("lambda: 1", "lambda functions are not allowed", 0),
        ("(lambda x: x)(1)", "lambda functions are not allowed", 1),
        ("(1)(2)", "only the functions min, max, abs, where can be called", 0),
        ("[x for x in a]", "comprehensions are not allowed", 0),
        ("sum(x for x in a)", "unknown function 'sum'", 0),
        ("min((x for x in a), 1)", "comprehensions are not allowed", 4),
        ("{x: 1 for x in a}", "comprehensions are not allowed", 0),
        ("{x for x in a}", "comprehensions are not allowed", 0),
        ("a[0]", "indexing with [...] is not allowed", 0),
        ("a ** 2", "the operator ** is not supported", 0),
        ("a // 2", "the operator // is not supported", 0),
        ("a % 2", "the operator % is not supported", 0),
        ("a if b else c", "write where(condition, a, b)", 0),
        ("'text'", "text is not allowed", 0),
        ("f'{a}'", "text (f-strings) is not allowed", 0),
        ("True", "True is not allowed", 0),
        ("None", "None is not allowed", 0),
        ("1j", "1j is not allowed", 0),
        ("[a, b]", "List is not allowed", 0),
        ("(a, b)", "Tuple is not allowed", 0),
        ("a is b", "the operator is is not supported", 0),
        ("exec('1')", "unknown function 'exec'", 0),
        ("eval('1')", "unknown function 'eval'", 0),
        ("open('x')", "unknown function 'open'", 0),
        ("min(a)", "min() got 1 argument(s)", 0),
        ("where(a, b)", "where() got 2 argument(s)", 0),
        ("max(a, b=1)", "max() takes no named arguments", 0),
        ("min(*a)", "* before an argument is not allowed", 4),
        ("_secret + 1", "names may not start with _", 0),
        ("where + 1", "where is a function", 0),
        ("1e999", "is too big", 0),
        ("import os", "not a valid formula", 0),
        ("a = 1", "not a valid formula", None),
        ("(a := 1)", "assignments (:=) are not allowed", 1),
        ("a; b", "not a valid formula", 1),
        ("a +", "not a valid formula", None),
        ("", "the formula is empty", None),
    ],
)
def test_anything_outside_the_whitelist_is_rejected_precisely(text, message, offset):
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    (problem,) = caught.value.problems
    assert message in problem.message
    if offset is not None:
        assert problem.offset == offset
    assert problem.formula == text.strip()


def test_formula_error_is_a_configuration_error_with_its_place():
    with pytest.raises(FormulaError) as caught:
        parse_formula("a + b.real")
    error = caught.value
    assert isinstance(error, ConfigurationError)
    assert error.exit_code == 3
    assert str(error) == (
        "attribute access (a dot after a name) is not allowed (at character 5 of 'a + b.real')"
    )


def test_oversized_and_deeply_nested_formulas_are_refused_without_recursing():
    with pytest.raises(FormulaError, match="longer than"):
        parse_formula("a + " * MAX_LENGTH + "a")
    with pytest.raises(FormulaError, match="nested more than"):
        parse_formula("+".join(["a"] * 400))
    with pytest.raises(FormulaError, match="not a valid formula"):
        parse_formula("(" * 300 + "a" + ")" * 300)
    with pytest.raises(FormulaError, match="not a valid formula"):
        parse_formula("a\x00b")


# -- fuzzing ---------------------------------------------------------------------------------------

#: Audit events seen while a fuzz example runs (``compile`` is ast.parse building a tree).
_EVENTS: list[str] = []
_WATCHING = [False]


def _audit(event: str, _args: tuple[object, ...]) -> None:
    if _WATCHING[0] and event != "compile":
        _EVENTS.append(event)


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only records while watching

TOKENS = [
    *("population", "households", "a", "b", "1", "2.5", "0", "1e3", "1e999", "1_000", "0x1F"),
    *("+", "-", "*", "/", "(", ")", ",", "<", "<=", "==", "!=", ">", "and", "or", "not"),
    *("min", "max", "abs", "where", "__import__", "'os'", '"sh"', ".", "system", "lambda"),
    *(":", "for", "in", "if", "else", "[", "]", "{", "}", "**", "//", "%", "@", "~", "^", "|"),
    *("&", ":=", "=", ";", "import", "os", "exec", "eval", "open", "compile", "globals"),
    *("__class__", "__subclasses__", "__builtins__", "yield", "await", "f'{a}'", "b'x'"),
    *("...", "None", "True", "\\", "#", "\n", "\t", "1j", "*", "**a", "del", "assert", "\x00"),
]

random_text = st.text(max_size=120)
token_soup = st.lists(st.sampled_from(TOKENS), max_size=30)
formulas = st.one_of(random_text, token_soup.map(" ".join), token_soup.map("".join))


def _parse_and_run(text: str) -> None:
    """Parse ``text``; if it is a formula, compute it on a missing value, a zero and a one."""
    try:
        formula = parse_formula(text)
    except FormulaError:
        return
    values = {name: np.array([1.0, 0.0, NAN]) for name in formula.names}
    result = np.asarray(formula(values), dtype=float)
    assert result.shape in ((), (3,))


# Warm numpy up so that lazy imports of its own do not count as the formula's doing.
_parse_and_run("where(a > 0, min(a, 1), abs(-a)) / 2 == 1 and not a")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas)
def test_fuzz_nothing_runs_and_only_formula_errors_escape(text):
    _EVENTS.clear()
    _WATCHING[0] = True
    try:
        _parse_and_run(text)  # any exception but FormulaError fails the test
    finally:
        _WATCHING[0] = False
    assert _EVENTS == [], f"{text!r} caused {sorted(set(_EVENTS))}"


def test_the_audit_hook_would_see_code_being_run():
    """The fuzz test's watch is real: importing, reading a file and running code are all seen."""
    sys.modules.pop("colorsys", None)
    _EVENTS.clear()
    _WATCHING[0] = True
    try:
        __import__("colorsys")
    finally:
        _WATCHING[0] = False
    assert {"import", "open", "exec"} <= set(_EVENTS)
