"""Write wheels and reports to files: what ``u4ssc wheel`` and ``u4ssc report`` call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from u4ssc.core import ConfigurationError, U4SSCError, UnknownNameError

from .city import render_report
from .compare import render_comparison
from .model import CityPeriod, slug, wheel_of

if TYPE_CHECKING:
    from .wheel import Painter

__all__ = [
    "WHEEL_FORMATS",
    "file_names",
    "painter",
    "report_html",
    "write_reports",
    "write_wheel",
]

#: File suffixes ``write_wheel`` understands.
WHEEL_FORMATS = (".svg", ".png")
#: Name of the comparison page when reports are written to a directory.
COMPARISON = "comparison.html"


def painter() -> Painter:
    """A new wheel painter; matplotlib is imported here, and only here.

    :raises ConfigurationError: matplotlib is not installed.
    """
    try:
        from .wheel import Painter
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] != "matplotlib":
            raise
        raise ConfigurationError(
            "the benchmarking wheel needs matplotlib, which is not installed: "
            "pip install 'u4ssc[report]'"
        ) from error
    return Painter()


def write_wheel(period: CityPeriod, path: Path) -> Path:
    """Write the wheel of one city-period to ``path``: SVG or PNG by its suffix.

    :raises UnknownNameError: the suffix is neither ``.svg`` nor ``.png``.
    """
    suffix = path.suffix.lower()
    if suffix not in WHEEL_FORMATS:
        raise UnknownNameError("wheel format", path.suffix or path.name, WHEEL_FORMATS)
    draw = painter()
    wheel = wheel_of(period)
    if suffix == ".png":
        path.write_bytes(draw.png(wheel))
    else:
        path.write_text(draw.svg(wheel), encoding="utf-8")
    return path


def report_html(period: CityPeriod, draw: Painter | None = None) -> str:
    """The self-contained HTML report of one city-period.

    :param draw: a painter to reuse across many reports (much faster than one each).
    """
    draw = draw or painter()
    svg = draw.svg(wheel_of(period), links=True, standalone=False, text_as_paths=False)
    return render_report(period, svg, _version(period))


def file_names(periods: Sequence[CityPeriod]) -> dict[int, str]:
    """A distinct file name for each period's report, by input row: ``aster-2023.html``."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for p in periods:
        stem = slug(p.city) + ("" if p.year is None else f"-{p.year}")
        name, n = f"{stem}.html", 1
        while name in taken or name == COMPARISON:
            n += 1
            name = f"{stem}-{n}.html"
        taken.add(name)
        names[p.row] = name
    return names


def write_reports(periods: Sequence[CityPeriod], out: Path, *, compare: bool = False) -> list[Path]:
    """Write reports and return the files written.

    ``out`` ending in ``.html`` is one file: the report of the only period, or with ``compare``
    the comparison page. Any other ``out`` is a directory (created if needed) that receives one
    report per period and, with ``compare``, ``comparison.html`` linking to them.

    :raises U4SSCError: ``out`` is one file but several periods were given without ``compare``,
        or no period at all.
    """
    if not periods:
        raise U4SSCError("no city-period to report on: the input has no rows")
    version = _version(periods[0])
    if out.suffix.lower() == ".html":
        if compare:
            out.write_text(render_comparison(periods, version), encoding="utf-8")
        elif len(periods) == 1:
            out.write_text(report_html(periods[0]), encoding="utf-8")
        else:
            raise U4SSCError(
                f"{len(periods)} city-periods match but {out.name} is one file: choose one with "
                "--city and --year, give a directory, or use --compare"
            )
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    names = file_names(periods)
    draw = painter()
    written = []
    for p in periods:
        path = out / names[p.row]
        path.write_text(report_html(p, draw), encoding="utf-8")
        written.append(path)
    if compare:
        path = out / COMPARISON
        path.write_text(render_comparison(periods, version, names), encoding="utf-8")
        written.append(path)
    return written


def _version(period: CityPeriod) -> str:
    return str(period.manifest.get("u4ssc_version", "unknown"))
