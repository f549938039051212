"""The raw data items Brindle Bay reports besides the U4SSC ones.

Official items such as ``population`` and ``households`` are not declared again: an indicator
uses them by naming them as parameters.
"""

from __future__ import annotations

from u4ssc.core import DataItem, Kind

bathing_water_samples = DataItem(
    "bathing_water_samples", "Bathing water samples", "samples", Kind.COUNT,
    "Bathing water samples taken at the city's beaches during the bathing season.",
)
bathing_water_samples_excellent = DataItem(
    "bathing_water_samples_excellent", "Bathing water samples rated excellent", "samples",
    Kind.COUNT,
    "Bathing water samples whose bacteria counts meet the 'excellent' class of the coastal "
    "water regulation.",
)
ferry_passenger_trips = DataItem(
    "ferry_passenger_trips", "Ferry passenger trips", "trips per year", Kind.COUNT,
    "Passenger boardings on the harbour ferries during the year, from ticket validations.",
)
households_in_flood_zone = DataItem(
    "households_in_flood_zone", "Households in the 1-in-100-year flood zone", "households",
    Kind.COUNT,
    "Households whose home lies in the zone flooded by a 1-in-100-year storm surge, from the "
    "coastal flood map laid over the address register.",
)
tourist_overnight_stays = DataItem(
    "tourist_overnight_stays", "Tourist overnight stays", "nights per year", Kind.COUNT,
    "Nights spent by visitors in hotels, campsites and holiday lets during the year.",
)
