"""Defines the toy plugin's first code again, without saying it replaces it."""

from u4ssc.core import hookimpl, indicator


@indicator(
    "t:t:t:1c",
    name="Online again",
    unit="%",
    dimension="D",
    subdimension="S",
    category="C",
    direction="higher",
)
def online_again(households):
    """Same code as toy's Online Households, spelt differently."""
    return households


@hookimpl
def u4ssc_indicators():
    """Add the duplicate."""
    return [online_again]
