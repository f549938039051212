"""City reports: the U4SSC benchmarking wheel and self-contained HTML pages, from a scored result.

Everything shown comes from :class:`u4ssc.core.Result` (its long records, roll-ups, warnings,
problems and manifest); nothing is recomputed::

    import u4ssc
    from u4ssc.report import city_periods, write_reports, write_wheel

    result = u4ssc.score("examples/cities.csv")
    periods = city_periods(result, city="Aster (synthetic)")
    write_wheel(periods[-1], Path("aster.svg"))            # or .png
    write_reports(periods, Path("reports"), compare=True)   # one page each, and a comparison

The wheel needs matplotlib (``pip install 'u4ssc[report]'``). Importing this package is cheap
(standard library and the light part of ``u4ssc.core``): matplotlib is imported only when a
wheel is drawn, by :func:`painter`.
"""

from __future__ import annotations

from .model import CityPeriod, Wheel, city_periods, wheel_of
from .output import (
    painter,
    report_html,
    reports_destination,
    wheel_destination,
    write_reports,
    write_wheel,
)

__all__ = [
    "CityPeriod",
    "Wheel",
    "city_periods",
    "painter",
    "report_html",
    "reports_destination",
    "wheel_destination",
    "wheel_of",
    "write_reports",
    "write_wheel",
]
