"""What a report shows, as plain data: one city-period's KPI rows, roll-ups, coverage and wheel.

Everything here is read from a scored :class:`u4ssc.core.Result` (its long records, its roll-ups,
warnings, problems and manifest); nothing is recomputed. Band labels come from the result's
:class:`u4ssc.core.Bands`. No plotting and no HTML happen here, so the tests can check the wheel's
segments and colours against ``u4ssc score`` without drawing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from u4ssc.core import UnknownNameError

if TYPE_CHECKING:
    from u4ssc.core import InputProblem, Result
    from u4ssc.core.result import ConsistencyWarning

__all__ = [
    "DEPTH",
    "LEVELS",
    "MISSING",
    "RING_LEVELS",
    "UNSCORED",
    "CityPeriod",
    "KpiRow",
    "Segment",
    "Wheel",
    "band_state",
    "city_periods",
    "group_anchor",
    "group_name",
    "group_path",
    "short_code",
    "slug",
    "wheel_of",
]

#: Roll-up levels shown in a report, coarsest first.
LEVELS = ("overall", "dimension", "subdimension", "category")
#: How far each level is indented under the overall score.
DEPTH = {level: depth for depth, level in enumerate(LEVELS)}
#: The rings of the wheel, inside out.
RING_LEVELS = ("dimension", "subdimension", "category", "kpi")
#: State of a value with no number: not reported, not applicable, invalid or error.
MISSING = "missing"
#: State of a value without a benchmark, or of a group with nothing scored.
UNSCORED = "unscored"
#: Tiers whose coverage a report shows; ``advanced`` is ``all`` less ``core``.
TIERS = ("core", "advanced", "all")
#: Coverage counts of a roll-up row, in the order the engine gives them.
COVERAGE = ("scored", "unbenchmarked", "not_reported", "not_applicable", "invalid", "total")


def band_state(band: str, labels: Sequence[str]) -> str:
    """The colour state of a band label from ``u4ssc score``.

    ``"1"`` to ``"4"`` for the four bands (in the order of ``labels``, i.e. points), ``unscored``
    for ``no benchmark`` and ``not scored``, ``missing`` for a value with no band at all.
    """
    if band in labels:
        return str(list(labels).index(band) + 1)
    if band in ("no benchmark", "not scored"):
        return UNSCORED
    return MISSING


def short_code(code: str, point: str = "") -> str:
    """A KPI's code without its dimension and sub-dimension parts: ``ICT 1C``, ``AQ 1C PM2.5``."""
    parts = [p.strip() for p in code.split(":") if p.strip()]
    short = " ".join(parts[-2:]) if len(parts) > 1 else code.strip()
    return f"{short} {point}" if point else short


def slug(text: str) -> str:
    """An HTML id or file name part from any text: letters, digits and dashes only."""
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower() or "x"


@dataclass(frozen=True)
class KpiRow:
    """One KPI or data point of one city-period: the long record of ``u4ssc score`` and its place.

    :ivar record: the row of :meth:`Result.records`, unchanged.
    :ivar id: the public id (code, or ``code: point``).
    :ivar tier: ``core`` or ``advanced``.
    :ivar state: colour state (see :func:`band_state`).
    """

    record: dict[str, Any]
    id: str
    tier: str
    dimension: str
    subdimension: str
    category: str
    state: str
    #: This year's row of :meth:`Result.trends` (progress, change, year to target, reason).
    trend: dict[str, Any] = field(default_factory=dict)
    #: The city's values of this KPI, year by year: ``(year, value or None)``.
    series: tuple[tuple[int, float | None], ...] = ()

    @property
    def anchor(self) -> str:
        """The HTML id of this KPI's row in a report."""
        return f"kpi-{slug(self.id)}"


