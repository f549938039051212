"""Indicators with every direction and some shared inputs, for trends and coverage tests.

- ``P: 1`` higher is better, target 60 (value = ``up``).
- ``P: 2`` lower is better, target 10 (value = ``down``).
- ``P: 3`` approach from both sides, target 1 (value = ``ratio``).
- ``P: 4`` higher is better, no target (value = ``free``).
- ``P: 5`` needs ``a`` and ``b`` (a + b), target 100.
- ``P: 6`` needs ``a``, ``b`` and ``c`` (a + b + c), no target.
- ``P: 7`` needs ``c`` only, target 100.
"""

from functools import partial

from u4ssc.core import DataItem, Kind, Target, hookimpl, indicator

kpi = partial(
    indicator,
    dimension="Environment",
    subdimension="Environment",
    category="Progress",
    unit="",
    tier="core",
    direction="higher",
)

ITEMS = [
    DataItem(name, name, "", Kind.AMOUNT, f"Input {name}.")
    for name in ("up", "down", "ratio", "free", "a", "b", "c")
]


@kpi("P: 1", name="Up")
def p1(up):
    """Identity."""
    return up


@kpi("P: 2", name="Down", direction="lower")
def p2(down):
    """Identity."""
    return down


@kpi("P: 3", name="Ratio", direction="approach")
def p3(ratio):
    """Identity."""
    return ratio


@kpi("P: 4", name="Free")
def p4(free):
    """Identity."""
    return free


@kpi("P: 5", name="A and B")
def p5(a, b):
    """Sum."""
    return a + b


@kpi("P: 6", name="A, B and C")
def p6(a, b, c):
    """Sum."""
    return a + b + c


@kpi("P: 7", name="C")
def p7(c):
    """Identity."""
    return c


@hookimpl
def u4ssc_data_items():
    """The inputs."""
    return ITEMS


@hookimpl
def u4ssc_indicators():
    """The seven indicators."""
    return [p1, p2, p3, p4, p5, p6, p7]


@hookimpl
def u4ssc_targets():
    """Targets of P: 1, 2, 3, 5 and 7."""
    return [
        Target("P: 1", 60.0, kind="reference", source="test"),
        Target("P: 2", 10.0, kind="reference", source="test"),
        Target("P: 3", 1.0, kind="reference", source="test"),
        Target("P: 5", 100.0, kind="reference", source="test"),
        Target("P: 7", 100.0, kind="reference", source="test"),
    ]
