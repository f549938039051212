"""The Environment dimension plugin: every KPI's formula, its metadata and its consistency checks.

The indicator functions are called directly on numpy arrays, as the engine will call them.
"""

from __future__ import annotations

import numpy as np
import pytest

from u4ssc.core import Direction
from u4ssc.core.model import data_items_in, indicator_of, indicators_in
from u4ssc.plugins import environment, shared
from u4ssc.plugins.environment import energy
from u4ssc.plugins.environment import environment as env

# The shared test logic is a plain module: have pytest rewrite its asserts, as in a test file.
pytest.register_assert_rewrite("formula_cases")
from formula_cases import check_tests, data_item_tests, formula_tests  # noqa: E402

INDICATORS = environment.u4ssc_indicators()
CHECKS = environment.u4ssc_checks()

# (indicator function, raw inputs, expected value, or {point key: value} for a multi-value KPI)
CASES = [
    # Environment
    (
        env.air_pollution,
        {
            "pm10_annual_mean": 18,
            "pm25_annual_mean": 9,
            "no2_annual_mean": 22,
            "so2_annual_mean": 4,
            "o3_annual_mean": 55,
        },
        {"PM10": 18.0, "PM2.5": 9.0, "NO2": 22.0, "SO2": 4.0, "O3": 55.0},
    ),
    (env.ghg_emissions, {"ghg_emissions_total": 400_000, "population": 80_000}, 5.0),
    (
        env.drinking_water_quality,
        {"households_water_safety_plan": 9600, "households": 10_000},
        96.0,
    ),
    # 5 840 000 m³ × 1000 l/m³ ÷ 365 days ÷ 80 000 inhabitants = 200 l per inhabitant per day
    (env.water_consumption, {"water_consumed_total": 5_840_000, "population": 80_000}, 200.0),
    (
        env.freshwater_consumption,
        {"freshwater_consumed": 4_380_000, "water_consumed_total": 5_840_000},
        75.0,
    ),
    (
        env.wastewater_treatment,
        {
            "wastewater_primary_treated": 950_000,
            "wastewater_secondary_treated": 800_000,
            "wastewater_tertiary_treated": 400_000,
            "wastewater_total": 1_000_000,
        },
        {"primary": 95.0, "secondary": 80.0, "tertiary": 40.0},
    ),
    (
        env.solid_waste_treatment,
        {
            "solid_waste_landfilled": 20_000,
            "solid_waste_burnt_open": 500,
            "solid_waste_incinerated": 10_000,
            "solid_waste_open_dumped": 1500,
            "solid_waste_recycled": 17_000,
            "solid_waste_other_treatment": 1000,
            "solid_waste_total": 50_000,
        },
        {
            "landfill": 40.0,
            "burnt_open": 1.0,
            "incinerated": 20.0,
            "open_dump": 3.0,
            "recycled": 34.0,
            "other": 2.0,
        },
    ),
    (env.emf_exposure, {"antenna_sites_emf_compliant": 475, "antenna_sites_total": 500}, 95.0),
    (env.noise_exposure, {"population_exposed_to_noise": 12_000, "population": 80_000}, 15.0),
    (env.green_areas, {"green_space_area": 640, "population": 80_000}, 800.0),
    (
        env.green_area_accessibility,
        {"population_near_green_area": 60_000, "population": 80_000},
        75.0,
    ),
    (env.protected_natural_areas, {"protected_natural_area": 6, "city_area": 48}, 12.5),
    (
        env.recreational_facilities,
        {"recreational_facility_area": 120_000, "population": 80_000},
        150_000.0,
    ),
    # Energy
    (
        energy.renewable_energy_consumption,
        {"renewable_energy_consumed": 450_000, "energy_consumed_total": 1_500_000},
        30.0,
    ),
    (
        energy.electricity_consumption,
        {"electricity_consumed_total": 520_000_000, "population": 80_000},
        6500.0,
    ),
    (
        energy.residential_thermal_energy_consumption,
        {"residential_thermal_energy_consumed": 1_200_000, "population": 80_000},
        15.0,
    ),
    (
        energy.public_building_energy_consumption,
        {"public_building_energy_consumed": 18_000_000, "public_building_floor_area": 120_000},
        150.0,
    ),
]

