"""The report of one city-period as one self-contained HTML page.

Sections, in order: headline and coverage, the benchmarking wheel, the roll-up scores, one table
per dimension with every KPI and data point, the values with no number, every warning, and the run
manifest. The wheel is inline SVG whose segments link to their rows; tooltips are SVG titles, so
the page needs no script.
"""

from __future__ import annotations

from typing import Any

from .html import Markup, bdi, el
from .model import (
    DEPTH,
    TIERS,
    CityPeriod,
    KpiRow,
    band_state,
    group_anchor,
    group_name,
    group_path,
    slug,
)
from .parts import (
    band_chip,
    legend_list,
    manifest_section,
    number,
    page,
    percent,
    period_title,
)
from .trend import PROGRESS_MARKS, dimension_chart, progress_label, sparkline

__all__ = ["render_report"]

#: Coverage columns: (key in the roll-up rows, heading).
COVERAGE_COLUMNS = (
    ("scored", "scored"),
    ("unbenchmarked", "no benchmark"),
    ("not_reported", "not reported"),
    ("not_applicable", "not applicable"),
    ("invalid", "invalid or error"),
    ("total", "total"),
)
KPI_HEADINGS = (
    "Code",
    "KPI / data point",
    "Value",
    "Trend",
    "Unit",
    "Status and reason",
    "Data quality",
    "Source",
    "Target",
    "Target source",
    "% of target",
    "Points",
    "Band",
)
#: Where a value came from, by status.
ORIGIN = {"computed": "formula on the city's inputs", "reported": "reported by the city"}


def render_report(period: CityPeriod, wheel_svg: str, version: str) -> str:
    """The HTML page of one city-period.

    :param wheel_svg: the wheel as a bare ``<svg>`` element (see :meth:`Painter.svg`), trusted.
    :param version: the u4ssc version, for the footer.
    """
    dimensions = list(dict.fromkeys(k.dimension for k in period.kpis))
    body = [
        _header(period, dimensions),
        el(
            "main",
            _coverage(period),
            _wheel(period, wheel_svg),
            _scores(period),
            _progress(period),
            _gains(period),
            [_dimension(period, d) for d in dimensions],
            _verification(period),
            _missing(period),
            _warnings(period),
            manifest_section(period.manifest),
        ),
    ]
    return page(f"U4SSC report — {period_title(period.city, period.year)}", version, body)


def _header(period: CityPeriod, dimensions: list[str]) -> Markup:
    overall = period.overall
    state = band_state(overall["band"], period.bands)
    score = "not scored" if overall["pct"] is None else percent(overall["pct"])
    links = [("coverage", "Coverage"), ("wheel", "Wheel"), ("scores", "Scores")]
    links += [("progress", "Progress"), ("gains", "Inputs to report")]
    links += [(f"dimension-{slug(d)}", d) for d in dimensions]
    links += [("verification", "Verification")] if period.verified else []
    links += [("not-reported", "Not reported"), ("warnings", "Warnings"), ("manifest", "Manifest")]
    return el(
        "header",
        el("p", "U4SSC Key Performance Indicators · city report", class_="kicker"),
        el("h1", bdi(period.city)),
        el("p", "" if period.year is None else str(period.year), class_="period"),
        el(
            "div",
            el("span", "Overall score ", el("span", score, class_="big")),
            band_chip(state, overall["band"]),
            el(
                "span",
                f"{overall['scored']} of {overall['total']} values scored "
                f"({percent(overall['coverage_pct'], 0)} coverage), "
                f"{overall['points']} of {overall['max_points']} points",
            ),
            class_="headline",
        ),
        el("nav", [el("a", text, href=f"#{anchor}") for anchor, text in links]),
    )


def _coverage(period: CityPeriod) -> Markup:
    head = el(
        "tr",
        el("th", "KPI values"),
        [el("th", h, class_="num") for _, h in COVERAGE_COLUMNS],
        el("th", "coverage", class_="num"),
    )
    rows = []
    for tier in TIERS:
        counts = period.coverage[tier]
        share = counts["scored"] / counts["total"] * 100 if counts["total"] else None
        rows.append(
            el(
                "tr",
                el("td", tier),
                [el("td", str(counts[k]), class_="num") for k, _ in COVERAGE_COLUMNS],
                el("td", percent(share, 0), class_="num"),
            )
        )
    return el(
        "section",
        el("h2", "Coverage"),
        el("table", el("thead", head), el("tbody", rows)),
        el(
            "p",
            "Scores pool the points of the scored values only. Values without a benchmark, not "
            "reported, not applicable or invalid are left out of every score; the coverage says "
            "how much of the picture each score rests on.",
            class_="note",
        ),
        id="coverage",
    )


