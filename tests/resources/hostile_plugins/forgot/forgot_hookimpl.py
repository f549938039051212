"""A local indicator whose hooks lack @hookimpl: pluggy would register nothing from it."""

from u4ssc.core import DataItem, Kind, indicator

kiosks = DataItem("kiosks", "Kiosks", "kiosks", Kind.COUNT, "Information kiosks.")


@indicator(
    "LOCAL: KIOSK: 1",
    name="Kiosks",
    unit="kiosks",
    dimension="Local",
    subdimension="Local",
    category="ICT",
    direction="higher",
    tier="advanced",
)
def kiosk_count(kiosks):
    """Information kiosks in the city."""
    return kiosks


def u4ssc_data_items():
    """Forgot @hookimpl."""
    return [kiosks]


def u4ssc_indicators():
    """Forgot @hookimpl too."""
    return [kiosk_count]
