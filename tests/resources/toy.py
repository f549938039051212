"""A small plugin covering every shape of indicator the engine must handle."""

from functools import partial

import numpy as np

from u4ssc.core import (
    DataItem,
    DataPoint,
    Kind,
    check,
    checks_in,
    data_items_in,
    hookimpl,
    indicator,
    indicators_in,
    per_100k,
    percent,
)

kpi = partial(indicator, dimension="Toy", subdimension="Toys", category="Things")

population = DataItem("population", "Population", "inhabitants", Kind.COUNT, "People.")
households = DataItem("households", "Households", "households", Kind.COUNT, "Households.")
households_online = DataItem(
    "households_online", "Households online", "households", Kind.COUNT, "Households online."
)
crimes = DataItem("crimes", "Crimes", "crimes", Kind.COUNT, "Reported crimes.")
no2 = DataItem(
    "no2", "NO2 annual mean", "µg/m³", Kind.AMOUNT, "NO2.", units={"ppb": 1.9, "ppm": 1900.0}
)
plan = DataItem("plan", "Plan adopted", "yes/no", Kind.YES_NO, "Whether a plan exists.")
trips_bus = DataItem("trips_bus", "Bus trips", "trips", Kind.COUNT, "Trips by bus.")
trips_bike = DataItem("trips_bike", "Bike trips", "trips", Kind.COUNT, "Trips by bike.")
trips = DataItem("trips", "Trips", "trips", Kind.COUNT, "All trips.")
fragile = DataItem("fragile", "Fragile", "things", Kind.MEASURE, "Breaks the formula at 13.")


@kpi("T: T: T: 1C", name="Online Households", unit="%", direction="higher")
def online_households(households_online, households):
    """Share of households online."""
    return percent(households_online, households)


@kpi("T: T: T: 2C", name="Crime Rate", unit="per 100 000", direction="lower")
def crime_rate(crimes, population):
    """Crimes per 100 000 inhabitants."""
    return per_100k(crimes, population)


@kpi("T: T: T: 3A", name="NO2", unit="µg/m³", direction="lower")
def nitrogen_dioxide(no2):
    """Annual mean NO2."""
    return no2


@kpi("T: T: T: 4A", name="Plan", unit="yes/no", direction="higher")
def has_plan(plan):
    """Whether a plan is adopted."""
    return plan


@kpi(
    "T: T: T: 5C",
    name="Mode Share",
    unit="%",
    direction="higher",
    points=(DataPoint("bus", "Bus"), DataPoint("bike", "Bike")),
)
def mode_share(trips_bus, trips_bike, trips):
    """Share of trips by bus and by bike."""
    return {"bus": percent(trips_bus, trips), "bike": percent(trips_bike, trips)}


@kpi("T: T: T: 6A", name="Online per crime", unit="ratio", direction="higher")
def online_per_crime(online_households, crime_rate):
    """An indicator built on two others."""
    return online_households / crime_rate


@kpi("T: T: T: 7A", name="Fragile", unit="things", direction="higher")
def fragile_value(fragile):
    """Raises for the value 13, as a buggy plugin formula might."""
    if np.any(fragile == 13):
        raise ValueError("unlucky number")
    return fragile


@check("Bus and bike shares exceed 100 %: check the trip counts.")
def shares_above_total(mode_share):
    """Flag rows where the two shares add up to more than 100."""
    return mode_share["bus"] + mode_share["bike"] > 100


@hookimpl
def u4ssc_data_items():
    """Declare the toy items."""
    import sys

    return data_items_in(sys.modules[__name__])


@hookimpl
def u4ssc_indicators():
    """Add the toy indicators."""
    import sys

    return indicators_in(sys.modules[__name__])


@hookimpl
def u4ssc_checks():
    """Add the toy check."""
    import sys

    return checks_in(sys.modules[__name__])