@dataclass
class CityPeriod:
    """Everything a report shows for one input row (one city and year).

    :ivar row: the 0-based input row.
    :ivar kpis: every KPI and data point, in catalogue order.
    :ivar rollups: roll-up rows of ``u4ssc score --level`` for each level in :data:`LEVELS`.
    :ivar coverage: coverage counts for ``core``, ``advanced`` and ``all`` KPI values.
    :ivar warnings: the consistency rules this row breaks.
    :ivar problems: the input problems of this row (and of whole columns).
    :ivar manifest: the run manifest of the result.
    :ivar bands: the four band labels, for 1 to 4 points.
    """

    row: int
    city: str
    year: int | None
    kpis: list[KpiRow]
    rollups: dict[str, list[dict[str, Any]]]
    coverage: dict[str, dict[str, Any]]
    warnings: list[ConsistencyWarning]
    problems: list[InputProblem]
    manifest: dict[str, Any]
    bands: tuple[str, ...]
    #: The city's roll-ups year by year: ``{"year", "overall", "dimensions": {name: pct}}``.
    history: list[dict[str, Any]] = field(default_factory=list)
    #: The inputs this city-year misses, most values gained first (:meth:`Coverage.gain_records`).
    gains: list[dict[str, Any]] = field(default_factory=list)
    #: Whether the input had a verifier's sheet (then each KPI record has ``verified`` and the
    #: other verification columns), and the questions raised with the city on this row.
    verified: bool = False
    questions: list[dict[str, Any]] = field(default_factory=list)
    _by_key: dict[tuple[str, str, str, str], dict[str, Any]] = field(
        default_factory=dict, repr=False
    )

    @property
    def title(self) -> str:
        """City and year, as a heading."""
        return self.city if self.year is None else f"{self.city} {self.year}"

    @property
    def overall(self) -> dict[str, Any]:
        """The overall roll-up row; with no U4SSC dimension at all, an empty "not scored" one."""
        if self.rollups["overall"]:
            return self.rollups["overall"][0]
        return {
            "city": self.city,
            "year": self.year,
            "level": "overall",
            "dimension": "all",
            "subdimension": "",
            "category": "",
            "points": 0,
            "max_points": 0,
            "pct": None,
            "band": "not scored",
            **dict.fromkeys(COVERAGE, 0),
            "coverage_pct": None,
        }

    def nested(self) -> list[tuple[str, int]]:
        """Every roll-up row as ``(level, index in rollups[level])``, in reading order.

        Overall first, then each dimension followed by its sub-dimensions, each followed by its
        categories.
        """
        order = [("overall", i) for i in range(len(self.rollups["overall"]))]
        subs, cats = self.rollups["subdimension"], self.rollups["category"]
        for d, dim in enumerate(self.rollups["dimension"]):
            order.append(("dimension", d))
            for s, sub in enumerate(subs):
                if sub["dimension"] != dim["dimension"]:
                    continue
                order.append(("subdimension", s))
                order += [
                    ("category", c)
                    for c, cat in enumerate(cats)
                    if (cat["dimension"], cat["subdimension"])
                    == (sub["dimension"], sub["subdimension"])
                ]
        return order

    def rollup(self, level: str, dimension: str, subdimension: str = "", category: str = "") -> Any:
        """The roll-up row of one group, or ``None`` when the engine gave none."""
        if not self._by_key:
            for name, rows in self.rollups.items():
                for r in rows:
                    key = (name, r["dimension"], r["subdimension"], r["category"])
                    self._by_key[key] = r
        return self._by_key.get((level, dimension, subdimension, category))


def city_periods(
    result: Result,
    *,
    city: str | None = None,
    year: int | None = None,
    include_local: bool = False,
) -> list[CityPeriod]:
    """The city-periods of ``result`` to report on, in input order.

    :param city: only this city (exact name, else ignoring case and spacing).
    :param year: only this year.
    :param include_local: count local indicators in the overall score and coverage.
    :raises UnknownNameError: no row has that city, or that city has no row for that year.
    """
    rows = _select_rows(result, city, year)
    n, per_row = len(result), len(result.outputs)
    records = list(result.records())
    rollups = {level: _rollup_chunks(result, level, "all", include_local, n) for level in LEVELS}
    core = _rollup_chunks(result, "overall", "core", include_local, n)
    bands = tuple(result.scores.bands.labels)
    trends = result.trends()
    changes = trends.records(rows)
    coverage = _gains(result, rows)
    return [
        CityPeriod(
            row=r,
            city=str(result.city[r]),
            year=records[r * per_row]["year"] if per_row else None,
            kpis=_kpi_rows(
                result,
                records[r * per_row : (r + 1) * per_row],
                bands,
                changes[i * per_row : (i + 1) * per_row],
                trends.city_rows(r).tolist(),
            ),
            rollups={level: chunks[r] for level, chunks in rollups.items()},
            coverage=_coverage(rollups["overall"][r], core[r]),
            warnings=[w for w in result.warnings if w.row == r],
            problems=[p for p in result.problems if p.row in (r, None)],
            manifest=result.manifest,
            bands=bands,
            history=_history(result, rollups, trends.city_rows(r).tolist()),
            gains=coverage.get(r, []),
            verified=result.verification is not None,
            questions=[q for q in result.questions if q["row"] == r],
        )
        for i, r in enumerate(rows)
    ]


