"""A one-off local indicator: drop this file into a folder and run u4ssc --plugins-dir FOLDER.

It reuses two U4SSC data items, ``public_wifi_hotspots`` and ``population``, by naming them as
parameters, so it scores ``examples/cities.csv`` as it is. When it proves useful, move it into a
package (``u4ssc new-plugin``) so that everyone gets it with ``pip install``.
"""

from u4ssc.core import Target, hookimpl, indicator


@indicator("LOCAL: ICT: 1", name="Wi-Fi Hotspot Density", unit="hotspots per 10 000 inhabitants",
           dimension="Local", subdimension="Local", category="ICT", direction="higher",
           tier="advanced")
def wifi_hotspot_density(public_wifi_hotspots, population):
    """Public Wi-Fi hotspots per 10 000 inhabitants."""
    return public_wifi_hotspots / population * 10_000


@hookimpl
def u4ssc_indicators():
    return [wifi_hotspot_density]


@hookimpl
def u4ssc_targets():
    return [Target("LOCAL: ICT: 1", 10.0, kind="local", source="Digital city plan 2030")]
