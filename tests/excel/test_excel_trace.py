"""Spreadsheet formulas traced from indicator functions: the text keeps Python's evaluation
order, maps numpy functions, and refuses what a spreadsheet cannot do."""

from __future__ import annotations

import numpy as np
import pytest

from u4ssc.core import DataPoint, default_engine, indicator, per_100k, percent
from u4ssc.core.catalogue import Catalogue
from u4ssc.core.model import indicator_of
from u4ssc.excel_addin.trace import Expr, UntranslatableFormula, number_text, translate

a, b, c = Expr("a"), Expr("b"), Expr("c")


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        (lambda: percent(a, b), "a/b*100"),
        (lambda: per_100k(a, b), "a/(b/100000)"),
        (lambda: a - b - c, "a-b-c"),
        (lambda: a - (b - c), "a-(b-c)"),
        (lambda: a + (b + c), "a+(b+c)"),
        (lambda: a / (b * c), "a/(b*c)"),
        (lambda: a * b / c, "a*b/c"),
        (lambda: (a + b) * c, "(a+b)*c"),
        (lambda: -a * b, "(-a)*b"),
        (lambda: a * -b, "a*(-b)"),
        (lambda: -(a**2), "-(a^2)"),
        (lambda: a**b**c, "a^(b^c)"),
        (lambda: (a**b) ** c, "(a^b)^c"),
        (lambda: 2 * a + 0.5, "2*a+0.5"),
        (lambda: 1 - a, "1-a"),
        (lambda: a / -4, "a/(-4)"),
        (lambda: abs(a - b), "ABS(a-b)"),
        (lambda: a > b, "a>b"),
        (lambda: (a > b) * 2, "IF(a>b,1,0)*2"),
        (lambda: a + 1 == b, "a+1=b"),
        (lambda: a != b, "a<>b"),
    ],
)
def test_operations_keep_python_s_order(expression, text):
    assert expression().text == text


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        (lambda: np.float64(2.5) * a, "2.5*a"),
        (lambda: np.int64(3) + a, "3+a"),
        (lambda: np.sqrt(a), "SQRT(a)"),
        (lambda: np.exp(a) + np.log(b) + np.log10(c), "EXP(a)+LN(b)+LOG10(c)"),
        (lambda: np.minimum(a, np.maximum(b, 0)), "MIN(a,MAX(b,0))"),
        (lambda: np.abs(a), "ABS(a)"),
        (lambda: np.where(a > 0, a, -a), "IF(a>0,a,-a)"),
        (lambda: np.where(a, 1, 0), "IF(a,1,0)"),
        (lambda: np.negative(a), "-a"),
        (lambda: np.power(a, 2), "a^2"),
        (lambda: np.greater(a, b), "a>b"),
        (lambda: np.logical_and(a > 0, np.logical_not(b)), "AND(a>0,NOT(b))"),
        (lambda: np.logical_or(np.isnan(a), b), "OR(ISERROR(a),b)"),
        (lambda: np.where(np.isnan(a), np.nan, b), "IF(ISERROR(a),NA(),b)"),
    ],
)
def test_numpy_functions_map_to_spreadsheet_functions(expression, text):
    assert expression().text == text


def test_numbers_are_written_exactly():
    assert number_text(100.0) == "100"
    assert number_text(1.9) == "1.9"
    assert number_text(1e-05) == "1E-05"
    assert number_text(0.1 + 0.2) == "0.30000000000000004"
    assert number_text(float("nan")) == "NA()"
    with pytest.raises(TypeError, match="cannot hold"):
        number_text(float("inf"))


def _indicator(func, points=()):
    decorated = indicator(
        "T: T: T: 1C",
        name="T",
        unit="u",
        dimension="D",
        subdimension="S",
        category="C",
        direction="higher",
        points=points,
    )(func)
    found = indicator_of(decorated)
    assert found is not None
    return found


def test_translate_traces_single_and_multi_value_indicators():
    def share(part, whole):
        return percent(part, whole)

    assert translate(_indicator(share), {"part": a, "whole": b}) == {None: "a/b*100"}

    def pair(part, whole):
        return {"x": percent(part, whole), "y": 7}

    points = (DataPoint("x", "X"), DataPoint("y", "Y"))
    assert translate(_indicator(pair, points), {"part": a, "whole": b}) == {
        "x": "a/b*100",
        "y": "7",
    }

    def built_on(upstream):
        return upstream["x"] * 2

    assert translate(_indicator(built_on), {"upstream": {"x": a}}) == {None: "a*2"}

    def boolean(part, whole):
        return part > whole

    assert translate(_indicator(boolean), {"part": a, "whole": b}) == {None: "IF(a>b,1,0)"}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (lambda v: v if v > 0 else -v, "decides on a value"),
        (lambda v: round(v, 1), "__round__"),
        (lambda v: v // 2, "unsupported operand"),
        (lambda v: float(v), "converts a value to a Python number"),
        (lambda v: np.asarray(v) * 2, "turns a value into a numpy array"),
        (lambda v: np.floor(v), "numpy floor has no spreadsheet equivalent"),
        (lambda v: np.sum(v), "numpy sum has no spreadsheet equivalent"),
        (lambda v: v * float("inf"), "cannot hold"),
        (lambda v: {"x": v}, "dict"),
        (lambda v: "text", "str, which is not a number"),
    ],
)
def test_what_a_spreadsheet_cannot_do_is_refused_with_the_reason(body, reason):
    def formula(value):
        return body(value)

    with pytest.raises(UntranslatableFormula) as caught:
        translate(_indicator(formula), {"value": a})
    assert "T: T: T: 1C (formula, plugin ?) cannot be written as a spreadsheet formula" in str(
        caught.value
    )
    assert reason in str(caught.value)


def test_every_built_in_kpi_has_a_spreadsheet_formula():
    engine = default_engine()
    catalogue: Catalogue = engine.catalogue
    for step in engine.plan.steps:
        arguments = {p: Expr(s) for p, s in zip(step.params, step.sources, strict=True)}
        found = translate(step.indicator, arguments)
        assert set(found) == set(step.keys)
        for text in found.values():
            assert text
            assert set(text) <= set("abcdefghijklmnopqrstuvwxyz0123456789_.()*/+-^")
    assert len(catalogue.indicators) == len(engine.plan.steps)
