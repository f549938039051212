"""Coverage you can act on: why each value is not scored, and which inputs would fill the gaps.

Computed from the matrices the engine already has: the statuses of the values (outputs × rows),
the statuses of the inputs (items × rows) and which inputs each value needs (outputs × items),
with a few matrix products; there is no loop over rows.

How gains are counted (``docs/scoring.md``): a value that is not reported misses one or more of
the inputs it needs. When it misses exactly one, reporting that input gains the value: it counts
in that input's ``gains`` (and in ``gains_scored`` when the value has a benchmark, so it would be
scored too). A value that misses several inputs is gained by none of them alone: it counts once
in the ``shared`` of each input it misses, so ``shared`` summed over inputs counts such a value
as many times as it has missing inputs. ``blocked`` is ``gains + shared``: every value that
misses the input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .catalogue import Output
from .evaluate import Column, Plan
from .graph import IndicatorGraph
from .scoring import NONE, Scores
from .status import Status

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "GAIN_COLUMNS",
    "INPUT_COLUMNS",
    "KPI_COVERAGE_COLUMNS",
    "Coverage",
    "Needs",
    "coverage_of",
]

#: Columns of the per-KPI table, in order.
KPI_COVERAGE_COLUMNS = (
    "code",
    "data_point",
    "name",
    "target_kind",
    "scored",
    "no_benchmark",
    "not_reported",
    "not_applicable",
    "invalid",
    "error",
    "total",
    "coverage_pct",
    "several_missing",
    "missing_inputs",
)
#: Columns of the per-input table (over the whole run), in order.
INPUT_COLUMNS = (
    "input",
    "needed_by",
    "rows_missing",
    "cities_missing",
    "blocked",
    "gains",
    "gains_scored",
    "shared",
)
#: Columns of the per-city-year gains table, in order.
GAIN_COLUMNS = ("city", "year", "input", "gains", "gains_scored", "shared", "values_gained")
#: Rows per block of the matrix products, so temporaries stay small for a million rows.
_BLOCK_ROWS = 65_536
_NR = np.int8(Status.NOT_REPORTED)


@dataclass(frozen=True)
class Needs:
    """The data items each output needs, directly or through the indicators it reads.

    :ivar items: every data item some output needs, in name order.
    :ivar matrix: (outputs × items): whether the output needs the item.
    """

    items: tuple[str, ...]
    matrix: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, plan: Plan, graph: IndicatorGraph) -> Needs:
        """What each output of ``plan`` needs. For a KPI with several data points, each point
        needs only the parameters its value depends on (as its reasons name them)."""
        raw: dict[str, set[str]] = {}
        per_output: list[set[str]] = [set() for _ in plan.ids]
        for step in plan.steps:
            for j, row in enumerate(step.rows):
                for i in step.uses[j]:
                    source = step.sources[i]
                    if step.from_item[i]:
                        per_output[row].add(source)
                    else:
                        if source not in raw:
                            raw[source] = set(graph.raw_inputs(source))
                        per_output[row] |= raw[source]
        items = tuple(sorted(set().union(*per_output))) if per_output else ()
        position = {item: k for k, item in enumerate(items)}
        matrix = np.zeros((len(plan.ids), len(items)), bool)
        for row, needed in enumerate(per_output):
            matrix[row, [position[item] for item in needed]] = True
        return cls(items, matrix)


@dataclass(frozen=True)
class Coverage:
    """Why values are not scored and what reporting each input would gain.

    :ivar counts: (outputs × statuses): how many rows have each :class:`Status`.
    :ivar benchmarked: per output, whether it has a benchmark.
    :ivar several: per output, the rows not reported that miss two or more inputs.
    :ivar missing_by_output: (outputs × items): rows where the output is not reported and the
        item is one of its missing inputs.
    :ivar items: the inputs, as in :class:`Needs`; ``missing`` (items × rows) where each is not
        reported; ``gains``, ``gains_scored`` and ``shared`` (items × rows) as the module says.
    """

    city: npt.NDArray[np.object_]
    year: npt.NDArray[np.float64]
    outputs: list[Output]
    target_kinds: list[str]
    counts: npt.NDArray[np.int64]
    benchmarked: npt.NDArray[np.bool_]
    several: npt.NDArray[np.int64]
    missing_by_output: npt.NDArray[np.int64]
    items: tuple[str, ...]
    needs: npt.NDArray[np.bool_]
    missing: npt.NDArray[np.bool_]
    gains: npt.NDArray[np.int32]
    gains_scored: npt.NDArray[np.int32]
    shared: npt.NDArray[np.int32]
    #: (outputs × rows): where the value is the only-missing-input kind, i.e. one input gains it.
    single: npt.NDArray[np.bool_]

    def kpi_records(self, top: int = 3) -> list[dict[str, Any]]:
        """Per KPI value: counts of rows by why it is not scored, and its most missed inputs.

        :param top: how many missing inputs to name (most often missing first).
        """
        rows = []
        for o, output in enumerate(self.outputs):
            c = self.counts[o].tolist()
            valued = c[Status.COMPUTED] + c[Status.REPORTED]
            scored = valued if self.benchmarked[o] else 0
            total = sum(c)
            missed = self.missing_by_output[o]
            ranked = [k for k in np.argsort(-missed, kind="stable")[:top].tolist() if missed[k]]
            rows.append(
                {
                    "code": output.indicator.code,
                    "data_point": output.point.key if output.point else "",
                    "name": output.name,
                    "target_kind": self.target_kinds[o],
                    "scored": scored,
                    "no_benchmark": valued - scored,
                    "not_reported": c[Status.NOT_REPORTED],
                    "not_applicable": c[Status.NOT_APPLICABLE],
                    "invalid": c[Status.INVALID],
                    "error": c[Status.ERROR],
                    "total": total,
                    "coverage_pct": round(scored / total * 100, 2) if total else None,
                    "several_missing": int(self.several[o]),
                    "missing_inputs": "; ".join(
                        f"{self.items[k]} ({int(missed[k])})" for k in ranked
                    ),
                }
            )
        return rows

    def input_records(self) -> list[dict[str, Any]]:
        """Per input over the whole run, most often missing first (then most values gained)."""
        rows_missing = self.missing.sum(axis=1)
        if self.missing.shape[1]:
            _, group = np.unique(self.city.astype(str), return_inverse=True)
            cities = np.zeros((len(self.items), int(group.max()) + 1), bool)
            for_item, for_row = np.nonzero(self.missing)
            cities[for_item, group.ravel()[for_row]] = True
            cities_missing = cities.sum(axis=1)
        else:
            cities_missing = np.zeros(len(self.items), np.int64)
        gains, scored, shared = (
            a.sum(axis=1) for a in (self.gains, self.gains_scored, self.shared)
        )
        needed_by = self.needs.sum(axis=0)
        order = np.lexsort((-gains, -rows_missing))
        return [
            {
                "input": self.items[k],
                "needed_by": int(needed_by[k]),
                "rows_missing": int(rows_missing[k]),
                "cities_missing": int(cities_missing[k]),
                "blocked": int(gains[k] + shared[k]),
                "gains": int(gains[k]),
                "gains_scored": int(scored[k]),
                "shared": int(shared[k]),
            }
            for k in order.tolist()
        ]

    def gain_records(self, rows: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Per city-year (``rows``: input rows, all by default), each missing input that blocks
        a value, most values gained first, with the ids of the values it alone would gain."""
        chosen = range(self.missing.shape[1]) if rows is None else rows
        found = []
        for r in chosen:
            blocks = self.gains[:, r] + self.shared[:, r]
            present = np.flatnonzero(blocks)
            ranked = present[np.lexsort((-self.shared[present, r], -self.gains[present, r]))]
            gained = self.single[:, r]
            for k in ranked.tolist():
                ids = np.flatnonzero(gained & self.needs[:, k]).tolist()
                found.append(
                    {
                        "city": str(self.city[r]),
                        "year": None if np.isnan(self.year[r]) else int(self.year[r]),
                        "input": self.items[k],
                        "gains": int(self.gains[k, r]),
                        "gains_scored": int(self.gains_scored[k, r]),
                        "shared": int(self.shared[k, r]),
                        "values_gained": "; ".join(self.outputs[o].id for o in ids),
                    }
                )
        return found

    def frame(self, table: str = "kpi") -> pd.DataFrame:
        """One of the tables as a DataFrame: ``kpi``, ``input`` or ``gain``."""
        import pandas as pd

        records, columns = {
            "kpi": (self.kpi_records, KPI_COVERAGE_COLUMNS),
            "input": (self.input_records, INPUT_COLUMNS),
            "gain": (self.gain_records, GAIN_COLUMNS),
        }[table]
        frame = pd.DataFrame(records(), columns=list(columns))
        for name in ("year", "coverage_pct"):
            if name in frame:
                frame[name] = frame[name].astype("Float64" if name == "coverage_pct" else "Int64")
        return frame


