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
from functools import cached_property, lru_cache
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from .catalogue import Output
from .errors import ConfigurationError
from .evaluate import stack_outputs
from .status import Status
from .targets import Target, TargetSet, target_problem

__all__ = [
    "LEVELS",
    "OFFICIAL_DIMENSIONS",
    "Bands",
    "Benchmarks",
    "Scores",
    "benchmark_of",
    "direction_of",
    "percent_of_target",
    "score_matrix",
]

#: The U4SSC dimensions; indicators of any other dimension are local and roll up on their own.
OFFICIAL_DIMENSIONS = ("Economy", "Environment", "Society and Culture")
#: Roll-up levels, finest first.
LEVELS = ("category", "subdimension", "dimension", "overall")
#: Coverage classes of one value, in the order of the coverage columns.
COVERAGE = ("scored", "unbenchmarked", "not_reported", "not_applicable", "invalid")
#: Decimals of the percentages written in tables (% of target, roll-up %, coverage %); points and
#: bands are computed from the exact percentages.
PCT_DECIMALS = 2
SCORED, UNBENCHMARKED, NOT_REPORTED, NOT_APPLICABLE, INVALID = range(5)

_DIRECTION_CODES = {"higher": 0, "lower": 1, "approach": 2, "yes/no": 3, "none": 4}
HIGHER, LOWER, APPROACH, YES_NO, NONE = range(5)
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

    def points(
        self, pct: npt.NDArray[np.float64], out: npt.NDArray[np.int8] | None = None
    ) -> npt.NDArray[np.int8]:
        """Points 1–4 for each percentage; 0 where the percentage is NaN (not scored).

        The points are how many of (-inf, edge 1, edge 2, edge 3) the percentage reaches; NaN
        reaches none. Edges are lowered by half a unit of the 9th decimal, which is comparing the
        percentage rounded to 9 decimals, without the cost of rounding.

        :param out: an array of zeros to add the points into (an output's row of the matrix).
        """
        slack = 0.5 * 10.0**-_DECIMALS
        reached = np.greater_equal(pct, -np.inf)
        if out is None:
            out = reached.astype(np.int8)
        else:
            out += reached.view(np.int8)
        for edge in self.edges:
            out += np.greater_equal(pct, edge - slack, out=reached).view(np.int8)
        return out

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

    NaN where the value is NaN or the output has no benchmark (direction ``none``). Each
    direction's rule runs only on the rows of that direction.
    """
    groups = _direction_groups(np.ascontiguousarray(directions, dtype=np.int8).tobytes())
    with np.errstate(all="ignore"):
        if len(groups) == 1:  # one rule for every row, as when scoring one output at a time
            pct = _percent(values, targets[:, None], groups[0][0], lower_rule)
        else:
            pct = np.full(values.shape, np.nan)
            for code, rows in groups:
                pct[rows] = _percent(values[rows], targets[rows][:, None], code, lower_rule)
    _finite(pct, np.isinf(pct))
    return pct


_LARGEST = np.finfo(np.float64).max


def _finite(pct: npt.NDArray[np.float64], infinite: npt.NDArray[np.bool_]) -> None:
    """Make the percentages that overflowed (a value 1e300 times its target) the largest
    finite ones, with their sign: still scored (4 points, or 1), never infinite."""
    if infinite.any():
        pct[infinite] = np.copysign(_LARGEST, pct[infinite])


@lru_cache(maxsize=256)
def _direction_groups(directions: bytes) -> tuple[tuple[int, slice | npt.NDArray[np.intp]], ...]:
    """The rows of each direction code in ``directions`` (int8 codes, as bytes): a slice for a
    contiguous run (a view, not a copy), else their indices. Kept: a catalogue has few layouts."""
    codes = np.frombuffer(directions, np.int8)
    groups: list[tuple[int, slice | npt.NDArray[np.intp]]] = []
    for code in np.unique(codes).tolist():
        found = np.flatnonzero(codes == code)
        contiguous = found[-1] - found[0] + 1 == found.size
        groups.append((code, slice(int(found[0]), int(found[-1]) + 1) if contiguous else found))
    return tuple(groups)


def _percent(
    v: npt.NDArray[np.float64], t: npt.NDArray[np.float64], code: int, lower_rule: str
) -> npt.NDArray[np.float64]:
    """% of target of values ``v`` against targets ``t``, all scored in direction ``code``."""
    if code == HIGHER:
        pct = v / t
        pct *= 100.0
        return pct
    if code == LOWER and lower_rule == "ratio":
        return np.where(v <= 0, 100.0, t / v * 100.0)
    if code == LOWER:
        return 200.0 - v / t * 100.0
    if code == APPROACH:
        low, high = np.minimum(v, t), np.maximum(v, t)
        return np.where(high == 0, 100.0, low / high * 100.0)
    if code == YES_NO:
        return np.where(t >= 0.5, v, 1.0 - v) * 100.0
    return np.full(np.broadcast_shapes(v.shape, t.shape), np.nan)


#: Coverage class of each status (computed, reported, not reported, n/a, invalid, error).
_COVERAGE_OF_STATUS = np.zeros(len(Status), dtype=np.int8)
_COVERAGE_OF_STATUS[[Status.COMPUTED, Status.REPORTED]] = SCORED
_COVERAGE_OF_STATUS[Status.NOT_REPORTED] = NOT_REPORTED
_COVERAGE_OF_STATUS[Status.NOT_APPLICABLE] = NOT_APPLICABLE
_COVERAGE_OF_STATUS[[Status.INVALID, Status.ERROR]] = INVALID
#: Cells (outputs × rows) up to which outputs are scored together, as one matrix.
_BLOCK_CELLS = 1_000_000


@dataclass
class Scores:
    """Targets, points and coverage class of every output and row.

    :ivar values: the values of each output.
    :ivar status: the statuses, (outputs × rows).
    :ivar benchmarks: what each output is scored against.
    :ivar points: 1–4, (outputs × rows); 0 where not scored.
    """

    outputs: list[Output]
    values: Sequence[npt.NDArray[np.float64]]
    status: npt.NDArray[np.int8]
    benchmarks: Benchmarks
    points: npt.NDArray[np.int8]
    bands: Bands
    _sums: dict[
        tuple[str, int], tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.signedinteger]]
    ] = field(default_factory=dict, repr=False)
    _tables: dict[str, tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.signedinteger]]] = field(
        default_factory=dict, repr=False
    )
    _indices: dict[str, CategoryIndex] = field(default_factory=dict, repr=False)

    @property
    def targets(self) -> list[Target | None]:
        """The target of each output (``None`` when it has none), in output order."""
        return self.benchmarks.targets

    @property
    def directions(self) -> list[str]:
        """The direction each output is scored in (``none`` without a benchmark)."""
        return self.benchmarks.directions

    @property
    def target_set(self) -> dict[str, str]:
        """The target set's name and fingerprint."""
        return dict(self.benchmarks.target_set)

    @property
    def pct(self) -> npt.NDArray[np.float64]:
        """% of target, (outputs × rows); NaN where not scored. Computed on demand."""
        return self.pct_between(0, self.points.shape[1])

    def pct_between(self, start: int, stop: int) -> npt.NDArray[np.float64]:
        """% of target of rows ``start`` to ``stop``, (outputs × those rows), exact."""
        return percent_of_target(
            stack_outputs([v[start:stop] for v in self.values], max(stop - start, 0)),
            self.benchmarks.values,
            self.benchmarks.codes,
            self.bands.lower_rule,
        )

    def pct_of(self, output: int) -> npt.NDArray[np.float64]:
        """% of target of one output, every row; NaN where not scored."""
        found = slice(output, output + 1)
        return percent_of_target(
            self.values[output][None, :],
            self.benchmarks.values[found],
            self.benchmarks.codes[found],
            self.bands.lower_rule,
        ).reshape(-1)

    @cached_property
    def coverage(self) -> npt.NDArray[np.int8]:
        """The coverage class of each value (scored, unbenchmarked, ...), (outputs × rows).

        Computed on first use: scores and roll-ups do not need it, only their coverage counts.
        """
        coverage: npt.NDArray[np.int8] = _COVERAGE_OF_STATUS[self.status]
        unbenchmarked = np.flatnonzero(self.benchmarks.codes == NONE)
        if unbenchmarked.size:
            sub = coverage[unbenchmarked]
            sub[sub == SCORED] = UNBENCHMARKED
            coverage[unbenchmarked] = sub
        return coverage

    def rollup(self, level: str, *, tier: str = "all", include_local: bool = False) -> list[Rollup]:
        """Scores of every group at ``level`` for every row.

        :param tier: ``all`` (core and advanced) or ``core`` (core KPIs only).
        :param include_local: count local indicators in the overall score too.
        """
        if level not in LEVELS:
            raise ConfigurationError(f"unknown roll-up level {level!r}; use one of {LEVELS}")
        if tier not in ("all", "core"):
            raise ConfigurationError(f"unknown tier {tier!r}; use 'all' or 'core'")
        index = self._index(tier)
        groups = index.groups(level, include_local)
        if not groups:
            return []
        if self.points.size <= _BLOCK_CELLS:  # a short table: every group in a few calls
            points, scored = self._short_sums(index, level, include_local)
            pct, bands = self._banded(points, scored)
            return [
                Rollup(level, key, members, points[i], scored[i], pct[i], bands[i], self)
                for i, (key, _, members) in enumerate(groups)
            ]
        rollups = []
        for key, categories, members in groups:  # a long one: group by group, output by output
            total, count = self._category_sums(index, categories[0])
            if len(categories) > 1:
                total, count = total.copy(), count.copy()
                for category in categories[1:]:
                    more_total, more_count = self._category_sums(index, category)
                    total += more_total
                    count += more_count
            pct, bands = self._banded(total, count)
            rollups.append(Rollup(level, key, members, total, count, pct, bands, self))
        return rollups

    def _banded(
        self, points: npt.NDArray[np.signedinteger], scored: npt.NDArray[np.signedinteger]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8]]:
        """% of the points possible (4 a scored value; NaN where none is scored), and its band."""
        with np.errstate(all="ignore"):
            pct = np.multiply(points, 25.0, dtype=np.float64)
            pct /= scored
        return pct, self.bands.points(pct)

    def _index(self, tier: str) -> CategoryIndex:
        if tier not in self._indices:
            self._indices[tier] = CategoryIndex.of(self.outputs, tier)
        return self._indices[tier]

    def _short_sums(
        self, index: CategoryIndex, level: str, include_local: bool
    ) -> tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.signedinteger]]:
        """Per group and row, the points and scored values of a short table: the categories'
        sums at once (their rows added up with ``reduceat``), then the groups' as a product."""
        if index.tier not in self._tables:
            rows = self.points[index.order]
            dtype = _sum_dtype(len(self.outputs))
            self._tables[index.tier] = (
                np.add.reduceat(rows, index.starts, axis=0, dtype=dtype),
                np.add.reduceat(rows > 0, index.starts, axis=0, dtype=dtype),
            )
        points, scored = self._tables[index.tier]
        within = index.matrix(level, include_local)
        return within @ points, within @ scored

    def _category_sums(
        self, index: CategoryIndex, category: int
    ) -> tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.signedinteger]]:
        """Per row, one category's points and number of scored values (cached).

        Added up one output at a time, which is several times faster than gathering the
        category's rows and reducing them.
        """
        key = (index.tier, category)
        if key not in self._sums:
            dtype = _sum_dtype(len(self.outputs))
            points: npt.NDArray[np.signedinteger] = np.zeros(self.points.shape[1], dtype)
            scored: npt.NDArray[np.signedinteger] = np.zeros(self.points.shape[1], dtype)
            is_scored = np.empty(self.points.shape[1], bool)
            for row in index.members[category]:
                points += self.points[row]
                scored += np.greater(self.points[row], 0, out=is_scored)
            self._sums[key] = (points, scored)
        return self._sums[key]


