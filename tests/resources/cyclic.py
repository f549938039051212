"""Two indicators that need each other."""

from u4ssc.core import hookimpl, indicator

kpi = indicator


@kpi(
    "C: C: C: 1C",
    name="Chicken",
    unit="x",
    dimension="D",
    subdimension="S",
    category="C",
    direction="higher",
)
def chicken(egg):
    """Needs egg."""
    return egg


@kpi(
    "C: C: C: 2C",
    name="Egg",
    unit="x",
    dimension="D",
    subdimension="S",
    category="C",
    direction="higher",
)
def egg(chicken):
    """Needs chicken."""
    return chicken


@hookimpl
def u4ssc_indicators():
    """Add the circle."""
    return [chicken, egg]
