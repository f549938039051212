"""Economy — ICT: the city's digital networks and the ICT that runs its utilities and services.

Categories: ICT Infrastructure, Water and Sanitation, Drainage, Electricity Supply, Transport and
Public Sector. The two consistency rules of the verification guidance that read only ICT KPIs
(fixed broadband against household Internet access, smart electricity against smart water meters)
are declared at the end.
"""

from __future__ import annotations

from functools import partial

from u4ssc.core import DataItem, DataPoint, Kind, check, indicator, per_100k, percent

kpi = partial(indicator, dimension="Economy", subdimension="ICT")

# -- data items ------------------------------------------------------------------------------------

households_with_internet = DataItem(
    "households_with_internet", "Households with Internet access", "households", Kind.COUNT,
    "Households that can use the Internet at home over any fixed or mobile network.",
)
fixed_broadband_subscription_count = DataItem(
    "fixed_broadband_subscription_count", "Fixed broadband subscriptions", "subscriptions",
    Kind.COUNT,
    "Active wired broadband subscriptions in the city at 256 kbit/s or more downstream "
    "(DSL, cable, fibre and other fixed lines; mobile data excluded).",
)
wireless_broadband_subscription_count = DataItem(
    "wireless_broadband_subscription_count", "Wireless broadband subscriptions",
    "subscriptions", Kind.COUNT,
    "Active mobile-broadband subscriptions of city residents (handset and dedicated data "
    "subscriptions used in the last three months).",
)
population_covered_3g = DataItem(
    "population_covered_3g", "Inhabitants covered by 3G or better", "inhabitants", Kind.COUNT,
    "Inhabitants living where a 3G (or newer) mobile-broadband signal is available, from the "
    "operators' coverage maps laid over population data.",
)
population_covered_4g = DataItem(
    "population_covered_4g", "Inhabitants covered by 4G or better", "inhabitants", Kind.COUNT,
    "Inhabitants living where a 4G/LTE (or newer) mobile-broadband signal is available, from the "
    "operators' coverage maps laid over population data.",
)
public_wifi_hotspots = DataItem(
    "public_wifi_hotspots", "Public Wi-Fi hotspots", "hotspots", Kind.COUNT,
    "Wi-Fi access points in public areas that anyone may use, free or at a charge.",
)
smart_water_meters_installed = DataItem(
    "smart_water_meters_installed", "Smart water meters installed", "meters", Kind.COUNT,
    "Installed water meters that record and transmit consumption automatically (AMR/AMI).",
)
water_meters_total = DataItem(
    "water_meters_total", "Water meters installed", "meters", Kind.COUNT,
    "All water meters installed in the city, smart or not.",
)
water_network_length_ict_monitored = DataItem(
    "water_network_length_ict_monitored", "Water distribution network monitored by ICT", "km",
    Kind.AMOUNT,
    "Length of water distribution mains under ICT monitoring (SCADA, telemetry, sensors).",
)
water_network_length = DataItem(
    "water_network_length", "Water distribution network length", "km", Kind.AMOUNT,
    "Total length of the city's water distribution mains.",
)
drainage_length_ict_monitored = DataItem(
    "drainage_length_ict_monitored", "Drainage / storm-water network monitored by ICT", "km",
    Kind.AMOUNT,
    "Length of drainage and storm-water pipes and channels under real-time ICT monitoring.",
)
drainage_network_length = DataItem(
    "drainage_network_length", "Drainage / storm-water network length", "km", Kind.AMOUNT,
    "Total length of the city's drainage and storm-water pipes and channels.",
)
smart_electricity_meters_installed = DataItem(
    "smart_electricity_meters_installed", "Smart electricity meters installed", "meters",
    Kind.COUNT,
    "Installed electricity meters that record and transmit consumption automatically (AMI).",
)
electricity_network_length_ict_monitored = DataItem(
    "electricity_network_length_ict_monitored", "Electricity network monitored by ICT", "km",
    Kind.AMOUNT,
    "Length of electricity transmission and distribution lines under SCADA-type ICT monitoring "
    "and control.",
)
electricity_network_length = DataItem(
    "electricity_network_length", "Electricity network length", "km", Kind.AMOUNT,
    "Total length of electricity transmission and distribution lines serving the city.",
)
electricity_customers_demand_response = DataItem(
    "electricity_customers_demand_response", "Electricity customers able to do demand response",
    "customers", Kind.COUNT,
    "Electricity customers whose contract and equipment let them take part in demand-response "
    "programmes (load shifting or curtailment on a signal or price).",
)
pt_stops_with_dynamic_info = DataItem(
    "pt_stops_with_dynamic_info", "Stops with real-time information", "stops", Kind.COUNT,
    "Public transport stops and stations whose real-time arrival information is available to "
    "travellers at the stop, on the web or in an app.",
)
major_streets_ict_monitored_length = DataItem(
    "major_streets_ict_monitored_length", "Major streets monitored by ICT", "km", Kind.AMOUNT,
    "Length of major streets (arterials and highways, not residential streets) watched by "
    "traffic sensors or cameras.",
)
major_street_length = DataItem(
    "major_street_length", "Major street length", "km", Kind.AMOUNT,
    "Total length of major streets (arterials and highways, not residential streets).",
)
intersections_adaptive_control = DataItem(
    "intersections_adaptive_control", "Intersections with adaptive control", "intersections",
    Kind.COUNT,
    "Signal-controlled intersections with adaptive signal timing or priority for public "
    "transport or emergency vehicles.",
)
signalised_intersections_total = DataItem(
    "signalised_intersections_total", "Signal-controlled intersections", "intersections",
    Kind.COUNT,
    "All intersections in the city controlled by traffic signals.",
)
open_datasets_published = DataItem(
    "open_datasets_published", "Open data sets published", "data sets", Kind.COUNT,
    "Inventoried city data sets published as open, machine-readable data.",
)
datasets_inventoried = DataItem(
    "datasets_inventoried", "Data sets inventoried", "data sets", Kind.COUNT,
    "All data sets in the city's data inventory, published or not.",
)
e_government_services = DataItem(
    "e_government_services", "Public services offered electronically", "services", Kind.COUNT,
    "Public services that residents and businesses can request and complete online (web or "
    "mobile).",
)
procurements_online = DataItem(
    "procurements_online", "Procurement activities conducted online", "activities",
    Kind.COUNT,
    "Public-sector procurement activities (tenders, bids, orders, invoices, payments) handled "
    "through an electronic procurement system.",
)
procurements_total = DataItem(
    "procurements_total", "Procurement activities", "activities", Kind.COUNT,
    "All public-sector procurement activities of the city in the year.",
)