#: The denominator input of every KPI that has one.
DENOMINATORS = {
    env.ghg_emissions: "population",
    env.drinking_water_quality: "households",
    env.water_consumption: "population",
    env.freshwater_consumption: "water_consumed_total",
    env.wastewater_treatment: "wastewater_total",
    env.solid_waste_treatment: "solid_waste_total",
    env.emf_exposure: "antenna_sites_total",
    env.noise_exposure: "population",
    env.green_areas: "population",
    env.green_area_accessibility: "population",
    env.protected_natural_areas: "city_area",
    env.recreational_facilities: "population",
    energy.renewable_energy_consumption: "energy_consumed_total",
    energy.electricity_consumption: "population",
    energy.residential_thermal_energy_consumption: "population",
    energy.public_building_energy_consumption: "public_building_floor_area",
}

#: KPIs that report a value the city gives directly (no denominator).
DIRECT = {env.air_pollution}

#: Point keys the shared brief fixes for this dimension's multi-value KPIs.
POINT_KEYS = {
    env.air_pollution: {"PM2.5", "PM10", "NO2", "SO2", "O3"},
    env.wastewater_treatment: {"primary", "secondary", "tertiary"},
    env.solid_waste_treatment: {
        "landfill",
        "burnt_open",
        "incinerated",
        "open_dump",
        "recycled",
        "other",
    },
}


# -- formulas --------------------------------------------------------------------------------------

TestFormulas = formula_tests(INDICATORS, CASES, DENOMINATORS, DIRECT)


def test_air_pollution_returns_each_concentration_unchanged():
    values = {
        name: np.array([float(i), np.nan])
        for i, name in enumerate(
            [
                "pm10_annual_mean",
                "pm25_annual_mean",
                "no2_annual_mean",
                "so2_annual_mean",
                "o3_annual_mean",
            ]
        )
    }
    result = env.air_pollution(**values)
    assert result["PM10"] is values["pm10_annual_mean"]
    assert result["PM2.5"] is values["pm25_annual_mean"]
    assert result["NO2"] is values["no2_annual_mean"]
    assert result["SO2"] is values["so2_annual_mean"]
    assert result["O3"] is values["o3_annual_mean"]


def test_water_consumption_is_litres_per_inhabitant_per_day():
    # 1 m³ per inhabitant per year is 1000 / 365 litres a day.
    result = env.water_consumption(np.array([365.0, 73_000.0]), np.array([1.0, 1000.0]))
    np.testing.assert_allclose(result, [1000.0, 200.0], rtol=1e-12)


# -- consistency checks ----------------------------------------------------------------------------

# (check, broken row, good row); each row gives the indicator values the check reads.
CHECK_CASES = [
    (
        env.wastewater_levels_out_of_order,
        {"wastewater_treatment": {"primary": 80.0, "secondary": 60.0, "tertiary": 70.0}},
        {"wastewater_treatment": {"primary": 95.0, "secondary": 80.0, "tertiary": 40.0}},
    ),
    (
        env.solid_waste_shares_off_100,
        {
            "solid_waste_treatment": {
                "landfill": 40.0,
                "burnt_open": 1.0,
                "incinerated": 20.0,
                "open_dump": 3.0,
                "recycled": 24.0,
                "other": 2.0,
            }
        },
        {
            "solid_waste_treatment": {
                "landfill": 40.0,
                "burnt_open": 1.0,
                "incinerated": 20.0,
                "open_dump": 3.0,
                "recycled": 34.0,
                "other": 2.0,
            }
        },
    ),
]

TestChecks = check_tests(INDICATORS, CHECKS, CHECK_CASES)


@pytest.mark.parametrize(
    ("primary", "secondary", "tertiary", "flagged"),
    [
        (95.0, 80.0, 40.0, False),
        (80.0, 80.0, 80.0, False),  # equal levels are allowed
        (80.0, 90.0, 10.0, True),  # secondary above primary
        (80.0, 60.0, 70.0, True),  # tertiary above secondary
        (np.nan, 60.0, 70.0, True),  # what can be compared still is
        (50.0, np.nan, 70.0, True),  # tertiary above primary, secondary missing
        (80.0, np.nan, 70.0, False),
        (80.0, 60.0, np.nan, False),
        (np.nan, np.nan, np.nan, False),
    ],
)
def test_wastewater_levels_in_order(primary, secondary, tertiary, flagged):
    levels = {"primary": primary, "secondary": secondary, "tertiary": tertiary}
    result = env.wastewater_levels_out_of_order({k: np.array([v]) for k, v in levels.items()})
    assert result.tolist() == [flagged]


