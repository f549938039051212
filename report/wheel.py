"""Draw the benchmarking wheel with matplotlib: four nested pie rings, as SVG or PNG.

Each ring is one ``Axes.pie`` with a wedge width: matplotlib computes the wedges, their angles and
the rendering to SVG and PNG, so this module only decides sizes, colours and where labels go. The
figure is a bare :class:`matplotlib.figure.Figure` (no pyplot, no GUI backend, no global state).

Drawing the rings and laying out ~300 labels is the slow part, and it is the same for every
city-period scored with one catalogue. A :class:`Painter` therefore keeps the last figure and, for
a wheel of the same shape, only recolours it: that is what makes a hundred reports quick.

This module imports matplotlib at the top: import it only when a wheel is asked for (the package
``u4ssc.report`` does so lazily).
"""

from __future__ import annotations

import functools
import io
import logging
import math
import textwrap
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Patch, Wedge
from matplotlib.text import Text

from .model import RING_LEVELS, Segment, Wheel
from .palette import colour, legend, text_colour

__all__ = ["RADII", "Painter", "segment_id"]

#: Inner and outer radius of each ring, in data units (the wheel's outer edge is 1).
RADII = {
    "dimension": (0.2, 0.42),
    "subdimension": (0.42, 0.62),
    "category": (0.62, 0.86),
    "kpi": (0.86, 1.0),
}
#: Font size of each ring's labels, in points.
FONT = {"dimension": 8.5, "subdimension": 6.5, "category": 5.8, "kpi": 5.2}
_FIGSIZE = (8.0, 8.6)
_AXES = (0.0, 0.075, 1.0, 0.85)
_LIMIT = 1.27
#: Points per data unit of the wheel (the axes are square in data, limited by the smaller side).
_PT_PER_UNIT = 72 * min(_FIGSIZE[0] * _AXES[2], _FIGSIZE[1] * _AXES[3]) / (2 * _LIMIT)
_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_RC: dict[str, Any] = {
    "text.parse_math": False,  # a city or KPI name with $ signs is text, not mathematics
    "svg.hashsalt": "u4ssc",  # stable ids, so the same wheel gives the same bytes
}
#: Fonts tried after DejaVu Sans (shipped inside matplotlib: Latin, Greek, Cyrillic, Arabic,
#: Hebrew), character by character, where installed: CJK and other scripts' city names. Debian
#: packages: fonts-noto-cjk, fonts-droid-fallback, fonts-wqy-microhei, fonts-noto-core.
FALLBACK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Droid Sans Fallback",
    "WenQuanYi Micro Hei",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans Thai",
)


@functools.cache
def font_families() -> tuple[str, ...]:
    """DejaVu Sans, then the installed fonts of :data:`FALLBACK_FONTS` (matplotlib 3.6 and later
    draws each character in the first of them that has it). Fonts that are not installed are
    left out, so matplotlib never warns that it cannot find one."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *(name for name in FALLBACK_FONTS if name in installed))


def segment_id(level: str, index: int) -> str:
    """The SVG id of the ``index``-th segment of a ring (clockwise from the top)."""
    return f"wheel-{level}-{index}"


@contextmanager
def _style(text_as_paths: bool = True) -> Iterator[None]:
    """matplotlib's settings for a wheel; a character no installed font has is drawn as a box,
    without matplotlib's warning on the terminal (see :func:`missing_characters`)."""
    rc: Any = {
        **_RC,
        "svg.fonttype": "path" if text_as_paths else "none",
        "font.family": list(font_families()),
    }
    fonts = logging.getLogger("matplotlib.font_manager")  # "no bold weight": a regular is used
    level = fonts.level
    fonts.setLevel(logging.ERROR)
    try:
        with mpl.rc_context(rc), warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"Glyph \d+ .*missing from", UserWarning)
            yield
    finally:
        fonts.setLevel(level)


