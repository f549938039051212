"""The result of scoring: every input row × every scored value, with status and reason.

Results are kept as columns (one array per scored value) and turned into a long table only when
asked, so scoring a million city-years does not build a hundred million Python objects.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .catalogue import Output
from .coverage import Coverage, Needs, coverage_of
from .errors import ConfigurationError, InputProblem
from .evaluate import Column, Evaluation, stack_outputs
from .model import Check
from .provenance import QUALITY_LEVELS, Traced
from .scoring import COVERAGE, PCT_DECIMALS, UNBENCHMARKED, Rollup, Scores
from .status import LABELS, Status
from .trends import Trends, trends_of
from .values import NoteTable
from .verification import VERIFICATION_COLUMNS, YES_NO, Verification, summary

if TYPE_CHECKING:
    import pandas as pd

    from .peers import PeerTargets
    from .targets import TargetSet

__all__ = ["ConsistencyWarning", "Origin", "Result"]

#: Columns of the long table, in order.
LONG_COLUMNS = (
    "city",
    "year",
    "code",
    "data_point",
    "name",
    "value",
    "unit",
    "status",
    "reason",
    "source",
    "quality",
    "target",
    "target_kind",
    "target_source",
    "pct_of_target",
    "points",
    "band",
    "warnings",
)
#: Columns of a roll-up table, in order.
ROLLUP_COLUMNS = (
    "city",
    "year",
    "level",
    "dimension",
    "subdimension",
    "category",
    "points",
    "max_points",
    "pct",
    "band",
    *COVERAGE,
    "total",
    "coverage_pct",
)
NO_BENCHMARK = "no benchmark"
#: Quality labels by code: 0 is no level given.
QUALITY_CATEGORIES = ("", *QUALITY_LEVELS)


@dataclass(frozen=True)
class ConsistencyWarning:
    """A consistency rule broken by one input row.

    :ivar row: 0-based input row.
    :ivar check: id of the check function.
    :ivar message: what is wrong and what to look at.
    :ivar ids: ids of the scored values the rule reads.
    :ivar file: the input file of the row, when the input came from files.
    :ivar file_row: the row in that file (0-based; a long table's first row of the city and year).
    """

    row: int
    city: str
    year: float
    check: str
    message: str
    ids: tuple[str, ...]
    file: str | None = None
    file_row: int | None = None


@dataclass(frozen=True)
class Origin:
    """Where each result row came from, when the input came from files.

    :ivar files: the input files, as named in messages.
    :ivar file: per result row, the position of its file in ``files``.
    :ivar row: per result row, its row in that file (0-based, counted under the header).
    """

    files: list[str]
    file: npt.NDArray[np.int32]
    row: npt.NDArray[np.intp]


class Result:
    """Scored values for every input row; build it with :meth:`Engine.score`.

    :ivar outputs: the scored values, in catalogue order.
    :ivar problems: every input problem found (invalid cells, unknown columns, duplicates).
    :ivar manifest: what produced this result (versions, plugins, counts by status).
    """

    def __init__(
        self,
        *,
        city: npt.NDArray[np.object_],
        year: npt.NDArray[np.float64],
        outputs: Sequence[Output],
        evaluation: Evaluation,
        scores: Scores,
        notes: NoteTable,
        problems: list[InputProblem],
        broken: Sequence[tuple[Check, npt.NDArray[np.intp]]],
        manifest: dict[str, Any],
        aliases: Mapping[str, str] | None = None,
        provenance: Traced | None = None,
        origin: Origin | None = None,
        inputs: Mapping[str, Column] | None = None,
        needs: Needs | None = None,
        verification: Verification | None = None,
    ) -> None:
        self.city = city
        self.year = year
        self.outputs = list(outputs)
        self._values = evaluation.values
        self.statuses = evaluation.status
        self._reasons = evaluation.reasons
        self._counts = evaluation.counts
        self.scores = scores
        self.notes = notes
        self.problems = problems
        self._broken = list(broken)
        #: Replaced indicator ids and their replacements: a check naming one warns on the other.
        self._aliases = dict(aliases or {})
        self._ids: dict[str, int] | None = None
        #: Sources and data-quality levels of every value, when the input gave any.
        self.provenance = provenance
        #: The file and row each result row came from, when the input came from files.
        self.origin = origin
        #: The parsed input columns (held, not copied) and what each value needs: for coverage.
        self._inputs = inputs
        self._needs = needs
        #: What a verifier entered in the workbook read (``None`` when the input had none).
        self.verification = verification
        self.manifest = manifest
        self.manifest["rows"] = len(city)
        self.manifest["targets"] = scores.target_set
        self.manifest["bands"] = {
            "edges": list(scores.bands.edges),
            "lower_rule": scores.bands.lower_rule,
        }
        self.manifest["status_counts"] = self.status_counts()
        self.manifest["problems"] = problem_counts(problems)
        if verification is not None:
            self.manifest["verification"] = summary(self._verified, verification.questions)
        #: The peer targets derived for this result (``None`` unless asked for).
        self.peer_targets: PeerTargets | None = None

    def with_peers(self, found: PeerTargets | None, before: TargetSet) -> Result:
        """Record the peer targets scored with (``before``: the target set they filled)."""
        self.peer_targets = found
        if found is not None:
            self.manifest["targets"] = {**self.manifest["targets"], "peer": found.describe(before)}
        return self

    def rescored(self, scores: Scores) -> Result:
        """The same rows and values with other scores (another target set)."""
        twin = copy.copy(self)
        twin.scores = scores
        twin.manifest = {**self.manifest, "targets": scores.target_set}
        return twin

    @property
    def columns(self) -> Sequence[npt.NDArray[np.float64]]:
        """The values of each output, one array per output (as scored)."""
        return self._values

    def __len__(self) -> int:
        return len(self.city)

    def __repr__(self) -> str:
        return f"<Result {len(self)} rows × {len(self.outputs)} values>"

    @cached_property
    def values(self) -> npt.NDArray[np.float64]:
        """Every value, (outputs × rows); NaN where there is no number. Built on first use."""
        return stack_outputs(self._values, len(self))

    @cached_property
    def reasons(self) -> npt.NDArray[np.int32]:
        """Note codes (into :attr:`notes`) of every value, (outputs × rows); 0 where none.
        Built on first use."""
        return self._reasons.dense()

    # -- single values -------------------------------------------------------------------------

    def column(self, output_id: str) -> Column:
        """The column of one scored value (code or data point id, exactly as printed)."""
        i = self._index[output_id]
        return Column(self._values[i], self.statuses[i], self._reasons.row(i))

    def value(self, output_id: str, row: int = 0) -> float:
        """The value of one scored value in one row (NaN when it has none)."""
        return float(self._values[self._index[output_id]][row])

    def status(self, output_id: str, row: int = 0) -> Status:
        """The status of one scored value in one row."""
        return Status(int(self.statuses[self._index[output_id], row]))

    def reason(self, output_id: str, row: int = 0) -> str:
        """Why a value has no number (empty when computed or reported)."""
        return self.notes.text(self._reasons.at(self._index[output_id], row))

    def status_counts(self) -> dict[str, int]:
        """How many values have each status, over all rows."""
        counts = self._counts.tolist()
        return {label: count for label, count in zip(LABELS, counts, strict=True) if count}

    def points(self, output_id: str, row: int = 0) -> int:
        """Points 1–4 of one value in one row; 0 when it is not scored."""
        return int(self.scores.points[self._index[output_id], row])

    def pct_of_target(self, output_id: str, row: int = 0) -> float:
        """% of target of one value in one row (NaN when it is not scored)."""
        return float(self.scores.pct_of(self._index[output_id])[row])

    @property
    def _index(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {o.id: i for i, o in enumerate(self.outputs)}
        return self._ids

    # -- warnings --------------------------------------------------------------------------------

    @property
    def warnings(self) -> list[ConsistencyWarning]:
        """Every broken consistency rule, one entry per rule and row."""
        return self.first_warnings(None)

    def first_warnings(self, limit: int | None) -> list[ConsistencyWarning]:
        """The first ``limit`` entries of :attr:`warnings` (all when ``None``), built lazily."""
        found: list[ConsistencyWarning] = []
        for chk, rows in self._broken:
            ids = self._check_ids(chk)
            room = rows.size if limit is None else max(limit - len(found), 0)
            found += [
                ConsistencyWarning(
                    int(r),
                    str(self.city[r]),
                    float(self.year[r]),
                    chk.id,
                    chk.message,
                    ids,
                    *self._where(int(r)),
                )
                for r in rows[:room]
            ]
        failed = [
            ConsistencyWarning(-1, "", math.nan, chk.id, chk.message, ())
            for chk, rows in self._broken
            if rows.size == 0
        ]
        return found + (failed if limit is None else failed[: max(limit - len(found), 0)])

    def warning_counts(self) -> dict[str, int]:
        """How many rows break each consistency rule (a rule that failed to run counts once)."""
        return {chk.id: max(int(rows.size), 1) for chk, rows in self._broken}

    def _where(self, row: int) -> tuple[str | None, int | None]:
        if self.origin is None:
            return None, None
        return self.origin.files[self.origin.file[row]], int(self.origin.row[row])

    def _check_ids(self, chk: Check) -> tuple[str, ...]:
        params = {self._aliases.get(p, p) for p in chk.inputs}
        return tuple(
            o.id
            for o in self.outputs
            if o.indicator.id in params or o.indicator.code in params or o.id in params
        )

    def _warning_codes(self, start: int = 0, stop: int | None = None) -> npt.NDArray[np.int32]:
        """Per (row, value) note codes of the warnings attached to it, for input rows ``start``
        to ``stop``, as a (rows, values) array."""
        stop = len(self) if stop is None else stop
        codes = np.zeros((stop - start, len(self.outputs)), np.int32)
        index = {o.id: i for i, o in enumerate(self.outputs)}
        for chk, broken in self._broken:
            rows = broken[(broken >= start) & (broken < stop)] - start
            if not rows.size:
                continue
            for output_id in self._check_ids(chk):
                col = index[output_id]
                old = codes[rows, col]
                for code in np.unique(old):
                    text = self.notes.text(int(code))
                    joined = f"{text}; {chk.message}" if text else chk.message
                    codes[rows[old == code], col] = self.notes.code(joined)
        return codes

    # -- tables ----------------------------------------------------------------------------------

    def _long_arrays(self, start: int = 0, stop: int | None = None) -> dict[str, Any]:
        """The long table's columns for input rows ``start`` to ``stop``, row-major."""
        stop = len(self) if stop is None else min(stop, len(self))
        start = min(start, stop)
        n, v = stop - start, len(self.outputs)
        rows = slice(start, stop)
        values = [column[rows] for column in self._values]
        return {
            "city": self.city[rows],
            "year": np.repeat(self.year[rows], v),
            "out": np.tile(np.arange(v), n),
            # Stacked row-major at once: (rows × outputs) flattens without another copy.
            "value": np.stack(values, axis=1).reshape(-1) if v else np.empty(0),
            "status": self.statuses[:, rows].T.ravel(),
            "reason": self._reasons.dense(start, stop).T.ravel(),
            "pct": self.scores.pct_between(start, stop).T.ravel(),
            "points": self.scores.points[:, rows].T.ravel(),
            "coverage": self.scores.coverage[:, rows].T.ravel(),
            "warnings": self._warning_codes(start, stop).ravel(),
            **self._provenance_arrays(rows, n * v),
            **self._verification_arrays(rows),
        }

    @cached_property
    def _verified(self) -> dict[str, Any]:
        """The (outputs × rows) codes of the verifier's entries (see
        :meth:`Verification.matrices`); empty when the input had none."""
        if self.verification is None:
            return {}
        return self.verification.matrices(self.outputs, self.statuses)

    @property
    def questions(self) -> list[dict[str, Any]]:
        """The questions a verifier raised with the city (Questions sheet), each with its
        input ``row``; empty when the input had none."""
        return [] if self.verification is None else self.verification.questions

    def _verification_arrays(self, rows: slice, output: int | None = None) -> dict[str, Any]:
        """The verifier's codes of input ``rows``, by column of :data:`VERIFICATION_COLUMNS`:
        row-major over all outputs (the long table), or of one ``output`` (a wide table)."""
        found = self._verified
        if not found:
            return {}
        return {
            column: found[key][:, rows].T.ravel() if output is None else found[key][output, rows]
            for column, key in zip(
                VERIFICATION_COLUMNS,
                ("reported", "verified", "comment", "date", "questions", "open"),
                strict=True,
            )
        }

    def verification_columns(self, output: int) -> dict[str, Any]:
        """One output's :data:`VERIFICATION_COLUMNS` over all input rows, as table columns (for
        a wide table); empty when the input had no Verification sheet."""
        return self._verification_table(self._verification_arrays(slice(None), output))

    def _verification_table(self, codes: Mapping[str, Any]) -> dict[str, Any]:
        """The verification columns among ``codes`` as table columns: yes/no and the texts as
        categoricals, the question counts as they are."""
        import pandas as pd

        labels = {"reported": YES_NO, "verified": YES_NO}
        return {
            column: codes[column]
            if column in ("questions", "open_questions")
            else pd.Categorical.from_codes(
                codes[column], categories=pd.Index(list(labels.get(column, self.notes.texts)))
            )
            for column in VERIFICATION_COLUMNS
            if column in codes
        }

    def _provenance_arrays(self, rows: slice, size: int) -> dict[str, Any]:
        """Source note codes and quality codes, row-major; all 0 when the input gave none."""
        if self.provenance is None:
            return {"source": np.zeros(size, np.int8), "quality": np.zeros(size, np.int8)}
        return {
            "source": self.provenance.source[:, rows].T.ravel(),
            "quality": self.provenance.quality[:, rows].T.ravel(),
        }

    def _per_output(self) -> dict[str, list[Any]]:
        """Columns that only depend on the output, one entry per output."""
        targets = self.scores.targets
        return {
            "code": [o.indicator.code for o in self.outputs],
            "data_point": [o.point.key if o.point else "" for o in self.outputs],
            "name": [o.name for o in self.outputs],
            "unit": [o.unit for o in self.outputs],
            "target": [
                t.value if t is not None and t.value is not None else np.nan for t in targets
            ],
            "target_kind": [t.kind if t is not None else "" for t in targets],
            "target_source": [t.source if t is not None else "" for t in targets],
        }

    def _bands(self, points: npt.NDArray[np.int8], coverage: npt.NDArray[np.int8]) -> Any:
        """Band label codes: 0 none, 1–4 the bands, 5 no benchmark."""
        return np.where(coverage == UNBENCHMARKED, 5, points)

    def to_frame(self, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """The long table: one row per input row and scored value, in input then catalogue order.

        Columns: see :data:`LONG_COLUMNS`, then, when the input was a data-collection workbook
        with a Verification sheet, :data:`~u4ssc.core.verification.VERIFICATION_COLUMNS`;
        ``pct_of_target`` is rounded to :data:`~.scoring.PCT_DECIMALS` decimals (points come
        from the exact value), the city is categorical. ``start`` and ``stop`` take input rows
        ``start`` to ``stop`` only: a long table can be written a slice at a time.
        """
        import pandas as pd

        arrays = self._long_arrays(start, stop)
        out = arrays["out"]
        city_codes, cities = pd.factorize(arrays["city"])

        def categorical(codes: Any, categories: Sequence[str]) -> Any:
            return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)))

        def per_output(values: list[str]) -> Any:
            categories = list(dict.fromkeys(values))
            position = {value: i for i, value in enumerate(categories)}
            codes = np.array([position[v] for v in values], dtype=np.int64)
            return categorical(codes[out], categories)

        fixed = self._per_output()
        points = arrays["points"]
        band_labels = ["", *self.scores.bands.labels, NO_BENCHMARK]
        verified = self._verification_table(arrays)
        return pd.DataFrame(
            {
                "city": categorical(np.repeat(city_codes, len(fixed["code"])), cities),
                "year": pd.array(arrays["year"], dtype="Float64").astype("Int64"),
                "code": per_output(fixed["code"]),
                "data_point": per_output(fixed["data_point"]),
                "name": per_output(fixed["name"]),
                "value": arrays["value"],
                "unit": per_output(fixed["unit"]),
                "status": categorical(arrays["status"], LABELS),
                "reason": categorical(arrays["reason"], self.notes.texts),
                "source": categorical(arrays["source"], self.notes.texts),
                "quality": categorical(arrays["quality"], QUALITY_CATEGORIES),
                "target": np.asarray(fixed["target"], dtype=np.float64)[out],
                "target_kind": per_output(fixed["target_kind"]),
                "target_source": per_output(fixed["target_source"]),
                "pct_of_target": np.round(arrays["pct"], PCT_DECIMALS),
                "points": pd.arrays.IntegerArray(points, mask=points == 0),
                "band": categorical(self._bands(points, arrays["coverage"]), band_labels),
                "warnings": categorical(arrays["warnings"], self.notes.texts),
                **verified,
            }
        )

    def records(self) -> Iterator[dict[str, Any]]:
        """The long table's rows as plain dicts, without pandas (fast for a few cities)."""
        arrays = self._long_arrays()
        fixed = self._per_output()
        band_labels = ["", *self.scores.bands.labels, NO_BENCHMARK]
        bands = self._bands(arrays["points"], arrays["coverage"])
        pct = np.round(arrays["pct"], PCT_DECIMALS)
        width = len(self.outputs)
        for i in range(len(arrays["out"])):
            j = arrays["out"][i]
            year = arrays["year"][i]
            target = fixed["target"][j]
            points = int(arrays["points"][i])
            yield {
                "city": str(arrays["city"][i // width]),
                "year": None if math.isnan(year) else int(year),
                "code": fixed["code"][j],
                "data_point": fixed["data_point"][j],
                "name": fixed["name"][j],
                "value": _number(arrays["value"][i]),
                "unit": fixed["unit"][j],
                "status": LABELS[arrays["status"][i]],
                "reason": self.notes.text(int(arrays["reason"][i])),
                "source": self.notes.text(int(arrays["source"][i])),
                "quality": QUALITY_CATEGORIES[int(arrays["quality"][i])],
                "target": _number(target),
                "target_kind": fixed["target_kind"][j],
                "target_source": fixed["target_source"][j],
                "pct_of_target": _number(pct[i]),
                "points": points or None,
                "band": band_labels[int(bands[i])],
                "warnings": self.notes.text(int(arrays["warnings"][i])),
                **(_verified_record(arrays, i, self.notes) if self._verified else {}),
            }

    # -- progress and coverage -------------------------------------------------------------------

    def trends(self, *, stable_pct: float = 1.0) -> Trends:
        """Each city's progress, KPI by KPI, from year to year (see :mod:`u4ssc.core.trends`).

        Judged against the target and direction each value was scored with.

        :param stable_pct: a value that changed by less than this % of its previous value is
            ``stable``.
        """
        return trends_of(self.city, self.year, self.values, self.scores, stable_pct=stable_pct)

    def coverage(self) -> Coverage:
        """Why each value is not scored, which inputs are missing most often, and how many values
        each city-year would gain by reporting each input (see :mod:`u4ssc.core.coverage`).

        :raises ConfigurationError: the result was built without its inputs (not by an engine).
        """
        if self._inputs is None or self._needs is None:
            raise ConfigurationError(
                "this result does not hold its inputs: score with Engine.score to get coverage"
            )
        return coverage_of(self.city, self.year, self.scores, self._inputs, self._needs)

    # -- roll-ups --------------------------------------------------------------------------------

    def rollup(
        self, level: str = "category", *, tier: str = "all", include_local: bool = False
    ) -> list[Rollup]:
        """Roll-up scores as arrays, one :class:`Rollup` per group; see :meth:`rollups`."""
        return self.scores.rollup(level, tier=tier, include_local=include_local)

    def _rollup_arrays(self, level: str, tier: str, include_local: bool) -> dict[str, Any]:
        """Roll-up columns, row-major (each input row, then each group), as arrays."""
        groups = self.scores.rollup(level, tier=tier, include_local=include_local)
        n, g = len(self), len(groups)

        def stack(values: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
            return np.stack(values, axis=1).ravel() if values else np.empty(0)

        coverage = {
            k: stack([grp.coverage[k] for grp in groups]).astype(np.int64) for k in COVERAGE
        }
        total = sum(coverage.values(), np.zeros(n * g, np.int64))
        with np.errstate(all="ignore"):
            coverage_pct = np.round(
                np.where(total > 0, coverage["scored"] / total * 100, np.nan), PCT_DECIMALS
            )
        overall = "all" if level == "overall" else ""
        return {
            "city": np.repeat(self.city, g),
            "year": np.repeat(self.year, g),
            "level": np.full(n * g, level, dtype=object),
            "dimension": np.tile(
                np.array([grp.key[0] or overall for grp in groups], dtype=object), n
            ),
            "subdimension": np.tile(np.array([grp.key[1] for grp in groups], dtype=object), n),
            "category": np.tile(np.array([grp.key[2] for grp in groups], dtype=object), n),
            "points": stack([grp.points for grp in groups]).astype(np.int64),
            "max_points": stack([grp.max_points for grp in groups]).astype(np.int64),
            "pct": np.round(stack([grp.pct for grp in groups]), PCT_DECIMALS),
            "band": stack([grp.band_points for grp in groups]).astype(np.int8),
            **coverage,
            "total": total,
            "coverage_pct": coverage_pct,
        }

    def rollups(
        self, level: str = "category", *, tier: str = "all", include_local: bool = False
    ) -> pd.DataFrame:
        """Roll-up rows, one per input row and group; columns: see :data:`ROLLUP_COLUMNS`.

        :param level: ``category``, ``subdimension``, ``dimension`` or ``overall``.
        :param tier: ``all`` (core and advanced) or ``core``.
        :param include_local: let local indicators count in the overall score.
        """
        import pandas as pd

        arrays = self._rollup_arrays(level, tier, include_local)
        labels = ["not scored", *self.scores.bands.labels]
        frame = pd.DataFrame(arrays, columns=list(ROLLUP_COLUMNS))
        frame["year"] = pd.array(arrays["year"], dtype="Float64").astype("Int64")
        frame["band"] = pd.Categorical.from_codes(arrays["band"], categories=pd.Index(labels))
        return frame

    def rollup_records(
        self, level: str = "category", *, tier: str = "all", include_local: bool = False
    ) -> list[dict[str, Any]]:
        """Roll-up rows as plain dicts, without pandas; see :meth:`rollups`."""
        arrays = self._rollup_arrays(level, tier, include_local)
        labels = ["not scored", *self.scores.bands.labels]
        records = []
        for i in range(len(arrays["level"])):
            row = {k: arrays[k][i] for k in ROLLUP_COLUMNS}
            row["year"] = _number(row["year"])
            row["year"] = None if row["year"] is None else int(row["year"])
            row["pct"] = _number(row["pct"])
            row["coverage_pct"] = _number(row["coverage_pct"])
            row["band"] = labels[int(row["band"])]
            for key in ("points", "max_points", "total", *COVERAGE):
                row[key] = int(row[key])
            records.append(row)
        return records


def problem_counts(problems: Sequence[InputProblem]) -> dict[str, int]:
    """How many problems have each severity (``error``, ``warning``)."""
    counts = {"error": 0, "warning": 0}
    for problem in problems:
        counts[problem.severity] = counts.get(problem.severity, 0) + 1
    return counts


def _verified_record(arrays: Mapping[str, Any], i: int, notes: NoteTable) -> dict[str, Any]:
    """The verification columns of long row ``i``, as plain values."""
    return {
        "reported": YES_NO[int(arrays["reported"][i])],
        "verified": YES_NO[int(arrays["verified"][i])],
        "verifier_comment": notes.text(int(arrays["verifier_comment"][i])),
        "verified_on": notes.text(int(arrays["verified_on"][i])),
        "questions": int(arrays["questions"][i]),
        "open_questions": int(arrays["open_questions"][i]),
    }


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
