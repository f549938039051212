"""Society and Culture — Safety, Housing and Social Inclusion.

Categories: Housing, Social Inclusion, Safety and Food Security: adequate and affordable homes,
equity and participation, protection from disasters, crime and road deaths, and local food.
"""

from __future__ import annotations

from functools import partial

from u4ssc.core import DataItem, Kind, indicator, per_100k, percent, ratio

kpi = partial(indicator, dimension="Society and Culture",
              subdimension="Safety, Housing and Social Inclusion")

# -- data items ------------------------------------------------------------------------------------

population_in_informal_settlements = DataItem(
    "population_in_informal_settlements", "Inhabitants in slums, informal settlements or "
    "inadequate housing", "inhabitants", Kind.COUNT,
    "Inhabitants living in slum households, informal settlements or inadequate housing as "
    "defined by UN-Habitat for SDG indicator 11.1.1.",
)
household_housing_expenditure = DataItem(
    "household_housing_expenditure", "Household expenditure on housing",
    "local currency per year", Kind.AMOUNT,
    "Yearly housing costs of the city's households (rent or mortgage payments, upkeep, and "
    "water and energy for the home), summed over households or as the average per household.",
)
household_income = DataItem(
    "household_income", "Household disposable income", "local currency per year", Kind.AMOUNT,
    "Yearly disposable income of the city's households, on the same basis (total or average "
    "per household) and in the same currency as the housing expenditure.",
)
female_mean_hourly_earnings = DataItem(
    "female_mean_hourly_earnings", "Average hourly earnings of women", "currency per hour",
    Kind.AMOUNT,
    "Average gross hourly earnings of female employees working in the city.",
)
male_mean_hourly_earnings = DataItem(
    "male_mean_hourly_earnings", "Average hourly earnings of men", "currency per hour",
    Kind.AMOUNT,
    "Average gross hourly earnings of male employees working in the city, in the same currency "
    "as women's earnings.",
)
gini_index = DataItem(
    "gini_index", "Gini coefficient of income", "index (0-1)", Kind.RATIO,
    "Gini coefficient of the income distribution of the city's households, from 0 (everyone "
    "has the same income) to 1 (one household has all of it).",
    minimum=0.0, maximum=1.0, units={"%": 0.01},
)
population_below_poverty_line = DataItem(
    "population_below_poverty_line", "Inhabitants below the national poverty line",
    "inhabitants", Kind.COUNT,
    "Inhabitants living in households whose income is below the national poverty threshold.",
)
votes_cast_municipal_election = DataItem(
    "votes_cast_municipal_election", "Votes cast in the last municipal election", "voters",
    Kind.COUNT,
    "People who cast a ballot (blank and invalid ballots included) in the city's most recent "
    "municipal election.",
)
daycare_places = DataItem(
    "daycare_places", "Day-care places for pre-school children", "places", Kind.COUNT,
    "Places in public and private day-care (crèches, nurseries, kindergartens) for children "
    "aged 0 to 3.",
)
natural_disaster_deaths = DataItem(
    "natural_disaster_deaths", "Deaths attributed to natural disasters", "deaths per year",
    Kind.COUNT,
    "Deaths in the city during or directly after a natural hazard event (flood, storm, "
    "earthquake, landslide, heatwave and similar) in the year, missing persons not included.",
)
disaster_economic_losses = DataItem(
    "disaster_economic_losses", "Direct economic losses from natural disasters",
    "local currency per year", Kind.AMOUNT,
    "Monetary value of assets destroyed or damaged by natural disasters in the city in the "
    "year, in the same currency as city GDP.",
)
resilience_plan_implemented = DataItem(
    "resilience_plan_implemented", "Disaster risk-reduction strategy implemented", "yes/no",
    Kind.YES_NO,
    "1 if the city has and applies a local disaster risk-reduction strategy in line with the "
    "Sendai Framework (risk assessments, financial plans, technical systems), 0 if not.",
)
population_in_disaster_prone_areas = DataItem(
    "population_in_disaster_prone_areas", "Inhabitants in disaster-prone areas", "inhabitants",
    Kind.COUNT,
    "Inhabitants living in zones mapped as exposed to significant natural hazards (flood "
    "plains, landslide or earthquake zones, storm-surge coasts).",
)
emergency_response_minutes = DataItem(
    "emergency_response_minutes", "Average emergency service response time", "minutes",
    Kind.AMOUNT,
    "Average time from the receipt of an emergency call to the arrival of the first unit on "
    "site, over police, fire and ambulance calls in the year.",
)
police_officers_fte = DataItem(
    "police_officers_fte", "Police officers", "FTE", Kind.AMOUNT,
    "Sworn police officers serving the city, in full-time equivalents.",
)
firefighters_fte = DataItem(
    "firefighters_fte", "Firefighters", "FTE", Kind.AMOUNT,
    "Firefighters serving the city, in full-time equivalents (part-time and volunteer "
    "firefighters counted by their share of full time).",
)
violent_crimes_reported = DataItem(
    "violent_crimes_reported", "Violent crimes reported", "crimes per year", Kind.COUNT,
    "Violent offences (homicide, assault, sexual violence, robbery) recorded by the police in "
    "the city in the year.",
)
road_traffic_deaths = DataItem(
    "road_traffic_deaths", "Road traffic deaths", "deaths per year", Kind.COUNT,
    "People killed in road traffic crashes in the city in the year, counting deaths within 30 "
    "days of the crash.",
)
food_supplied_within_100km = DataItem(
    "food_supplied_within_100km", "Food supplied from within 100 km", "tonnes per year",
    Kind.AMOUNT,
    "Food supplied to the city in the year that was produced within 100 km of the urban area.",
)

