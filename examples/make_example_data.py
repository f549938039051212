"""Write ``examples/cities.csv``: four fictional cities × three years of synthetic U4SSC data.

It also writes ``examples/peers.csv``: twelve more fictional cities, one year each, to use as
peers (``u4ssc score examples/cities.csv --peer-targets examples/peers.csv``).

The cities do not exist and every number is made up, but the numbers are drawn around realistic
magnitudes and are internally consistent (a part never exceeds its whole, mode shares and
waste routes add up to their totals, households are about population ÷ 2.3), so the KPI values
look like those of real cities. A fixed seed makes the file the same on every run::

    python examples/make_example_data.py

Columns: ``city``, ``year``, then every raw data item of the built-in plugins in catalogue order,
then one KPI-code column (``EC: ICT: ICT: 1C``) where one row reports the final value directly.

A few real-life features are deliberate, so that scoring the file shows the engine's statuses:

- Dunmere leaves four items empty in every year (``not reported``): it has no strategic noise
  map, no inventory of building management systems, no drainage telemetry records and no
  assessment of disaster losses.
- Brindle Bay has no para-transport, so it writes ``N/A: no para-transport services`` for
  ``commuters_para_transport`` (``not applicable``).
- Corvale reports Household Internet Access for 2023 as a final value from a household survey,
  in the ``EC: ICT: ICT: 1C`` column, and leaves the household count empty (``reported``).
- Dunmere's water utility rolls smart meters out faster than the electricity utility, so in
  2023 and 2024 Smart Water Meters exceeds Smart Electricity Meters: the consistency rule
  ``smart_water_above_electricity_meters`` warns about those two rows. No other rule is broken.

The peers are variants of the four profiles (three of each): the same structure, with the
population and every level moved by a random factor, and every item reported (a Brindle Bay
variant has no para-transport either). They are drawn from their own seed, so adding them left
``cities.csv`` as it was.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "cities.csv"
PEERS_OUTPUT = HERE / "peers.csv"
SEED = 4903  # ITU-T Y.4903
PEERS_SEED = SEED + 1
#: The year of the peers' rows, and how many peers each of the four profiles gives.
PEERS_YEAR = 2024
PEERS_PER_PROFILE = 3
YEARS = (2022, 2023, 2024)
#: KPI-code column in which one row reports the final value (after all the data items).
REPORTED_KPI = "EC: ICT: ICT: 1C"


@dataclass
class City:
    """A fictional city: 2022 levels and yearly changes from which its rows are drawn.

    ``shares`` maps a name to ``(2022 value, change per year)`` in percent or the stated unit;
    ``rates`` maps a name to a level per inhabitant (or per 100 000, as the name says) that
    varies a little from year to year; ``yes_no`` maps a plan item to its value per year.
    """

    name: str
    population: float
    growth: float
    household_size: float
    area_km2: float
    gdp_per_capita: float
    gdp_growth: float
    shares: dict[str, tuple[float, float]]
    rates: dict[str, float]
    yes_no: dict[str, tuple[str, str, str]]
    election: dict[str, float]
    missing: tuple[str, ...] = ()
    not_applicable: dict[str, str] = field(default_factory=dict)
    reported: dict[int, float] = field(default_factory=dict)
    #: The city whose mode shares and waste routes it has (a peer's profile); default: itself.
    profile: str = ""

    @property
    def routes_of(self) -> str:
        return self.profile or self.name


ALL_YES = ("yes", "yes", "yes")

CITIES = [
    # A wealthy, compact northern city: dense ICT, cycling, district heating, low emissions.
    City(
        name="Aster (synthetic)",
        population=142_300, growth=0.008, household_size=2.10, area_km2=96.4,
        gdp_per_capita=68_500, gdp_growth=0.025,
        shares={
            "internet": (95.5, 0.6), "fixed_broadband": (82.0, 0.8), "cover_3g": (99.9, 0.0),
            "cover_4g": (99.5, 0.1), "smart_water": (48.0, 6.0), "water_monitored": (62.0, 3.0),
            "drainage_monitored": (34.0, 3.0), "smart_electricity": (97.8, 0.5),
            "electricity_monitored": (71.0, 2.0), "demand_response": (14.0, 2.5),
            "dynamic_info": (86.0, 3.0), "streets_monitored": (58.0, 4.0),
            "adaptive_control": (46.0, 4.0), "open_data": (58.0, 4.0),
            "procurement_online": (96.0, 1.0), "rd_of_gdp": (3.4, 0.05), "sme": (99.1, 0.0),
            "unemployment": (4.1, -0.2), "youth_unemployment": (9.5, -0.4),
            "tourism_jobs": (4.2, 0.1), "ict_jobs": (7.4, 0.2), "basic_water": (99.9, 0.0),
            "potable_water": (99.6, 0.1), "water_loss": (9.5, -0.2),
            "wastewater_collected": (99.2, 0.1), "sanitation": (99.8, 0.0),
            "waste_collected": (99.9, 0.0), "authorised_electricity": (99.9, 0.0),
            "near_pt_stop": (94.0, 0.3), "low_carbon_vehicles": (24.0, 5.0),
            "certified_floor": (38.0, 4.0), "bms_floor": (64.0, 3.0),
            "pedestrian_area": (1.1, 0.05), "water_safety_plan": (99.5, 0.1),
            "freshwater": (98.5, -0.2), "ww_primary": (99.0, 0.1), "ww_secondary": (98.6, 0.1),
            "ww_tertiary": (92.0, 1.0), "emf_compliant": (99.6, 0.1), "noise": (17.5, -0.3),
            "near_green": (91.0, 0.2), "protected_area": (12.5, 0.0), "renewables": (58.0, 2.0),
            "enrolment": (98.5, 0.1), "student_ict": (98.0, 0.5), "higher_degree": (34.0, 0.4),
            "literacy": (99.5, 0.0), "ehr": (97.5, 0.5), "health_coverage": (99.8, 0.0),
            "heritage_of_budget": (2.1, 0.0), "budget_of_gdp": (14.0, 0.0),
            "informal": (0.1, 0.0), "housing_of_income": (24.5, 0.4), "gini": (27.0, 0.1),
            "poverty": (5.8, -0.1), "daycare": (72.0, 1.0), "disaster_prone": (2.1, 0.0),
            "disaster_losses_of_gdp": (0.02, 0.0), "local_food": (22.0, 0.5),
        },
        rates={
            "wireless_per_capita": 1.32, "wifi_hotspots": 310, "water_meters_per_household": 0.35,
            "water_km_per_1000": 4.6, "drainage_km_per_1000": 3.9,
            "electricity_meters_per_household": 1.14, "electricity_km_per_1000": 12.5,
            "stops_per_1000": 4.4, "major_street_km_per_1000": 0.62,
            "intersections_per_1000": 1.35, "datasets": 640, "e_services": 212,
            "procurements_per_1000": 30.5, "patents_per_100k": 46, "enterprises_per_1000": 92,
            "labour_force_share": 0.54, "youth_share_of_labour_force": 0.085,
            "saifi": 0.32, "caidi_min": 48, "pt_km_per_100k": 265, "bike_km_per_100k": 215,
            "peak_min": 28.4, "travel_time_index": 1.24, "shared_bikes_per_100k": 380,
            "shared_cars_per_100k": 62, "cars_per_capita": 0.36, "public_floor_per_capita": 3.1,
            "litres_per_capita_day": 128, "pm10": 13.5, "pm25": 6.4, "no2": 17.5, "so2": 1.8,
            "o3": 52.0, "ghg_per_capita": 3.1, "waste_t_per_capita": 0.41,
            "antennas_per_1000": 1.9, "green_ha_per_100k": 1450,
            "recreation_m2_per_capita": 3.4, "energy_mwh_per_capita": 21.5,
            "electricity_kwh_per_capita": 7800, "thermal_gj_per_capita": 15.8,
            "public_kwh_per_m2": 138, "adult_share": 0.84, "school_age_share": 0.125,
            "preschool_share": 0.042, "births_per_1000": 11.2, "maternal_per_100k_births": 3.0,
            "life_expectancy": 82.9, "physicians_per_100k": 460, "beds_per_100k": 320,
            "culture_per_100k": 48, "income_per_household": 58_000, "female_hourly": 38.90,
            "male_hourly": 42.30, "disaster_deaths_per_100k": 0.03, "response_min": 8.2,
            "police_per_100k": 178, "fire_per_100k": 72, "violent_per_100k": 410,
            "road_deaths_per_100k": 1.4, "food_t_per_capita": 0.85,
        },
        yes_no={
            "urban_plan_compact": ALL_YES, "urban_plan_connected": ALL_YES,
            "urban_plan_integrated": ALL_YES, "urban_plan_inclusive": ALL_YES,
            "urban_plan_resilient": ALL_YES, "resilience_plan_implemented": ALL_YES,
        },
        # Municipal election in 2023: turnout 64.8 % in 2019, 67.2 % in 2023.
        election={"year": 2023, "eligible_before": 0.93, "turnout_before": 64.8,
                  "turnout_after": 67.2},
    ),
    # A mid-sized coastal city: tourism, storms and floods, some desalination, no para-transport.
    City(
        name="Brindle Bay (synthetic)",
        population=386_400, growth=0.005, household_size=2.30, area_km2=210.0,
        gdp_per_capita=41_200, gdp_growth=0.02,
        shares={
            "internet": (91.0, 0.9), "fixed_broadband": (71.5, 1.0), "cover_3g": (99.6, 0.1),
            "cover_4g": (98.2, 0.4), "smart_water": (22.0, 5.0), "water_monitored": (41.0, 4.0),
            "drainage_monitored": (18.0, 2.0), "smart_electricity": (71.0, 6.0),
            "electricity_monitored": (52.0, 3.0), "demand_response": (6.0, 1.5),
            "dynamic_info": (58.0, 6.0), "streets_monitored": (36.0, 4.0),
            "adaptive_control": (27.0, 3.0), "open_data": (41.0, 4.0),
            "procurement_online": (82.0, 4.0), "rd_of_gdp": (1.9, 0.05), "sme": (99.3, 0.0),
            "unemployment": (6.8, -0.3), "youth_unemployment": (15.8, -0.6),
            "tourism_jobs": (8.6, 0.3), "ict_jobs": (4.6, 0.2), "basic_water": (99.7, 0.0),
            "potable_water": (98.9, 0.1), "water_loss": (17.8, -0.5),
            "wastewater_collected": (96.5, 0.3), "sanitation": (99.5, 0.0),
            "waste_collected": (99.4, 0.1), "authorised_electricity": (99.8, 0.0),
            "near_pt_stop": (86.0, 0.5), "low_carbon_vehicles": (9.5, 2.5),
            "certified_floor": (17.0, 3.0), "bms_floor": (41.0, 4.0),
            "pedestrian_area": (0.7, 0.05), "water_safety_plan": (96.0, 0.8),
            "freshwater": (82.0, -0.5), "ww_primary": (96.0, 0.5), "ww_secondary": (88.0, 1.0),
            "ww_tertiary": (41.0, 3.0), "emf_compliant": (98.8, 0.2), "noise": (26.0, -0.4),
            "near_green": (78.0, 0.5), "protected_area": (8.2, 0.0), "renewables": (27.0, 2.0),
            "enrolment": (97.0, 0.2), "student_ict": (88.0, 2.0), "higher_degree": (24.0, 0.3),
            "literacy": (99.1, 0.0), "ehr": (78.0, 5.0), "health_coverage": (99.2, 0.1),
            "heritage_of_budget": (1.4, 0.0), "budget_of_gdp": (11.0, 0.0),
            "informal": (0.4, 0.0), "housing_of_income": (31.0, 0.5), "gini": (33.0, 0.0),
            "poverty": (11.5, -0.2), "daycare": (48.0, 2.0), "disaster_prone": (11.5, 0.1),
            "disaster_losses_of_gdp": (0.18, 0.0), "local_food": (31.0, 0.5),
        },
        rates={
            "wireless_per_capita": 1.18, "wifi_hotspots": 420, "water_meters_per_household": 0.45,
            "water_km_per_1000": 3.8, "drainage_km_per_1000": 3.1,
            "electricity_meters_per_household": 1.12, "electricity_km_per_1000": 10.8,
            "stops_per_1000": 3.6, "major_street_km_per_1000": 0.55,
            "intersections_per_1000": 1.1, "datasets": 910, "e_services": 168,
            "procurements_per_1000": 25.4, "patents_per_100k": 21, "enterprises_per_1000": 78,
            "labour_force_share": 0.50, "youth_share_of_labour_force": 0.09,
            "saifi": 0.9, "caidi_min": 72, "pt_km_per_100k": 180, "bike_km_per_100k": 92,
            "peak_min": 34.0, "travel_time_index": 1.38, "shared_bikes_per_100k": 150,
            "shared_cars_per_100k": 24, "cars_per_capita": 0.47, "public_floor_per_capita": 2.6,
            "litres_per_capita_day": 152, "pm10": 19.8, "pm25": 10.9, "no2": 25.4, "so2": 3.9,
            "o3": 61.5, "ghg_per_capita": 5.6, "waste_t_per_capita": 0.49,
            "antennas_per_1000": 1.5, "green_ha_per_100k": 820,
            "recreation_m2_per_capita": 2.2, "energy_mwh_per_capita": 24.0,
            "electricity_kwh_per_capita": 5400, "thermal_gj_per_capita": 9.4,
            "public_kwh_per_m2": 172, "adult_share": 0.83, "school_age_share": 0.13,
            "preschool_share": 0.040, "births_per_1000": 9.6, "maternal_per_100k_births": 4.0,
            "life_expectancy": 81.1, "physicians_per_100k": 350, "beds_per_100k": 410,
            "culture_per_100k": 31, "income_per_household": 39_500, "female_hourly": 24.60,
            "male_hourly": 28.40, "disaster_deaths_per_100k": 0.15, "response_min": 10.6,
            "police_per_100k": 232, "fire_per_100k": 88, "violent_per_100k": 560,
            "road_deaths_per_100k": 3.9, "food_t_per_capita": 0.85,
        },
        yes_no={
            "urban_plan_compact": ALL_YES, "urban_plan_connected": ALL_YES,
            "urban_plan_integrated": ALL_YES, "urban_plan_inclusive": ("no", "no", "yes"),
            "urban_plan_resilient": ALL_YES, "resilience_plan_implemented": ALL_YES,
        },
        election={"year": 2022, "eligible_before": 0.90, "turnout_before": 52.1,
                  "turnout_after": 55.4},
        not_applicable={"commuters_para_transport": "N/A: no para-transport services"},
    ),
    # A large, fast-growing middle-income city: informal settlements, para-transport, open dumps.
    City(
        name="Corvale (synthetic)",
        population=872_000, growth=0.014, household_size=2.60, area_km2=340.0,
        gdp_per_capita=9_800, gdp_growth=0.05,
        shares={
            "internet": (68.9, 2.6), "fixed_broadband": (31.0, 2.2), "cover_3g": (97.2, 0.6),
            "cover_4g": (88.5, 2.5), "smart_water": (6.0, 2.5), "water_monitored": (18.0, 3.0),
            "drainage_monitored": (6.0, 1.5), "smart_electricity": (24.0, 5.0),
            "electricity_monitored": (28.0, 3.0), "demand_response": (1.2, 0.6),
            "dynamic_info": (21.0, 5.0), "streets_monitored": (14.0, 4.0),
            "adaptive_control": (9.0, 3.0), "open_data": (12.0, 5.0),
            "procurement_online": (41.0, 8.0), "rd_of_gdp": (0.55, 0.05), "sme": (99.6, 0.0),
            "unemployment": (11.6, -0.6), "youth_unemployment": (24.5, -1.0),
            "tourism_jobs": (3.1, 0.1), "ict_jobs": (2.3, 0.2), "basic_water": (95.2, 0.6),
            "potable_water": (84.5, 1.2), "water_loss": (31.5, -0.8),
            "wastewater_collected": (71.0, 1.5), "sanitation": (88.0, 1.0),
            "waste_collected": (86.0, 1.5), "authorised_electricity": (94.0, 0.8),
            "near_pt_stop": (63.0, 1.5), "low_carbon_vehicles": (1.1, 0.5),
            "certified_floor": (3.0, 1.0), "bms_floor": (11.0, 2.0),
            "pedestrian_area": (0.35, 0.02), "water_safety_plan": (54.0, 4.0),
            "freshwater": (96.5, 0.0), "ww_primary": (64.0, 2.0), "ww_secondary": (47.0, 2.5),
            "ww_tertiary": (9.0, 1.0), "emf_compliant": (93.5, 1.0), "noise": (38.0, 0.0),
            "near_green": (46.0, 1.0), "protected_area": (2.1, 0.0), "renewables": (11.0, 1.5),
            "enrolment": (91.0, 0.8), "student_ict": (46.0, 5.0), "higher_degree": (11.0, 0.3),
            "literacy": (93.2, 0.3), "ehr": (22.0, 6.0), "health_coverage": (71.0, 3.0),
            "heritage_of_budget": (0.6, 0.0), "budget_of_gdp": (7.5, 0.0),
            "informal": (7.2, -0.3), "housing_of_income": (28.5, 0.3), "gini": (46.0, -0.2),
            "poverty": (21.0, -0.6), "daycare": (14.0, 2.0), "disaster_prone": (17.0, 0.0),
            "disaster_losses_of_gdp": (0.65, 0.0), "local_food": (38.0, 0.0),
        },
        rates={
            "wireless_per_capita": 0.86, "wifi_hotspots": 260, "water_meters_per_household": 0.6,
            "water_km_per_1000": 2.9, "drainage_km_per_1000": 2.0,
            "electricity_meters_per_household": 1.08, "electricity_km_per_1000": 7.4,
            "stops_per_1000": 2.2, "major_street_km_per_1000": 0.48,
            "intersections_per_1000": 0.75, "datasets": 380, "e_services": 74,
            "procurements_per_1000": 18.8, "patents_per_100k": 4.5, "enterprises_per_1000": 61,
            "labour_force_share": 0.47, "youth_share_of_labour_force": 0.11,
            "saifi": 3.4, "caidi_min": 138, "pt_km_per_100k": 95, "bike_km_per_100k": 11,
            "peak_min": 52.0, "travel_time_index": 1.72, "shared_bikes_per_100k": 22,
            "shared_cars_per_100k": 3.5, "cars_per_capita": 0.21, "public_floor_per_capita": 1.4,
            "litres_per_capita_day": 168, "pm10": 46.0, "pm25": 27.5, "no2": 38.0, "so2": 11.5,
            "o3": 48.0, "ghg_per_capita": 4.2, "waste_t_per_capita": 0.38,
            "antennas_per_1000": 0.9, "green_ha_per_100k": 240,
            "recreation_m2_per_capita": 0.8, "energy_mwh_per_capita": 9.5,
            "electricity_kwh_per_capita": 1650, "thermal_gj_per_capita": 2.1,
            "public_kwh_per_m2": 115, "adult_share": 0.74, "school_age_share": 0.19,
            "preschool_share": 0.062, "births_per_1000": 16.5, "maternal_per_100k_births": 48.0,
            "life_expectancy": 74.6, "physicians_per_100k": 142, "beds_per_100k": 160,
            "culture_per_100k": 9, "income_per_household": 14_800, "female_hourly": 4.10,
            "male_hourly": 5.05, "disaster_deaths_per_100k": 0.3, "response_min": 17.5,
            "police_per_100k": 285, "fire_per_100k": 41, "violent_per_100k": 780,
            "road_deaths_per_100k": 11.8, "food_t_per_capita": 0.78,
        },
        yes_no={
            "urban_plan_compact": ALL_YES, "urban_plan_connected": ("no", "no", "no"),
            "urban_plan_integrated": ("no", "no", "no"), "urban_plan_inclusive": ALL_YES,
            "urban_plan_resilient": ("no", "no", "yes"),
            "resilience_plan_implemented": ("no", "no", "yes"),
        },
        election={"year": 2024, "eligible_before": 0.88, "turnout_before": 43.6,
                  "turnout_after": 47.9},
        reported={2023: 71.6},
    ),
    # A small, slowly shrinking inland town: forests, volunteer firefighters, patchy statistics.
    City(
        name="Dunmere (synthetic)",
        population=84_500, growth=-0.003, household_size=2.25, area_km2=58.0,
        gdp_per_capita=36_400, gdp_growth=0.02,
        shares={
            "internet": (88.0, 1.2), "fixed_broadband": (64.0, 1.5), "cover_3g": (99.1, 0.2),
            "cover_4g": (95.0, 1.2), "smart_water": (35.0, 26.0), "water_monitored": (25.0, 2.0),
            "drainage_monitored": (0.0, 0.0), "smart_electricity": (40.0, 8.0),
            "electricity_monitored": (39.0, 2.0), "demand_response": (3.0, 1.0),
            "dynamic_info": (34.0, 4.0), "streets_monitored": (12.0, 2.0),
            "adaptive_control": (8.0, 2.0), "open_data": (22.0, 3.0),
            "procurement_online": (64.0, 6.0), "rd_of_gdp": (1.1, 0.03), "sme": (99.7, 0.0),
            "unemployment": (8.9, -0.2), "youth_unemployment": (19.2, -0.5),
            "tourism_jobs": (5.0, 0.1), "ict_jobs": (2.9, 0.1), "basic_water": (99.6, 0.0),
            "potable_water": (98.7, 0.1), "water_loss": (21.0, -0.4),
            "wastewater_collected": (93.0, 0.3), "sanitation": (99.3, 0.0),
            "waste_collected": (98.8, 0.1), "authorised_electricity": (99.7, 0.0),
            "near_pt_stop": (78.0, 0.3), "low_carbon_vehicles": (6.0, 2.0),
            "certified_floor": (8.0, 1.5), "bms_floor": (0.0, 0.0),
            "pedestrian_area": (0.5, 0.0), "water_safety_plan": (88.0, 1.0),
            "freshwater": (99.0, 0.0), "ww_primary": (92.0, 0.3), "ww_secondary": (90.5, 0.3),
            "ww_tertiary": (12.0, 0.5), "emf_compliant": (100.0, 0.0), "noise": (0.0, 0.0),
            "near_green": (84.0, 0.2), "protected_area": (19.0, 0.0), "renewables": (34.0, 2.0),
            "enrolment": (99.0, 0.0), "student_ict": (79.0, 3.0), "higher_degree": (17.0, 0.2),
            "literacy": (99.4, 0.0), "ehr": (64.0, 7.0), "health_coverage": (99.6, 0.0),
            "heritage_of_budget": (1.8, 0.0), "budget_of_gdp": (12.0, 0.0),
            "informal": (0.2, 0.0), "housing_of_income": (21.0, 0.3), "gini": (29.0, 0.0),
            "poverty": (9.4, 0.0), "daycare": (55.0, 1.0), "disaster_prone": (4.0, 0.0),
            "disaster_losses_of_gdp": (0.0, 0.0), "local_food": (44.0, 0.5),
        },
        rates={
            "wireless_per_capita": 1.05, "wifi_hotspots": 34, "water_meters_per_household": 0.55,
            "water_km_per_1000": 6.2, "drainage_km_per_1000": 4.8,
            "electricity_meters_per_household": 1.16, "electricity_km_per_1000": 16.0,
            "stops_per_1000": 3.9, "major_street_km_per_1000": 0.81,
            "intersections_per_1000": 0.9, "datasets": 140, "e_services": 61,
            "procurements_per_1000": 25.4, "patents_per_100k": 9, "enterprises_per_1000": 84,
            "labour_force_share": 0.49, "youth_share_of_labour_force": 0.08,
            "saifi": 1.25, "caidi_min": 95, "pt_km_per_100k": 120, "bike_km_per_100k": 68,
            "peak_min": 21.0, "travel_time_index": 1.12, "shared_bikes_per_100k": 40,
            "shared_cars_per_100k": 9, "cars_per_capita": 0.55, "public_floor_per_capita": 2.9,
            "litres_per_capita_day": 139, "pm10": 16.2, "pm25": 8.3, "no2": 14.1, "so2": 2.2,
            "o3": 55.0, "ghg_per_capita": 6.3, "waste_t_per_capita": 0.46,
            "antennas_per_1000": 1.3, "green_ha_per_100k": 1900,
            "recreation_m2_per_capita": 3.9, "energy_mwh_per_capita": 26.0,
            "electricity_kwh_per_capita": 6100, "thermal_gj_per_capita": 17.2,
            "public_kwh_per_m2": 195, "adult_share": 0.86, "school_age_share": 0.12,
            "preschool_share": 0.036, "births_per_1000": 8.1, "maternal_per_100k_births": 5.0,
            "life_expectancy": 80.2, "physicians_per_100k": 238, "beds_per_100k": 280,
            "culture_per_100k": 38, "income_per_household": 35_000, "female_hourly": 22.80,
            "male_hourly": 25.60, "disaster_deaths_per_100k": 0.05, "response_min": 12.1,
            "police_per_100k": 158, "fire_per_100k": 115, "violent_per_100k": 230,
            "road_deaths_per_100k": 4.7, "food_t_per_capita": 0.85,
        },
        yes_no={
            "urban_plan_compact": ALL_YES, "urban_plan_connected": ALL_YES,
            "urban_plan_integrated": ("no", "no", "no"), "urban_plan_inclusive": ALL_YES,
            "urban_plan_resilient": ALL_YES, "resilience_plan_implemented": ("no", "no", "no"),
        },
        election={"year": 2021, "eligible_before": 0.95, "turnout_before": 58.3,
                  "turnout_after": 58.3},
        missing=(
            "drainage_length_ict_monitored",
            "bms_public_floor_area",
            "population_exposed_to_noise",
            "disaster_economic_losses",
        ),
    ),
]

#: Commuter mode shares in % (private, public transport, walking, cycling, para-transport) in
#: 2022 and their change per year; each city's shares add up to 100.
MODE_SHARES = {
    "Aster (synthetic)": ((27.6, -1.0), (35.5, 0.4), (14.0, 0.0), (22.5, 0.6), (0.4, 0.0)),
    "Brindle Bay (synthetic)": ((48.0, -0.8), (27.0, 0.5), (13.0, 0.0), (12.0, 0.3), None),
    "Corvale (synthetic)": ((31.0, 0.4), (29.0, 0.6), (21.0, -0.5), (3.0, 0.2), (16.0, -0.7)),
    "Dunmere (synthetic)": ((61.0, -0.5), (11.0, 0.2), (17.0, 0.0), (10.5, 0.3), (0.5, 0.0)),
}
#: Solid waste routes in % (landfill, burnt in the open, incinerated, open dump, recycled,
#: other) in 2022 and their change per year; each city's routes add up to 100.
WASTE_ROUTES = {
    "Aster (synthetic)": ((1.5, -0.2), (0.0, 0.0), (52.0, -0.8), (0.0, 0.0), (44.0, 1.0),
                          (2.5, 0.0)),
    "Brindle Bay (synthetic)": ((41.0, -2.0), (0.0, 0.0), (18.0, 0.5), (0.0, 0.0), (36.5, 1.5),
                                (4.5, 0.0)),
    "Corvale (synthetic)": ((58.0, 1.0), (4.5, -0.5), (0.0, 0.0), (9.5, -1.5), (17.0, 1.0),
                            (11.0, 0.0)),
    "Dunmere (synthetic)": ((38.0, -1.5), (0.0, 0.0), (24.0, 0.5), (0.0, 0.0), (33.0, 1.0),
                            (5.0, 0.0)),
}


class Draw:
    """Random variation with a fixed seed: a few percent around each level."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def near(self, value: float, spread: float = 0.015) -> float:
        """``value`` times a factor close to 1 (normal, ``spread`` relative standard deviation)."""
        return float(value * (1.0 + self.rng.normal(0.0, spread)))

    def share(self, city: City, key: str, t: int, spread: float = 0.006) -> float:
        """A share in % for year index ``t``: the 2022 level, the trend and a little noise.

        The noise shrinks near 0 and 100 %, so a share of 99.9 % stays below 100 %.
        """
        base, change = city.shares[key]
        value = float(np.clip(base + change * t, 0.0, 100.0))
        value += self.rng.normal(0.0, spread) * min(value, 100.0 - value)
        return float(np.clip(value, 0.0, 100.0))

    def count(self, expected: float) -> int:
        """A yearly count of rare events (deaths, patents): Poisson around ``expected``."""
        return int(self.rng.poisson(max(expected, 0.0)))


