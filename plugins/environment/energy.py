"""Environment — Energy: where the city's energy comes from and how much it uses.

One category, Energy: renewable share, electricity use, residential heating and cooling, and the
energy intensity of public buildings.
"""

from __future__ import annotations

from functools import partial

from u4ssc.core import DataItem, Kind, indicator, per_capita, percent, ratio

kpi = partial(indicator, dimension="Environment", subdimension="Energy")

# -- data items ------------------------------------------------------------------------------------

renewable_energy_consumed = DataItem(
    "renewable_energy_consumed", "Final energy consumed from renewable sources", "MWh per year",
    Kind.AMOUNT,
    "Part of the city's final energy consumption supplied by renewable sources (hydro, wind, "
    "solar, geothermal, sustainable biomass), including the renewable share of grid electricity "
    "and district heat.",
    units={"kWh per year": 0.001, "GWh per year": 1000.0},
)
electricity_consumed_total = DataItem(
    "electricity_consumed_total", "Electricity consumed", "kWh per year", Kind.AMOUNT,
    "Electricity used in the city in the year by all sectors (residential, commercial, "
    "industrial, public), from utility sales or metering.",
    units={"MWh per year": 1000.0, "GWh per year": 1e6},
)
residential_thermal_energy_consumed = DataItem(
    "residential_thermal_energy_consumed", "Residential thermal energy consumed", "GJ per year",
    Kind.AMOUNT,
    "Final energy used by homes in the year for space heating, cooling and hot water, all "
    "carriers (fuels, district heat, electricity for heat pumps or heaters).",
    units={"MWh per year": 3.6, "kWh per year": 0.0036},
)
public_building_energy_consumed = DataItem(
    "public_building_energy_consumed", "Energy consumed by public buildings", "ekWh per year",
    Kind.AMOUNT,
    "Energy used in the year by buildings owned or used by the public sector, all carriers "
    "converted to equivalent kilowatt-hours.",
    units={"MWh per year": 1000.0, "GJ per year": 1000.0 / 3.6},
)

# -- Energy ----------------------------------------------------------------------------------------


@kpi("EN: E: E: 1C", name="Renewable Energy Consumption", category="Energy", unit="%",
     direction="higher")
def renewable_energy_consumption(renewable_energy_consumed, energy_consumed_total):
    """Share of the city's final energy consumption that comes from renewable sources.

    Choice: Renewable Energy Consumption is final energy consumed from renewable sources ÷ all
    final energy consumed in the city × 100 (both in MWh per year), the share-of-final-consumption
    reading of SDG indicator 7.2.1; the formula page was not retrieved. Higher is better.
    """
    return percent(renewable_energy_consumed, energy_consumed_total)


@kpi("EN: E: E: 2C", name="Electricity Consumption", category="Energy",
     unit="kWh/yr per capita", direction="lower")
def electricity_consumption(electricity_consumed_total, population):
    """Electricity used in the city in a year, all sectors, in kilowatt-hours per inhabitant.

    Choice: Electricity Consumption divides the city's total yearly electricity use, all sectors
    (residential, commercial, industrial, public), by population, in kWh per year, as in ISO
    37120's total electrical energy use per capita; the unit comes from the U4SSC development
    code list. Lower is better.
    """
    return per_capita(electricity_consumed_total, population)


@kpi("EN: E: E: 3C", name="Residential Thermal Energy Consumption", category="Energy",
     unit="GJ/yr per capita", direction="lower")
def residential_thermal_energy_consumption(residential_thermal_energy_consumed, population):
    """Energy homes use in a year for heating, cooling and hot water, in gigajoules per inhabitant.

    Choice: Residential Thermal Energy Consumption is the final energy used by residential
    buildings for space heating, cooling and hot water (all carriers) in GJ per year ÷
    population; the unit comes from the U4SSC development code list, the formula page was not
    retrieved. Lower is better.
    """
    return per_capita(residential_thermal_energy_consumed, population)


@kpi("EN: E: E: 4A", name="Public Building Energy Consumption", category="Energy",
     unit="ekWh/m²/yr", direction="lower")
def public_building_energy_consumption(public_building_energy_consumed, public_building_floor_area):
    """Energy used by public buildings in a year for every square metre of their floor area.

    Choice: Public Building Energy Consumption is the yearly energy use of public buildings, all
    carriers in equivalent kWh, ÷ their total floor area in m², as in ISO 37120's energy
    consumption of public buildings; the unit comes from the U4SSC development code list. Lower
    is better.
    """
    return ratio(public_building_energy_consumed, public_building_floor_area)