@dataclass
class _Drawing:
    """A drawn wheel and the artists that change from one city-period to the next."""

    figure: Figure
    wedges: dict[str, list[Wedge]]
    labels: dict[str, list[Text | None]]
    disc: Circle
    centre: Text
    overall: Text
    title: Text

    def paint(self, wheel: Wheel) -> None:
        """Colour every segment by its state and set the title and overall score."""
        for level in RING_LEVELS:
            for i, segment in enumerate(wheel.rings[level]):
                self.wedges[level][i].set_facecolor(colour(segment.state))
                label = self.labels[level][i]
                if label is not None:
                    label.set_color(text_colour(segment.state))
        self.disc.set_facecolor(colour(wheel.centre_state))
        self.centre.set_text(wheel.centre)
        for text in (self.centre, self.overall):
            text.set_color(text_colour(wheel.centre_state))
        self.title.set_text("\n".join(textwrap.wrap(wheel.title, 60, max_lines=2, placeholder="…")))


class Painter:
    """Draws wheels, reusing the last figure for a wheel of the same shape.

    Two wheels have the same shape when their rings hold the same segments (labels, sizes and
    link targets) in the same order, as every city-period of one result does. Not thread-safe:
    use one painter per thread.
    """

    def __init__(self) -> None:
        self._shape: Hashable = None
        self._drawing: _Drawing | None = None

    def figure(self, wheel: Wheel, *, links: bool = False) -> Figure:
        """The wheel as a matplotlib figure.

        :param links: make each segment a link to ``#anchor`` (its row in an HTML report).
        """
        shape = (
            links,
            *((lv, *((s.label, s.size, s.anchor) for s in wheel.rings[lv])) for lv in RING_LEVELS),
        )
        if self._drawing is None or shape != self._shape:
            self._drawing = _draw(wheel, links)
            self._shape = shape
        self._drawing.paint(wheel)
        return self._drawing.figure

    def svg(
        self,
        wheel: Wheel,
        *,
        links: bool = False,
        standalone: bool = True,
        text_as_paths: bool = True,
    ) -> str:
        """The wheel as SVG text, each segment with its full name and score as a tooltip.

        :param standalone: start with an XML declaration (for a ``.svg`` file); otherwise the bare
            ``<svg>`` element, ready to go inside an HTML page.
        :param text_as_paths: draw letters as shapes, so the file looks the same where DejaVu Sans
            is not installed; otherwise keep text as text (selectable, searchable, read by screen
            readers, half the size and twice as fast to write), which an HTML page shows in its
            own font stack.
        """
        buffer = io.BytesIO()
        with _style(text_as_paths):
            self.figure(wheel, links=links).savefig(buffer, format="svg", metadata={"Date": None})
        svg = _with_titles(buffer.getvalue(), wheel)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + svg + "\n" if standalone else svg

    def png(self, wheel: Wheel, dpi: int = 150) -> bytes:
        """The wheel as PNG bytes."""
        buffer = io.BytesIO()
        with _style():
            self.figure(wheel).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()


# -- drawing --------------------------------------------------------------------------------------


def _draw(wheel: Wheel, links: bool) -> _Drawing:
    with _style():
        fig = Figure(figsize=_FIGSIZE)
        ax = fig.add_axes(_AXES)
        wedges, labels = {}, {}
        for level in RING_LEVELS:
            wedges[level], labels[level] = _ring(ax, level, wheel.rings[level], links)
        ax.set_xlim(-_LIMIT, _LIMIT)
        ax.set_ylim(-_LIMIT, _LIMIT)
        ax.set_aspect("equal")
        ax.axis("off")
        disc = Circle((0, 0), RADII["dimension"][0], edgecolor="white")
        ax.add_patch(disc)
        centre = ax.text(0, 0.03, "", ha="center", va="center", fontsize=12, weight="bold")
        overall = ax.text(0, -0.07, "overall", ha="center", va="center", fontsize=7)
        title = fig.suptitle("", fontsize=14, weight="bold", y=0.985, va="top")
        handles = [
            Patch(facecolor=colour(state), edgecolor="#666666", linewidth=0.4, label=label)
            for state, label in legend(wheel.bands)
        ]
        fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=8)
    return _Drawing(fig, wedges, labels, disc, centre, overall, title)