def split(total: int, shares: list[float]) -> list[int]:
    """Split ``total`` into parts proportional to ``shares`` that add up to ``total`` exactly."""
    weights = np.asarray(shares, dtype=float)
    raw = weights / weights.sum() * total
    parts = np.floor(raw).astype(int)
    remainder = total - int(parts.sum())
    order = np.argsort(-(raw - parts), kind="stable")
    parts[order[:remainder]] += 1
    return [int(p) for p in parts]


def city_year(city: City, year: int, draw: Draw) -> dict[str, Any]:
    """Every data item of one city in one year (numbers; strings for yes/no and N/A)."""
    t = year - YEARS[0]
    r = city.rates
    pop = round(city.population * (1.0 + city.growth) ** t)
    per_k = pop / 1000.0
    per_100k = pop / 100_000.0
    households = round(pop / draw.near(city.household_size, 0.004))

    def of(whole: float, key: str) -> int:
        """A count that is the given share of ``whole`` (never more than the whole)."""
        return min(round(whole * draw.share(city, key, t) / 100.0), round(whole))

    def km(value: float) -> float:
        return round(value, 1)

    v: dict[str, Any] = {}
    # -- shared denominators and totals
    gdp = pop * city.gdp_per_capita * (1.0 + city.gdp_growth) ** t * draw.near(1.0, 0.01)
    labour_force = round(pop * draw.near(r["labour_force_share"], 0.005))
    youth_labour_force = round(labour_force * draw.near(r["youth_share_of_labour_force"], 0.01))
    adult_population = round(pop * draw.near(r["adult_share"], 0.002))
    school_age = round(pop * draw.near(r["school_age_share"], 0.005))
    electricity_meters = round(households * draw.near(r["electricity_meters_per_household"], 0.003))
    water_consumed = pop * draw.near(r["litres_per_capita_day"], 0.01) * 365 / 1000
    election_done = year >= city.election["year"]
    turnout = city.election["turnout_after" if election_done else "turnout_before"]
    # Eligible voters and votes are those of the last election, so they only change with it.
    eligible = round(
        city.population * (1.0 + city.growth) ** (city.election["year"] - YEARS[0])
        * city.election["eligible_before"] * r["adult_share"] * (1.0 if election_done else 0.99)
    )
    v.update(
        population=pop,
        households=households,
        city_area=city.area_km2,
        adult_population=adult_population,
        school_age_population=school_age,
        preschool_children=round(pop * draw.near(r["preschool_share"], 0.01)),
        live_births=round(pop * draw.near(r["births_per_1000"], 0.02) / 1000),
        eligible_voters=eligible,
        students_enrolled=of(school_age, "enrolment"),
        labour_force=labour_force,
        youth_labour_force=youth_labour_force,
        enterprises_total=round(per_k * draw.near(r["enterprises_per_1000"], 0.01)),
        city_gdp=round(gdp, -3),
        municipal_budget=round(gdp * draw.share(city, "budget_of_gdp", t) / 100, -3),
        electricity_meters_total=electricity_meters,
        electricity_customers_total=round(electricity_meters * 0.985),
        pt_stops_total=round(per_k * r["stops_per_1000"] * (1 + 0.01 * t)),
        commuters_total=round((labour_force - labour_force * city.shares["unemployment"][0] / 100)
                              * draw.near(0.93, 0.005)),
        passenger_vehicles_total=round(pop * draw.near(r["cars_per_capita"], 0.01)),
        public_building_floor_area=round(pop * r["public_floor_per_capita"], -2),
        water_consumed_total=round(water_consumed, -2),
        solid_waste_total=round(pop * draw.near(r["waste_t_per_capita"], 0.02)),
        energy_consumed_total=round(pop * draw.near(r["energy_mwh_per_capita"], 0.015), -2),
        food_supply_total=round(pop * draw.near(r["food_t_per_capita"], 0.01), -1),
    )
    loss = draw.share(city, "water_loss", t) / 100
    supplied = water_consumed * 0.96 / (1.0 - loss)
    v["water_supplied_total"] = round(supplied, -2)
    v["wastewater_total"] = round(water_consumed * draw.near(0.82, 0.01), -2)

    # -- Economy: ICT
    v["households_with_internet"] = of(households, "internet")
    v["fixed_broadband_subscription_count"] = of(households, "fixed_broadband")
    v["wireless_broadband_subscription_count"] = round(
        pop * (r["wireless_per_capita"] + 0.03 * t) * draw.near(1.0, 0.01)
    )
    v["population_covered_3g"] = of(pop, "cover_3g")
    v["population_covered_4g"] = min(of(pop, "cover_4g"), v["population_covered_3g"])
    v["public_wifi_hotspots"] = round(r["wifi_hotspots"] * (1 + 0.08 * t) * draw.near(1.0, 0.02))
    water_meters = round(households * draw.near(r["water_meters_per_household"], 0.005))
    v["smart_water_meters_installed"] = of(water_meters, "smart_water")
    v["water_meters_total"] = water_meters
    water_km = per_k * r["water_km_per_1000"] * (1 + 0.004 * t)
    v["water_network_length_ict_monitored"] = km(water_km * draw.share(city, "water_monitored", t)
                                                 / 100)
    v["water_network_length"] = km(water_km)
    drainage_km = per_k * r["drainage_km_per_1000"] * (1 + 0.004 * t)
    v["drainage_length_ict_monitored"] = km(
        drainage_km * draw.share(city, "drainage_monitored", t) / 100
    )
    v["drainage_network_length"] = km(drainage_km)
    v["smart_electricity_meters_installed"] = of(electricity_meters, "smart_electricity")
    electricity_km = per_k * r["electricity_km_per_1000"] * (1 + 0.005 * t)
    v["electricity_network_length_ict_monitored"] = km(
        electricity_km * draw.share(city, "electricity_monitored", t) / 100
    )
    v["electricity_network_length"] = km(electricity_km)
    v["electricity_customers_demand_response"] = of(
        v["electricity_customers_total"], "demand_response"
    )
    v["pt_stops_with_dynamic_info"] = of(v["pt_stops_total"], "dynamic_info")
    street_km = per_k * r["major_street_km_per_1000"]
    v["major_streets_ict_monitored_length"] = km(
        street_km * draw.share(city, "streets_monitored", t) / 100
    )
    v["major_street_length"] = km(street_km)
    intersections = round(per_k * r["intersections_per_1000"] * (1 + 0.01 * t))
    v["intersections_adaptive_control"] = of(intersections, "adaptive_control")
    v["signalised_intersections_total"] = intersections
    datasets = round(r["datasets"] * (1 + 0.07 * t) * draw.near(1.0, 0.01))
    v["open_datasets_published"] = of(datasets, "open_data")
    v["datasets_inventoried"] = datasets
    v["e_government_services"] = round(r["e_services"] * (1 + 0.07 * t))
    procurements = round(per_k * r["procurements_per_1000"] * draw.near(1.0, 0.03))
    v["procurements_online"] = of(procurements, "procurement_online")
    v["procurements_total"] = procurements

    # -- Economy: Productivity
    v["research_development_spending"] = round(gdp * draw.share(city, "rd_of_gdp", t) / 100, -3)
    v["patents_granted"] = draw.count(per_100k * r["patents_per_100k"])
    v["small_medium_enterprises"] = of(v["enterprises_total"], "sme")
    unemployed = of(labour_force, "unemployment")
    v["unemployed_people"] = unemployed
    v["unemployed_youth"] = min(of(youth_labour_force, "youth_unemployment"), unemployed)
    v["tourism_sector_employees"] = of(labour_force, "tourism_jobs")
    v["ict_sector_employees"] = of(labour_force, "ict_jobs")

    # -- Economy: Infrastructure
    v["households_basic_water"] = of(households, "basic_water")
    v["households_potable_water"] = min(of(households, "potable_water"),
                                        v["households_basic_water"])
    v["water_lost_in_distribution"] = round(supplied * loss, -2)
    v["households_wastewater_collection"] = of(households, "wastewater_collected")
    v["households_basic_sanitation"] = of(households, "sanitation")
    v["households_waste_collection"] = of(households, "waste_collected")
    interruptions = round(v["electricity_customers_total"] * draw.near(r["saifi"], 0.08))
    v["customer_interruptions"] = interruptions
    v["customer_interruption_minutes"] = round(interruptions * draw.near(r["caidi_min"], 0.05))
    v["households_authorised_electricity"] = of(households, "authorised_electricity")
    v["pt_network_length"] = km(per_100k * r["pt_km_per_100k"] * (1 + 0.01 * t))
    v["population_near_pt_stop"] = of(pop, "near_pt_stop")
    v["bicycle_path_length"] = km(per_100k * r["bike_km_per_100k"] * (1 + 0.04 * t))
    modes = [None if m is None else max(m[0] + m[1] * t, 0.0) * draw.near(1.0, 0.01)
             for m in MODE_SHARES[city.routes_of]]
    present = [m for m in modes if m is not None]
    parts = iter(split(v["commuters_total"], present))
    names = ["commuters_private_vehicles", "commuters_public_transport", "commuters_walking",
             "commuters_cycling", "commuters_para_transport"]
    for name, mode in zip(names, modes, strict=True):
        v[name] = None if mode is None else next(parts)
    peak = draw.near(r["peak_min"] * (1 + 0.01 * t), 0.01)
    v["peak_travel_time"] = round(peak, 1)
    v["free_flow_travel_time"] = round(peak / draw.near(r["travel_time_index"], 0.01), 1)
    v["shared_bicycles_available"] = round(per_100k * r["shared_bikes_per_100k"] * (1 + 0.1 * t))
    v["shared_vehicles_available"] = round(per_100k * r["shared_cars_per_100k"] * (1 + 0.1 * t))
    v["low_carbon_passenger_vehicles"] = of(v["passenger_vehicles_total"], "low_carbon_vehicles")
    v["certified_public_floor_area"] = of(v["public_building_floor_area"], "certified_floor")
    v["bms_public_floor_area"] = of(v["public_building_floor_area"], "bms_floor")
    v["pedestrian_zone_area"] = round(city.area_km2 * draw.share(city, "pedestrian_area", t)
                                      / 100, 2)
    for name, values in city.yes_no.items():
        v[name] = values[t]

    # -- Environment: Environment
    trend = 1.0 - 0.02 * t  # air quality improves a little every year
    v["pm10_annual_mean"] = round(draw.near(r["pm10"] * trend, 0.03), 1)
    v["pm25_annual_mean"] = round(draw.near(r["pm25"] * trend, 0.03), 1)
    v["no2_annual_mean"] = round(draw.near(r["no2"] * trend, 0.03), 1)
    v["so2_annual_mean"] = round(draw.near(r["so2"] * trend, 0.03), 1)
    v["o3_annual_mean"] = round(draw.near(r["o3"], 0.02), 1)
    v["ghg_emissions_total"] = round(pop * draw.near(r["ghg_per_capita"] * (1 - 0.03 * t), 0.01),
                                     -2)
    v["households_water_safety_plan"] = of(households, "water_safety_plan")
    v["freshwater_consumed"] = round(v["water_consumed_total"]
                                     * draw.share(city, "freshwater", t) / 100, -2)
    wastewater = v["wastewater_total"]
    primary = round(wastewater * draw.share(city, "ww_primary", t) / 100, -2)
    secondary = min(round(wastewater * draw.share(city, "ww_secondary", t) / 100, -2), primary)
    tertiary = min(round(wastewater * draw.share(city, "ww_tertiary", t) / 100, -2), secondary)
    v["wastewater_primary_treated"] = primary
    v["wastewater_secondary_treated"] = secondary
    v["wastewater_tertiary_treated"] = tertiary
    routes = [max(base + change * t, 0.0) * draw.near(1.0, 0.01)
              for base, change in WASTE_ROUTES[city.routes_of]]
    for name, part in zip(
        ["solid_waste_landfilled", "solid_waste_burnt_open", "solid_waste_incinerated",
         "solid_waste_open_dumped", "solid_waste_recycled", "solid_waste_other_treatment"],
        split(v["solid_waste_total"], routes),
        strict=True,
    ):
        v[name] = part
    antennas = round(per_k * r["antennas_per_1000"] * (1 + 0.04 * t))
    v["antenna_sites_emf_compliant"] = of(antennas, "emf_compliant")
    v["antenna_sites_total"] = antennas
    v["population_exposed_to_noise"] = of(pop, "noise")
    v["green_space_area"] = round(per_100k * draw.near(r["green_ha_per_100k"], 0.005))
    v["population_near_green_area"] = of(pop, "near_green")
    v["protected_natural_area"] = round(city.area_km2 * city.shares["protected_area"][0] / 100, 1)
    v["recreational_facility_area"] = round(pop * r["recreation_m2_per_capita"]
                                            * (1 + 0.01 * t), -2)

    # -- Environment: Energy
    v["renewable_energy_consumed"] = round(v["energy_consumed_total"]
                                           * draw.share(city, "renewables", t) / 100, -2)
    v["electricity_consumed_total"] = round(
        pop * draw.near(r["electricity_kwh_per_capita"], 0.01), -3
    )
    v["residential_thermal_energy_consumed"] = round(
        pop * draw.near(r["thermal_gj_per_capita"] * (1 - 0.01 * t), 0.02), -2
    )
    v["public_building_energy_consumed"] = round(
        v["public_building_floor_area"] * draw.near(r["public_kwh_per_m2"] * (1 - 0.015 * t),
                                                    0.01), -3
    )

    # -- Society and Culture: Education, Health and Culture
    v["students_with_ict_access"] = of(v["students_enrolled"], "student_ict")
    v["inhabitants_with_higher_degree"] = of(pop, "higher_degree")
    v["literate_adults"] = of(adult_population, "literacy")
    v["population_with_electronic_health_record"] = of(pop, "ehr")
    v["life_expectancy_at_birth"] = round(r["life_expectancy"] + 0.15 * t
                                          + draw.rng.normal(0.0, 0.1), 1)
    v["maternal_deaths"] = draw.count(v["live_births"] * r["maternal_per_100k_births"] / 1e5)
    v["licensed_physicians"] = round(per_100k * draw.near(r["physicians_per_100k"], 0.01))
    v["inpatient_hospital_beds"] = round(per_100k * draw.near(r["beds_per_100k"], 0.005))
    v["population_with_health_coverage"] = of(pop, "health_coverage")
    v["cultural_heritage_expenditure"] = round(
        v["municipal_budget"] * draw.share(city, "heritage_of_budget", t, 0.03) / 100, -3
    )
    v["cultural_institutions"] = round(per_100k * r["culture_per_100k"])

    # -- Society and Culture: Safety, Housing and Social Inclusion
    income = r["income_per_household"] * (1.0 + city.gdp_growth) ** t * draw.near(1.0, 0.005)
    v["population_in_informal_settlements"] = of(pop, "informal")
    v["household_housing_expenditure"] = round(
        income * draw.share(city, "housing_of_income", t) / 100, -1
    )
    v["household_income"] = round(income, -1)
    wages = (1.0 + city.gdp_growth) ** t
    v["female_mean_hourly_earnings"] = round(r["female_hourly"] * wages * (1 + 0.004 * t), 2)
    v["male_mean_hourly_earnings"] = round(r["male_hourly"] * wages, 2)
    v["gini_index"] = round(draw.share(city, "gini", t, 0.005) / 100, 3)
    v["population_below_poverty_line"] = of(pop, "poverty")
    v["votes_cast_municipal_election"] = round(eligible * turnout / 100)
    v["daycare_places"] = of(v["preschool_children"], "daycare")
    v["natural_disaster_deaths"] = draw.count(per_100k * r["disaster_deaths_per_100k"])
    v["disaster_economic_losses"] = round(gdp * draw.share(city, "disaster_losses_of_gdp", t,
                                                           0.2) / 100, -3)
    v["population_in_disaster_prone_areas"] = of(pop, "disaster_prone")
    v["emergency_response_minutes"] = round(draw.near(r["response_min"] * (1 - 0.015 * t), 0.02),
                                            1)
    v["police_officers_fte"] = round(per_100k * draw.near(r["police_per_100k"], 0.01), 1)
    v["firefighters_fte"] = round(per_100k * draw.near(r["fire_per_100k"], 0.01), 1)
    v["violent_crimes_reported"] = draw.count(per_100k * r["violent_per_100k"])
    v["road_traffic_deaths"] = draw.count(per_100k * r["road_deaths_per_100k"])
    v["food_supplied_within_100km"] = of(v["food_supply_total"], "local_food")

    # -- what the city did not, or could not, report
    for name in city.missing:
        v[name] = None
    for name, text in city.not_applicable.items():
        v[name] = text
    if year in city.reported:
        v["households_with_internet"] = None
    return v


