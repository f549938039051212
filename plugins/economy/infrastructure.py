"""Economy — Infrastructure: water, waste, electricity, transport, buildings and urban planning.

Categories: Water and Sanitation, Waste, Electricity Supply, Transport, Buildings and Urban
Planning. The consistency rules that read only these KPIs (potable against basic water supply,
mode shares summing to 100 %) are declared at the end.
"""

from __future__ import annotations

from functools import partial

from u4ssc.core import (
    DataItem,
    DataPoint,
    Direction,
    Kind,
    check,
    indicator,
    per_100k,
    percent,
    ratio,
    shares_off_100,
)

kpi = partial(indicator, dimension="Economy", subdimension="Infrastructure")

# -- data items ------------------------------------------------------------------------------------

households_basic_water = DataItem(
    "households_basic_water", "Households with basic water supply", "households", Kind.COUNT,
    "Households whose drinking water comes from an improved source within a 30-minute round "
    "trip (at least a basic service, WHO/UNICEF JMP ladder).",
)
households_potable_water = DataItem(
    "households_potable_water", "Households with safely managed drinking water", "households",
    Kind.COUNT,
    "Households whose drinking water comes from an improved source on the premises, available "
    "when needed and free of contamination (safely managed service, WHO/UNICEF JMP ladder).",
)
water_lost_in_distribution = DataItem(
    "water_lost_in_distribution", "Water lost in distribution", "m³ per year", Kind.AMOUNT,
    "Water that enters the distribution system in the year but does not reach authorised "
    "consumers (leaks, bursts, overflows, theft and metering losses).",
)
households_wastewater_collection = DataItem(
    "households_wastewater_collection", "Households connected to wastewater collection",
    "households", Kind.COUNT,
    "Households connected to a sewer or served by a regular collection service for their "
    "wastewater.",
)
households_basic_sanitation = DataItem(
    "households_basic_sanitation", "Households with basic sanitation", "households", Kind.COUNT,
    "Households with an improved toilet not shared with other households (flush or pour-flush, "
    "ventilated improved pit or slab latrine, composting toilet).",
)
households_waste_collection = DataItem(
    "households_waste_collection", "Households with regular solid waste collection",
    "households", Kind.COUNT,
    "Households whose municipal solid waste is collected at least weekly, door to door or from "
    "a nearby collection point.",
)
customer_interruptions = DataItem(
    "customer_interruptions", "Customer interruptions", "customer interruptions per year",
    Kind.COUNT,
    "Sum over all sustained electricity outages in the last 12 months of the number of customers "
    "each outage cut off.",
)
customer_interruption_minutes = DataItem(
    "customer_interruption_minutes", "Customer interruption duration", "customer minutes per year",
    Kind.AMOUNT,
    "Sum over all sustained electricity outages in the last 12 months of each outage's duration "
    "times the number of customers it cut off.",
    units={"customer hours per year": 60.0},
)
households_authorised_electricity = DataItem(
    "households_authorised_electricity", "Households with an authorised electricity connection",
    "households", Kind.COUNT,
    "Households legally connected to the electricity grid (own meter or authorised supply).",
)
pt_network_length = DataItem(
    "pt_network_length", "Public transport network length", "km", Kind.AMOUNT,
    "Route length of all public transport lines (rail, metro, tram, bus, ferry), each stretch of "
    "street or track counted once however many lines use it.",
)
population_near_pt_stop = DataItem(
    "population_near_pt_stop", "Inhabitants within 0.5 km of a public transport stop",
    "inhabitants", Kind.COUNT,
    "Inhabitants living within 0.5 km of an official public transport stop (GIS analysis).",
)
bicycle_path_length = DataItem(
    "bicycle_path_length", "Bicycle paths and lanes", "km", Kind.AMOUNT,
    "Length of dedicated bicycle paths and on-street bicycle lanes.",
)
commuters_private_vehicles = DataItem(
    "commuters_private_vehicles", "Commuters by private vehicle", "commuters", Kind.COUNT,
    "People whose main mode of travel to work is a private car, van or motorcycle.",
)
commuters_public_transport = DataItem(
    "commuters_public_transport", "Commuters by public transport", "commuters", Kind.COUNT,
    "People whose main mode of travel to work is public transport.",
)
commuters_walking = DataItem(
    "commuters_walking", "Commuters on foot", "commuters", Kind.COUNT,
    "People who mainly walk to work.",
)
commuters_cycling = DataItem(
    "commuters_cycling", "Commuters by bicycle", "commuters", Kind.COUNT,
    "People who mainly cycle to work.",
)
commuters_para_transport = DataItem(
    "commuters_para_transport", "Commuters by para-transport", "commuters", Kind.COUNT,
    "People whose main mode of travel to work is para-transport (informal shared taxis, "
    "minibuses, motorcycle taxis, rickshaws).",
)
peak_travel_time = DataItem(
    "peak_travel_time", "Peak-period travel time", "min", Kind.AMOUNT,
    "Average travel time over the city's reference trips in the peak periods.",
    units={"h": 60.0, "s": 1 / 60},
)
free_flow_travel_time = DataItem(
    "free_flow_travel_time", "Free-flow travel time", "min", Kind.AMOUNT,
    "Average travel time over the same reference trips in free-flow (uncongested) conditions.",
    units={"h": 60.0, "s": 1 / 60},
)
shared_bicycles_available = DataItem(
    "shared_bicycles_available", "Shared bicycles available", "bicycles", Kind.COUNT,
    "Bicycles available to the public in bike-sharing schemes operating in the city.",
)
shared_vehicles_available = DataItem(
    "shared_vehicles_available", "Shared vehicles available", "vehicles", Kind.COUNT,
    "Cars available to the public in car-sharing schemes operating in the city.",
)
low_carbon_passenger_vehicles = DataItem(
    "low_carbon_passenger_vehicles", "Low-carbon emission passenger vehicles", "vehicles",
    Kind.COUNT,
    "Registered passenger vehicles that are battery-electric, plug-in hybrid, hybrid or "
    "fuel-cell vehicles.",
)
certified_public_floor_area = DataItem(
    "certified_public_floor_area", "Certified public building floor area", "m²", Kind.AMOUNT,
    "Floor area of public buildings holding a recognised sustainability certification for "
    "their operation (e.g. BREEAM In-Use, LEED O+M).",
)
bms_public_floor_area = DataItem(
    "bms_public_floor_area", "Public floor area with integrated building management", "m²",
    Kind.AMOUNT,
    "Floor area of public buildings run by an integrated ICT building management system.",
)
pedestrian_zone_area = DataItem(
    "pedestrian_zone_area", "Pedestrian / car-free zones", "km²", Kind.AMOUNT,
    "Area of the city designated as pedestrian or car-free zones.",
    units={"m²": 1e-6, "ha": 0.01},
)
urban_plan_compact = DataItem(
    "urban_plan_compact", "Urban plan is compact", "yes/no", Kind.YES_NO,
    "1 if the city's urban plans provide for compact development, 0 if not.",
)
urban_plan_connected = DataItem(
    "urban_plan_connected", "Urban plan is connected", "yes/no", Kind.YES_NO,
    "1 if the city's urban plans provide for connected development, 0 if not.",
)
urban_plan_integrated = DataItem(
    "urban_plan_integrated", "Urban plan is integrated", "yes/no", Kind.YES_NO,
    "1 if the city's urban plans integrate land use, transport and services, 0 if not.",
)
urban_plan_inclusive = DataItem(
    "urban_plan_inclusive", "Urban plan is inclusive", "yes/no", Kind.YES_NO,
    "1 if the city's urban plans provide for socially inclusive development, 0 if not.",
)
urban_plan_resilient = DataItem(
    "urban_plan_resilient", "Urban plan is resilient", "yes/no", Kind.YES_NO,
    "1 if the city's urban plans provide for resilience to climate change, 0 if not.",
)