def _ring(
    ax: Any, level: str, segments: list[Segment], links: bool
) -> tuple[list[Wedge], list[Text | None]]:
    inner, outer = RADII[level]
    wedges, _ = ax.pie(
        [s.size for s in segments],
        radius=outer,
        startangle=90,
        counterclock=False,
        wedgeprops={"width": outer - inner, "edgecolor": "white", "linewidth": 0.5},
    )
    labels: list[Text | None] = []
    for i, (wedge, segment) in enumerate(zip(wedges, segments, strict=True)):
        wedge.set_gid(segment_id(level, i))
        if links:
            wedge.set_url(f"#{segment.anchor}")
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        span = math.radians(abs(wedge.theta2 - wedge.theta1))
        if level == "kpi":
            _outside_label(ax, segment.label, angle, outer + 0.015)
            labels.append(None)
        else:
            labels.append(_inside_label(ax, level, segment.label, angle, span))
    return wedges, labels


def _inside_label(ax: Any, level: str, label: str, angle: float, span: float) -> Text:
    """A label inside its segment: horizontal, along the radius or across it, whichever fits."""
    inner, outer = RADII[level]
    radius, depth = (inner + outer) / 2, (outer - inner) * _PT_PER_UNIT
    font, deg = FONT[level], math.degrees(angle)
    if level == "dimension":
        wrapped, rotation = _wrap(label, depth * 1.6, depth, font)[0], 0.0
    else:
        chord = 2 * inner * math.sin(min(span, math.pi) / 2) * _PT_PER_UNIT
        across, across_lines = _wrap(label, chord, depth, font)
        along, along_lines = _wrap(label, depth, radius * span * _PT_PER_UNIT, font)
        if across_lines <= along_lines:  # across the radius reads like normal text: prefer it
            wrapped, rotation = across, deg - 90 if math.sin(angle) >= 0 else deg + 90
        else:  # along the radius, never upside down
            wrapped, rotation = along, deg if math.cos(angle) >= 0 else deg + 180
    text: Text = ax.text(
        radius * math.cos(angle),
        radius * math.sin(angle),
        wrapped,
        ha="center",
        va="center",
        rotation=rotation,
        rotation_mode="anchor",
        fontsize=font,
        linespacing=1.05,
    )
    return text


def _wrap(label: str, length: float, room: float, font: float) -> tuple[str, int]:
    """``label`` wrapped to lines of ``length`` points in ``room`` points of height.

    Returns the text and a cost: the number of lines when it fits, a large number when it must be
    shortened (the full name is always in the tooltip and the report's tables).
    """
    chars = max(1, int(length / (0.57 * font)))
    lines = max(1, int(room / (1.25 * font)))
    whole = textwrap.wrap(label, chars, break_long_words=False) or [""]
    if len(whole) <= lines and max(map(len, whole)) <= chars:
        return "\n".join(whole), len(whole)
    short = textwrap.wrap(
        label, chars, max_lines=lines, placeholder="…", break_long_words=False
    ) or ["…"]
    return "\n".join(short), 1000 - sum(map(len, short))


def _outside_label(ax: Any, label: str, angle: float, radius: float) -> None:
    right = math.cos(angle) >= 0
    deg = math.degrees(angle)
    ax.text(
        radius * math.cos(angle),
        radius * math.sin(angle),
        label,
        ha="left" if right else "right",
        va="center",
        rotation=deg if right else deg + 180,
        rotation_mode="anchor",
        fontsize=FONT["kpi"],
        color="#333333",
    )


def _with_titles(svg: bytes, wheel: Wheel) -> str:
    """Add a ``<title>`` (a tooltip) to every segment, and a label to the whole picture."""
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    root = ET.fromstring(svg)
    titles = {
        segment_id(level, i): s.title
        for level in RING_LEVELS
        for i, s in enumerate(wheel.rings[level])
    }
    for group in root.iter(f"{{{_SVG}}}g"):
        title = titles.get(group.get("id", ""))
        if title is not None:
            element = ET.Element(f"{{{_SVG}}}title")
            element.text = title
            group.insert(0, element)
    for link in root.iter(f"{{{_SVG}}}a"):
        link.attrib.pop("target", None)  # matplotlib opens links in a new tab; these are in-page
    root.set("role", "img")
    root.set("aria-label", f"U4SSC benchmarking wheel: {wheel.title}")
    return ET.tostring(root, encoding="unicode")