def _sum_dtype(outputs: int) -> type[np.signedinteger]:
    """16 bits hold the points of 8000 values, far more than any catalogue has."""
    return np.int16 if 4 * outputs <= np.iinfo(np.int16).max else np.int32


class CategoryIndex:
    """Where each output rolls up, found once per list of outputs and tier and kept: the output
    rows of each category, and the categories and outputs of every group at each level.

    :ivar categories: (dimension, sub-dimension, category) keys, in the order of the outputs.
    :ivar members: the output rows of each category (by position in ``categories``).
    :ivar order: every member row, category after category; ``starts`` where each begins.
    """

    _kept: ClassVar[dict[tuple[tuple[int, ...], str], tuple[list[Output], CategoryIndex]]] = {}

    def __init__(self, outputs: Sequence[Output], tier: str) -> None:
        self.tier = tier
        found: dict[tuple[str, str, str], list[int]] = {}
        for i, output in enumerate(outputs):
            ind = output.indicator
            if tier == "all" or str(ind.tier) == "core":
                found.setdefault((ind.dimension, ind.subdimension, ind.category), []).append(i)
        self.categories = list(found)
        self.members = list(found.values())
        self.order = np.array([i for rows in self.members for i in rows], dtype=np.intp)
        self.starts = np.cumsum([0, *map(len, self.members[:-1])]).astype(np.intp)
        self._groups: dict[
            tuple[str, bool], list[tuple[tuple[str, str, str], list[int], list[int]]]
        ] = {}
        self._matrices: dict[tuple[str, bool], npt.NDArray[np.signedinteger]] = {}

    @classmethod
    def of(cls, outputs: Sequence[Output], tier: str) -> CategoryIndex:
        """The index of ``outputs`` (kept for the same list of outputs, compared by identity)."""
        key = (tuple(map(id, outputs)), tier)
        kept = cls._kept.get(key)
        if kept is None:
            if len(cls._kept) >= 64:
                cls._kept.clear()
            # The outputs are kept with their index, so their identities stay theirs.
            kept = cls._kept[key] = (list(outputs), cls(outputs, tier))
        return kept[1]

    def groups(
        self, level: str, include_local: bool
    ) -> list[tuple[tuple[str, str, str], list[int], list[int]]]:
        """Each group at ``level``: its key, its categories (positions) and its output rows."""
        if (level, include_local) not in self._groups:
            found: dict[tuple[str, str, str], list[int]] = {}
            for c, (dimension, subdimension, category) in enumerate(self.categories):
                if level == "overall":
                    if dimension not in OFFICIAL_DIMENSIONS and not include_local:
                        continue  # local indicators score in their own dimension rows only
                    key = ("", "", "")
                elif level == "dimension":
                    key = (dimension, "", "")
                elif level == "subdimension":
                    key = (dimension, subdimension, "")
                else:
                    key = (dimension, subdimension, category)
                found.setdefault(key, []).append(c)
            self._groups[level, include_local] = [
                (key, cs, [i for c in cs for i in self.members[c]]) for key, cs in found.items()
            ]
        return self._groups[level, include_local]

    def matrix(self, level: str, include_local: bool) -> npt.NDArray[np.signedinteger]:
        """Which categories each group at ``level`` holds, as a (groups × categories) matrix
        of 0 and 1 in the sums' integer type."""
        if (level, include_local) not in self._matrices:
            groups = self.groups(level, include_local)
            within = np.zeros((len(groups), len(self.categories)), _sum_dtype(len(self.order)))
            for g, (_, categories, _) in enumerate(groups):
                within[g, categories] = 1
            self._matrices[level, include_local] = within
        return self._matrices[level, include_local]