def _gains(result: Result, rows: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The coverage gains of ``rows``, by row; none for a result without its inputs."""
    from u4ssc.core import ConfigurationError

    try:
        coverage = result.coverage()
    except ConfigurationError:
        return {}
    return {r: coverage.gain_records([r]) for r in rows}


def _history(
    result: Result, rollups: dict[str, list[list[dict[str, Any]]]], city_rows: list[int]
) -> list[dict[str, Any]]:
    """A city's overall and dimension scores in year order (its rows with a year)."""
    found = []
    for row in city_rows:
        year = result.year[row]
        if year != year:  # no year: not on a time axis
            continue
        overall = rollups["overall"][row]
        found.append(
            {
                "year": int(year),
                "row": row,
                "overall": overall[0]["pct"] if overall else None,
                "dimensions": {d["dimension"]: d["pct"] for d in rollups["dimension"][row]},
            }
        )
    return found


def _select_rows(result: Result, city: str | None, year: int | None) -> list[int]:
    rows = list(range(len(result)))
    if city is not None:
        names = [str(c) for c in result.city]
        exact = [r for r in rows if names[r] == city]
        rows = exact or [r for r in rows if _loose(names[r]) == _loose(city)]
        if not rows:
            known = list(dict.fromkeys(names))
            raise UnknownNameError("city", city, _suggest(city, known))
    if year is not None:
        found = [r for r in rows if result.year[r] == year]
        if not found:
            years = sorted({f"{y:g}" for y in result.year[rows] if y == y})
            where = f" for {city!r}" if city is not None else ""
            raise UnknownNameError(f"year{where}:", str(year), years)
        rows = found
    return rows


def _loose(text: str) -> str:
    return " ".join(text.casefold().split())


def _suggest(name: str, known: Sequence[str]) -> list[str]:
    loose = {_loose(k): k for k in known}
    close = difflib.get_close_matches(_loose(name), list(loose), n=3, cutoff=0.5)
    starts = [k for lk, k in loose.items() if lk.startswith(_loose(name)) and lk not in close]
    return ([loose[c] for c in close] + starts)[:3]


def _rollup_chunks(
    result: Result, level: str, tier: str, include_local: bool, n: int
) -> list[list[dict[str, Any]]]:
    rows = result.rollup_records(level, tier=tier, include_local=include_local)
    size = len(rows) // n if n else 0
    return [rows[i * size : (i + 1) * size] for i in range(n)]


def _coverage(overall: list[dict[str, Any]], core: list[dict[str, Any]]) -> dict[str, Any]:
    empty = dict.fromkeys(COVERAGE, 0)
    every = {k: overall[0][k] for k in COVERAGE} if overall else empty
    cores = {k: core[0][k] for k in COVERAGE} if core else empty
    advanced = {k: every[k] - cores[k] for k in COVERAGE}
    return {"core": cores, "advanced": advanced, "all": every}


def _kpi_rows(
    result: Result,
    records: list[dict[str, Any]],
    bands: Sequence[str],
    changes: list[dict[str, Any]],
    city_rows: list[int],
) -> list[KpiRow]:
    timed = [r for r in city_rows if result.year[r] == result.year[r]]
    years = [int(result.year[r]) for r in timed]
    return [
        KpiRow(
            record=rec,
            id=out.id,
            tier=str(out.indicator.tier),
            dimension=out.indicator.dimension,
            subdimension=out.indicator.subdimension,
            category=out.indicator.category,
            state=band_state(rec["band"], bands),
            trend=change,
            series=tuple(
                (y, _plain(result.values[j, r])) for y, r in zip(years, timed, strict=True)
            ),
        )
        for j, (out, rec, change) in enumerate(zip(result.outputs, records, changes, strict=True))
    ]


def _plain(value: float) -> float | None:
    return None if value != value else float(value)


# -- the wheel ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One segment of one ring of the wheel.

    :ivar level: ``dimension``, ``subdimension``, ``category`` or ``kpi``.
    :ivar label: the short text drawn on or beside the segment.
    :ivar title: the full text shown as a tooltip.
    :ivar size: how many KPI values lie beneath (1 for a KPI value).
    :ivar state: colour state (see :func:`band_state`).
    :ivar anchor: the HTML id of the report row the segment stands for.
    """

    level: str
    label: str
    title: str
    size: int
    state: str
    anchor: str


@dataclass(frozen=True)
class Wheel:
    """The benchmarking wheel of one city-period, ready to draw.

    :ivar rings: segments of each ring, inside out (see :data:`RING_LEVELS`), clockwise from the
        top; every ring covers the same KPI values in the same order.
    :ivar centre: the overall score as text (e.g. ``"94 %"``), or ``"not scored"``.
    """

    title: str
    rings: dict[str, list[Segment]]
    centre: str
    centre_state: str
    bands: tuple[str, ...]


def wheel_of(period: CityPeriod) -> Wheel:
    """The wheel of one city-period: dimensions, sub-dimensions, categories, then KPI values."""
    tree: dict[str, dict[str, dict[str, list[KpiRow]]]] = {}
    for kpi in period.kpis:
        subs = tree.setdefault(kpi.dimension, {})
        subs.setdefault(kpi.subdimension, {}).setdefault(kpi.category, []).append(kpi)
    rings: dict[str, list[Segment]] = {level: [] for level in RING_LEVELS}
    for dim, subs in tree.items():
        dim_kpis = [k for cats in subs.values() for ks in cats.values() for k in ks]
        rings["dimension"].append(_group(period, "dimension", (dim,), dim_kpis))
        for sub, cats in subs.items():
            sub_kpis = [k for ks in cats.values() for k in ks]
            rings["subdimension"].append(_group(period, "subdimension", (dim, sub), sub_kpis))
            for cat, kpis in cats.items():
                rings["category"].append(_group(period, "category", (dim, sub, cat), kpis))
                rings["kpi"] += [_kpi_segment(k) for k in kpis]
    overall = period.overall
    return Wheel(
        title=period.title,
        rings=rings,
        centre=f"{overall['pct']:.1f} %" if overall["pct"] is not None else "not scored",
        centre_state=band_state(overall["band"], period.bands),
        bands=period.bands,
    )


def _group(period: CityPeriod, level: str, key: tuple[str, ...], kpis: list[KpiRow]) -> Segment:
    row = period.rollup(level, *key)
    name = key[-1] or "(none)"
    path = " › ".join(k or "(none)" for k in key)
    if row is None:  # pragma: no cover - the engine rolls up every group it has values for
        return Segment(level, name, path, len(kpis), UNSCORED, group_anchor(key))
    score = "not scored" if row["pct"] is None else f"{_percent(row['pct'])} ({row['band']})"
    title = f"{path}: {score}; {row['scored']} of {row['total']} values scored"
    state = band_state(row["band"], period.bands)
    return Segment(level, name, title, len(kpis), state, group_anchor(key))


def group_path(level: str, row: dict[str, Any]) -> tuple[str, ...]:
    """The names leading to a roll-up row: ``()`` for overall, ``(dimension, sub-dimension)`` …"""
    return tuple(row[k] for k in ("dimension", "subdimension", "category"))[: DEPTH[level]]


def group_name(level: str, row: dict[str, Any]) -> str:
    """How a roll-up row is named in a table: ``Overall``, or its own name."""
    path = group_path(level, row)
    return (path[-1] or "(none)") if path else "Overall"


def group_anchor(key: Iterable[str]) -> str:
    """The HTML id of a group's row in a report's score table."""
    return "group-" + "--".join(slug(k) for k in key)


def _kpi_segment(kpi: KpiRow) -> Segment:
    rec = kpi.record
    parts = [f"{kpi.id} — {rec['name']}"]
    if rec["value"] is not None:
        parts.append(f"value {rec['value']:.4g} {rec['unit']}".rstrip())
    parts.append(rec["status"] + (f": {rec['reason']}" if rec["reason"] else ""))
    if rec["points"] is not None:
        parts.append(f"{_percent(rec['pct_of_target'])} of target, {rec['points']} points")
    if rec["band"]:
        parts.append(f"band {rec['band']}")
    label = short_code(rec["code"], rec["data_point"])
    return Segment("kpi", label, "; ".join(parts), 1, kpi.state, kpi.anchor)


def _percent(value: float) -> str:
    return f"{value:.0f} %"