# -- Water and Sanitation --------------------------------------------------------------------------


@kpi("EC: I: WS: 1C", name="Basic Water Supply", category="Water and Sanitation", unit="%",
     direction="higher")
def basic_water_supply(households_basic_water, households):
    """Share of the city's households with at least a basic drinking-water supply.

    Choice: Basic Water Supply is households with at least a basic drinking-water service (the
    WHO/UNICEF JMP "basic" rung) divided by all households, times 100; households, not
    inhabitants, are the base, as for the other U4SSC water and sanitation KPIs. Higher is better.
    """
    return percent(households_basic_water, households)


@kpi("EC: I: WS: 2C", name="Potable Water Supply", category="Water and Sanitation", unit="%",
     direction="higher", sdg=("SDG 6.1.1",))
def potable_water_supply(households_potable_water, households):
    """Share of the city's households with a safely managed (potable) drinking-water service.

    Choice: Potable Water Supply is households with a safely managed drinking-water service (SDG
    indicator 6.1.1, the top rung of the WHO/UNICEF JMP ladder) divided by all households, times
    100. It can never exceed Basic Water Supply. Higher is better.
    """
    return percent(households_potable_water, households)


@kpi("EC: I: WS: 3C", name="Water Supply Loss", category="Water and Sanitation", unit="%",
     direction="lower")