@dataclass
class Rollup:
    """Scores of one group (a category, sub-dimension, dimension or overall) for every row."""

    level: str
    key: tuple[str, str, str]
    members: list[int]
    points: npt.NDArray[np.signedinteger]
    #: How many of its values are scored.
    scored: npt.NDArray[np.signedinteger]
    pct: npt.NDArray[np.float64]
    band_points: npt.NDArray[np.int8]
    scores: Scores = field(repr=False)

    @property
    def max_points(self) -> npt.NDArray[np.signedinteger]:
        """Per row, the points the group could have: 4 per scored value."""
        return self.scored * 4

    @property
    def size(self) -> int:
        """How many KPI values the group holds (scored or not)."""
        return len(self.members)

    @property
    def coverage(self) -> dict[str, npt.NDArray[np.intp]]:
        """Per row, how many values of the group are in each coverage class (computed on demand)."""
        classes = self.scores.coverage[self.members]
        return {name: np.count_nonzero(classes == k, axis=0) for k, name in enumerate(COVERAGE)}


@dataclass(frozen=True)
class Benchmarks:
    """What each output is scored against, resolved once for a list of outputs and a target set.

    :ivar directions: per output, the direction it is scored in (``none`` without a benchmark).
    :ivar values: per output, the target value (NaN without one); ``codes`` the direction codes.
    :ivar target_set: the target set's name and fingerprint.
    """

    targets: list[Target | None]
    directions: list[str]
    values: npt.NDArray[np.float64]
    codes: npt.NDArray[np.int8]
    target_set: dict[str, str]

    @classmethod
    def of(cls, outputs: Sequence[Output], target_set: TargetSet) -> Benchmarks:
        """Look up the target and direction of every output in ``target_set``.

        :raises ConfigurationError: a target cannot be scored against (a set built by hand;
            files and plugins are refused when they are read, naming the line or the plugin).
        """
        targets = [target_set.get(output.id) for output in outputs]
        directions = [
            "none" if benchmark_of(target) is None else direction_of(output, target)
            for output, target in zip(outputs, targets, strict=True)
        ]
        for output, target, direction in zip(outputs, targets, directions, strict=True):
            if direction == "none" or target is None:
                continue
            problem = target_problem(target.value, direction, *output.bounds, output.unit)
            if problem is not None:
                raise ConfigurationError(
                    f"target set {target_set.name!r}: the target of {output.id}: {problem}"
                )
        return cls(
            targets,
            directions,
            np.array(
                [t.value if t is not None and t.value is not None else np.nan for t in targets]
            ),
            np.array([_DIRECTION_CODES[d] for d in directions], dtype=np.int8),
            target_set.describe(),
        )