# -- Housing ---------------------------------------------------------------------------------------


@kpi("SC: SH: HO: 1C", name="Informal Settlements", category="Housing", unit="%",
     direction="lower", sdg=("SDG 11.1",), kpi_class="Structural")
def informal_settlements(population_in_informal_settlements, population):
    """Share of the city's inhabitants living in slums, informal settlements or inadequate housing.

    Choice: Informal Settlements counts inhabitants (not households or dwellings) living in slums,
    informal settlements or inadequate housing as defined by UN-Habitat for SDG indicator 11.1.1,
    ÷ population × 100. Lower is better.
    """
    return percent(population_in_informal_settlements, population)


@kpi("SC: SH: HO: 2A", name="Expenditure of Income on Housing", category="Housing", unit="%",
     direction="lower")
def expenditure_of_income_on_housing(household_housing_expenditure, household_income):
    """Share of household income that is spent on housing.

    Choice: Expenditure of Income on Housing is the households' yearly housing costs (rent or
    mortgage payments, upkeep, water and energy for the home) ÷ their yearly disposable income
    × 100, both as city totals or both as averages per household, which gives the same ratio of
    means. The published aggregation (mean or median of household shares) is not verified; the
    ratio of means is what household budget surveys publish. Lower is better.
    """
    return percent(household_housing_expenditure, household_income)


# -- Social Inclusion ------------------------------------------------------------------------------


@kpi("SC: SH: SI: 1C", name="Gender Income Equity", category="Social Inclusion",
     unit="ratio (female:male)", direction="approach", kpi_class="Structural",
     usual=(0.5, 1.5))
def gender_income_equity(female_mean_hourly_earnings, male_mean_hourly_earnings):
    """Average hourly earnings of women divided by those of men; 1 means equal pay on average.

    The ratio is unadjusted (no correction for occupation or hours); values on either side of 1
    are further from equity.
    """
    return ratio(female_mean_hourly_earnings, male_mean_hourly_earnings)


@kpi("SC: SH: SI: 2C", name="Gini Coefficient", category="Social Inclusion", unit="index 0-1",
     direction="lower")
def gini_coefficient(gini_index):
    """Inequality of the city's income distribution, from 0 (perfect equality) to 1.

    Choice: Gini Coefficient is reported directly on the 0 to 1 scale (a value given in percent,
    0 to 100, is divided by 100 on input), computed on household disposable income by the
    statistics office, as in published U4SSC verification reports (e.g. 0.27). Lower is better.
    """
    return gini_index


@kpi("SC: SH: SI: 3C", name="Poverty", category="Social Inclusion", unit="%", direction="lower",
     kpi_class="Structural")
def poverty(population_below_poverty_line, population):
    """Share of the city's inhabitants living below the national poverty line."""
    return percent(population_below_poverty_line, population)


@kpi("SC: SH: SI: 4C", name="Voter Participation", category="Social Inclusion", unit="%",
     direction="higher")
def voter_participation(votes_cast_municipal_election, eligible_voters):
    """Share of eligible voters who voted in the city's last municipal election.

    Choice: Voter Participation is the number of people who cast a ballot (blank and invalid
    ballots included) ÷ registered or eligible voters × 100, the turnout definition used by
    electoral authorities and International IDEA; the ITU page was not retrieved. Higher is
    better.
    """
    return percent(votes_cast_municipal_election, eligible_voters)


@kpi("SC: SH: SI: 5A", name="Child Care Availability", category="Social Inclusion", unit="%",
     direction="higher", sdg=("SDG 4.2", "SDG 5.5", "SDG 10.4"),
     kpi_class="Sustainable (2017) / Structural (2022 VM)", bounds=(0, None), usual=(0, 100))
def child_care_availability(daycare_places, preschool_children):
    """Public and private day-care places as a share of the city's children aged 0 to 3.

    Above 100 % is possible (more places than children, some taken by children from outside the
    city); such a value is scored, with a warning.
    """
    return percent(daycare_places, preschool_children)


# -- Safety ----------------------------------------------------------------------------------------


@kpi("SC: SH: SA: 1C", name="Natural Disaster Related Deaths", category="Safety",
     unit="deaths per 100 000 inhabitants", direction="lower")
