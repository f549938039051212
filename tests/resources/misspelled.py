"""Implements a hook name that does not exist."""

from u4ssc.core import hookimpl


@hookimpl
def u4ssc_indicator():
    """Misspelt: the hook is u4ssc_indicators."""
    return []
