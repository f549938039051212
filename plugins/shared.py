"""Data items that several U4SSC KPIs share: the denominators and totals.

They are declared once here and used by any plugin's indicators by naming them as parameters, so
a city's plugin that needs ``population`` just writes ``def my_kpi(..., population)``.
The list follows the ``shared_inputs`` column of the U4SSC catalogue.
"""

from __future__ import annotations

from u4ssc.core import DataItem, Kind, data_items_in, hookimpl

population = DataItem(
    "population", "City population", "inhabitants", Kind.COUNT,
    "Resident population of the city in the reporting year (census or population register).",
)
households = DataItem(
    "households", "City households", "households", Kind.COUNT,
    "Number of private households in the city (not inhabitants).",
)
city_area = DataItem(
    "city_area", "City area", "km²", Kind.AMOUNT,
    "Land area inside the city's administrative boundary, in square kilometres.",
)
adult_population = DataItem(
    "adult_population", "Adult population (15+)", "inhabitants", Kind.COUNT,
    "Inhabitants aged 15 years and over.",
)
school_age_population = DataItem(
    "school_age_population", "School-age population", "inhabitants", Kind.COUNT,
    "Inhabitants of official primary and secondary school age.",
)
preschool_children = DataItem(
    "preschool_children", "Pre-school-age children (0-3)", "children", Kind.COUNT,
    "Children aged 0 to 3 years living in the city.",
)
live_births = DataItem(
    "live_births", "Live births", "births per year", Kind.COUNT,
    "Live births to city residents during the reporting year.",
)
eligible_voters = DataItem(
    "eligible_voters", "Eligible voters", "voters", Kind.COUNT,
    "People registered or eligible to vote in the last municipal election.",
)
students_enrolled = DataItem(
    "students_enrolled", "Students enrolled", "students", Kind.COUNT,
    "Students enrolled in primary and secondary schools in the city (public and private).",
)
labour_force = DataItem(
    "labour_force", "Labour force", "people", Kind.COUNT,
    "People in the city's labour force, employed or unemployed (ILO definition).",
)
youth_labour_force = DataItem(
    "youth_labour_force", "Youth labour force (15-24)", "people", Kind.COUNT,
    "People aged 15 to 24 in the labour force, employed or unemployed.",
)
enterprises_total = DataItem(
    "enterprises_total", "Enterprises", "enterprises", Kind.COUNT,
    "Registered enterprises active in the city.",
)
city_gdp = DataItem(
    "city_gdp", "City GDP", "local currency per year", Kind.AMOUNT,
    "Gross domestic product of the city, in the same currency as the amounts compared with it.",
)
municipal_budget = DataItem(
    "municipal_budget", "Municipal expenditure", "local currency per year", Kind.AMOUNT,
    "Total expenditure of the city administration in the reporting year.",
)
electricity_meters_total = DataItem(
    "electricity_meters_total", "Electricity meters installed", "meters", Kind.COUNT,
    "All electricity meters installed in the city, smart or not.",
)
electricity_customers_total = DataItem(
    "electricity_customers_total", "Electricity customers", "customers", Kind.COUNT,
    "Customers served by the electricity distribution system.",
)
pt_stops_total = DataItem(
    "pt_stops_total", "Public transport stops and stations", "stops", Kind.COUNT,
    "All official public transport stops and stations in the city.",
)
commuters_total = DataItem(
    "commuters_total", "Commuters", "commuters", Kind.COUNT,
    "People travelling to work, by any mode (the base of the mode shares).",
)
passenger_vehicles_total = DataItem(
    "passenger_vehicles_total", "Registered passenger vehicles", "vehicles", Kind.COUNT,
    "Passenger vehicles registered in the city.",
)
public_building_floor_area = DataItem(
    "public_building_floor_area", "Public building floor area", "m²", Kind.AMOUNT,
    "Total floor area of buildings owned or used by the public sector.",
)
water_supplied_total = DataItem(
    "water_supplied_total", "Water supplied", "m³ per year", Kind.AMOUNT,
    "Water entering the distribution system in the year.",
)
water_consumed_total = DataItem(
    "water_consumed_total", "Water consumed", "m³ per year", Kind.AMOUNT,
    "Water consumed in the city in the year, all uses.",
)
wastewater_total = DataItem(
    "wastewater_total", "Wastewater generated", "m³ per year", Kind.AMOUNT,
    "Wastewater generated in the city in the year.",
)
solid_waste_total = DataItem(
    "solid_waste_total", "Solid waste generated", "tonnes per year", Kind.AMOUNT,
    "Municipal solid waste collected or generated in the year.",
)
energy_consumed_total = DataItem(
    "energy_consumed_total", "Final energy consumption", "MWh per year", Kind.AMOUNT,
    "Final energy consumed in the city in the year, all sources.",
)
food_supply_total = DataItem(
    "food_supply_total", "Food supplied to the city", "tonnes per year", Kind.AMOUNT,
    "Food supplied to the city in the year, from all origins.",
)


@hookimpl
def u4ssc_data_items() -> list[DataItem]:
    """Declare the shared data items."""
    import sys

    return data_items_in(sys.modules[__name__])