# -- ICT Infrastructure ----------------------------------------------------------------------------


@kpi("EC: ICT: ICT: 1C", name="Household Internet Access", category="ICT Infrastructure",
     unit="%", direction="higher", sdg=("SDG 17.8.1",), kpi_class="Smart")
def household_internet_access(households_with_internet, households):
    """Share of the city's households that can reach the Internet over a fixed or mobile network."""
    return percent(households_with_internet, households)


@kpi("EC: ICT: ICT: 2C", name="Fixed Broadband Subscriptions", category="ICT Infrastructure",
     unit="%", direction="higher", sdg=("SDG 17.6.2", "SDG 17.8.1"), kpi_class="Smart",
     bounds=(0, None), usual=(0, 100))
def fixed_broadband_subscriptions(fixed_broadband_subscription_count, households):
    """Wired broadband subscriptions as a percentage of the city's households.

    Mobile subscriptions are not counted; a value above household Internet access is suspicious.
    Above 100 % is possible (households and businesses with several lines); such a value is
    scored, with a warning.
    """
    return percent(fixed_broadband_subscription_count, households)


@kpi("EC: ICT: ICT: 3C", name="Wireless Broadband Subscriptions", category="ICT Infrastructure",
     unit="subscriptions per 100 000 inhabitants", direction="higher")
def wireless_broadband_subscriptions(wireless_broadband_subscription_count, population):
    """Active mobile-broadband subscriptions for every 100 000 inhabitants of the city.

    Choice: Wireless Broadband Subscriptions is computed as active mobile-broadband subscriptions
    divided by population / 100 000, the usual U4SSC "per 100 000 inhabitants" pattern (the unit
    is confirmed by published verification reports, the formula page was not). Subscriptions are
    counted as in the ITU definition of active mobile-broadband subscriptions; higher is better.
    """
    return per_100k(wireless_broadband_subscription_count, population)


