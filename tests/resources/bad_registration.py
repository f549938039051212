"""Returns something that is not an indicator."""

from u4ssc.core import hookimpl


def not_decorated(households):
    """No @indicator."""
    return households


@hookimpl
def u4ssc_indicators():
    """Return a plain function."""
    return [not_decorated]
