"""A local target for a code no plugin defines (a typo of EC: ICT: ICT: 1C)."""

from u4ssc.core import Target, hookimpl


@hookimpl
def u4ssc_targets():
    """One target, misspelt."""
    return [Target("EC: ICT: ICT: 9C", 90.0, kind="local", source="Digital plan")]