def score_matrix(
    outputs: Sequence[Output],
    values: Sequence[npt.NDArray[np.float64]],
    status: npt.NDArray[np.int8],
    benchmarks: Benchmarks,
    bands: Bands,
) -> Scores:
    """Score every output of an evaluation (its values and statuses) against its benchmark.

    A short table is scored as one (outputs × rows) matrix: a few numpy calls for all outputs.
    A long one is scored one output at a time, straight into its int8 row of points: no matrix
    of values is stacked, and each temporary is one output long. Both apply the same rule
    (:func:`percent_of_target` through ``_percent``, then :meth:`Bands.points`).
    """
    points = np.zeros(status.shape, dtype=np.int8)
    n = status.shape[1] if status.ndim == 2 else 0
    if n * len(outputs) <= _BLOCK_CELLS:
        if outputs:
            pct = percent_of_target(
                stack_outputs(values, n), benchmarks.values, benchmarks.codes, bands.lower_rule
            )
            bands.points(pct, out=points)
        return Scores(list(outputs), values, status, benchmarks, points, bands)
    infinite = np.empty(n, bool)
    with np.errstate(all="ignore"):
        for i, code in enumerate(benchmarks.codes.tolist()):
            if code == NONE:
                continue  # no benchmark: never scored
            pct = _percent(values[i], benchmarks.values[i], code, bands.lower_rule)
            _finite(pct, np.isinf(pct, out=infinite))
            bands.points(pct, out=points[i])
    return Scores(list(outputs), values, status, benchmarks, points, bands)


def benchmark_of(target: Target | None) -> float | None:
    """The value ``target`` scores against; ``None`` when it gives no benchmark (no target, kind
    ``none``, or no value): such an output is reported, never scored."""
    if target is None or target.kind == "none":
        return None
    return target.value


def direction_of(output: Output, target: Target | None = None) -> str:
    """The direction ``output`` is scored in: the target's own direction when it gives one, else
    the output's (``yes/no`` for a yes/no unit).

    An output without a benchmark (no target, kind ``none``, or no value) is not scored at all;
    :func:`score_matrix` gives it the direction ``none``. The data-collection workbook writes
    these directions into its Targets sheet.
    """
    if target is not None and target.direction:
        return target.direction
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