def water_supply_loss(water_lost_in_distribution, water_supplied_total):
    """Share of the water entering the distribution system that is lost before use.

    Choice: Water Supply Loss is the water lost in distribution (system input minus authorised
    consumption, IWA water balance) divided by the water supplied, times 100, as in ISO 37120's
    percentage of water loss. The loss volume is reported as its own input rather than derived
    from total water consumed, because the latter may include water the city's system never
    supplied (private wells, other networks). Lower is better.
    """
    return percent(water_lost_in_distribution, water_supplied_total)


@kpi("EC: I: WS: 4C", name="Wastewater Collection", category="Water and Sanitation", unit="%",
     direction="higher")
def wastewater_collection(households_wastewater_collection, households):
    """Share of the city's households whose wastewater is collected.

    Choice: Wastewater Collection is households connected to a sewer or served by a regular
    wastewater collection service divided by all households, times 100 (households, as in the
    neighbouring U4SSC sanitation KPIs). Higher is better.
    """
    return percent(households_wastewater_collection, households)


@kpi("EC: I: WS: 5C", name="Household Sanitation", category="Water and Sanitation", unit="%",
     direction="higher", sdg=("SDG 6.2.1",), kpi_class="Sustainable")
def household_sanitation(households_basic_sanitation, households):
    """Share of the city's households with at least basic sanitation facilities."""
    return percent(households_basic_sanitation, households)


# -- Waste -----------------------------------------------------------------------------------------


@kpi("EC: I: WA: 1C", name="Solid Waste Collection", category="Waste", unit="%",
     direction="higher")
def solid_waste_collection(households_waste_collection, households):
    """Share of the city's households whose solid waste is collected regularly.

    Choice: Solid Waste Collection is households with regular (at least weekly) municipal solid
    waste collection divided by all households, times 100, the household-based reading of ISO
    37120's share of the population with regular solid waste collection. Higher is better.
    """
    return percent(households_waste_collection, households)


# -- Electricity Supply ----------------------------------------------------------------------------


@kpi("EC: I: ES: 1C", name="Electricity System Outage Frequency", category="Electricity Supply",
     unit="interruptions per customer per year", direction="lower", sdg=("SDG 7.1",),
     kpi_class="Structural")
def electricity_system_outage_frequency(customer_interruptions, electricity_customers_total):
    """Average number of electricity interruptions per customer over 12 months (SAIFI)."""
    return ratio(customer_interruptions, electricity_customers_total)


@kpi("EC: I: ES: 2C", name="Electricity System Outage Time", category="Electricity Supply",
     unit="minutes", direction="lower", kpi_class="Structural")
def electricity_system_outage_time(customer_interruption_minutes, customer_interruptions):
    """Average time to restore supply after an electricity interruption, in minutes (CAIDI)."""
    return ratio(customer_interruption_minutes, customer_interruptions)


@kpi("EC: I: ES: 3C", name="Access to Electricity", category="Electricity Supply", unit="%",
     direction="higher", sdg=("SDG 7.1.1",), kpi_class="Structural")
def access_to_electricity(households_authorised_electricity, households):
    """Share of the city's households with an authorised connection to the electricity grid."""
    return percent(households_authorised_electricity, households)


# -- Transport -------------------------------------------------------------------------------------


@kpi("EC: I: T: 1C", name="Public Transport Network", category="Transport",
     unit="km per 100 000 inhabitants", direction="higher")
