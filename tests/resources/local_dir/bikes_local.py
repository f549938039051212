"""A one-off local indicator file, as a city drops into --plugins-dir."""

from u4ssc.core import DataItem, Kind, hookimpl, indicator, per_100k

bike_racks = DataItem("bike_racks", "Bike racks", "racks", Kind.COUNT, "Public bike racks.")


@indicator(
    "LOCAL: BIKE: 1",
    name="Bike Racks",
    unit="per 100 000",
    dimension="Local",
    subdimension="Local",
    category="Mobility",
    direction="higher",
    tier="advanced",
)
def bike_racks_per_100k(bike_racks, population):
    """Public bike racks per 100 000 inhabitants."""
    return per_100k(bike_racks, population)


@hookimpl
def u4ssc_data_items():
    """Declare the racks."""
    return [bike_racks]


@hookimpl
def u4ssc_indicators():
    """Add the local indicator."""
    return [bike_racks_per_100k]