#: (part, whole) pairs: the part can never exceed the whole.
PARTS = [
    ("households_with_internet", "households"),
    ("fixed_broadband_subscription_count", "households_with_internet"),
    ("population_covered_3g", "population"),
    ("population_covered_4g", "population_covered_3g"),
    ("smart_water_meters_installed", "water_meters_total"),
    ("water_network_length_ict_monitored", "water_network_length"),
    ("drainage_length_ict_monitored", "drainage_network_length"),
    ("smart_electricity_meters_installed", "electricity_meters_total"),
    ("electricity_network_length_ict_monitored", "electricity_network_length"),
    ("electricity_customers_demand_response", "electricity_customers_total"),
    ("pt_stops_with_dynamic_info", "pt_stops_total"),
    ("major_streets_ict_monitored_length", "major_street_length"),
    ("intersections_adaptive_control", "signalised_intersections_total"),
    ("open_datasets_published", "datasets_inventoried"),
    ("procurements_online", "procurements_total"),
    ("research_development_spending", "city_gdp"),
    ("small_medium_enterprises", "enterprises_total"),
    ("unemployed_people", "labour_force"),
    ("unemployed_youth", "youth_labour_force"),
    ("unemployed_youth", "unemployed_people"),
    ("youth_labour_force", "labour_force"),
    ("tourism_sector_employees", "labour_force"),
    ("ict_sector_employees", "labour_force"),
    ("labour_force", "population"),
    ("households_potable_water", "households_basic_water"),
    ("households_basic_water", "households"),
    ("water_lost_in_distribution", "water_supplied_total"),
    ("households_wastewater_collection", "households"),
    ("households_basic_sanitation", "households"),
    ("households_waste_collection", "households"),
    ("households_authorised_electricity", "households"),
    ("population_near_pt_stop", "population"),
    ("free_flow_travel_time", "peak_travel_time"),
    ("low_carbon_passenger_vehicles", "passenger_vehicles_total"),
    ("certified_public_floor_area", "public_building_floor_area"),
    ("bms_public_floor_area", "public_building_floor_area"),
    ("pedestrian_zone_area", "city_area"),
    ("pm25_annual_mean", "pm10_annual_mean"),
    ("households_water_safety_plan", "households"),
    ("freshwater_consumed", "water_consumed_total"),
    ("wastewater_total", "water_consumed_total"),
    ("wastewater_tertiary_treated", "wastewater_secondary_treated"),
    ("wastewater_secondary_treated", "wastewater_primary_treated"),
    ("wastewater_primary_treated", "wastewater_total"),
    ("antenna_sites_emf_compliant", "antenna_sites_total"),
    ("population_exposed_to_noise", "population"),
    ("population_near_green_area", "population"),
    ("protected_natural_area", "city_area"),
    ("renewable_energy_consumed", "energy_consumed_total"),
    ("students_with_ict_access", "students_enrolled"),
    ("inhabitants_with_higher_degree", "population"),
    ("literate_adults", "adult_population"),
    ("adult_population", "population"),
    ("eligible_voters", "adult_population"),
    ("votes_cast_municipal_election", "eligible_voters"),
    ("population_with_electronic_health_record", "population"),
    ("population_with_health_coverage", "population"),
    ("maternal_deaths", "live_births"),
    ("cultural_heritage_expenditure", "municipal_budget"),
    ("municipal_budget", "city_gdp"),
    ("population_in_informal_settlements", "population"),
    ("household_housing_expenditure", "household_income"),
    ("population_below_poverty_line", "population"),
    ("daycare_places", "preschool_children"),
    ("disaster_economic_losses", "city_gdp"),
    ("population_in_disaster_prone_areas", "population"),
    ("food_supplied_within_100km", "food_supply_total"),
]
#: Items that add up exactly to a total.
SUMS = {
    "commuters_total": ["commuters_private_vehicles", "commuters_public_transport",
                        "commuters_walking", "commuters_cycling", "commuters_para_transport"],
    "solid_waste_total": ["solid_waste_landfilled", "solid_waste_burnt_open",
                          "solid_waste_incinerated", "solid_waste_open_dumped",
                          "solid_waste_recycled", "solid_waste_other_treatment"],
}


