"""Environment dimension of the U4SSC KPIs: Environment and Energy."""

from u4ssc.core import checks_in, data_items_in, hookimpl, indicators_in

from . import energy, environment

MODULES = (environment, energy)


@hookimpl
def u4ssc_data_items():
    """Declare the raw data items the Environment KPIs read."""
    return data_items_in(*MODULES)


@hookimpl
def u4ssc_indicators():
    """Add the Environment KPIs."""
    return indicators_in(*MODULES)


@hookimpl
def u4ssc_checks():
    """Add the Environment consistency checks."""
    return checks_in(*MODULES)
