"""Society and Culture — Education, Health and Culture: schooling, health care and culture.

Categories: Education, Health and Culture. Electronic Health Records is kept exactly as
published: category Health, but coded ``SC: EH: ED: 5A`` like an Education KPI.
"""

from __future__ import annotations

from functools import partial

from u4ssc.core import DataItem, Kind, indicator, per_100k, percent, ratio

kpi = partial(indicator, dimension="Society and Culture",
              subdimension="Education, Health and Culture")

#: Maternal mortality is expressed per this many live births.
LIVE_BIRTHS_BASE = 100_000.0

# -- data items ------------------------------------------------------------------------------------

students_with_ict_access = DataItem(
    "students_with_ict_access", "Students with classroom ICT access", "students", Kind.COUNT,
    "Students enrolled in the city's public, private and recognised schools who can use ICT "
    "facilities (computers, Internet) in the classroom.",
)
inhabitants_with_higher_degree = DataItem(
    "inhabitants_with_higher_degree", "Inhabitants with a higher education degree",
    "inhabitants", Kind.COUNT,
    "Inhabitants holding at least one post-secondary (tertiary) degree, such as a university "
    "or college diploma; each person counted once.",
)
literate_adults = DataItem(
    "literate_adults", "Literate adults (15+)", "inhabitants", Kind.COUNT,
    "Inhabitants aged 15 and over who can read and write a short simple statement about their "
    "everyday life, with understanding (UNESCO definition).",
)
population_with_electronic_health_record = DataItem(
    "population_with_electronic_health_record", "Inhabitants with an electronic health record",
    "inhabitants", Kind.COUNT,
    "Inhabitants whose full health record is held electronically and can be reached by the "
    "health providers treating them.",
)
life_expectancy_at_birth = DataItem(
    "life_expectancy_at_birth", "Life expectancy at birth", "years", Kind.AMOUNT,
    "Years a newborn is expected to live at current age-specific death rates of the city, both "
    "sexes combined, from the statistics office's life tables.",
    minimum=0.0, maximum=130.0,
)
maternal_deaths = DataItem(
    "maternal_deaths", "Maternal deaths", "deaths per year", Kind.COUNT,
    "Deaths of city residents during pregnancy or within 42 days of its end, from causes related "
    "to or made worse by the pregnancy (WHO ICD-10 definition), in the year.",
)
licensed_physicians = DataItem(
    "licensed_physicians", "Licensed physicians", "physicians", Kind.COUNT,
    "Licensed general practitioners and specialists working in the city.",
)
inpatient_hospital_beds = DataItem(
    "inpatient_hospital_beds", "In-patient hospital beds", "beds", Kind.COUNT,
    "Beds for in-patient care (maternity beds included) in the city's public and private "
    "hospitals.",
)
population_with_health_coverage = DataItem(
    "population_with_health_coverage", "Inhabitants with health insurance or public coverage",
    "inhabitants", Kind.COUNT,
    "Inhabitants covered by basic health insurance or by a public health system that pays for "
    "essential care.",
)
cultural_heritage_expenditure = DataItem(
    "cultural_heritage_expenditure", "City expenditure on cultural heritage",
    "local currency per year", Kind.AMOUNT,
    "Money the city administration spent in the year on preserving, protecting and presenting "
    "cultural heritage (heritage sites, museums, archives, intangible heritage), in the currency "
    "of the municipal budget.",
)
cultural_institutions = DataItem(
    "cultural_institutions", "Cultural institutions", "institutions", Kind.COUNT,
    "Libraries, museums, theatres, concert halls, galleries and similar cultural venues open to "
    "the public in the city.",
)

# -- Education -------------------------------------------------------------------------------------


@kpi("SC: EH: ED: 1C", name="Student ICT Access", category="Education", unit="%",
     direction="higher", sdg=("SDG 4.4.1", "SDG 4.a.1", "SDG 5 (target truncated)"),
     kpi_class="Smart")
def student_ict_access(students_with_ict_access, students_enrolled):
    """Share of the city's enrolled students who can use ICT facilities in the classroom."""
    return percent(students_with_ict_access, students_enrolled)


@kpi("SC: EH: ED: 2C", name="School Enrollment", category="Education", unit="%",
     direction="higher", sdg=("SDG 4.1",), kpi_class="Structural", bounds=(0, None),
     usual=(0, 100))
def school_enrollment(students_enrolled, school_age_population):
    """Students enrolled in primary and secondary schools as a share of the school-age population.

    Values above 100 % are possible when pupils from outside the city attend its schools; such a
    value is scored, with a warning.
    """
    return percent(students_enrolled, school_age_population)