def _wheel(period: CityPeriod, wheel_svg: str) -> Markup:
    caption = el(
        "figcaption",
        el(
            "p",
            "From the centre: the overall score, the three dimensions, their sub-dimensions, "
            "their categories, and every KPI and data point. A segment's size is the number of "
            "values beneath it; its colour is its band. Point at a segment for its full name and "
            "score; click it to jump to its row.",
        ),
        legend_list(period.bands),
    )
    return el(
        "section",
        el("h2", "Benchmarking wheel"),
        el("figure", Markup(wheel_svg), caption, class_="wheel"),
        id="wheel",
    )


def _scores(period: CityPeriod) -> Markup:
    head = el(
        "tr",
        [el("th", h) for h in ("Group", "Level")],
        [el("th", h, class_="num") for h in ("Points", "Max", "Score")],
        el("th", "Band"),
        [el("th", h, class_="num") for h in ("Scored", "Total", "Coverage")],
    )
    rows = [_score_row(period, level, i) for level, i in period.nested()]
    return el(
        "section",
        el("h2", "Scores"),
        el("div", el("table", el("thead", head), el("tbody", rows)), class_="scroll"),
        el(
            "p",
            "Score = points ÷ (4 × values scored) × 100, banded like a single value. "
            "A group with nothing scored says “not scored”.",
            class_="note",
        ),
        id="scores",
    )


def _progress(period: CityPeriod) -> Markup:
    """The city's scores year by year, and how many KPI values moved which way this year."""
    counts: dict[str, int] = {}
    for kpi in period.kpis:
        state = kpi.trend.get("progress", "")
        if state:
            counts[state] = counts.get(state, 0) + 1
    summary = el(
        "ul",
        [
            el("li", progress_label({"progress": state}), f" {counts[state]}")
            for state in PROGRESS_MARKS
            if state in counts
        ],
        class_="progress-counts",
    )
    years = [h["year"] for h in period.history]
    if len(years) < 2:
        note = (
            "One year only: there is no trend yet. Score the city's other years in the same run "
            "to see its progress."
        )
    else:
        note = (
            f"{period.city}'s overall and dimension scores from {years[0]} to {years[-1]}; the "
            "KPI tables show each value's line and progress. Progress compares each value with "
            "the city's previous year, towards or away from its target by the KPI's direction."
        )
    return el(
        "section",
        el("h2", "Progress over time"),
        dimension_chart(period.history, period.year),
        el("p", f"KPI values in {period.year or 'this period'}:", class_="small"),
        summary,
        el("p", note, class_="note"),
        id="progress",
    )


def _gains(period: CityPeriod) -> Markup:
    """The inputs this city-year misses, most values gained first."""
    if period.gains:
        content: Markup = el(
            "table",
            el(
                "thead",
                el(
                    "tr",
                    el("th", "Input"),
                    [el("th", h, class_="num") for h in ("Values gained", "Of which scored")],
                    el("th", "Also needed by", class_="num"),
                    el("th", "Which values"),
                ),
            ),
            el(
                "tbody",
                [
                    el(
                        "tr",
                        el("td", g["input"], class_="code"),
                        el("td", str(g["gains"]), class_="num"),
                        el("td", str(g["gains_scored"]), class_="num"),
                        el("td", str(g["shared"]), class_="num"),
                        el("td", g["values_gained"] or "—", class_="small"),
                    )
                    for g in period.gains
                ],
            ),
        )
    else:
        content = el("p", "No value is missing an input.")
    return el(
        "section",
        el("h2", "Inputs to report next"),
        el("div", content, class_="scroll"),
        el(
            "p",
            "Values gained: the values for which this input is the only one missing, so "
            "reporting it gives them a number (of which scored: those with a benchmark). Also "
            "needed by: values that miss this input and others, gained only once all are "
            "reported.",
            class_="note",
        ),
        id="gains",
    )