@kpi("EC: ICT: ICT: 4C", name="Wireless Broadband Coverage", category="ICT Infrastructure",
     unit="%", direction="higher",
     points=(DataPoint("3G", "3G coverage"), DataPoint("4G", "4G coverage")))
def wireless_broadband_coverage(population_covered_3g, population_covered_4g, population):
    """Share of the city's inhabitants within reach of 3G and of 4G mobile broadband.

    Choice: Wireless Broadband Coverage is population-based: inhabitants covered by at least 3G
    (respectively 4G) divided by all inhabitants, times 100. The published definition leaves open
    whether area or inhabitants are covered; the population reading follows SDG indicator 9.c.1
    (proportion of population covered by a mobile network, by technology) and ITU practice.
    """
    return {
        "3G": percent(population_covered_3g, population),
        "4G": percent(population_covered_4g, population),
    }


@kpi("EC: ICT: ICT: 5C", name="Availability of WIFI in Public Areas",
     category="ICT Infrastructure", unit="number of hotspots", direction="higher")
def availability_of_wifi_in_public_areas(public_wifi_hotspots):
    """Number of Wi-Fi hotspots in public areas of the city that the public can use.

    Choice: Availability of WIFI in Public Areas is the plain count of public Wi-Fi hotspots, not
    normalised by population or area, as in the published verification reports (which print a
    count and no benchmark). Higher is better.
    """
    return public_wifi_hotspots


# -- Water and Sanitation --------------------------------------------------------------------------


@kpi("EC: ICT: WS: 1C", name="Smart Water Meters", category="Water and Sanitation", unit="%",
     direction="higher")
def smart_water_meters(smart_water_meters_installed, water_meters_total):
    """Share of the city's installed water meters that are smart (read and report remotely).

    Choice: Smart Water Meters is smart water meters installed divided by all water meters
    installed, times 100, mirroring Smart Electricity Meters; meters, not households or
    connections, form the base. Higher is better.
    """
    return percent(smart_water_meters_installed, water_meters_total)


@kpi("EC: ICT: WS: 2A", name="Water Supply ICT Monitoring", category="Water and Sanitation",
     unit="%", direction="higher")
def water_supply_ict_monitoring(water_network_length_ict_monitored, water_network_length):
    """Share of the water distribution network watched by ICT such as SCADA or telemetry.

    Choice: Water Supply ICT Monitoring is measured on network length: kilometres of distribution
    mains under ICT monitoring divided by the total length of mains, times 100, by analogy with
    the published Drainage / Storm Water System ICT Monitoring KPI. Higher is better.
    """
    return percent(water_network_length_ict_monitored, water_network_length)


# -- Drainage --------------------------------------------------------------------------------------


@kpi("EC: ICT: D: 1A", name="Drainage / Storm Water System ICT Monitoring", category="Drainage",
     unit="%", direction="higher", sdg=("SDG 6.2",), kpi_class="Smart")
def drainage_storm_water_system_ict_monitoring(
    drainage_length_ict_monitored, drainage_network_length
):
    """Share of the drainage and storm-water network under real-time ICT monitoring."""
    return percent(drainage_length_ict_monitored, drainage_network_length)


# -- Electricity Supply ----------------------------------------------------------------------------


@kpi("EC: ICT: ES: 1C", name="Smart Electricity Meters", category="Electricity Supply", unit="%",
     direction="higher", sdg=("SDG 7.3",), kpi_class="Smart")
def smart_electricity_meters(smart_electricity_meters_installed, electricity_meters_total):
    """Share of the city's installed electricity meters that are smart meters."""
    return percent(smart_electricity_meters_installed, electricity_meters_total)


@kpi("EC: ICT: ES: 2A", name="Electricity Supply ICT Monitoring", category="Electricity Supply",
     unit="%", direction="higher", kpi_class="Smart")
def electricity_supply_ict_monitoring(
    electricity_network_length_ict_monitored, electricity_network_length
):
    """Share of the electricity supply system under SCADA-type ICT monitoring and control.

    Choice: Electricity Supply ICT Monitoring is measured on network length: kilometres of
    transmission and distribution lines under ICT monitoring divided by the total line length,
    times 100. The published text does not say whether length or components are counted; length
    keeps the KPI comparable with the water and drainage monitoring KPIs. Higher is better.
    """
    return percent(electricity_network_length_ict_monitored, electricity_network_length)


