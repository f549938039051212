"""Marks a hook whose name is misspelt (u4ssc_indicator for u4ssc_indicators)."""

from u4ssc.core import hookimpl


@hookimpl
def u4ssc_indicator():
    """Misspelt: the hook is u4ssc_indicators."""
    return []
