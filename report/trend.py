"""Progress over time, drawn: a sparkline per KPI and a chart of the dimension scores by year.

Both are small inline SVG built with :func:`el` (so every text is escaped), with no script and no
library: what they show comes from :meth:`u4ssc.core.Result.trends` and the roll-ups, as
:func:`u4ssc.report.model.city_periods` collected them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .html import Markup, el
from .parts import number, percent

__all__ = ["LINE_COLOURS", "PROGRESS_MARKS", "dimension_chart", "progress_label", "sparkline"]

#: A mark for each progress status of the trend table.
PROGRESS_MARKS = {
    "improving": "↑",
    "worsening": "↓",
    "stable": "→",
    "target met": "✓",
    "first year": "·",
    "one year only": "·",
    "not comparable": "?",
    "changed": "~",
}
#: Line colours of the dimension chart: the overall score first, then each dimension in turn.
LINE_COLOURS = ("#1a1a1a", "#1f6fb2", "#2e8b57", "#8e44ad", "#d35400", "#7f8c8d")
_SPARK = (96, 26, 3)  # width, height, padding
_CHART = (640, 230, 44, 16, 28)  # width, height, left, right, bottom


def progress_label(trend: dict[str, Any]) -> Markup:
    """The progress status with its mark, its reason as a tooltip, coloured by status."""
    progress = trend.get("progress", "")
    if not progress:
        return el("span", "—")
    detail = [trend.get("reason", "")]
    if trend.get("change") is not None:
        detail.append(f"change {number(trend['change'])} since {trend['previous_year']}")
    if trend.get("year_to_target") is not None:
        detail.append(f"target by {trend['year_to_target']} at this pace")
    return el(
        "span",
        f"{PROGRESS_MARKS.get(progress, '')} {progress}",
        class_=f"progress p-{progress.replace(' ', '-')}",
        title="; ".join(d for d in detail if d),
    )


def sparkline(
    series: Sequence[tuple[int, float | None]], year: int | None, target: float | None
) -> Markup:
    """A KPI's values over the city's years: a line (broken where a year has no value), a dot
    on ``year``, the target dashed when it is given."""
    width, height, pad = _SPARK
    known = [(y, v) for y, v in series if v is not None]
    title = "; ".join(f"{y}: {number(v)}" for y, v in series)
    if target is not None:
        title += f"; target {number(target)}"
    if not known:
        return el("span", "—", title=title or None, class_="small")
    levels = [v for _, v in known] + ([target] if target is not None else [])
    low, high = min(levels), max(levels)
    years = [y for y, _ in series]
    first, last = min(years), max(years)

    def x(y: int) -> float:
        return pad + (y - first) / (last - first) * (width - 2 * pad) if last > first else width / 2

    def yy(v: float) -> float:
        if high == low:
            return height / 2
        return height - pad - (v - low) / (high - low) * (height - 2 * pad)

    parts: list[Markup] = []
    if target is not None:
        parts.append(
            el(
                "line",
                x1=pad,
                x2=width - pad,
                y1=f"{yy(target):.1f}",
                y2=f"{yy(target):.1f}",
                class_="spark-target",
            )
        )
    run: list[str] = []
    for y, v in [*series, (last + 1, None)]:
        if v is None:
            if len(run) > 1:
                parts.append(el("polyline", points=" ".join(run), class_="spark-line"))
            run = []
            continue
        run.append(f"{x(y):.1f},{yy(v):.1f}")
    for y, v in known:
        if y == year:
            parts.append(el("circle", cx=f"{x(y):.1f}", cy=f"{yy(v):.1f}", r=2.5))
    return el(
        "svg",
        el("title", title),
        parts,
        class_="spark",
        width=width,
        height=height,
        viewBox=f"0 0 {width} {height}",
        role="img",
        aria_label=title,
    )


def dimension_chart(history: Sequence[dict[str, Any]], year: int | None) -> Markup:
    """The overall and dimension scores (% of the maximum points) of one city, year by year."""
    width, height, left, right, bottom = _CHART
    top = 10
    years = [h["year"] for h in history]
    names = list(dict.fromkeys(d for h in history for d in h["dimensions"]))
    lines = [("Overall", [h["overall"] for h in history])]
    lines += [(d, [h["dimensions"].get(d) for h in history]) for d in names]
    first, last = (min(years), max(years)) if years else (0, 0)

    def x(y: int) -> float:
        span = width - left - right
        return left + (y - first) / (last - first) * span if last > first else left + span / 2

    def yy(pct: float) -> float:
        return top + (100 - min(max(pct, 0), 100)) / 100 * (height - top - bottom)

    grid = [
        [
            el("line", x1=left, x2=width - right, y1=yy(p), y2=yy(p), class_="chart-grid"),
            el(
                "text",
                f"{p} %",
                x=left - 6,
                y=f"{yy(p) + 4:.1f}",
                class_="chart-axis",
                text_anchor="end",
            ),
        ]
        for p in (0, 25, 50, 75, 100)
    ]
    ticks = [
        el(
            "text",
            str(y),
            x=f"{x(y):.1f}",
            y=height - 8,
            class_="chart-axis" + (" chart-now" if y == year else ""),
            text_anchor="middle",
        )
        for y in years
    ]
    drawn = []
    legend = []
    for k, (name, values) in enumerate(lines):
        colour = LINE_COLOURS[min(k, len(LINE_COLOURS) - 1)]
        points = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
        text = "; ".join(f"{y}: {percent(v)}" for y, v in points) or "not scored"
        path = " ".join(f"{x(y):.1f},{yy(v):.1f}" for y, v in points)
        drawn.append(
            el(
                "g",
                el("title", f"{name}: {text}"),
                el("polyline", points=path, stroke=colour, class_="chart-line")
                if len(points) > 1
                else None,
                [
                    el("circle", cx=f"{x(y):.1f}", cy=f"{yy(v):.1f}", r=3, fill=colour)
                    for y, v in points
                ],
                class_="chart-series",
            )
        )
        legend.append(el("li", el("span", class_="swatch", style=f"background: {colour}"), name))
    label = f"Overall and dimension scores by year, {first} to {last}" if years else "no years"
    svg = el(
        "svg",
        el("title", label),
        grid,
        ticks,
        drawn,
        class_="chart",
        width=width,
        height=height,
        viewBox=f"0 0 {width} {height}",
        role="img",
        aria_label=label,
    )
    return el("figure", svg, el("ul", legend, class_="legend"), class_="chart")
