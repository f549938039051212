"""A hook function both misspelt and without @hookimpl."""

from u4ssc.core import Target


def u4ssc_target():
    """Misspelt (the hook is u4ssc_targets) and not marked."""
    return [Target("EC: ICT: ICT: 1C", 90.0, kind="local")]
