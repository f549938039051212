"""The Society and Culture dimension plugin: every KPI's formula and its metadata.

The indicator functions are called directly on numpy arrays, as the engine will call them. The
dimension has no consistency rule of its own in the verification guidance.
"""

from __future__ import annotations

import numpy as np
import pytest

from u4ssc.core import Direction
from u4ssc.core.model import indicator_of, indicators_in
from u4ssc.plugins import society_culture
from u4ssc.plugins.society_culture import education_health_culture as ehc
from u4ssc.plugins.society_culture import safety_housing_inclusion as shi

# The shared test logic is a plain module: have pytest rewrite its asserts, as in a test file.
pytest.register_assert_rewrite("formula_cases")
from formula_cases import data_item_tests, formula_tests  # noqa: E402

INDICATORS = society_culture.u4ssc_indicators()

# (indicator function, raw inputs, expected value)
CASES = [
    # Education, Health and Culture
    (
        ehc.student_ict_access,
        {"students_with_ict_access": 27_000, "students_enrolled": 30_000},
        90.0,
    ),
    (ehc.school_enrollment, {"students_enrolled": 30_000, "school_age_population": 31_250}, 96.0),
    (
        ehc.higher_education_degrees,
        {"inhabitants_with_higher_degree": 24_000, "population": 80_000},
        30_000.0,
    ),
    (ehc.adult_literacy, {"literate_adults": 64_350, "adult_population": 65_000}, 99.0),
    (
        ehc.electronic_health_records,
        {"population_with_electronic_health_record": 72_000, "population": 80_000},
        90.0,
    ),
    (ehc.life_expectancy, {"life_expectancy_at_birth": 82.4}, 82.4),
    (ehc.maternal_mortality_rate, {"maternal_deaths": 3, "live_births": 6000}, 50.0),
    (ehc.physicians, {"licensed_physicians": 320, "population": 80_000}, 400.0),
    (ehc.in_patient_hospital_beds, {"inpatient_hospital_beds": 240, "population": 80_000}, 300.0),
    (
        ehc.health_insurance_public_health_coverage,
        {"population_with_health_coverage": 79_600, "population": 80_000},
        99.5,
    ),
    (
        ehc.cultural_expenditure,
        {"cultural_heritage_expenditure": 60e6, "municipal_budget": 4e9},
        1.5,
    ),
    (ehc.cultural_infrastructure, {"cultural_institutions": 36, "population": 80_000}, 45.0),
    # Safety, Housing and Social Inclusion
    (
        shi.informal_settlements,
        {"population_in_informal_settlements": 2000, "population": 80_000},
        2.5,
    ),
    (
        shi.expenditure_of_income_on_housing,
        {"household_housing_expenditure": 96_000, "household_income": 480_000},
        20.0,
    ),
    (
        shi.gender_income_equity,
        {"female_mean_hourly_earnings": 27.0, "male_mean_hourly_earnings": 30.0},
        0.9,
    ),
    (shi.gini_coefficient, {"gini_index": 0.27}, 0.27),
    (shi.poverty, {"population_below_poverty_line": 7200, "population": 80_000}, 9.0),
    (
        shi.voter_participation,
        {"votes_cast_municipal_election": 39_000, "eligible_voters": 60_000},
        65.0,
    ),
    (shi.child_care_availability, {"daycare_places": 2700, "preschool_children": 3000}, 90.0),
    (
        shi.natural_disaster_related_deaths,
        {"natural_disaster_deaths": 2, "population": 80_000},
        2.5,
    ),
    (
        shi.disaster_related_economic_losses,
        {"disaster_economic_losses": 25e6, "city_gdp": 5e9},
        0.5,
    ),
    (shi.resilience_plans, {"resilience_plan_implemented": 1}, 1.0),
    (
        shi.population_living_in_disaster_prone_areas,
        {"population_in_disaster_prone_areas": 6400, "population": 80_000},
        8.0,
    ),
    (shi.emergency_service_response_time, {"emergency_response_minutes": 9.5}, 9.5),
    (shi.police_service, {"police_officers_fte": 160, "population": 80_000}, 200.0),
    (shi.fire_service, {"firefighters_fte": 88, "population": 80_000}, 110.0),
    (shi.violent_crime_rate, {"violent_crimes_reported": 120, "population": 80_000}, 150.0),
    (shi.traffic_fatalities, {"road_traffic_deaths": 4, "population": 80_000}, 5.0),
    (
        shi.local_food_production,
        {"food_supplied_within_100km": 45_000, "food_supply_total": 150_000},
        30.0,
    ),
]