#: Rates that are parts of a whole (of the population, of households): a peer keeps them.
FIXED_RATES = frozenset({
    "adult_share", "school_age_share", "preschool_share", "labour_force_share",
    "youth_share_of_labour_force", "electricity_meters_per_household",
    "water_meters_per_household",
})
#: The share behind each item a city leaves empty (its level there is a placeholder, 0).
SHARE_OF_ITEM = {
    "drainage_length_ict_monitored": "drainage_monitored",
    "bms_public_floor_area": "bms_floor",
    "population_exposed_to_noise": "noise",
    "disaster_economic_losses": "disaster_losses_of_gdp",
}


def peer_cities() -> list[City]:
    """Twelve fictional peers, three variants of each profile, every level moved at random.

    A share above 50 % has its distance to 100 % moved, so it stays below 100 %, and the travel
    time index its distance to 1, so it stays above 1; life expectancy moves by a year or two;
    other shares and rates are multiplied by a factor near 1 (about ±10 %), and the population
    by 0.6 to 1.6. A peer reports the items its
    profile's city leaves empty, at the median level of the other profiles.
    """
    rng = np.random.default_rng(PEERS_SEED)

    def factor() -> float:
        return float(np.exp(rng.normal(0.0, 0.1)))

    def moved(level: float, floor: float = 0.0, ceiling: float = 100.0) -> float:
        if level > (floor + ceiling) / 2:
            return ceiling - (ceiling - level) * factor()
        return floor + (level - floor) * factor()

    peers = []
    for n in range(PEERS_PER_PROFILE * len(CITIES)):
        city = CITIES[n % len(CITIES)]
        shares = dict(city.shares)
        for item in city.missing:
            key = SHARE_OF_ITEM[item]
            others = [c.shares[key] for c in CITIES if c is not city]
            shares[key] = (float(np.median([o[0] for o in others])), 0.0)
        rates = {k: v if k in FIXED_RATES else v * factor() for k, v in city.rates.items()}
        rates["travel_time_index"] = moved(city.rates["travel_time_index"], 1.0, 3.0)
        rates["life_expectancy"] = city.rates["life_expectancy"] + float(rng.normal(0.0, 1.5))
        peers.append(replace(
            city,
            name=f"Peer City {n + 1:02d} (synthetic)",
            profile=city.name,
            population=city.population * float(rng.uniform(0.6, 1.6)),
            shares={k: (moved(base), change) for k, (base, change) in shares.items()},
            rates=rates,
            missing=(),
            reported={},
        ))
    return peers


