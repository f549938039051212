"""Brindle Bay's u4ssc plugin: local coastal and mobility indicators and their targets.

Brindle Bay is a fictional coastal city; this package is the worked example of
``docs/plugins.md``. The engine finds it through the ``u4ssc`` entry point in ``pyproject.toml``
and calls the hooks below.
"""

from __future__ import annotations

from u4ssc.core import Target, data_items_in, hookimpl, indicators_in

from . import indicators, inputs

__version__ = "1.0.0"

#: Local targets, from the city council's plans: scored like U4SSC targets, marked "local".
TARGETS = [
    Target("BB: COAST: 1", 95.0, kind="local", source="Brindle Bay Coastal Plan 2030"),
    Target("BB: COAST: 2", 5.0, kind="local", source="Brindle Bay Coastal Plan 2030"),
    Target("BB: MOB: 1", 12.0, kind="local", source="Brindle Bay Mobility Plan 2028"),
]


@hookimpl
def u4ssc_data_items():
    """Declare the data items Brindle Bay reports besides the U4SSC ones."""
    return data_items_in(inputs)


@hookimpl
def u4ssc_indicators():
    """Add the local indicators and the city's own water consumption formula."""
    return indicators_in(indicators)


@hookimpl
def u4ssc_targets():
    """Add the local targets."""
    return TARGETS