#: The denominator input of every KPI that has one.
DENOMINATORS = {
    ehc.student_ict_access: "students_enrolled",
    ehc.school_enrollment: "school_age_population",
    ehc.higher_education_degrees: "population",
    ehc.adult_literacy: "adult_population",
    ehc.electronic_health_records: "population",
    ehc.maternal_mortality_rate: "live_births",
    ehc.physicians: "population",
    ehc.in_patient_hospital_beds: "population",
    ehc.health_insurance_public_health_coverage: "population",
    ehc.cultural_expenditure: "municipal_budget",
    ehc.cultural_infrastructure: "population",
    shi.informal_settlements: "population",
    shi.expenditure_of_income_on_housing: "household_income",
    shi.gender_income_equity: "male_mean_hourly_earnings",
    shi.poverty: "population",
    shi.voter_participation: "eligible_voters",
    shi.child_care_availability: "preschool_children",
    shi.natural_disaster_related_deaths: "population",
    shi.disaster_related_economic_losses: "city_gdp",
    shi.population_living_in_disaster_prone_areas: "population",
    shi.police_service: "population",
    shi.fire_service: "population",
    shi.violent_crime_rate: "population",
    shi.traffic_fatalities: "population",
    shi.local_food_production: "food_supply_total",
}

#: KPIs that report a value the city gives directly (no denominator), with their input.
DIRECT = {
    ehc.life_expectancy: "life_expectancy_at_birth",
    shi.gini_coefficient: "gini_index",
    shi.resilience_plans: "resilience_plan_implemented",
    shi.emergency_service_response_time: "emergency_response_minutes",
}


# -- formulas --------------------------------------------------------------------------------------

TestFormulas = formula_tests(INDICATORS, CASES, DENOMINATORS, DIRECT)


@pytest.mark.parametrize("func", list(DIRECT), ids=lambda f: f.__name__)
def test_direct_values_are_returned_unchanged(func):
    values = np.array([0.0, 1.0, np.nan])
    assert func(**{DIRECT[func]: values}) is values


def test_maternal_mortality_is_per_100k_live_births_not_per_inhabitant():
    result = ehc.maternal_mortality_rate(np.array([1.0, 7.0]), np.array([100_000.0, 10_000.0]))
    np.testing.assert_allclose(result, [1.0, 70.0], rtol=1e-12)


def test_school_enrollment_may_exceed_100_percent():
    result = ehc.school_enrollment(np.array([10_500.0]), np.array([10_000.0]))
    assert result[0] == pytest.approx(105.0)


def test_dimension_has_no_consistency_checks():
    assert society_culture.u4ssc_checks() == []


# -- metadata (tests/test_catalogue.py compares every KPI with the U4SSC reference list) -----------


def test_modules_hold_their_subdimension():
    assert {indicator_of(f).subdimension for f in indicators_in(ehc)} == {
        "Education, Health and Culture"
    }
    assert {indicator_of(f).subdimension for f in indicators_in(shi)} == {
        "Safety, Housing and Social Inclusion"
    }


def test_electronic_health_records_keeps_the_published_code_quirk():
    meta = indicator_of(ehc.electronic_health_records)
    assert meta.code == "SC: EH: ED: 5A"
    assert meta.category == "Health"
    assert str(meta.tier) == "advanced"


def test_gender_income_equity_approaches_one():
    meta = indicator_of(shi.gender_income_equity)
    assert meta.direction == Direction.APPROACH
    assert meta.unit == "ratio (female:male)"


# -- data items ------------------------------------------------------------------------------------

TestDataItems = data_item_tests(society_culture)


def test_resilience_plans_is_yes_no():
    meta = indicator_of(shi.resilience_plans)
    assert meta.unit == "yes/no"
    item = shi.resilience_plan_implemented
    assert (item.kind, item.lower, item.upper) == ("yes/no", 0.0, 1.0)


@pytest.mark.parametrize(
    ("item", "lower", "upper"),
    [
        (shi.gini_index, 0.0, 1.0),
        (ehc.life_expectancy_at_birth, 0.0, 130.0),
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_direct_values_have_natural_bounds(item, lower, upper):
    assert (item.lower, item.upper) == (lower, upper)


def test_gini_accepts_percent_scale():
    assert shi.gini_index.units == {"%": 0.01}


def test_gender_earnings_use_one_unit():
    assert shi.female_mean_hourly_earnings.unit == shi.male_mean_hourly_earnings.unit