@kpi("EC: ICT: ES: 3A", name="Demand Response Penetration", category="Electricity Supply",
     unit="%", direction="higher")
def demand_response_penetration(electricity_customers_demand_response, electricity_customers_total):
    """Share of electricity customers able to take part in demand response.

    Choice: Demand Response Penetration is customers with demand-response capability divided by
    all customers of the electricity distribution system, times 100 (customers, not meters or
    load). Higher is better.
    """
    return percent(electricity_customers_demand_response, electricity_customers_total)


# -- Transport -------------------------------------------------------------------------------------


@kpi("EC: ICT: T: 1C", name="Dynamic Public Transport Information", category="Transport",
     unit="%", direction="higher", sdg=("SDG 11.2",), kpi_class="Smart")
def dynamic_public_transport_information(pt_stops_with_dynamic_info, pt_stops_total):
    """Share of public transport stops and stations offering real-time arrival information."""
    return percent(pt_stops_with_dynamic_info, pt_stops_total)


@kpi("EC: ICT: T: 2C", name="Traffic Monitoring", category="Transport", unit="%",
     direction="higher", sdg=("SDG 11.2",), kpi_class="Smart")
def traffic_monitoring(major_streets_ict_monitored_length, major_street_length):
    """Share of the length of major streets watched by traffic sensors or cameras."""
    return percent(major_streets_ict_monitored_length, major_street_length)


@kpi("EC: ICT: T: 3A", name="Intersection Control", category="Transport", unit="%",
     direction="higher", sdg=("SDG 11.2",), kpi_class="Smart")
def intersection_control(intersections_adaptive_control, signalised_intersections_total):
    """Share of signal-controlled intersections with adaptive control or priority."""
    return percent(intersections_adaptive_control, signalised_intersections_total)


# -- Public Sector ---------------------------------------------------------------------------------


@kpi("EC: ICT: PS: 1A", name="Open Data", category="Public Sector", unit="%",
     direction="higher", sdg=("SDG 16.6", "SDG 16.7"), kpi_class="Smart",
     points=(DataPoint("percent", "Share of data sets published", unit="%"),
             DataPoint("number", "Data sets published", unit="data sets")))
def open_data(open_datasets_published, datasets_inventoried):
    """Share and number of the city's inventoried data sets published as open data."""
    return {
        "percent": percent(open_datasets_published, datasets_inventoried),
        "number": open_datasets_published,
    }


@kpi("EC: ICT: PS: 2A", name="e-Government", category="Public Sector",
     unit="number of services", direction="higher", kpi_class="Smart")
def e_government(e_government_services):
    """Number of public services the city delivers electronically.

    Choice: e-Government is the plain count of public services that can be requested and
    completed online, as printed in the verification manual and reports (a count with no
    benchmark), not a share of all services. Higher is better.
    """
    return e_government_services


@kpi("EC: ICT: PS: 3A", name="Public Sector e-Procurement", category="Public Sector", unit="%",
     direction="higher", sdg=("SDG 16.6", "SDG 16.7"), kpi_class="Smart")
def public_sector_e_procurement(procurements_online, procurements_total):
    """Share of public-sector procurement activities carried out electronically."""
    return percent(procurements_online, procurements_total)


# -- consistency checks ----------------------------------------------------------------------------


@check(
    "Fixed Broadband Subscriptions is above Household Internet Access: fixed broadband "
    "normally reaches fewer households than Internet access of any kind; check that both use "
    "households (not inhabitants or business lines) and the same year."
)
def fixed_broadband_above_internet_access(fixed_broadband_subscriptions, household_internet_access):
    """Flag cities whose fixed broadband share exceeds their household Internet access."""
    return fixed_broadband_subscriptions > household_internet_access


@check(
    "Smart Water Meters is above Smart Electricity Meters: smart electricity meters are "
    "normally rolled out first; check both meter counts and totals."
)
def smart_water_above_electricity_meters(smart_electricity_meters, smart_water_meters):
    """Flag cities whose smart water meter share exceeds their smart electricity meter share."""
    return smart_water_meters > smart_electricity_meters