def check_consistency(row: dict[str, Any]) -> None:
    """Raise if a part exceeds its whole or a breakdown does not add up to its total."""

    def number(name: str) -> float | None:
        value = row[name]
        return float(value) if isinstance(value, (int, float)) else None

    where = f"{row['city']} {row['year']}"
    for part, whole in PARTS:
        a, b = number(part), number(whole)
        if a is not None and b is not None and a > b:
            raise AssertionError(f"{where}: {part} = {a:g} exceeds {whole} = {b:g}")
    for total, names in SUMS.items():
        parts = [number(n) for n in names]
        if sum(p for p in parts if p is not None) != number(total):
            raise AssertionError(f"{where}: {', '.join(names)} do not add up to {total}")
    households, population = number("households"), number("population")
    assert households is not None
    assert population is not None
    if not 2.0 <= population / households <= 2.7:
        raise AssertionError(f"{where}: {population / households:.2f} inhabitants per household")


def item_names() -> list[str]:
    """The raw data items of the built-in plugins, in catalogue order.

    Only the plugins shipped in ``u4ssc.plugins`` are loaded, whatever else is installed or set
    in ``U4SSC_PLUGINS_DIR``, so the file always has the same columns.
    """
    from importlib.metadata import entry_points

    from u4ssc.core import Engine

    builtin = sorted(
        (ep for ep in entry_points(group="u4ssc") if ep.value.startswith("u4ssc.plugins.")),
        key=lambda ep: ep.name,
    )
    saved = {k: os.environ.pop(k) for k in ("U4SSC_PLUGINS_DIR", "U4SSC_BLOCK_PLUGINS")
             if k in os.environ}
    try:
        engine = Engine.load(plugins=[(ep.name, ep.load()) for ep in builtin], entry_points=False)
    finally:
        os.environ.update(saved)
    return list(engine.catalogue.items)


