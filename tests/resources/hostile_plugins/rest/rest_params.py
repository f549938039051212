"""An indicator that takes **rest, hoping to get every data item."""

from u4ssc.core import hookimpl, indicator


@indicator(
    "LOCAL: REST: 1",
    name="Everything",
    unit="x",
    dimension="Local",
    subdimension="Local",
    category="Misc",
    direction="higher",
    tier="advanced",
)
def everything(population, **rest):
    """Cannot work: u4ssc passes inputs by their parameter names."""
    return population


@hookimpl
def u4ssc_indicators():
    """Add it."""
    return [everything]
