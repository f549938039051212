"""Economy — Productivity: innovation and employment in the city.

Categories: Innovation and Employment.
"""

from __future__ import annotations

from functools import partial

from u4ssc.core import DataItem, Kind, indicator, per_100k, percent

kpi = partial(indicator, dimension="Economy", subdimension="Productivity")

# -- data items ------------------------------------------------------------------------------------

research_development_spending = DataItem(
    "research_development_spending", "Research and development expenditure",
    "local currency per year", Kind.AMOUNT,
    "Spending on research and development performed in the city by business, government, higher "
    "education and non-profit bodies, in the same currency and year as city GDP.",
)
patents_granted = DataItem(
    "patents_granted", "New patents granted", "patents per year", Kind.COUNT,
    "Patents granted during the year to inventors or applicants resident in the city.",
)
small_medium_enterprises = DataItem(
    "small_medium_enterprises", "Small and medium-sized enterprises", "enterprises", Kind.COUNT,
    "Enterprises active in the city with fewer than 250 employees.",
)
unemployed_people = DataItem(
    "unemployed_people", "Unemployed people", "people", Kind.COUNT,
    "Members of the city's labour force without work, available for and seeking work "
    "(ILO definition).",
)
unemployed_youth = DataItem(
    "unemployed_youth", "Unemployed youth (15-24)", "people", Kind.COUNT,
    "People aged 15 to 24 in the city's labour force without work, available for and seeking "
    "work (ILO definition).",
)
tourism_sector_employees = DataItem(
    "tourism_sector_employees", "People employed in tourism", "people", Kind.COUNT,
    "People whose main job is in the tourism industries (accommodation, food service, travel "
    "agencies, passenger transport, culture and recreation for visitors).",
)
ict_sector_employees = DataItem(
    "ict_sector_employees", "People employed in the ICT sector", "people", Kind.COUNT,
    "People whose main job is in the ICT sector (ICT manufacturing, trade, telecommunications, "
    "software and IT services; OECD definition).",
)

# -- Innovation ------------------------------------------------------------------------------------


@kpi("EC: P: IN: 1C", name="R&D Expenditure", category="Innovation", unit="% of city GDP",
     direction="higher", sdg=("SDG 9.5.1",))
def r_and_d_expenditure(research_development_spending, city_gdp):
    """Research and development spending in the city as a percentage of city GDP.

    Choice: R&D Expenditure is gross R&D spending of all sectors (business, government, higher
    education, private non-profit) divided by city GDP, times 100, as in SDG indicator 9.5.1
    (R&D expenditure as a proportion of GDP). Both amounts must be in the same currency and year.
    Higher is better.
    """
    return percent(research_development_spending, city_gdp)


@kpi("EC: P: IN: 2C", name="Patents", category="Innovation",
     unit="patents per 100 000 inhabitants per year", direction="higher")
def patents(patents_granted, population):
    """New patents granted in the year for every 100 000 inhabitants.

    Choice: Patents counts patents granted (not applications filed) in the reporting year to
    residents of the city, divided by population / 100 000, in line with ISO 37120's count of new
    patents per 100 000 population. Higher is better.
    """
    return per_100k(patents_granted, population)


@kpi("EC: P: IN: 3A", name="Small and Medium-Sized Enterprises", category="Innovation",
     unit="%", direction="higher", sdg=("SDG 9.3.1",), kpi_class="Structural")
def small_and_medium_sized_enterprises(small_medium_enterprises, enterprises_total):
    """Share of the city's enterprises that have fewer than 250 employees."""
    return percent(small_medium_enterprises, enterprises_total)


# -- Employment ------------------------------------------------------------------------------------


@kpi("EC: P: EM: 1C", name="Unemployment Rate", category="Employment", unit="%",
     direction="lower", kpi_class="Structural")
def unemployment_rate(unemployed_people, labour_force):
    """Share of the city's labour force that is unemployed."""
    return percent(unemployed_people, labour_force)


@kpi("EC: P: EM: 2C", name="Youth Unemployment Rate", category="Employment", unit="%",
     direction="lower")
def youth_unemployment_rate(unemployed_youth, youth_labour_force):
    """Share of the city's young labour force (aged 15 to 24) that is unemployed.

    Choice: Youth Unemployment Rate is unemployed people aged 15-24 divided by the labour force
    aged 15-24, times 100, the ILO youth age band and the same construction as Unemployment Rate
    (the youth labour force, not all young people, is the base). Lower is better.
    """
    return percent(unemployed_youth, youth_labour_force)


@kpi("EC: P: EM: 3A", name="Tourism Sector Employment", category="Employment", unit="%",
     direction="higher")
def tourism_sector_employment(tourism_sector_employees, labour_force):
    """Share of the city's labour force that works in the tourism industries.

    Choice: Tourism Sector Employment is people employed in the tourism industries divided by the
    city's labour force, times 100. The published direction is unknown; u4ssc treats higher as
    better, as the U4SSC development code list does (tourism jobs as a sign of a diversified
    economy), and a city may override this.
    """
    return percent(tourism_sector_employees, labour_force)


@kpi("EC: P: EM: 4A", name="ICT Sector Employment", category="Employment", unit="%",
     direction="higher")
def ict_sector_employment(ict_sector_employees, labour_force):
    """Share of the city's labour force that works in the ICT sector.

    Choice: ICT Sector Employment is people employed in the ICT sector (OECD ICT-sector
    definition) divided by the city's labour force, times 100, the same base as Unemployment Rate
    and Tourism Sector Employment; the published formula was not verified. Higher is better.
    """
    return percent(ict_sector_employees, labour_force)