@kpi("SC: EH: ED: 3C", name="Higher Education Degrees", category="Education",
     unit="degrees per 100 000 inhabitants", direction="higher", kpi_class="Structural",
     bounds=(0, 100_000))
def higher_education_degrees(inhabitants_with_higher_degree, population):
    """Inhabitants holding a higher education degree for every 100 000 inhabitants."""
    return per_100k(inhabitants_with_higher_degree, population)


@kpi("SC: EH: ED: 4C", name="Adult Literacy", category="Education", unit="%",
     direction="higher", sdg=("SDG 4.6.1",), kpi_class="Structural")
def adult_literacy(literate_adults, adult_population):
    """Share of the city's inhabitants aged 15 and over who are literate."""
    return percent(literate_adults, adult_population)


# -- Health ----------------------------------------------------------------------------------------


@kpi("SC: EH: ED: 5A", name="Electronic Health Records", category="Health", unit="%",
     direction="higher", kpi_class="Smart")
def electronic_health_records(population_with_electronic_health_record, population):
    """Share of the city's inhabitants whose complete health record is electronically available.

    The published code puts this Health KPI under Education (``ED``); code and category are kept
    as published.
    """
    return percent(population_with_electronic_health_record, population)


@kpi("SC: EH: H: 1C", name="Life Expectancy", category="Health", unit="years",
     direction="higher", bounds=(0, 150), usual=(40, 95))
def life_expectancy(life_expectancy_at_birth):
    """Average number of years a newborn in the city is expected to live.

    Choice: Life Expectancy is the period life expectancy at birth, both sexes combined, in
    years, reported directly from the statistics office's life tables (as in ISO 37120 and the
    WHO/UN definitions); small cities may use a multi-year average and should say so. Higher is
    better.
    """
    return life_expectancy_at_birth


@kpi("SC: EH: H: 2C", name="Maternal Mortality Rate", category="Health",
     unit="deaths per 100 000 live births", direction="lower", kpi_class="Structural")
def maternal_mortality_rate(maternal_deaths, live_births):
    """Maternal deaths in the year for every 100 000 live births in the same year."""
    return ratio(maternal_deaths, live_births) * LIVE_BIRTHS_BASE


@kpi("SC: EH: H: 3C", name="Physicians", category="Health",
     unit="physicians per 100 000 inhabitants", direction="higher", kpi_class="Structural")
def physicians(licensed_physicians, population):
    """Licensed physicians working in the city for every 100 000 inhabitants."""
    return per_100k(licensed_physicians, population)


@kpi("SC: EH: H: 4A", name="In-Patient Hospital Beds", category="Health",
     unit="beds per 100 000 inhabitants", direction="higher", kpi_class="Structural")
def in_patient_hospital_beds(inpatient_hospital_beds, population):
    """In-patient hospital beds, public and private, for every 100 000 inhabitants."""
    return per_100k(inpatient_hospital_beds, population)


@kpi("SC: EH: H: 5A", name="Health Insurance/Public Health Coverage", category="Health",
     unit="%", direction="higher")
def health_insurance_public_health_coverage(population_with_health_coverage, population):
    """Share of the city's inhabitants covered by basic health insurance or public health care.

    Choice: Health Insurance/Public Health Coverage counts inhabitants covered by basic health
    insurance or a public health system, each person once, ÷ population × 100, in line with the
    universal health coverage aim of SDG 3.8; the ITU page was not retrieved. Higher is better.
    """
    return percent(population_with_health_coverage, population)


# -- Culture ---------------------------------------------------------------------------------------


@kpi("SC: EH: C: 1C", name="Cultural Expenditure", category="Culture", unit="%",
     direction="higher")
def cultural_expenditure(cultural_heritage_expenditure, municipal_budget):
    """Share of the city administration's spending that goes to cultural heritage.

    Choice: Cultural Expenditure is the city's yearly spending on cultural heritage ÷ total
    municipal expenditure in the same year × 100. The denominator is not verified; total
    municipal expenditure is used because it keeps the value comparable across city sizes and
    currencies (SDG 11.4.1 instead measures heritage spending per capita). Higher is better.
    """
    return percent(cultural_heritage_expenditure, municipal_budget)


@kpi("SC: EH: C: 2A", name="Cultural Infrastructure", category="Culture",
     unit="institutions per 100 000 inhabitants", direction="higher")
def cultural_infrastructure(cultural_institutions, population):
    """Cultural institutions such as libraries, museums and theatres per 100 000 inhabitants.

    Choice: Cultural Infrastructure counts cultural venues open to the public (libraries,
    museums, theatres, concert halls, galleries and similar) ÷ (population / 100 000), the unit
    of the U4SSC development code list; the ITU page was not retrieved. Higher is better.
    """
    return per_100k(cultural_institutions, population)
