"""A city whose statistics office counts online households against population."""

from u4ssc.core import hookimpl, indicator, percent


@indicator(
    "T: T: T: 1C",
    name="Online Households (local definition)",
    unit="%",
    dimension="Toy",
    subdimension="Toys",
    category="Things",
    direction="higher",
    tier="core",
    replaces=True,
)
def online_households_local(households_online, population):
    """Households online per inhabitant, as the local office defines it."""
    return percent(households_online, population)


@hookimpl
def u4ssc_indicators():
    """Replace toy's formula."""
    return [online_households_local]
