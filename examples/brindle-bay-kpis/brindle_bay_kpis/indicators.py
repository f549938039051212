"""Brindle Bay's local indicators, and its own definition of one U4SSC KPI.

Each indicator is a plain function: its parameters are its inputs (the city's own data items, or
official ones such as ``population``), its docstring is its definition, and the decorator gives
its code, unit, dimension and direction. Any dimension other than the three U4SSC ones makes a
local indicator: it is scored against its local target and rolls up in its own dimension.
"""

from __future__ import annotations

from functools import partial

from u4ssc.core import indicator, percent

local = partial(indicator, dimension="Local", subdimension="Brindle Bay", tier="core")

LITRES_PER_M3 = 1000.0
DAYS_PER_YEAR = 365.0


@local("BB: COAST: 1", name="Excellent Bathing Water", unit="%", category="Coast",
       direction="higher", sdg=["14.1"])
def excellent_bathing_water(bathing_water_samples_excellent, bathing_water_samples):
    """Share of the season's bathing water samples rated excellent."""
    return percent(bathing_water_samples_excellent, bathing_water_samples)


@local("BB: COAST: 2", name="Households at Flood Risk", unit="%", category="Coast",
       direction="lower", sdg=["11.5", "13.1"])
def households_at_flood_risk(households_in_flood_zone, households):
    """Share of households living in the 1-in-100-year storm-surge flood zone."""
    return percent(households_in_flood_zone, households)


@local("BB: MOB: 1", name="Ferry Use", unit="trips per inhabitant per year", category="Mobility",
       direction="higher")
def ferry_use(ferry_passenger_trips, population):
    """Harbour ferry passenger trips per inhabitant per year."""
    return ferry_passenger_trips / population


@indicator("EN: EN: WS: 2C", name="Water Consumption", unit="litres per capita per day",
           dimension="Environment", subdimension="Environment", category="Water and Sanitation",
           direction="lower", kpi_class="Sustainable", replaces=True)
def water_consumption_resident_equivalent(
    water_consumed_total, population, tourist_overnight_stays
):
    """Water consumed in the city, all uses, in litres per resident-equivalent per day.

    Choice: Brindle Bay's statistics office divides by residents plus tourist overnight stays
    ÷ 365 (each 365 nights count as one resident), because visitors use the same water supply;
    the U4SSC formula divides by residents only. ``replaces=True`` makes the replacement
    explicit: it shows in ``u4ssc plugins``, in ``u4ssc explain`` and in every run manifest.
    """
    resident_equivalents = population + tourist_overnight_stays / DAYS_PER_YEAR
    return water_consumed_total * LITRES_PER_M3 / DAYS_PER_YEAR / resident_equivalents