def public_transport_network(pt_network_length, population):
    """Kilometres of public transport network for every 100 000 inhabitants.

    Choice: Public Transport Network is the route length of all public transport modes, each
    stretch of street or track counted once, divided by population / 100 000, like ISO 37120's
    kilometres of public transport system per 100 000 population. Higher is better.
    """
    return per_100k(pt_network_length, population)


@kpi("EC: I: T: 2A", name="Public Transport Network Convenience", category="Transport",
     unit="%", direction="higher", kpi_class="Sustainable")
def public_transport_network_convenience(population_near_pt_stop, population):
    """Share of inhabitants living within 0.5 km of an official public transport stop."""
    return percent(population_near_pt_stop, population)


@kpi("EC: I: T: 3C", name="Bicycle Network", category="Transport",
     unit="km per 100 000 inhabitants", direction="higher")
def bicycle_network(bicycle_path_length, population):
    """Kilometres of dedicated bicycle paths and lanes for every 100 000 inhabitants.

    Choice: Bicycle Network is the length of bicycle paths and on-street bicycle lanes divided by
    population / 100 000, as in ISO 37120's kilometres of bicycle paths and lanes per 100 000
    population; shared-use roads without a marked lane are left out. Higher is better.
    """
    return per_100k(bicycle_path_length, population)


@kpi("EC: I: T: 4A", name="Transportation Mode Share", category="Transport", unit="%",
     direction="none",
     points=(DataPoint("private_vehicles", "Private vehicles", direction=Direction.LOWER),
             DataPoint("public_transport", "Public transport", direction=Direction.HIGHER),
             DataPoint("walking", "Walking", direction=Direction.HIGHER),
             DataPoint("cycling", "Cycling", direction=Direction.HIGHER),
             DataPoint("para_transport", "Para-transport", direction=Direction.NONE)))
def transportation_mode_share(
    commuters_private_vehicles,
    commuters_public_transport,
    commuters_walking,
    commuters_cycling,
    commuters_para_transport,
    commuters_total,
):
    """Share of commuters using each main mode of transport to travel to work.

    Choice: Transportation Mode Share divides the commuters using each main mode by all commuters,
    times 100, one data point per mode. The KPI as a whole has no direction; each point has its
    own: private vehicles lower is better, public transport, walking and cycling higher is better,
    para-transport none (it can replace both cars and public transport). The five shares should
    add up to about 100 %.
    """
    return {
        "private_vehicles": percent(commuters_private_vehicles, commuters_total),
        "public_transport": percent(commuters_public_transport, commuters_total),
        "walking": percent(commuters_walking, commuters_total),
        "cycling": percent(commuters_cycling, commuters_total),
        "para_transport": percent(commuters_para_transport, commuters_total),
    }


@kpi("EC: I: T: 5A", name="Travel Time Index", category="Transport", unit="ratio",
     direction="lower", sdg=("SDG 11.2",), kpi_class="Sustainable", usual=(1, None))
def travel_time_index(peak_travel_time, free_flow_travel_time):
    """Ratio of peak-period to free-flow travel time, a measure of congestion."""
    return ratio(peak_travel_time, free_flow_travel_time)


@kpi("EC: I: T: 6A", name="Shared Bicycles", category="Transport",
     unit="bicycles per 100 000 inhabitants", direction="higher")
def shared_bicycles(shared_bicycles_available, population):
    """Bike-sharing bicycles available to the public for every 100 000 inhabitants.

    Choice: Shared Bicycles is the number of bicycles in public bike-sharing schemes divided by
    population / 100 000, the "per 100 000 inhabitants" unit of the U4SSC code list. Higher is
    better.
    """
    return per_100k(shared_bicycles_available, population)


@kpi("EC: I: T: 7A", name="Shared Vehicles", category="Transport",
     unit="vehicles per 100 000 inhabitants", direction="higher")
def shared_vehicles(shared_vehicles_available, population):
    """Car-sharing vehicles available to the public for every 100 000 inhabitants.

    Choice: Shared Vehicles is the number of cars in public car-sharing schemes divided by
    population / 100 000, the "per 100 000 inhabitants" unit of the U4SSC code list. Higher is
    better.
    """
    return per_100k(shared_vehicles_available, population)