def _score_row(period: CityPeriod, level: str, index: int) -> Markup:
    row = period.rollups[level][index]
    key = group_path(level, row)
    return el(
        "tr",
        el("td", group_name(level, row)),
        el("td", level, class_="small"),
        el("td", str(row["points"]), class_="num"),
        el("td", str(row["max_points"]), class_="num"),
        el("td", percent(row["pct"]), class_="num"),
        el("td", band_chip(band_state(row["band"], period.bands), row["band"])),
        el("td", str(row["scored"]), class_="num"),
        el("td", str(row["total"]), class_="num"),
        el("td", percent(row["coverage_pct"], 0), class_="num"),
        id=group_anchor(key) if key else None,
        class_=f"level-{level} l{DEPTH[level]}",
    )


def _dimension(period: CityPeriod, dimension: str) -> Markup:
    kpis = [k for k in period.kpis if k.dimension == dimension]
    rows: list[Markup] = []
    category: tuple[str, str] | None = None
    for kpi in kpis:
        if (kpi.subdimension, kpi.category) != category:
            category = (kpi.subdimension, kpi.category)
            rows.append(
                el(
                    "tr",
                    el(
                        "th",
                        f"{kpi.subdimension} › {kpi.category}",
                        colspan=len(KPI_HEADINGS) + period.verified,
                    ),
                )
            )
        rows.append(_kpi_row(kpi))
    headings = [*KPI_HEADINGS, *(["Verification"] if period.verified else [])]
    table = el(
        "table",
        el("thead", el("tr", [el("th", h) for h in headings])),
        el("tbody", rows),
        class_="kpis",
    )
    return el(
        "section",
        el("h2", dimension),
        el("div", table, class_="scroll"),
        id=f"dimension-{slug(dimension)}",
    )


def _kpi_row(kpi: KpiRow) -> Markup:
    rec = kpi.record
    status = [el("div", rec["status"])]
    if rec["reason"]:
        status.append(el("div", rec["reason"], class_="small"))
    target = [number(rec["target"])]
    if rec["target_kind"]:
        target += [" ", el("span", rec["target_kind"], class_="tag")]
    return el(
        "tr",
        el("td", kpi.id, class_="code"),
        el("td", bdi(rec["name"]), " ", el("span", kpi.tier, class_="tag"), class_="name"),
        el("td", number(rec["value"]), class_="num"),
        el(
            "td",
            sparkline(kpi.series, rec["year"], rec["target"]),
            el("div", progress_label(kpi.trend), class_="small"),
            class_="trend",
        ),
        el("td", rec["unit"], class_="small"),
        el("td", status),
        el("td", _quality(rec), class_="small"),
        el("td", rec["source"] or ORIGIN.get(rec["status"], "—"), class_="small"),
        el("td", target, class_="num"),
        el("td", rec["target_source"] or "—", class_="small source"),
        el("td", percent(rec["pct_of_target"]), class_="num"),
        el("td", "—" if rec["points"] is None else str(rec["points"]), class_="num"),
        el("td", band_chip(kpi.state, rec["band"] or rec["status"])),
        el("td", _verdict(rec), class_="small") if "verified" in rec else "",
        id=kpi.anchor,
    )


#: How a verification status reads in a report.
VERDICTS = {"yes": "verified", "no": "not verified", "": "not checked yet"}


def _verdict(rec: dict[str, Any]) -> list[Any]:
    """The verifier's status of one value, its comment and date, the reported flag and the
    open questions."""
    found: list[Any] = [el("div", VERDICTS[rec["verified"]], class_=f"verdict-{rec['verified']}")]
    if rec["verified_on"]:
        found.append(el("div", f"on {rec['verified_on']}"))
    if rec["verifier_comment"]:
        found.append(el("div", bdi(rec["verifier_comment"])))
    found.append(el("div", f"reported: {rec['reported']}"))
    if rec["open_questions"]:
        found.append(el("div", el("span", f"{rec['open_questions']} open", class_="tag")))
    return found


