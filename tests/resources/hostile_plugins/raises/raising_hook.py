"""A hook that raises when the engine asks it for its indicators."""

from u4ssc.core import hookimpl


@hookimpl
def u4ssc_indicators():
    """Reads a file that is not there, as a buggy plugin might."""
    raise FileNotFoundError("kpis.json")
