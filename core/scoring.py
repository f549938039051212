"""U4SSC benchmarking: % of target, four-band points, and roll-ups with coverage.

The one place u4ssc computes points. Everything works on (outputs × rows) matrices, so scoring one
city and a million take the same few numpy operations.

Method (``docs/scoring.md`` explains it with examples):

- % of target: value ÷ target for higher-is-better; target ÷ value for lower-is-better (a value
  of 0 meets the target: 100 %); min ÷ max for a value to approach from both sides; yes = 100 %,
  no = 0 %. Above 100 % is simply the top band.
- Points: [0, 33) → 1, [33, 66) → 2, [66, 95) → 3, ≥ 95 → 4 (edges configurable). Percentages
  are rounded to 9 decimals before comparison, so 3.3 of a target of 5 (65.99999999999999 in
  binary floating point) is exactly 66 % and gets 3 points.
- Roll-ups: the points of the scored values beneath ÷ (4 × their number), banded the same way.
  Values not reported, not applicable, invalid or without a benchmark are left out and counted in
  the coverage beside the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .catalogue import Output
from .errors import ConfigurationError
from .status import Status
from .targets import Target, TargetSet

__all__ = ["LEVELS", "OFFICIAL_DIMENSIONS", "Bands", "Scores", "score_matrix"]

#: The U4SSC dimensions; indicators of any other dimension are local and roll up on their own.
OFFICIAL_DIMENSIONS = ("Economy", "Environment", "Society and Culture")
#: Roll-up levels, finest first.
LEVELS = ("category", "subdimension", "dimension", "overall")
#: Coverage classes of one value, in the order of the coverage columns.
COVERAGE = ("scored", "unbenchmarked", "not_reported", "not_applicable", "invalid")
SCORED, UNBENCHMARKED, NOT_REPORTED, NOT_APPLICABLE, INVALID = range(5)

_DIRECTION_CODES = {"higher": 0, "lower": 1, "approach": 2, "yes/no": 3, "none": 4}
_DECIMALS = 9


@dataclass(frozen=True)
class Bands:
    """How % of target becomes points.

    :param edges: the three band edges in % of target; each band includes its lower edge.
    :param lower_rule: ``ratio`` (target ÷ value, the default) or ``linear``
        (200 − value ÷ target × 100, which falls as fast above the target as ``higher`` rises).
    """

    edges: tuple[float, float, float] = (33.0, 66.0, 95.0)
    lower_rule: str = "ratio"

    def __post_init__(self) -> None:
        edges = tuple(float(e) for e in self.edges)
        if len(edges) != 3 or not 0 < edges[0] < edges[1] < edges[2]:
            raise ConfigurationError(
                f"band edges must be three increasing positive percentages, got {self.edges}"
            )
        if self.lower_rule not in ("ratio", "linear"):
            raise ConfigurationError(
                f"lower_rule must be 'ratio' or 'linear', got {self.lower_rule!r}"
            )
        object.__setattr__(self, "edges", edges)

    @property
    def labels(self) -> tuple[str, str, str, str]:
        """Band names for points 1 to 4, e.g. ``33–66 %``."""
        a, b, c = (f"{e:g}" for e in self.edges)
        return (f"<{a} %", f"{a}–{b} %", f"{b}–{c} %", f"≥{c} %")

    def points(self, pct: npt.NDArray[np.float64]) -> npt.NDArray[np.int8]:
        """Points 1–4 for each percentage; 0 where the percentage is NaN (not scored)."""
        rounded = np.round(pct, _DECIMALS)
        found = np.searchsorted(np.asarray(self.edges), rounded, side="right") + 1
        return np.where(np.isnan(pct), 0, found).astype(np.int8)

    def band(self, points: int) -> str:
        """The band label of 1–4 points."""
        return self.labels[points - 1]


def percent_of_target(
    values: npt.NDArray[np.float64],
    targets: npt.NDArray[np.float64],
    directions: npt.NDArray[np.int8],
    lower_rule: str = "ratio",
) -> npt.NDArray[np.float64]:
    """% of target for a matrix of values (one row per output) and per-output targets.

    NaN where the value is NaN or the output has no benchmark (direction ``none``).
    """
    t = targets[:, None]
    d = directions[:, None]
    with np.errstate(all="ignore"):
        higher = values / t * 100.0
        if lower_rule == "ratio":
            lower = np.where(values <= 0, 100.0, t / values * 100.0)
        else:
            lower = 200.0 - values / t * 100.0
        low, high = np.minimum(values, t), np.maximum(values, t)
        approach = np.where(high == 0, 100.0, low / high * 100.0)
        yes_no = np.where(t >= 0.5, values, 1.0 - values) * 100.0
    pct = np.select([d == 0, d == 1, d == 2, d == 3], [higher, lower, approach, yes_no], np.nan)
    pct[~np.isfinite(pct)] = np.nan
    return pct


@dataclass
class Scores:
    """Targets, % of target, points and coverage class of every output and row.

    :ivar targets: the target of each output (``None`` when it has none), in output order.
    :ivar pct: % of target, (outputs × rows); NaN where not scored.
    :ivar points: 1–4, (outputs × rows); 0 where not scored.
    :ivar coverage: the coverage class of each value (scored, unbenchmarked, ...).
    """

    outputs: list[Output]
    targets: list[Target | None]
    directions: list[str]
    pct: npt.NDArray[np.float64]
    points: npt.NDArray[np.int8]
    coverage: npt.NDArray[np.int8]
    bands: Bands
    target_set: dict[str, str] = field(default_factory=dict)

    def rollup(self, level: str, *, tier: str = "all", include_local: bool = False) -> list[Rollup]:
        """Scores of every group at ``level`` for every row.

        :param tier: ``all`` (core and advanced) or ``core`` (core KPIs only).
        :param include_local: count local indicators in the overall score too.
        """
        if level not in LEVELS:
            raise ConfigurationError(f"unknown roll-up level {level!r}; use one of {LEVELS}")
        if tier not in ("all", "core"):
            raise ConfigurationError(f"unknown tier {tier!r}; use 'all' or 'core'")
        groups: dict[tuple[str, str, str], list[int]] = {}
        for i, output in enumerate(self.outputs):
            ind = output.indicator
            if tier == "core" and str(ind.tier) != "core":
                continue
            official = ind.dimension in OFFICIAL_DIMENSIONS
            if level == "overall":
                if not (official or include_local):
                    continue  # local indicators score in their own dimension rows only
                key = ("", "", "")
            elif level == "dimension":
                key = (ind.dimension, "", "")
            elif level == "subdimension":
                key = (ind.dimension, ind.subdimension, "")
            else:
                key = (ind.dimension, ind.subdimension, ind.category)
            groups.setdefault(key, []).append(i)
        if not groups:
            return []
        membership = np.zeros((len(groups), len(self.outputs)))
        for g, members in enumerate(groups.values()):
            membership[g, members] = 1.0
        points = membership @ self.points.astype(np.float64)
        counts = [
            membership @ (self.coverage == k).astype(np.float64) for k in range(len(COVERAGE))
        ]
        scored = counts[SCORED]
        with np.errstate(all="ignore"):
            pct = np.where(scored > 0, points / (4.0 * scored) * 100.0, np.nan)
        band_points = self.bands.points(pct)
        return [
            Rollup(
                level,
                key,
                len(members),
                points[g],
                scored[g] * 4,
                pct[g],
                band_points[g],
                {name: counts[k][g] for k, name in enumerate(COVERAGE)},
            )
            for g, (key, members) in enumerate(groups.items())
        ]


@dataclass
class Rollup:
    """Scores of one group (a category, sub-dimension, dimension or overall) for every row."""

    level: str
    key: tuple[str, str, str]
    size: int
    points: npt.NDArray[np.float64]
    max_points: npt.NDArray[np.float64]
    pct: npt.NDArray[np.float64]
    band_points: npt.NDArray[np.int8]
    coverage: dict[str, npt.NDArray[np.float64]]


def score_matrix(
    outputs: Sequence[Output],
    values: npt.NDArray[np.float64],
    status: npt.NDArray[np.int8],
    target_set: TargetSet,
    bands: Bands,
) -> Scores:
    """Score every output of an evaluation against ``target_set``."""
    targets: list[Target | None] = []
    directions: list[str] = []
    for output in outputs:
        target = target_set.get(output.id)
        if target is None or target.kind == "none" or target.value is None:
            targets.append(target)
            directions.append("none")
            continue
        direction = target.direction or _output_direction(output)
        targets.append(target)
        directions.append(direction)
    target_values = np.array(
        [t.value if t is not None and t.value is not None else np.nan for t in targets]
    )
    direction_codes = np.array([_DIRECTION_CODES[d] for d in directions], dtype=np.int8)
    pct = percent_of_target(values, target_values, direction_codes, bands.lower_rule)
    has_number = status <= Status.REPORTED
    benchmarked = (direction_codes != _DIRECTION_CODES["none"])[:, None]
    pct[~has_number] = np.nan
    coverage = np.select(
        [
            has_number & benchmarked,
            has_number,
            status == Status.NOT_REPORTED,
            status == Status.NOT_APPLICABLE,
        ],
        [SCORED, UNBENCHMARKED, NOT_REPORTED, NOT_APPLICABLE],
        INVALID,
    ).astype(np.int8)
    return Scores(
        list(outputs),
        targets,
        directions,
        pct,
        bands.points(pct),
        coverage,
        bands,
        target_set.describe(),
    )


def _output_direction(output: Output) -> str:
    if output.unit.lower() in ("yes/no", "yes or no"):
        return "yes/no"
    return output.direction


def cut_offs(target: float, direction: str, bands: Bands) -> list[tuple[int, str]]:
    """Where the bands start, in the KPI's own unit: ``[(points, condition), ...]``."""
    a, b, c = bands.edges
    fmt = "{:.4g}".format
    if direction == "higher":
        return [
            (4, f"≥ {fmt(target * c / 100)}"),
            (3, f"≥ {fmt(target * b / 100)}"),
            (2, f"≥ {fmt(target * a / 100)}"),
            (1, f"< {fmt(target * a / 100)}"),
        ]
    if direction == "lower" and bands.lower_rule == "ratio":
        return [
            (4, f"≤ {fmt(target * 100 / c)}"),
            (3, f"≤ {fmt(target * 100 / b)}"),
            (2, f"≤ {fmt(target * 100 / a)}"),
            (1, f"> {fmt(target * 100 / a)}"),
        ]
    if direction == "lower":
        return [(p, f"≤ {fmt(target * (200 - e) / 100)}") for p, e in ((4, c), (3, b), (2, a))] + [
            (1, f"> {fmt(target * (200 - a) / 100)}")
        ]
    if direction == "approach":
        return [
            (p, f"{fmt(target * e / 100)} to {fmt(target * 100 / e)}")
            for p, e in ((4, c), (3, b), (2, a))
        ] + [(1, "further from the target")]
    if direction == "yes/no":
        return [(4, "yes" if target >= 0.5 else "no"), (1, "no" if target >= 0.5 else "yes")]
    return []