@pytest.mark.parametrize(
    ("total", "flagged"),
    [(100.0, False), (98.0, False), (102.0, False), (97.9, True), (102.1, True), (90.0, True)],
)
def test_solid_waste_shares_tolerate_two_points(total, flagged):
    shares = {
        "landfill": total - 60.0,
        "burnt_open": 1.0,
        "incinerated": 20.0,
        "open_dump": 3.0,
        "recycled": 34.0,
        "other": 2.0,
    }
    result = env.solid_waste_shares_off_100({k: np.array([v]) for k, v in shares.items()})
    assert result.tolist() == [flagged]


def test_checks_agree_with_computed_indicators():
    total = np.array([1000.0, 1000.0])
    treated = env.wastewater_treatment(
        np.array([900.0, 900.0]), np.array([700.0, 700.0]), np.array([750.0, 300.0]), total
    )
    assert env.wastewater_levels_out_of_order(treated).tolist() == [True, False]
    waste = env.solid_waste_treatment(
        *(np.array([v, v]) for v in (400.0, 10.0, 200.0, 30.0, 340.0, 20.0)),
        np.array([1000.0, 1200.0]),
    )
    assert env.solid_waste_shares_off_100(waste).tolist() == [False, True]


# -- metadata (tests/test_catalogue.py compares every KPI with the U4SSC reference list) -----------


def test_modules_hold_their_subdimension():
    assert {indicator_of(f).subdimension for f in indicators_in(env)} == {"Environment"}
    assert {indicator_of(f).subdimension for f in indicators_in(energy)} == {"Energy"}


@pytest.mark.parametrize("func", list(POINT_KEYS), ids=lambda f: f.__name__)
def test_point_keys_are_the_agreed_ones(func):
    meta = indicator_of(func)
    keys = [point.key for point in meta.points]
    assert len(keys) == len(set(keys))
    assert set(keys) == POINT_KEYS[func]


def test_solid_waste_points_have_their_own_directions():
    meta = indicator_of(env.solid_waste_treatment)
    assert meta.direction == Direction.NONE
    assert {p.key: p.direction for p in meta.points} == {
        "landfill": Direction.LOWER,
        "burnt_open": Direction.LOWER,
        "incinerated": Direction.NONE,
        "open_dump": Direction.LOWER,
        "recycled": Direction.HIGHER,
        "other": Direction.NONE,
    }


# -- data items ------------------------------------------------------------------------------------

TestDataItems = data_item_tests(environment)


@pytest.mark.parametrize(
    ("item", "units"),
    [
        (env.pm10_annual_mean, {"mg/m³": 1000.0}),
        (env.pm25_annual_mean, {"mg/m³": 1000.0}),
        (env.no2_annual_mean, {"ppb": 1.9, "ppm": 1900.0}),
        (env.so2_annual_mean, {"ppb": 2.62, "ppm": 2620.0}),
        (env.o3_annual_mean, {"ppb": 1.96, "ppm": 1960.0}),
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_pollutants_are_stored_in_micrograms_and_convert_other_units(item, units):
    assert item.unit == "µg/m³"
    assert item.units == pytest.approx(units, rel=1e-12)
    assert item.lower == 0.0


def test_denominator_items_share_units_with_their_numerators():
    shared_items = {item.name: item for item in data_items_in(shared)}
    assert env.freshwater_consumed.unit == shared_items["water_consumed_total"].unit
    assert env.protected_natural_area.unit == shared_items["city_area"].unit
    assert energy.renewable_energy_consumed.unit == shared_items["energy_consumed_total"].unit
    for name in (
        "wastewater_primary_treated",
        "wastewater_secondary_treated",
        "wastewater_tertiary_treated",
    ):
        assert getattr(env, name).unit == shared_items["wastewater_total"].unit
    for name in (
        "solid_waste_landfilled",
        "solid_waste_burnt_open",
        "solid_waste_incinerated",
        "solid_waste_open_dumped",
        "solid_waste_recycled",
        "solid_waste_other_treatment",
    ):
        assert getattr(env, name).unit == shared_items["solid_waste_total"].unit