def natural_disaster_related_deaths(natural_disaster_deaths, population):
    """Deaths caused by natural disasters in the year for every 100 000 inhabitants.

    Choice: Natural Disaster Related Deaths counts deaths attributed to natural hazard events in
    the reporting year (missing persons excluded, as in Sendai Framework indicator A-2) ÷
    (population / 100 000), the unit confirmed by published verification reports. Lower is
    better.
    """
    return per_100k(natural_disaster_deaths, population)


@kpi("SC: SH: SA: 2C", name="Disaster Related Economic Losses", category="Safety",
     unit="% of city GDP", direction="lower", bounds=(0, None), usual=(0, 100))
def disaster_related_economic_losses(disaster_economic_losses, city_gdp):
    """Direct economic losses from natural disasters as a share of the city's GDP.

    Choice: Disaster Related Economic Losses is the direct economic loss from natural disasters
    in the year (damaged or destroyed assets, as in SDG 11.5.2 and Sendai indicator C-1) ÷ city
    GDP of the same year and currency × 100, the unit printed in verification reports. Lower is
    better. A disaster can destroy more than a year's GDP, so above 100 % is possible; such a
    value is scored, with a warning.
    """
    return percent(disaster_economic_losses, city_gdp)


@kpi("SC: SH: SA: 3A", name="Resilience Plans", category="Safety", unit="yes/no",
     direction="higher", kpi_class="Sustainable")
def resilience_plans(resilience_plan_implemented):
    """Whether the city implements a disaster risk-reduction strategy in line with Sendai."""
    return resilience_plan_implemented


@kpi("SC: SH: SA: 4A", name="Population Living in Disaster Prone Areas", category="Safety",
     unit="%", direction="lower", kpi_class="Sustainable")
def population_living_in_disaster_prone_areas(population_in_disaster_prone_areas, population):
    """Share of the city's inhabitants living in areas at significant risk of natural hazards."""
    return percent(population_in_disaster_prone_areas, population)


@kpi("SC: SH: SA: 5A", name="Emergency Service Response Time", category="Safety",
     unit="minutes", direction="lower")
def emergency_service_response_time(emergency_response_minutes):
    """Average time, in minutes, emergency services take to reach the scene after a call.

    Choice: Emergency Service Response Time is reported directly as the average, in minutes, of
    the time from the receipt of the emergency call to the arrival of the first unit on site,
    over police, fire and ambulance calls in the year (ISO 37120 measures from the initial call).
    The averaging rules are not verified. Lower is better.
    """
    return emergency_response_minutes


@kpi("SC: SH: SA: 6C", name="Police Service", category="Safety",
     unit="FTE per 100 000 inhabitants", direction="higher")
def police_service(police_officers_fte, population):
    """Police officers, in full-time equivalents, for every 100 000 inhabitants.

    Choice: Police Service counts sworn police officers serving the city in full-time
    equivalents ÷ (population / 100 000), the unit printed in verification reports; civilian
    staff are left out, as in ISO 37120. Higher is better.
    """
    return per_100k(police_officers_fte, population)


@kpi("SC: SH: SA: 7C", name="Fire Service", category="Safety",
     unit="FTE per 100 000 inhabitants", direction="higher")
def fire_service(firefighters_fte, population):
    """Firefighters, in full-time equivalents, for every 100 000 inhabitants.

    Choice: Fire Service counts firefighters serving the city in full-time equivalents, with
    part-time and volunteer firefighters counted by their share of full time, ÷ (population /
    100 000), the unit printed in verification reports. Higher is better.
    """
    return per_100k(firefighters_fte, population)


@kpi("SC: SH: SA: 8C", name="Violent Crime Rate", category="Safety",
     unit="crimes per 100 000 inhabitants", direction="lower")
def violent_crime_rate(violent_crimes_reported, population):
    """Violent crimes recorded in the year for every 100 000 inhabitants.

    Choice: Violent Crime Rate counts violent offences recorded by the police in the year
    (homicide, assault, sexual violence and robbery, the ISO 37120 scope) ÷ (population /
    100 000). Lower is better.
    """
    return per_100k(violent_crimes_reported, population)


@kpi("SC: SH: SA: 9C", name="Traffic Fatalities", category="Safety",
     unit="deaths per 100 000 inhabitants", direction="lower")
def traffic_fatalities(road_traffic_deaths, population):
    """Deaths from road traffic crashes in the year for every 100 000 inhabitants.

    Choice: Traffic Fatalities counts people killed in road crashes in the city, including deaths
    within 30 days of the crash (the international definition used for SDG 3.6.1), ÷
    (population / 100 000). Lower is better.
    """
    return per_100k(road_traffic_deaths, population)


# -- Food Security ---------------------------------------------------------------------------------


@kpi("SC: SH: FS: 1A", name="Local Food Production", category="Food Security", unit="%",
     direction="higher", kpi_class="Sustainable")
def local_food_production(food_supplied_within_100km, food_supply_total):
    """Share of the food supplied to the city that is produced within 100 km of the urban area."""
    return percent(food_supplied_within_100km, food_supply_total)