def cell(value: Any) -> str:
    """How a value is written: integers without a decimal point, empty for not reported."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def make_rows(
    cities: list[City] = CITIES, years: tuple[int, ...] = YEARS, seed: int = SEED
) -> list[dict[str, Any]]:
    """Every city and year, in order, with ``city``, ``year`` and every data item."""
    draw = Draw(seed)
    rows = []
    for city in cities:
        for year in years:
            row = {"city": city.name, "year": year, **city_year(city, year, draw)}
            row[REPORTED_KPI] = city.reported.get(year)
            check_consistency(row)
            rows.append(row)
    return rows


def render(rows: list[dict[str, Any]] | None = None) -> str:
    """The text of examples/cities.csv, or of ``rows`` in its layout (the same on every run)."""
    import io

    names = item_names()
    rows = make_rows() if rows is None else rows
    drawn = set(rows[0]) - {"city", "year", REPORTED_KPI}
    if drawn != set(names):
        raise SystemExit(
            "the example data and the catalogue disagree: "
            f"no values for {sorted(set(names) - drawn)}, "
            f"unknown items {sorted(drawn - set(names))}"
        )
    header = ["city", "year", *names, REPORTED_KPI]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(row[name]) for name in header])
    return buffer.getvalue()


def render_peers() -> str:
    """The text of examples/peers.csv: the peer cities' rows of PEERS_YEAR."""
    return render(make_rows(peer_cities(), (PEERS_YEAR,), PEERS_SEED))


def main() -> None:
    """Write examples/cities.csv and examples/peers.csv."""
    for path, text in ((OUTPUT, render()), (PEERS_OUTPUT, render_peers())):
        path.write_text(text, encoding="utf-8", newline="\n")
        lines = text.splitlines()
        print(
            f"wrote {path.relative_to(HERE.parent)}: {len(lines) - 1} rows, "
            f"{len(lines[0].split(','))} columns"
        )


if __name__ == "__main__":
    main()
