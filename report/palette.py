"""The colours of bands and greys, shared by the wheel and the HTML pages.

Four bands from red to green, as on U4SSC benchmarking wheels, and two greys: a light one for a
value that is reported but has no benchmark (or a group with nothing scored), a darker one for a
value with no number (not reported, not applicable, invalid or error).
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import MISSING, UNSCORED

__all__ = ["COLOURS", "colour", "legend", "text_colour"]

#: Fill colour of each state (see :func:`u4ssc.report.model.band_state`).
COLOURS = {
    "1": "#d73027",
    "2": "#fc8d59",
    "3": "#fee08b",
    "4": "#1a9850",
    UNSCORED: "#dcdcdc",
    MISSING: "#8f8f8f",
}
_DARK = {"1", "4", MISSING}


def colour(state: str) -> str:
    """The fill colour of a state."""
    return COLOURS[state]


def text_colour(state: str) -> str:
    """Black or white, whichever reads on the state's colour."""
    return "#ffffff" if state in _DARK else "#1a1a1a"


def legend(bands: Sequence[str]) -> list[tuple[str, str]]:
    """(state, label) pairs for a legend: the four bands by their labels, then the greys."""
    return [
        *((str(i + 1), f"{label} of target") for i, label in enumerate(bands)),
        (UNSCORED, "no benchmark / not scored"),
        (MISSING, "not reported / not applicable / invalid"),
    ]