def coverage_of(
    city: npt.NDArray[np.object_],
    year: npt.NDArray[np.float64],
    scores: Scores,
    inputs: Mapping[str, Column],
    needs: Needs,
) -> Coverage:
    """The coverage of a scored result: ``scores`` (statuses and benchmarks of the values),
    ``inputs`` (the parsed input columns, by item name; absent items are not reported) and
    ``needs`` (what each value needs)."""
    status = scores.status
    v, n = status.shape
    counts = np.zeros((v, len(Status)), np.int64)
    for o in range(v):
        counts[o] = np.bincount(status[o], minlength=len(Status))
    benchmarked = scores.benchmarks.codes != NONE
    missing = np.ones((len(needs.items), n), bool)
    for k, item in enumerate(needs.items):
        column = inputs.get(item)
        if column is not None:
            missing[k] = column.full_status() == _NR
    gains = np.zeros((len(needs.items), n), np.int32)
    gains_scored = np.zeros_like(gains)
    shared = np.zeros_like(gains)
    missing_by_output = np.zeros((v, len(needs.items)), np.float64)
    several = np.zeros(v, np.int64)
    single = np.zeros((v, n), bool)
    want = needs.matrix.astype(np.float32)
    for start in range(0, n, _BLOCK_ROWS):
        block = slice(start, min(start + _BLOCK_ROWS, n))
        absent = missing[:, block].astype(np.float32)
        not_reported = status[:, block] == _NR
        # How many of its needed inputs each value misses (exact: counts far below 2**24).
        misses = want @ absent
        one = not_reported & (misses == 1)
        many = not_reported & (misses >= 2)
        single[:, block] = one
        several += many.sum(axis=1)
        gains[:, block] = (want.T @ one.astype(np.float32)) * absent
        gains_scored[:, block] = (want.T @ (one & benchmarked[:, None]).astype(np.float32)) * absent
        shared[:, block] = (want.T @ many.astype(np.float32)) * absent
        missing_by_output += (not_reported.astype(np.float32) @ absent.T) * want
    targets = scores.targets
    return Coverage(
        city=city,
        year=year,
        outputs=list(scores.outputs),
        target_kinds=[
            t.kind if t is not None and benchmarked[o] else "none" for o, t in enumerate(targets)
        ],
        counts=counts,
        benchmarked=benchmarked,
        several=several,
        missing_by_output=missing_by_output.astype(np.int64),
        items=needs.items,
        needs=needs.matrix,
        missing=missing,
        gains=gains,
        gains_scored=gains_scored,
        shared=shared,
        single=single,
    )
