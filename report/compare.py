"""One page comparing several city-periods: roll-up scores side by side and a KPI grid by band.

Every city-period of one result has the same KPIs and groups, so both tables are a matrix: rows
are groups or KPI values, columns are city-periods, each cell coloured by its band (grey where not
scored). Cells carry the details as a tooltip (a ``title``), so the page needs no script.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .html import Markup, bdi, el, isolate
from .model import DEPTH, CityPeriod, band_state, group_name
from .parts import (
    legend_list,
    manifest_section,
    number,
    page,
    percent,
    period_heading,
    period_title,
    state_class,
)
from .trend import PROGRESS_MARKS, progress_label

__all__ = ["render_comparison"]

#: What a grid cell shows for a value without points, by status or band.
SHORT = {
    "no benchmark": "·",
    "not reported": "NR",
    "not applicable": "NA",
    "invalid": "!",
    "error": "!",
}


def render_comparison(
    periods: Sequence[CityPeriod], version: str, links: Mapping[int, str] | None = None
) -> str:
    """The comparison page of ``periods`` (all from one result).

    :param links: report file name of each period's input row, to link the column headings.
    """
    links = links or {}
    first = periods[0]
    body = [
        el(
            "header",
            el("p", "U4SSC Key Performance Indicators · comparison", class_="kicker"),
            el("h1", f"{len(periods)} city-periods compared"),
            el(
                "nav",
                el("a", "Scores", href="#scores"),
                el("a", "KPI grid", href="#grid"),
                el("a", "Movement", href="#movement"),
                el("a", "Manifest", href="#manifest"),
            ),
        ),
        el(
            "main",
            el(
                "section",
                el("h2", "Scores side by side"),
                _matrix(_heads(periods, links), _rollup_rows(periods)),
                legend_list(first.bands),
                id="scores",
            ),
            el(
                "section",
                el("h2", "KPI grid"),
                el(
                    "p",
                    "Each cell is one KPI value of one city-period: its points (1–4), "
                    "“·” no benchmark, “NR” not reported, “NA” not applicable, “!” invalid "
                    "or error. Point at a cell for the value and its band.",
                    class_="note",
                ),
                _matrix(_heads(periods, links), _kpi_rows(periods)),
                id="grid",
            ),
            _movement(periods),
            manifest_section(first.manifest),
        ),
    ]
    return page(f"U4SSC comparison — {len(periods)} city-periods", version, body)


def _heads(periods: Sequence[CityPeriod], links: Mapping[int, str]) -> list[Markup]:
    heads = []
    for p in periods:
        target = links.get(p.row)
        heading = period_heading(p.city, p.year)
        text: Any = el("a", heading, href=target) if target else heading
        heads.append(el("th", text, class_="cp", title=period_title(p.city, p.year)))
    return heads


def _matrix(heads: list[Markup], rows: list[Markup]) -> Markup:
    head = el("tr", el("th", "", class_="sticky"), heads)
    return el(
        "div",
        el("table", el("thead", head), el("tbody", rows), class_="grid"),
        class_="scroll",
    )


def _cell(state: str, text: str, title: str) -> Markup:
    return el("td", text, class_=f"cell {state_class(state)}", title=title)


def _rollup_rows(periods: Sequence[CityPeriod]) -> list[Markup]:
    first = periods[0]
    rows = []
    for level, index in first.nested():
        label = group_name(level, first.rollups[level][index])
        cells = [_rollup_cell(p, p.rollups[level][index]) for p in periods]
        rows.append(el("tr", el("td", label, class_="sticky"), cells, class_=f"l{DEPTH[level]}"))
    return rows


def _rollup_cell(period: CityPeriod, row: dict[str, Any]) -> Markup:
    title = (
        f"{period_title(period.city, period.year)}: {percent(row['pct'])} ({row['band']}); "
        f"{row['points']} of {row['max_points']} points; "
        f"{row['scored']} of {row['total']} values scored"
    )
    text = "–" if row["pct"] is None else f"{row['pct']:.0f}"
    return _cell(band_state(row["band"], period.bands), text, title)


def _kpi_rows(periods: Sequence[CityPeriod]) -> list[Markup]:
    rows = []
    for i, kpi in enumerate(periods[0].kpis):
        label = el(
            "td", el("span", kpi.id, class_="code"), " ", bdi(kpi.record["name"]), class_="sticky"
        )
        rows.append(
            el("tr", label, [_kpi_cell(p, p.kpis[i].record, p.kpis[i].state) for p in periods])
        )
    return rows


def _kpi_cell(period: CityPeriod, rec: dict[str, Any], state: str) -> Markup:
    value = f"{number(rec['value'])} {rec['unit']}".strip() if rec["value"] is not None else ""
    detail = "; ".join(
        part
        for part in (
            value,
            rec["status"] + (f": {rec['reason']}" if rec["reason"] else ""),
            f"{percent(rec['pct_of_target'])} of target" if rec["points"] else "",
            rec["band"],
        )
        if part
    )
    text = str(rec["points"]) if rec["points"] else SHORT.get(rec["band"] or rec["status"], "")
    where = f"{period_title(period.city, period.year)} · {rec['code']} {isolate(rec['name'])}"
    return _cell(state, text, f"{where}: {detail}")


def _movement(periods: Sequence[CityPeriod]) -> Markup:
    """Each city's movement: its scores from its first to its last year, and every KPI value's
    progress in its last year compared here."""
    latest: dict[str, CityPeriod] = {}
    for p in periods:
        if p.city not in latest or (p.year or 0) >= (latest[p.city].year or 0):
            latest[p.city] = p
    cities = list(latest.values())
    heads = [el("th", bdi(p.city), class_="cp", title=period_title(p.city, p.year)) for p in cities]
    first = cities[0]
    score_rows = [
        el(
            "tr",
            el("td", name, class_="sticky"),
            [el("td", _span(p, name), class_="small") for p in cities],
        )
        for name in ["Overall", *(d["dimension"] for d in first.rollups["dimension"])]
    ]
    kpi_rows = [
        el(
            "tr",
            el(
                "td",
                el("span", kpi.id, class_="code"),
                " ",
                bdi(kpi.record["name"]),
                class_="sticky",
            ),
            [el("td", progress_label(p.kpis[i].trend), class_="small") for p in cities],
        )
        for i, kpi in enumerate(first.kpis)
    ]
    marks = ", ".join(f"{mark} {name}" for name, mark in PROGRESS_MARKS.items())
    return el(
        "section",
        el("h2", "Movement"),
        el(
            "p",
            "Each city's scores from its first to its last year in this run, then each KPI "
            f"value's progress in the city's last year here ({marks}). Point at a progress "
            "for its reason and change.",
            class_="note",
        ),
        _matrix(heads, score_rows + kpi_rows),
        id="movement",
    )


def _span(period: CityPeriod, name: str) -> str:
    """A score's first and last value over the city's years: ``2022 71 % → 2024 75 % (+4.0)``."""
    scores = [
        (h["year"], h["overall"] if name == "Overall" else h["dimensions"].get(name))
        for h in period.history
    ]
    scores = [(y, s) for y, s in scores if s is not None]
    if not scores:
        return "not scored"
    (y0, s0), (y1, s1) = scores[0], scores[-1]
    if y0 == y1:
        return f"{y1}: {percent(s1)} (one year only)"
    return f"{y0}: {percent(s0)} → {y1}: {percent(s1)} ({s1 - s0:+.1f} points)"
