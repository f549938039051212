"""Environment — Environment: air, water, waste, environmental quality and green space.

Categories: Air Quality, Water and Sanitation, Waste, Environmental Quality and Public Space and
Nature. The two consistency rules of the verification guidance that read only these KPIs
(wastewater treatment levels in order, solid-waste routes adding up to 100 %) are declared at
the end.
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
    per_capita,
    percent,
    shares_off_100,
)

kpi = partial(indicator, dimension="Environment", subdimension="Environment")

#: Litres in a cubic metre and days in a (non-leap) year, for litres per inhabitant per day.
LITRES_PER_M3 = 1000.0
DAYS_PER_YEAR = 365.0

# -- data items ------------------------------------------------------------------------------------

pm10_annual_mean = DataItem(
    "pm10_annual_mean", "PM10 annual mean concentration", "µg/m³", Kind.AMOUNT,
    "Annual mean concentration of particulate matter up to 10 µm, averaged over the city's "
    "monitoring stations.",
    units={"mg/m³": 1000.0},
)
pm25_annual_mean = DataItem(
    "pm25_annual_mean", "PM2.5 annual mean concentration", "µg/m³", Kind.AMOUNT,
    "Annual mean concentration of fine particulate matter up to 2.5 µm, averaged over the "
    "city's monitoring stations.",
    units={"mg/m³": 1000.0},
)
no2_annual_mean = DataItem(
    "no2_annual_mean", "NO2 annual mean concentration", "µg/m³", Kind.AMOUNT,
    "Annual mean concentration of nitrogen dioxide, averaged over the city's monitoring stations.",
    units={"ppb": 1.9, "ppm": 1900.0},
)
so2_annual_mean = DataItem(
    "so2_annual_mean", "SO2 annual mean concentration", "µg/m³", Kind.AMOUNT,
    "Annual mean concentration of sulphur dioxide, averaged over the city's monitoring stations.",
    units={"ppb": 2.62, "ppm": 2620.0},
)
o3_annual_mean = DataItem(
    "o3_annual_mean", "O3 annual mean concentration", "µg/m³", Kind.AMOUNT,
    "Annual mean concentration of ground-level ozone, averaged over the city's monitoring "
    "stations.",
    units={"ppb": 1.96, "ppm": 1960.0},
)
ghg_emissions_total = DataItem(
    "ghg_emissions_total", "Greenhouse gas emissions", "tCO2e per year", Kind.AMOUNT,
    "Greenhouse gases emitted by the city in the year, in tonnes of CO2 equivalent, from an "
    "inventory built with GPC, PAS 2070 or IPCC methods.",
    units={"ktCO2e per year": 1000.0},
)
households_water_safety_plan = DataItem(
    "households_water_safety_plan", "Households covered by an audited Water Safety Plan",
    "households", Kind.COUNT,
    "Households whose drinking water comes from a supply managed under a Water Safety Plan that "
    "has been audited (WHO water safety planning approach).",
)
freshwater_consumed = DataItem(
    "freshwater_consumed", "Water consumed from freshwater sources", "m³ per year", Kind.AMOUNT,
    "Part of the water consumed in the city that was taken from freshwater sources (rivers, "
    "lakes, reservoirs, groundwater), as opposed to desalinated, reused or harvested water.",
)
wastewater_primary_treated = DataItem(
    "wastewater_primary_treated", "Wastewater with at least primary treatment", "m³ per year",
    Kind.AMOUNT,
    "Wastewater volume that received primary treatment or more (settling of solids), so it "
    "includes the volumes treated to secondary and tertiary level.",
)
wastewater_secondary_treated = DataItem(
    "wastewater_secondary_treated", "Wastewater with at least secondary treatment",
    "m³ per year", Kind.AMOUNT,
    "Wastewater volume that received secondary treatment or more (biological removal of "
    "organic matter), so it includes the volume treated to tertiary level.",
)
wastewater_tertiary_treated = DataItem(
    "wastewater_tertiary_treated", "Wastewater with tertiary treatment", "m³ per year",
    Kind.AMOUNT,
    "Wastewater volume that also received tertiary (advanced) treatment, such as nutrient "
    "removal or disinfection.",
)
solid_waste_landfilled = DataItem(
    "solid_waste_landfilled", "Solid waste sent to landfill", "tonnes per year", Kind.AMOUNT,
    "Municipal solid waste disposed of in sanitary or controlled landfills.",
)
solid_waste_burnt_open = DataItem(
    "solid_waste_burnt_open", "Solid waste burnt in the open", "tonnes per year", Kind.AMOUNT,
    "Municipal solid waste burnt in the open air (not in an incineration plant).",
)
solid_waste_incinerated = DataItem(
    "solid_waste_incinerated", "Solid waste incinerated", "tonnes per year", Kind.AMOUNT,
    "Municipal solid waste burnt in an incineration plant, with or without energy recovery.",
)
solid_waste_open_dumped = DataItem(
    "solid_waste_open_dumped", "Solid waste put on open dumps", "tonnes per year", Kind.AMOUNT,
    "Municipal solid waste left on uncontrolled open dumps.",
)
solid_waste_recycled = DataItem(
    "solid_waste_recycled", "Solid waste recycled", "tonnes per year", Kind.AMOUNT,
    "Municipal solid waste sent to material recycling (composting of organic waste included).",
)
solid_waste_other_treatment = DataItem(
    "solid_waste_other_treatment", "Solid waste handled by other means", "tonnes per year",
    Kind.AMOUNT,
    "Municipal solid waste handled by any route not listed separately.",
)
antenna_sites_emf_compliant = DataItem(
    "antenna_sites_emf_compliant", "Antenna sites verified EMF-compliant", "sites", Kind.COUNT,
    "Mobile network antenna sites in the city checked and found within the WHO-endorsed "
    "electromagnetic field exposure limits (ICNIRP).",
)
antenna_sites_total = DataItem(
    "antenna_sites_total", "Mobile network antenna sites", "sites", Kind.COUNT,
    "All mobile network antenna sites in the city.",
)
population_exposed_to_noise = DataItem(
    "population_exposed_to_noise", "Inhabitants exposed to excessive noise", "inhabitants",
    Kind.COUNT,
    "Inhabitants whose homes are exposed to environmental noise of 55 dB Lden or more from road, "
    "rail, air traffic or industry, from strategic noise maps.",
)
green_space_area = DataItem(
    "green_space_area", "Green area", "ha", Kind.AMOUNT,
    "Area of vegetated or natural green space in the city (parks, public gardens, forests, "
    "natural areas), in hectares.",
    units={"km²": 100.0, "m²": 1e-4},
)
population_near_green_area = DataItem(
    "population_near_green_area", "Inhabitants within walking distance of a public green area",
    "inhabitants", Kind.COUNT,
    "Inhabitants living within 400 m walking distance (along the street network) of a public "
    "green area.",
)
protected_natural_area = DataItem(
    "protected_natural_area", "Protected natural area", "km²", Kind.AMOUNT,
    "Area inside the city boundary legally protected as natural sites (nature reserves, "
    "national parks and similar), in square kilometres.",
    units={"ha": 0.01, "m²": 1e-6},
)
recreational_facility_area = DataItem(
    "recreational_facility_area", "Public recreational facility area", "m²", Kind.AMOUNT,
    "Area of public indoor and outdoor recreational facilities (sports grounds and halls, "
    "pools, playgrounds) open to the public, in square metres.",
    units={"ha": 10_000.0, "km²": 1e6},
)

# -- Air Quality -----------------------------------------------------------------------------------


@kpi("EN: EN: AQ: 1C", name="Air Pollution", category="Air Quality", unit="µg/m³",
     direction="lower", kpi_class="Sustainable",
     points=(DataPoint("PM10", "PM10"),
             DataPoint("PM2.5", "PM2.5"),
             DataPoint("NO2", "Nitrogen dioxide (NO2)"),
             DataPoint("SO2", "Sulphur dioxide (SO2)"),
             DataPoint("O3", "Ozone (O3)")))
def air_pollution(
    pm10_annual_mean, pm25_annual_mean, no2_annual_mean, so2_annual_mean, o3_annual_mean
):
    """Annual mean concentrations of PM10, PM2.5, NO2, SO2 and O3 in the city's air, in µg/m³.

    Concentrations reported in ppb or ppm (gases) or mg/m³ (particles) are converted to µg/m³ on
    input; each data point is the converted annual mean as reported.
    """
    return {
        "PM10": pm10_annual_mean,
        "PM2.5": pm25_annual_mean,
        "NO2": no2_annual_mean,
        "SO2": so2_annual_mean,
        "O3": o3_annual_mean,
    }


@kpi("EN: EN: AQ: 2C", name="GHG Emissions", category="Air Quality", unit="tCO2e per capita",
     direction="lower", kpi_class="Sustainable")
def ghg_emissions(ghg_emissions_total, population):
    """Yearly greenhouse gas emissions of the city, in tonnes of CO2 equivalent per inhabitant."""
    return per_capita(ghg_emissions_total, population)


# -- Water and Sanitation --------------------------------------------------------------------------


@kpi("EN: EN: WS: 1C", name="Drinking Water Quality", category="Water and Sanitation", unit="%",
     direction="higher", kpi_class="Sustainable")
def drinking_water_quality(households_water_safety_plan, households):
    """Share of the city's households whose water supply runs under an audited Water Safety Plan."""
    return percent(households_water_safety_plan, households)


