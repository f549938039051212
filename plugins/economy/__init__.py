"""Economy dimension of the U4SSC KPIs: ICT, Productivity and Infrastructure."""

from u4ssc.core import checks_in, data_items_in, hookimpl, indicators_in

from . import ict, infrastructure, productivity

MODULES = (ict, productivity, infrastructure)


@hookimpl
def u4ssc_data_items():
    """Declare the raw data items the Economy KPIs read."""
    return data_items_in(*MODULES)


@hookimpl
def u4ssc_indicators():
    """Add the Economy KPIs."""
    return indicators_in(*MODULES)


@hookimpl
def u4ssc_checks():
    """Add the Economy consistency checks."""
    return checks_in(*MODULES)