@kpi("EC: I: T: 8A", name="Low-Carbon Emission Passenger Vehicles", category="Transport",
     unit="%", direction="higher")
def low_carbon_emission_passenger_vehicles(low_carbon_passenger_vehicles, passenger_vehicles_total):
    """Share of registered passenger vehicles that are low-carbon emission vehicles.

    Choice: Low-Carbon Emission Passenger Vehicles is registered battery-electric, plug-in
    hybrid, hybrid and fuel-cell passenger vehicles divided by all registered passenger vehicles,
    times 100 (registrations, the fleet in use, not new sales). Higher is better.
    """
    return percent(low_carbon_passenger_vehicles, passenger_vehicles_total)


# -- Buildings -------------------------------------------------------------------------------------


@kpi("EC: I: B: 1A", name="Public Building Sustainability", category="Buildings", unit="%",
     direction="higher")
def public_building_sustainability(certified_public_floor_area, public_building_floor_area):
    """Share of public building floor area holding a recognised sustainability certification.

    Choice: Public Building Sustainability is measured on floor area: public floor area with a
    recognised sustainability certification for operation divided by all public floor area,
    times 100 (area, not number of buildings, so large buildings weigh more). Higher is better.
    """
    return percent(certified_public_floor_area, public_building_floor_area)


@kpi("EC: I: B: 2A", name="Integrated Building Management Systems in Public Buildings",
     category="Buildings", unit="%", direction="higher", kpi_class="Smart")
def integrated_building_management_systems_in_public_buildings(
    bms_public_floor_area, public_building_floor_area
):
    """Share of public building floor area run by an integrated ICT building management system.

    Choice: Integrated Building Management Systems in Public Buildings divides the public floor
    area under an integrated ICT building management system by all public building floor area,
    times 100; the definition names a share of area, the denominator is inferred. Higher is
    better.
    """
    return percent(bms_public_floor_area, public_building_floor_area)


# -- Urban Planning --------------------------------------------------------------------------------


@kpi("EC: I: UP: 1A", name="Pedestrian Infrastructure", category="Urban Planning", unit="%",
     direction="higher")
def pedestrian_infrastructure(pedestrian_zone_area, city_area):
    """Share of the city's area designated as pedestrian or car-free zones.

    Choice: Pedestrian Infrastructure is the area of designated pedestrian and car-free zones
    divided by the city's total land area, times 100; the published percentage unit is confirmed,
    the city-area denominator is inferred. Higher is better.
    """
    return percent(pedestrian_zone_area, city_area)


@kpi("EC: I: UP: 2A", name="Urban Development and Spatial Planning", category="Urban Planning",
     unit="yes/no", direction="higher", sdg=("SDG 11.a.1", "SDG 11.3"), kpi_class="Sustainable",
     points=(DataPoint("compact", "Compact"),
             DataPoint("connected", "Connected"),
             DataPoint("integrated", "Integrated"),
             DataPoint("inclusive", "Inclusive"),
             DataPoint("resilient", "Resilient to climate change")))
def urban_development_and_spatial_planning(
    urban_plan_compact,
    urban_plan_connected,
    urban_plan_integrated,
    urban_plan_inclusive,
    urban_plan_resilient,
):
    """Whether the city's urban plans are compact, connected, integrated, inclusive, resilient."""
    return {
        "compact": urban_plan_compact,
        "connected": urban_plan_connected,
        "integrated": urban_plan_integrated,
        "inclusive": urban_plan_inclusive,
        "resilient": urban_plan_resilient,
    }


# -- consistency checks ----------------------------------------------------------------------------


@check(
    "Potable Water Supply is above Basic Water Supply: a safely managed service is also a basic "
    "one, so it cannot reach more households; check both household counts."
)
def potable_above_basic_water(potable_water_supply, basic_water_supply):
    """Flag cities whose potable water share exceeds their basic water supply share."""
    return potable_water_supply > basic_water_supply


@check(
    "Transportation Mode Share data points do not add up to 100 % (±2): check that every commuter "
    "is counted once, under one main mode, and that all modes use the same total."
)
def mode_shares_off_100(transportation_mode_share):
    """Flag cities whose five mode shares sum to more than 2 points away from 100 %."""
    return shares_off_100(*transportation_mode_share.values())
