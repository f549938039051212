"""Four identity indicators in one category, with targets of 100: % of target equals the value.

Used to reproduce the published roll-up examples exactly.
"""

from functools import partial

from u4ssc.core import DataItem, Kind, Target, hookimpl, indicator

kpi = partial(
    indicator,
    dimension="Society and Culture",
    subdimension="Education, Health and Culture",
    category="Education",
    unit="%",
    direction="higher",
)

ITEMS = [
    DataItem(f"e{i}", f"E{i}", "%", Kind.PERCENT, f"Education input {i}.") for i in range(1, 6)
]
ITEMS.append(DataItem("local_value", "Local", "%", Kind.PERCENT, "A city's own indicator input."))


@kpi("X: EH: ED: 1C", name="One")
def one(e1):
    """Identity."""
    return e1


@kpi("X: EH: ED: 2C", name="Two")
def two(e2):
    """Identity."""
    return e2


@kpi("X: EH: ED: 3C", name="Three")
def three(e3):
    """Identity."""
    return e3


@kpi("X: EH: ED: 4C", name="Four")
def four(e4):
    """Identity."""
    return e4


@kpi("X: EH: ED: 5A", name="Five (advanced)")
def five(e5):
    """Identity."""
    return e5


@indicator(
    "LOCAL: 1",
    name="Local",
    unit="%",
    dimension="Local",
    subdimension="Local",
    category="Local",
    direction="higher",
    tier="core",
)
def local(local_value):
    """A local indicator: its own branch."""
    return local_value


@hookimpl
def u4ssc_data_items():
    """The five inputs and the local one."""
    return ITEMS


@hookimpl
def u4ssc_indicators():
    """The five identity indicators and the local one."""
    return [one, two, three, four, five, local]


@hookimpl
def u4ssc_targets():
    """Targets of 100 for all, with a local kind for the local indicator."""
    found = [
        Target(f"X: EH: ED: {i}{'C' if i < 5 else 'A'}", 100.0, kind="reference")
        for i in range(1, 6)
    ]
    found.append(Target("LOCAL: 1", 100.0, kind="local", source="City council plan 2030"))
    return found