@kpi("EN: EN: WS: 2C", name="Water Consumption", category="Water and Sanitation",
     unit="litres per capita per day", direction="lower")
def water_consumption(water_consumed_total, population):
    """Water consumed in the city, all uses, in litres per inhabitant per day.

    Choice: Water Consumption is expressed in litres per inhabitant per day, the ISO 37120 unit:
    the yearly water consumed in the city (m³, all uses) × 1000 ÷ 365 ÷ population. The published
    unit is not verified (litres per day or m³ per year per capita both appear); the daily
    litres reading is the common international one. Lower is better.
    """
    return water_consumed_total * LITRES_PER_M3 / DAYS_PER_YEAR / population


@kpi("EN: EN: WS: 3C", name="Freshwater Consumption", category="Water and Sanitation", unit="%",
     direction="lower", kpi_class="Sustainable")
def freshwater_consumption(freshwater_consumed, water_consumed_total):
    """Share of the water consumed in the city that is drawn from freshwater sources.

    Choice: Freshwater Consumption is read as the percentage of the city's water consumption that
    comes from freshwater sources: water consumed from rivers, lakes, reservoirs and groundwater
    ÷ all water consumed × 100, following the U4SSC development code list. The published
    definition only names the topic and its rationale cites withdrawals per capita; the share
    reading keeps the indicator comparable across city sizes. Lower is better (less pressure on
    freshwater resources).
    """
    return percent(freshwater_consumed, water_consumed_total)


