"""The Economy dimension plugin: every KPI's formula, its metadata and its consistency checks.

The indicator functions are called directly on numpy arrays, as the engine will call them.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from u4ssc.core import Direction
from u4ssc.core.model import indicator_of
from u4ssc.plugins import economy
from u4ssc.plugins.economy import ict, infrastructure, productivity

# The shared test logic is a plain module: have pytest rewrite its asserts, as in a test file.
pytest.register_assert_rewrite("formula_cases")
from formula_cases import check_tests, data_item_tests, formula_tests  # noqa: E402

INDICATORS = economy.u4ssc_indicators()
CHECKS = economy.u4ssc_checks()

# (indicator function, raw inputs, expected value, or {point key: value} for a multi-value KPI)
CASES = [
    # ICT
    (ict.household_internet_access, {"households_with_internet": 812, "households": 1000}, 81.2),
    (
        ict.fixed_broadband_subscriptions,
        {"fixed_broadband_subscription_count": 450, "households": 1500},
        30.0,
    ),
    (
        ict.wireless_broadband_subscriptions,
        {"wireless_broadband_subscription_count": 96_000, "population": 80_000},
        120_000.0,
    ),
    (
        ict.wireless_broadband_coverage,
        {"population_covered_3g": 79_200, "population_covered_4g": 76_000, "population": 80_000},
        {"3G": 99.0, "4G": 95.0},
    ),
    (ict.availability_of_wifi_in_public_areas, {"public_wifi_hotspots": 78}, 78.0),
    (
        ict.smart_water_meters,
        {"smart_water_meters_installed": 1200, "water_meters_total": 4800},
        25.0,
    ),
    (
        ict.water_supply_ict_monitoring,
        {"water_network_length_ict_monitored": 150, "water_network_length": 600},
        25.0,
    ),
    (
        ict.drainage_storm_water_system_ict_monitoring,
        {"drainage_length_ict_monitored": 45, "drainage_network_length": 300},
        15.0,
    ),
    (
        ict.smart_electricity_meters,
        {"smart_electricity_meters_installed": 39_000, "electricity_meters_total": 40_000},
        97.5,
    ),
    (
        ict.electricity_supply_ict_monitoring,
        {"electricity_network_length_ict_monitored": 220, "electricity_network_length": 880},
        25.0,
    ),
    (
        ict.demand_response_penetration,
        {"electricity_customers_demand_response": 3500, "electricity_customers_total": 35_000},
        10.0,
    ),
    (
        ict.dynamic_public_transport_information,
        {"pt_stops_with_dynamic_info": 180, "pt_stops_total": 240},
        75.0,
    ),
    (
        ict.traffic_monitoring,
        {"major_streets_ict_monitored_length": 42, "major_street_length": 120},
        35.0,
    ),
    (
        ict.intersection_control,
        {"intersections_adaptive_control": 18, "signalised_intersections_total": 72},
        25.0,
    ),
    (
        ict.open_data,
        {"open_datasets_published": 130, "datasets_inventoried": 520},
        {"percent": 25.0, "number": 130.0},
    ),
    (ict.e_government, {"e_government_services": 64}, 64.0),
    (
        ict.public_sector_e_procurement,
        {"procurements_online": 870, "procurements_total": 1000},
        87.0,
    ),
    # Productivity
    (
        productivity.r_and_d_expenditure,
        {"research_development_spending": 150e6, "city_gdp": 5e9},
        3.0,
    ),
    (productivity.patents, {"patents_granted": 36, "population": 80_000}, 45.0),
    (
        productivity.small_and_medium_sized_enterprises,
        {"small_medium_enterprises": 9790, "enterprises_total": 10_000},
        97.9,
    ),
    (productivity.unemployment_rate, {"unemployed_people": 2100, "labour_force": 42_000}, 5.0),
    (
        productivity.youth_unemployment_rate,
        {"unemployed_youth": 630, "youth_labour_force": 5250},
        12.0,
    ),
    (
        productivity.tourism_sector_employment,
        {"tourism_sector_employees": 3360, "labour_force": 42_000},
        8.0,
    ),
    (
        productivity.ict_sector_employment,
        {"ict_sector_employees": 2520, "labour_force": 42_000},
        6.0,
    ),
    # Infrastructure
    (
        infrastructure.basic_water_supply,
        {"households_basic_water": 9950, "households": 10_000},
        99.5,
    ),
    (
        infrastructure.potable_water_supply,
        {"households_potable_water": 9800, "households": 10_000},
        98.0,
    ),
    (
        infrastructure.water_supply_loss,
        {"water_lost_in_distribution": 1.8e6, "water_supplied_total": 12e6},
        15.0,
    ),
    (
        infrastructure.wastewater_collection,
        {"households_wastewater_collection": 9300, "households": 10_000},
        93.0,
    ),
    (
        infrastructure.household_sanitation,
        {"households_basic_sanitation": 9700, "households": 10_000},
        97.0,
    ),
    (
        infrastructure.solid_waste_collection,
        {"households_waste_collection": 9900, "households": 10_000},
        99.0,
    ),
    (
        infrastructure.electricity_system_outage_frequency,
        {"customer_interruptions": 52_500, "electricity_customers_total": 35_000},
        1.5,
    ),
    (
        infrastructure.electricity_system_outage_time,
        {"customer_interruption_minutes": 4_725_000, "customer_interruptions": 52_500},
        90.0,
    ),
    (
        infrastructure.access_to_electricity,
        {"households_authorised_electricity": 9990, "households": 10_000},
        99.9,
    ),
    (
        infrastructure.public_transport_network,
        {"pt_network_length": 240, "population": 80_000},
        300.0,
    ),
    (
        infrastructure.public_transport_network_convenience,
        {"population_near_pt_stop": 68_000, "population": 80_000},
        85.0,
    ),
    (infrastructure.bicycle_network, {"bicycle_path_length": 96, "population": 80_000}, 120.0),
    (
        infrastructure.transportation_mode_share,
        {
            "commuters_private_vehicles": 18_000,
            "commuters_public_transport": 12_000,
            "commuters_walking": 6000,
            "commuters_cycling": 3000,
            "commuters_para_transport": 1000,
            "commuters_total": 40_000,
        },
        {
            "private_vehicles": 45.0,
            "public_transport": 30.0,
            "walking": 15.0,
            "cycling": 7.5,
            "para_transport": 2.5,
        },
    ),
    (infrastructure.travel_time_index, {"peak_travel_time": 45, "free_flow_travel_time": 30}, 1.5),
    (
        infrastructure.shared_bicycles,
        {"shared_bicycles_available": 400, "population": 80_000},
        500.0,
    ),
    (infrastructure.shared_vehicles, {"shared_vehicles_available": 60, "population": 80_000}, 75.0),
    (
        infrastructure.low_carbon_emission_passenger_vehicles,
        {"low_carbon_passenger_vehicles": 12_600, "passenger_vehicles_total": 42_000},
        30.0,
    ),
    (
        infrastructure.public_building_sustainability,
        {"certified_public_floor_area": 30_000, "public_building_floor_area": 120_000},
        25.0,
    ),
    (
        infrastructure.integrated_building_management_systems_in_public_buildings,
        {"bms_public_floor_area": 54_000, "public_building_floor_area": 120_000},
        45.0,
    ),
    (
        infrastructure.pedestrian_infrastructure,
        {"pedestrian_zone_area": 0.6, "city_area": 48},
        1.25,
    ),
    (
        infrastructure.urban_development_and_spatial_planning,
        {
            "urban_plan_compact": 1,
            "urban_plan_connected": 1,
            "urban_plan_integrated": 0,
            "urban_plan_inclusive": 1,
            "urban_plan_resilient": 0,
        },
        {"compact": 1.0, "connected": 1.0, "integrated": 0.0, "inclusive": 1.0, "resilient": 0.0},
    ),
]

#: The denominator input of every KPI that has one.
DENOMINATORS = {
    ict.household_internet_access: "households",
    ict.fixed_broadband_subscriptions: "households",
    ict.wireless_broadband_subscriptions: "population",
    ict.wireless_broadband_coverage: "population",
    ict.smart_water_meters: "water_meters_total",
    ict.water_supply_ict_monitoring: "water_network_length",
    ict.drainage_storm_water_system_ict_monitoring: "drainage_network_length",
    ict.smart_electricity_meters: "electricity_meters_total",
    ict.electricity_supply_ict_monitoring: "electricity_network_length",
    ict.demand_response_penetration: "electricity_customers_total",
    ict.dynamic_public_transport_information: "pt_stops_total",
    ict.traffic_monitoring: "major_street_length",
    ict.intersection_control: "signalised_intersections_total",
    ict.open_data: "datasets_inventoried",
    ict.public_sector_e_procurement: "procurements_total",
    productivity.r_and_d_expenditure: "city_gdp",
    productivity.patents: "population",
    productivity.small_and_medium_sized_enterprises: "enterprises_total",
    productivity.unemployment_rate: "labour_force",
    productivity.youth_unemployment_rate: "youth_labour_force",
    productivity.tourism_sector_employment: "labour_force",
    productivity.ict_sector_employment: "labour_force",
    infrastructure.basic_water_supply: "households",
    infrastructure.potable_water_supply: "households",
    infrastructure.water_supply_loss: "water_supplied_total",
    infrastructure.wastewater_collection: "households",
    infrastructure.household_sanitation: "households",
    infrastructure.solid_waste_collection: "households",
    infrastructure.electricity_system_outage_frequency: "electricity_customers_total",
    infrastructure.electricity_system_outage_time: "customer_interruptions",
    infrastructure.access_to_electricity: "households",
    infrastructure.public_transport_network: "population",
    infrastructure.public_transport_network_convenience: "population",
    infrastructure.bicycle_network: "population",
    infrastructure.transportation_mode_share: "commuters_total",
    infrastructure.travel_time_index: "free_flow_travel_time",
    infrastructure.shared_bicycles: "population",
    infrastructure.shared_vehicles: "population",
    infrastructure.low_carbon_emission_passenger_vehicles: "passenger_vehicles_total",
    infrastructure.public_building_sustainability: "public_building_floor_area",
    infrastructure.integrated_building_management_systems_in_public_buildings: (
        "public_building_floor_area"
    ),
    infrastructure.pedestrian_infrastructure: "city_area",
}

#: KPIs that report a value the city gives directly (no denominator).
DIRECT = {
    ict.availability_of_wifi_in_public_areas,
    ict.e_government,
    infrastructure.urban_development_and_spatial_planning,
}


# -- formulas --------------------------------------------------------------------------------------

TestFormulas = formula_tests(INDICATORS, CASES, DENOMINATORS, DIRECT, counts={"number"})


def test_direct_values_are_returned_unchanged():
    hotspots = np.array([0.0, 78.0, np.nan])
    assert ict.availability_of_wifi_in_public_areas(hotspots) is hotspots
    services = np.array([12.0])
    assert ict.e_government(services) is services


# -- consistency checks ----------------------------------------------------------------------------

# (check, broken row, good row); each row gives the indicator values the check reads.
CHECK_CASES = [
    (
        ict.fixed_broadband_above_internet_access,
        {"fixed_broadband_subscriptions": 85.0, "household_internet_access": 80.0},
        {"fixed_broadband_subscriptions": 35.0, "household_internet_access": 92.0},
    ),
    (
        ict.smart_water_above_electricity_meters,
        {"smart_electricity_meters": 40.0, "smart_water_meters": 60.0},
        {"smart_electricity_meters": 97.5, "smart_water_meters": 25.0},
    ),
    (
        infrastructure.potable_above_basic_water,
        {"potable_water_supply": 99.0, "basic_water_supply": 95.0},
        {"potable_water_supply": 98.0, "basic_water_supply": 99.5},
    ),
    (
        infrastructure.mode_shares_off_100,
        {
            "transportation_mode_share": {
                "private_vehicles": 50.0,
                "public_transport": 30.0,
                "walking": 15.0,
                "cycling": 7.5,
                "para_transport": 2.5,
            }
        },
        {
            "transportation_mode_share": {
                "private_vehicles": 45.0,
                "public_transport": 30.0,
                "walking": 15.0,
                "cycling": 7.5,
                "para_transport": 2.5,
            }
        },
    ),
]

TestChecks = check_tests(INDICATORS, CHECKS, CHECK_CASES)


@pytest.mark.parametrize(
    ("total", "flagged"),
    [(100.0, False), (98.0, False), (102.0, False), (97.9, True), (102.1, True), (90.0, True)],
)
def test_mode_shares_tolerate_two_points(total, flagged):
    shares = {
        "private_vehicles": total - 55.0,
        "public_transport": 30.0,
        "walking": 15.0,
        "cycling": 7.5,
        "para_transport": 2.5,
    }
    result = infrastructure.mode_shares_off_100({k: np.array([v]) for k, v in shares.items()})
    assert result.tolist() == [flagged]


def test_checks_agree_with_computed_indicators():
    households = np.array([1000.0, 1000.0])
    internet = ict.household_internet_access(np.array([800.0, 800.0]), households)
    fixed = ict.fixed_broadband_subscriptions(np.array([820.0, 400.0]), households)
    assert ict.fixed_broadband_above_internet_access(fixed, internet).tolist() == [True, False]


# -- metadata (tests/test_catalogue.py compares every KPI with the U4SSC reference list) -----------


def test_mode_share_points_have_their_own_directions():
    meta = indicator_of(infrastructure.transportation_mode_share)
    assert {p.key: p.direction for p in meta.points} == {
        "private_vehicles": Direction.LOWER,
        "public_transport": Direction.HIGHER,
        "walking": Direction.HIGHER,
        "cycling": Direction.HIGHER,
        "para_transport": Direction.NONE,
    }


# -- data items ------------------------------------------------------------------------------------

TestDataItems = data_item_tests(economy)


def test_yes_no_items_are_yes_no():
    meta = indicator_of(infrastructure.urban_development_and_spatial_planning)
    assert meta.unit == "yes/no"
    for name in inspect.signature(infrastructure.urban_development_and_spatial_planning).parameters:
        item = getattr(infrastructure, name)
        assert (item.kind, item.lower, item.upper) == ("yes/no", 0.0, 1.0)


def test_pedestrian_area_accepts_m2_and_hectares():
    item = infrastructure.pedestrian_zone_area
    assert item.unit == "km²"
    assert item.units == {"m²": 1e-6, "ha": 0.01}
