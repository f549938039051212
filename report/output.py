"""Write wheels and reports to files: what ``u4ssc wheel`` and ``u4ssc report`` call."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from u4ssc.core import ConfigurationError, OutputError, U4SSCError
from u4ssc.core.files import Destination, destination, write_output

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
    "reports_destination",
    "wheel_destination",
    "write_reports",
    "write_wheel",
]

#: The files a run reads (none of them may be overwritten).
Inputs = Iterable[str | os.PathLike[str] | None]

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


def wheel_destination(path: Path, inputs: Inputs = ()) -> Destination:
    """Check where a wheel goes (an .svg or .png file, none of ``inputs``), before any work.

    :raises OutputError: another suffix, or a path the safe writer refuses.
    """
    return destination(path, inputs=inputs, suffixes=WHEEL_FORMATS, what="the wheel")


def write_wheel(period: CityPeriod, path: Path, inputs: Inputs = ()) -> Path:
    """Write the wheel of one city-period to ``path``: SVG or PNG by its suffix.

    :raises OutputError: the suffix is neither ``.svg`` nor ``.png``, or the path is refused.
    """
    where = wheel_destination(path, inputs)
    draw = painter()
    wheel = wheel_of(period)
    picture = draw.png(wheel) if where.path.suffix.lower() == ".png" else draw.svg(wheel)
    return write_output(where, picture)


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


def reports_destination(out: Path, inputs: Inputs = ()) -> Destination | None:
    """Check where reports go, before any work: one .html file (its destination), or a
    directory (``None``; each report in it is checked as it is written).

    :raises OutputError: the path is refused, or names a file where a directory is meant.
    """
    if out.suffix.lower() == ".html":
        return destination(out, inputs=inputs, what="the report")
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"cannot write reports into {out}: it is a file, not a directory; give a directory, "
            "or a name ending in .html for one report"
        )
    return None


def write_reports(
    periods: Sequence[CityPeriod], out: Path, *, compare: bool = False, inputs: Inputs = ()
) -> list[Path]:
    """Write reports and return the files written (through the safe writer, none of
    ``inputs``).

    ``out`` ending in ``.html`` is one file: the report of the only period, or with ``compare``
    the comparison page. Any other ``out`` is a directory (created if needed) that receives one
    report per period and, with ``compare``, ``comparison.html`` linking to them.

    :raises U4SSCError: ``out`` is one file but several periods were given without ``compare``,
        or no period at all.
    :raises OutputError: a path is refused or cannot be written.
    """
    if not periods:
        raise U4SSCError("no city-period to report on: the input has no rows")
    version = _version(periods[0])
    single = reports_destination(out, inputs)
    if single is not None:
        if compare:
            return [write_output(single, render_comparison(periods, version))]
        if len(periods) == 1:
            return [write_output(single, report_html(periods[0]))]
        raise U4SSCError(
            f"{len(periods)} city-periods match but {out.name} is one file: choose one with "
            "--city and --year, give a directory, or use --compare"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot write {out}: {error.strerror or error}") from error
    names = file_names(periods)
    draw = painter()
    written = [
        write_output(out / names[p.row], report_html(p, draw), inputs=inputs) for p in periods
    ]
    if compare:
        page = render_comparison(periods, version, names)
        written.append(write_output(out / COMPARISON, page, inputs=inputs))
    return written


def _version(period: CityPeriod) -> str:
    return str(period.manifest.get("u4ssc_version", "unknown"))
