"""A plugin whose formulas use every operation the spreadsheet tracer translates, plus two it
cannot translate: the workbook must compute the same numbers as the engine, in a spreadsheet."""

from functools import partial

import numpy as np

from u4ssc.core import (
    DataItem,
    DataPoint,
    Kind,
    Target,
    hookimpl,
    indicator,
    percent,
)

kpi = partial(indicator, dimension="Arithmetic", subdimension="Operations", category="Mixed")

a = DataItem("a", "A", "units", Kind.MEASURE, "Any number.")
b = DataItem("b", "B", "units", Kind.AMOUNT, "A non-negative number.")
c = DataItem("c", "C", "units", Kind.AMOUNT, "Another non-negative number.")
flag = DataItem("flag", "Flag", "yes/no", Kind.YES_NO, "Yes or no.")
share = DataItem("share", "Share", "%", Kind.PERCENT, "A percentage.")


@kpi("AR: OP: MX: 1C", name="Order", unit="units", direction="higher")
def order(a, b, c):
    """Subtractions and divisions keep their grouping: a - (b - c) / (b * c) - -a."""
    return a - (b - c) / (b * c) - -a


@kpi("AR: OP: MX: 2C", name="Powers", unit="units", direction="lower")
def powers(a, b):
    """Python's ** binds tighter than unary minus and groups to the right."""
    return -(b**2) + 2 ** (b / 10) ** 2 + abs(a) ** 0.5


@kpi("AR: OP: MX: 3A", name="Branches", unit="units", direction="approach")
def branches(a, b, c):
    """np.where, np.minimum and np.maximum, comparisons used as numbers."""
    return np.where(a > b, np.minimum(a, c), np.maximum(b, c)) + (a >= 0) * 1.5


@kpi(
    "AR: OP: MX: 4C",
    name="Points",
    unit="%",
    direction="higher",
    points=(DataPoint("ab", "A of B"), DataPoint("sq", "Root of C", unit="units")),
)
def point_pair(a, b, c):
    """Two data points: a share, and a root scaled by a numpy constant."""
    return {"ab": percent(a, b), "sq": np.sqrt(c) * np.float64(2.5) + np.log(b + 1)}


@kpi("AR: OP: MX: 5A", name="Built on others", unit="units", direction="higher")
def built_on_others(order, point_pair, share):
    """An indicator of indicators: a single value and a data point of a multi-value KPI."""
    return order / 100 + point_pair["sq"] * share / 100


@kpi("AR: OP: MX: 6C", name="Yes or no", unit="yes/no", direction="higher")
def yes_or_no(flag):
    """A yes/no value passed through."""
    return flag


@kpi("AR: OP: MX: 7A", name="Branching in Python", unit="units", direction="higher")
def branching_in_python(a):
    """Cannot be traced: Python decides on the value."""
    if a > 0:
        return a
    return -a


@kpi("AR: OP: MX: 8A", name="Floor", unit="units", direction="higher")
def floor(b):
    """Cannot be traced: numpy's floor is not among the functions the tracer maps."""
    return np.floor(b)


@hookimpl
def u4ssc_data_items():
    """Declare the items."""
    return [a, b, c, flag, share]


@hookimpl
def u4ssc_indicators():
    """Add the indicators, in catalogue order."""
    return [
        order,
        powers,
        branches,
        point_pair,
        built_on_others,
        yes_or_no,
        branching_in_python,
        floor,
    ]


@hookimpl
def u4ssc_targets():
    """Targets in every direction, so the workbook's % of target is checked for each."""
    return [
        Target("AR: OP: MX: 1C", 40.0, kind="local"),
        Target("AR: OP: MX: 2C", 20.0, kind="local"),
        Target("AR: OP: MX: 3A", 10.0, kind="local"),
        Target("AR: OP: MX: 4C: ab", 80.0, kind="local"),
        Target("AR: OP: MX: 4C: sq", 9.0, direction="lower", kind="local"),
        Target("AR: OP: MX: 5A", 1.0, kind="local"),
        Target("AR: OP: MX: 6C", 1.0, kind="local"),
    ]