@kpi("EN: EN: WS: 4C", name="Wastewater Treatment", category="Water and Sanitation",
     unit="%", direction="higher",
     points=(DataPoint("primary", "Primary treatment"),
             DataPoint("secondary", "Secondary treatment"),
             DataPoint("tertiary", "Tertiary treatment")))
def wastewater_treatment(
    wastewater_primary_treated,
    wastewater_secondary_treated,
    wastewater_tertiary_treated,
    wastewater_total,
):
    """Share of the city's wastewater treated to primary, secondary and tertiary level.

    Choice: Wastewater Treatment reports each level cumulatively: the volume that received at
    least primary (respectively at least secondary, and tertiary) treatment ÷ all wastewater
    generated × 100. This is the reading under which the verification rule "tertiary ≤
    secondary ≤ primary" holds, and it matches how SDG 6.3.1 counts treated wastewater. Higher
    is better for every level.
    """
    return {
        "primary": percent(wastewater_primary_treated, wastewater_total),
        "secondary": percent(wastewater_secondary_treated, wastewater_total),
        "tertiary": percent(wastewater_tertiary_treated, wastewater_total),
    }


# -- Waste -----------------------------------------------------------------------------------------


@kpi("EN: EN: WA: 1C", name="Solid Waste Treatment", category="Waste", unit="%",
     direction="none",
     points=(DataPoint("landfill", "Landfill", direction=Direction.LOWER),
             DataPoint("burnt_open", "Burnt in the open", direction=Direction.LOWER),
             DataPoint("incinerated", "Incinerated", direction=Direction.NONE),
             DataPoint("open_dump", "Open dump", direction=Direction.LOWER),
             DataPoint("recycled", "Recycled", direction=Direction.HIGHER),
             DataPoint("other", "Other", direction=Direction.NONE)))
def solid_waste_treatment(
    solid_waste_landfilled,
    solid_waste_burnt_open,
    solid_waste_incinerated,
    solid_waste_open_dumped,
    solid_waste_recycled,
    solid_waste_other_treatment,
    solid_waste_total,
):
    """Share of the city's solid waste handled by each disposal route; the routes add up to 100 %.

    Choice: Solid Waste Treatment gives, for each route, tonnes handled that way ÷ all solid
    waste × 100, each waste tonne counted under one route so the shares add up to about 100 %.
    The published direction is mixed, so the KPI as a whole has none and each data point has its
    own: recycled higher is better; landfill, open burning and open dumping lower is better;
    incineration and other routes have no direction (their merit depends on energy recovery and
    the alternative), so they are reported but not benchmarked.
    """
    return {
        "landfill": percent(solid_waste_landfilled, solid_waste_total),
        "burnt_open": percent(solid_waste_burnt_open, solid_waste_total),
        "incinerated": percent(solid_waste_incinerated, solid_waste_total),
        "open_dump": percent(solid_waste_open_dumped, solid_waste_total),
        "recycled": percent(solid_waste_recycled, solid_waste_total),
        "other": percent(solid_waste_other_treatment, solid_waste_total),
    }


