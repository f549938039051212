"""An indicator with a misspelt input."""

from u4ssc.core import hookimpl, indicator


@indicator(
    "U: U: U: 1C",
    name="Typo",
    unit="%",
    dimension="D",
    subdimension="S",
    category="C",
    direction="higher",
)
def typo(housholds):
    """Misspelt households."""
    return housholds


@hookimpl
def u4ssc_indicators():
    """Add the typo."""
    return [typo]