def _verification(period: CityPeriod) -> Markup:
    """How far the verifier got: values verified, not verified and not checked, and every
    question raised with the city, open ones first."""
    if not period.verified:
        return Markup("")
    counts = dict.fromkeys(VERDICTS, 0)
    for kpi in period.kpis:
        counts[kpi.record["verified"]] += 1
    still_open = sum(not q["closed"] for q in period.questions)
    summary = el(
        "ul",
        [el("li", f"{VERDICTS[state]}: {count}") for state, count in counts.items()],
        el("li", f"questions: {len(period.questions)}, of which open: {still_open}"),
        class_="verification-counts",
    )
    anchors = {k.id: k.anchor for k in period.kpis}
    rows = [
        el(
            "tr",
            el("td", el("a", q["kpi"], href=f"#{anchors.get(q['kpi'], '')}"), class_="code"),
            el("td", bdi(q["question"])),
            el("td", bdi(q["raised_by"]), " ", q["raised_on"], class_="small"),
            el("td", bdi(q["answer"]) if q["answer"] else "—"),
            el("td", "closed" if q["closed"] else el("span", "open", class_="tag")),
        )
        for q in sorted(period.questions, key=lambda q: q["closed"])
    ]
    questions: Markup = (
        el(
            "table",
            el(
                "thead",
                el("tr", [el("th", h) for h in ("KPI", "Question", "Raised", "Answer", "State")]),
            ),
            el("tbody", rows),
        )
        if rows
        else el("p", "No question was raised with the city.", class_="small")
    )
    return el(
        "section",
        el("h2", "Verification"),
        summary,
        el("h3", "Questions raised with the city"),
        el("div", questions, class_="scroll"),
        el(
            "p",
            "From the workbook's Verification and Questions sheets. 'reported' is yes when the "
            "value has a number, unless the verifier set it.",
            class_="note",
        ),
        id="verification",
    )


def _quality(rec: dict[str, Any]) -> list[Any]:
    """The U4SSC data-quality level the city gave (worst of the inputs used), and the
    consistency rules the value breaks."""
    level = rec["quality"] or ("not stated" if rec["value"] is not None else "—")
    found: list[Any] = [el("div", level)]
    if rec["warnings"]:
        found.append(el("div", f"warning: {rec['warnings']}"))
    return found


def _missing(period: CityPeriod) -> Markup:
    missing = [k for k in period.kpis if k.record["value"] is None]
    if missing:
        content: Markup = el(
            "table",
            el(
                "thead",
                el("tr", [el("th", h) for h in ("Code", "KPI / data point", "Status", "Reason")]),
            ),
            el(
                "tbody",
                [
                    el(
                        "tr",
                        el("td", el("a", k.id, href=f"#{k.anchor}"), class_="code"),
                        el("td", bdi(k.record["name"])),
                        el("td", k.record["status"]),
                        el("td", k.record["reason"], class_="small"),
                    )
                    for k in missing
                ],
            ),
        )
    else:
        content = el("p", "Every KPI and data point has a value.")
    return el(
        "section",
        el("h2", "Not reported, not applicable or invalid"),
        el("div", content, class_="scroll"),
        id="not-reported",
    )


def _warnings(period: CityPeriod) -> Markup:
    reported = [k for k in period.kpis if k.record["status"] == "reported"]
    replacements = period.manifest.get("replacements", [])
    return el(
        "section",
        el("h2", "Warnings"),
        el("h3", "Consistency rules broken"),
        _list(
            [
                f"{w.check}: {w.message} (values: {', '.join(w.ids) or '—'})"
                for w in period.warnings
            ],
            "No consistency rule is broken.",
        ),
        el("h3", "Final values reported by the city (override the formula)"),
        _list(
            [f"{k.id} — {k.record['name']}: {number(k.record['value'])}" for k in reported],
            "None: every value was computed from the inputs.",
        ),
        el("h3", "Formulas replaced by plugins"),
        _list(
            [
                f"{r['code']}: plugin {r['plugin']} replaces {r['replaces']} "
                f"of {r['replaces_plugin']}"
                for r in replacements
            ],
            "None: every KPI uses its U4SSC formula.",
        ),
        el("h3", "Input problems"),
        _list(
            [f"{p.severity}: {_where(p)}: {p.message}" for p in period.problems],
            "None.",
        ),
        id="warnings",
    )


def _where(problem: Any) -> str:
    parts = []
    if problem.cell is not None:
        parts.append(f"cell {problem.cell}")
    elif problem.row is not None:
        parts.append(f"row {problem.row + 1}")
    if problem.column is not None:
        parts.append(f"column {problem.column}")
    return ", ".join(parts) or "input"


def _list(items: list[str], empty: str) -> Markup:
    if not items:
        return el("p", empty, class_="small")
    return el("ul", [el("li", item) for item in items])
