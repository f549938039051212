"""Society and Culture dimension of the U4SSC KPIs: Education, Health and Culture; Safety,
Housing and Social Inclusion.
"""

from u4ssc.core import checks_in, data_items_in, hookimpl, indicators_in

from . import education_health_culture, safety_housing_inclusion

MODULES = (education_health_culture, safety_housing_inclusion)


@hookimpl
def u4ssc_data_items():
    """Declare the raw data items the Society and Culture KPIs read."""
    return data_items_in(*MODULES)


@hookimpl
def u4ssc_indicators():
    """Add the Society and Culture KPIs."""
    return indicators_in(*MODULES)


@hookimpl
def u4ssc_checks():
    """Add the Society and Culture consistency checks."""
    return checks_in(*MODULES)