# -- Environmental Quality -------------------------------------------------------------------------


@kpi("EN: EN: EQ: 1C", name="EMF Exposure", category="Environmental Quality", unit="%",
     direction="higher", sdg=("SDG 16.B",), kpi_class="Smart")
def emf_exposure(antenna_sites_emf_compliant, antenna_sites_total):
    """Share of the city's mobile antenna sites verified to respect EMF exposure limits."""
    return percent(antenna_sites_emf_compliant, antenna_sites_total)


@kpi("EN: EN: EQ: 2A", name="Noise Exposure", category="Environmental Quality", unit="%",
     direction="lower")
def noise_exposure(population_exposed_to_noise, population):
    """Share of the city's inhabitants exposed to excessive environmental noise.

    Choice: Noise Exposure counts inhabitants whose homes are exposed to 55 dB Lden or more from
    road, rail, air traffic or industry (the reporting threshold of the EU Environmental Noise
    Directive strategic noise maps, close to the WHO guideline levels) ÷ population × 100. The
    published threshold is not verified; a city using another threshold should override it and
    say so. Lower is better.
    """
    return percent(population_exposed_to_noise, population)


# -- Public Space and Nature -----------------------------------------------------------------------


@kpi("EN: EN: PSN: 1C", name="Green Areas", category="Public Space and Nature",
     unit="ha per 100 000 inhabitants", direction="higher")
def green_areas(green_space_area, population):
    """Hectares of green space in the city for every 100 000 inhabitants.

    Choice: Green Areas is the area of vegetated or natural green space (parks, gardens, forests,
    natural areas) in hectares ÷ (population / 100 000), the ISO 37120
    definition U4SSC follows; the ITU page itself was not retrieved. Higher is better.
    """
    return per_100k(green_space_area, population)


@kpi("EN: EN: PSN: 2A", name="Green Area Accessibility", category="Public Space and Nature",
     unit="%", direction="higher")
def green_area_accessibility(population_near_green_area, population):
    """Share of the city's inhabitants living within walking distance of a public green area.

    Choice: Green Area Accessibility counts inhabitants within 400 m walking distance, along the
    street network, of a public green area ÷ population × 100. The published distance is not
    verified; 400 m is the UN-Habitat threshold for SDG indicator 11.7.1 (access to open public
    space). Higher is better.
    """
    return percent(population_near_green_area, population)


@kpi("EN: EN: PSN: 3A", name="Protected Natural Areas", category="Public Space and Nature",
     unit="%", direction="higher")
def protected_natural_areas(protected_natural_area, city_area):
    """Share of the city's land area that is legally protected as natural sites.

    Choice: Protected Natural Areas divides the area legally protected as natural sites inside
    the city boundary by the city's total land area, times 100 (both in km²). The formula comes
    from the U4SSC development code list; the ITU page was not retrieved. Higher is better.
    """
    return percent(protected_natural_area, city_area)


@kpi("EN: EN: PSN: 4A", name="Recreational Facilities", category="Public Space and Nature",
     unit="m² per 100 000 inhabitants", direction="higher")
def recreational_facilities(recreational_facility_area, population):
    """Square metres of public recreational facilities for every 100 000 inhabitants.

    Choice: Recreational Facilities is the area of public indoor and outdoor recreational
    facilities in square metres ÷ (population / 100 000). The area unit is not verified; square
    metres is the unit ISO 37120 uses for recreation space. Higher is better.
    """
    return per_100k(recreational_facility_area, population)


# -- consistency checks ----------------------------------------------------------------------------


@check(
    "Wastewater Treatment levels are out of order: the tertiary share must not exceed the "
    "secondary share, nor the secondary share the primary one; check that each level counts all "
    "wastewater treated to at least that level and that all use the same total."
)
def wastewater_levels_out_of_order(wastewater_treatment):
    """Flag cities whose tertiary share exceeds secondary, or secondary exceeds primary.

    Tertiary above primary is also flagged, so the rule still applies when secondary is missing.
    """
    primary = wastewater_treatment["primary"]
    secondary = wastewater_treatment["secondary"]
    tertiary = wastewater_treatment["tertiary"]
    return (tertiary > secondary) | (secondary > primary) | (tertiary > primary)


@check(
    "Solid Waste Treatment data points do not add up to 100 % (±2): check that every tonne of "
    "waste is counted once, under one route, and that all routes use the same total."
)
def solid_waste_shares_off_100(solid_waste_treatment):
    """Flag cities whose six solid-waste shares sum to more than 2 points away from 100 %."""
    return shares_off_100(*solid_waste_treatment.values())
